"""Every generated ``paginate_*`` method against the fake service.

Each test runs for all 16 paginators. Their arguments are built from the
method signature, so a paginator that gains a parameter is exercised (and
its forwarding checked) without touching this file; a parameter of a kind
the builder does not know fails loudly instead of being skipped.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from lambda_client import LambdaClient, errors, models
from lambda_client.paginator import AsyncPaginator, PaginationError
from tests.functional.lambda_fake import (
    LIST_ROUTES,
    LambdaFake,
    Listing,
    Seen,
    client_for,
    marker_for,
)

DEADLINE = 10.0
PAGING = ("max_items", "page_size", "starting_token")

PAGINATORS = sorted(name for name in dir(LambdaClient) if name.startswith("paginate_"))

#: Response member holding a page's items, and the member naming each item
#: (None when the items are strings).
ITEMS: Mapping[str, tuple[str, str | None]] = {
    "GetDurableExecutionHistory": ("events", "id"),
    "GetDurableExecutionState": ("operations", "id"),
    "ListAliases": ("aliases", "name"),
    "ListCapacityProviders": ("capacity_providers", "capacity_provider_arn"),
    "ListCodeSigningConfigs": ("code_signing_configs", "code_signing_config_id"),
    "ListDurableExecutionsByFunction": ("durable_executions", "durable_execution_name"),
    "ListEventSourceMappings": ("event_source_mappings", "uuid"),
    "ListFunctionEventInvokeConfigs": ("function_event_invoke_configs", "function_arn"),
    "ListFunctionUrlConfigs": ("function_url_configs", "function_url"),
    "ListFunctionVersionsByCapacityProvider": ("function_versions", "function_arn"),
    "ListFunctions": ("functions", "function_name"),
    "ListFunctionsByCodeSigningConfig": ("function_arns", None),
    "ListLayerVersions": ("layer_versions", "layer_version_arn"),
    "ListLayers": ("layers", "layer_name"),
    "ListProvisionedConcurrencyConfigs": ("provisioned_concurrency_configs", "function_arn"),
    "ListVersionsByFunction": ("versions", "version"),
}

STARTED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def operation_of(method: str) -> str:
    return "".join(word.capitalize() for word in method.removeprefix("paginate_").split("_"))


def wire_name(parameter: str) -> str:
    return "".join(word.capitalize() for word in parameter.split("_"))


def sample(name: str, annotation: str) -> tuple[Any, list[str]]:
    """A value for a parameter, and how it must appear on the wire."""
    kinds = [part.strip() for part in annotation.split("|")]
    if kinds in (["str"], ["str", "None"]):
        # Characters that only survive a correctly encoded path or query.
        text = f"{name}:a/b +c&d=e"
        return text, [text]
    if kinds == ["bool", "None"]:
        return True, ["true"]
    if kinds == ["datetime", "None"]:
        return STARTED, ["2026-01-02T03:04:05Z"]
    if annotation.startswith("SequenceNotStr["):
        enum = getattr(models, annotation.removeprefix("SequenceNotStr[").split("|")[0].strip())
        # A tuple: list parameters take any Sequence.
        members = tuple(enum)[:2]
        return members, [m.value for m in members]
    if len(kinds) == 3 and kinds[1:] == ["str", "None"]:
        member = next(iter(getattr(models, kinds[0])))
        return member, [member.value]
    raise AssertionError(f"no sample value for {name}: {annotation}")


def arguments(method: str) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Keyword arguments for every parameter but the paging ones, and the
    wire form each must take on every request."""
    kwargs: dict[str, Any] = {}
    wire: dict[str, list[str]] = {}
    for name, parameter in inspect.signature(getattr(LambdaClient, method)).parameters.items():
        if name == "self" or name in PAGING:
            continue
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
        kwargs[name], wire[wire_name(name)] = sample(name, str(parameter.annotation))
    return kwargs, wire


def item_names(operation: str, count: int) -> list[str]:
    return [f"{operation}-{i:02d}" for i in range(count)]


