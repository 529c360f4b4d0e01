"""The payloads of the API as frozen attrs classes, and their tolerant decoder.

Every wire field maps to its snake_case name (``_id`` or ``id`` to ``id``). Unknown
wire fields are kept in ``extra``; a missing optional field is None; a missing
required field or a wrong type is an `APIResponseValidationError` naming the route
and the field. Every model carries the ``request_id`` of the response it came from.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import linecache
import operator
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ._exceptions import APIResponseValidationError

__all__ = [
    "JSON",
    "APIResponse",
    "Cart",
    "CartLine",
    "CartLineInput",
    "CartTotals",
    "Catalog",
    "CheckoutLineItem",
    "CheckoutSession",
    "CheckoutSessionDetails",
    "Health",
    "PortalSession",
    "Product",
    "Store",
    "StoreTheme",
    "decode",
    "decode_list",
]

if TYPE_CHECKING:
    from typing import TypeAlias

JSON: TypeAlias = dict[str, "JSON"] | list["JSON"] | str | int | float | bool | None
"""Plain decoded JSON: dicts, lists and scalars, as `json.loads` returns them.

The type of the payloads the API publishes no schema for (store settings, orders...).
"""

T = TypeVar("T")
Context = tuple[str, "str | None"]  # (route, request id) of the response being decoded
Convert = Callable[[Any, Context, str], Any]


def _wire(*names: str, kind: Convert, optional: bool = False) -> Any:
    """Declare a field: its wire names, its converter, and whether it may be absent."""
    metadata = {"wire": names, "kind": kind}
    hashable = kind is not _object  # a dict cannot be hashed; the rest of the model can
    if optional:
        return attrs.field(default=None, metadata=metadata, hash=hashable)
    return attrs.field(metadata=metadata, hash=hashable)


def _fail(ctx: Context, where: str, expected: str, value: Any) -> APIResponseValidationError:
    shown = repr(value)
    if len(shown) > 60:  # not cut short: a cut could leave part of an echoed key
        shown = f"of length {len(value)}"
    return APIResponseValidationError(
        f"Unexpected response from {ctx[0]}: {where} should be {expected}, "
        f"got {type(value).__name__} {shown}.",
        request_id=ctx[1],
    )


def _str(value: Any, ctx: Context, where: str) -> str:
    if isinstance(value, str):
        return value
    raise _fail(ctx, where, "a string", value)


# The compiled decoders accept a str, int or bool of the exact type inline, and call
# these converters only for anything else.


def _int(value: Any, ctx: Context, where: str) -> int:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise _fail(ctx, where, "an integer", value)


def _bool(value: Any, ctx: Context, where: str) -> bool:
    raise _fail(ctx, where, "true or false", value)


def _object(value: Any, ctx: Context, where: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise _fail(ctx, where, "an object", value)


_JUST_STR = frozenset({str})


def _str_list(value: Any, ctx: Context, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _fail(ctx, where, "a list of strings", value)
    return tuple(_str(item, ctx, f"{where}[{i}]") for i, item in enumerate(value))


def _model(cls: type[Any]) -> Convert:
    """The converter of a field holding one `cls`."""

    def convert(value: Any, ctx: Context, where: str) -> Any:
        return decoder_of(cls)(value, ctx, where)

    return convert


def _model_list(cls: type[Any]) -> Convert:
    """The converter of a field holding a list of `cls`."""

    def convert(value: Any, ctx: Context, where: str) -> tuple[Any, ...]:
        return tuple(_decode_items(cls, value, ctx, where))

    return convert


def _decode_items(cls: type[T], value: Any, ctx: Context, where: str) -> list[T]:
    """Decode a list of `cls`; an error names the item, as ``where[3].name``.

    The items are first decoded without building each one's path (most lists are
    valid, and formatting ``where[i]`` for each item would cost more than decoding
    it); only when one fails is the list decoded again with the paths, to name it.
    A flat model's items are checked at once and built on first use (`_Deferred`).
    """
    if not isinstance(value, list):
        raise _fail(ctx, where, f"a list of {cls.__name__}", value)
    decode_one = decoder_of(cls)
    deferred = _deferred_plan(cls)
    items = None if deferred is None else deferred.defer(value, ctx[1])
    if items is not None:
        return items
    try:
        return [decode_one(item, ctx, where) for item in value]
    except APIResponseValidationError:  # decode again, naming each item: this one raises
        return [decode_one(item, ctx, f"{where}[{i}]") for i, item in enumerate(value)]


def _extras_last(cls: type[Any], fields: list[attrs.Attribute[Any]]) -> list[attrs.Attribute[Any]]:
    """Order `Model`'s two fields after the model's own, in reprs and signatures."""
    own = [field for field in fields if field.name not in ("extra", "request_id")]
    return own + [field for field in fields if field.name in ("extra", "request_id")]


class _Deferred:
    """Lets a checked item of a long list build its fields on first use.

    Decoding a list of 1,000 products eagerly costs more than parsing its JSON. An item
    of a flat model (fields of plain JSON types, see `_DeferredPlan`) whose every value
    has the expected type is therefore made as an empty instance holding its wire dict
    in ``_quickshops_wire``; the first attribute read that finds a field unset fills
    every field from it, exactly as the decoder would have, and drops the dict. An item
    that does not pass the check is decoded eagerly, so errors still surface at once.
    """

    __slots__ = ("_quickshops_wire",)

    if not TYPE_CHECKING:  # pragma: no branch  # a type checker must not see every name exist

        def __getattr__(self, name: str) -> Any:
            try:
                wire = _WIRE.__get__(self)
            except AttributeError:  # not deferred, or filled meanwhile by another thread
                return object.__getattribute__(self, name)
            _DEFERRED_PLANS[type(self)].fill(self, wire)
            return object.__getattribute__(self, name)


_WIRE: Any = _Deferred.__dict__["_quickshops_wire"]  # the slot's descriptor


@attrs.frozen(field_transformer=_extras_last)
class Model(_Deferred):
    """What every payload model has besides its own fields.

    Attributes:
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    extra: Mapping[str, Any] = attrs.field(factory=dict, kw_only=True, hash=False)
    request_id: str | None = attrs.field(default=None, kw_only=True, eq=False, repr=False)


