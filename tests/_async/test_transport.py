"""The transport: retries by the policy, Idempotency-Keys, error mapping, logging."""

from __future__ import annotations

import email.utils
import logging
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import anyio
import httpx
import pytest

from quickshops import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncQuickshops,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from tests import payloads
from tests.conftest import SECRET_KEY

if TYPE_CHECKING:
    import respx


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> Any:
    """Run the transport's tests under both asyncio and trio."""
    return request.param


def ok_product() -> httpx.Response:
    return httpx.Response(200, json=payloads.PRODUCT)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_retried_statuses(
    api: respx.MockRouter, qs: AsyncQuickshops, sleeps: list[float], status: int
) -> None:
    """A retryable status is retried, after an exponential backoff near 0.5 s."""
    route = api.get("/products/prod_1").mock(side_effect=[httpx.Response(status), ok_product()])

    product = await qs.products.get("prod_1")

    assert "prod_1" == product.id
    assert 2 == route.call_count
    assert 1 == len(sleeps)
    assert 0.5 <= sleeps[0] <= 0.75


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (418, APIStatusError),
    ],
)
async def test_client_errors_are_not_retried(
    api: respx.MockRouter,
    qs: AsyncQuickshops,
    sleeps: list[float],
    status: int,
    error: type[APIStatusError],
) -> None:
    """A 4xx other than 408 and 429 raises its class at once."""
    route = api.post("/cart").respond(status, json={"error": "no", "code": "X"})

    with pytest.raises(error) as caught:
        await qs.cart.create()

    assert type(caught.value) is error
    assert (status, "X") == (caught.value.status, caught.value.code)
    assert 1 == route.call_count
    assert [] == sleeps


async def test_retries_are_exhausted(
    api: respx.MockRouter, qs: AsyncQuickshops, sleeps: list[float]
) -> None:
    """After max_retries, the last error is raised; backoff doubles between attempts."""
    route = api.get("/health").respond(503, headers={"x-request-id": "req_last"})

    with pytest.raises(InternalServerError) as caught:
        await qs.health.check()

    assert 3 == route.call_count
    assert "req_last" == caught.value.request_id
    assert 2 == len(sleeps)
    assert 0.5 <= sleeps[0] <= 0.75
    assert 1.0 <= sleeps[1] <= 1.25


async def test_backoff_is_capped(api: respx.MockRouter, sleeps: list[float]) -> None:
    """The backoff never exceeds 8 s however many retries are allowed."""
    api.get("/health").respond(500)

    async with AsyncQuickshops(api_key=SECRET_KEY, max_retries=7) as qs:
        with pytest.raises(InternalServerError):
            await qs.health.check()

    assert 7 == len(sleeps)
    assert all(sleep <= 8.0 for sleep in sleeps)
    assert 7.75 <= sleeps[-1]


async def test_max_retries_zero_disables_retries(
    api: respx.MockRouter, qs: AsyncQuickshops, sleeps: list[float]
) -> None:
    """max_retries=0 makes exactly one attempt."""
    route = api.get("/health").respond(503)

    with pytest.raises(InternalServerError):
        await qs.with_options(max_retries=0).health.check()

    assert 1 == route.call_count
    assert [] == sleeps


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": "0.25"}, 0.25),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),
        ({"retry-after": "60"}, 60.0),
    ],
)
async def test_retry_after_wins_over_backoff(
    api: respx.MockRouter,
    qs: AsyncQuickshops,
    sleeps: list[float],
    headers: dict[str, str],
    expected: float,
) -> None:
    """The server's Retry-After or retry-after-ms is the delay, up to 60 s."""
    api.get("/health").mock(
        side_effect=[
            httpx.Response(429, headers=headers),
            httpx.Response(200, json=payloads.HEALTH),
        ]
    )

    await qs.health.check()

    assert [expected] == sleeps


async def test_retry_after_as_http_date(
    api: respx.MockRouter, qs: AsyncQuickshops, sleeps: list[float]
) -> None:
    """A Retry-After HTTP date is the time left until then."""
    when = datetime.now(timezone.utc) + timedelta(seconds=30)
    header = email.utils.format_datetime(when, usegmt=True)
    api.get("/health").mock(
        side_effect=[
            httpx.Response(503, headers={"retry-after": header}),
            httpx.Response(200, json=payloads.HEALTH),
        ]
    )

    await qs.health.check()

    assert 1 == len(sleeps)
    assert 27.0 < sleeps[0] <= 30.0


