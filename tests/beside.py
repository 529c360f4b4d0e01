"""Drive both clients in a process where other libraries changed the HTTP stack's classes.

Run as a script, in a process of its own: ``python -m tests.beside PRELUDE``, where
PRELUDE is what happens to the process first:

- ``rewrite-before``: ``__module__`` of every class of httpx2, httpx, httpcore2 and h11
  is rewritten (as openai and anthropic do to the httpx2 classes they re-export), then
  quickshops is imported;
- ``rewrite-after``: the same, once quickshops is imported;
- ``openai``: the real ``openai`` package is imported before quickshops.

Then each client, on its own pool and on a caller's httpx2 and httpx clients, is made
(with the default timeout, an httpx2 and an httpx ``Timeout``) and meets a success, a
404, a refused connection and a read timeout. It prints one JSON object: each case to
the name of what it returned or raised.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import json
import socket
import sys
from collections.abc import Callable
from typing import Any

MODULES = ("httpx2", "httpx", "httpcore2", "h11")
"""The libraries whose classes get another ``__module__``."""


def rewrite_modules() -> int:
    """Give every class of `MODULES` (and their submodules) ``__module__ = "openai"``."""
    for name in MODULES:
        importlib.import_module(name)
    rewritten = 0
    for name, module in list(sys.modules.items()):
        if name.partition(".")[0] not in MODULES:
            continue
        for value in list(vars(module).values()):
            if isinstance(value, type) and value.__module__.partition(".")[0] in MODULES:
                value.__module__ = "openai"
                rewritten += 1
    return rewritten


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def outcome(run: Callable[[], Any]) -> str:
    """The name of the class of what `run` returned, or of what it raised."""
    try:
        return type(run()).__name__
    except Exception as exc:  # what the SDK let out is the finding
        return type(exc).__name__


def cases(prelude: str) -> dict[str, str]:
    """Every case's outcome, after `prelude`."""
    if prelude == "openai":
        importlib.import_module("openai")
    elif prelude == "rewrite-before":
        rewrite_modules()
    import httpx
    import httpx2

    import quickshops
    from quickshops.testing import SECRET_KEY, Emulator, EmulatorServer

    if prelude == "rewrite-after":
        rewrite_modules()

    emulator = Emulator()
    emulator.faults.delay("GET /health", 5.0)
    refused = f"http://127.0.0.1:{closed_port()}/v1"
    results: dict[str, str] = {}
    with EmulatorServer(emulator) as server:
        timeouts: dict[str, Any] = {
            "default": None,
            "httpx2.Timeout": httpx2.Timeout(2.0),
            "httpx.Timeout": httpx.Timeout(2.0),
        }
        for label, timeout in timeouts.items():
            options = {} if timeout is None else {"timeout": timeout}
            for cls in (quickshops.Quickshops, quickshops.AsyncQuickshops):
                made = outcome(
                    functools.partial(cls, api_key=SECRET_KEY, base_url=server.url, **options)
                )
                results[f"{cls.__name__} timeout={label}"] = made
        pools: dict[str, Callable[[], Any]] = {
            "own": lambda: None,
            "httpx2": httpx2.Client,
            "httpx": httpx.Client,
        }
        for pool, make in pools.items():
            results |= sync_cases(quickshops, server.url, refused, make(), pool)
        async_pools: dict[str, Callable[[], Any]] = {
            "own": lambda: None,
            "httpx2": httpx2.AsyncClient,
            "httpx": httpx.AsyncClient,
        }
        for pool, make in async_pools.items():
            results |= asyncio.run(async_cases(quickshops, server.url, refused, make, pool))
    return results


def sync_cases(
    quickshops: Any, url: str, refused: str, http_client: Any, pool: str
) -> dict[str, str]:
    """The sync client's calls, on `pool`."""
    from quickshops.testing import SECRET_KEY

    options = {"api_key": SECRET_KEY, "max_retries": 0, "http_client": http_client}
    with quickshops.Quickshops(base_url=url, **options) as qs:
        found = outcome(qs.store.get)
        missing = outcome(lambda: qs.products.get("prod_nope"))
        slow = outcome(qs.with_options(timeout=0.3).health.check)
    with quickshops.Quickshops(base_url=refused, **options) as qs:
        unreachable = outcome(qs.store.get)
    return {
        f"Quickshops {pool} success": found,
        f"Quickshops {pool} 404": missing,
        f"Quickshops {pool} refused": unreachable,
        f"Quickshops {pool} read timeout": slow,
    }


async def async_cases(
    quickshops: Any, url: str, refused: str, make: Callable[[], Any], pool: str
) -> dict[str, str]:
    """The async client's calls, on `pool`."""
    from quickshops.testing import SECRET_KEY

    async def run(awaitable: Any) -> str:
        try:
            return type(await awaitable).__name__
        except Exception as exc:  # what the SDK let out is the finding
            return type(exc).__name__

    options = {"api_key": SECRET_KEY, "max_retries": 0, "http_client": make()}
    async with quickshops.AsyncQuickshops(base_url=url, **options) as qs:
        found = await run(qs.store.get())
        missing = await run(qs.products.get("prod_nope"))
        slow = await run(qs.with_options(timeout=0.3).health.check())
    options["http_client"] = make()
    async with quickshops.AsyncQuickshops(base_url=refused, **options) as qs:
        unreachable = await run(qs.store.get())
    return {
        f"AsyncQuickshops {pool} success": found,
        f"AsyncQuickshops {pool} 404": missing,
        f"AsyncQuickshops {pool} refused": unreachable,
        f"AsyncQuickshops {pool} read timeout": slow,
    }


if __name__ == "__main__":
    print(json.dumps(cases(sys.argv[1])))
