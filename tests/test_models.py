"""The models and their tolerant decoder."""

from __future__ import annotations

import contextlib
import copy
import json
import pickle
import re
import traceback
import typing
from typing import Any

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from quickshops import (
    APIResponseValidationError,
    Cart,
    CartLine,
    CartLineInput,
    CartTotals,
    Catalog,
    CheckoutLineItem,
    CheckoutSession,
    CheckoutSessionDetails,
    Health,
    PortalSession,
    Product,
    Store,
    StoreTheme,
)
from quickshops._models import Model, _extras_last, decode, decode_list, decoder_source
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
    assert store.theme is not None
    assert ("#112233", None, "Inter") == (
        store.theme.primary,
        store.theme.muted,
        store.theme.font_body,
    )
    assert {"newThing": [1, 2], "ownerId": "user_1", **payloads.UNMAPPED} == store.extra


def test_theme_keeps_unknown_keys_and_misses_none() -> None:
    """A theme with a key the SDK does not know keeps it; a missing key is None."""
    store = decode(Store, {**payloads.STORE, "theme": {"primary": "#000", "accent": "#f00"}}, ROUTE)
    assert store.theme is not None

    assert ("#000", None, {"accent": "#f00"}) == (
        store.theme.primary,
        store.theme.radius,
        store.theme.extra,
    )


@pytest.mark.parametrize(
    ("wire", "field"),
    [
        ({k: v for k, v in payloads.STORE.items() if k != "_id"}, "body._id (Store.id)"),
        ({**payloads.STORE, "theme": "dark"}, "body.theme should be an object (StoreTheme)"),
        ({**payloads.STORE, "currency": 840}, "body.currency should be a string"),
        ({**payloads.STORE, "templateTexts": "hi"}, "body.templateTexts should be an object"),
    ],
)
def test_store_needs_its_id_and_the_types_it_maps(wire: dict[str, Any], field: str) -> None:
    """A store without its id, or with a field of another type, is refused naming it."""
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
        ({"store": payloads.STORE, "products": [{"_id": "p"}]}, "body.products[0].name"),
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

    assert details.line_items is not None
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
    assert repr(product).startswith("Product(id='prod_1', name='Green tea', price_in_cents=")
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
    decoder = [frame for frame in frames if frame.filename.startswith("<quickshops decoder")][-1]
    assert "f2 = v if type(v) is int else c2(v, ctx, where + '.' + k2)" == decoder.line
    assert "def decode_Product(data, ctx, where):" in decoder_source(Product)
    assert decoder.line in decoder_source(Product)


_REQUIRED = {  # sdk.md, "Presence": the fields a model cannot do without
    Health: {"ok"},
    Store: {"id"},
    Product: {"id", "name", "price_in_cents", "currency"},
    Cart: {"id", "lines", "totals"},
    CartLine: {"product_id", "quantity"},
    CartTotals: {"subtotal", "total", "currency"},
    CheckoutSession: {"url"},
    CheckoutSessionDetails: {"id"},
    PortalSession: {"url"},
    Catalog: {"store", "products"},
    StoreTheme: set(),
    CheckoutLineItem: set(),
}
_PAYLOADS = {
    Health: payloads.HEALTH,
    Store: payloads.STORE,
    Product: payloads.PRODUCT,
    Cart: payloads.CART,
    CartLine: payloads.CART["lines"][0],
    CartTotals: payloads.CART["totals"],
    CheckoutSession: payloads.CHECKOUT_SESSION,
    CheckoutSessionDetails: payloads.SESSION_DETAILS,
    PortalSession: payloads.PORTAL_SESSION,
    Catalog: payloads.CATALOG,
    StoreTheme: payloads.STORE["theme"],
    CheckoutLineItem: payloads.SESSION_DETAILS["lineItems"][0],
}


def _fields(model: type[Any]) -> list[attrs.Attribute[Any]]:
    return [field for field in attrs.fields(model) if "wire" in field.metadata]


def test_only_the_listed_fields_are_required() -> None:
    """The models require exactly the fields sdk.md lists; every other one may be None."""
    for model, required in _REQUIRED.items():
        fields = _fields(model)
        assert required == {f.name for f in fields if f.metadata["required"]}, model
        for field in fields:
            if field.name not in required:
                hint = typing.get_type_hints(model)[field.name]
                assert type(None) in typing.get_args(hint), (model, field.name)


@pytest.mark.parametrize(
    ("model", "field"),
    [(model, field) for model, fields in _REQUIRED.items() for field in _fields(model)],
    ids=lambda value: getattr(value, "__name__", None) or getattr(value, "name", "?"),
)
def test_a_field_left_out_is_none_unless_required(model: type[Any], field: Any) -> None:
    """Each field left out of its payload is None, or refused if the model needs it."""
    wire = {k: v for k, v in _PAYLOADS[model].items() if k not in field.metadata["wire"]}

    if field.metadata["required"]:
        with pytest.raises(
            APIResponseValidationError, match=f"required field body.{field.metadata['wire'][0]}"
        ):
            decode(model, wire, ROUTE)
    else:
        assert getattr(decode(model, wire, ROUTE), field.name) is None


