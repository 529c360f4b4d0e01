"""The payloads of the API as frozen attrs classes, and their tolerant decoder.

Every wire field maps to its snake_case name (``_id`` or ``id`` to ``id``). Unknown
wire fields are kept in ``extra``; a missing optional field is None; a missing
required field or a wrong type is an `APIResponseValidationError` naming the route
and the field. Every model carries the ``request_id`` of the response it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


def _extra() -> Any:
    return attrs.field(factory=dict, kw_only=True, hash=False)


def _request_id() -> Any:
    return attrs.field(default=None, kw_only=True, eq=False, repr=False)


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


def _str_list(value: Any, ctx: Context, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _fail(ctx, where, "a list of strings", value)
    return tuple(_str(item, ctx, f"{where}[{i}]") for i, item in enumerate(value))


def _model(cls: type[Any]) -> Convert:
    def convert(value: Any, ctx: Context, where: str) -> Any:
        return _decode_at(cls, value, ctx, where)

    return convert


def _model_list(cls: type[Any]) -> Convert:
    def convert(value: Any, ctx: Context, where: str) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise _fail(ctx, where, "a list", value)
        return tuple(_decode_at(cls, item, ctx, f"{where}[{i}]") for i, item in enumerate(value))

    return convert


@attrs.frozen
class Health:
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
    extra: Mapping[str, Any] = _extra()
    request_id: str | None = _request_id()


@attrs.frozen
class StoreTheme:
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
    extra: Mapping[str, Any] = _extra()
    request_id: str | None = _request_id()


@attrs.frozen
class Store:
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
    extra: Mapping[str, Any] = _extra()
    request_id: str | None = _request_id()


@attrs.frozen
class Product:
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
    extra: Mapping[str, Any] = _extra()
    request_id: str | None = _request_id()


@attrs.frozen
class CartLine:
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
    extra: Mapping[str, Any] = _extra()
    request_id: str | None = _request_id()


@attrs.frozen
class CartTotals:
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
    extra: Mapping[str, Any] = _extra()
    request_id: str | None = _request_id()


@attrs.frozen
class Cart:
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
    extra: Mapping[str, Any] = _extra()
    request_id: str | None = _request_id()


@attrs.frozen
class CartLineInput:
    """A line to seed a new cart with (`cart.create(lines=[...])`).

    Attributes:
        product_id: The product's id.
        quantity: How many (1 or more).
    """

    product_id: str
    quantity: int = 1


@attrs.frozen
class CheckoutSession:
    """A Stripe-hosted checkout session: redirect the browser to `url`, once.

    Attributes:
        url: The Stripe-hosted page; single-use, and it expires soon.
        session_id: The session's id, for `checkout.get_session`.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    url: str = _wire("url", kind=_str)
    session_id: str = _wire("sessionId", kind=_str)
    extra: Mapping[str, Any] = _extra()
    request_id: str | None = _request_id()


@attrs.frozen
class CheckoutLineItem:
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
    extra: Mapping[str, Any] = _extra()
    request_id: str | None = _request_id()


@attrs.frozen
class CheckoutSessionDetails:
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
    extra: Mapping[str, Any] = _extra()
    request_id: str | None = _request_id()


