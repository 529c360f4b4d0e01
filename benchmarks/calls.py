"""The SDK calls the per-call and catalogue cases time, and the same work done by hand.

Each `Operation` is one SDK call and the request it makes. The sides of a measurement:

- ``quickshops on httpx2``: the SDK on its own stack, ``Quickshops(api_key=...,
  http_client=httpx2.Client(transport=httpx2.MockTransport(...)))`` (or the async pair);
- ``quickshops on httpx``: the SDK on a caller's ``httpx.Client`` (or ``AsyncClient``)
  with an ``httpx.MockTransport``;
- ``raw httpx2`` and ``raw httpx``: the same request made by hand on the raw client
  (the same headers, a fresh Idempotency-Key for a mutation), ``raise_for_status()``
  and ``.json()``.

Every side's transport answers with the same bytes. When an operation reads its result
(``read``), the raw sides read the decoded body alike (``read_raw``).
"""

from __future__ import annotations

import asyncio
import cProfile
import functools
import pstats
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, NamedTuple

import httpx
import httpx2

import quickshops

from .harness import Loop, mock_transport, timed, timed_async
from .payloads import BASE, HEADERS, KEY, Bodies

SDK_HTTPX2 = "quickshops on httpx2"
SDK_HTTPX = "quickshops on httpx"
RAW_HTTPX2 = "raw httpx2"
RAW_HTTPX = "raw httpx"
SIDES = (SDK_HTTPX2, SDK_HTTPX, RAW_HTTPX2, RAW_HTTPX)


class Operation(NamedTuple):
    """One SDK call and the request it makes, for the raw clients to make by hand."""

    name: str  # the SDK method, as the results name it: "products.get"
    method: str
    path: str  # below BASE
    body: Any  # the JSON body, or None (then no Idempotency-Key either)
    call: Callable[[Any], Any]  # the call on a client: the same on the sync and async one
    # What a caller then reads of the SDK's result, and of a raw client's decoded body
    # (nothing, by default).
    read: Callable[[Any], object] | None = None
    read_raw: Callable[[Any], object] | None = None


GET = Operation(
    "products.get", "GET", "/products/prod_1", None, lambda qs: qs.products.get("prod_1")
)
ADD = Operation(
    "cart.add_line",
    "POST",
    "/cart/cart_1/lines",
    {"productId": "prod_1", "quantity": 1},
    lambda qs: qs.cart.add_line("cart_1", "prod_1"),
)
LIST = Operation("products.list", "GET", "/products", None, lambda qs: qs.products.list())
CATALOG = Operation("catalog.get", "GET", "/catalog", None, lambda qs: qs.catalog.get())


def sdk_work(sdk: Any, op: Operation) -> Callable[[], object]:
    """`op` on a sync SDK client, then what it reads of the result."""
    call, read = functools.partial(op.call, sdk), op.read
    if read is None:
        return call
    return lambda: read(call())


def sdk_work_async(sdk: Any, op: Operation) -> Callable[[], Awaitable[object]]:
    """`op` on an async SDK client, then what it reads of the result."""
    call, read = functools.partial(op.call, sdk), op.read
    if read is None:
        return call

    async def work() -> object:
        return read(await call())

    return work


def raw_work(raw: Any, op: Operation) -> Callable[[], object]:
    """The SDK's work for `op` done by hand with a raw sync client (httpx2 or httpx)."""
    url, read = BASE + op.path, op.read_raw

    def work() -> object:
        headers = HEADERS if op.body is None else {**HEADERS, "idempotency-key": str(uuid.uuid4())}
        response = raw.request(op.method, url, json=op.body, headers=headers)
        response.raise_for_status()
        body = response.json()
        return body if read is None else read(body)

    return work


def raw_work_async(raw: Any, op: Operation) -> Callable[[], Awaitable[object]]:
    """`raw_work` with a raw async client."""
    url, read = BASE + op.path, op.read_raw

    async def work() -> object:
        headers = HEADERS if op.body is None else {**HEADERS, "idempotency-key": str(uuid.uuid4())}
        response = await raw.request(op.method, url, json=op.body, headers=headers)
        response.raise_for_status()
        body = response.json()
        return body if read is None else read(body)

    return work


def clients(answers: Bodies, sides: Iterable[str], *, asynchronous: bool) -> dict[str, Any]:
    """A client for each side, sync or async, on mock transports answering with `answers`."""
    transports = {httpx2: mock_transport(httpx2, answers), httpx: mock_transport(httpx, answers)}

    def http(library: Any) -> Any:
        kind = library.AsyncClient if asynchronous else library.Client
        return kind(transport=transports[library])

    sdk = quickshops.AsyncQuickshops if asynchronous else quickshops.Quickshops
    makers: dict[str, Callable[[], Any]] = {
        SDK_HTTPX2: lambda: sdk(api_key=KEY, http_client=http(httpx2)),
        SDK_HTTPX: lambda: sdk(api_key=KEY, http_client=http(httpx)),
        RAW_HTTPX2: lambda: http(httpx2),
        RAW_HTTPX: lambda: http(httpx),
    }
    return {side: makers[side]() for side in sides}


def loops(
    answers: Bodies,
    ops: Iterable[Operation],
    sides: Sequence[str] = SIDES,
    runner: asyncio.AbstractEventLoop | None = None,
) -> dict[tuple[str, str], Loop]:
    """Timed loops of each op on each side, named ``(op.name, side)``.

    The clients are sync ones, or async ones whose loops run on the event loop `runner`.
    The transports are mock ones, so the clients hold nothing to close.
    """
    made = clients(answers, sides, asynchronous=runner is not None)
    result: dict[tuple[str, str], Loop] = {}
    for op in ops:
        for side, client in made.items():
            sdk = side.startswith("quickshops")
            if runner is None:
                result[op.name, side] = timed(sdk_work(client, op) if sdk else raw_work(client, op))
            else:
                work = sdk_work_async(client, op) if sdk else raw_work_async(client, op)
                result[op.name, side] = timed_async(runner, work)
    return result


def profile(op: Operation, answers: Bodies, *, warmup: int, calls: int) -> None:
    """Print where the time of `calls` sync `op` calls goes, by own time (cProfile)."""
    transport = mock_transport(httpx2, answers)
    qs = quickshops.Quickshops(api_key=KEY, http_client=httpx2.Client(transport=transport))
    work = sdk_work(qs, op)
    for _ in range(warmup):
        work()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        work()
    profiler.disable()
    print(f"{calls:,} sync {op.name} calls")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
