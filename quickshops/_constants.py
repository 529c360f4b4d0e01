"""Defaults and fixed names, each one a named constant."""

from __future__ import annotations

import httpx

DEFAULT_BASE_URL = "https://api.quickshops.app/v1"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2

API_KEY_PREFIX = "qk_"
API_KEY_ENV_VARS = ("QUICKSHOPS_API_KEY", "HEADLESS_API_KEY")
BASE_URL_ENV_VAR = "QUICKSHOPS_BASE_URL"

# Retry policy (see quickshops/_retry.py).
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
RETRY_JITTER = 0.25
MAX_RETRY_AFTER = 60.0
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

LOGGER_NAME = "quickshops"