@attrs.frozen
class PortalSession:
    """A Stripe billing-portal session: redirect the browser to `url`.

    Attributes:
        url: The Stripe billing portal for the member.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    url: str = _wire("url", kind=_str)
    extra: Mapping[str, Any] = _extra()
    request_id: str | None = _request_id()


@attrs.frozen
class Catalog:
    """A storefront page's data in one round trip (``GET /catalog``).

    Attributes:
        store: The store.
        products: Its products.
        extra: Wire fields this version of the SDK does not know, as sent.
        request_id: The request id of the response (not part of equality).
    """

    store: Store = _wire("store", kind=_model(Store))
    products: tuple[Product, ...] = _wire("products", kind=_model_list(Product))
    extra: Mapping[str, Any] = _extra()
    request_id: str | None = _request_id()


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
_FAST_TYPES = {_str: "str", _int: "int", _bool: "bool"}
_DECODERS: dict[type[Any], Callable[[Any, Context, str], Any]] = {}


def _missing(ctx: Context, where: str, key: str, model: str, name: str) -> Exception:
    return APIResponseValidationError(
        f"Unexpected response from {ctx[0]}: required field {where}.{key} "
        f"({model}.{name}) is missing or null.",
        request_id=ctx[1],
    )


def _extra_of(data: dict[str, Any], wires: tuple[tuple[str, ...], ...]) -> dict[str, Any]:
    """The wire fields a model did not map: all but the first present name of each field."""
    used = {next((key for key in wire if key in data), None) for wire in wires}
    return {key: value for key, value in data.items() if key not in used}


def _compile_decoder(cls: type[Any]) -> Callable[[Any, Context, str], Any]:
    """Write and compile a decoder for `cls`, as attrs writes ``__init__`` methods.

    A generic loop over the fields costs several times more per call; the decoder is
    built once per model, on first use.
    """
    fields = [f for f in attrs.fields(cls) if "wire" in f.metadata]
    namespace: dict[str, Any] = {
        "M": _MISSING,
        "cls": cls,
        "_fail": _fail,
        "_missing": _missing,
        "_extra_of": _extra_of,
        "wires": tuple(f.metadata["wire"] for f in fields),
    }
    lines = [
        "def decode(data, ctx, where):",
        "    if not isinstance(data, dict):",
        f"        raise _fail(ctx, where, 'an object ({cls.__name__})', data)",
        "    get = data.get",
        "    seen = 0",
    ]
    for i, field in enumerate(fields):
        wire, convert = field.metadata["wire"], field.metadata["kind"]
        namespace[f"c{i}"] = convert
        lines += [f"    v = get({wire[0]!r}, M)", f"    k = {wire[0]!r}"]
        for other in wire[1:]:
            lines += ["    if v is M:", f"        v = get({other!r}, M)", f"        k = {other!r}"]
        lines += ["    if v is not M:", "        seen += 1", "    if v is None or v is M:"]
        if field.default is attrs.NOTHING:
            args = f"ctx, where, {wire[0]!r}, {cls.__name__!r}, {field.name!r}"
            lines.append(f"        raise _missing({args})")
        else:
            lines.append(f"        f{i} = None")
        fast = _FAST_TYPES.get(convert)
        check = f"v if type(v) is {fast} else " if fast else ""
        lines += ["    else:", f"        f{i} = {check}c{i}(v, ctx, where + '.' + k)"]
    values = "".join(f"f{i}, " for i in range(len(fields)))
    lines += [
        "    extra = {} if seen == len(data) else _extra_of(data, wires)",
        f"    return cls({values}extra=extra, request_id=ctx[1])",
    ]
    exec(compile("\n".join(lines), f"<quickshops decoder {cls.__name__}>", "exec"), namespace)  # noqa: S102
    decoder: Callable[[Any, Context, str], Any] = namespace["decode"]
    return decoder


def _decode_at(cls: type[T], data: Any, ctx: Context, where: str) -> T:
    decoder = _DECODERS.get(cls)
    if decoder is None:
        decoder = _DECODERS[cls] = _compile_decoder(cls)
    result: T = decoder(data, ctx, where)
    return result


def decode(cls: type[T], data: Any, route: str, request_id: str | None = None) -> T:
    """Decode one model from a response body's payload (already unwrapped from ``data``)."""
    return _decode_at(cls, data, (route, request_id), "body")


def decode_list(cls: type[T], data: Any, route: str, request_id: str | None = None) -> list[T]:
    """Decode a list of models from a response body's payload."""
    ctx = (route, request_id)
    if not isinstance(data, list):
        raise _fail(ctx, "body", f"a list of {cls.__name__}", data)
    return [_decode_at(cls, item, ctx, f"body[{i}]") for i, item in enumerate(data)]