async def test_long_retry_after_is_not_retried(
    api: respx.MockRouter, qs: AsyncQuickshops, sleeps: list[float]
) -> None:
    """A server asking for more than 60 s gets no retry; the error says how long."""
    route = api.post("/cart").respond(
        429,
        json={"error": "Rate limit exceeded", "code": "RATE_LIMITED"},
        headers={"retry-after": "120"},
    )

    with pytest.raises(RateLimitError) as caught:
        await qs.cart.create()

    assert 120.0 == caught.value.retry_after
    assert "RATE_LIMITED" == caught.value.code
    assert 1 == route.call_count
    assert [] == sleeps


@pytest.mark.parametrize(("status", "should_retry"), [(400, "true"), (409, "true")])
async def test_x_should_retry_true_retries_any_status(
    api: respx.MockRouter,
    qs: AsyncQuickshops,
    sleeps: list[float],
    status: int,
    should_retry: str,
) -> None:
    """x-should-retry: true retries even a status that is not retried by default."""
    route = api.get("/health").mock(
        side_effect=[
            httpx.Response(status, headers={"x-should-retry": should_retry}),
            httpx.Response(200, json=payloads.HEALTH),
        ]
    )

    assert (await qs.health.check()).ok
    assert 2 == route.call_count
    assert 1 == len(sleeps)


@pytest.mark.parametrize(("status", "error"), [(503, InternalServerError), (429, RateLimitError)])
async def test_x_should_retry_false_retries_nothing(
    api: respx.MockRouter,
    qs: AsyncQuickshops,
    sleeps: list[float],
    status: int,
    error: type[APIStatusError],
) -> None:
    """x-should-retry: false stops even a status that is retried by default."""
    route = api.get("/health").respond(status, headers={"x-should-retry": "false"})

    with pytest.raises(error):
        await qs.health.check()

    assert 1 == route.call_count
    assert [] == sleeps


@pytest.mark.parametrize(
    ("exception", "error"),
    [
        (httpx.ConnectError("refused"), APIConnectionError),
        (httpx.RemoteProtocolError("reset"), APIConnectionError),
        (httpx.ReadError("cut off"), APIConnectionError),
        (httpx.ConnectTimeout("slow"), APITimeoutError),
        (httpx.ReadTimeout("slow"), APITimeoutError),
    ],
)
async def test_connection_failures_are_retried_then_raised(
    api: respx.MockRouter,
    qs: AsyncQuickshops,
    sleeps: list[float],
    exception: Exception,
    error: type[APIConnectionError],
) -> None:
    """A failure with no response is retried, then raised as the SDK's error, chained."""
    route = api.post("/cart").mock(side_effect=exception)

    with pytest.raises(error) as caught:
        await qs.cart.create()

    assert type(caught.value) is error
    assert exception is caught.value.__cause__
    assert "POST /cart" in caught.value.message
    assert 3 == route.call_count
    assert 2 == len(sleeps)


async def test_connection_failure_then_success(
    api: respx.MockRouter, qs: AsyncQuickshops, sleeps: list[float]
) -> None:
    """A call whose first attempt is refused succeeds on the retry."""
    route = api.get("/products/prod_1").mock(side_effect=[httpx.ConnectError("no"), ok_product()])

    assert "prod_1" == (await qs.products.get("prod_1")).id
    assert 2 == route.call_count


async def test_idempotency_key_is_stable_across_retries_and_unique_across_calls(
    api: respx.MockRouter, qs: AsyncQuickshops, sleeps: list[float]
) -> None:
    """Every attempt of one mutation carries the same key; each call has its own."""
    route = api.post("/cart/cart_1/lines").mock(
        side_effect=[
            httpx.Response(503),
            httpx.ConnectError("reset"),
            httpx.Response(200, json=payloads.CART),
            httpx.Response(200, json=payloads.CART),
        ]
    )

    await qs.cart.add_line("cart_1", "prod_1")
    await qs.cart.add_line("cart_1", "prod_1")

    keys = [call.request.headers["idempotency-key"] for call in route.calls]
    assert keys[0] == keys[1] == keys[2]
    assert keys[3] != keys[0]
    assert 36 == len(keys[0])


async def test_caller_idempotency_key_is_never_overwritten(
    api: respx.MockRouter, qs: AsyncQuickshops, sleeps: list[float]
) -> None:
    """The caller's Idempotency-Key is sent as given on every attempt."""
    route = api.delete("/cart/cart_1").mock(
        side_effect=[httpx.Response(502), httpx.Response(200, json=payloads.CART)]
    )

    await qs.cart.clear("cart_1", idempotency_key="order-7-clear")

    assert ["order-7-clear"] * 2 == [c.request.headers["idempotency-key"] for c in route.calls]


