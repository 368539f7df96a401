"""The lowering's type decisions: guaranteed output members, covariant
collection inputs with converters, enum checks that know their enum."""

from __future__ import annotations

from codegen.ir import Member, Structure
from codegen.load import load_model
from codegen.lower import lower
from codegen.render import argument_annotation, field_annotation, field_arguments
from codegen.wire import (
    inline_enums,
    inline_reader,
    member_statement,
    reader_enums,
    reader_statements,
)

SERVICE = lower(load_model())
STRUCTURES = {s.name: s for s in SERVICE.structures}


def _member(structure: str, wire: str) -> Member:
    return next(m for m in STRUCTURES[structure].members if m.wire_name == wire)


def _sent(structure: Structure) -> bool:
    return structure.enforce_required


def test_exactly_the_bindings_that_are_always_there_are_guaranteed() -> None:
    guaranteed = {
        (s.name, m.wire_name, m.location, m.default, m.factory)
        for s in SERVICE.structures
        for m in s.members
        if m.guaranteed
    }
    assert guaranteed == {
        ("DeleteFunctionResponse", "StatusCode", "statusCode", "200", None),
        ("InvocationResponse", "StatusCode", "statusCode", "200", None),
        ("InvocationResponse", "Payload", "payload", 'b""', None),
        ("InvokeAsyncResponse", "Status", "statusCode", "202", None),
        ("InvokeResponseStreamUpdate", "Payload", "eventpayload", 'b""', None),
        ("InvokeWithResponseStreamResponse", "StatusCode", "statusCode", "200", None),
        ("InvokeWithResponseStreamResponse", "EventStream", "eventstream", None, "no_events"),
    }


def test_headers_body_members_and_inputs_are_never_guaranteed() -> None:
    for s in SERVICE.structures:
        for m in s.members:
            if m.location in ("header", "body", "uri", "querystring") or _sent(s):
                assert not m.guaranteed, (s.name, m.wire_name)
    # The request's raw payload stays optional: it is sent only when given.
    assert field_annotation(_member("InvocationRequest", "Payload")) == "bytes | None"


def test_guaranteed_members_render_without_none() -> None:
    status = _member("InvocationResponse", "StatusCode")
    assert field_annotation(status) == "int"
    assert field_arguments(status).startswith("default=200, ")
    stream = _member("InvokeWithResponseStreamResponse", "EventStream")
    assert field_annotation(stream).startswith("EventStream[")
    assert field_arguments(stream).startswith("factory=no_events, eq=False, ")
    # The readers start these members from their empty values.
    assert member_statement(_member("InvocationResponse", "Payload")) == 'obj.payload = b""'
    assert member_statement(stream) == "obj.event_stream = no_events()"
    assert member_statement(_member("InvocationResponse", "FunctionError")) == (
        "obj.function_error = None"
    )


def test_collection_inputs_are_covariant_and_outputs_concrete() -> None:
    layers = _member("CreateFunctionRequest", "Layers")
    assert layers.type.annotation == "list[str]"
    assert argument_annotation(layers) == "SequenceNotStr[str] | None"
    tags = _member("CreateFunctionRequest", "Tags")
    assert argument_annotation(tags) == "Mapping[str, str] | None"
    archs = _member("CreateFunctionRequest", "Architectures")
    assert argument_annotation(archs) == "SequenceNotStr[Architecture | str] | None"
    endpoints = _member("SelfManagedEventSource", "Endpoints")
    assert argument_annotation(endpoints) == (
        "Mapping[EndPointType | str, SequenceNotStr[str]] | None"
    )
    assert field_annotation(endpoints) == "dict[EndPointType, list[str]] | None"
    resource_tags = _member("TagResourceRequest", "Tags")
    assert argument_annotation(resource_tags) == "Mapping[str, str]"


def test_every_collection_of_a_sent_structure_has_a_converter() -> None:
    for s in SERVICE.structures:
        for m in s.members:
            if m.type.kind in ("list", "map") and _sent(s):
                assert m.converter == f"_to_{m.attr}", (s.name, m.attr)
                assert m.converter_body is not None
            else:
                assert m.converter_body is None, (s.name, m.attr)
    assert _member("VpcConfig", "SubnetIds").converter_body == "_c.to_list(value)"
    assert _member("CreateFunctionRequest", "Architectures").converter_body == (
        "_c.to_list(value, to_architecture)"
    )
    assert _member("SelfManagedEventSource", "Endpoints").converter_body == (
        "_c.to_dict(value, to_end_point_type, _c.to_list)"
    )
    # The enum converters a body uses are imported by its module.
    assert "to_end_point_type" in STRUCTURES["SelfManagedEventSource"].converters


def test_output_only_collections_keep_their_enum_converters() -> None:
    archs = _member("FunctionConfiguration", "Architectures")
    assert archs.converter == "to_architecture_list" and archs.converter_body is None


def test_enum_checks_name_their_enum() -> None:
    assert "_v.EnumStr(Runtime)" in field_arguments(_member("CreateFunctionRequest", "Runtime"))
    endpoints = field_arguments(_member("SelfManagedEventSource", "Endpoints"))
    assert "_v.MapOf(_v.EnumStr(EndPointType), " in endpoints


def test_small_flat_structures_are_read_in_place() -> None:
    inlined = {
        (s.name, m.wire_name)
        for s in SERVICE.structures
        for m in s.members
        if inline_reader(m, STRUCTURES) is not None
    }
    assert ("FunctionConfiguration", "TracingConfig") in inlined
    assert ("FunctionConfiguration", "EphemeralStorage") in inlined
    # Hold structures of their own (their errors), so their readers are called.
    assert ("FunctionConfiguration", "Environment") not in inlined
    assert ("GetFunctionResponse", "Code") not in inlined
    # Too large to repeat in every holder.
    assert ("GetFunctionResponse", "Configuration") not in inlined
    for holder, wire in inlined:
        held = STRUCTURES[_member(holder, wire).type.shape]
        assert len(held.members) <= 8
        assert all(m.location == "body" and m.type.kind != "structure" for m in held.members)
    # Lists keep calling the item's reader.
    assert inline_reader(_member("FunctionConfiguration", "Layers"), STRUCTURES) is None


def test_a_reader_imports_the_enums_of_what_it_reads_in_place() -> None:
    # FunctionConfiguration's own members use no SnapStartApplyOn; the
    # inlined SnapStartResponse does.
    config = STRUCTURES["FunctionConfiguration"]
    assert "SnapStartApplyOn" not in config.enums
    assert "SnapStartApplyOn" in inline_enums(config, STRUCTURES)
    assert "SnapStartApplyOn" in reader_enums(config, STRUCTURES)
    lines = "\n".join(reader_statements(config, STRUCTURES))
    assert "SnapStartResponse._from_wire" not in lines
    assert "_new(SnapStartResponse)" in lines
    assert "EnvironmentResponse._from_wire(v)" in lines