@attrs.frozen(field_transformer=_extras_last)
class Health(Model):
    """The answer of ``GET /health``.

    Attributes:
        ok: True when the API is up.
        service: The name of the service.
        version: The API's version.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    ok: bool = _wire("ok", kind=_bool)
    service: str = _wire("service", kind=_str)
    version: str = _wire("version", kind=_str)


@attrs.frozen(field_transformer=_extras_last)
class StoreTheme(Model):
    """A store's theme (`Store.theme`): nine settings, each a string or None.

    Attributes:
        primary: The primary colour.
        primary_foreground: The colour of text on the primary colour.
        background: The background colour.
        foreground: The text colour.
        muted: The colour of muted elements.
        border: The border colour.
        font_body: The font of body text.
        font_heading: The font of headings.
        radius: The corner radius.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    primary: str | None = _wire("primary", kind=_str, optional=True)
    primary_foreground: str | None = _wire("primaryForeground", kind=_str, optional=True)
    background: str | None = _wire("background", kind=_str, optional=True)
    foreground: str | None = _wire("foreground", kind=_str, optional=True)
    muted: str | None = _wire("muted", kind=_str, optional=True)
    border: str | None = _wire("border", kind=_str, optional=True)
    font_body: str | None = _wire("fontBody", kind=_str, optional=True)
    font_heading: str | None = _wire("fontHeading", kind=_str, optional=True)
    radius: str | None = _wire("radius", kind=_str, optional=True)