async def test_client_closed_during_a_retry_sleep(
    api: respx.MockRouter, qs: AsyncQuickshops, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client closed while a call waits to retry ends the call, without another send."""
    route = api.get("/health").respond(503)

    async def close_while_sleeping(seconds: float) -> None:
        await qs.aclose()

    monkeypatch.setattr(anyio, "sleep", close_while_sleeping)

    with pytest.raises(APIConnectionError, match="client is closed") as caught:
        await qs.health.check()

    assert 1 == route.call_count
    assert caught.value.retryable is False


async def test_event_hook_status_error_is_mapped(http_library: Any) -> None:
    """A caller's event hook raising HTTPStatusError (httpx2's or httpx's) gives the SDK's error."""

    def handler(request: Any) -> Any:
        return http_library.Response(404, json={"error": "Cart not found", "code": "NOT_FOUND"})

    async def raise_for_status(response: Any) -> None:
        response.raise_for_status()

    hooks = {"response": [raise_for_status]}
    transport = http_library.MockTransport(handler)
    async with http_library.AsyncClient(event_hooks=hooks, transport=transport) as http_client:
        qs = AsyncQuickshops(api_key=SECRET_KEY, http_client=http_client)
        with pytest.raises(NotFoundError) as caught:
            await qs.cart.get("c")

    assert "NOT_FOUND" == caught.value.code


async def test_exception_of_a_callers_own_hook_reaches_them(http_library: Any) -> None:
    """An exception the caller's own event hook raises (not the HTTP library's) is theirs."""

    class HookBug(Exception):
        pass

    async def hook(request: Any) -> None:
        raise HookBug("mine")

    transport = http_library.MockTransport(lambda request: http_library.Response(200))
    hooks = {"request": [hook]}
    async with http_library.AsyncClient(event_hooks=hooks, transport=transport) as http_client:
        qs = AsyncQuickshops(api_key=SECRET_KEY, http_client=http_client)
        with pytest.raises(HookBug, match="mine"):
            await qs.health.check()


async def test_failed_response_is_closed_before_sleeping(
    api: respx.MockRouter, qs: AsyncQuickshops, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The response of a failed attempt is closed before the retry sleep."""
    failed = httpx.Response(503)
    api.get("/health").mock(side_effect=[failed, httpx.Response(200, json=payloads.HEALTH)])
    closed_at_sleep: list[bool] = []

    async def fake_sleep(seconds: float) -> None:
        closed_at_sleep.append(failed.is_closed)

    monkeypatch.setattr(anyio, "sleep", fake_sleep)

    await qs.health.check()

    assert [True] == closed_at_sleep


async def test_redirect_is_not_followed(api: respx.MockRouter, qs: AsyncQuickshops) -> None:
    """A redirect is an error, never followed, so the key never reaches another host."""
    api.get("/products/store").respond(302, headers={"location": "https://evil.example/steal"})
    elsewhere = api.get("https://evil.example/steal").respond(200, json=payloads.STORE)

    with pytest.raises(APIStatusError) as caught:
        await qs.store.get()

    assert 302 == caught.value.status
    assert "https://evil.example/steal" in caught.value.message
    assert 0 == elsewhere.call_count


@pytest.mark.parametrize(
    ("response", "fragment"),
    [
        (
            httpx.Response(200, json={"data": {**payloads.PRODUCT, "priceInCents": "19.99"}}),
            "priceInCents",
        ),
        (httpx.Response(200, json={"_id": "prod_1"}), "body.name (Product.name)"),
        (httpx.Response(200, json=[payloads.PRODUCT]), "an object"),
        (httpx.Response(200, text="<html>gateway</html>"), "not JSON"),
        (httpx.Response(200), "empty"),
    ],
)
async def test_wrong_shape_is_a_validation_error(
    api: respx.MockRouter, qs: AsyncQuickshops, response: httpx.Response, fragment: str
) -> None:
    """A 2xx of the wrong shape names the route and the offending field."""
    api.get("/products/prod_1").mock(return_value=response)

    with pytest.raises(APIResponseValidationError) as caught:
        await qs.products.get("prod_1")

    assert "GET /products/{productId}" in caught.value.message
    assert fragment in caught.value.message
    assert 200 == caught.value.status


async def test_error_body_styles_through_the_client(
    api: respx.MockRouter, qs: AsyncQuickshops
) -> None:
    """The nested error style and the x-request-id header reach the raised error."""
    api.get("/cart/cart_9").respond(
        404,
        json={"error": {"message": "Cart not found", "code": "NOT_FOUND"}},
        headers={"x-request-id": "req_hdr"},
    )

    with pytest.raises(NotFoundError) as caught:
        await qs.cart.get("cart_9")

    assert ("NOT_FOUND", "req_hdr") == (caught.value.code, caught.value.request_id)
    assert "GET /cart/{cartId} failed: Cart not found." == caught.value.message


