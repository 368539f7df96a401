"""Client-side input validation from the model's constraints.

Each generated field carries a :class:`Check` in its metadata (``"check"``).
Validation walks the request object and collects every problem, so one
:class:`ParamValidationError` names all offending parameters with their
paths (``vpc_config.subnet_ids[3]``). Regex patterns are not checked: the
service's patterns change more often than clients are regenerated, and a
stale pattern would reject valid input.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

import attrs

from .exceptions import ParamValidationError

Problems = list[tuple[str, str]]


class Rule(Protocol):
    """A check over a whole structure (a limit that depends on another member)."""

    def check(self, obj: Any, prefix: str, problems: Problems) -> None: ...


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
    """Enum values are checked for type only: values newer than this model are allowed."""

    __slots__ = ()

    def check(self, value: Any, path: str, problems: Problems) -> None:
        if not isinstance(value, str):
            problems.append((path, f"expected str or enum member, got {_type_name(value)}"))
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
        if not isinstance(value, (list, tuple)):
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
                key_path = f"{path} key {key!r}"
                item_path = f"{path}[{key!r}]"
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


def validate(operation: str, request: object) -> None:
    """Raise :class:`ParamValidationError` listing every problem, if any."""
    problems: Problems = []
    check_fields(request, "", problems)
    if problems:
        raise ParamValidationError(operation, problems)
