"""The checkout and portal pages an `EmulatorServer` serves, in place of Stripe's.

Plain, accessible HTML with no external assets. Under `PAGES_PATH`:

- ``GET /checkout/{sessionId}``: the session's items and total, and two forms,
  ``<form id="pay" method="post">`` and ``<form id="cancel" method="post">``;
- ``POST /checkout/{sessionId}/pay``: completes the session (its webhooks are sent),
  then 303 to its success URL with ``{CHECKOUT_SESSION_ID}`` replaced; a session already
  paid is refused with 409;
- ``POST /checkout/{sessionId}/cancel``: 303 to the session's cancel URL;
- ``GET /portal/{token}``: the member's subscription, with ``<form id="cancel">``;
- ``POST /portal/{token}/cancel``: cancels it (``subscription.cancelled`` is sent), then
  303 back to the portal page.

Without a success or cancel URL, the page says what happened instead of redirecting.

``Location`` is always ASCII: the host IDNA-encoded, anything else outside ASCII
percent-encoded as UTF-8. It is worked out before the session is paid, so a Pay that
changes the session is always answered; a return URL that cannot be sent (one set in
`Emulator.return_urls` by hand) is a 500 page, and the session stays unpaid.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from quickshops.testing._handlers import return_url
from quickshops.testing._replies import Reply
from quickshops.testing._seed import PAGES_PATH

if TYPE_CHECKING:
    from quickshops.testing._emulator import Emulator

__all__ = ["render"]

_ROUTE = re.compile(r"/(checkout|portal)/([A-Za-z0-9_]+)(?:/(pay|cancel))?")
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;"
    "color:#1f2933}table{border-collapse:collapse;width:100%;margin:1rem 0}"
    "th,td{text-align:left;padding:.4rem;border-bottom:1px solid #d9e2ec}"
    "button{font:inherit;padding:.5rem 1rem;margin-right:.5rem;border-radius:6px;"
    "border:1px solid #52606d;background:#fff;cursor:pointer}"
    "#pay button{background:#1d4ed8;border-color:#1d4ed8;color:#fff}form{display:inline}"
    ".note{color:#52606d;font-size:.9rem}"
)


def _page(status: int, title: str, body: str, headers: dict[str, str] | None = None) -> Reply:
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} - Quickshops emulator</title><style>{_STYLE}</style>"
        f'</head><body><main><h1>{html.escape(title)}</h1>{body}<p class="note">Served by '
        "the Quickshops emulator: no payment is taken.</p></main></body></html>"
    )
    return Reply(
        status,
        {
            "content-type": "text/html; charset=utf-8",
            "cache-control": "no-store",
            **(headers or {}),
        },
        document.encode(),
    )


def _see_other(location: str) -> Reply:
    return Reply(303, {"location": location}, b"")


def _redirect(url: str | None) -> Reply | None:
    """A 303 to a return URL, written in ASCII; a 500 page if it cannot be sent; None without."""
    if not url:
        return None
    parsed = return_url(url)
    if parsed is None:
        return _page(
            500,
            "Cannot return to the shop",
            f"<p>The session's return URL {html.escape(repr(url))} is not an absolute http(s) "
            "URL: nothing was changed. Create the session with a URL such as "
            "https://shop.example/thanks.</p>",
        )
    return _see_other(str(parsed))


def _money(minor_units: int, currency: str) -> str:
    return f"{minor_units / 100:.2f} {currency.upper()}"


def render(emulator: Emulator, method: str, path: str) -> Reply:
    """Answer one request for a page; `path` starts with `PAGES_PATH`."""
    match = _ROUTE.fullmatch(path[len(PAGES_PATH) :])
    if match is None or not path.startswith(PAGES_PATH + "/"):
        return _page(404, "Page not found", f"<p>No page at {html.escape(path)}.</p>")
    kind, key, action = match.groups()
    expected = "GET" if action is None else "POST"
    if method != expected:
        return _page(
            405, "Method not allowed", "<p>Use the page's buttons.</p>", {"allow": expected}
        )
    if kind == "checkout":
        return _checkout(emulator, key, action)
    return _portal(emulator, key, action)


def _checkout(emulator: Emulator, session_id: str, action: str | None) -> Reply:
    session = emulator.checkout_sessions.get(session_id)
    if session is None:
        return _page(404, "Checkout not found", "<p>This checkout session does not exist.</p>")
    success_url, cancel_url = emulator.return_urls.get(session_id, (None, None))
    if action == "pay":
        # Worked out first: once the session is paid, nothing may fail before the answer.
        redirect = _redirect(
            success_url and success_url.replace("{CHECKOUT_SESSION_ID}", session_id)
        )
        if redirect is not None and redirect.status != 303:
            return redirect
        try:
            emulator.complete_session(session_id)
        except ValueError:
            return _page(409, "Already paid", "<p>This checkout session was already paid.</p>")
        return redirect or _page(200, "Payment complete", "<p>Thank you: the session is paid.</p>")
    if action == "cancel":
        return _redirect(cancel_url) or _page(200, "Checkout cancelled", "<p>Nothing was paid.</p>")
    rows = "".join(
        f"<tr><td>{html.escape(item['name'])}</td><td>{item['quantity']}</td>"
        f"<td>{_money(item['amountTotal'], session['currency'])}</td></tr>"
        for item in session["lineItems"]
    )
    total = _money(session["amountTotal"], session["currency"])
    if session["status"] == "complete":
        forms = "<p>This checkout session is paid.</p>"
    else:
        base = f"{PAGES_PATH}/checkout/{session_id}"
        forms = (
            f'<form id="pay" method="post" action="{base}/pay"><button type="submit">'
            f"Pay {total}</button></form>"
            f'<form id="cancel" method="post" action="{base}/cancel"><button type="submit">'
            "Cancel</button></form>"
        )
    body = (
        '<table><caption>Your order</caption><thead><tr><th scope="col">Item</th>'
        '<th scope="col">Quantity</th><th scope="col">Amount</th></tr></thead>'
        f'<tbody>{rows}</tbody><tfoot><tr><th scope="row" colspan="2">Total</th>'
        f'<td id="total">{total}</td></tr></tfoot></table>{forms}'
    )
    return _page(200, "Checkout", body)


def _portal(emulator: Emulator, token: str, action: str | None) -> Reply:
    member_session_id = emulator.portal_sessions.get(token)
    member = emulator.members.get(member_session_id or "")
    if member is None:
        return _page(404, "Portal not found", "<p>This billing portal session does not exist.</p>")
    if action == "cancel":
        if member["status"] != "cancelled":
            emulator.cancel_subscription(member["memberSessionId"])
        return _see_other(f"{PAGES_PATH}/portal/{token}")
    product = emulator.products.get(member["productId"], {})
    name = html.escape(product.get("name", member["productId"]))
    status = html.escape(member["status"])
    body = f'<p>{name}: <strong id="status">{status}</strong></p>'
    if member["status"] != "cancelled":
        body += (
            f'<form id="cancel" method="post" action="{PAGES_PATH}/portal/{token}/cancel">'
            '<button type="submit">Cancel subscription</button></form>'
        )
    return _page(200, "Your subscription", body)
