"""The models and their tolerant decoder."""

from __future__ import annotations

import contextlib
import pickle
import re
import traceback
import typing
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from quickshops import (
    APIResponseValidationError,
    Cart,
    CartLineInput,
    Catalog,
    CheckoutSessionDetails,
    PortalSession,
    Product,
    Store,
)
from quickshops._models import (
    _WIRE,
    Model,
    _deferred_plan,
    decode,
    decode_list,
    decoder_source,
)
from tests import payloads

ROUTE = "GET /test"


def test_product_fields_map_to_snake_case() -> None:
    """Every wire field of a product lands on its snake_case attribute."""
    product = decode(Product, payloads.PRODUCT, ROUTE, "req_1")

    assert (
        Product(
            id="prod_1",
            store_id="store_1",
            name="Green tea",
            price_in_cents=1999,
            currency="usd",
            type="physical",
            is_active=True,
            category="tea",
            details=("100 g", "organic"),
            extra={"_creationTime": 1767323045000.0, **payloads.UNMAPPED},
        )
        == product
    )
    assert "req_1" == product.request_id


def test_store_keeps_optional_and_unknown_fields() -> None:
    """Optional store fields are read, missing ones are None, unknown ones are kept."""
    wire = {k: v for k, v in payloads.STORE.items() if k not in ("contactEmail", "logoUrl")}
    store = decode(Store, {**wire, "newThing": [1, 2]}, ROUTE)

    assert (None, None, "Tea") == (
        store.logo_url,
        store.contact_email,
        store.template_texts["heroTitle"] if store.template_texts else None,
    )
    assert ("#112233", None, "Inter") == (
        store.theme.primary,
        store.theme.muted,
        store.theme.font_body,
    )
    assert {"newThing": [1, 2], "ownerId": "user_1", **payloads.UNMAPPED} == store.extra


def test_theme_keeps_unknown_keys_and_misses_none() -> None:
    """A theme with a key the SDK does not know keeps it; a missing key is None."""
    store = decode(Store, {**payloads.STORE, "theme": {"primary": "#000", "accent": "#f00"}}, ROUTE)

    assert ("#000", None, {"accent": "#f00"}) == (
        store.theme.primary,
        store.theme.radius,
        store.theme.extra,
    )


@pytest.mark.parametrize(
    ("wire", "field"),
    [
        ({k: v for k, v in payloads.STORE.items() if k != "theme"}, "body.theme (Store.theme)"),
        ({**payloads.STORE, "theme": "dark"}, "body.theme should be an object (StoreTheme)"),
        ({k: v for k, v in payloads.STORE.items() if k != "currency"}, "body.currency"),
        ({**payloads.STORE, "templateTexts": "hi"}, "body.templateTexts should be an object"),
    ],
)
def test_store_needs_its_required_fields(wire: dict[str, Any], field: str) -> None:
    """A store without its theme or currency, or with a theme of another shape, is refused."""
    with pytest.raises(APIResponseValidationError, match=re.escape(field)):
        decode(Store, wire, ROUTE)


@pytest.mark.parametrize("key", ["_id", "id"])
def test_catalog_decodes_its_store_and_products(key: str) -> None:
    """A catalog holds the store and the products, from _id or id, unknown fields kept."""
    store = {**{k: v for k, v in payloads.STORE.items() if k != "_id"}, key: "store_9"}
    catalog = decode(Catalog, {**payloads.CATALOG, "store": store}, ROUTE, "req_9")

    assert ("store_9", ("prod_1",), "req_9") == (
        catalog.store.id,
        tuple(product.id for product in catalog.products),
        catalog.store.request_id,
    )
    assert payloads.UNMAPPED == catalog.extra


@pytest.mark.parametrize(
    ("wire", "field"),
    [
        ({"store": payloads.STORE}, "body.products (Catalog.products)"),
        ({"products": []}, "body.store (Catalog.store)"),
        ({"store": payloads.STORE, "products": [{"_id": "p"}]}, "body.products[0].storeId"),
    ],
)
def test_catalog_needs_its_store_and_products(wire: dict[str, Any], field: str) -> None:
    """A catalog missing its store or products, or with a broken product, names the field."""
    with pytest.raises(APIResponseValidationError, match=re.escape(field)):
        decode(Catalog, wire, ROUTE)


