"""A minimal ASGI app for the loopback throughput benchmark: one fixed JSON answer.

Started by benchmarks/cases/concurrency.py as ``python benchmarks/server.py PORT``, under
uvicorn.
"""

from __future__ import annotations

import sys
from typing import Any

import uvicorn

BODY = (
    b'{"data":{"_id":"prod_1","storeId":"store_1","name":"Green tea","description":null,'
    b'"priceInCents":1999,"currency":"usd","type":"physical","billingInterval":null,'
    b'"imageUrl":null,"isActive":true,"category":"tea","details":["100 g"]}}'
)
HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(BODY)).encode()),
    (b"x-request-id", b"req_bench"),
]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answer every HTTP request with the same product."""
    if scope["type"] != "http":  # lifespan
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", lifespan="off")
