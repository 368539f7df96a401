"""Every 409 the model lets an operation raise, and whether a retry may fix it.

``DECISIONS`` is the reviewed list: a new (operation, 409 error) pair in a
newer model fails ``test_every_conflict_of_the_model_is_decided`` until
someone reads its documentation and adds it here (docs/design/retries.md
says why each is decided so). Each decision is then checked against the
retry policy with a message that says "in progress" and one that does not.
"""

from __future__ import annotations

from typing import Any, Literal

import pytest

from codegen.load import load_model
from lambda_client._generated.errors import ERRORS_BY_CODE
from lambda_client._generated.operations import OPERATIONS
from lambda_client._runtime.exceptions import ServiceError
from lambda_client._runtime.retry import classify

#: "never": raised at once, whatever the text; "text": retried only when the
#: text says an operation is in progress (the rule for Lambda's 409s).
Decision = Literal["never", "text"]

ANY = "*"
DECISIONS: dict[tuple[str, str], Decision] = {
    # "The resource already exists, or another operation is in progress."
    (ANY, "ResourceConflictException"): "text",
    # The durable execution is in a state the request does not accept: not
    # ended (delete), not running or paused (pause, resume).
    ("DeleteDurableExecution", "ResourceConflictException"): "never",
    ("PauseDurableExecution", "ResourceConflictException"): "never",
    ("ResumeDurableExecution", "ResourceConflictException"): "never",
    # The function's runtime alias or version was deleted: update the function.
    (ANY, "RuntimeAliasDeletedException"): "never",
    (ANY, "RuntimeVersionDeletedException"): "never",
    # Older 409s, under the general rule as before.
    (ANY, "CodeArtifactUserDeletedException"): "text",
    (ANY, "CodeArtifactUserFailedException"): "text",
    (ANY, "CodeArtifactUserPendingException"): "text",
    (ANY, "DurableExecutionAlreadyStartedException"): "text",
    (ANY, "SnapStartNotReadyException"): "text",
    (ANY, "SnapStartRegenerationFailureException"): "text",
}

IN_PROGRESS = "The operation cannot be performed at this time. An update is in progress."
SETTLED = "The operation cannot be performed on a resource in its current state."


def _conflicts() -> list[tuple[str, str]]:
    service = load_model().service
    shapes = service["shapes"]
    return sorted(
        (name, error["shape"])
        for name, op in service["operations"].items()
        for error in op.get("errors", ())
        if shapes[error["shape"]].get("error", {}).get("httpStatusCode") == 409
    )


def _decision(operation: str, code: str) -> Decision | None:
    return DECISIONS.get((operation, code), DECISIONS.get((ANY, code)))


def _error(code: str, message: str) -> ServiceError:
    cls: Any = ERRORS_BY_CODE[code]
    error: ServiceError = cls(code=code, message=message, status_code=409)
    return error


def test_every_conflict_of_the_model_is_decided() -> None:
    undecided = [pair for pair in _conflicts() if _decision(*pair) is None]
    assert undecided == [], "review these 409s and add them to DECISIONS"
    listed = {op for op, _ in DECISIONS if op != ANY}
    assert listed <= {op for op, _ in _conflicts()}, "DECISIONS names a pair the model lacks"


@pytest.mark.parametrize(("operation", "code"), _conflicts())
def test_conflict_decision(operation: str, code: str) -> None:
    op = OPERATIONS[operation]
    decision = _decision(operation, code)
    busy = classify(op, _error(code, IN_PROGRESS), retry_sent_invokes=False)
    settled = classify(op, _error(code, SETTLED), retry_sent_invokes=False)
    assert not settled.retry, settled.reason
    if decision == "never":
        assert not busy.retry, busy.reason
    else:
        assert (busy.retry, busy.kind) == (True, "conflict")
    assert code in busy.reason and code in settled.reason


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("RuntimeAliasDeletedException", "runtime alias no longer exists"),
        ("RuntimeVersionDeletedException", "runtime version no longer exists"),
    ],
)
def test_deleted_runtime_says_what_to_do(code: str, says: str) -> None:
    decision = classify(OPERATIONS["Invoke"], _error(code, IN_PROGRESS), retry_sent_invokes=True)
    assert not decision.retry
    assert says in decision.reason and "update the function" in decision.reason


def test_durable_state_conflict_names_the_operation() -> None:
    decision = classify(
        OPERATIONS["DeleteDurableExecution"],
        _error("ResourceConflictException", "Execution is in progress"),
        retry_sent_invokes=False,
    )
    assert not decision.retry
    assert "does not allow DeleteDurableExecution" in decision.reason
