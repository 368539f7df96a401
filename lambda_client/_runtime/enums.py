"""Open enums: values the model does not know still parse and round-trip."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, Self, TypeVar, cast

# Unknown values remembered per enum (see OpenEnum._missing_).
_UNKNOWN_KEPT = 256


class OpenEnum(StrEnum):
    """A ``str`` enum that accepts values added to the service after this
    model was generated. An unknown value becomes a pseudo-member whose
    ``is_unknown`` is true; it compares equal to its string and serialises
    back unchanged, so a newer service never breaks parsing."""

    @property
    def is_unknown(self) -> bool:
        return self._name_.startswith("<unknown")

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        pseudo = str.__new__(cls, value)
        pseudo._name_ = f"<unknown:{value}>"
        pseudo._value_ = value
        known = cls._value2member_map_
        if len(known) >= _UNKNOWN_KEPT + len(cls.__members__):
            # A server inventing a new value on every answer must not grow
            # this map without end; past the bound only equality holds.
            return pseudo
        # Pseudo-members are cached in the value map so identity holds
        # across parses of the same unknown value.
        cached: Any = known.setdefault(value, pseudo)
        return cached  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        if self.is_unknown:
            return f"{type(self).__name__}({self._value_!r})"
        return f"{type(self).__name__}.{self._name_}"


E = TypeVar("E", bound=OpenEnum)


# Converters leave values of the wrong type alone, so validation can report
# them with the parameter's path instead of the constructor failing here.
def convert(cls: type[E], value: E | str | None) -> E | None:
    # Parsed responses already hold members; only plain strings need a lookup.
    if value is None or type(value) is cls:
        return value
    return cls(value) if isinstance(value, str) else value


def convert_list(cls: type[E], value: Sequence[E | str] | None) -> list[E] | None:
    if not isinstance(value, (list, tuple)):
        return cast("list[E] | None", value)
    return [v if type(v) is cls or not isinstance(v, str) else cls(v) for v in value]


def convert_keys(cls: type[E], value: Mapping[E | str, Any] | None) -> dict[E, Any] | None:
    if not isinstance(value, Mapping):
        return value
    return {(cls(k) if isinstance(k, str) else k): v for k, v in value.items()}
