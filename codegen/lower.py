"""Lowers botocore's JSON model into the IR."""

from __future__ import annotations

from typing import Any

from attrs import evolve as attrs_evolve

from . import customizations, docs, naming
from .ir import (
    EnumShape,
    EnumValue,
    ErrorShape,
    Member,
    Operation,
    Paginator,
    Service,
    Structure,
    TypeRef,
    Waiter,
    WaiterAcceptor,
)
from .load import RawModel

_SCALARS = {
    "string": "str",
    "integer": "int",
    "long": "int",
    "double": "float",
    "float": "float",
    "boolean": "bool",
    "blob": "bytes",
    "timestamp": "datetime",
}


class _Lowering:
    def __init__(self, raw: RawModel) -> None:
        self.raw = raw
        self.shapes: dict[str, dict[str, Any]] = raw.service["shapes"]
        self.input_reachable = self._reachable("input")
        self.output_reachable = self._reachable("output")
        self.output_shapes = {
            op["output"]["shape"] for op in raw.service["operations"].values() if "output" in op
        }
        # Input shape -> the request URIs of the operations that take it.
        self.input_uris: dict[str, list[str]] = {}
        for op in raw.service["operations"].values():
            if "input" in op:
                uris = self.input_uris.setdefault(op["input"]["shape"], [])
                uris.append(op["http"]["requestUri"])
                if len(uris) > 1:
                    # Its _to_http writes one operation's URI (codegen/writers.py).
                    raise ValueError(f"{op['input']['shape']} is the input of two operations")
        # Output shape -> the modelled success statuses of its operations.
        self.success_codes: dict[str, set[int]] = {}
        for op in raw.service["operations"].values():
            if "output" in op:
                codes = self.success_codes.setdefault(op["output"]["shape"], set())
                codes.add(op["http"].get("responseCode", 200))
        # Enum name -> converter kinds the models need ("scalar", "list", "key").
        self.converter_kinds: dict[str, set[str]] = {}

    def _reachable(self, side: str) -> set[str]:
        seen: set[str] = set()

        def walk(name: str) -> None:
            if name in seen:
                return
            seen.add(name)
            shape = self.shapes[name]
            for key in ("member", "key", "value"):
                if key in shape:
                    walk(shape[key]["shape"])
            for member in shape.get("members", {}).values():
                walk(member["shape"])

        for op in self.raw.service["operations"].values():
            if side in op:
                walk(op[side]["shape"])
        return seen

    # -- types ---------------------------------------------------------------

    def type_ref(self, name: str) -> TypeRef:
        shape = self.shapes[name]
        kind = shape["type"]
        bounds = {"min": shape.get("min"), "max": shape.get("max")}
        sensitive = bool(shape.get("sensitive"))
        if kind == "string" and "enum" in shape:
            # Open for forward compatibility: values newer than the model are str.
            return TypeRef("enum", name, name, f"{name} | str", sensitive=sensitive, **bounds)
        if kind in _SCALARS:
            scalar = _SCALARS[kind]
            return TypeRef(kind, name, scalar, scalar, sensitive=sensitive, **bounds)
        # Outputs hold concrete lists and dicts; inputs take the covariant
        # abstract types, so a Sequence[str] or a Mapping[str, str] is accepted
        # (SequenceNotStr: any Sequence but a str, which type checkers reject).
        if kind == "list":
            item = self.type_ref(shape["member"]["shape"])
            return TypeRef(
                "list",
                name,
                f"list[{item.annotation}]",
                f"SequenceNotStr[{item.input_annotation}]",
                item=item,
                sensitive=sensitive or item.sensitive,
                **bounds,
            )
        if kind == "map":
            key = self.type_ref(shape["key"]["shape"])
            value = self.type_ref(shape["value"]["shape"])
            return TypeRef(
                "map",
                name,
                f"dict[{key.annotation}, {value.annotation}]",
                f"Mapping[{key.input_annotation}, {value.input_annotation}]",
                key=key,
                value=value,
                sensitive=sensitive or value.sensitive,
                **bounds,
            )
        if kind == "structure":
            if shape.get("eventstream"):
                events = tuple((wire, m["shape"]) for wire, m in shape["members"].items())
                union = f"EventStream[{' | '.join(shape for _, shape in events)}]"
                return TypeRef("eventstream", name, union, union, events=events)
            return TypeRef("structure", name, name, name, sensitive=sensitive)
        raise ValueError(f"unsupported shape type {kind!r} for {name}")

    def converter_for(self, ref: TypeRef) -> str | None:
        """Enum fields accept plain strings: the constructor converts them."""
        if ref.kind == "enum":
            self.converter_kinds.setdefault(ref.shape, set()).add("scalar")
            return f"to_{naming.snake_case(ref.shape)}"
        if ref.kind == "list" and ref.item is not None and ref.item.kind == "enum":
            self.converter_kinds.setdefault(ref.item.shape, set()).add("list")
            return f"to_{naming.snake_case(ref.item.shape)}_list"
        if ref.kind == "map" and ref.key is not None and ref.key.kind == "enum":
            self.converter_kinds.setdefault(ref.key.shape, set()).add("key")
            return f"to_{naming.snake_case(ref.key.shape)}_keyed"
        return None

    def item_converter(self, ref: TypeRef, depth: int = 0) -> str | None:
        """A callable (Python source) converting one value of ``ref`` as a
        constructor would, or None when the value is stored as given."""
        if ref.kind == "enum":
            self.converter_kinds.setdefault(ref.shape, set()).add("scalar")
            return f"to_{naming.snake_case(ref.shape)}"
        if ref.kind in ("list", "map"):
            var = f"v{depth}"
            call = self.collection_call(ref, var, depth + 1)
            return (
                f"lambda {var}: {call}"
                if call != f"_c.to_{ref.kind}({var})"
                else f"_c.to_{ref.kind}"
            )
        return None

    def collection_call(self, ref: TypeRef, source: str, depth: int = 0) -> str:
        """``source`` (any Sequence/Mapping) as the list/dict ``ref`` declares."""
        if ref.kind == "list":
            assert ref.item is not None
            item = self.item_converter(ref.item, depth)
            return f"_c.to_list({source}{'' if item is None else ', ' + item})"
        assert ref.key is not None and ref.value is not None
        key = self.item_converter(ref.key, depth)
        value = self.item_converter(ref.value, depth)
        if key is None and value is None:
            return f"_c.to_dict({source})"
        return f"_c.to_dict({source}, {key}, {value})"

    def guarantee(
        self, shape_name: str, location: str, ref: TypeRef
    ) -> tuple[str | None, str | None] | None:
        """(default, factory) when the binding puts the member in every
        response (docs/design/codegen.md, "Members that are always there")."""
        if shape_name in self.input_reachable or shape_name not in self.output_reachable:
            # A shape callers also send keeps its members optional: a default
            # there would be sent.
            return None
        if location == "statusCode" and shape_name in self.success_codes:
            # Built by hand (a stub's answer), it is the operation's success status.
            codes = self.success_codes[shape_name]
            if len(codes) != 1:
                raise ValueError(f"{shape_name}: outputs operations of success codes {codes}")
            return str(next(iter(codes))), None
        if location in ("payload", "eventpayload") and ref.kind == "blob":
            return 'b""', None
        if location == "eventstream":
            return None, "no_events"
        return None

    # -- structures ----------------------------------------------------------

    def members(self, shape_name: str, *, enforce_required: bool) -> tuple[Member, ...]:
        shape = self.shapes[shape_name]
        required = set(shape.get("required", ()))
        out = []
        for wire, spec in shape["members"].items():
            ref = self.type_ref(spec["shape"])
            location = spec.get("location", "body")
            if shape.get("payload") == wire:
                location = "payload"
            if ref.kind == "eventstream":
                location = "eventstream"
            if spec.get("eventpayload"):
                location = "eventpayload"
            attr = naming.attribute_name(wire)
            guaranteed = self.guarantee(shape_name, location, ref)
            if enforce_required and ref.kind in ("list", "map"):
                converter, body = f"_to_{attr}", self.collection_call(ref, "value")
            else:
                converter, body = self.converter_for(ref), None
            out.append(
                Member(
                    wire_name=wire,
                    attr=attr,
                    type=ref,
                    location=location,
                    location_name=spec.get("locationName", wire),
                    required=enforce_required and wire in required,
                    nullable=enforce_required
                    and wire in required
                    and shape_name in self.output_reachable,
                    documentation=docs.to_text(spec.get("documentation")),
                    idempotency_token=bool(spec.get("idempotencyToken")),
                    converter=converter,
                    guaranteed=guaranteed is not None,
                    default=guaranteed[0] if guaranteed else None,
                    factory=guaranteed[1] if guaranteed else None,
                    converter_body=body,
                    documented_limit=_documented_limit(shape_name, wire),
                )
            )
        # Required members first keeps the generated signatures readable.
        out.sort(key=lambda m: (not m.required,))
        return tuple(out)

    def structure(self, name: str) -> Structure:
        shape = self.shapes[name]
        enforce = name in self.input_reachable
        members = self.members(name, enforce_required=enforce)
        refs: set[str] = set()
        enums: set[str] = set()
        uses_dt = False
        uses_stream = False

        def collect(ref: TypeRef) -> None:
            nonlocal uses_dt, uses_stream
            if ref.kind == "structure":
                refs.add(ref.shape)
            elif ref.kind == "enum":
                enums.add(ref.shape)
            elif ref.kind == "timestamp":
                uses_dt = True
            elif ref.kind == "eventstream":
                uses_stream = True
                for event in self.shapes[ref.shape]["members"].values():
                    refs.add(event["shape"])
            for sub in (ref.item, ref.key, ref.value):
                if sub is not None:
                    collect(sub)

        for member in members:
            collect(member.type)
        module = naming.snake_case(name)
        if module in customizations.RESERVED_MODULES:
            raise ValueError(f"structure {name} would shadow module {module}")
        return Structure(
            name=name,
            module=module,
            members=members,
            documentation=docs.to_text(shape.get("documentation")),
            enforce_required=enforce,
            references=tuple(sorted(refs)),
            enums=tuple(sorted(enums)),
            converters=tuple(sorted(_enum_converters(members))),
            deprecated=bool(shape.get("deprecated")),
            uses_datetime=uses_dt,
            uses_eventstream=uses_stream,
            is_output=name in self.output_shapes,
            reads_wire=name in self.output_reachable,
            request_uri=self.input_uris.get(name, [None])[0],
            text_properties=tuple(
                (prop, naming.attribute_name(member))
                for shape_name, prop, member in customizations.BASE64_TEXT_PROPERTIES
                if shape_name == name
            ),
        )

    def error(self, name: str) -> ErrorShape:
        shape = self.shapes[name]
        return ErrorShape(
            name=name,
            status=shape.get("error", {}).get("httpStatusCode", 400),
            fault="server" if shape.get("fault") else "client",
            throttling=name in customizations.THROTTLING_ERRORS,
            members=self.members(name, enforce_required=False),
            documentation=docs.to_text(shape.get("documentation")),
        )

    def enum(self, name: str) -> EnumShape:
        shape = self.shapes[name]
        values = tuple(EnumValue(naming.enum_member_name(v), v) for v in shape["enum"])
        names = [v.name for v in values]
        if len(set(names)) != len(names):
            raise ValueError(f"enum {name} has colliding member names: {names}")
        return EnumShape(
            name=name,
            values=values,
            documentation=docs.to_text(shape.get("documentation")),
            converters=tuple(sorted(self.converter_kinds.get(name, ()))),
        )

    def operation(self, name: str, structures: dict[str, Structure]) -> Operation:
        op = self.raw.service["operations"][name]
        input_struct = structures[op["input"]["shape"]]
        flexible = {wire for op_name, wire in customizations.FLEXIBLE_PAYLOADS if op_name == name}
        if flexible:
            members = tuple(
                attrs_evolve(m, flexible_payload=True) if m.wire_name in flexible else m
                for m in input_struct.members
            )
            input_struct = attrs_evolve(input_struct, members=members)
        output_struct = structures[op["output"]["shape"]] if "output" in op else None
        payload = next((m.attr for m in input_struct.members if m.location == "payload"), None)
        streaming = output_struct is not None and any(
            m.location == "eventstream" for m in output_struct.members
        )
        return Operation(
            name=name,
            method_name=naming.snake_case(name),
            constant=naming.constant_name(name),
            http_method=op["http"]["method"],
            uri=op["http"]["requestUri"],
            success_code=op["http"].get("responseCode", 200),
            input=input_struct,
            output=output_struct,
            errors=tuple(e["shape"] for e in op.get("errors", ())),
            documentation=docs.to_text(op.get("documentation")),
            deprecated=bool(op.get("deprecated")),
            invokes_function=name in customizations.INVOKE_OPERATIONS,
            payload=payload,
            streaming_output=streaming,
        )


