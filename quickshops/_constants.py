"""Defaults and fixed names, each one a named constant."""

from __future__ import annotations

import httpx2

API_VERSION_PATH = "/v1"
"""The path every route of the API is under."""
DEFAULT_BASE_URL = f"https://api.quickshops.app{API_VERSION_PATH}"
DEFAULT_TIMEOUT = httpx2.Timeout(30.0, connect=5.0)
# As many kept-alive connections as open ones: with fewer, a burst of calls makes the
# pool close every connection past the keep-alive count and open a new one for the next
# call (with a TLS handshake each), and it churns. Sized in docs/http-stack.md.
DEFAULT_LIMITS = httpx2.Limits(max_connections=100, max_keepalive_connections=100)
DEFAULT_MAX_RETRIES = 2
DEFAULT_TOTAL_TIMEOUT = 120.0
"""Seconds one whole call may take: every attempt, backoff and rate-limit wait."""
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""The largest body the SDK reads, counted after decompression."""
ERROR_BODY_BYTES = 64 * 1024
"""How much of an error status's body is read: enough for any message and code."""

API_KEY_PREFIX = "qk_"
API_KEY_ENV_VARS = ("QUICKSHOPS_API_KEY", "HEADLESS_API_KEY")
BASE_URL_ENV_VAR = "QUICKSHOPS_BASE_URL"

# Retry policy (see quickshops/_retry.py).
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
RETRY_JITTER = 0.25
MAX_RETRY_AFTER = 60.0
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
DEFAULT_RATE_LIMIT_PAUSE = INITIAL_RETRY_DELAY
"""How long a 429 that names no pause pauses its route: the first backoff."""

LOGGER_NAME = "quickshops"

TRACING_ENV_VAR = "QUICKSHOPS_TRACING"
"""Set to ``false`` (or ``0``, ``no``, ``off``) to turn the SDK's OpenTelemetry spans off."""
