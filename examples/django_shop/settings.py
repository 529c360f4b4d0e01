"""The Django settings of the shop: no database, no templates, and the Quickshops bits.

The SDK reads its own settings from the environment, as ``views.py`` says:
``QUICKSHOPS_API_KEY`` (or ``HEADLESS_API_KEY``), ``SITE_URL`` and
``QUICKSHOPS_WEBHOOK_SECRET``.
"""

from __future__ import annotations

import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "django-insecure-for-the-demo-only")
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", *os.environ.get("DJANGO_ALLOWED_HOSTS", "").split()]
ROOT_URLCONF = "examples.django_shop.urls"
WSGI_APPLICATION = "examples.django_shop.wsgi.application"
INSTALLED_APPS: list[str] = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "examples.django_shop.views.QuickshopsErrors",
]
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