def _enum_converters(members: tuple[Member, ...]) -> set[str]:
    """The converters of ``enums`` that a structure's members use, directly
    or inside their collection converters."""
    names = {m.converter for m in members if m.converter and not m.converter_body}

    def walk(ref: TypeRef) -> None:
        if ref.kind == "enum":
            names.add(f"to_{naming.snake_case(ref.shape)}")
        for sub in (ref.item, ref.key, ref.value):
            if sub is not None:
                walk(sub)

    for m in members:
        if m.converter_body:
            walk(m.type)
    return names


def _paginator(name: str, spec: dict[str, Any], op: Operation) -> Paginator:
    members = {m.wire_name: m for m in op.input.members}
    assert op.output is not None
    outputs = {m.wire_name: m for m in op.output.members}
    for key in ("input_token", "output_token", "limit_key", "result_key"):
        if not isinstance(spec.get(key), str):
            raise ValueError(f"paginator {name}: {key} must be a single member name")
    result = outputs[spec["result_key"]]
    if result.type.item is None:
        raise ValueError(f"paginator {name}: result key {spec['result_key']} is not a list")
    arguments = tuple(
        m for wire, m in members.items() if wire not in (spec["input_token"], spec["limit_key"])
    )
    clash = {m.attr for m in arguments} & set(customizations.PAGINATOR_ARGUMENTS)
    if clash:
        raise ValueError(f"paginator {name}: arguments {clash} clash with paging controls")
    return Paginator(
        name=name,
        method_name="paginate_" + op.method_name,
        operation=op,
        arguments=arguments,
        input_token=members[spec["input_token"]].attr,
        limit_key=members[spec["limit_key"]].attr,
        output_token=outputs[spec["output_token"]].attr,
        result_attr=result.attr,
        item_annotation=result.type.item.annotation,
        limit_wire=spec["limit_key"],
        output_wire=spec["output_token"],
    )


