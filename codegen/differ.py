"""What changed between two Lambda models: the facts the API changelog lists.

``diff_models(old, new)`` compares two :class:`~codegen.load.RawModel`
values (the model files of two botocore releases) and returns a
:class:`ModelDiff`: operations, structures, enums, errors (with the
operations that raise them), paginators and waiters added, removed or
changed, value constraints that moved, and what changed only in its
documentation. ``codegen.changelog`` renders it; nothing here is written
by hand per release.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from attrs import frozen

from . import naming
from .load import RawModel

Kind = Literal["added", "removed", "changed"]
Shapes = Mapping[str, Mapping[str, Any]]

#: Shape keys that bound a value (validated by the client) or hide it.
_CONSTRAINT_KEYS = ("min", "max", "pattern", "sensitive")
#: Keys of a member reference that decide where it travels on the wire.
_BINDING_KEYS = ("location", "locationName", "eventpayload")


@frozen
class Change:
    """One named thing of the model that was added, removed or changed."""

    name: str
    kind: Kind
    #: What exactly, one fact per line (for an addition: what it is).
    details: tuple[str, ...] = ()


@frozen
class Counts:
    operations: int
    structures: int
    enums: int
    errors: int


@frozen
class ModelDiff:
    old_version: str
    new_version: str
    old_counts: Counts
    new_counts: Counts
    operations: tuple[Change, ...] = ()
    structures: tuple[Change, ...] = ()
    enums: tuple[Change, ...] = ()
    errors: tuple[Change, ...] = ()
    paginators: tuple[Change, ...] = ()
    waiters: tuple[Change, ...] = ()
    #: Scalar, list and map shapes whose limits, pattern or sensitivity moved.
    constraints: tuple[Change, ...] = ()
    #: Other model files or parts that differ: "service metadata", "endpoint
    #: rule set", "partitions".
    other: tuple[str, ...] = ()
    #: Operations and shapes whose documentation changed (alone or with more).
    documentation: tuple[str, ...] = ()
    #: The service's own documentation changed.
    service_documentation: bool = False

    @property
    def sections(self) -> tuple[tuple[str, tuple[Change, ...]], ...]:
        return (
            ("Operations", self.operations),
            ("Structures", self.structures),
            ("Enums", self.enums),
            ("Errors", self.errors),
            ("Paginators", self.paginators),
            ("Waiters", self.waiters),
            ("Value constraints", self.constraints),
        )

    @property
    def empty(self) -> bool:
        """True when the two models describe the same API, documentation included."""
        return (
            not any(changes for _, changes in self.sections)
            and not self.other
            and not self.documentation
            and not self.service_documentation
        )


# -- classifying shapes -------------------------------------------------------


def is_error(shape: Mapping[str, Any]) -> bool:
    return bool(shape.get("exception"))


def is_structure(shape: Mapping[str, Any]) -> bool:
    """A structure that becomes a model class (errors become exceptions)."""
    return shape["type"] == "structure" and not is_error(shape)


def is_enum(shape: Mapping[str, Any]) -> bool:
    return shape["type"] == "string" and "enum" in shape


def counts(raw: RawModel) -> Counts:
    shapes = raw.service["shapes"].values()
    return Counts(
        operations=len(raw.service["operations"]),
        structures=sum(1 for s in shapes if is_structure(s)),
        enums=sum(1 for s in shapes if is_enum(s)),
        errors=sum(1 for s in shapes if is_error(s)),
    )


# -- describing types ---------------------------------------------------------


def type_label(shapes: Shapes, name: str) -> str:
    """A member's type as a user of the client sees it: structures and enums
    by name, containers by what they hold, scalars by kind."""
    shape = shapes[name]
    kind = shape["type"]
    if kind == "structure" or is_enum(shape):
        return f"`{name}`"
    if kind == "list":
        return f"list of {type_label(shapes, shape['member']['shape'])}"
    if kind == "map":
        key = type_label(shapes, shape["key"]["shape"])
        return f"map of {key} to {type_label(shapes, shape['value']['shape'])}"
    return str(kind)


def _bound(value: object) -> str:
    return "none" if value is None else str(value)


def constraint_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Limits, pattern and sensitivity that differ between two shapes."""
    out = []
    for key in ("min", "max"):
        if old.get(key) != new.get(key):
            out.append(f"{key} {_bound(old.get(key))} → {_bound(new.get(key))}")
    if old.get("pattern") != new.get("pattern"):
        if "pattern" not in old:
            out.append("pattern added")
        elif "pattern" not in new:
            out.append("pattern removed")
        else:
            out.append("pattern changed")
    if bool(old.get("sensitive")) != bool(new.get("sensitive")):
        out.append("now sensitive (redacted)" if new.get("sensitive") else "no longer sensitive")
    return out


