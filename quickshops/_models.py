"""The payloads of the API as frozen attrs classes, and their one decoder.

Every wire field maps to its snake_case name (``_id`` or ``id`` to ``id``). The reader
is tolerant: only the fields a model cannot do without (declared ``required=True``,
as sdk.md lists them under "Presence") must be present; any other is None when the API
leaves it out. Unknown wire fields are kept in ``extra``. A required field missing, or
any field of the wrong type, is an `APIResponseValidationError` naming the route and
the field. Every model carries the ``request_id`` of the response it came from.

Models are decoded eagerly by a decoder generated per model (`decoder_of`): what a call
returns is a plain attrs instance with every field set.
"""

import linecache
import operator
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias, TypeVar

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

JSON: TypeAlias = dict[str, "JSON"] | list["JSON"] | str | int | float | bool | None
"""Plain decoded JSON: dicts, lists and scalars, as `json.loads` returns them.

The type of the payloads the API publishes no schema for (store settings, orders...).
"""

T = TypeVar("T")
Context = tuple[str, "str | None"]  # (route, request id) of the response being decoded
Convert = Callable[[Any, Context, str], Any]


def _wire(*names: str, kind: Convert, required: bool = False) -> Any:
    """Declare a field: its wire names, its converter, and whether the model needs it.

    A field the model cannot do without (sdk.md, "Presence") has no default; any other
    is None when the API leaves it out.
    """
    metadata = {"wire": names, "kind": kind, "required": required}
    hashable = kind is not _object  # a dict cannot be hashed; the rest of the model can
    if required:
        return attrs.field(metadata=metadata, hash=hashable)
    return attrs.field(default=None, metadata=metadata, hash=hashable)


def _fail(ctx: Context, where: str, expected: str, value: Any) -> APIResponseValidationError:
    shown = repr(value)
    if len(shown) > 60:  # not cut short: a cut could leave part of an echoed key
        shown = f"of length {len(value)}"
    return APIResponseValidationError(
        f"Unexpected response from {ctx[0]}: {where} should be {expected}, "
        f"got {type(value).__name__} {shown}.",
        request_id=ctx[1],
    )


# The converters: the decoder accepts a value of the exact type inline (`_INLINE`), and
# calls these only for anything else, to convert it or to name the field at fault.


def _str(value: Any, ctx: Context, where: str) -> str:
    raise _fail(ctx, where, "a string", value)


def _int(value: Any, ctx: Context, where: str) -> int:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise _fail(ctx, where, "an integer", value)


def _bool(value: Any, ctx: Context, where: str) -> bool:
    raise _fail(ctx, where, "true or false", value)


def _object(value: Any, ctx: Context, where: str) -> dict[str, Any]:
    raise _fail(ctx, where, "an object", value)


def _str_list(value: Any, ctx: Context, where: str) -> tuple[str, ...]:
    if type(value) is list:  # called only when an item is not a string: name it
        i, item = next((i, item) for i, item in enumerate(value) if type(item) is not str)
        raise _fail(ctx, f"{where}[{i}]", "a string", item)
    raise _fail(ctx, where, "a list of strings", value)


_JUST_STR = frozenset({str})
_INLINE = {  # per converter: (the test of a value of the usual type, the value it gives)
    _str: ("type({v}) is str", "{v}"),
    _int: ("type({v}) is int", "{v}"),
    _bool: ("type({v}) is bool", "{v}"),
    _object: ("type({v}) is dict", "{v}"),
    _str_list: ("type({v}) is list and set(map(type, {v})) <= JUST_STR", "tuple({v})"),
}