def _response_path(
    op: Operation, argument: str, structures: dict[str, Structure]
) -> tuple[str, ...]:
    """``Configuration.State`` -> ("configuration", "state"), checked against the shapes."""
    struct = op.output
    attrs: list[str] = []
    for step in argument.split("."):
        if struct is None or not step.isidentifier():
            raise ValueError(f"waiter path {argument!r} is not a plain member path")
        member = next((m for m in struct.members if m.wire_name == step), None)
        if member is None:
            raise ValueError(f"waiter path {argument!r}: no member {step} in {struct.name}")
        attrs.append(member.attr)
        struct = structures.get(member.type.shape) if member.type.kind == "structure" else None
    return tuple(attrs)


def _waiter(
    name: str, spec: dict[str, Any], op: Operation, structures: dict[str, Structure]
) -> Waiter:
    clash = {m.attr for m in op.input.members} & set(customizations.WAITER_ARGUMENTS)
    if clash:
        raise ValueError(f"waiter {name}: arguments {clash} clash with waiter controls")
    acceptors = []
    for acceptor in spec["acceptors"]:
        matcher = {"pathAny": "path_any", "pathAll": "path_all"}.get(
            acceptor["matcher"], acceptor["matcher"]
        )
        if matcher not in ("path", "path_any", "path_all", "error", "status"):
            raise ValueError(f"waiter {name}: unsupported matcher {acceptor['matcher']}")
        argument = acceptor.get("argument", "")
        path = _response_path(op, argument, structures) if matcher.startswith("path") else ()
        expected = acceptor["expected"]
        if matcher == "error":
            what = {False: "the call succeeds", True: "the call fails"}.get(
                expected, f"the call raises {expected}"
            )
        else:
            what = f"{argument or 'status'} is {expected}"
        acceptors.append(
            WaiterAcceptor(
                state=acceptor["state"],
                matcher=matcher,
                expected=repr(expected),
                path=path,
                description=what,
            )
        )
    return Waiter(
        name=name,
        method_name="wait_until_" + naming.snake_case(name),
        operation=op,
        delay=spec["delay"],
        max_attempts=spec["maxAttempts"],
        description=spec.get("description", ""),
        acceptors=tuple(acceptors),
        may_return_none=any(
            a["matcher"] == "error" and a["state"] == "success" and a["expected"] is not False
            for a in spec["acceptors"]
        ),
    )


