"""Renders the IR into the modules of ``lambda_client/_generated``."""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import jinja2

from . import docs, naming, wire, writers
from .ir import Member, Service, TypeRef

TEMPLATES = Path(__file__).parent / "templates"


def _check_expr(ref: TypeRef, documented: tuple[int, str, str] | None = None) -> str:
    """The validation check for a type, as Python source, with the
    documented service limit of the member, if it has one."""

    def bounds(*extra: str) -> str:
        args = list(extra)
        if ref.min is not None:
            args.append(f"min={ref.min!r}")
        if ref.max is not None:
            args.append(f"max={ref.max!r}")
        if documented is not None:
            maximum, unit, source = documented
            args.append(f"limit=_v.Limit({maximum}, {unit!r}, {source!r})")
        return ", ".join(args)

    simple = {
        "string": "Str",
        "enum": "EnumStr",
        "integer": "Int",
        "long": "Int",
        "double": "Float",
        "blob": "Blob",
    }
    if ref.kind in simple:
        # Enum checks know their enum: ClientConfig(strict_enums=True) lists its values.
        value = bounds(ref.shape) if ref.kind == "enum" else bounds()
        if ref.kind in ("integer", "long") and ref.min is not None:
            value = value.replace(f"min={ref.min!r}", f"min={int(ref.min)}")
        return f"_v.{simple[ref.kind]}({value})"
    if ref.kind == "boolean":
        return "_v.Bool()"
    if ref.kind == "timestamp":
        return "_v.Timestamp()"
    if ref.kind == "structure":
        return f"_v.Struct({ref.shape})"
    if ref.kind == "list":
        assert ref.item is not None
        return f"_v.ListOf({bounds(_check_expr(ref.item))})"
    if ref.kind == "map":
        assert ref.key is not None and ref.value is not None
        args = [_check_expr(ref.key), _check_expr(ref.value)]
        if ref.sensitive or ref.key.sensitive:
            # Validation messages then locate entries without naming their keys.
            args.append("sensitive=True")
        return f"_v.MapOf({bounds(*args)})"
    if ref.kind == "eventstream":
        return "_v.Opaque()"
    raise ValueError(f"no check for {ref.kind}")


def field_annotation(member: Member) -> str:
    if member.guaranteed or (member.required and not member.nullable):
        return member.type.annotation
    return f"{member.type.annotation} | None"


def argument_annotation(member: Member) -> str:
    """What callers may pass: enum members or plain strings, any Sequence or Mapping."""
    if member.flexible_payload:
        return "InvokePayload" if member.required else "InvokePayload | None"
    base = member.type.input_annotation
    return base if member.required else f"{base} | None"


def collection_converter(member: Member) -> str:
    """The constructor converter of a collection member, as Python source."""
    assert member.converter is not None and member.converter_body is not None
    result = field_annotation(member)
    lines = [f"def {member.converter}(value: {argument_annotation(member)}) -> {result}:"]
    if member.converter_body in ("_c.to_list(value)", "_c.to_dict(value)"):
        # Constructors call this for every such member, given or not: the
        # common cases return without a second call.
        concrete = "list" if member.type.kind == "list" else "dict"
        lines += [f"    if value is None or isinstance(value, {concrete}):", "        return value"]
    # The helpers return Any: a value of the wrong type comes back unchanged
    # for validation to name. For the types the signature admits, it is this.
    lines.append(f'    return cast("{result}", {member.converter_body})')
    return "\n".join(lines)


def field_arguments(member: Member) -> str:
    args = []
    if member.factory is not None:
        args.append(f"factory={member.factory}")
    elif member.default is not None:
        args.append(f"default={member.default}")
    elif not member.required:
        args.append("default=None")
    if member.type.kind == "eventstream":
        # A live stream is not a value: two outputs are equal without it.
        args.append("eq=False")
    if member.converter:
        args.append(f"converter={member.converter}")
    if member.type.sensitive:
        args.append("repr=_redact")
    meta = [f'"wire": "{member.wire_name}"']
    if member.location != "body":
        meta.append(f'"loc": "{member.location}"')
    if member.location_name != member.wire_name:
        meta.append(f'"name": "{member.location_name}"')
    if member.idempotency_token:
        meta.append('"idempotency_token": True')
    if member.type.events:
        events = ", ".join(f'"{wire}": {shape}' for wire, shape in member.type.events)
        meta.append('"events": {' + events + "}")
    meta.append(f'"check": {_check_expr(member.type, member.documented_limit)}')
    args.append("metadata={" + ", ".join(meta) + "}")
    return ", ".join(args)


def error_annotation(ref: TypeRef) -> str:
    return f"{ref.annotation} | None"


