"""The model differ and the changelog entry, on small synthetic models."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from codegen import changelog
from codegen.differ import Change, ModelDiff, diff_models
from codegen.load import RawModel


def _service() -> dict[str, Any]:
    return {
        "metadata": {"apiVersion": "2015-03-31", "protocol": "rest-json"},
        "documentation": "<p>A tiny service.</p>",
        "operations": {
            "GetThing": {
                "name": "GetThing",
                "http": {"method": "GET", "requestUri": "/things/{Name}"},
                "input": {"shape": "GetThingRequest"},
                "output": {"shape": "GetThingResponse"},
                "errors": [{"shape": "NotFoundException"}],
                "documentation": "<p>Gets a thing.</p>",
            },
            "ListThings": {
                "name": "ListThings",
                "http": {"method": "GET", "requestUri": "/things"},
                "input": {"shape": "ListThingsRequest"},
                "output": {"shape": "ListThingsResponse"},
            },
        },
        "shapes": {
            "GetThingRequest": {
                "type": "structure",
                "required": ["Name"],
                "members": {
                    "Name": {"shape": "Name", "location": "uri", "locationName": "Name"},
                    "Verbose": {"shape": "Flag"},
                },
            },
            "GetThingResponse": {
                "type": "structure",
                "members": {
                    "Status": {"shape": "Status"},
                    "Size": {"shape": "Size"},
                    "Tags": {"shape": "TagList"},
                },
            },
            "ListThingsRequest": {
                "type": "structure",
                "members": {
                    "Marker": {"shape": "Text", "location": "querystring", "locationName": "m"},
                    "MaxItems": {"shape": "Size", "location": "querystring", "locationName": "n"},
                },
            },
            "ListThingsResponse": {
                "type": "structure",
                "members": {"NextMarker": {"shape": "Text"}, "Things": {"shape": "TagList"}},
            },
            "NotFoundException": {
                "type": "structure",
                "members": {"message": {"shape": "Text"}},
                "error": {"httpStatusCode": 404, "senderFault": True},
                "exception": True,
            },
            "Name": {"type": "string", "min": 1, "max": 64},
            "Text": {"type": "string"},
            "Flag": {"type": "boolean"},
            "Size": {"type": "integer", "min": 0},
            "Status": {"type": "string", "enum": ["READY", "BUSY"]},
            "TagList": {"type": "list", "member": {"shape": "Text"}},
        },
    }


def _model(
    version: str = "1.0.0",
    service: dict[str, Any] | None = None,
    paginators: dict[str, Any] | None = None,
    waiters: dict[str, Any] | None = None,
) -> RawModel:
    return RawModel(
        botocore_version=version,
        service=service if service is not None else _service(),
        paginators={"pagination": paginators if paginators is not None else _paginators()},
        waiters={"version": 2, "waiters": waiters if waiters is not None else _waiters()},
        endpoint_rules={"version": "1.0", "rules": []},
        partitions={"partitions": []},
    )


def _paginators() -> dict[str, Any]:
    return {
        "ListThings": {
            "input_token": "Marker",
            "output_token": "NextMarker",
            "limit_key": "MaxItems",
            "result_key": "Things",
        }
    }


def _waiters() -> dict[str, Any]:
    return {
        "ThingReady": {
            "operation": "GetThing",
            "delay": 5,
            "maxAttempts": 10,
            "acceptors": [
                {"matcher": "path", "argument": "Status", "state": "success", "expected": "READY"},
                {"matcher": "error", "state": "retry", "expected": "NotFoundException"},
            ],
        }
    }


def _changed(before: RawModel, edit: Any) -> ModelDiff:
    service = copy.deepcopy(before.service)
    paginators = copy.deepcopy(before.paginators["pagination"])
    waiters = copy.deepcopy(before.waiters["waiters"])
    edit(service, paginators, waiters)
    return diff_models(before, _model("2.0.0", service, paginators, waiters))


def _only(changes: tuple[Change, ...]) -> Change:
    assert len(changes) == 1, changes
    return changes[0]


def test_identical_models_differ_in_nothing() -> None:
    diff = diff_models(_model("1.0.0"), _model("2.0.0"))
    assert diff.empty
    assert (diff.old_version, diff.new_version) == ("1.0.0", "2.0.0")
    assert changelog.render(diff) == (
        "## botocore 1.0.0 → 2.0.0\n\nThe Lambda model did not change.\n"
    )


def test_counts_before_and_after() -> None:
    def add_enum(service: dict[str, Any], *_: Any) -> None:
        service["shapes"]["Color"] = {"type": "string", "enum": ["RED"]}

    diff = _changed(_model(), add_enum)
    assert (diff.old_counts.operations, diff.old_counts.structures) == (2, 4)
    assert (diff.old_counts.enums, diff.new_counts.enums) == (1, 2)
    assert diff.old_counts.errors == diff.new_counts.errors == 1


def test_added_operation_with_its_shapes_and_errors() -> None:
    def add(service: dict[str, Any], *_: Any) -> None:
        service["operations"]["PauseThing"] = {
            "name": "PauseThing",
            "http": {"method": "POST", "requestUri": "/things/{Name}/pause", "responseCode": 202},
            "input": {"shape": "PauseThingRequest"},
            "errors": [{"shape": "NotFoundException"}, {"shape": "ThingBusyException"}],
        }
        service["shapes"]["PauseThingRequest"] = {
            "type": "structure",
            "required": ["Name"],
            "members": {
                "Name": {"shape": "Name", "location": "uri", "locationName": "Name"},
                "ClientToken": {"shape": "Text", "idempotencyToken": True},
            },
        }
        service["shapes"]["ThingBusyException"] = {
            "type": "structure",
            "members": {"message": {"shape": "Text"}},
            "error": {"httpStatusCode": 409},
            "exception": True,
        }

    diff = _changed(_model(), add)
    op = _only(diff.operations)
    assert (op.name, op.kind) == ("PauseThing", "added")
    assert op.details == (
        "`POST /things/{Name}/pause`, method `pause_thing`",
        "input `PauseThingRequest`",
    )
    request = _only(diff.structures)
    assert request == Change(
        "PauseThingRequest",
        "added",
        ("`Name`: string, required", "`ClientToken`: string, optional, idempotency token"),
    )
    assert diff.errors == (
        Change("ThingBusyException", "added", ("HTTP 409", "raised by `PauseThing` (new)")),
        Change("NotFoundException", "changed", ("now also raised by `PauseThing` (new)",)),
    )
    assert diff.new_counts.operations == 3
    assert diff.new_counts.errors == 2


def test_removed_operation_and_error() -> None:
    def remove(service: dict[str, Any], paginators: dict[str, Any], *_: Any) -> None:
        del service["operations"]["ListThings"]
        del service["shapes"]["NotFoundException"]
        service["operations"]["GetThing"]["errors"] = []
        paginators.clear()

    diff = _changed(_model(), remove)
    assert diff.operations == (Change("ListThings", "removed"),)
    assert diff.errors == (Change("NotFoundException", "removed"),)
    assert diff.paginators == (Change("ListThings", "removed"),)


def test_removed_member_and_added_member() -> None:
    def edit(service: dict[str, Any], *_: Any) -> None:
        members = service["shapes"]["GetThingResponse"]["members"]
        del members["Size"]
        members["Owner"] = {"shape": "Text"}

    change = _only(_changed(_model(), edit).structures)
    assert change == Change(
        "GetThingResponse", "changed", ("added `Owner`: string, optional", "removed `Size`")
    )


def test_changed_member_type() -> None:
    def edit(service: dict[str, Any], *_: Any) -> None:
        service["shapes"]["GetThingResponse"]["members"]["Size"] = {"shape": "Text"}
        service["shapes"]["GetThingResponse"]["members"]["Tags"] = {"shape": "Status"}

    change = _only(_changed(_model(), edit).structures)
    assert change.details == (
        "`Size` type integer → string",
        "`Tags` type list of string → `Status`",
    )


def test_same_kind_under_another_shape_reports_its_limits() -> None:
    def edit(service: dict[str, Any], *_: Any) -> None:
        service["shapes"]["NameOrArn"] = {"type": "string", "min": 1, "max": 2048, "pattern": "x"}
        service["shapes"]["GetThingRequest"]["members"]["Name"]["shape"] = "NameOrArn"

    change = _only(_changed(_model(), edit).structures)
    assert change.details == ("`Name` shape `Name` → `NameOrArn`: max 64 → 2048, pattern added",)


def test_required_binding_and_idempotency_changes() -> None:
    def edit(service: dict[str, Any], *_: Any) -> None:
        shape = service["shapes"]["GetThingRequest"]
        shape["required"] = ["Name", "Verbose"]
        shape["members"]["Verbose"].update(location="header", locationName="X-Verbose")
        shape["members"]["Name"]["idempotencyToken"] = True

    change = _only(_changed(_model(), edit).structures)
    assert change.details == (
        "`Name` now an idempotency token",
        "`Verbose` now required",
        "`Verbose` sent in header `X-Verbose` (was the body)",
    )


def test_new_enum_value_and_new_enum() -> None:
    def edit(service: dict[str, Any], *_: Any) -> None:
        service["shapes"]["Status"]["enum"] = ["READY", "PAUSED"]
        service["shapes"]["Mode"] = {"type": "string", "enum": ["Stream", "Queue"]}

    diff = _changed(_model(), edit)
    assert diff.enums == (
        Change("Mode", "added", ("values `Stream`, `Queue`",)),
        Change("Status", "changed", ("added `PAUSED`", "removed `BUSY`")),
    )


def test_error_status_members_and_raisers() -> None:
    def edit(service: dict[str, Any], *_: Any) -> None:
        error = service["shapes"]["NotFoundException"]
        error["error"]["httpStatusCode"] = 410
        error["members"]["Type"] = {"shape": "Text"}
        service["operations"]["ListThings"]["errors"] = [{"shape": "NotFoundException"}]
        service["operations"]["GetThing"]["errors"] = []

    change = _only(_changed(_model(), edit).errors)
    assert change.details == (
        "HTTP status 404 → 410",
        "added `Type`: string, optional",
        "now also raised by `ListThings`",
        "no longer raised by `GetThing`",
    )


def test_changed_operation_binding() -> None:
    def edit(service: dict[str, Any], *_: Any) -> None:
        op = service["operations"]["GetThing"]
        op["http"] = {"method": "POST", "requestUri": "/things/{Name}", "responseCode": 202}
        op["deprecated"] = True

    change = _only(_changed(_model(), edit).operations)
    assert change.details == (
        "request `GET /things/{Name}` → `POST /things/{Name}`",
        "success status 200 → 202",
        "now deprecated",
    )


def test_changed_paginator_and_added_paginator() -> None:
    def edit(service: dict[str, Any], paginators: dict[str, Any], _: Any) -> None:
        paginators["ListThings"]["limit_key"] = "PageSize"
        paginators["GetThing"] = {"input_token": "A", "output_token": "B", "result_key": "Tags"}

    diff = _changed(_model(), edit)
    assert diff.paginators == (
        Change(
            "GetThing",
            "added",
            ("input_token `A`", "output_token `B`", "result_key `Tags`"),
        ),
        Change("ListThings", "changed", ("limit_key `MaxItems` → `PageSize`",)),
    )


def test_changed_waiter_and_added_waiter() -> None:
    def edit(service: dict[str, Any], paginators: dict[str, Any], waiters: dict[str, Any]) -> None:
        ready = waiters["ThingReady"]
        ready["delay"] = 2
        ready["acceptors"].append(
            {"matcher": "path", "argument": "Status", "state": "failure", "expected": "PAUSED"}
        )
        del ready["acceptors"][1]
        waiters["ThingGone"] = {
            "operation": "GetThing",
            "delay": 1,
            "maxAttempts": 3,
            "acceptors": [
                {"matcher": "error", "state": "success", "expected": "NotFoundException"}
            ],
        }

    diff = _changed(_model(), edit)
    assert diff.waiters == (
        Change(
            "ThingGone",
            "added",
            (
                "polls `GetThing` every 1 s, at most 3 times; method `wait_until_thing_gone`",
                "success when the call raises `NotFoundException`",
            ),
        ),
        Change(
            "ThingReady",
            "changed",
            (
                "polls `GetThing` every 5 s, at most 10 times → "
                "polls `GetThing` every 2 s, at most 10 times",
                "acceptor added: failure when `Status` is `PAUSED`",
                "acceptor removed: retry when the call raises `NotFoundException`",
            ),
        ),
    )


def test_reordered_acceptors_are_a_change() -> None:
    def edit(service: dict[str, Any], paginators: dict[str, Any], waiters: dict[str, Any]) -> None:
        waiters["ThingReady"]["acceptors"].reverse()

    change = _only(_changed(_model(), edit).waiters)
    assert change.details == ("acceptors reordered (the first that matches decides)",)


def test_constraints_name_the_members_that_use_them() -> None:
    def edit(service: dict[str, Any], *_: Any) -> None:
        service["shapes"]["Name"].update(max=128, sensitive=True)

    change = _only(_changed(_model(), edit).constraints)
    assert change == Change(
        "Name",
        "changed",
        ("max 64 → 128", "now sensitive (redacted)", "used by `GetThingRequest.Name`"),
    )


def test_documentation_only_changes_are_listed_apart() -> None:
    def edit(service: dict[str, Any], *_: Any) -> None:
        service["operations"]["GetThing"]["documentation"] = "<p>Gets one thing.</p>"
        service["shapes"]["GetThingRequest"]["members"]["Name"]["documentation"] = "<p>x</p>"

    diff = _changed(_model(), edit)
    assert not any(changes for _, changes in diff.sections)
    assert diff.documentation == ("GetThing", "GetThingRequest")
    assert not diff.empty
    assert "New wording (docstrings) for `GetThing`, `GetThingRequest`." in changelog.render(diff)


def test_rendered_entry_lists_every_section() -> None:
    def edit(service: dict[str, Any], paginators: dict[str, Any], waiters: dict[str, Any]) -> None:
        service["shapes"]["Status"]["enum"].append("PAUSED")
        service["shapes"]["GetThingResponse"]["members"]["Owner"] = {"shape": "Text"}
        waiters["ThingReady"]["maxAttempts"] = 20

    text = changelog.render(_changed(_model(), edit))
    assert text.splitlines()[:8] == [
        "## botocore 1.0.0 → 2.0.0",
        "",
        "| | before | after |",
        "|---|---:|---:|",
        "| operations | 2 | 2 |",
        "| structures | 4 | 4 |",
        "| enums | 1 | 1 |",
        "| errors | 1 | 1 |",
    ]
    assert (
        "### Structures\n\n- **Changed** `GetThingResponse`: added `Owner`: string, optional\n"
        in text
    )
    assert "### Enums\n\n- **Changed** `Status`: added `PAUSED`\n" in text
    assert "### Waiters\n\n- **Changed** `ThingReady`: polls" in text
    assert "### Operations" not in text


def test_entries_go_first_below_the_marker_once() -> None:
    page = f"# API changes\n\nIntro.\n\n{changelog.MARKER}\n"
    first = changelog.add_entry(page, "## botocore 1 → 2\n\nA.\n")
    second = changelog.add_entry(first, "## botocore 2 → 3\n\nB.\n")
    assert second == (
        f"# API changes\n\nIntro.\n\n{changelog.MARKER}\n\n"
        "## botocore 2 → 3\n\nB.\n\n## botocore 1 → 2\n\nA.\n"
    )
    assert changelog.has_entry(second, "1", "2")
    assert not changelog.has_entry(second, "1", "3")
    with pytest.raises(ValueError, match="entries"):
        changelog.add_entry("# API changes\n", "## x\n")