def lower(raw: RawModel) -> Service:
    low = _Lowering(raw)
    shapes = low.shapes
    structures = {
        name: low.structure(name)
        for name in sorted(shapes)
        if shapes[name]["type"] == "structure" and not shapes[name].get("exception")
    }
    errors = tuple(low.error(name) for name in sorted(shapes) if shapes[name].get("exception"))
    # Enums last: lowering the structures recorded which converters they use.
    enums = tuple(
        low.enum(name)
        for name in sorted(shapes)
        if shapes[name]["type"] == "string" and "enum" in shapes[name]
    )
    operations = tuple(
        low.operation(name, structures) for name in sorted(raw.service["operations"])
    )
    by_name = {op.name: op for op in operations}
    paginators = tuple(
        _paginator(name, spec, by_name[name])
        for name, spec in sorted(raw.paginators["pagination"].items())
    )
    waiter_specs = {**raw.waiters["waiters"], **customizations.EXTRA_WAITERS}
    waiters = tuple(
        _waiter(name, spec, by_name[spec["operation"]], structures)
        for name, spec in sorted(waiter_specs.items())
    )
    meta = raw.service["metadata"]
    return Service(
        botocore_version=raw.botocore_version,
        api_version=meta["apiVersion"],
        signing_name=meta["signingName"],
        structures=tuple(structures.values()),
        enums=enums,
        errors=errors,
        operations=operations,
        paginators=paginators,
        waiters=waiters,
    )


def _documented_limit(shape: str, member: str) -> tuple[int, str, str] | None:
    limit = customizations.DOCUMENTED_LIMITS.get((shape, member))
    return None if limit is None else (limit.maximum, limit.unit, limit.source)