def _binding(ref: Mapping[str, Any], shape: Mapping[str, Any], member: str) -> str:
    if shape.get("payload") == member:
        return "the raw payload"
    location = ref.get("location")
    name = ref.get("locationName", member)
    if location == "uri":
        return f"URI label `{name}`"
    if location == "querystring":
        return f"query parameter `{name}`"
    if location in ("header", "headers"):
        return f"header `{name}`"
    if location == "statusCode":
        return "the HTTP status"
    if ref.get("eventpayload"):
        return "the event payload"
    return "the body" if name == member else f"body key `{name}`"


def _requiredness(name: str, shape: Mapping[str, Any]) -> str:
    return "required" if name in shape.get("required", ()) else "optional"


def _member_line(shapes: Shapes, shape: Mapping[str, Any], member: str) -> str:
    ref = shape["members"][member]
    parts = [type_label(shapes, ref["shape"]), _requiredness(member, shape)]
    if ref.get("idempotencyToken"):
        parts.append("idempotency token")
    if shapes[ref["shape"]].get("sensitive"):
        parts.append("sensitive")
    return f"`{member}`: " + ", ".join(parts)


def member_summary(shapes: Shapes, shape: Mapping[str, Any]) -> list[str]:
    """One line per member of a shape that is new in the model."""
    return [_member_line(shapes, shape, member) for member in shape.get("members", {})]


def member_changes(
    old_shapes: Shapes,
    new_shapes: Shapes,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
) -> list[str]:
    """Members added or removed, and those whose type, required-ness, wire
    binding or idempotency-token trait changed."""
    old_members: Mapping[str, Any] = old.get("members", {})
    new_members: Mapping[str, Any] = new.get("members", {})
    out = []
    for member in new_members:
        if member not in old_members:
            out.append("added " + _member_line(new_shapes, new, member))
    out += [f"removed `{member}`" for member in old_members if member not in new_members]
    for member, new_ref in new_members.items():
        old_ref = old_members.get(member)
        if old_ref is None:
            continue
        old_label = type_label(old_shapes, old_ref["shape"])
        new_label = type_label(new_shapes, new_ref["shape"])
        if old_label != new_label:
            out.append(f"`{member}` type {old_label} → {new_label}")
        elif old_ref["shape"] != new_ref["shape"]:
            # Same kind of value under another shape: what a caller may pass
            # is decided by the new shape's limits.
            limits = constraint_changes(old_shapes[old_ref["shape"]], new_shapes[new_ref["shape"]])
            shapes = f"shape `{old_ref['shape']}` → `{new_ref['shape']}`"
            out.append(f"`{member}` {shapes}" + (f": {', '.join(limits)}" if limits else ""))
        old_req, new_req = _requiredness(member, old), _requiredness(member, new)
        if old_req != new_req:
            out.append(f"`{member}` now {new_req}")
        old_bind, new_bind = _binding(old_ref, old, member), _binding(new_ref, new, member)
        if old_bind != new_bind:
            out.append(f"`{member}` sent in {new_bind} (was {old_bind})")
        if bool(old_ref.get("idempotencyToken")) != bool(new_ref.get("idempotencyToken")):
            state = "now" if new_ref.get("idempotencyToken") else "no longer"
            out.append(f"`{member}` {state} an idempotency token")
    for flag, text in (("deprecated", "deprecated"), ("eventstream", "an event stream")):
        if bool(old.get(flag)) != bool(new.get(flag)):
            out.append(("now " if new.get(flag) else "no longer ") + text)
    return out


