"""A base for the runtime's small internal value classes.

attrs writes and compiles each class's methods when the class is defined:
about 0.3-0.5 ms a class, paid by every process that imports it, a few
milliseconds of a cold start for the runtime's dozen helper classes. The
internal ones that need no attrs feature (fields introspection, evolve,
converters) derive from `Record` instead, whose methods are compiled
once into the bytecode cache. The public models and settings stay attrs
classes.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FrozenRecord", "Record"]


class Record:
    """Slotted; equal when of the same class with equal fields (in
    ``__slots__`` order); printed with its fields. Unhashable, like a mutable
    attrs class."""

    __slots__ = ()

    def _names(self) -> tuple[str, ...]:
        names: tuple[str, ...] = self.__slots__
        return names

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._names())

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._names())
        return f"{type(self).__name__}({fields})"


class FrozenRecord(Record):
    """A `Record` that cannot be changed after ``__init__`` (which
    sets its fields with ``object.__setattr__``) and hashes by its fields."""

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self._values())
