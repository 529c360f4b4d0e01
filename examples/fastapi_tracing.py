"""A FastAPI app whose calls to Quickshops are traced with OpenTelemetry, to the console.

Run it with ``python -m examples.fastapi_tracing`` and request
http://127.0.0.1:8000/api/catalog (``PORT`` changes the port): each span is printed as
JSON when it ends. FastAPI makes the server span of each request; the SDK's span of
each call is its child, in the same trace. With ``QUICKSHOPS_API_KEY`` (or
``HEADLESS_API_KEY``) set it calls your store; without, the SDK's emulator is served
in its place (`examples.demo`), so it needs no key and no network.

It needs ``pip install "quickshops[otel]" opentelemetry-sdk fastapi uvicorn``. In
production, export to your collector instead of the console (an OTLP exporter in a
`BatchSpanProcessor`), and serve it with ``uvicorn examples.fastapi_tracing:app``.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING, Annotated, TypedDict

import uvicorn
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

from examples.demo import emulator_unless_configured
from examples.pages import REFUSED
from quickshops import (
    AsyncQuickshops,
    Cart,
    Catalog,
    QuickshopsError,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


# --8<-- [start:tracing]
def start_tracing() -> TracerProvider:
    """Record every span of the process, and print each one as JSON when it ends."""
    provider = TracerProvider(resource=Resource.create({"service.name": "shop"}))
    # Each span is printed as it ends. In production: BatchSpanProcessor(OTLPSpanExporter()).
    provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    trace.set_tracer_provider(provider)  # the global provider: FastAPI's and the SDK's
    return provider


# --8<-- [end:tracing]


# --8<-- [start:lifespan]
class State(TypedDict):
    """What the lifespan shares with every request, as ``request.state``."""

    qs: AsyncQuickshops


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[State]:
    """Trace, then open the one client, from the environment, for as long as the app runs."""
    provider = start_tracing()
    try:
        async with AsyncQuickshops() as qs:
            yield {"qs": qs}
    finally:
        provider.shutdown()  # flushes what is left to export


def quickshops_client(request: Request) -> AsyncQuickshops:
    """The app's client (a dependency: ``qs: Client``)."""
    qs: AsyncQuickshops = request.state.qs
    return qs


Client = Annotated[AsyncQuickshops, Depends(quickshops_client)]
app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None)


# --8<-- [end:lifespan]


# --8<-- [start:routes]
@app.get("/")
async def index() -> dict[str, list[str]]:
    """What there is to request; it calls nothing."""
    return {"try": ["GET /api/catalog", "POST /api/cart?product_id=prod_ebook"]}


@app.get("/api/catalog")
async def catalog(qs: Client) -> Catalog:
    """The store and its products: one call, one span."""
    return await qs.catalog.get()


@app.post("/api/cart")
async def new_cart(qs: Client, product_id: str) -> Cart:
    """A new cart holding one of the product: two calls, two spans, in one trace."""
    cart = await qs.cart.create()
    return await qs.cart.add_line(cart.id, product_id)


@app.exception_handler(QuickshopsError)
async def quickshops_error(request: Request, error: QuickshopsError) -> Response:
    """400 for what the API refused (an unknown product), 502 when the call failed."""
    status = 400 if isinstance(error, REFUSED) else 502
    return JSONResponse({"error": str(error)}, status_code=status)


# --8<-- [end:routes]


# --8<-- [start:main]
if __name__ == "__main__":
    port = os.environ.get("PORT", "8000")
    with emulator_unless_configured(port):
        uvicorn.run(app, host="127.0.0.1", port=int(port))  # loopback only
# --8<-- [end:main]