def _documentation_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    if old.get("documentation") != new.get("documentation"):
        return True
    old_members: Mapping[str, Any] = old.get("members", {})
    new_members: Mapping[str, Any] = new.get("members", {})
    return any(
        ref.get("documentation") != new_members[member].get("documentation")
        for member, ref in old_members.items()
        if member in new_members
    )


# -- sections -----------------------------------------------------------------


def _section(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    added: Callable[[str], Sequence[str]],
    changed: Callable[[str], Sequence[str]],
) -> list[Change]:
    """Names only in ``new`` (described by ``added``), only in ``old``, and in
    both with differences (listed by ``changed``; none means unchanged)."""
    out = [Change(name, "added", tuple(added(name))) for name in sorted(set(new) - set(old))]
    out += [Change(name, "removed") for name in sorted(set(old) - set(new))]
    for name in sorted(set(old) & set(new)):
        details = changed(name)
        if details:
            out.append(Change(name, "changed", tuple(details)))
    return out


def _http(op: Mapping[str, Any]) -> str:
    return f"{op['http']['method']} {op['http']['requestUri']}"


def _operations(old: RawModel, new: RawModel) -> list[Change]:
    old_ops, new_ops = old.service["operations"], new.service["operations"]

    def added(name: str) -> list[str]:
        op = new_ops[name]
        shapes = f"input `{op['input']['shape']}`"
        if "output" in op:
            shapes += f", output `{op['output']['shape']}`"
        return [f"`{_http(op)}`, method `{naming.snake_case(name)}`", shapes]

    def changed(name: str) -> list[str]:
        a, b = old_ops[name], new_ops[name]
        details = []
        if _http(a) != _http(b):
            details.append(f"request `{_http(a)}` → `{_http(b)}`")
        old_code, new_code = a["http"].get("responseCode", 200), b["http"].get("responseCode", 200)
        if old_code != new_code:
            details.append(f"success status {old_code} → {new_code}")
        for side in ("input", "output"):
            old_shape = a.get(side, {}).get("shape")
            new_shape = b.get(side, {}).get("shape")
            if old_shape != new_shape:
                details.append(f"{side} `{_bound(old_shape)}` → `{_bound(new_shape)}`")
        if bool(a.get("deprecated")) != bool(b.get("deprecated")):
            details.append("now deprecated" if b.get("deprecated") else "no longer deprecated")
        if a.get("endpoint") != b.get("endpoint"):
            details.append("endpoint host prefix changed")
        return details

    return _section(old_ops, new_ops, added, changed)


def _shape_section(
    old: RawModel,
    new: RawModel,
    select: Callable[[Mapping[str, Any]], bool],
    added: Callable[[str], Sequence[str]],
    changed: Callable[[str], Sequence[str]],
) -> list[Change]:
    def selected(raw: RawModel) -> dict[str, Any]:
        return {name: s for name, s in raw.service["shapes"].items() if select(s)}

    return _section(selected(old), selected(new), added, changed)


def _raisers(raw: RawModel) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for op_name, op in sorted(raw.service["operations"].items()):
        for error in op.get("errors", ()):
            out.setdefault(error["shape"], []).append(op_name)
    return out


def _names(items: Iterable[str]) -> str:
    return ", ".join(f"`{item}`" for item in items)


def _status(shape: Mapping[str, Any]) -> int:
    status: int = shape.get("error", {}).get("httpStatusCode", 400)
    return status


