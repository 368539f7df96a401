"""Straight-line request code: ``_valid`` and ``_to_http`` for each request.

The runtime's validator (``validate.py``) walks each request's field
metadata and collects every problem with its path; its serializer
(``request_binding.serialize_request``) walks a plan of where each member goes.
Both decide at run time what the generator knows here. Each structure
callers send therefore gets:

- ``_valid(strict_enums)``: True when the request is of the exact types
  and within the limits the model states, so that the validator would find
  nothing. It may say False for a request the validator accepts (a ``str``
  subclass, text whose UTF-8 size needs measuring, a payload near a
  documented limit); the runtime then runs the validator, which decides and
  words the problems, exactly as before.
- ``_to_http()``, on operation inputs: the percent-encoded path, the query,
  the headers and the body, given that ``_valid`` said True; None where
  only the general serializer can answer (an empty path label, which it
  refuses). Values go through the same helpers as there
  (``request_binding.encode_label`` and the rest), so both write the same bytes.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from .customizations import STRUCTURES_WITH_RULES, RulesShortcut
from .ir import Member, Structure, TypeRef

#: Kinds a header, path label or query value can be written from.
_SCALARS = frozenset({"string", "enum", "integer", "long", "boolean", "timestamp", "double"})


def has_default(member: Member) -> bool:
    """Whether the constructor has a default for it (else the validator
    calls it required), as ``render.field_arguments`` writes the field."""
    return member.factory is not None or member.default is not None or not member.required


def _bounds(value: str, ref: TypeRef, size: str | None) -> list[str]:
    """Conditions for ``ref``'s min/max over ``size`` (a length) or the value."""
    measured = size if size is not None else value
    out = []
    if ref.min is not None:
        low = int(ref.min) if ref.kind in ("integer", "long") else ref.min
        if not (size is not None and low <= 0):
            out.append(f"{measured} >= {low!r}")
    if ref.max is not None:
        high = int(ref.max) if ref.kind in ("integer", "long") else ref.max
        out.append(f"{measured} <= {high!r}")
    return out


def check_expr(ref: TypeRef, value: str, limit: tuple[int, str, str] | None, depth: int) -> str:
    """A condition that holds only when the validator would accept ``value``
    (never None here) for ``ref``; it may fail for values it would accept."""
    kind = ref.kind
    parts: list[str]
    if kind == "string":
        parts = [f"type({value}) is str", *_bounds(value, ref, f"len({value})")]
        if limit is not None:
            # No text of n characters is more than 4n bytes of UTF-8; longer
            # text is measured by the validator.
            parts.append(f"len({value}) * 4 <= {limit[0]}")
    elif kind == "enum":
        parts = [
            f"type({value}) is {ref.shape}",
            f"(not strict_enums or not {value}.is_unknown)",
            *_bounds(value, ref, f"len({value})"),
        ]
    elif kind in ("integer", "long"):
        parts = [f"type({value}) is int", *_bounds(value, ref, None)]
    elif kind == "double":
        parts = [f"(type({value}) is float or type({value}) is int)", *_bounds(value, ref, None)]
    elif kind == "boolean":
        parts = [f"type({value}) is bool"]
    elif kind == "timestamp":
        parts = [f"isinstance({value}, datetime)"]
    elif kind == "blob":
        parts = [f"type({value}) is bytes", *_bounds(value, ref, f"len({value})")]
        if limit is not None:
            parts.append(f"len({value}) <= {limit[0]}")
    elif kind == "structure":
        parts = [f"type({value}) is {ref.shape}", f"{value}._valid(strict_enums)"]
    elif kind == "list":
        assert ref.item is not None
        item = f"x{depth}"
        parts = [f"type({value}) is list", *_bounds(value, ref, f"len({value})")]
        if limit is not None:
            parts.append(f"len({value}) <= {limit[0]}")
        inner = check_expr(ref.item, item, None, depth + 1)
        parts.append(f"all({inner} for {item} in {value})")
    elif kind == "map":
        assert ref.key is not None and ref.value is not None
        key, item = f"k{depth}", f"x{depth}"
        parts = [f"type({value}) is dict", *_bounds(value, ref, f"len({value})")]
        if limit is not None:
            parts.append(f"len({value}) <= {limit[0]}")
        key_check = check_expr(ref.key, key, None, depth + 1)
        item_check = check_expr(ref.value, item, None, depth + 1)
        parts.append(f"all({key_check} and {item_check} for {key}, {item} in {value}.items())")
    elif kind == "eventstream":
        parts = ["True"]
    else:
        raise ValueError(f"no fast check for {kind}")
    if limit is not None and kind not in ("string", "blob", "list", "map"):
        # A documented limit on another kind: the validator decides.
        parts.append("False")
    return " and ".join(f"({p})" if " or " in p and not p.startswith("(") else p for p in parts)


def valid_statements(struct: Structure) -> list[str]:
    """Body of ``_valid(self, strict_enums)`` for a structure callers send:
    one condition per member, all of which must hold."""
    terms = []
    for m in struct.members:
        if m.type.kind == "eventstream":
            continue
        # One name per member: mypy types each by its first assignment.
        value = f"v_{m.attr}"
        check = check_expr(m.type, value, m.documented_limit, 0)
        if has_default(m):
            terms.append(f"(({value} := self.{m.attr}) is None or {_grouped(check)})")
        else:
            terms.append(f"({value} := self.{m.attr}) is not None and {check}")
    if struct.name in STRUCTURES_WITH_RULES:
        terms.append(_rules_term(struct, STRUCTURES_WITH_RULES[struct.name]))
    if not terms:
        return ["return True"]
    return [
        "return (",
        *(f"    {t}" if i == 0 else f"    and {t}" for i, t in enumerate(terms)),
        ")",
    ]