def name_of(operation: str, item: Any) -> str:
    attr = ITEMS[operation][1]
    value = item if attr is None else getattr(item, attr)
    assert isinstance(value, str)
    return value


class Paging:
    """One paginator under test: its client, arguments and server."""

    def __init__(self, client: LambdaClient, fake: LambdaFake, method: str) -> None:
        self.client = client
        self.fake = fake
        self.method = method
        self.operation = operation_of(method)
        self.kwargs, self.wire = arguments(method)

    def serve(self, count: int = 7, **listing: Any) -> list[str]:
        names = item_names(self.operation, count)
        self.fake.listing(self.operation, Listing(names, **listing))
        return names

    def paginator(self, **paging: Any) -> AsyncPaginator[Any, Any]:
        paginator: AsyncPaginator[Any, Any] = getattr(self.client, self.method)(
            **self.kwargs, **paging
        )
        return paginator

    async def names(self, **paging: Any) -> list[str]:
        return [name_of(self.operation, item) async for item in self.paginator(**paging)]

    @property
    def calls(self) -> list[Seen]:
        return self.fake.calls(self.operation)

    def markers(self) -> list[str | None]:
        return [call.query.get("Marker") for call in self.calls]


@pytest.fixture(autouse=True)
async def deadline() -> AsyncIterator[None]:
    async with asyncio.timeout(DEADLINE):
        yield


@pytest.fixture(params=PAGINATORS)
async def paging(request: pytest.FixtureRequest) -> AsyncIterator[Paging]:
    fake = LambdaFake()
    async with fake.serve() as url, client_for(url) as client:
        yield Paging(client, fake, request.param)


def test_every_paginator_is_covered() -> None:
    assert len(PAGINATORS) == 16
    assert {operation_of(m) for m in PAGINATORS} == set(ITEMS)
    assert {route.operation for route in LIST_ROUTES} == set(ITEMS)


async def test_items_of_every_page_in_order(paging: Paging) -> None:
    names = paging.serve(7)

    assert await paging.names() == names

    assert paging.markers() == [None, marker_for(3), marker_for(6)]
    assert all("MaxItems" not in call.query for call in paging.calls)


async def test_pages_are_typed_responses(paging: Paging) -> None:
    names = paging.serve(7)
    response_class = getattr(models, f"{paging.operation}Response")
    result_attr = ITEMS[paging.operation][0]

    pages = [page async for page in paging.paginator().pages()]

    assert all(type(page) is response_class for page in pages)
    assert [[name_of(paging.operation, i) for i in getattr(p, result_attr)] for p in pages] == [
        names[0:3],
        names[3:6],
        names[6:7],
    ]
    assert [page.next_marker for page in pages] == [marker_for(3), marker_for(6), None]
    assert all(page.response_metadata.http_status_code == 200 for page in pages)


async def test_all_collects_every_item(paging: Paging) -> None:
    names = paging.serve(5)
    items = await paging.paginator().all()
    assert [name_of(paging.operation, item) for item in items] == names


@pytest.mark.parametrize(
    ("max_items", "requests"), [(1, 1), (3, 1), (4, 2), (6, 2), (7, 3), (50, 3)]
)
async def test_max_items_is_exact_and_fetches_no_extra_page(
    paging: Paging, max_items: int, requests: int
) -> None:
    names = paging.serve(7)

    assert await paging.names(max_items=max_items) == names[:max_items]

    assert len(paging.calls) == requests


async def test_pages_with_max_items_stop_after_the_page_that_reaches_it(paging: Paging) -> None:
    paging.serve(7)
    result_attr = ITEMS[paging.operation][0]

    pages = [page async for page in paging.paginator(max_items=4).pages()]

    # Pages are never cut: the second page is whole although it passes 4.
    assert [len(getattr(page, result_attr)) for page in pages] == [3, 3]
    assert len(paging.calls) == 2