def test_a_store_that_predates_themes_decodes() -> None:
    """A store with only its id, as the older client describes some, decodes with None."""
    store = decode(Store, {"_id": "store_1", "name": "Old", "createdAt": "2020"}, ROUTE)

    assert ("store_1", "Old", None, None) == (store.id, store.name, store.theme, store.currency)
    assert {"createdAt": "2020"} == store.extra
    health = decode(Health, {"ok": True}, ROUTE)
    session = decode(CheckoutSession, {"url": "https://checkout.stripe.com/c/1"}, ROUTE)
    assert (True, None, None, None) == (
        health.ok,
        health.service,
        health.version,
        session.session_id,
    )


def test_decoded_models_are_plain_attrs_instances() -> None:
    """Every field of every item is set on return: descriptors, pickle, asdict, evolve work."""
    items = decode_list(Product, [payloads.PRODUCT, {**payloads.PRODUCT, "_id": "p2"}], ROUTE, "r")

    for item in items:
        assert all(f.name in dir(item) for f in attrs.fields(Product))
        assert "Green tea" == Product.name.__get__(item)  # type: ignore[attr-defined]
        assert item == pickle.loads(pickle.dumps(item)) == copy.copy(item)
        assert item.id == attrs.asdict(item)["id"]
        assert "Renamed" == attrs.evolve(item, name="Renamed").name
    assert not any("__getattr__" in vars(cls) for cls in Product.__mro__)
    assert ["r", "r"] == [item.request_id for item in items]


def test_a_decoded_model_equals_the_one_its_init_builds() -> None:
    """The decoder builds the same instance as the class's ``__init__`` would."""
    product = decode(Product, payloads.PRODUCT, ROUTE, "req_1")
    built = Product(**{f.name: getattr(product, f.name) for f in attrs.fields(Product) if f.init})

    assert built == product
    assert repr(built) == repr(product)
    assert hash(built) == hash(product)
    assert built.request_id == product.request_id


def _reference(model: type[Any], data: dict[str, Any]) -> Any:
    """What decoding `data` must give, written plainly: the fields, or None if refused."""
    values: dict[str, Any] = {}
    extra = {
        k: v for k, v in data.items() if all(k not in f.metadata["wire"] for f in _fields(model))
    }
    for field in _fields(model):
        names = field.metadata["wire"]
        name = next((n for n in names if data.get(n) is not None), names[0])
        extra.update({n: data[n] for n in names if n != name and n in data})
        value: Any = data.get(name)
        if value is None:
            if field.metadata["required"]:
                return None
            values[field.name] = None
            continue
        kind = field.metadata["kind"].__name__
        if kind == "_int" and isinstance(value, float) and value.is_integer():
            value = int(value)
        expected: dict[str, type[Any]] = {
            "_str": str,
            "_int": int,
            "_bool": bool,
            "_object": dict,
            "_str_list": list,
        }
        if type(value) is not expected[kind]:
            return None
        if kind == "_str_list":
            if not all(type(v) is str for v in value):
                return None
            value = tuple(value)
        values[field.name] = value
    values["extra"] = extra
    return values


_WIRE_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=3),
    st.lists(st.text(max_size=2), max_size=2),
    st.lists(st.integers(), min_size=1, max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)


_REQUIRED_WIRE = ("_id", "name", "priceInCents", "currency")


@given(
    st.fixed_dictionaries(
        {k: st.just(payloads.PRODUCT[k]) | _WIRE_VALUES for k in _REQUIRED_WIRE},
        optional={
            **{
                k: st.just(v) | _WIRE_VALUES
                for k, v in payloads.PRODUCT.items()
                if k not in _REQUIRED_WIRE
            },
            "id": _WIRE_VALUES,
        },
    )
)
@example(payloads.PRODUCT)
@example({**payloads.PRODUCT, "priceInCents": 19.0, "id": "alias"})
@example({**payloads.PRODUCT, "details": ["a", 1]})
@example({**payloads.PRODUCT, "isActive": "yes"})
@example({**payloads.PRODUCT, "name": None})
def test_the_decoder_agrees_with_a_plain_reading(data: dict[str, Any]) -> None:
    """Any payload decodes as a field-by-field reading of the contract says, or is refused."""
    expected = _reference(Product, data)

    if expected is None:
        with pytest.raises(APIResponseValidationError):
            decode(Product, data, ROUTE)
    else:
        product = decode(Product, data, ROUTE)
        assert expected == {
            **{f.name: getattr(product, f.name) for f in _fields(Product)},
            "extra": dict(product.extra),
        }