@pytest.mark.parametrize("key", ["id", "_id"])
def test_cart_id_from_either_key(key: str) -> None:
    """A cart's id comes from id or _id; nested lines and products are decoded."""
    wire = {**{k: v for k, v in payloads.CART.items() if k != "id"}, key: "cart_x"}

    cart = decode(Cart, wire, ROUTE, "req_c")

    assert "cart_x" == cart.id
    assert 3998 == cart.totals.total
    assert ("prod_1", 2) == (cart.lines[0].product_id, cart.lines[0].quantity)
    assert cart.lines[0].product is not None
    assert 1999 == cart.lines[0].product.price_in_cents
    assert "req_c" == cart.lines[0].product.request_id


def test_session_details_line_items() -> None:
    """Checkout line items are decoded, each field nullable."""
    wire = {**payloads.SESSION_DETAILS, "lineItems": [{"name": None}]}

    details = decode(CheckoutSessionDetails, wire, ROUTE)

    assert (None, None) == (details.line_items[0].name, details.line_items[0].quantity)
    assert "paid" == details.payment_status


def test_models_are_frozen() -> None:
    """A model cannot be changed after decoding."""
    product = decode(Product, payloads.PRODUCT, ROUTE)

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        product.name = "changed"  # type: ignore[misc]


def test_request_id_does_not_affect_equality() -> None:
    """Two decodings of the same payload are equal whatever their request ids."""
    assert decode(Product, payloads.PRODUCT, ROUTE, "a") == decode(
        Product, payloads.PRODUCT, ROUTE, "b"
    )


def test_float_with_integer_value_is_an_int() -> None:
    """An integral float where an integer is due is accepted as an int."""
    product = decode(Product, {**payloads.PRODUCT, "priceInCents": 1999.0}, ROUTE)

    assert 1999 == product.price_in_cents
    assert int is type(product.price_in_cents)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"priceInCents": 19.99}, "body.priceInCents should be an integer, got float 19.99"),
        ({"priceInCents": True}, "body.priceInCents should be an integer"),
        ({"isActive": "yes"}, "body.isActive should be true or false"),
        ({"name": None}, "required field body.name (Product.name) is missing or null"),
        ({"details": "one"}, "body.details should be a list of strings"),
        ({"details": ["ok", 3]}, "body.details[1] should be a string"),
        ({"name": "x" * 100}, None),
    ],
)
def test_wrong_types_name_the_field(change: dict[str, Any], fragment: str | None) -> None:
    """A wrong type or missing required field is a validation error naming the field."""
    wire = {**payloads.PRODUCT, **change}
    if fragment is None:
        assert "x" * 100 == decode(Product, wire, ROUTE).name
        return

    with pytest.raises(APIResponseValidationError) as caught:
        decode(Product, wire, ROUTE, "req_v")

    assert f"Unexpected response from {ROUTE}: {fragment}" in caught.value.message
    assert "req_v" == caught.value.request_id


@pytest.mark.parametrize(
    ("wire", "fragment"),
    [
        ({**payloads.CART, "lines": {}}, "body.lines should be a list"),
        ({**payloads.CART, "lines": [7]}, "body.lines[0] should be an object (CartLine)"),
        ({**payloads.CART, "totals": {"subtotal": 1, "total": 1}}, "body.totals.currency"),
        (
            {**payloads.CART, "lines": [{"productId": "p", "quantity": 1, "product": {}}]},
            "body.lines[0].product._id",
        ),
        ({**payloads.STORE, "theme": "dark"}, None),
    ],
)
def test_nested_errors_give_the_path(wire: dict[str, Any], fragment: str | None) -> None:
    """An error inside a nested model names its full path."""
    cls = Store if fragment is None else Cart
    with pytest.raises(APIResponseValidationError) as caught:
        decode(cls, wire, ROUTE)

    assert (fragment or "body.theme should be an object") in caught.value.message


def test_long_values_are_described_not_shown() -> None:
    """A long offending value is described by its length, never cut (which could split a key)."""
    with pytest.raises(APIResponseValidationError) as caught:
        decode(Product, {**payloads.PRODUCT, "name": ["x" * 500]}, ROUTE)

    assert "body.name should be a string, got list of length 1." in caught.value.message
    assert "xxx" not in caught.value.message