def error_argument(member: Member) -> str:
    """An error member as a constructor keyword: optional, enums also as str."""
    ref = member.type
    base = f"{ref.annotation} | str" if ref.kind == "enum" else ref.annotation
    return f"{base} | None"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - renders Python source, not HTML
    )
    env.filters["docstring"] = docs.docstring
    env.filters["summary"] = docs.summary
    env.filters["argument_doc"] = docs.argument
    env.filters["snake"] = naming.snake_case
    env.filters["py"] = repr
    env.filters["field_annotation"] = field_annotation
    env.filters["field_arguments"] = field_arguments
    env.filters["argument_annotation"] = argument_annotation
    env.filters["collection_converter"] = collection_converter
    env.filters["error_annotation"] = error_annotation
    env.filters["error_argument"] = error_argument
    env.filters["reader_statements"] = wire.reader_statements
    env.filters["uses_reader_helpers"] = wire.uses_helpers
    env.filters["reader_enums"] = wire.reader_enums
    env.filters["enum_values"] = wire.enum_values
    env.filters["http_reader_statements"] = wire.http_reader_statements
    env.filters["valid_statements"] = writers.valid_statements
    env.filters["http_statements"] = writers.http_statements
    return env


def render_sources(service: Service) -> dict[str, str]:
    """Relative path under ``_generated`` -> unformatted source."""
    env = _environment()
    env.filters["docstring"] = docs.docstring_filter(docs.reference_targets(service))
    by_name = {s.name: s for s in service.structures}
    for name, reader in (
        ("reader_statements", wire.reader_statements),
        ("reader_enums", wire.reader_enums),
        ("inline_enums", wire.inline_enums),
        ("uses_reader_helpers", wire.uses_helpers),
    ):
        env.filters[name] = functools.partial(reader, structures=by_name)
    modules = {s.name: s.module for s in service.structures}
    if len(set(modules.values())) != len(modules):
        raise ValueError("two structures map to the same module name")
    error_summaries = {e.name: docs.summary(e.documentation) for e in service.errors}
    common = {"service": service, "modules": modules, "error_summaries": error_summaries}
    out: dict[str, str] = {"__init__.py": env.get_template("_header.jinja").render(**common)}
    model = env.get_template("model.py.jinja")
    for struct in service.structures:
        out[f"models/{struct.module}.py"] = model.render(s=struct, **common)
    all_names = sorted([s.name for s in service.structures] + [e.name for e in service.enums])
    out["models/__init__.py"] = env.get_template("models_init.py.jinja").render(
        all_names=all_names, **common
    )
    out["enums.py"] = env.get_template("enums.py.jinja").render(**common)
    error_enums = sorted(
        {m.type.shape for e in service.errors for m in e.members if m.type.kind == "enum"}
        | {m.converter for e in service.errors for m in e.members if m.converter}
    )
    out["errors.py"] = env.get_template("errors.py.jinja").render(error_enums=error_enums, **common)
    io_types = sorted(
        {op.input.name for op in service.operations}
        | {op.output.name for op in service.operations if op.output}
    )
    out["operations.py"] = env.get_template("operations.py.jinja").render(
        io_types=io_types, **common
    )
    signature_types = set(io_types)
    structure_names = {st.name for st in service.structures}
    signature_types |= {p.item_annotation for p in service.paginators} & structure_names
    for op in service.operations:
        for member in op.input.members:
            signature_types |= _structure_names(member.type)
    out["waiters.py"] = env.get_template("waiters.py.jinja").render(**common)
    out["client.py"] = env.get_template("client.py.jinja").render(
        signature_types=sorted(signature_types), **common
    )
    out["blocking_client.py"] = env.get_template("blocking_client.py.jinja").render(
        signature_types=sorted(signature_types), **common
    )
    return out


def _structure_names(ref: TypeRef) -> set[str]:
    names = {ref.shape} if ref.kind == "structure" else set()
    for sub in (ref.item, ref.key, ref.value):
        if sub is not None:
            names |= _structure_names(sub)
    return names


def format_sources(sources: dict[str, str], project_root: Path) -> dict[str, str]:
    """Run ruff (unused imports, import order, then the formatter) over the
    sources in a scratch tree, so output is exactly what the gates accept."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "_generated"
        for rel, text in sources.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        config = str(project_root / "pyproject.toml")
        ruff = [sys.executable, "-m", "ruff"]
        fix = ["check", "--fix", "--quiet", "--select", "F401,I", "--config", config, str(root)]
        subprocess.run([*ruff, *fix], check=True)  # noqa: S603 - fixed arguments
        subprocess.run(  # noqa: S603 - fixed arguments
            [*ruff, "format", "--quiet", "--config", config, str(root)], check=True
        )
        return {rel: (root / rel).read_text(encoding="utf-8") for rel in sorted(sources)}


def write_tree(sources: dict[str, str], target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    for rel, text in sources.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def stale_files(sources: dict[str, str], target: Path) -> list[str]:
    """Files that differ between a fresh render and the checked-in tree."""
    present = {
        str(p.relative_to(target)): p.read_text(encoding="utf-8")
        for p in target.rglob("*.py")
        if "__pycache__" not in p.parts
    }
    names = sorted(set(present) | set(sources))
    return [n for n in names if present.get(n) != sources.get(n)]