def _model(cls: type[Any]) -> Convert:
    """The converter of a field holding one `cls`."""

    def convert(value: Any, ctx: Context, where: str) -> Any:
        return decoder_of(cls)(value, ctx, where)

    convert.model = cls  # type: ignore[attr-defined]  # the decoder calls cls's directly
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
    """
    if type(value) is not list:
        raise _fail(ctx, where, f"a list of {cls.__name__}", value)
    decode_one = decoder_of(cls)
    try:
        return [decode_one(item, ctx, where) for item in value]
    except APIResponseValidationError:  # decode again, naming each item: this one raises
        return [decode_one(item, ctx, f"{where}[{i}]") for i, item in enumerate(value)]


def _extras_last(
    cls: type[Any], fields: "list[attrs.Attribute[Any]]"
) -> "list[attrs.Attribute[Any]]":
    """Order `Model`'s two fields after the model's own, in reprs and signatures."""
    own = [field for field in fields if field.name not in ("extra", "request_id")]
    return own + [field for field in fields if field.name in ("extra", "request_id")]


_NAMES: dict[type[Any], tuple[tuple[str, str], ...]] = {}


def _names(cls: type[Any]) -> tuple[tuple[str, str], ...]:
    """Each field of a model of `cls` that the API sends: its name and its wire name."""
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(
            (f.name, f.metadata["wire"][0]) for f in attrs.fields(cls) if "wire" in f.metadata
        )
    return names


def _plain(value: Any, wire: bool) -> Any:
    """`value` as plain data: a model as its dict, a tuple as a list."""
    if isinstance(value, Model):
        return value.to_dict(wire=wire)
    if type(value) is tuple:
        return [_plain(item, wire) for item in value]
    return value


_COMPARED: dict[type[Any], tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _compared(cls: type[Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The fields a model of `cls` is compared by, and those it is hashed by.

    As attrs would choose them: every field but the request id, and of those all but
    ``extra``.
    """
    names = _COMPARED.get(cls)
    if names is None:
        fields = attrs.fields(cls)
        names = _COMPARED[cls] = (
            tuple(f.name for f in fields if f.eq),
            tuple(f.name for f in fields if (f.eq if f.hash is None else f.hash)),
        )
    return names


@attrs.frozen(field_transformer=_extras_last, repr=False, eq=False)
class Model:
    """What every payload model has besides its own fields.

    Attributes:
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    extra: Mapping[str, Any] = attrs.field(factory=dict, kw_only=True, hash=False)
    request_id: str | None = attrs.field(default=None, kw_only=True, eq=False, repr=False)

    # One repr, one equality and one hash for every model, as attrs would write them for
    # each: attrs writing them per class doubles what defining the models costs at import.

    def __repr__(self) -> str:
        """The model and its fields but the request id."""
        fields = attrs.fields(type(self))
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields if f.repr)
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        """Equal to a model of the same class with the same fields (the request id aside)."""
        if other.__class__ is not self.__class__:
            return NotImplemented
        names = _compared(type(self))[0]
        return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)

    def __hash__(self) -> int:
        """The hash of the class and the fields it is compared by, but ``extra``."""
        return hash((type(self), *(getattr(self, n) for n in _compared(type(self))[1])))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """How pydantic (and so FastAPI) sends a model (its `to_dict`) and describes it.

        pydantic calls it; it imports pydantic's core only then.
        """
        from ._pydantic import model_schema

        return model_schema(cls, handler)

    def to_dict(self, *, wire: bool = False) -> dict[str, Any]:
        """The model as plain data, ready for JSON: dicts, lists and scalars.

        Its fields under their snake_case names, nested models as dicts and tuples as
        lists, without ``request_id`` and ``extra``. With `wire`, the API's own names
        (``_id``, camelCase) instead, and the fields the SDK does not know put back, so
        that decoding the result gives an equal model.

        ```python
        product.to_dict()["price_in_cents"]  # 1999
        product.to_dict(wire=True)["priceInCents"]  # 1999
        ```

        Args:
            wire: The API's field names and the unknown fields, rather than the SDK's.
        """
        data = {
            (wire_name if wire else name): _plain(getattr(self, name), wire)
            for name, wire_name in _names(type(self))
        }
        if wire:
            data.update(self.extra)
        return data


@attrs.frozen(field_transformer=_extras_last, repr=False, eq=False)
class Health(Model):
    """The answer of ``GET /health``.

    Attributes:
        ok: True when the API is up.
        service: The name of the service.
        version: The API's version.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    ok: bool = _wire("ok", kind=_bool, required=True)
    service: str | None = _wire("service", kind=_str)
    version: str | None = _wire("version", kind=_str)


