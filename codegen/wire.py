"""Straight-line readers from parsed JSON to model objects.

Each structure read from responses gets a ``_from_wire`` function written
out member by member: a dictionary lookup and a store per member, with no
per-value dispatch. A general converter decides what to do with every
value at run time; these readers decided it here, once, from the model.
The cattrs converter stays the reference: the runtime falls back to it to
explain a response the reader rejects, and the tests check both agree.
"""

from __future__ import annotations

from .ir import Member, Structure, TypeRef

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
        return f"_w.enum_member({ref.shape}, {source})"
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


def member_statement(member: Member) -> str:
    """The statement that sets one member on ``obj`` from the JSON object ``data``."""
    target = f"obj.{member.attr} = "
    if member.location != "body":
        # Bound to a header, the status or the raw body: parse_output sets it.
        # Members every response has start from their empty value instead.
        if member.factory is not None:
            return target + f"{member.factory}()"
        return target + (member.default if member.default is not None else "None")
    expr = value_expr(member.type, "v")
    if expr == "v":
        return target + f'get("{member.wire_name}")'
    return target + f'None if (v := get("{member.wire_name}")) is None else {expr}'


def reader_statements(struct: Structure) -> list[str]:
    """Body of ``_from_wire`` between creating ``obj`` and returning it."""
    lines = [member_statement(m) for m in struct.members]
    if any("get(" in line for line in lines):
        lines.insert(0, "get = data.get")
    if struct.is_output:
        lines.append("obj.response_metadata = None")
    return lines


def uses_helpers(struct: Structure) -> bool:
    """Whether the reader needs the runtime's value helpers (``_w``)."""
    return struct.reads_wire and any("_w." in line for line in reader_statements(struct))