def test_decode_list() -> None:
    """A list payload decodes to a list; anything else is a validation error."""
    assert 2 == len(decode_list(Product, [payloads.PRODUCT] * 2, ROUTE))
    with pytest.raises(APIResponseValidationError, match="body should be a list of Product"):
        decode_list(Product, {"items": []}, ROUTE)


def test_cart_line_input_defaults_to_one() -> None:
    """CartLineInput takes a product id and a quantity that defaults to 1."""
    assert ("prod_1", 1) == attrs.astuple(CartLineInput("prod_1"))


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
        max_leaves=20,
    )
)
def test_any_json_decodes_or_raises_validation_error(data: Any) -> None:
    """Whatever JSON arrives, decoding gives a model or an APIResponseValidationError."""
    for cls in (Product, Cart, Store, CheckoutSessionDetails):
        with contextlib.suppress(APIResponseValidationError):
            decode(cls, data, ROUTE)


def test_models_are_hashable() -> None:
    """Frozen models can be set members and dict keys, extra fields notwithstanding."""
    store = decode(Store, {**payloads.STORE, "newThing": {"a": 1}}, ROUTE)
    cart = decode(Cart, payloads.CART, ROUTE)

    assert {store, store} == {store}
    assert 1 == len({cart, decode(Cart, payloads.CART, ROUTE, "other request")})


def test_an_alias_not_used_is_kept_in_extra() -> None:
    """With both _id and id sent, _id is the id and id is kept, as sent, in extra."""
    product = decode(Product, {**payloads.PRODUCT, "_id": "prod_a", "id": "prod_b"}, ROUTE)

    assert ("prod_a", "prod_b") == (product.id, product.extra["id"])
    assert "_id" not in product.extra


def test_an_error_in_a_long_list_names_its_item() -> None:
    """The item of a list that fails is named by its index, however long the list."""
    products = [{**payloads.PRODUCT, "_id": f"p{i}"} for i in range(50)]
    products[37] = {**products[37], "priceInCents": "19.99"}

    with pytest.raises(APIResponseValidationError, match=r"body\[37\]\.priceInCents should be"):
        decode_list(Product, products, ROUTE)


def test_extra_and_request_id_come_last_and_are_declared_once() -> None:
    """Every model inherits extra and request_id from Model; reprs show its own fields first."""
    product = decode(Product, payloads.PRODUCT, ROUTE, "req_1")
    names = [field.name for field in attrs.fields(Product)]

    assert ["extra", "request_id"] == names[-2:]
    assert repr(product).startswith("Product(id='prod_1', store_id=")
    assert "request_id" not in repr(product)
    for model in (Product, Cart, Store, Catalog, CheckoutSessionDetails, PortalSession):
        assert issubclass(model, Model)
        assert {"extra", "request_id"} <= set(typing.get_type_hints(model))
        assert "extra" not in vars(model).get("__annotations__", {}), model


def test_a_decoder_traceback_shows_its_source_line() -> None:
    """The generated decoder is in linecache: a traceback through it shows the real line."""
    with pytest.raises(APIResponseValidationError) as caught:
        decode(Product, {**payloads.PRODUCT, "priceInCents": "19.99"}, ROUTE)

    frames = traceback.extract_tb(caught.value.__traceback__)
    decoder = next(frame for frame in frames if frame.filename.startswith("<quickshops decoder"))
    assert "f3 = v if type(v) is int else c3(v, ctx, where + '.priceInCents')" == decoder.line
    assert "def decode_Product(data, ctx, where):" in decoder_source(Product)
    assert decoder.line in decoder_source(Product)


def _wire_of(item: Any) -> Any:
    """The wire dict a deferred item holds, or None once it is filled (or never was)."""
    try:
        return _WIRE.__get__(item)
    except AttributeError:
        return None


def _products(count: int, **change: Any) -> list[dict[str, Any]]:
    return [{**payloads.PRODUCT, "_id": f"p{i}", **change} for i in range(count)]