@pytest.mark.parametrize(("page_size", "requests"), [(1, 7), (2, 4), (7, 1), (10, 1)])
async def test_page_size_is_sent_as_max_items_on_every_request(
    paging: Paging, page_size: int, requests: int
) -> None:
    names = paging.serve(7)

    assert await paging.names(page_size=page_size) == names

    assert len(paging.calls) == requests
    assert [call.query.getall("MaxItems") for call in paging.calls] == [[str(page_size)]] * requests


async def test_page_size_and_max_items_together(paging: Paging) -> None:
    names = paging.serve(7)

    assert await paging.names(page_size=2, max_items=3) == names[:3]

    assert [call.query.get("MaxItems") for call in paging.calls] == ["2", "2"]


async def test_starting_token_resumes_where_a_page_left_off(paging: Paging) -> None:
    names = paging.serve(7)
    first_pages = paging.paginator().pages()
    first = await anext(first_pages)
    await first_pages.aclose()  # type: ignore[attr-defined]
    token = first.next_marker
    assert token == marker_for(3)

    assert await paging.names(starting_token=token) == names[3:]

    assert paging.markers() == [None, token, marker_for(6)]


@pytest.mark.parametrize("end", ["absent", "empty", "null"])
async def test_last_page_ends_the_paging(paging: Paging, end: str) -> None:
    names = paging.serve(7, end=end)

    assert await paging.names() == names

    # An empty NextMarker is not a marker: no fourth request with Marker="".
    assert paging.markers() == [None, marker_for(3), marker_for(6)]


async def test_empty_listing_is_one_request(paging: Paging) -> None:
    paging.serve(0)
    assert await paging.names() == []
    assert len(paging.calls) == 1


@pytest.mark.parametrize(
    ("stuck", "starting_token", "requests"),
    [
        (("same-again",), None, 2),
        (("a", "b", "a"), None, 3),
        (("resume-here",), "resume-here", 1),
    ],
)
async def test_a_repeated_marker_raises_instead_of_looping(
    paging: Paging, stuck: tuple[str, ...], starting_token: str | None, requests: int
) -> None:
    # Left alone, this service would hand out markers forever; the fake
    # gives up with a different error after a bounded number of requests.
    paging.serve(3, stuck=stuck)
    received: list[str] = []

    with pytest.raises(PaginationError) as caught:
        async for item in paging.paginator(starting_token=starting_token):
            received.append(name_of(paging.operation, item))

    assert len(paging.calls) == requests
    # Which page, not the marker: that is the service's opaque text.
    assert f"(page {requests})" in str(caught.value)
    assert repr(stuck[-1]) not in str(caught.value)
    assert paging.operation in str(caught.value)
    # Every page that arrived was delivered before the loop was noticed.
    assert len(received) == 3 * requests


async def test_the_operation_arguments_go_on_every_request(paging: Paging) -> None:
    paging.serve(7)

    await paging.names(page_size=3)

    route = next(r for r in LIST_ROUTES if r.operation == paging.operation)
    static = {key for key, _ in route.static_query}
    for index, call in enumerate(paging.calls):
        got = {
            key: [call.params[key]] if key in call.params else call.query.getall(key, [])
            for key in paging.wire
        }
        assert got == paging.wire
        paging_keys = {"MaxItems"} | ({"Marker"} if index else set())
        assert set(call.query) == (set(paging.wire) - set(call.params)) | paging_keys | static
    assert len(paging.calls) == 3


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("max_items", 0),
        ("max_items", -1),
        ("max_items", 2.5),
        ("max_items", True),
        ("page_size", 0),
        ("page_size", "10"),
        ("page_size", False),
    ],
)
async def test_invalid_paging_arguments_fail_before_any_request(
    paging: Paging, name: str, value: object
) -> None:
    paging.serve(7)

    with pytest.raises(errors.ParamValidationError) as caught:
        await paging.names(**{name: value})

    assert [path for path, _ in caught.value.errors] == [name]
    assert paging.calls == []