@attrs.frozen(field_transformer=_extras_last)
class Store(Model):
    """The store a key belongs to (``GET /products/store``).

    Attributes:
        id: The store's id (wire ``_id``).
        slug: The store's slug.
        name: The store's name.
        is_published: Whether the store is published.
        payments_configured: Whether Stripe is set up; checkout fails when it is not.
        currency: The store's currency, lowercase ISO (``usd``).
        theme: The store's theme.
        description: The store's description.
        logo_url: The URL of the store's logo.
        contact_email: The store's contact email.
        contact_phone: The store's contact phone.
        seo_title: The title for search engines.
        seo_description: The description for search engines.
        template_key: The storefront template.
        template_texts: The template's texts, as sent.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    id: str = _wire("_id", "id", kind=_str)
    slug: str = _wire("slug", kind=_str)
    name: str = _wire("name", kind=_str)
    is_published: bool = _wire("isPublished", kind=_bool)
    payments_configured: bool = _wire("paymentsConfigured", kind=_bool)
    currency: str = _wire("currency", kind=_str)
    theme: StoreTheme = _wire("theme", kind=_model(StoreTheme))
    description: str | None = _wire("description", kind=_str, optional=True)
    logo_url: str | None = _wire("logoUrl", kind=_str, optional=True)
    contact_email: str | None = _wire("contactEmail", kind=_str, optional=True)
    contact_phone: str | None = _wire("contactPhone", kind=_str, optional=True)
    seo_title: str | None = _wire("seoTitle", kind=_str, optional=True)
    seo_description: str | None = _wire("seoDescription", kind=_str, optional=True)
    template_key: str | None = _wire("templateKey", kind=_str, optional=True)
    template_texts: Mapping[str, Any] | None = _wire("templateTexts", kind=_object, optional=True)


@attrs.frozen(field_transformer=_extras_last)
class Product(Model):
    """A product of the catalogue; prices are integers in minor units (cents).

    Attributes:
        id: The product's id (wire ``_id``).
        store_id: The store it belongs to.
        name: The product's name.
        price_in_cents: The price in minor units: 1999 is 19.99.
        currency: Lowercase ISO currency (``usd``).
        type: ``digital``, ``physical`` or ``subscription`` (an open set).
        is_active: Whether the product is for sale.
        description: The product's description.
        billing_interval: ``month`` or ``year`` for a subscription, else None.
        image_url: The URL of the product's image.
        category: The product's category.
        details: Bullet points about the product.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    id: str = _wire("_id", "id", kind=_str)
    store_id: str = _wire("storeId", kind=_str)
    name: str = _wire("name", kind=_str)
    price_in_cents: int = _wire("priceInCents", kind=_int)
    currency: str = _wire("currency", kind=_str)
    type: str = _wire("type", kind=_str)
    is_active: bool = _wire("isActive", kind=_bool)
    description: str | None = _wire("description", kind=_str, optional=True)
    billing_interval: str | None = _wire("billingInterval", kind=_str, optional=True)
    image_url: str | None = _wire("imageUrl", kind=_str, optional=True)
    category: str | None = _wire("category", kind=_str, optional=True)
    details: tuple[str, ...] | None = _wire("details", kind=_str_list, optional=True)


@attrs.frozen(field_transformer=_extras_last)
class CartLine(Model):
    """One line of a cart: a product and its quantity (the product may be embedded).

    Attributes:
        product_id: The product's id.
        quantity: How many.
        product: The product itself, when the API embeds it.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    product_id: str = _wire("productId", kind=_str)
    quantity: int = _wire("quantity", kind=_int)
    product: Product | None = _wire("product", kind=_model(Product), optional=True)


@attrs.frozen(field_transformer=_extras_last)
class CartTotals(Model):
    """The totals of a cart, in integer minor units.

    Attributes:
        subtotal: The sum of the lines.
        total: What the customer pays.
        currency: Lowercase ISO currency (``usd``).
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    subtotal: int = _wire("subtotal", kind=_int)
    total: int = _wire("total", kind=_int)
    currency: str = _wire("currency", kind=_str)


@attrs.frozen(field_transformer=_extras_last)
class Cart(Model):
    """A cart: its lines and totals.

    Attributes:
        id: The cart's id (wire ``id`` or ``_id``); keep it, e.g. in a cookie.
        store_id: The store it belongs to.
        lines: The cart's lines.
        totals: The cart's totals.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    id: str = _wire("id", "_id", kind=_str)
    store_id: str = _wire("storeId", kind=_str)
    lines: tuple[CartLine, ...] = _wire("lines", kind=_model_list(CartLine))
    totals: CartTotals = _wire("totals", kind=_model(CartTotals))


@attrs.frozen
class CartLineInput:
    """A line to seed a new cart with (`cart.create(lines=[...])`).

    Attributes:
        product_id: The product's id.
        quantity: How many (1 or more).
    """

    product_id: str
    quantity: int = 1


@attrs.frozen(field_transformer=_extras_last)
class CheckoutSession(Model):
    """A Stripe-hosted checkout session: redirect the browser to `url`, once.

    Attributes:
        url: The Stripe-hosted page; single-use, and it expires soon.
        session_id: The session's id, for `checkout.get_session`.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    url: str = _wire("url", kind=_str)
    session_id: str = _wire("sessionId", kind=_str)