def test_list_items_are_deferred_and_read_as_if_decoded() -> None:
    """A checked list's items hold their wire dicts until read; then they equal eager ones."""
    wire = _products(3, id="alias_beside")
    items = decode_list(Product, wire, ROUTE, "req_list")
    eager = [decode(Product, data, ROUTE, "req_list") for data in wire]

    assert [wire[0], wire[1], wire[2]] == [_wire_of(item)[0] for item in items]
    assert "p1" == items[1].id
    assert _wire_of(items[1]) is None
    assert eager == items
    assert [repr(p) for p in eager] == [repr(p) for p in items]
    assert ["req_list"] * 3 == [item.request_id for item in items]
    assert {"id": "alias_beside"} == {"id": items[2].extra["id"]}
    assert ("100 g", "organic") == items[0].details


def test_deferred_items_behave_as_models() -> None:
    """Hash, pickling, attrs.asdict and attrs.evolve see the fields of a deferred item."""
    first, second, third, fourth = decode_list(Product, _products(4), ROUTE)

    assert hash(decode(Product, payloads.PRODUCT | {"_id": "p0"}, ROUTE)) == hash(first)
    assert second == pickle.loads(pickle.dumps(second))
    assert "p2" == attrs.asdict(third)["id"]
    assert ("p3", "Renamed") == (fourth.id, attrs.evolve(fourth, name="Renamed").name)


def test_a_missing_attribute_is_an_attribute_error() -> None:
    """Reading a name that is no field fails as usual, deferred item or not."""
    deferred = decode_list(Product, _products(1), ROUTE)[0]
    eager = decode(Product, payloads.PRODUCT, ROUTE)

    for item in (deferred, eager):
        with pytest.raises(AttributeError, match="no attribute 'nmae'"):
            item.nmae  # type: ignore[attr-defined]  # noqa: B018
    assert "Green tea" == deferred.name


def test_filling_twice_is_harmless() -> None:
    """Two threads may fill one item at once: the second fill finds the wire dict gone."""
    item = decode_list(Product, _products(1), ROUTE, "req_1")[0]
    wire = _wire_of(item)
    plan = _deferred_plan(Product)
    assert plan is not None

    plan.fill(item, wire)
    plan.fill(item, wire)

    assert (_wire_of(item), item.id, item.request_id) == (None, "p0", "req_1")


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"priceInCents": 19.0}, None),  # an integer sent as a float: decoded eagerly
        ({"details": ["100 g", 7]}, r"body\[1\]\.details\[1\] should be a string"),
        ({"isActive": None}, r"body\[1\]\.isActive"),
    ],
)
def test_a_list_failing_the_check_is_decoded_eagerly(
    change: dict[str, Any], fragment: str | None
) -> None:
    """One item off the usual types sends the whole list through the decoder, errors and all."""
    wire = _products(3)
    wire[1] = {**wire[1], **change}

    if fragment is None:
        items = decode_list(Product, wire, ROUTE)
        assert (19, None) == (items[1].price_in_cents, _wire_of(items[0]))
    else:
        with pytest.raises(APIResponseValidationError, match=fragment):
            decode_list(Product, wire, ROUTE)


def test_a_list_with_an_absent_key_or_a_non_object_is_decoded_eagerly() -> None:
    """An item lacking a key (or not an object) is not deferred, nor are its neighbours."""
    missing = [{k: v for k, v in payloads.PRODUCT.items() if k != "category"}, payloads.PRODUCT]
    items = decode_list(Product, missing, ROUTE)

    assert (None, "tea") == (items[0].category, items[1].category)
    assert (None, None) == (_wire_of(items[0]), _wire_of(items[1]))
    with pytest.raises(APIResponseValidationError, match=r"body\[1\] should be an object"):
        decode_list(Product, [payloads.PRODUCT, ["not", "an", "object"]], ROUTE)


def test_only_flat_models_are_deferred() -> None:
    """Models with nested models are decoded eagerly; a one-field model is deferred too."""
    portals = decode_list(PortalSession, [payloads.PORTAL_SESSION, payloads.PORTAL_SESSION], ROUTE)

    assert _deferred_plan(Cart) is None
    assert _wire_of(portals[0]) is not None
    assert payloads.PORTAL_SESSION["url"] == portals[0].url
    assert [] == decode_list(Product, [], ROUTE)