async def test_logs_one_line_per_attempt_and_per_retry(
    api: respx.MockRouter,
    qs: AsyncQuickshops,
    sleeps: list[float],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """DEBUG logs each attempt, INFO each retry; the key appears in neither."""
    api.post("/cart").mock(
        side_effect=[
            httpx.Response(503, headers={"x-request-id": "req_a"}),
            httpx.Response(200, json=payloads.CART, headers={"x-request-id": "req_b"}),
        ]
    )
    caplog.set_level(logging.DEBUG)

    await qs.cart.create()

    ours = [r for r in caplog.records if r.name == "quickshops"]
    assert ["DEBUG", "INFO", "DEBUG"] == [r.levelname for r in ours]
    first, retry, second = (r.getMessage() for r in ours)
    assert first.startswith("POST /cart -> 503 in ")
    assert "request id req_a, attempt 1" in first
    assert "Retrying (attempt 2) in 0." in retry
    assert "503" in retry
    assert "request id req_b, attempt 2" in second
    assert SECRET_KEY not in caplog.text


async def test_key_never_logged_or_shown_in_errors(
    api: respx.MockRouter,
    qs: AsyncQuickshops,
    sleeps: list[float],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Even an error body that echoes the key does not put it in the message or logs."""
    api.get("/cart/c").respond(
        401, json={"message": f"bad key {SECRET_KEY}", "code": "UNAUTHORIZED"}
    )
    api.get("/health").mock(side_effect=httpx.ConnectError("refused"))
    caplog.set_level(logging.DEBUG)

    with pytest.raises(AuthenticationError) as auth:
        await qs.cart.get("c")
    with pytest.raises(APIConnectionError) as conn:
        await qs.health.check()

    for error in (auth.value, conn.value):
        assert SECRET_KEY not in str(error)
        assert SECRET_KEY not in repr(error)
    assert "qk_...abcd" in auth.value.message
    assert "the api_key argument" in auth.value.message
    assert SECRET_KEY not in caplog.text
    assert SECRET_KEY not in repr(qs)


async def test_no_log_lines_when_debug_is_off(
    api: respx.MockRouter, qs: AsyncQuickshops, caplog: pytest.LogCaptureFixture
) -> None:
    """At WARNING the SDK logs nothing for a successful call."""
    api.get("/health").respond(200, json=payloads.HEALTH)
    caplog.set_level(logging.WARNING)

    await qs.health.check()

    assert [] == [r for r in caplog.records if r.name == "quickshops"]


# httpx leaves its response stream's async generator open when decoding fails, and
# trio reports it when collected (encode/httpx#3686); nothing of the SDK's is left open.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_undecodable_error_body_keeps_its_status(
    api: respx.MockRouter, qs: AsyncQuickshops, sleeps: list[float]
) -> None:
    """A 503 whose body cannot be decoded is still a 503: retried, then raised as such."""
    route = api.get("/health").mock(side_effect=lambda request: payloads.not_gzip(503))

    with pytest.raises(InternalServerError) as caught:
        await qs.health.check()

    assert (503, 3, 2) == (caught.value.status, route.call_count, len(sleeps))


# httpx leaves its response stream's async generator open when decoding fails, and
# trio reports it when collected (encode/httpx#3686); nothing of the SDK's is left open.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_undecodable_success_body_is_a_validation_error(
    api: respx.MockRouter, qs: AsyncQuickshops, sleeps: list[float]
) -> None:
    """A 200 whose body cannot be decoded is a validation error, not retried."""
    route = api.get("/health").mock(side_effect=lambda request: payloads.not_gzip(200))

    with pytest.raises(APIResponseValidationError, match="could not be decoded"):
        await qs.health.check()

    assert (1, []) == (route.call_count, sleeps)


async def test_pool_refused_by_httpx_is_not_retried(
    api: respx.MockRouter, qs: AsyncQuickshops, sleeps: list[float]
) -> None:
    """A RuntimeError from httpx (connections of a closed event loop) is the SDK's error."""
    route = api.get("/health").mock(side_effect=RuntimeError("Event loop is closed"))

    with pytest.raises(APIConnectionError, match="create one client per event loop") as caught:
        await qs.health.check()

    assert (1, [], False) == (route.call_count, sleeps, caught.value.retryable)
    assert isinstance(caught.value.__cause__, RuntimeError)
