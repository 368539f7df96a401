"""Constructor converters for the collection members of structures users send.

The generated signatures take any ``Sequence`` or ``Mapping`` (a tuple, a
``MappingProxyType``, a collection of the caller's own): those are
covariant, so a ``Sequence[str]`` is accepted where the model has a list of
strings. The object then stores a plain ``list`` or ``dict``, the type its
attribute declares, with enum values converted like scalar enum members.

A value that is not such a collection, a ``str`` included (which *is* a
``Sequence``), is stored unchanged, so that validation reports it with the
parameter's path before anything is sent rather than splitting it into
characters here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar, overload

Convert = Callable[[Any], Any]
T_co = TypeVar("T_co", covariant=True)


class SequenceNotStr(Protocol[T_co]):
    """What list-valued parameters accept: a ``Sequence`` (list, tuple, your
    own), but not a ``str``, for type checkers as well as at run time.

    ``str`` is a ``Sequence[str]``, so ``layers="arn:..."`` would type-check
    against ``Sequence[str]`` and then fail validation. Here the protocol's
    ``__contains__`` takes any object, as every ``Sequence``'s does, while
    ``str.__contains__`` takes only ``str``: type checkers tell them apart.
    """

    @overload
    def __getitem__(self, index: int, /) -> T_co: ...
    @overload
    def __getitem__(self, index: slice, /) -> Sequence[T_co]: ...
    def __contains__(self, value: object, /) -> bool: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[T_co]: ...
    def __reversed__(self) -> Iterator[T_co]: ...

    # No index() or count(): their Any parameters keep mypy from inferring a
    # list display's item type from this context (``[64]`` would pass).


#: Sequences by the letter, never lists of anything in a request.
NOT_LISTS = (str, bytes, bytearray, memoryview)


def to_list(value: Any, item: Convert | None = None) -> Any:
    if item is None:
        # The common case: a list of strings or structures given as a list.
        if type(value) is list or value is None:
            return value
        if type(value) is tuple:
            return list(value)
        if isinstance(value, NOT_LISTS) or not isinstance(value, Sequence):
            return value
        return list(value)
    if isinstance(value, NOT_LISTS) or not isinstance(value, Sequence):
        return value
    return [item(v) for v in value]


def to_dict(value: Any, key: Convert | None = None, item: Convert | None = None) -> Any:
    if not isinstance(value, Mapping):
        return value
    if key is None and item is None:
        return value if type(value) is dict else dict(value)
    return {
        (k if key is None else key(k)): (v if item is None else item(v)) for k, v in value.items()
    }