@attrs.frozen(field_transformer=_extras_last)
class CheckoutLineItem(Model):
    """One line of a checkout session, as Stripe reports it.

    Attributes:
        product_id: The product's id.
        name: The product's name.
        quantity: How many.
        amount_total: The line's total in minor units.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    product_id: str | None = _wire("productId", kind=_str, optional=True)
    name: str | None = _wire("name", kind=_str, optional=True)
    quantity: int | None = _wire("quantity", kind=_int, optional=True)
    amount_total: int | None = _wire("amountTotal", kind=_int, optional=True)


@attrs.frozen(field_transformer=_extras_last)
class CheckoutSessionDetails(Model):
    """The state of a checkout session (``GET /checkout/sessions/{id}``).

    Attributes:
        id: The session's id.
        payment_status: Stripe's payment status (``paid``, ``unpaid``...).
        line_items: What was bought.
        status: Stripe's session status (``open``, ``complete``, ``expired``).
        mode: ``payment`` or ``subscription``.
        amount_total: The total in minor units.
        currency: Lowercase ISO currency.
        customer_email: The customer's email, once known.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    id: str = _wire("id", "_id", kind=_str)
    payment_status: str = _wire("paymentStatus", kind=_str)
    line_items: tuple[CheckoutLineItem, ...] = _wire(
        "lineItems", kind=_model_list(CheckoutLineItem)
    )
    status: str | None = _wire("status", kind=_str, optional=True)
    mode: str | None = _wire("mode", kind=_str, optional=True)
    amount_total: int | None = _wire("amountTotal", kind=_int, optional=True)
    currency: str | None = _wire("currency", kind=_str, optional=True)
    customer_email: str | None = _wire("customerEmail", kind=_str, optional=True)


@attrs.frozen(field_transformer=_extras_last)
class PortalSession(Model):
    """A Stripe billing-portal session: redirect the browser to `url`.

    Attributes:
        url: The Stripe billing portal for the member.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    url: str = _wire("url", kind=_str)


@attrs.frozen(field_transformer=_extras_last)
class Catalog(Model):
    """A storefront page's data in one round trip (``GET /catalog``).

    Attributes:
        store: The store.
        products: Its products.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    store: Store = _wire("store", kind=_model(Store))
    products: tuple[Product, ...] = _wire("products", kind=_model_list(Product))


@attrs.frozen(eq=False)
class APIResponse:
    """The answer to `qs.request(...)`, for a route the resources do not wrap.

    Attributes:
        status_code: The HTTP status (2xx: other statuses raise the SDK's errors).
        headers: The response headers (case-insensitive).
        request_id: The ``x-request-id`` header, if any.
        body: The decoded JSON body, or None when the body is empty.
        data: ``body["data"]`` when the body is an object holding ``data``, else `body`.
    """

    status_code: int
    headers: Mapping[str, str]
    request_id: str | None
    body: JSON
    data: JSON


_MISSING: Any = object()
_FAST_PATHS = {  # what the decoder does inline for a value of the usual type
    _str: ("v", "type(v) is str"),
    _int: ("v", "type(v) is int"),
    _bool: ("v", "type(v) is bool"),
    _str_list: ("tuple(v)", "type(v) is list and set(map(type, v)) <= JUST_STR"),
}
_DECODERS: dict[type[Any], Callable[[Any, Context, str], Any]] = {}
_NONE = type(None)
_PLAIN_TYPES = {_str: str, _int: int, _bool: bool, _str_list: list, _object: dict}


def _consume(iterator: Iterable[object]) -> None:
    """Run `iterator` to its end (a C loop: `collections.deque` keeping nothing)."""
    collections.deque(iterator, maxlen=0)


