"""Straight-line readers from parsed JSON to model objects.

Each structure read from responses gets a ``_from_wire`` function written
out member by member: a dictionary lookup and a store per member, with no
per-value dispatch. A general converter decides what to do with every
value at run time; these readers decided it here, once, from the model.
The cattrs converter stays the reference: the runtime falls back to it to
explain a response the reader rejects, and the tests check both agree.

An operation's output also gets ``_from_http``: the whole response (status,
headers, body) to the output in one call, for the outputs whose members are
bound to the JSON body, headers, the status or a raw blob payload. It may
fail on anything unexpected; the runtime then reads the response again the
thorough way (``response_binding._parse_output``), which says what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import naming
from .ir import Member, Structure, TypeRef

#: The structures of the service by name, for reading small ones inline.
Structures = Mapping[str, Structure]

#: Kinds whose JSON value is already the Python value (trusted, as the
#: converter trusts them).
_AS_IS = frozenset({"string", "integer", "long", "boolean"})


def value_expr(ref: TypeRef, source: str, depth: int = 0) -> str:
    """Python expression turning the non-null JSON value ``source`` into ``ref``'s type."""
    kind = ref.kind
    if kind in _AS_IS:
        return source
    if kind == "double":
        return f"float({source})"
    if kind == "enum":
        # The value map looked up inline: a call per value costs more than
        # the lookup. Anything else (an unknown value, a non-string) goes to
        # the helper, which decides as before.
        found = f"m_{naming.snake_case(ref.shape)}"  # one name per enum type, for mypy
        return (
            f"({found} if type({source}) is str and"
            f" ({found} := {enum_values(ref.shape)}.get({source})) is not None"
            f" else _w.enum_member({ref.shape}, {source}))"
        )
    if kind == "blob":
        return f"_w.blob({source})"
    if kind == "timestamp":
        return f"_w.timestamp({source})"
    if kind == "structure":
        return f"{ref.shape}._from_wire({source})"
    item = f"x{depth}"
    if kind == "list":
        assert ref.item is not None
        inner = value_expr(ref.item, item, depth + 1)
        if inner == item:
            return f"list({source})"
        return f"[{inner} for {item} in {source}]"
    if kind == "map":
        assert ref.key is not None and ref.value is not None
        key = f"k{depth}"
        key_expr = value_expr(ref.key, key, depth + 1)
        inner = value_expr(ref.value, item, depth + 1)
        if key_expr == key and inner == item:
            return f"dict({source})"
        return f"{{{key_expr}: {inner} for {key}, {item} in {source}.items()}}"
    raise ValueError(f"no wire reader for {kind}")


def enum_values(shape: str) -> str:
    """The module-level name of an enum's value map in a model module."""
    return f"_{shape}_values"


def _enums_in(ref: TypeRef) -> set[str]:
    found = {ref.shape} if ref.kind == "enum" else set()
    for sub in (ref.item, ref.key, ref.value):
        if sub is not None:
            found |= _enums_in(sub)
    return found


def _holds_structure(ref: TypeRef) -> bool:
    if ref.kind == "structure":
        return True
    return any(sub is not None and _holds_structure(sub) for sub in (ref.item, ref.key, ref.value))


#: Most members a structure may have to be read inline (see `inline_reader`).
_INLINE_MEMBERS = 8


def inline_reader(member: Member, structures: Structures | None) -> Structure | None:
    """The structure ``member`` holds, when the reader of the structure that
    has the member reads it in place instead of calling its ``_from_wire``:
    a Python call costs about as much as reading two members. Only small
    structures whose own members hold no structure (their readers would need
    classes the holder's module does not import), and not inside lists."""
    if structures is None or member.location != "body" or member.type.kind != "structure":
        return None
    held = structures.get(member.type.shape)
    if held is None or not held.reads_wire or held.is_output:
        return None
    if len(held.members) > _INLINE_MEMBERS:
        return None
    if any(m.location != "body" or _holds_structure(m.type) for m in held.members):
        return None
    return held


def reader_enums(struct: Structure, structures: Structures | None = None) -> list[str]:
    """Enums whose value maps the reader looks values up in."""
    if not struct.reads_wire:
        return []
    found: set[str] = set()
    for member in struct.members:
        if member.location == "body":
            found |= _enums_in(member.type)
            held = inline_reader(member, structures)
            for inner in held.members if held is not None else ():
                found |= _enums_in(inner.type)
    return sorted(found)


def inline_enums(struct: Structure, structures: Structures | None = None) -> tuple[str, ...]:
    """Enums the reader needs only for the structures it reads inline (the
    module imports the others for its annotations already)."""
    have = set(struct.enums) | set(struct.converters)
    return tuple(e for e in reader_enums(struct, structures) if e not in have)


