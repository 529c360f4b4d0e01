"""qs.request(...): any route below base_url, with the client's key, retries and errors."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from quickshops import (
    APIResponseValidationError,
    AsyncQuickshops,
    InvalidRequestError,
    NotFoundError,
)
from tests.conftest import SECRET_KEY

if TYPE_CHECKING:
    import respx


async def test_get_returns_status_headers_body_and_data(
    api: respx.MockRouter, qs: AsyncQuickshops
) -> None:
    """A GET sends the key and the params, and returns the answer unwrapped from data."""
    answer = {"data": {"plan": "pro"}, "nextCursor": None}
    route = api.get("/store/billing").respond(
        200, json=answer, headers={"x-request-id": "req_7", "x-extra": "1"}
    )

    response = await qs.request(
        "get", "/store/billing", params={"limit": 2, "full": "yes", "tag": ["a", "b"]}
    )

    request = route.calls.last.request
    assert ("GET", "limit=2&full=yes&tag=a&tag=b", SECRET_KEY) == (
        request.method,
        request.url.query.decode(),
        request.headers["x-api-key"],
    )
    assert "idempotency-key" not in request.headers
    assert (200, answer, {"plan": "pro"}, "req_7", "1") == (
        response.status_code,
        response.body,
        response.data,
        response.request_id,
        response.headers["X-Extra"],
    )


async def test_empty_and_bare_bodies(api: respx.MockRouter, qs: AsyncQuickshops) -> None:
    """An empty body is None; a body without data is its own data."""
    api.delete("/store/cache").respond(204)
    api.get("/store/list").respond(200, json=[1, 2])

    empty = await qs.request("DELETE", "/store/cache")
    bare = await qs.request("GET", "/store/list")

    assert (204, None, None) == (empty.status_code, empty.body, empty.data)
    assert ([1, 2], [1, 2]) == (bare.body, bare.data)


async def test_a_retried_post_keeps_one_idempotency_key(
    api: respx.MockRouter, qs: AsyncQuickshops, sleeps: list[float]
) -> None:
    """A POST that meets a 503 is retried with its JSON body and the same Idempotency-Key."""
    route = api.post("/store/webhooks").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json={"data": {"id": "wh_1"}})]
    )

    response = await qs.request("POST", "/store/webhooks", json={"url": "https://x.example"})

    keys = {call.request.headers["idempotency-key"] for call in route.calls}
    bodies = [json.loads(call.request.content) for call in route.calls]
    assert (2, 1, {"id": "wh_1"}) == (route.call_count, len(keys), response.data)
    assert [{"url": "https://x.example"}] * 2 == bodies
    assert 1 == len(sleeps)


async def test_callers_idempotency_key_is_sent(api: respx.MockRouter, qs: AsyncQuickshops) -> None:
    """idempotency_key= is sent as the mutation's Idempotency-Key."""
    route = api.patch("/store/flags").respond(200, json={"data": {}})

    await qs.request("PATCH", "/store/flags", json={"a": True}, idempotency_key="mine-1")

    assert "mine-1" == route.calls.last.request.headers["idempotency-key"]


async def test_an_error_status_raises_the_sdks_error(
    api: respx.MockRouter, qs: AsyncQuickshops
) -> None:
    """A 404 is a NotFoundError naming the method and path, as for any operation."""
    api.get("/store/nothing").respond(404, json={"error": "Nope", "code": "NOT_FOUND"})

    with pytest.raises(NotFoundError) as caught:
        await qs.request("GET", "/store/nothing")

    assert caught.value.message.startswith("GET /store/nothing failed: Nope.")


async def test_a_non_json_success_is_a_validation_error(
    api: respx.MockRouter, qs: AsyncQuickshops
) -> None:
    """A 2xx that is not JSON is reported, not returned."""
    api.get("/store/page").respond(200, text="<html>hi</html>")

    with pytest.raises(APIResponseValidationError, match="not JSON"):
        await qs.request("GET", "/store/page")


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (("GET", "https://evil.example/v1/store"), "path must be a path below base_url"),
        (("GET", "//evil.example/store"), "path must be"),
        (("GET", "store"), "path must be"),
        (("GET", "/store/../../admin"), "path must be"),
        (("GET", "/store/%2e%2E/admin"), "path must be"),
        (("GET", "/store/."), "path must be"),
        (("GET", "/store?x=1"), "params="),
        (("GET", "/store#top"), "path must be"),
        (("GET", "/store\\admin"), "path must be"),
        (("GET", "/st ore"), "path must be"),
        (("GET", "/store/\n"), "path must be"),
        (("GET", "/store/%zz"), "path must be"),
        (("GET", "/störe"), "path must be"),
        (("GET", 7), "path must be"),
        (("TRACE", "/store"), "method must be one of"),
        ((None, "/store"), "method must be one of"),
    ],
)
async def test_a_path_that_would_leave_base_url_is_refused(
    api: respx.MockRouter, qs: AsyncQuickshops, arguments: tuple[Any, Any], fragment: str
) -> None:
    """A scheme, a host, a dot-segment or a query in the path is refused before any I/O."""
    route = api.route().respond(200, json={})

    with pytest.raises(InvalidRequestError, match=fragment):
        await qs.request(*arguments)

    assert 0 == route.call_count


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"json": {"when": object()}}, "the body is not JSON"),
        ({"json": {"x": float("nan")}}, "the body is not JSON .Out of range float values"),
        ({"json": [float("-inf")]}, "the body is not JSON"),
        ({"json": {"text": "\ud800"}}, "the body is not JSON"),
        ({"params": [("a", "b")]}, "params must be a mapping"),
        ({"params": {"a": object()}}, "params must be a mapping"),
        ({"params": {1: "b"}}, "params must be a mapping"),
        ({"idempotency_key": ""}, "idempotency_key"),
    ],
)
async def test_bad_options_are_refused(
    api: respx.MockRouter, qs: AsyncQuickshops, options: dict[str, Any], fragment: str
) -> None:
    """A body that is not JSON (NaN, infinities, lone surrogates), bad params or key: unsent."""
    route = api.route().respond(200, json={})

    with pytest.raises(InvalidRequestError, match=fragment):
        await qs.request("POST", "/store/x", **options)

    assert 0 == route.call_count
