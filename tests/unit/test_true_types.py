"""Types that are true at run time: members every response has are set,
collection inputs take any Sequence/Mapping (never a str for a list), and
strict enums reject what the model does not know before anything is sent."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from urllib.parse import parse_qsl

import attrs
import pytest

from lambda_client import ClientConfig, Credentials, LambdaClient, errors, models
from lambda_client._runtime.frame_encoder import encode_message
from lambda_client._runtime.http import HttpRequest, HttpResponse
from tests.fakes import FakeTransport, json_response

CREDS = Credentials(access_key_id="AKID", secret_access_key="SECRET")


class Layers(Sequence[str]):
    """A Sequence that is neither a list nor a tuple."""

    def __init__(self, *items: str) -> None:
        self._items = items

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)


class Tags(Mapping[str, str]):
    """A Mapping that is not a dict."""

    def __init__(self, **items: str) -> None:
        self._items = items

    def __getitem__(self, key: str) -> str:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def _client(transport: FakeTransport, **config: bool) -> LambdaClient:
    return LambdaClient(
        region="us-east-1",
        credentials=CREDS,
        transport=transport,
        config=ClientConfig(**config),
    )


def _body(request: HttpRequest) -> dict[str, object]:
    data: dict[str, object] = json.loads(request.body)
    return data


# -- members every response has ---------------------------------------------------


@pytest.mark.parametrize(("status", "body"), [(200, b""), (202, b""), (204, b"")])
async def test_invoke_payload_is_bytes_and_status_is_the_http_status(
    status: int, body: bytes
) -> None:
    transport = FakeTransport(lambda _r: json_response(status, body))
    async with _client(transport) as client:
        out = await client.invoke(function_name="f")
    assert out.payload == b""
    assert type(out.payload) is bytes
    assert out.status_code == status


async def test_invoke_payload_is_the_raw_body() -> None:
    transport = FakeTransport(lambda _r: json_response(200, b'{"ok": true}'))
    async with _client(transport) as client:
        out = await client.invoke(function_name="f")
    assert (out.status_code, out.payload) == (200, b'{"ok": true}')


async def test_status_bound_members_of_other_operations() -> None:
    transport = FakeTransport(lambda _r: json_response(204, b""))
    async with _client(transport) as client:
        deleted = await client.delete_function(function_name="f")
    assert deleted.status_code == 204
    transport.responder = lambda _r: json_response(202, b'{"Status": 999}')
    async with _client(transport) as client:
        queued = await client.invoke_async(function_name="f", invoke_args=b"{}")
    # Bound to the status line, not to the body's key of the same name.
    assert queued.status == 202


def _frames(*chunks: bytes) -> bytes:
    out = b"".join(
        encode_message(
            {
                ":message-type": "event",
                ":event-type": "PayloadChunk",
                ":content-type": "application/octet-stream",
            },
            chunk,
        )
        for chunk in chunks
    )
    complete = json.dumps({"ErrorCode": "", "LogResult": ""}).encode()
    return out + encode_message(
        {":message-type": "event", ":event-type": "InvokeComplete", ":content-type": "json"},
        complete,
    )


async def test_event_stream_is_set_when_the_transport_read_the_body_whole() -> None:
    # FakeTransport answers with a whole body even for a streaming call.
    transport = FakeTransport(lambda _r: json_response(200, _frames(b"ab", b"")))
    async with _client(transport) as client:
        resp = await client.invoke_with_response_stream(function_name="f")
        events = [event async for event in resp.event_stream]
    chunks = [e for e in events if isinstance(e, models.InvokeResponseStreamUpdate)]
    assert [c.payload for c in chunks] == [b"ab", b""]
    assert all(type(c.payload) is bytes for c in chunks)
    assert isinstance(events[-1], models.InvokeWithResponseStreamCompleteEvent)


async def test_event_stream_of_an_empty_body_ends_at_once() -> None:
    transport = FakeTransport(lambda _r: json_response(204, b""))
    async with _client(transport) as client:
        resp = await client.invoke_with_response_stream(function_name="f", invocation_type="DryRun")
        assert [event async for event in resp.event_stream] == []
    assert resp.status_code == 204


async def test_outputs_built_by_hand_have_the_guaranteed_members() -> None:
    out = models.InvocationResponse()
    assert (out.status_code, out.payload) == (200, b"")
    assert models.InvokeAsyncResponse().status == 202
    assert models.InvokeResponseStreamUpdate().payload == b""
    streamed = models.InvokeWithResponseStreamResponse(status_code=200)
    assert [event async for event in streamed.event_stream] == []
    # Live streams are not values: equal outputs stay equal.
    assert streamed == models.InvokeWithResponseStreamResponse()
    # boto3's dicts always carry StatusCode and Payload.
    assert models.to_dict(out) == {"StatusCode": 200, "Payload": b""}


def test_guaranteed_members_are_not_optional_in_annotations() -> None:
    hints = {
        cls.__name__: {f.name: f.type for f in attrs.fields(attrs.resolve_types(cls))}
        for cls in (
            models.InvocationResponse,
            models.InvokeWithResponseStreamResponse,
            models.DeleteFunctionResponse,
        )
    }
    assert hints["InvocationResponse"]["status_code"] is int
    assert hints["InvocationResponse"]["payload"] is bytes
    assert hints["DeleteFunctionResponse"]["status_code"] is int
    stream = hints["InvokeWithResponseStreamResponse"]["event_stream"]
    assert type(None) not in getattr(stream, "__args__", ())
    # Headers are not guaranteed.
    assert hints["InvocationResponse"]["function_error"] == str | None


# -- collection inputs --------------------------------------------------------------


async def test_any_sequence_and_mapping_is_sent_as_a_list_and_an_object() -> None:
    transport = FakeTransport()
    async with _client(transport) as client:
        await client.update_function_configuration(
            function_name="f",
            layers=Layers("arn:l:1", "arn:l:2"),
            environment=models.Environment(variables=MappingProxyType({"A": "1"})),
            vpc_config=models.VpcConfig(subnet_ids=("s-1",), security_group_ids=()),
        )
        await client.tag_resource(resource="arn:f", tags=Tags(team="a", env="b"))
        await client.untag_resource(resource="arn:f", tag_keys=("team", "env"))
        await client.create_event_source_mapping(
            function_name="f",
            self_managed_event_source=models.SelfManagedEventSource(
                endpoints=MappingProxyType({"KAFKA_BOOTSTRAP_SERVERS": ("b-1:9092",)})
            ),
            function_response_types=("ReportBatchItemFailures",),
        )
    update, tag, untag, mapping = transport.requests
    assert _body(update) == {
        "Layers": ["arn:l:1", "arn:l:2"],
        "Environment": {"Variables": {"A": "1"}},
        "VpcConfig": {"SubnetIds": ["s-1"], "SecurityGroupIds": []},
    }
    assert _body(tag) == {"Tags": {"team": "a", "env": "b"}}
    assert parse_qsl(untag.query) == [("tagKeys", "team"), ("tagKeys", "env")]
    assert _body(mapping) == {
        "FunctionName": "f",
        "SelfManagedEventSource": {"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["b-1:9092"]}},
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
    }


def test_constructors_store_the_concrete_types_their_attributes_declare() -> None:
    vpc = models.VpcConfig(subnet_ids=Layers("s-1"), security_group_ids=("g",))
    assert vpc.subnet_ids == ["s-1"] and type(vpc.subnet_ids) is list
    env = models.Environment(variables=Tags(A="1"))
    assert env.variables == {"A": "1"} and type(env.variables) is dict
    source = models.SelfManagedEventSource(endpoints={"KAFKA_BOOTSTRAP_SERVERS": ("b:1",)})
    assert source.endpoints == {models.EndPointType.KAFKA_BOOTSTRAP_SERVERS: ["b:1"]}
    (key,) = source.endpoints
    assert type(key) is models.EndPointType
    arch = models.CreateFunctionRequest(
        function_name="f", role="r", code=models.FunctionCode(), architectures=("arm64",)
    )
    assert arch.architectures == [models.Architecture.ARM64]
    # A list given as a list is kept as it is (no copy on the common path).
    subnets = ["s-1"]
    assert models.VpcConfig(subnet_ids=subnets).subnet_ids is subnets


@pytest.mark.parametrize("value", ["arn:l:1", b"arn:l:1", bytearray(b"x"), {"arn:l:1"}])
async def test_a_str_or_bytes_or_set_is_not_a_list(value: object) -> None:
    transport = FakeTransport()
    async with _client(transport) as client:
        with pytest.raises(errors.ParamValidationError) as info:
            await client.update_function_configuration(function_name="f", layers=value)  # type: ignore[arg-type]
    assert info.value.errors == [("layers", f"expected list, got {type(value).__name__}")]
    assert transport.requests == []


async def test_a_str_is_not_a_list_anywhere() -> None:
    transport = FakeTransport()
    async with _client(transport) as client:
        with pytest.raises(errors.ParamValidationError) as info:
            await client.create_function(
                function_name="f",
                role="r",
                code=models.FunctionCode(zip_file=b"x"),
                vpc_config=models.VpcConfig(subnet_ids="subnet-123"),  # type: ignore[arg-type]
                architectures="arm64",  # type: ignore[arg-type]
            )
        with pytest.raises(errors.ParamValidationError) as untag:
            await client.untag_resource(resource="arn:f", tag_keys="team")  # type: ignore[arg-type]
    assert info.value.errors == [
        ("vpc_config.subnet_ids", "expected list, got str"),
        ("architectures", "expected list, got str"),
    ]
    assert untag.value.errors == [("tag_keys", "expected list, got str")]
    assert transport.requests == []


async def test_a_str_assigned_after_construction_is_rejected_too() -> None:
    # Assignment skips the converter (models are plain slots); validation does not.
    vpc = models.VpcConfig(subnet_ids=["s-1"])
    vpc.subnet_ids = "subnet-1"  # type: ignore[assignment]
    transport = FakeTransport()
    async with _client(transport) as client:
        with pytest.raises(errors.ParamValidationError) as info:
            await client.update_function_configuration(function_name="f", vpc_config=vpc)
    assert info.value.errors == [("vpc_config.subnet_ids", "expected list, got str")]


# -- strict enums -----------------------------------------------------------------


async def test_unknown_enum_values_are_sent_by_default() -> None:
    transport = FakeTransport()
    async with _client(transport) as client:
        await client.update_function_configuration(function_name="f", runtime="python9.99")
    assert _body(transport.requests[0]) == {"Runtime": "python9.99"}


async def test_strict_enums_reject_unknown_values_naming_the_parameter() -> None:
    transport = FakeTransport()
    async with _client(transport, strict_enums=True) as client:
        with pytest.raises(errors.ParamValidationError) as info:
            await client.create_function(
                function_name="f",
                role="r",
                code=models.FunctionCode(zip_file=b"x"),
                runtime="python9.99",
                architectures=("arm65",),
                logging_config=models.LoggingConfig(log_format="XML"),
            )
    problems = dict(info.value.errors)
    assert set(problems) == {"runtime", "architectures[0]", "logging_config.log_format"}
    assert problems["architectures[0]"] == (
        "'arm65' is not a known Architecture value; allowed: 'x86_64', 'arm64'"
    )
    assert problems["logging_config.log_format"] == (
        "'XML' is not a known LogFormat value; allowed: 'JSON', 'Text'"
    )
    runtime = problems["runtime"]
    assert runtime.startswith("'python9.99' is not a known Runtime value; allowed: ")
    allowed = {v.strip(" '") for v in runtime.split("allowed: ")[1].split(",")}
    assert allowed == {m.value for m in models.Runtime}
    assert "python3.12" in allowed
    assert "runtime: 'python9.99'" in str(info.value)
    assert transport.requests == []


async def test_strict_enums_accept_known_values_and_members() -> None:
    transport = FakeTransport()
    async with _client(transport, strict_enums=True) as client:
        await client.update_function_configuration(
            function_name="f", runtime=models.Runtime.PYTHON3_12
        )
        await client.update_function_code(function_name="f", architectures=["arm64"])
        await client.create_event_source_mapping(
            function_name="f",
            self_managed_event_source=models.SelfManagedEventSource(
                endpoints={"KAFKA_BOOTSTRAP_SERVERS": ["b:1"]}
            ),
        )
    assert len(transport.requests) == 3


async def test_strict_enums_reject_parsed_unknown_members_and_unknown_map_keys() -> None:
    # A value parsed from a newer service is a pseudo-member; strict mode
    # still knows it is not one of the model's.
    newer = models.Runtime("python9.99")
    assert newer.is_unknown
    transport = FakeTransport()
    async with _client(transport, strict_enums=True) as client:
        with pytest.raises(errors.ParamValidationError) as info:
            await client.update_function_configuration(function_name="f", runtime=newer)
        with pytest.raises(errors.ParamValidationError) as keyed:
            await client.create_event_source_mapping(
                function_name="f",
                self_managed_event_source=models.SelfManagedEventSource(
                    endpoints={"ZOOKEEPER": ["z:1"]}
                ),
            )
    assert [path for path, _ in info.value.errors] == ["runtime"]
    assert keyed.value.errors == [
        (
            "self_managed_event_source.endpoints key 'ZOOKEEPER'",
            "'ZOOKEEPER' is not a known EndPointType value; allowed: 'KAFKA_BOOTSTRAP_SERVERS'",
        )
    ]
    assert transport.requests == []


async def test_strict_enums_are_checked_with_validation_only() -> None:
    transport = FakeTransport()
    async with _client(transport, strict_enums=True, validate_params=False) as client:
        await client.update_function_configuration(function_name="f", runtime="python9.99")
    assert len(transport.requests) == 1


def test_responses_with_unknown_values_still_parse_in_strict_mode() -> None:
    # Strictness is about what is sent; what the service answers is never rejected.
    response = HttpResponse(status=200, headers={}, body=b'{"Runtime": "python9.99"}')
    from lambda_client._generated import operations
    from lambda_client._runtime.response_binding import parse_output

    out = parse_output(
        operations.GET_FUNCTION_CONFIGURATION, response, operations.SERVICE.error_classes
    )
    assert out.runtime == "python9.99" and out.runtime.is_unknown


def _collection_fields() -> list[tuple[str, attrs.Attribute[object]]]:
    found = []
    for name in models.__all__:
        cls = getattr(models, name)
        if not attrs.has(cls):
            continue
        for f in attrs.fields(cls):
            if getattr(f.converter, "__name__", "").startswith("_to_"):
                found.append((name, f))
    return found


def test_every_collection_converter_stores_lists_and_dicts_and_keeps_wrong_types() -> None:
    fields = _collection_fields()
    # Every list and map member of every structure callers send (41 today).
    assert len(fields) >= 40
    for name, f in fields:
        convert = f.converter
        assert callable(convert)
        check = f.metadata["check"]
        where = f"{name}.{f.name}"
        if type(check).__name__ == "ListOf":
            converted = convert(("a", "b"))
            assert type(converted) is list and converted == ["a", "b"], where
        else:
            converted = convert(MappingProxyType({"KAFKA_BOOTSTRAP_SERVERS": ("a",)}))
            assert type(converted) is dict and len(converted) == 1, where
        for wrong in ("abc", b"abc", 3, {1, 2}):
            assert convert(wrong) is wrong, (where, wrong)
        assert convert(None) is None, where