def _errors(old: RawModel, new: RawModel) -> list[Change]:
    old_shapes, new_shapes = old.service["shapes"], new.service["shapes"]
    old_raisers, new_raisers = _raisers(old), _raisers(new)
    new_ops = set(new.service["operations"]) - set(old.service["operations"])

    def raised_by(ops: list[str]) -> str:
        if not ops:
            return "raised by no operation"
        return "raised by " + ", ".join(
            f"`{op}`" + (" (new)" if op in new_ops else "") for op in ops
        )

    def added(name: str) -> list[str]:
        shape = new_shapes[name]
        return [f"HTTP {_status(shape)}", raised_by(new_raisers.get(name, []))]

    def changed(name: str) -> list[str]:
        a, b = old_shapes[name], new_shapes[name]
        details = []
        if _status(a) != _status(b):
            details.append(f"HTTP status {_status(a)} → {_status(b)}")
        details += member_changes(old_shapes, new_shapes, a, b)
        before, after = set(old_raisers.get(name, [])), new_raisers.get(name, [])
        gained = [op for op in after if op not in before]
        lost = sorted(before - set(after))
        if gained:
            details.append("now also " + raised_by(gained))
        if lost:
            details.append("no longer raised by " + _names(lost))
        return details

    return _shape_section(old, new, is_error, added, changed)


def _structures(old: RawModel, new: RawModel) -> list[Change]:
    old_shapes, new_shapes = old.service["shapes"], new.service["shapes"]
    return _shape_section(
        old,
        new,
        is_structure,
        lambda name: member_summary(new_shapes, new_shapes[name]),
        lambda name: member_changes(old_shapes, new_shapes, old_shapes[name], new_shapes[name]),
    )


def _enums(old: RawModel, new: RawModel) -> list[Change]:
    old_shapes, new_shapes = old.service["shapes"], new.service["shapes"]

    def changed(name: str) -> list[str]:
        before, after = old_shapes[name]["enum"], new_shapes[name]["enum"]
        return [f"added `{v}`" for v in after if v not in before] + [
            f"removed `{v}`" for v in before if v not in after
        ]

    return _shape_section(
        old, new, is_enum, lambda name: ["values " + _names(new_shapes[name]["enum"])], changed
    )


def _users(shapes: Shapes, target: str) -> list[str]:
    """``Structure.Member`` names whose value is ``target`` (or a list or map of it)."""
    holders = {target}
    for name, shape in shapes.items():
        refs = [shape.get(key, {}).get("shape") for key in ("member", "value")]
        if target in refs:
            holders.add(name)
    return sorted(
        f"{name}.{member}"
        for name, shape in shapes.items()
        if shape["type"] == "structure"
        for member, ref in shape.get("members", {}).items()
        if ref["shape"] in holders
    )


def _constraints(old: RawModel, new: RawModel) -> list[Change]:
    old_shapes, new_shapes = old.service["shapes"], new.service["shapes"]
    out = []
    for name in sorted(set(old_shapes) & set(new_shapes)):
        a, b = old_shapes[name], new_shapes[name]
        if a["type"] == "structure" or b["type"] == "structure":
            continue
        details = constraint_changes(a, b)
        if a["type"] != b["type"]:
            details.insert(0, f"type {a['type']} → {b['type']}")
        if not details:
            continue
        users = _users(new_shapes, name)
        if users:
            shown = users[:6]
            more = f" and {len(users) - len(shown)} more" if len(users) > len(shown) else ""
            details.append(f"used by {_names(shown)}{more}")
        out.append(Change(name, "changed", tuple(details)))
    return out


def _paginators(old: RawModel, new: RawModel) -> list[Change]:
    a, b = old.paginators.get("pagination", {}), new.paginators.get("pagination", {})

    def added(name: str) -> list[str]:
        return [f"{key} `{value}`" for key, value in sorted(b[name].items())]

    def changed(name: str) -> list[str]:
        return [
            f"{key} `{_bound(a[name].get(key))}` → `{_bound(b[name].get(key))}`"
            for key in sorted(set(a[name]) | set(b[name]))
            if a[name].get(key) != b[name].get(key)
        ]

    return _section(a, b, added, changed)


