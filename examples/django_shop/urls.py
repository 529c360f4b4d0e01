"""The shop's URLs."""

from __future__ import annotations

from django.urls import path

from examples.orders import WEBHOOK_PATH

from . import views

urlpatterns = [
    path("", views.home),
    path("cart/add", views.add_to_cart),
    path("buy", views.buy_now),
    path("checkout", views.checkout),
    path("success", views.success),
    path(WEBHOOK_PATH.lstrip("/"), views.receive_webhook),
]
