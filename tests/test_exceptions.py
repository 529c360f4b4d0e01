"""The exception tree, and how errors show themselves."""

from __future__ import annotations

import pickle

import httpx
import pytest

import quickshops
from quickshops import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    InvalidAPIKeyError,
    InvalidRequestError,
    InvalidWebhookError,
    QuickshopsError,
    RateLimitError,
)

TREE = {
    "InvalidAPIKeyError": ("QuickshopsError", "ValueError"),
    "InvalidRequestError": ("QuickshopsError", "ValueError"),
    "APIConnectionError": ("QuickshopsError",),
    "APITimeoutError": ("APIConnectionError",),
    "APIResponseValidationError": ("QuickshopsError",),
    "InvalidWebhookError": ("QuickshopsError", "ValueError"),
    "APIStatusError": ("QuickshopsError",),
    "BadRequestError": ("APIStatusError",),
    "AuthenticationError": ("APIStatusError",),
    "PermissionDeniedError": ("APIStatusError",),
    "NotFoundError": ("APIStatusError",),
    "ConflictError": ("APIStatusError",),
    "UnprocessableEntityError": ("APIStatusError",),
    "RateLimitError": ("APIStatusError",),
    "InternalServerError": ("APIStatusError",),
}


@pytest.mark.parametrize(("name", "bases"), TREE.items())
def test_tree(name: str, bases: tuple[str, ...]) -> None:
    """Each error has exactly the parents the contract draws."""
    cls = getattr(quickshops, name)

    assert bases == tuple(base.__name__ for base in cls.__bases__)


def test_every_error_is_in_the_tree() -> None:
    """The package exports no error the tree does not name, and one warning."""
    exported = {
        name
        for name in quickshops.__all__
        if isinstance(getattr(quickshops, name), type)
        and issubclass(getattr(quickshops, name), Exception)
    }

    assert set(TREE) | {"QuickshopsError", "InsecureHTTPWarning"} == exported
    assert issubclass(quickshops.InsecureHTTPWarning, UserWarning)
    assert not issubclass(quickshops.InsecureHTTPWarning, quickshops.QuickshopsError)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (QuickshopsError("x"), "QUICKSHOPS_ERROR"),
        (InvalidAPIKeyError("x"), "INVALID_API_KEY"),
        (InvalidRequestError("x"), "INVALID_REQUEST"),
        (APIConnectionError("x"), "CONNECTION_ERROR"),
        (APITimeoutError("x"), "TIMEOUT"),
        (APIResponseValidationError("x"), "RESPONSE_VALIDATION_ERROR"),
        (InvalidWebhookError("x"), "INVALID_WEBHOOK"),
        (APIStatusError("x", response=httpx.Response(418), body=None), "HTTP_ERROR"),
    ],
)
def test_default_codes(error: QuickshopsError, code: str) -> None:
    """Every error has a code, the SDK's own when the API gave none."""
    assert code == error.code


def test_str_and_repr() -> None:
    """str shows message, status, code and request id; repr shows the fields."""
    error = RateLimitError(
        "Too fast",
        response=httpx.Response(429),
        body={"error": "Too fast"},
        code="RATE_LIMITED",
        request_id="req_1",
        retry_after=3.0,
    )

    assert "Too fast (status 429, code RATE_LIMITED, request id req_1)" == str(error)
    assert (
        "RateLimitError(message='Too fast', status=429, code='RATE_LIMITED', request_id='req_1')"
        == repr(error)
    )
    assert "Bad (code INVALID_REQUEST)" == str(InvalidRequestError("Bad"))


def test_errors_survive_pickling() -> None:
    """An error crosses process boundaries (multiprocessing, task queues) intact."""
    error = RateLimitError(
        "Too fast",
        response=httpx.Response(429, json={"error": "Too fast"}),
        body={"error": "Too fast"},
        request_id="req_1",
        retry_after=3.0,
    )

    copy = pickle.loads(pickle.dumps(error))

    assert (RateLimitError, str(error), 3.0) == (type(copy), str(copy), copy.retry_after)
    assert (429, {"error": "Too fast"}) == (copy.response.status_code, copy.body)
    assert str(InvalidRequestError("Bad")) == str(
        pickle.loads(pickle.dumps(InvalidRequestError("Bad")))
    )