#: From this many lookups on, a reader binds ``data.get`` once: the bound
#: method costs about as much to make as a dozen direct calls save.
_BIND_GET_FROM = 12


def member_statement(member: Member, get: str = "get") -> str:
    """The statement that sets one member on ``obj`` from the JSON object ``data``,
    looking it up with the callable named ``get``."""
    target = f"obj.{member.attr} = "
    if member.location != "body":
        # Bound to a header, the status or the raw body: parse_output sets it.
        # Members every response has start from their empty value instead.
        if member.factory is not None:
            return target + f"{member.factory}()"
        return target + (member.default if member.default is not None else "None")
    return target + _lookup(member, get, "v")


def _lookup(member: Member, get: str, var: str) -> str:
    """``member``'s value looked up with ``get``, null kept as None, ``var``
    naming the raw value where it needs converting."""
    expr = value_expr(member.type, var)
    if expr == var:
        return f'{get}("{member.wire_name}")'
    return f'None if ({var} := {get}("{member.wire_name}")) is None else {expr}'


def _inline_statements(member: Member, held: Structure, get: str) -> list[str]:
    """Sets ``member`` on ``obj`` by reading the structure it holds in place."""
    built = f"o_{member.attr}"
    lines = [
        f'if (v := {get}("{member.wire_name}")) is None:',
        f"    obj.{member.attr} = None",
        "else:",
        f"    {built} = _new({held.name})",
    ]
    for inner in held.members:
        lines.append(f"    {built}.{inner.attr} = " + _lookup(inner, "v.get", "w"))
    lines.append(f"    obj.{member.attr} = {built}")
    return lines


def reader_statements(struct: Structure, structures: Structures | None = None) -> list[str]:
    """Body of ``_from_wire`` between creating ``obj`` and returning it."""
    lookups = sum(m.location == "body" for m in struct.members)
    bound = lookups >= _BIND_GET_FROM
    get = "get" if bound else "data.get"
    lines: list[str] = []
    for member in struct.members:
        held = inline_reader(member, structures)
        if held is None:
            lines.append(member_statement(member, get))
        else:
            lines.extend(_inline_statements(member, held, get))
    if bound:
        lines.insert(0, "get = data.get")
    if struct.is_output:
        lines.append("obj.response_metadata = None")
    return lines


def _header_value(ref: TypeRef) -> str:
    """A header's text ``v`` as the member's value, as ``response_binding`` reads headers."""
    if ref.kind in ("integer", "long"):
        return "int(v)"
    if ref.kind == "boolean":
        return 'v.strip().lower() == "true"'
    if ref.kind == "timestamp":
        return "_w.timestamp(v)"
    # Everything else, enums included, is kept as the header's text.
    return "str(v)"


def http_reader_statements(struct: Structure) -> list[str] | None:
    """Body of ``_from_http(status, headers, body)``, or None when the
    output has a binding it does not handle (an event stream, a structure
    payload) or a member without a default (``response_binding`` builds the empty
    output with the constructor)."""
    if not (struct.is_output and struct.reads_wire):
        return None
    members = struct.members
    for m in members:
        if m.location == "payload" and m.type.kind != "blob":
            return None
        if m.location not in ("body", "header", "statusCode", "payload"):
            return None
        if m.required and m.default is None and m.factory is None:
            return None
    name = struct.name
    if any(m.location == "payload" for m in members) or not any(
        m.location == "body" for m in members
    ):
        # No JSON body is read: every member comes from the response itself.
        lines = [f"obj = _new({name})"]
        for m in members:
            target = f"obj.{m.attr} = "
            if m.location == "statusCode":
                lines.append(target + "status")
            elif m.location == "payload":
                lines.append(target + "body")
            elif m.location == "header":
                value = _header_value(m.type)
                get = f'headers.get("{m.location_name.lower()}")'
                lines.append(target + f"None if (v := {get}) is None else {value}")
            else:
                lines.append(member_statement(m))
        lines.append("obj.response_metadata = None")
        return lines
    lines = [f"obj = {name}._from_wire(_w.json_object(body))"]
    for m in members:
        if m.location == "statusCode":
            lines.append(f"obj.{m.attr} = status")
        elif m.location == "header":
            get = f'headers.get("{m.location_name.lower()}")'
            lines.append(f"if (v := {get}) is not None:")
            lines.append(f"    obj.{m.attr} = {_header_value(m.type)}")
    return lines


def uses_helpers(struct: Structure, structures: Structures | None = None) -> bool:
    """Whether the readers need the runtime's value helpers (``_w``)."""
    if not struct.reads_wire:
        return False
    lines = reader_statements(struct, structures) + (http_reader_statements(struct) or [])
    return any("_w." in line for line in lines)