@attrs.frozen(field_transformer=_extras_last, repr=False, eq=False)
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

    primary: str | None = _wire("primary", kind=_str)
    primary_foreground: str | None = _wire("primaryForeground", kind=_str)
    background: str | None = _wire("background", kind=_str)
    foreground: str | None = _wire("foreground", kind=_str)
    muted: str | None = _wire("muted", kind=_str)
    border: str | None = _wire("border", kind=_str)
    font_body: str | None = _wire("fontBody", kind=_str)
    font_heading: str | None = _wire("fontHeading", kind=_str)
    radius: str | None = _wire("radius", kind=_str)


@attrs.frozen(field_transformer=_extras_last, repr=False, eq=False)
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

    id: str = _wire("_id", "id", kind=_str, required=True)
    slug: str | None = _wire("slug", kind=_str)
    name: str | None = _wire("name", kind=_str)
    is_published: bool | None = _wire("isPublished", kind=_bool)
    payments_configured: bool | None = _wire("paymentsConfigured", kind=_bool)
    currency: str | None = _wire("currency", kind=_str)
    theme: StoreTheme | None = _wire("theme", kind=_model(StoreTheme))
    description: str | None = _wire("description", kind=_str)
    logo_url: str | None = _wire("logoUrl", kind=_str)
    contact_email: str | None = _wire("contactEmail", kind=_str)
    contact_phone: str | None = _wire("contactPhone", kind=_str)
    seo_title: str | None = _wire("seoTitle", kind=_str)
    seo_description: str | None = _wire("seoDescription", kind=_str)
    template_key: str | None = _wire("templateKey", kind=_str)
    template_texts: Mapping[str, Any] | None = _wire("templateTexts", kind=_object)


@attrs.frozen(field_transformer=_extras_last, repr=False, eq=False)
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

    id: str = _wire("_id", "id", kind=_str, required=True)
    name: str = _wire("name", kind=_str, required=True)
    price_in_cents: int = _wire("priceInCents", kind=_int, required=True)
    currency: str = _wire("currency", kind=_str, required=True)
    store_id: str | None = _wire("storeId", kind=_str)
    type: str | None = _wire("type", kind=_str)
    is_active: bool | None = _wire("isActive", kind=_bool)
    description: str | None = _wire("description", kind=_str)
    billing_interval: str | None = _wire("billingInterval", kind=_str)
    image_url: str | None = _wire("imageUrl", kind=_str)
    category: str | None = _wire("category", kind=_str)
    details: tuple[str, ...] | None = _wire("details", kind=_str_list)


@attrs.frozen(field_transformer=_extras_last, repr=False, eq=False)
class CartLine(Model):
    """One line of a cart: a product and its quantity (the product may be embedded).

    Attributes:
        product_id: The product's id.
        quantity: How many.
        product: The product itself, when the API embeds it.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    product_id: str = _wire("productId", kind=_str, required=True)
    quantity: int = _wire("quantity", kind=_int, required=True)
    product: Product | None = _wire("product", kind=_model(Product))


@attrs.frozen(field_transformer=_extras_last, repr=False, eq=False)
class CartTotals(Model):
    """The totals of a cart, in integer minor units.

    Attributes:
        subtotal: The sum of the lines.
        total: What the customer pays.
        currency: Lowercase ISO currency (``usd``).
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    subtotal: int = _wire("subtotal", kind=_int, required=True)
    total: int = _wire("total", kind=_int, required=True)
    currency: str = _wire("currency", kind=_str, required=True)


@attrs.frozen(field_transformer=_extras_last, repr=False, eq=False)
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

    id: str = _wire("id", "_id", kind=_str, required=True)
    lines: tuple[CartLine, ...] = _wire("lines", kind=_model_list(CartLine), required=True)
    totals: CartTotals = _wire("totals", kind=_model(CartTotals), required=True)
    store_id: str | None = _wire("storeId", kind=_str)


@attrs.frozen
class CartLineInput:
    """A line to seed a new cart with (`cart.create(lines=[...])`).

    Attributes:
        product_id: The product's id.
        quantity: How many (1 or more).
    """

    product_id: str
    quantity: int = 1

    def to_dict(self, *, wire: bool = False) -> dict[str, Any]:
        """The line as plain data, under the SDK's names (with `wire`, the API's).

        Args:
            wire: ``productId`` rather than ``product_id``.
        """
        return {"productId" if wire else "product_id": self.product_id, "quantity": self.quantity}