def _acceptor(acceptor: Mapping[str, Any]) -> str:
    matcher, expected = acceptor["matcher"], acceptor["expected"]
    if matcher == "error":
        condition = {False: "the call succeeds", True: "the call fails"}.get(
            expected, f"the call raises `{expected}`"
        )
    elif matcher == "status":
        condition = f"the HTTP status is {expected}"
    else:
        which = {"pathAny": "any of ", "pathAll": "all of "}.get(matcher, "")
        condition = f"{which}`{acceptor.get('argument', '')}` is `{expected}`"
    return f"{acceptor['state']} when {condition}"


def _waiters(old: RawModel, new: RawModel) -> list[Change]:
    a, b = old.waiters.get("waiters", {}), new.waiters.get("waiters", {})

    def polls(spec: Mapping[str, Any]) -> str:
        return (
            f"polls `{spec['operation']}` every {spec['delay']} s, "
            f"at most {spec['maxAttempts']} times"
        )

    def added(name: str) -> list[str]:
        method = f"; method `wait_until_{naming.snake_case(name)}`"
        return [polls(b[name]) + method, *(_acceptor(x) for x in b[name]["acceptors"])]

    def changed(name: str) -> list[str]:
        old_spec, new_spec = a[name], b[name]
        details = []
        if polls(old_spec) != polls(new_spec):
            details.append(f"{polls(old_spec)} → {polls(new_spec)}")
        before = [_acceptor(x) for x in old_spec["acceptors"]]
        after = [_acceptor(x) for x in new_spec["acceptors"]]
        details += [f"acceptor added: {x}" for x in after if x not in before]
        details += [f"acceptor removed: {x}" for x in before if x not in after]
        if not details and before != after:
            details.append("acceptors reordered (the first that matches decides)")
        return details

    return _section(a, b, added, changed)


def _documentation(old: RawModel, new: RawModel) -> list[str]:
    out = []
    old_ops, new_ops = old.service["operations"], new.service["operations"]
    for name in sorted(set(old_ops) & set(new_ops)):
        if old_ops[name].get("documentation") != new_ops[name].get("documentation"):
            out.append(name)
    old_shapes, new_shapes = old.service["shapes"], new.service["shapes"]
    for name in sorted(set(old_shapes) & set(new_shapes)):
        if _documentation_changed(old_shapes[name], new_shapes[name]):
            out.append(name)
    return out


def _ordered(changes: list[Change]) -> tuple[Change, ...]:
    """Additions, then removals, then changes; by name within each."""
    rank = {"added": 0, "removed": 1, "changed": 2}
    return tuple(sorted(changes, key=lambda c: (rank[c.kind], c.name)))


def diff_models(old: RawModel, new: RawModel) -> ModelDiff:
    other = []
    if old.service.get("metadata") != new.service.get("metadata"):
        other.append("service metadata")
    if old.endpoint_rules != new.endpoint_rules:
        other.append("endpoint rule set")
    if old.partitions != new.partitions:
        other.append("partitions")
    return ModelDiff(
        old_version=old.botocore_version,
        new_version=new.botocore_version,
        old_counts=counts(old),
        new_counts=counts(new),
        operations=_ordered(_operations(old, new)),
        structures=_ordered(_structures(old, new)),
        enums=_ordered(_enums(old, new)),
        errors=_ordered(_errors(old, new)),
        paginators=_ordered(_paginators(old, new)),
        waiters=_ordered(_waiters(old, new)),
        constraints=tuple(_constraints(old, new)),
        other=tuple(other),
        documentation=tuple(_documentation(old, new)),
        service_documentation=old.service.get("documentation") != new.service.get("documentation"),
    )
