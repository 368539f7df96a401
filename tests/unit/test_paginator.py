"""AsyncPaginator over plain async functions: no client, no HTTP."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest
from attrs import define, field

from lambda_client.errors import LambdaClientError, ParamValidationError, ServiceException
from lambda_client.paginator import AsyncPaginator, PaginationError


@define
class Page:
    items: list[str] | None
    marker: str | None = None


@define
class Service:
    """Pages chained by marker: the first page answers to no marker, page i
    hands out ``m{i + 1}`` unless told otherwise."""

    pages: list[Page]
    fetches: list[tuple[str | None, int | None]] = field(factory=list)

    @classmethod
    def of(cls, *sizes: int | None, end: str | None = None) -> Service:
        pages = []
        start = 0
        for index, size in enumerate(sizes):
            items = None if size is None else [f"i{start + k}" for k in range(size)]
            start += size or 0
            last = index == len(sizes) - 1
            pages.append(Page(items, end if last else f"m{index + 1}"))
        return cls(pages)

    async def fetch(self, marker: str | None, limit: int | None) -> Page:
        self.fetches.append((marker, limit))
        index = 0 if marker is None else int(marker.removeprefix("m"))
        return self.pages[index]

    def paginator(self, **options: object) -> AsyncPaginator[Page, str]:
        return AsyncPaginator(
            self.fetch,
            operation="ListThings",
            items=lambda page: page.items,
            next_marker=lambda page: page.marker,
            **options,  # type: ignore[arg-type]
        )

    @property
    def markers(self) -> list[str | None]:
        return [marker for marker, _ in self.fetches]


def all_items(service: Service) -> list[str]:
    return [item for page in service.pages for item in page.items or ()]


def fetches_needed(sizes: Sequence[int], max_items: int) -> int:
    """Pages up to and including the one that reaches ``max_items``."""
    total = 0
    for count, size in enumerate(sizes, 1):
        total += size
        if total >= max_items:
            return count
    return len(sizes)


@pytest.mark.parametrize("max_items", range(1, 10))
async def test_max_items_across_page_boundaries(max_items: int) -> None:
    sizes = (3, 3, 1)
    service = Service.of(*sizes)

    got = [item async for item in service.paginator(max_items=max_items)]

    assert got == all_items(service)[:max_items]
    assert len(service.fetches) == fetches_needed(sizes, max_items)


async def test_max_items_reached_at_a_page_end_fetches_nothing_more() -> None:
    service = Service.of(2, 2, 2)
    got = [item async for item in service.paginator(max_items=4)]
    assert got == ["i0", "i1", "i2", "i3"]
    assert service.markers == [None, "m1"]


async def test_pages_are_whole_even_past_max_items() -> None:
    service = Service.of(3, 3, 3)
    pages = [page async for page in service.paginator(max_items=4).pages()]
    assert pages == service.pages[:2]


async def test_empty_pages_do_not_end_the_paging() -> None:
    service = Service.of(0, 2, 0, 0, 1)
    assert [item async for item in service.paginator()] == ["i0", "i1", "i2"]
    assert len(service.fetches) == 5


async def test_max_items_counts_only_real_items_past_empty_pages() -> None:
    service = Service.of(0, 0, 2, 3)
    assert [item async for item in service.paginator(max_items=3)] == ["i0", "i1", "i2"]
    assert len(service.fetches) == 4


async def test_a_page_without_a_result_list_counts_as_empty() -> None:
    service = Service.of(None, 2, None)
    assert [item async for item in service.paginator()] == ["i0", "i1"]
    assert [item async for item in service.paginator(max_items=1)] == ["i0"]
    assert service.markers == [None, "m1", "m2", None, "m1"]


@pytest.mark.parametrize("end", [None, ""])
async def test_an_absent_or_empty_marker_ends_the_paging(end: str | None) -> None:
    service = Service.of(1, 1, end=end)
    assert [item async for item in service.paginator()] == ["i0", "i1"]
    assert service.markers == [None, "m1"]


async def test_page_size_is_the_limit_of_every_fetch() -> None:
    service = Service.of(2, 2, 1)
    await service.paginator(page_size=2).all()
    assert service.fetches == [(None, 2), ("m1", 2), ("m2", 2)]


async def test_without_page_size_no_limit_is_sent() -> None:
    service = Service.of(1, 1)
    await service.paginator().all()
    assert [limit for _, limit in service.fetches] == [None, None]


async def test_starting_token_is_the_first_marker() -> None:
    service = Service.of(2, 2, 2)
    assert [item async for item in service.paginator(starting_token="m1")] == [
        "i2",
        "i3",
        "i4",
        "i5",
    ]
    assert service.markers == ["m1", "m2"]


async def test_an_empty_starting_token_starts_from_the_beginning() -> None:
    # An empty NextMarker ends the paging, so an empty token saved from one
    # means "nothing to resume", not a marker to send.
    service = Service.of(1, 1)
    assert [item async for item in service.paginator(starting_token="")] == ["i0", "i1"]
    assert service.markers == [None, "m1"]


@pytest.mark.parametrize(
    ("markers", "starting_token", "fetches"),
    [
        (["x", "x"], None, 2),
        (["a", "b", "a"], None, 3),
        (["a", "b", "c", "b"], None, 4),
        (["s"], "s", 1),
    ],
)
async def test_a_marker_handed_out_twice_raises(
    markers: list[str], starting_token: str | None, fetches: int
) -> None:
    handed_out = iter(markers)

    async def fetch(marker: str | None, limit: int | None) -> Page:
        return Page(["item"], next(handed_out))

    calls = 0

    async def counting(marker: str | None, limit: int | None) -> Page:
        nonlocal calls
        calls += 1
        assert calls <= len(markers), "the paginator kept going after a repeated marker"
        return await fetch(marker, limit)

    paginator: AsyncPaginator[Page, str] = AsyncPaginator(
        counting,
        operation="ListThings",
        items=lambda page: page.items,
        next_marker=lambda page: page.marker,
        starting_token=starting_token,
    )
    with pytest.raises(PaginationError) as caught:
        await paginator.all()

    assert calls == fetches
    assert isinstance(caught.value, LambdaClientError)
    assert "ListThings" in str(caught.value)
    assert f"(page {fetches})" in str(caught.value)
    # The marker is the service's opaque text: not quoted.
    assert repr(markers[-1]) not in str(caught.value)


async def test_leaving_the_loop_early_fetches_no_more_pages() -> None:
    service = Service.of(2, 2, 2)
    async for item in service.paginator():
        if item == "i2":
            break
    assert service.markers == [None, "m1"]


async def test_each_iteration_starts_from_the_beginning() -> None:
    service = Service.of(1, 1)
    paginator = service.paginator()
    assert await paginator.all() == ["i0", "i1"]
    assert await paginator.all() == ["i0", "i1"]
    assert service.markers == [None, "m1", None, "m1"]


async def test_a_failing_fetch_propagates_after_earlier_items() -> None:
    async def fetch(marker: str | None, limit: int | None) -> Page:
        if marker is None:
            return Page(["first"], "m1")
        raise ServiceException(code="ServiceException", message="down", status_code=500)

    paginator: AsyncPaginator[Page, str] = AsyncPaginator(
        fetch, operation="ListThings", items=lambda p: p.items, next_marker=lambda p: p.marker
    )
    got: list[str] = []
    with pytest.raises(ServiceException):
        async for item in paginator:
            got.append(item)
    assert got == ["first"]


@pytest.mark.parametrize("value", [0, -3, 1.0, math.inf, True, False, "5"])
@pytest.mark.parametrize("name", ["max_items", "page_size"])
def test_invalid_limits_are_rejected_before_any_fetch(name: str, value: object) -> None:
    service = Service.of(1)
    with pytest.raises(ParamValidationError) as caught:
        service.paginator(**{name: value})
    assert caught.value.operation == "ListThings"
    assert [path for path, _ in caught.value.errors] == [name]
    assert service.fetches == []


def test_both_invalid_limits_are_reported_together() -> None:
    with pytest.raises(ParamValidationError) as caught:
        Service.of(1).paginator(max_items=0, page_size=-1)
    assert [path for path, _ in caught.value.errors] == ["max_items", "page_size"]


def test_repr_names_the_operation_and_limits() -> None:
    text = repr(Service.of(1).paginator(max_items=5, page_size=2))
    assert "ListThings" in text
    assert "max_items=5" in text
    assert "page_size=2" in text
