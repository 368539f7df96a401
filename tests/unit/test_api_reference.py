"""The generated client against the published AWS Lambda API Reference.

The published facts come from ``tests/fixtures/api_reference/actions.json``
(see the README there); nothing else of the reference is read. Each published
action is its own case, so a failure names the action.

Where the reference and the model disagree, the disagreement is listed in
``KNOWN_DISAGREEMENTS`` with the reason. Any other disagreement fails, and so
does a listed one that has gone away, so the table stays true.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from botocore import xform_name

ACTIONS_JSON = (
    Path(__file__).resolve().parent.parent / "fixtures" / "api_reference" / "actions.json"
)
ACTIONS: dict[str, dict[str, Any]] = json.loads(ACTIONS_JSON.read_text(encoding="utf-8"))
PUBLISHED_ACTION_COUNT = 85

#: Operations in the model that the published reference does not document.
_NEWER = (
    "resource-policy action added to the model (API path 2026-07-09) after the "
    "reference was published"
)
_NEWER_DURABLE = (
    "durable-execution pause, resume and delete, added to the model (botocore "
    "1.44) after the reference was published"
)
NEWER_THAN_REFERENCE: dict[str, str] = {
    **dict.fromkeys(("DeleteResourcePolicy", "GetResourcePolicy", "PutResourcePolicy"), _NEWER),
    **dict.fromkeys(
        ("DeleteDurableExecution", "PauseDurableExecution", "ResumeDurableExecution"),
        _NEWER_DURABLE,
    ),
}

_UNSUFFIXED = (
    "the reference prints this error without its 'Exception' suffix (everywhere else, "
    "with the same text and status, it has it); the model names the error with the "
    "suffix and overrides no wire code, so the service sends the suffixed name"
)
_FLATTENED_ERROR_BODY = (
    "the reference lists the members of ErrorObject as top-level body members; the "
    "model has one `Error` member of that type bound as the whole payload, so the "
    "client takes them together as `error=`"
)

#: (action, aspect, subject) -> why. Aspects are "method", "uri", "required",
#: "member" and "error"; the subject is the name as published (for a required
#: argument the reference does not mention, the client's argument name).
KNOWN_DISAGREEMENTS: dict[tuple[str, str, str], str] = {
    ("GetProvisionedConcurrencyConfig", "error", "ProvisionedConcurrencyConfigNotFound"): (
        _UNSUFFIXED
    ),
    ("GetProvisionedConcurrencyConfig", "error", "ResourceNotFound"): _UNSUFFIXED,
    ("GetProvisionedConcurrencyConfig", "error", "TooManyRequests"): _UNSUFFIXED,
    ("SendDurableExecutionCallbackFailure", "member", "ErrorData"): _FLATTENED_ERROR_BODY,
    ("SendDurableExecutionCallbackFailure", "member", "ErrorMessage"): _FLATTENED_ERROR_BODY,
    ("SendDurableExecutionCallbackFailure", "member", "ErrorType"): _FLATTENED_ERROR_BODY,
    ("SendDurableExecutionCallbackFailure", "member", "StackTrace"): _FLATTENED_ERROR_BODY,
    ("StopDurableExecution", "member", "ErrorData"): _FLATTENED_ERROR_BODY,
    ("StopDurableExecution", "member", "ErrorMessage"): _FLATTENED_ERROR_BODY,
    ("StopDurableExecution", "member", "ErrorType"): _FLATTENED_ERROR_BODY,
    ("StopDurableExecution", "member", "StackTrace"): _FLATTENED_ERROR_BODY,
}

_GREEDY_LABEL = re.compile(r"\{([A-Za-z0-9]+)\+\}")


@functools.cache
def _operations() -> Mapping[str, Any]:
    # Imported late so that a missing or broken generated package fails each
    # case with its own traceback instead of the whole module's collection.
    from lambda_client._generated.operations import OPERATIONS

    return OPERATIONS


@functools.cache
def _client_class() -> type:
    from lambda_client import LambdaClient

    return LambdaClient


@functools.cache
def _model_operations() -> Mapping[str, Any]:
    from codegen.load import load_model

    operations: Mapping[str, Any] = load_model().service["operations"]
    return operations


def _model_operation(action: str) -> Mapping[str, Any]:
    """The operation in the model the client is generated from."""
    found: Mapping[str, Any] = _model_operations()[action]
    return found


def _operation(action: str) -> Any:
    operations = _operations()
    assert action in operations, f"the client has no operation {action}"
    spec = operations[action]
    assert spec.name == action
    return spec


def _arguments(action: str) -> Mapping[str, inspect.Parameter]:
    method = getattr(_client_class(), xform_name(action), None)
    assert method is not None, f"LambdaClient has no method {xform_name(action)}"
    assert inspect.iscoroutinefunction(method), f"{xform_name(action)} is not async"
    params = dict(inspect.signature(method).parameters)
    params.pop("self", None)
    return params


def _model_path(uri: str) -> str:
    path = uri.partition("?")[0]
    # The model marks greedy labels ("{Name+}", which may span slashes); the
    # reference shows only the member name, so greediness is not compared.
    return _GREEDY_LABEL.sub(r"{\1}", path)


def _static_query(uri: str) -> dict[str, str]:
    query = uri.partition("?")[2]
    return dict(pair.partition("=")[::2] for pair in query.split("&") if pair)


def _assert_agrees(action: str, aspect: str, found: set[str]) -> None:
    listed = {s for (a, k, s) in KNOWN_DISAGREEMENTS if a == action and k == aspect}
    unexplained = sorted(found - listed)
    stale = sorted(listed - found)
    assert not unexplained, (
        f"{action}: {aspect} differs from the published reference for {unexplained}; "
        "fix the client or list it in KNOWN_DISAGREEMENTS with the reason"
    )
    assert not stale, (
        f"{action}: KNOWN_DISAGREEMENTS lists {aspect} {stale}, "
        "but the client now agrees with the reference; remove the entry"
    )


def test_fixture_has_every_published_action() -> None:
    assert len(ACTIONS) == PUBLISHED_ACTION_COUNT


def test_disagreement_table_names_published_actions() -> None:
    for action, aspect, _ in KNOWN_DISAGREEMENTS:
        assert action in ACTIONS
        assert aspect in {"method", "uri", "required", "member", "error"}


def test_only_newer_operations_are_unpublished() -> None:
    assert set(_operations()) - set(ACTIONS) == set(NEWER_THAN_REFERENCE)


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_method(action: str) -> None:
    published = ACTIONS[action]["method"]
    found = set() if _operation(action).http_method == published else {published}
    _assert_agrees(action, "method", found)


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_uri(action: str) -> None:
    published = ACTIONS[action]
    spec = _operation(action)
    # Fixed query pairs (find=LayerVersion, List=ALL) are part of the model's
    # request URI; query pairs that carry a member are bound per member instead.
    published_static = {k: v["value"] for k, v in published["query"].items() if "value" in v}
    same = _model_path(spec.uri) == published["uri"] and _static_query(spec.uri) == published_static
    shown = published["uri"] + "".join(
        f"{'&' if k else '?'}{key}={value}"
        for k, (key, value) in enumerate(sorted(published_static.items()))
    )
    _assert_agrees(action, "uri", set() if same else {shown})


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_required_arguments(action: str) -> None:
    arguments = _arguments(action)
    client_required = {
        name
        for name, p in arguments.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is inspect.Parameter.empty
    }
    others = [n for n, p in arguments.items() if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    assert not others, f"{xform_name(action)} has arguments that are not keyword-only: {others}"
    by_argument = {xform_name(m): m for m in ACTIONS[action]["required"]}
    found = {by_argument[n] for n in by_argument.keys() - client_required}
    found |= client_required - by_argument.keys()
    _assert_agrees(action, "required", found)


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_published_members_are_arguments(action: str) -> None:
    arguments = _arguments(action)
    found = {m for m in ACTIONS[action]["members"] if xform_name(m) not in arguments}
    _assert_agrees(action, "member", found)


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_published_errors_are_modelled(action: str) -> None:
    _operation(action)
    modelled = {e["shape"] for e in _model_operation(action).get("errors", ())}
    found = {e for e in ACTIONS[action]["errors"] if e not in modelled}
    _assert_agrees(action, "error", found)


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_published_error_statuses(action: str) -> None:
    """Each published error raises a typed exception with the published status."""
    from lambda_client import errors

    mismatched = {}
    for name, status in ACTIONS[action]["errors"].items():
        cls = getattr(errors, name, None)
        if cls is None:
            continue  # spelled differently in the reference; see KNOWN_DISAGREEMENTS
        if cls.default_status != status:
            mismatched[name] = (status, cls.default_status)
    assert mismatched == {}
