"""Service limits that depend on more than one member, as a table.

The Lambda documentation states limits the model cannot: Invoke's payload
may be 6 MB when the invocation is synchronous but 1 MB when it is
asynchronous, a durable-execution checkpoint's payload depends on the type
of the operation, and a function's environment variables share 4 KB. Each
is a `SizeLimit` row below, applied by the validator to every
structure of that name wherever it appears in a request, so that a request
over one fails before anything is sent, with the member's path and the
limit. Limits of a single member are in the generated checks
(``codegen/customizations.py``, ``DOCUMENTED_LIMITS``).

Sources: the Lambda API Reference (Invoke; OperationUpdate) and the Lambda
quotas page (environment variables).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from attrs import field, frozen

from .validate import Problems, Rule, exceeds

__all__ = ["RULES", "SizeLimit"]

KB = 1024
MB = 1024 * 1024


def byte_size(value: Any) -> int | None:
    """Bytes on the wire of a blob or (UTF-8) text; None for other types,
    which the member's own check reports."""
    if isinstance(value, str):
        return len(value.encode("utf-8", "surrogatepass"))
    if isinstance(value, memoryview):
        return value.nbytes
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    return None


def json_length(value: Any) -> int | None:
    """Characters of ``value`` as compact JSON, the form Lambda measures
    environment variables in. Characters rather than bytes: never more
    than what the service counts, so nothing it accepts is refused."""
    if not isinstance(value, Mapping):
        return None
    try:
        return len(json.dumps(dict(value), separators=(",", ":"), ensure_ascii=False))
    except (TypeError, ValueError, RecursionError):
        return None


@frozen
class SizeLimit:
    """``member`` holds at most ``maximum`` (in ``unit``, as ``measure``
    counts), or ``by[v][0]`` when the ``selector`` member holds ``v``."""

    member: str
    maximum: int
    source: str
    selector: str | None = None
    by: Mapping[str, tuple[int, str]] = field(factory=dict)
    unit: str = "bytes"
    measure: Callable[[Any], int | None] = byte_size
    #: The smallest maximum whatever the selector holds: a size at most this
    #: needs no look at the selector.
    smallest: int = field(init=False)

    @smallest.default
    def _smallest(self) -> int:
        return min([self.maximum, *(maximum for maximum, _ in self.by.values())])

    def _limit(self, obj: Any) -> tuple[int, str]:
        """The maximum that applies to ``obj``, and where it is stated."""
        if self.selector is not None:
            chosen = getattr(obj, self.selector)
            # Enum members are str; values newer than the model get the default.
            if isinstance(chosen, str) and chosen in self.by:
                return self.by[chosen]
        return self.maximum, self.source

    def check(self, obj: Any, prefix: str, problems: Problems) -> None:
        value = getattr(obj, self.member)
        if value is None:
            return
        size = self.measure(value)
        if size is None:
            return
        maximum, source = self._limit(obj)
        if size > maximum:
            problems.append((prefix + self.member, exceeds(size, maximum, self.unit, source)))

    def holds(self, obj: Any) -> bool:
        """Whether `check` would find nothing."""
        value = getattr(obj, self.member)
        if value is None:
            return True
        size = self.measure(value)
        return size is None or size <= self.smallest or size <= self._limit(obj)[0]


_CHECKPOINT_SMALL = (
    256 * KB,
    "a CONTEXT, STEP, WAIT or CALLBACK operation's payload is at most 256 KB",
)

#: Per structure name: the limits to check on every instance in a request.
RULES: Mapping[str, tuple[Rule, ...]] = {
    "InvocationRequest": (
        SizeLimit(
            "payload",
            6 * MB,
            "synchronous invocations (RequestResponse, DryRun) take a payload of at most 6 MB",
            selector="invocation_type",
            by={
                "Event": (
                    1 * MB,
                    "asynchronous invocations (Event) take a payload of at most 1 MB",
                )
            },
        ),
    ),
    # An EXECUTION payload may be 6 MB (synchronous) or 1 MB (asynchronous);
    # the checkpoint does not say which, so the larger limit is checked.
    "OperationUpdate": (
        SizeLimit(
            "payload",
            6 * MB,
            "an EXECUTION operation's payload is at most 6 MB",
            selector="type",
            by={
                "CHAINED_INVOKE": (1 * MB, "a CHAINED_INVOKE operation's payload is at most 1 MB"),
                "CONTEXT": _CHECKPOINT_SMALL,
                "STEP": _CHECKPOINT_SMALL,
                "WAIT": _CHECKPOINT_SMALL,
                "CALLBACK": _CHECKPOINT_SMALL,
            },
        ),
    ),
    "Environment": (
        SizeLimit(
            "variables",
            4 * KB,
            "Lambda quotas: all environment variables together take at most 4 KB",
            unit="characters of JSON",
            measure=json_length,
        ),
    ),
}