class _DeferredPlan:
    """How the items of a list of one flat model are checked now and filled later.

    A model is flat when every field holds a plain JSON type (`_PLAIN_TYPES`) and at
    most one is a list of strings. The check works by columns, in C loops: one
    `operator.itemgetter` reads every item's fields by their first wire names (an
    absent key, or an alias, means the list is decoded eagerly instead), and each
    column's set of value types must be within the field's accepted types; a list of
    strings has its items' types checked the same way. Only then are the items made.
    """

    __slots__ = (
        "accepted",
        "cls",
        "names",
        "read",
        "strings",
    )

    def __init__(self, cls: type[Any], fields: list[attrs.Attribute[Any]]) -> None:
        self.cls = cls
        names = [field.metadata["wire"][0] for field in fields]
        get = operator.itemgetter(*names)
        self.read: Callable[[Any], tuple[Any, ...]] = get if len(names) > 1 else _one(get)
        self.names = frozenset(names)  # an alias sent beside them is one of the extra
        self.accepted = tuple(
            frozenset({_PLAIN_TYPES[f.metadata["kind"]]})
            | (frozenset() if f.default is attrs.NOTHING else frozenset({_NONE}))
            for f in fields
        )
        strings = [i for i, f in enumerate(fields) if f.metadata["kind"] is _str_list]
        self.strings = strings[0] if strings else None

    def defer(self, value: list[Any], request_id: str | None) -> list[Any] | None:
        """The deferred items, if every item passes the check; else None (decode them)."""
        try:
            rows = list(map(self.read, value))
        except (KeyError, TypeError):  # a key absent, or an item not an object
            return None
        if not self._accepts(rows):
            return None
        items = list(map(object.__new__, itertools.repeat(self.cls, len(value))))
        _consume(map(_WIRE.__set__, items, zip(value, itertools.repeat(request_id))))
        return items

    def _accepts(self, rows: list[tuple[Any, ...]]) -> bool:
        if not rows:
            return True
        columns = list(zip(*rows, strict=True))
        if not all(set(map(type, c)) <= ok for c, ok in zip(columns, self.accepted, strict=True)):
            return False
        if self.strings is None:
            return True
        strings = itertools.chain.from_iterable(filter(None, columns[self.strings]))
        return set(map(type, strings)) <= _JUST_STR

    def fill(self, item: Any, wire: tuple[dict[str, Any], str | None]) -> None:
        """Set every field of a deferred item from its checked wire dict, with ``__init__``."""
        data, request_id = wire
        values = list(self.read(data))
        if self.strings is not None and values[self.strings] is not None:
            values[self.strings] = tuple(values[self.strings])
        names = self.names
        extra = {} if len(data) == len(names) else {k: data[k] for k in data if k not in names}
        self.cls.__init__(item, *values, extra=extra, request_id=request_id)
        with contextlib.suppress(AttributeError):  # another thread filled it first
            _WIRE.__delete__(item)


_DEFERRED_PLANS: dict[type[Any], _DeferredPlan | None] = {}


def _deferred_plan(cls: type[Any]) -> _DeferredPlan | None:
    """The plan to defer the items of a list of `cls`, or None if `cls` is not flat."""
    try:
        return _DEFERRED_PLANS[cls]
    except KeyError:
        pass
    fields = [f for f in attrs.fields(cls) if "wire" in f.metadata]
    kinds = [f.metadata["kind"] for f in fields]
    flat = all(kind in _PLAIN_TYPES for kind in kinds) and kinds.count(_str_list) <= 1
    plan = _DEFERRED_PLANS[cls] = _DeferredPlan(cls, fields) if flat else None
    return plan


def _one(get: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, ...]]:
    """`get` returning a 1-tuple (`operator.itemgetter` of one name returns the value)."""
    return lambda data: (get(data),)


def _missing(ctx: Context, where: str, key: str, model: str, name: str) -> Exception:
    return APIResponseValidationError(
        f"Unexpected response from {ctx[0]}: required field {where}.{key} "
        f"({model}.{name}) is missing or null.",
        request_id=ctx[1],
    )


