# Generated from tests/_async/test_pages.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""Lists the API pages (``GET /products``): every page followed, one page, page by page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest

from quickshops import (
    APIResponseValidationError,
    BadRequestError,
    InvalidRequestError,
    Quickshops,
)
from quickshops.testing import Emulator, client
from tests import payloads

if TYPE_CHECKING:
    import respx


def product(number: int) -> dict[str, Any]:
    """A product payload with its own id."""
    return {**payloads.PRODUCT, "_id": f"prod_{number}"}


def pages(*cursors: str | None, size: int = 2) -> list[dict[str, Any]]:
    """Bodies of consecutive pages of `size` products, each with the next cursor given."""
    return [
        {"data": [product(i * size + j) for j in range(size)], "nextCursor": cursor}
        for i, cursor in enumerate(cursors)
    ]


def answer(api: respx.MockRouter, *bodies: dict[str, Any]) -> respx.Route:
    """Answer GET /products with `bodies`, one per request, in order."""
    return api.get("/products").mock(side_effect=[httpx.Response(200, json=b) for b in bodies])


def test_list_follows_every_page(api: respx.MockRouter, qs: Quickshops) -> None:
    """Without a limit, list() asks for each next page with its cursor until the last."""
    route = answer(api, *pages("c1", "c2", None))

    products = qs.products.list(include_inactive=True)

    assert [f"prod_{i}" for i in range(6)] == [p.id for p in products]
    queries = [dict(call.request.url.params) for call in route.calls]
    assert [
        {"includeInactive": "true"},
        {"includeInactive": "true", "cursor": "c1"},
        {"includeInactive": "true", "cursor": "c2"},
    ] == queries


def test_list_with_a_limit_is_the_first_page(api: respx.MockRouter, qs: Quickshops) -> None:
    """list(limit=N) answers the first page as the API sends it, cursor or not."""
    route = answer(api, *pages("c1"))

    products = qs.products.list(limit=2)

    assert ["prod_0", "prod_1"] == [p.id for p in products]
    assert 1 == route.call_count
    assert {"limit": "2"} == dict(route.calls.last.request.url.params)


def test_iter_asks_for_a_page_only_when_the_last_is_used_up(
    api: respx.MockRouter, qs: Quickshops
) -> None:
    """iter() is lazy: a loop that stops after the first page asks for no other."""
    route = answer(api, *pages("c1", None))
    products: Any = qs.products.iter(page_size=2)

    assert 0 == route.call_count
    seen = [(products.__next__()).id, (products.__next__()).id]
    products.close()
    assert (["prod_0", "prod_1"], 1) == (seen, route.call_count)
    assert {"limit": "2"} == dict(route.calls.last.request.url.params)


def test_iter_yields_every_page_in_order(api: respx.MockRouter, qs: Quickshops) -> None:
    """Every product of every page, each page asked for with the same page size."""
    route = answer(api, *pages("c1", None, size=3))

    ids = [found.id for found in qs.products.iter(page_size=3)]

    assert [f"prod_{i}" for i in range(6)] == ids
    assert {"limit": "3", "cursor": "c1"} == dict(route.calls.last.request.url.params)


def test_a_repeated_cursor_ends_the_list_with_an_error(
    api: respx.MockRouter, qs: Quickshops
) -> None:
    """A nextCursor answered before would loop: the list ends with an error instead."""
    answer(api, *pages("c1", "c2", "c1"))

    with pytest.raises(APIResponseValidationError, match="nextCursor 'c1' was answered before"):
        qs.products.list()
    answer(api, *pages("same", "same"))
    with pytest.raises(APIResponseValidationError, match="answered before"):
        for _ in qs.products.iter():
            pass


@pytest.mark.parametrize("cursor", ["", 7, ["c1"]])
def test_a_cursor_that_is_not_a_string_is_refused(
    api: respx.MockRouter, qs: Quickshops, cursor: object
) -> None:
    """nextCursor is a non-empty string or null; anything else is named, with the status."""
    api.get("/products").respond(200, json={"data": [], "nextCursor": cursor})

    with pytest.raises(APIResponseValidationError, match="nextCursor should be") as caught:
        qs.products.list()
    assert 200 == caught.value.status


def test_an_empty_page_with_a_cursor_still_ends_a_repeat(
    api: respx.MockRouter, qs: Quickshops
) -> None:
    """Even empty pages cannot make the list loop."""
    answer(api, {"data": [], "nextCursor": "c"}, {"data": [], "nextCursor": "c"})

    with pytest.raises(APIResponseValidationError, match="answered before"):
        qs.products.list()


def test_a_bad_page_size_is_refused_at_once(qs: Quickshops) -> None:
    """page_size is checked when iter() is called, before any iteration."""
    with pytest.raises(InvalidRequestError, match="page_size must be an integer"):
        qs.products.iter(page_size=0)


def test_the_emulator_pages_the_catalogue() -> None:
    """The emulator answers pages of `limit` with a cursor while more remain."""
    emulator = Emulator()
    for number in range(5):
        emulator.add_product(f"Extra {number}", 100 + number)
    with client(emulator) as qs:
        everything = qs.products.list()
        first = qs.products.list(limit=2)
        paged = [found.id for found in qs.products.iter(page_size=2)]
        whole: Any = qs.request("GET", "/products")
        page: Any = qs.request("GET", "/products", params={"limit": "2"})
        last: Any = qs.request(
            "GET", "/products", params={"limit": "50", "cursor": page.body["nextCursor"]}
        )

    assert len(everything) > 4
    assert [p.id for p in everything] == paged
    assert [p.id for p in everything[:2]] == [p.id for p in first]
    assert (None, 2) == (whole.body["nextCursor"], len(page.data))
    assert isinstance(page.body["nextCursor"], str)
    assert (None, len(everything) - 2) == (last.body["nextCursor"], len(last.data))


@pytest.mark.parametrize("cursor", ["cur_0", "cur_999", "nonsense"])
def test_the_emulator_refuses_a_cursor_it_did_not_answer(cursor: str) -> None:
    """A cursor the emulator could not have answered is a 400, as the contract says."""
    with client() as qs:
        with pytest.raises(BadRequestError, match="cursor") as caught:
            qs.request("GET", "/products", params={"cursor": cursor})

    assert "VALIDATION_ERROR" == caught.value.code


def test_a_bare_list_is_one_page() -> None:
    """An emulator answering bare bodies (no envelope) sends every product in one list."""
    with client(Emulator(envelope=False)) as qs:
        products = qs.products.list()
        first = qs.products.list(limit=1)

    assert len(products) > 1
    assert [products[0].id] == [p.id for p in first]
