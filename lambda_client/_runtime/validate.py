"""Client-side input validation from the model's constraints.

Each generated field carries a `Check` in its metadata (``"check"``).
Validation walks the request object and collects every problem, so one
`ParamValidationError` names all offending parameters with their
paths (``vpc_config.subnet_ids[3]``). Regex patterns are not checked: the
service's patterns change more often than clients are regenerated, and a
stale pattern would reject valid input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import Any, Protocol

import attrs

from .coerce import NOT_LISTS
from .exceptions import ParamValidationError


class Problems(list[tuple[str, str]]):
    """The ``(path, problem)`` pairs found so far, and how strictly to look."""

    __slots__ = ("strict_enums",)

    def __init__(self, *, strict_enums: bool = False) -> None:
        super().__init__()
        #: Reject enum values the model does not know (``ClientConfig.strict_enums``).
        self.strict_enums = strict_enums


class Rule(Protocol):
    """A check over a whole structure (a limit that depends on another member)."""

    def check(self, obj: Any, prefix: str, problems: Problems) -> None: ...

    def holds(self, obj: Any) -> bool:
        """Whether `check` would find nothing."""
        ...


class Check:
    __slots__ = ()

    def check(self, value: Any, path: str, problems: Problems) -> None:
        raise NotImplementedError


def _type_name(value: object) -> str:
    return type(value).__name__


class Limit:
    """A service limit the documentation states and the model does not
    (codegen/customizations.py, DOCUMENTED_LIMITS). ``unit`` is ``"bytes"``
    (text is measured UTF-8 encoded) or ``"items"``."""

    __slots__ = ("maximum", "source", "unit")

    def __init__(self, maximum: int, unit: str, source: str) -> None:
        self.maximum = maximum
        self.unit = unit
        self.source = source

    def check(self, value: Any, path: str, problems: Problems) -> None:
        if isinstance(value, str):
            if len(value) * 4 <= self.maximum:
                return  # no text that short can exceed it in UTF-8
            size = len(value.encode("utf-8", "surrogatepass"))
        else:
            size = len(value)
        if size > self.maximum:
            problems.append((path, exceeds(size, self.maximum, self.unit, self.source)))


def exceeds(size: int, maximum: int, unit: str, source: str) -> str:
    """The words of every service-limit problem."""
    return f"{size} {unit} is above the service limit of {maximum} {unit} ({source})"


class _Sized(Check):
    __slots__ = ("limit", "max", "min")
    unit = "length"

    def __init__(
        self, min: int | None = None, max: int | None = None, limit: Limit | None = None
    ) -> None:
        self.min = min
        self.max = max
        self.limit = limit

    def _bounds(self, size: int, path: str, problems: Problems, value: Any = None) -> None:
        if self.min is not None and size < self.min:
            problems.append((path, f"{self.unit} {size} is below the minimum of {self.min}"))
        elif self.max is not None and size > self.max:
            problems.append((path, f"{self.unit} {size} is above the maximum of {self.max}"))
        elif self.limit is not None:
            self.limit.check(value, path, problems)


class Str(_Sized):
    __slots__ = ()

    def check(self, value: Any, path: str, problems: Problems) -> None:
        if not isinstance(value, str):
            problems.append((path, f"expected str, got {_type_name(value)}"))
            return
        self._bounds(len(value), path, problems, value)


class Blob(_Sized):
    __slots__ = ()

    def check(self, value: Any, path: str, problems: Problems) -> None:
        if not isinstance(value, (bytes, bytearray, memoryview)):
            problems.append((path, f"expected bytes, got {_type_name(value)}"))
            return
        self._bounds(len(value), path, problems, value)


class Int(_Sized):
    __slots__ = ()
    unit = "value"

    def check(self, value: Any, path: str, problems: Problems) -> None:
        # bool is an int subclass, but True as a memory size is a bug.
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append((path, f"expected int, got {_type_name(value)}"))
            return
        self._bounds(value, path, problems)


class Float(Check):
    __slots__ = ("max", "min")

    def __init__(self, min: float | None = None, max: float | None = None) -> None:
        self.min = min
        self.max = max

    def check(self, value: Any, path: str, problems: Problems) -> None:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append((path, f"expected float, got {_type_name(value)}"))
        elif self.min is not None and value < self.min:
            problems.append((path, f"value {value} is below the minimum of {self.min}"))
        elif self.max is not None and value > self.max:
            problems.append((path, f"value {value} is above the maximum of {self.max}"))


class Bool(Check):
    __slots__ = ()

    def check(self, value: Any, path: str, problems: Problems) -> None:
        if not isinstance(value, bool):
            problems.append((path, f"expected bool, got {_type_name(value)}"))


class Timestamp(Check):
    __slots__ = ()

    def check(self, value: Any, path: str, problems: Problems) -> None:
        if not isinstance(value, datetime):
            problems.append((path, f"expected datetime, got {_type_name(value)}"))


class EnumStr(_Sized):
    """Enum values are checked for type only unless ``strict_enums`` is on:
    by default values newer than this model are allowed (enums are open)."""

    __slots__ = ("enum", "known")

    def __init__(
        self, enum: type[Enum] | None = None, min: int | None = None, max: int | None = None
    ) -> None:
        super().__init__(min, max)
        self.enum = enum
        # Iterating an enum class yields its declared members only, never the
        # pseudo-members that unknown values parsed earlier became.
        self.known = frozenset(m.value for m in enum) if enum is not None else frozenset()

    def check(self, value: Any, path: str, problems: Problems) -> None:
        if not isinstance(value, str):
            problems.append((path, f"expected str or enum member, got {_type_name(value)}"))
            return
        if problems.strict_enums and self.enum is not None:
            text = value.value if isinstance(value, Enum) else value
            if text not in self.known:
                allowed = ", ".join(repr(m.value) for m in self.enum)
                problems.append(
                    (
                        path,
                        f"{text!r} is not a known {self.enum.__name__} value; allowed: {allowed}",
                    )
                )
                return
        self._bounds(len(value), path, problems)


class ListOf(_Sized):
    __slots__ = ("item",)

    def __init__(
        self,
        item: Check,
        min: int | None = None,
        max: int | None = None,
        limit: Limit | None = None,
    ) -> None:
        super().__init__(min, max, limit)
        self.item = item

    unit = "number of items"

    def check(self, value: Any, path: str, problems: Problems) -> None:
        # A str is a Sequence too, but never a list of anything here.
        if isinstance(value, NOT_LISTS) or not isinstance(value, Sequence):
            problems.append((path, f"expected list, got {_type_name(value)}"))
            return
        self._bounds(len(value), path, problems, value)
        for index, item in enumerate(value):
            if item is None:
                problems.append((f"{path}[{index}]", "must not be None"))
            else:
                self.item.check(item, f"{path}[{index}]", problems)


class MapOf(_Sized):
    """A map. ``sensitive`` maps (environment variables) are never quoted:
    problems locate an entry by its position, not by its key."""

    __slots__ = ("key", "sensitive", "value")
    unit = "number of entries"

    def __init__(
        self,
        key: Check,
        value: Check,
        min: int | None = None,
        max: int | None = None,
        limit: Limit | None = None,
        *,
        sensitive: bool = False,
    ) -> None:
        super().__init__(min, max, limit)
        self.key = key
        self.value = value
        self.sensitive = sensitive

    def check(self, value: Any, path: str, problems: Problems) -> None:
        if not isinstance(value, Mapping):
            problems.append((path, f"expected dict, got {_type_name(value)}"))
            return
        self._bounds(len(value), path, problems, value)
        for index, (key, item) in enumerate(value.items()):
            if self.sensitive:
                key_path = f"{path} (the key of entry {index})"
                item_path = f"{path} (the value of entry {index})"
            else:
                # Enum keys by their value ('KAFKA_BOOTSTRAP_SERVERS'), as the caller wrote them.
                shown = repr(str.__str__(key)) if isinstance(key, str) else repr(key)
                key_path = f"{path} key {shown}"
                item_path = f"{path}[{shown}]"
            self.key.check(key, key_path, problems)
            if item is None:
                problems.append((item_path, "must not be None"))
            else:
                self.value.check(item, item_path, problems)


class Struct(Check):
    __slots__ = ("cls",)

    def __init__(self, cls: type) -> None:
        self.cls = cls

    def check(self, value: Any, path: str, problems: Problems) -> None:
        if not isinstance(value, self.cls):
            problems.append((path, f"expected {self.cls.__name__}, got {_type_name(value)}"))
            return
        check_fields(value, path + ".", problems)


class Opaque(Check):
    """Members the runtime fills or streams (event streams): nothing to check."""

    __slots__ = ()

    def check(self, value: Any, path: str, problems: Problems) -> None:
        return


_FieldPlan = tuple[tuple[tuple[str, bool, Check], ...], tuple[Rule, ...]]
_plans: dict[type, _FieldPlan] = {}


def _plan(cls: type) -> _FieldPlan:
    plan = _plans.get(cls)
    if plan is None:
        from .limits import RULES

        fields = tuple(
            (f.name, f.default is attrs.NOTHING, f.metadata.get("check", Opaque()))
            for f in attrs.fields(cls)
        )
        plan = (fields, RULES.get(cls.__name__, ()))
        _plans[cls] = plan
    return plan


_rules: Mapping[str, tuple[Rule, ...]] | None = None


def rules_hold(obj: object) -> bool:
    """Whether every rule over ``obj``'s structure holds (the generated
    ``_valid`` of a structure with rules asks this)."""
    global _rules
    if _rules is None:
        # Loaded on the first call that needs it, not with the package.
        from .limits import RULES

        _rules = RULES
    return all(rule.holds(obj) for rule in _rules.get(type(obj).__name__, ()))


def check_fields(obj: object, prefix: str, problems: Problems) -> None:
    fields, rules = _plan(type(obj))
    for name, required, check in fields:
        value = getattr(obj, name)
        if value is None:
            if required:
                problems.append((prefix + name, "is required"))
            continue
        check.check(value, prefix + name, problems)
    for rule in rules:
        rule.check(obj, prefix, problems)


def validate(operation: str, request: object, *, strict_enums: bool = False) -> None:
    """Raise `ParamValidationError` listing every problem, if any."""
    problems = Problems(strict_enums=strict_enums)
    check_fields(request, "", problems)
    if problems:
        raise ParamValidationError(operation, problems)
