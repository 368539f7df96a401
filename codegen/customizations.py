"""Model quirks and Lambda-specific facts, as tables the lowering reads.

Nothing here is a branch in a template: each table names shapes or
operations of the model and says what the generated code should do
differently for them, and why.
"""

from __future__ import annotations

from typing import Final

from attrs import frozen

#: Operations that run the user's function. Once such a request has been
#: sent, a timeout or a cut connection does not mean the function did not
#: run, so the retry policy must not resend them (docs/design/retries.md).
INVOKE_OPERATIONS: Final = frozenset({"Invoke", "InvokeAsync", "InvokeWithResponseStream"})

#: Error shapes that signal throttling. The model has no ``@retryable`` or
#: throttling trait on Lambda's errors, so the table says it.
THROTTLING_ERRORS: Final = frozenset({"TooManyRequestsException", "EC2ThrottledException"})

#: Module names that would shadow something the package needs.
RESERVED_MODULES: Final = frozenset({"__init__", "enums", "errors"})


def _on_status(state: str, *statuses: str) -> list[dict[str, object]]:
    """Acceptors, in the model's format, moving to ``state`` on each ``Status``."""
    return [
        {"matcher": "path", "argument": "Status", "state": state, "expected": status}
        for status in statuses
    ]


#: Waiters people write by hand today, in the model's own waiter format so
#: the generator treats them exactly like the model's six.
EXTRA_WAITERS: Final[dict[str, dict[str, object]]] = {
    "ProvisionedConcurrencyReady": {
        "description": "Waits until provisioned concurrency is allocated (Status READY).",
        "operation": "GetProvisionedConcurrencyConfig",
        "delay": 5,
        "maxAttempts": 120,
        "acceptors": [
            {"matcher": "path", "argument": "Status", "state": "success", "expected": "READY"},
            {"matcher": "path", "argument": "Status", "state": "failure", "expected": "FAILED"},
            {"matcher": "path", "argument": "Status", "state": "retry", "expected": "IN_PROGRESS"},
        ],
    },
    "FunctionDeleted": {
        "description": "Waits until GetFunction reports the function no longer exists.",
        "operation": "GetFunction",
        "delay": 1,
        "maxAttempts": 60,
        "acceptors": [
            {"matcher": "error", "state": "success", "expected": "ResourceNotFoundException"},
            {"matcher": "error", "state": "retry", "expected": False},
        ],
    },
    "EventSourceMappingEnabled": {
        "description": "Waits until the event source mapping's State is Enabled.",
        "operation": "GetEventSourceMapping",
        "delay": 2,
        "maxAttempts": 150,
        "acceptors": [
            {"matcher": "path", "argument": "State", "state": "success", "expected": "Enabled"},
        ],
    },
    "EventSourceMappingDisabled": {
        "description": "Waits until the event source mapping's State is Disabled.",
        "operation": "GetEventSourceMapping",
        "delay": 2,
        "maxAttempts": 150,
        "acceptors": [
            {"matcher": "path", "argument": "State", "state": "success", "expected": "Disabled"},
        ],
    },
    "EventSourceMappingDeleted": {
        "description": "Waits until the event source mapping no longer exists.",
        "operation": "GetEventSourceMapping",
        "delay": 2,
        "maxAttempts": 150,
        "acceptors": [
            {"matcher": "error", "state": "success", "expected": "ResourceNotFoundException"},
            {"matcher": "error", "state": "retry", "expected": False},
        ],
    },
    "DurableExecutionFinished": {
        "description": (
            "Waits until a durable execution succeeds; fails when it ends FAILED, "
            "TIMED_OUT or STOPPED, or is being deleted (its outcome is gone). "
            "A PAUSING or PAUSED execution has not finished: the waiter keeps "
            "polling until it is resumed and ends, or its limits run out."
        ),
        "operation": "GetDurableExecution",
        "delay": 2,
        "maxAttempts": 450,
        "acceptors": [
            *_on_status("success", "SUCCEEDED"),
            *_on_status("failure", "FAILED", "TIMED_OUT", "STOPPED", "DELETING"),
            # Named, so that a timeout says where the execution was stuck.
            *_on_status("retry", "RUNNING", "PAUSING", "PAUSED"),
        ],
    },
    # PauseDurableExecution answers while the execution is still RUNNING; it
    # turns PAUSING until the running invocation reaches its next checkpoint
    # (at most the function's timeout, 15 minutes), then PAUSED.
    "DurableExecutionPaused": {
        "description": (
            "Waits until a durable execution is PAUSED (after PauseDurableExecution); "
            "fails when it ends or is being deleted first."
        ),
        "operation": "GetDurableExecution",
        "delay": 2,
        "maxAttempts": 450,
        "acceptors": [
            *_on_status("success", "PAUSED"),
            *_on_status("retry", "RUNNING", "PAUSING"),
            *_on_status("failure", "SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED", "DELETING"),
        ],
    },
    # DeleteDurableExecution accepts only ended executions; the execution is
    # DELETING until it is gone.
    "DurableExecutionDeleted": {
        "description": (
            "Waits until a deleted durable execution no longer exists; fails when it "
            "has not ended (RUNNING, PAUSING, PAUSED), which DeleteDurableExecution refuses."
        ),
        "operation": "GetDurableExecution",
        "delay": 5,
        "maxAttempts": 120,
        "acceptors": [
            {"matcher": "error", "state": "success", "expected": "ResourceNotFoundException"},
            *_on_status("failure", "RUNNING", "PAUSING", "PAUSED"),
            # DELETING, or the ended status just before deletion starts.
            {"matcher": "error", "state": "retry", "expected": False},
        ],
    },
}

