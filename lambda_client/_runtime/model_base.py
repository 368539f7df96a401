"""The base every generated model class shares: how models print.

``repr`` shows only the members that are set (a Lambda configuration has
40 members, most of them None), sensitive members as ``<redacted>``; in a
notebook, ``_repr_html_`` renders the same as a nested table.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import attrs


def _shown_fields(obj: Any) -> list[tuple[str, Any, Any]]:
    """(name, value, repr setting) of the members that are set and printable."""
    out = []
    for f in attrs.fields(type(obj)):
        if f.repr is False:
            continue
        value = getattr(obj, f.name)
        if value is None:
            continue
        out.append((f.name, value, f.repr))
    return out


def _short(value: Any) -> str:
    if isinstance(value, Enum):
        return repr(value.value)
    return repr(value)


def redact(value: object) -> str:
    """repr of a sensitive member: says whether it is set, never what it is."""
    return "None" if value is None else "<redacted>"


class Model:
    """Mixin of the generated attrs models (they define the fields)."""

    __slots__ = ()

    def __repr__(self) -> str:
        parts = []
        for name, value, shown in _shown_fields(self):
            text = shown(value) if callable(shown) else _short(value)
            parts.append(f"{name}={text}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def _repr_html_(self) -> str:
        return _html(self)


def _html(value: Any, shown: Any = True) -> str:
    # Only notebooks render models as HTML; every model module imports this one.
    import html

    if callable(shown) and shown is not True:
        return html.escape(shown(value))
    if attrs.has(type(value)):
        rows = "".join(
            f"<tr><th style='text-align:left;vertical-align:top'>{html.escape(name)}</th>"
            f"<td style='text-align:left'>{_html(item, item_shown)}</td></tr>"
            for name, item, item_shown in _shown_fields(value)
        )
        title = html.escape(type(value).__name__)
        return f"<table><caption style='text-align:left'><b>{title}</b></caption>{rows}</table>"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "<ol start='0'>" + "".join(f"<li>{_html(item)}</li>" for item in value) + "</ol>"
    if isinstance(value, dict):
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(str(k))}</th><td>{_html(v)}</td></tr>"
            for k, v in value.items()
        )
        return f"<table>{rows}</table>"
    if isinstance(value, bytes):
        preview = value[:64]
        more = f" … ({len(value)} bytes)" if len(value) > 64 else ""
        return f"<code>{html.escape(repr(preview))}{more}</code>"
    return f"<code>{html.escape(_short(value))}</code>"
