"""JSON out: models as FastAPI response models, and pydantic only when pydantic asks."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pydantic
from fastapi import FastAPI
from fastapi.testclient import TestClient

from quickshops import Cart, Catalog, Product, testing


def app_of(qs: Any) -> FastAPI:
    """An app returning models as a storefront's API would: annotated, or response_model."""
    app = FastAPI()

    @app.get("/products")
    def products() -> list[Product]:
        return qs.products.list()  # type: ignore[no-any-return]

    @app.post("/cart")
    def cart() -> Cart:
        return qs.cart.create(lines=[(qs.products.list()[0].id, 2)])  # type: ignore[no-any-return]

    @app.get("/catalog", response_model=Catalog)
    def catalog() -> Any:
        return qs.catalog.get()

    return app


def test_fastapi_sends_a_model_as_its_to_dict() -> None:
    """A model, a list of models and a response_model come out as their to_dict()."""
    with testing.client() as qs:
        client = TestClient(app_of(qs))
        products, cart = client.get("/products"), client.post("/cart")
        catalog = client.get("/catalog")

        assert (200, 200, 200) == (products.status_code, cart.status_code, catalog.status_code)
        assert [p.to_dict() for p in qs.products.list()] == products.json()
        assert qs.cart.get(cart.json()["id"]).to_dict() == cart.json()
        assert qs.catalog.get().to_dict() == catalog.json()


def test_the_openapi_schema_lists_each_models_fields_with_their_types() -> None:
    """Each model is a named schema: its snake_case fields, typed, the listed ones required."""
    with testing.client() as qs:
        schemas = TestClient(app_of(qs)).get("/openapi.json").json()["components"]["schemas"]

    product = schemas["Product"]
    assert {"Cart", "CartLine", "CartTotals", "Catalog", "Product", "Store", "StoreTheme"} <= set(
        schemas
    )
    assert "integer" == product["properties"]["price_in_cents"]["type"]
    assert {"id", "name", "price_in_cents", "currency", "details"} <= set(product["properties"])
    assert "extra" not in product["properties"]
    assert "request_id" not in product["properties"]
    assert {"$ref": "#/components/schemas/CartTotals"} == schemas["Cart"]["properties"]["totals"]


def test_json_in_that_shape_validates_to_a_model() -> None:
    """pydantic reads the JSON a model sends back into an equal model (a request body)."""
    with testing.client() as qs:
        cart = qs.cart.create(lines=[(qs.products.list()[0].id, 2)])

    adapter = pydantic.TypeAdapter(Cart)

    assert cart == adapter.validate_json(json.dumps(cart.to_dict()))
    assert cart is adapter.validate_python(cart)
    assert json.loads(adapter.dump_json(cart)) == cart.to_dict()


def test_pydantic_is_imported_only_when_pydantic_asks() -> None:
    """Using the SDK, models and to_dict() included, imports neither pydantic nor its core."""
    code = (
        "import sys, quickshops.testing\n"
        "with quickshops.testing.client() as qs:\n"
        "    qs.catalog.get().to_dict()\n"
        "print(sorted(m for m in ('pydantic', 'pydantic_core') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )

    assert "[]" == done.stdout.strip()