@attrs.frozen(field_transformer=_extras_last, repr=False, eq=False)
class CheckoutSession(Model):
    """A Stripe-hosted checkout session: redirect the browser to `url`, once.

    Attributes:
        url: The Stripe-hosted page; single-use, and it expires soon.
        session_id: The session's id, for `checkout.get_session`.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    url: str = _wire("url", kind=_str, required=True)
    session_id: str | None = _wire("sessionId", kind=_str)


@attrs.frozen(field_transformer=_extras_last, repr=False, eq=False)
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

    product_id: str | None = _wire("productId", kind=_str)
    name: str | None = _wire("name", kind=_str)
    quantity: int | None = _wire("quantity", kind=_int)
    amount_total: int | None = _wire("amountTotal", kind=_int)


@attrs.frozen(field_transformer=_extras_last, repr=False, eq=False)
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

    id: str = _wire("id", "_id", kind=_str, required=True)
    payment_status: str | None = _wire("paymentStatus", kind=_str)
    line_items: tuple[CheckoutLineItem, ...] | None = _wire(
        "lineItems", kind=_model_list(CheckoutLineItem)
    )
    status: str | None = _wire("status", kind=_str)
    mode: str | None = _wire("mode", kind=_str)
    amount_total: int | None = _wire("amountTotal", kind=_int)
    currency: str | None = _wire("currency", kind=_str)
    customer_email: str | None = _wire("customerEmail", kind=_str)


@attrs.frozen(field_transformer=_extras_last, repr=False, eq=False)
class PortalSession(Model):
    """A Stripe billing-portal session: redirect the browser to `url`.

    Attributes:
        url: The Stripe billing portal for the member.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    url: str = _wire("url", kind=_str, required=True)