#: Keyword arguments the paginator and waiter methods add; no operation they
#: wrap may have a member with these names.
PAGINATOR_ARGUMENTS: Final = ("max_items", "page_size", "starting_token")
WAITER_ARGUMENTS: Final = ("delay", "max_attempts", "timeout")

#: Blob members that callers may also pass as ``str`` (UTF-8) or as a dict or
#: list (JSON-encoded): the payload of a function invocation is JSON almost
#: always, and ``json.dumps(...).encode()`` at every call site is noise.
FLEXIBLE_PAYLOADS: Final = frozenset(
    {("Invoke", "Payload"), ("InvokeWithResponseStream", "Payload"), ("InvokeAsync", "InvokeArgs")}
)

#: Read-only text views of base64 members: (structure, property, member).
#: ``LogResult`` is the base64 tail of the execution log; the member keeps the
#: wire value (as botocore does) and the property decodes it.
BASE64_TEXT_PROPERTIES: Final = (
    ("InvocationResponse", "log_text", "LogResult"),
    ("InvokeWithResponseStreamCompleteEvent", "log_text", "LogResult"),
)


@frozen
class DocumentedLimit:
    """A bound the Lambda documentation states for a member and the model
    does not (or states looser). ``unit`` is ``"bytes"`` (a str member is
    measured UTF-8 encoded) or ``"items"``; ``source`` names the limit in
    validation messages."""

    maximum: int
    unit: str
    source: str


_KB = 1024
_MB = 1024 * 1024


@frozen
class RulesShortcut:
    """When ``member`` is absent or its size is at most ``bytes`` (a blob's
    length, or four bytes per character of text), the rules over its
    structure hold without asking them: ``bytes`` is the smallest limit
    any of them may apply, whatever the other members hold."""

    member: str
    bytes: int


#: Structures with a limit over several members, whose rules live in
#: lambda_client/_runtime/limits.py (``RULES``): their generated ``_valid``
#: asks those rules as well, unless the shortcut given here already says
#: they hold (asking costs about as much as the rest of Invoke's checks).
#: Kept here so the generator never imports the package (whose import loads
#: the generated code); a test holds the names equal to ``RULES`` and each
#: shortcut to its rule's smallest limit. A new rule there means a new entry
#: here, then a regeneration.
STRUCTURES_WITH_RULES: Final[dict[str, RulesShortcut | None]] = {
    "Environment": None,
    "InvocationRequest": RulesShortcut("payload", 1 * 1024 * 1024),
    "OperationUpdate": RulesShortcut("payload", 256 * 1024),
}

#: Documented limits the model does not state, per (structure, member). The
#: validator rejects a request over one before sending, naming the member
#: and the limit. Limits that depend on another member (Invoke's payload by
#: invocation type, a checkpoint payload by operation type, the combined
#: size of environment variables) are in lambda_client/_runtime/limits.py.
#: Sources: the Lambda API Reference (action and data-type pages) and, for
#: the layer count, the Lambda quotas the infrastructure docs point to.
DOCUMENTED_LIMITS: Final[dict[tuple[str, str], DocumentedLimit]] = {
    ("InvocationRequest", "ClientContext"): DocumentedLimit(
        3583, "bytes", "Invoke: up to 3,583 bytes of base64-encoded client context"
    ),
    ("InvokeWithResponseStreamRequest", "ClientContext"): DocumentedLimit(
        3583,
        "bytes",
        "InvokeWithResponseStream: up to 3,583 bytes of base64-encoded client context",
    ),
    # Only RequestResponse and DryRun exist for a streamed invocation: both synchronous.
    ("InvokeWithResponseStreamRequest", "Payload"): DocumentedLimit(
        6 * _MB, "bytes", "synchronous invocations take a payload of at most 6 MB"
    ),
    ("InvokeAsyncRequest", "InvokeArgs"): DocumentedLimit(
        256 * _KB, "bytes", "InvokeAsync: the payload limit is 256 KB"
    ),
    # The model says 1 MB; the API Reference says 256 KB (262144).
    ("SendDurableExecutionCallbackSuccessRequest", "Result"): DocumentedLimit(
        256 * _KB, "bytes", "SendDurableExecutionCallbackSuccess: the result is at most 256 KB"
    ),
    ("CreateFunctionRequest", "Layers"): DocumentedLimit(
        5, "items", "Lambda quotas: at most 5 layers per function"
    ),
    ("UpdateFunctionConfigurationRequest", "Layers"): DocumentedLimit(
        5, "items", "Lambda quotas: at most 5 layers per function"
    ),
}
