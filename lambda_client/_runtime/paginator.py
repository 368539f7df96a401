"""Async paginators: iterate over items, or ``.pages()`` for whole responses."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from .exceptions import PaginationError, ParamValidationError

P = TypeVar("P")
T = TypeVar("T")


class AsyncPaginator(Generic[P, T]):
    """Pages of one list operation, fetched as they are consumed.

    ``async for item in paginator`` yields the items of every page (at most
    ``max_items`` of them); ``async for page in paginator.pages()`` yields
    the typed responses. ``page_size`` is sent as the operation's
    ``MaxItems``; ``starting_token`` resumes from a previous ``NextMarker``.
    Paging stops when the marker is absent or empty, and raises
    [`PaginationError`][lambda_client.errors.PaginationError] if the service
    hands back a marker it already gave, instead of looping forever.
    """

    def __init__(
        self,
        fetch: Callable[[str | None, int | None], Awaitable[P]],
        *,
        operation: str,
        items: Callable[[P], Sequence[T] | None],
        next_marker: Callable[[P], str | None],
        max_items: int | None = None,
        page_size: int | None = None,
        starting_token: str | None = None,
    ) -> None:
        problems = [
            (name, f"must be a positive int, got {value!r}")
            for name, value in (("max_items", max_items), ("page_size", page_size))
            if value is not None
            and (not isinstance(value, int) or isinstance(value, bool) or value < 1)
        ]
        if problems:
            raise ParamValidationError(operation, problems)
        self._fetch = fetch
        self._operation = operation
        self._items = items
        self._next_marker = next_marker
        self.max_items = max_items
        self.page_size = page_size
        self.starting_token = starting_token

    async def pages(self) -> AsyncIterator[P]:
        """Whole responses. With ``max_items``, stops after the page that
        reaches it (pages are never cut)."""
        # An empty marker ends paging, so an empty token is no position at all.
        marker = self.starting_token or None
        seen: set[str] = set() if marker is None else {marker}
        delivered = 0
        pages = 0
        while True:
            page = await self._fetch(marker, self.page_size)
            pages += 1
            yield page
            delivered += len(self._items(page) or ())
            if self.max_items is not None and delivered >= self.max_items:
                return
            marker = self._next_marker(page)
            if not marker:
                return
            if marker in seen:
                # The marker itself is not quoted: it is the service's opaque
                # text, and messages are built from safe facts only.
                raise PaginationError(
                    f"{self._operation} returned a marker it had returned before "
                    f"(page {pages}); stopping rather than paging forever"
                )
            seen.add(marker)

    async def _iterate_items(self) -> AsyncIterator[T]:
        remaining = self.max_items
        pages = self.pages()
        try:
            async for page in pages:
                for item in self._items(page) or ():
                    if remaining is not None:
                        if remaining <= 0:
                            return
                        remaining -= 1
                    yield item
        finally:
            await pages.aclose()  # type: ignore[attr-defined]

    def __aiter__(self) -> AsyncIterator[T]:
        return self._iterate_items()

    async def all(self) -> list[T]:
        """Every item (up to ``max_items``) as a list."""
        return [item async for item in self]

    def __repr__(self) -> str:
        return f"<AsyncPaginator {self._operation} max_items={self.max_items} page_size={self.page_size}>"