@attrs.frozen(field_transformer=_extras_last, repr=False, eq=False)
class Catalog(Model):
    """A storefront page's data in one round trip (``GET /catalog``).

    Attributes:
        store: The store.
        products: Its products.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    store: Store = _wire("store", kind=_model(Store), required=True)
    products: tuple[Product, ...] = _wire("products", kind=_model_list(Product), required=True)


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
_DECODERS: dict[type[Any], Callable[[Any, Context, str], Any]] = {}


def _missing(ctx: Context, where: str, key: str, model: str, name: str) -> Exception:
    return APIResponseValidationError(
        f"Unexpected response from {ctx[0]}: required field {where}.{key} "
        f"({model}.{name}) is missing or null.",
        request_id=ctx[1],
    )


def _usual(i: int, field: "attrs.Attribute[Any]") -> tuple[str, list[str]]:
    """The test that ``f{i}`` has the usual shape, and the lines that convert it then."""
    kind, required = field.metadata["kind"], field.metadata["required"]
    path = f"where + {'.' + field.metadata['wire'][0]!r}"
    if kind in _INLINE:
        test, value = (part.format(v=f"f{i}") for part in _INLINE[kind])
        lines = [] if value == f"f{i}" else [f"    f{i} = {value}"]
    else:  # a model, or a list of models: decoded by its own decoder
        model = getattr(kind, "model", None)
        test = f"type(f{i}) is {'dict' if model is not None else 'list'}"
        lines = [f"    f{i} = c{i}(f{i}, ctx, {path})"]
    if required:
        return test, lines
    return f"(f{i} is None or {test})", [
        f"    if f{i} is not None:",
        *("    " + line for line in lines),
    ] if lines else []


def _checked(i: int, field: "attrs.Attribute[Any]", model: str) -> list[str]:
    """The lines that read one field by any of its names, check it and convert it."""
    wire, convert = field.metadata["wire"], field.metadata["kind"]
    required = field.metadata["required"]
    lines = [f"    v = get({wire[0]!r}, M)", f"    k{i} = {wire[0]!r}"]
    for other in wire[1:]:  # an alias: remember which name was used, for `extra`
        lines += ["    if v is M or v is None:", f"        v = get({other!r}, M)"]
        lines += [f"        k{i} = {other!r}"]
    lines += ["    if v is not M:", "        seen += 1"]
    if required:
        lines += [
            "    if v is M or v is None:",
            f"        raise _missing(ctx, where, {wire[0]!r}, {model!r}, {field.name!r})",
        ]
        prefix = "    "
    else:
        lines += ["    if v is M or v is None:", f"        f{i} = None", "    else:"]
        prefix = "        "
    converted = f"c{i}(v, ctx, where + '.' + k{i})"
    if convert in _INLINE:
        test, value = (part.format(v="v") for part in _INLINE[convert])
        converted = f"{value} if {test} else {converted}"
    return [*lines, f"{prefix}f{i} = {converted}"]


def _compile_decoder(cls: type[Any]) -> Callable[[Any, Context, str], Any]:
    """Write and compile the decoder of `cls`, as attrs writes ``__init__`` methods.

    The decoder first tries the usual shape of a payload: every field under its first
    wire name, of its type (or null, where the field may be None). It reads them all in
    one step and checks them in one expression. Anything else (a field left out, an
    alias, a float for an int, a wrong type) is read field by field, which names the
    field at fault. Both ways end in the same instance, built as ``__init__`` builds
    it (a plain attrs instance, every field set).

    The decoder is written once per model, on first use, and registered with
    `linecache`, so a traceback through it shows its lines.
    ``quickshops._models.decoder_source(Product)`` prints one.
    """
    fields = [f for f in attrs.fields(cls) if "wire" in f.metadata]
    names = [field.metadata["wire"][0] for field in fields]
    aliased = [(i, f) for i, f in enumerate(fields) if len(f.metadata["wire"]) > 1]
    setters = {f"s{i}": getattr(cls, field.name).__set__ for i, field in enumerate(fields)}
    namespace: dict[str, Any] = {
        "M": _MISSING,
        "new": object.__new__,
        "cls": cls,
        "_fail": _fail,
        "_missing": _missing,
        "JUST_STR": _JUST_STR,
        "get_all": operator.itemgetter(*names),
        "known": frozenset(name for f in fields for name in f.metadata["wire"]),
        "s_extra": getattr(cls, "extra").__set__,  # noqa: B009  # the slot's descriptor
        "s_request_id": getattr(cls, "request_id").__set__,  # noqa: B009
        **setters,
        **{f"c{i}": field.metadata["kind"] for i, field in enumerate(fields)},
    }
    values = ", ".join(f"f{i}" for i in range(len(fields)))
    build = [
        "    o = new(cls)",
        *(f"    s{i}(o, f{i})" for i in range(len(fields))),
        "    s_extra(o, extra)",
        "    s_request_id(o, ctx[1])",
        "    return o",
    ]
    usual = [_usual(i, field) for i, field in enumerate(fields)]
    lines = [
        f"def decode_{cls.__name__}(data, ctx, where):",
        "    try:",
        f"        {values}{',' if len(fields) == 1 else ''} = "
        + ("(get_all(data),)" if len(fields) == 1 else "get_all(data)"),
        "    except (KeyError, TypeError, IndexError):",
        "        return checked(data, ctx, where)",
        "    if not (" + " and ".join(test for test, _ in usual) + "):",
        "        return checked(data, ctx, where)",
        *(line for _, converts in usual for line in converts),
        f"    if len(data) == {len(fields)}:",
        "        extra = {}",
        "    else:  # the unknown fields: all but those just read, in the order sent",
        "        extra = dict(data)",
        *(f"        del extra[{name!r}]" for name in names),
        *build,
        "",
        "def checked(data, ctx, where):",
        "    if type(data) is not dict:",
        f"        raise _fail(ctx, where, 'an object ({cls.__name__})', data)",
        "    get = data.get",
        "    seen = 0",
    ]
    for i, field in enumerate(fields):
        lines += _checked(i, field, cls.__name__)
    lines += [
        "    if seen == len(data):",
        "        extra = {}",
        "    else:",
        "        extra = {key: data[key] for key in data if key not in known}",
    ]
    for i, field in aliased:  # an alias sent beside the name that was used is extra too
        lines += [
            f"        for name in {field.metadata['wire']!r}:",
            f"            if name != k{i} and name in data:",
            "                extra[name] = data[name]",
        ]
    lines += build
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
