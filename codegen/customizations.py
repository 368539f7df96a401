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
#: run, so the retry policy must not resend them (DESIGN section 5).
INVOKE_OPERATIONS: Final = frozenset({"Invoke", "InvokeAsync", "InvokeWithResponseStream"})

#: Error shapes that signal throttling. The model has no ``@retryable`` or
#: throttling trait on Lambda's errors, so the table says it.
THROTTLING_ERRORS: Final = frozenset({"TooManyRequestsException", "EC2ThrottledException"})

#: Module names that would shadow something the package needs.
RESERVED_MODULES: Final = frozenset({"__init__", "enums", "errors"})

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
            "TIMED_OUT or STOPPED."
        ),
        "operation": "GetDurableExecution",
        "delay": 2,
        "maxAttempts": 450,
        "acceptors": [
            {"matcher": "path", "argument": "Status", "state": "success", "expected": "SUCCEEDED"},
            {"matcher": "path", "argument": "Status", "state": "failure", "expected": "FAILED"},
            {"matcher": "path", "argument": "Status", "state": "failure", "expected": "TIMED_OUT"},
            {"matcher": "path", "argument": "Status", "state": "failure", "expected": "STOPPED"},
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