def _field_lines(i: int, field: attrs.Attribute[Any], model: str) -> list[str]:
    """The decoder's lines for one field: read it, convert it into ``f{i}``."""
    wire, convert = field.metadata["wire"], field.metadata["kind"]
    required = field.default is attrs.NOTHING
    absent = "None" if required else "M"  # a required field may not be null either
    lines = [f"    v = get({wire[0]!r}{'' if required else ', M'})"]
    if len(wire) > 1:  # an alias: remember which name was used, for `extra`
        lines.append(f"    k{i} = {wire[0]!r}")
        for other in wire[1:]:
            get = f"get({other!r}{'' if required else ', M'})"
            lines += [f"    if v is {absent}:", f"        v = {get}", f"        k{i} = {other!r}"]
    if required:
        lines += [
            "    if v is None:",
            f"        raise _missing(ctx, where, {wire[0]!r}, {model!r}, {field.name!r})",
        ]
        prefix = "    "
    else:
        lines += ["    if v is M:", f"        f{i} = None", "    else:", "        seen += 1"]
        lines += ["        if v is None:", f"            f{i} = None", "        else:"]
        prefix = "            "
    path = f"where + '.' + k{i}" if len(wire) > 1 else f"where + {'.' + wire[0]!r}"
    fast = _FAST_PATHS.get(convert)
    inline = f"{fast[0]} if {fast[1]} else " if fast else ""
    return [*lines, f"{prefix}f{i} = {inline}c{i}(v, ctx, {path})"]


def _compile_decoder(cls: type[Any]) -> Callable[[Any, Context, str], Any]:
    """Write and compile a decoder for `cls`, as attrs writes ``__init__`` methods.

    A loop over the fields costs several times more per call; the decoder is written
    once per model, on first use, and registered with `linecache`, so a traceback
    through it shows its lines. ``quickshops._models.decoder_source(Product)`` prints one.
    """
    fields = [f for f in attrs.fields(cls) if "wire" in f.metadata]
    required = sum(field.default is attrs.NOTHING for field in fields)
    aliased = [(i, f) for i, f in enumerate(fields) if len(f.metadata["wire"]) > 1]
    namespace: dict[str, Any] = {
        "M": _MISSING,
        "cls": cls,
        "_fail": _fail,
        "_missing": _missing,
        "JUST_STR": _JUST_STR,
        "known": frozenset(name for f in fields for name in f.metadata["wire"]),
        **{f"c{i}": field.metadata["kind"] for i, field in enumerate(fields)},
    }
    lines = [
        f"def decode_{cls.__name__}(data, ctx, where):",
        "    if type(data) is not dict:",
        f"        raise _fail(ctx, where, 'an object ({cls.__name__})', data)",
        "    get = data.get",
        f"    seen = {required}",
    ]
    for i, field in enumerate(fields):
        lines += _field_lines(i, field, cls.__name__)
    lines += [
        "    if seen == len(data):",
        "        extra = {}",
        "    else:",
        "        extra = {key: data[key] for key in data if key not in known}",
    ]
    for i, field in aliased:  # an alias sent beside the name that was used is extra too
        names = field.metadata["wire"]
        lines += [
            f"        for name in {names!r}:",
            f"            if name != k{i} and name in data:",
            "                extra[name] = data[name]",
        ]
    values = "".join(f"f{i}, " for i in range(len(fields)))
    lines.append(f"    return cls({values}extra=extra, request_id=ctx[1])")
    source = "\n".join(lines) + "\n"
    filename = f"<quickshops decoder {cls.__module__}.{cls.__qualname__}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102
    decoder: Callable[[Any, Context, str], Any] = namespace[f"decode_{cls.__name__}"]
    return decoder


def decoder_of(cls: type[T]) -> Callable[[Any, Context, str], T]:
    """The decoder of `cls`, compiled on first use."""
    decoder = _DECODERS.get(cls)
    if decoder is None:
        decoder = _DECODERS[cls] = _compile_decoder(cls)
    return decoder


def decoder_source(cls: type[Any]) -> str:
    """The source of `cls`'s generated decoder, to read or debug it."""
    decoder_of(cls)
    return "".join(linecache.getlines(f"<quickshops decoder {cls.__module__}.{cls.__qualname__}>"))


def decode(cls: type[T], data: Any, route: str, request_id: str | None = None) -> T:
    """Decode one model from a response body's payload (already unwrapped from ``data``)."""
    return decoder_of(cls)(data, (route, request_id), "body")


def decode_list(cls: type[T], data: Any, route: str, request_id: str | None = None) -> list[T]:
    """Decode a list of models from a response body's payload."""
    return _decode_items(cls, data, (route, request_id), "body")