def test_an_item_off_the_usual_shape_is_decoded_field_by_field() -> None:
    """Floats for ints, nulls, aliases and missing fields are read by the checked path."""
    wire = [
        {**payloads.PRODUCT, "_id": "p0"},
        {**payloads.PRODUCT, "_id": None, "id": "p1", "priceInCents": 19.0},
        {k: v for k, v in payloads.PRODUCT.items() if k != "category"},
    ]
    items = decode_list(Product, wire, ROUTE)

    assert ["p0", "p1", "prod_1"] == [item.id for item in items]
    assert (19, None) == (items[1].price_in_cents, items[2].category)
    assert (None, False) == (items[1].extra["_id"], "id" in items[1].extra)
    with pytest.raises(
        APIResponseValidationError, match=r"body\[1\]\.details\[1\] should be a string"
    ):
        decode_list(Product, [payloads.PRODUCT, {**payloads.PRODUCT, "details": ["a", 7]}], ROUTE)
    with pytest.raises(APIResponseValidationError, match=r"body\[1\] should be an object"):
        decode_list(Product, [payloads.PRODUCT, ["not", "an", "object"]], ROUTE)
    assert [] == decode_list(Product, [], ROUTE)


MODEL_PAYLOADS = [
    (Health, payloads.HEALTH),
    (Store, payloads.STORE),
    (Product, payloads.PRODUCT),
    (Cart, payloads.CART),
    (Catalog, payloads.CATALOG),
    (CheckoutSession, payloads.CHECKOUT_SESSION),
    (CheckoutSessionDetails, payloads.SESSION_DETAILS),
    (PortalSession, payloads.PORTAL_SESSION),
]


def written_by_attrs(model: type[Any]) -> Any:
    """A class with `model`'s fields, named like it, whose repr, eq and hash attrs writes."""
    copy_of = type(model.__name__, (model,), {"__slots__": ()})
    return attrs.frozen(repr=True, eq=True, field_transformer=_extras_last)(copy_of)


@pytest.mark.parametrize(("model", "payload"), MODEL_PAYLOADS)
def test_the_one_repr_of_every_model_is_the_one_attrs_would_write(
    model: type[Any], payload: dict[str, Any]
) -> None:
    """`Model.__repr__` writes each model, nested ones too, as an attrs repr would."""
    decoded = decode(model, payload, ROUTE, "req_1")
    written = written_by_attrs(model)
    copied = written(**{field.name: getattr(decoded, field.name) for field in attrs.fields(model)})

    assert repr(copied) == repr(decoded)
    assert "req_1" not in repr(decoded)


@pytest.mark.parametrize(("model", "payload"), MODEL_PAYLOADS)
def test_the_one_equality_and_hash_are_the_ones_attrs_would_write(
    model: type[Any], payload: dict[str, Any]
) -> None:
    """Equality and hashing behave as the methods attrs writes would.

    Equal with the same fields whatever the request id, unequal when any field differs,
    and equal models hash alike.
    """
    written = written_by_attrs(model)

    def twin(instance: Any) -> Any:
        return written(**{f.name: getattr(instance, f.name) for f in attrs.fields(model)})

    decoded = decode(model, payload, ROUTE, "req_1")
    others = [attrs.evolve(decoded, request_id="req_2")] + [
        attrs.evolve(decoded, **{field.name: "changed"})
        for field in attrs.fields(model)
        if field.name != "request_id"
    ]
    for other in others:
        assert (twin(decoded) == twin(other)) is (decoded == other) is not (decoded != other)
    assert hash(decoded) == hash(others[0]) == hash(decode(model, payload, ROUTE))
    assert len({decoded, *others}) == len(others)  # the first other equals the decoded
    assert NotImplemented is decoded.__eq__(twin(decoded))
    assert decoded != payload


@pytest.mark.parametrize(("model", "payload"), MODEL_PAYLOADS)
def test_to_dict_is_plain_json_and_wire_decodes_back(
    model: type[Any], payload: dict[str, Any]
) -> None:
    """to_dict() is plain JSON; to_dict(wire=True) decodes back to an equal model.

    The first under snake_case names without extra and request_id, the second in the
    API's shape with the unknown fields put back.
    """
    decoded = decode(model, payload, ROUTE, "req_1")
    plain, wire = decoded.to_dict(), decoded.to_dict(wire=True)

    names = [f.name for f in attrs.fields(model) if f.name not in ("extra", "request_id")]
    assert names == list(plain)
    assert json.loads(json.dumps(plain)) == plain  # lists, dicts and scalars only
    assert decoded == decode(model, json.loads(json.dumps(wire)), ROUTE)
    assert decoded.extra.items() <= wire.items()
    assert "req_1" not in json.dumps([plain, wire])


def test_to_dict_names_and_nests_as_the_docs_say() -> None:
    """Nested models become dicts and tuples lists, under snake_case or the wire's names."""
    cart = decode(Cart, payloads.CART, ROUTE)
    line = cart.to_dict()["lines"][0]
    wire_line = cart.to_dict(wire=True)["lines"][0]

    assert (2, "prod_1", ["100 g", "organic"]) == (
        line["quantity"],
        line["product"]["id"],
        line["product"]["details"],
    )
    assert ("prod_1", "prod_1", 3998) == (
        wire_line["productId"],
        wire_line["product"]["_id"],
        cart.to_dict(wire=True)["totals"]["subtotal"],
    )
    assert {"product_id": "p", "quantity": 2} == CartLineInput("p", 2).to_dict()
    assert {"productId": "p", "quantity": 1} == CartLineInput("p").to_dict(wire=True)