def _rules_term(struct: Structure, shortcut: RulesShortcut | None) -> str:
    """The condition asking the rules over several members, after the
    member checks (so the shortcut's member, if present, is of its type)."""
    if shortcut is None:
        return "_v.rules_hold(self)"
    member = next(m for m in struct.members if m.attr == shortcut.member)
    value = f"v_{member.attr}"
    if member.type.kind == "blob":
        size = f"len({value})"
    elif member.type.kind == "string":
        # No text of n characters is more than 4n bytes of UTF-8.
        size = f"len({value}) * 4"
    else:
        raise ValueError(f"no rules shortcut over a {member.type.kind} member")
    return f"({value} is None or {size} <= {shortcut.bytes} or _v.rules_hold(self))"


def _grouped(condition: str) -> str:
    return f"({condition})" if " and " in condition or " or " in condition else condition


def _text_expr(ref: TypeRef, value: str) -> str:
    """``request_binding``'s text of a scalar value of ``ref``'s exact type."""
    kind = ref.kind
    if kind == "string":
        return value
    if kind == "enum":
        return f"str.__str__({value})"
    if kind == "boolean":
        return f'"true" if {value} else "false"'
    if kind == "timestamp":
        return f"_r.iso8601({value})"
    return f"str({value})"


_PLACEHOLDER = re.compile(r"\{([^}]+)\}")


def http_statements(struct: Structure) -> list[str]:
    """Body of ``_to_http(self)`` for an operation's input, given that
    ``_valid`` said True."""
    if struct.request_uri is None:
        return ["return None"]
    members = struct.members
    labels = {m.location_name: m for m in members if m.location == "uri"}
    template, _, static_query = struct.request_uri.partition("?")
    unsupported = (
        any(name.endswith("+") for name in _PLACEHOLDER.findall(template))
        or any(
            m.location in ("uri", "querystring", "header") and m.type.kind not in _SCALARS
            for m in members
            if not (m.location == "querystring" and m.type.kind == "list")
        )
        or any(
            m.location == "querystring"
            and m.type.kind == "list"
            and (m.type.item is None or m.type.item.kind not in _SCALARS)
            for m in members
        )
    )
    if unsupported:
        return ["return None"]
    lines: list[str] = []
    # The path: literal text and encoded labels, in the template's order.
    pieces: list[str] = []
    at = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > at:
            pieces.append(repr(template[at : match.start()]))
        member = labels.get(match.group(1))
        if member is None:
            # No member fills it: request_binding leaves the placeholder as it is.
            pieces.append(repr(match.group(0)))
        else:
            name = f"label_{member.attr}"
            lines.append(f"{name} = self.{member.attr}")
            if member.type.kind in ("string", "enum") and not (member.type.min or 0) >= 1:
                lines.append(f'if {name} == "":')
                lines.append("    return None  # refused, with its words, by request_binding")
            pieces.append(f"_r.encode_label({_text_expr(member.type, name)})")
        at = match.end()
    if at < len(template):
        pieces.append(repr(template[at:]))
    lines.append("path = " + (" + ".join(pieces) if pieces else "''"))
    # The query: the URI's own pairs first, then members in field order.
    static = []
    for item in static_query.split("&") if static_query else ():
        key, _, val = item.partition("=")
        static.append(f"{quote(key, safe='-_.~')}={quote(val, safe='-_.~')}")
    query_members = [m for m in members if m.location == "querystring"]
    if not query_members:
        lines.append(f"query = {'&'.join(static)!r}")
    else:
        lines.append(f"pairs: list[str] = {static!r}")
        for m in query_members:
            key = quote(m.location_name, safe="-_.~")
            value = f"v_{m.attr}"
            lines.append(f"if ({value} := self.{m.attr}) is not None:")
            if m.type.kind == "list":
                assert m.type.item is not None
                text = _text_expr(m.type.item, "x")
                lines.append(
                    f"    pairs.extend({key!r} + '=' + _r.encode({text}) for x in {value})"
                )
            else:
                text = _text_expr(m.type, value)
                lines.append(f"    pairs.append({key + '='!r} + _r.encode({text}))")
        lines.append("query = '&'.join(pairs)")
    # Headers, lower-case, in field order.
    lines.append("headers: dict[str, str] = {}")
    for m in members:
        if m.location == "header":
            name = m.location_name.lower()
            value = f"v_{m.attr}"
            lines.append(f"if ({value} := self.{m.attr}) is not None:")
            lines.append(f"    headers[{name!r}] = {_text_expr(m.type, value)}")
    payload = next((m for m in members if m.location == "payload"), None)
    has_body = any(m.location == "body" for m in members)
    if payload is not None and payload.type.kind in ("blob", "string"):
        # Sent as it is, without a Content-Type (as botocore sends it).
        if payload.type.kind == "blob":
            lines.append(f'body = b"" if (v := self.{payload.attr}) is None else v')
        else:
            lines.append(f'body = b"" if (v := self.{payload.attr}) is None else v.encode("utf-8")')
    elif payload is not None or has_body:
        source = f"self.{payload.attr}" if payload is not None else "self"
        lines.append(f"body = _r.json_body({source})")
        if not any(
            m.location == "header" and m.location_name.lower() == "content-type" for m in members
        ):
            lines.append('headers["content-type"] = "application/json"')
    else:
        lines.append('body = b""')
    lines.append("return path, query, headers, body")
    return lines
