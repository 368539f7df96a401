"""LambdaClient against moto's Lambda server: every operation moto implements,
the paginators and waiters over them, and the error paths.

moto is not Lambda: where it answers differently (status codes, missing
fields, its own error codes, no paging), the tests accept what moto sends and
``MOTO_DIFFERENCES.md`` beside this file records it. The library has no
special cases for moto; a test failing here because the client rejects a
moto answer is a client bug to report, not a test to loosen.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import os
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from lambda_client import LambdaClient, errors, models

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("moto_env")]

# moto's default account, which its dummy credentials map to.
ACCOUNT = "123456789012"
RUNTIME = "python3.12"
HANDLER = "handler.handler"


def zip_of(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", source)
    return buffer.getvalue()


CODE_V1 = zip_of("def handler(event, context):\n    return event\n")
CODE_V2 = zip_of("def handler(event, context):\n    return {'wrapped': event}\n")


def lambda_arn(client: LambdaClient, resource: str) -> str:
    return f"arn:aws:lambda:{client.region}:{ACCOUNT}:{resource}"


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


async def make_function(
    client: LambdaClient, role_arn: str, name: str = "fn", **kwargs: Any
) -> models.FunctionConfiguration:
    return await client.create_function(
        function_name=name,
        runtime=RUNTIME,
        role=role_arn,
        handler=HANDLER,
        code=models.FunctionCode(zip_file=CODE_V1),
        **kwargs,
    )


def make_queue(aws: Any, name: str = "events") -> str:
    url = aws.sqs.create_queue(QueueName=name)["QueueUrl"]
    arn: str = aws.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    return arn


# -- functions ---------------------------------------------------------------


async def test_create_get_and_list_function(client: LambdaClient, role_arn: str) -> None:
    created = await make_function(
        client,
        role_arn,
        description="first",
        memory_size=256,
        timeout=30,
        environment=models.Environment(variables={"STAGE": "test"}),
        tags={"team": "core"},
    )
    # The region came from AWS_REGION and reached the signature's scope,
    # which is where moto reads it from (its own default is us-east-1).
    assert client.region == os.environ["AWS_REGION"] != "us-east-1"
    assert created.function_arn == lambda_arn(client, "function:fn")
    assert created.runtime == models.Runtime.PYTHON3_12
    assert created.memory_size == 256
    assert created.timeout == 30
    assert created.environment is not None
    assert created.environment.variables == {"STAGE": "test"}
    assert created.code_sha256 == sha256_b64(CODE_V1)
    assert created.code_size == len(CODE_V1)
    assert created.state == models.State.ACTIVE
    assert created.package_type == models.PackageType.ZIP
    assert created.architectures == [models.Architecture.X86_64]

    got = await client.get_function(function_name="fn")
    assert got.configuration is not None
    assert got.configuration.description == "first"
    assert got.configuration.last_update_status == models.LastUpdateStatus.SUCCESSFUL
    assert got.code is not None and got.code.repository_type == "S3"
    assert got.tags == {"team": "core"}
    assert got.response_metadata is not None
    assert got.response_metadata.http_status_code == 200

    by_arn = await client.get_function_configuration(function_name=created.function_arn or "")
    assert by_arn.function_name == "fn"
    assert by_arn.code_sha256 == created.code_sha256

    listed = await client.list_functions()
    assert [f.function_name for f in listed.functions or []] == ["fn"]


async def test_update_configuration_and_code_with_waiters(
    client: LambdaClient, role_arn: str
) -> None:
    await make_function(client, role_arn)
    active = await client.wait_until_function_active_v2(function_name="fn", timeout=10)
    assert active.configuration is not None
    assert active.configuration.state == models.State.ACTIVE
    active_v1 = await client.wait_until_function_active(function_name="fn", timeout=10)
    assert active_v1.state == models.State.ACTIVE

    updated = await client.update_function_configuration(
        function_name="fn",
        description="second",
        timeout=60,
        memory_size=512,
        environment=models.Environment(variables={"A": "1", "B": "2"}),
    )
    assert updated.description == "second"
    assert updated.timeout == 60
    assert updated.memory_size == 512
    assert updated.environment is not None
    assert updated.environment.variables == {"A": "1", "B": "2"}

    settled = await client.wait_until_function_updated_v2(function_name="fn", timeout=10)
    assert settled.configuration is not None
    assert settled.configuration.last_update_status == models.LastUpdateStatus.SUCCESSFUL
    assert settled.configuration.description == "second"
    settled_v1 = await client.wait_until_function_updated(function_name="fn", timeout=10)
    assert settled_v1.description == "second"

    recoded = await client.update_function_code(function_name="fn", zip_file=CODE_V2)
    assert recoded.code_sha256 == sha256_b64(CODE_V2)
    assert recoded.code_size == len(CODE_V2)
    again = await client.get_function_configuration(function_name="fn")
    assert again.code_sha256 == sha256_b64(CODE_V2)
    # A code update leaves the configuration alone.
    assert again.memory_size == 512


async def test_delete_function_and_existence_waiters(client: LambdaClient, role_arn: str) -> None:
    await make_function(client, role_arn)
    exists = await client.wait_until_function_exists(function_name="fn", timeout=10)
    assert exists.configuration is not None
    assert exists.configuration.function_name == "fn"

    deleted = await client.delete_function(function_name="fn")
    # The model says 200 with a StatusCode member bound to the status; moto answers 204.
    assert deleted.status_code == 204

    # Success on ResourceNotFoundException: there is no response to return.
    gone = await client.wait_until_function_deleted(function_name="fn", timeout=10)
    assert gone is None
    with pytest.raises(errors.ResourceNotFoundException):
        await client.get_function(function_name="fn")
    assert (await client.list_functions()).functions == []


async def test_exists_waiter_polls_until_the_function_appears(
    client: LambdaClient, role_arn: str
) -> None:
    # The waiter starts on a ResourceNotFoundException (a retry acceptor) and
    # must keep polling the real server until the function is there.
    waiter = asyncio.create_task(
        client.wait_until_function_exists(function_name="late", delay=0.05, timeout=10)
    )
    await asyncio.sleep(0.2)
    assert not waiter.done()
    await make_function(client, role_arn, "late")
    found = await waiter
    assert found.configuration is not None
    assert found.configuration.function_name == "late"


async def test_exists_waiter_times_out_with_the_last_error(client: LambdaClient) -> None:
    with pytest.raises(errors.WaiterTimeoutError) as caught:
        await client.wait_until_function_exists(function_name="never", delay=0.05, max_attempts=3)
    assert caught.value.attempts == 3
    assert isinstance(caught.value.last_error, errors.ResourceNotFoundException)


async def test_function_code_signing_config_is_empty(client: LambdaClient, role_arn: str) -> None:
    await make_function(client, role_arn)
    config = await client.get_function_code_signing_config(function_name="fn")
    assert config.function_name == "fn"
    assert not config.code_signing_config_arn


# -- invoke ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("invocation_type", "status"),
    [("RequestResponse", 200), ("Event", 202), ("DryRun", 204)],
)
async def test_invoke_each_invocation_type(
    client: LambdaClient, role_arn: str, invocation_type: str, status: int
) -> None:
    await make_function(client, role_arn)
    out = await client.invoke(function_name="fn", invocation_type=invocation_type, payload={"n": 1})
    assert out.status_code == status
    assert out.function_error is None
    if invocation_type == "RequestResponse":
        # The docker-free backend answers with the request payload.
        assert json.loads(out.payload or b"") == {"n": 1}


async def test_invoke_returns_the_queued_result_raw(
    client: LambdaClient, role_arn: str, moto_control: Any
) -> None:
    await make_function(client, role_arn)
    # Bytes that are not JSON: the payload is the raw body, never parsed.
    moto_control(
        "static/lambda-simple/response",
        {"results": ["not json \u00e9", '{"ok": true}'], "region": client.region},
    )
    first = await client.invoke(function_name="fn", payload=b"\x00\x01")
    second = await client.invoke(function_name="fn", payload="{}", log_type="Tail")
    assert first.payload == "not json \u00e9".encode()
    assert json.loads(second.payload or b"") == {"ok": True}
    assert second.log_text is None


async def test_invoke_qualified_by_version_and_alias(client: LambdaClient, role_arn: str) -> None:
    await make_function(client, role_arn)
    await client.publish_version(function_name="fn")
    await client.create_alias(function_name="fn", name="live", function_version="1")
    for qualifier in ("1", "live"):
        out = await client.invoke(function_name="fn", qualifier=qualifier, payload=[qualifier])
        assert out.status_code == 200
        assert json.loads(out.payload or b"") == [qualifier]
        # Real Lambda names the version that ran; moto sends no such header.
        assert out.executed_version is None


async def test_invoke_async_deprecated_operation(
    client: LambdaClient, role_arn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # moto runs InvokeAsync in Docker even in docker-free mode. Its server runs
    # in this process, so pointing the Docker client at a closed local port
    # keeps a machine that has Docker from pulling images for this test.
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:9")
    await make_function(client, role_arn)
    out = await client.invoke_async(function_name="fn", invoke_args={"x": 1})
    assert out.status == 202


async def test_invoke_async_unknown_function(client: LambdaClient) -> None:
    # Invoke itself cannot fail this way on moto's docker-free backend, which
    # answers without looking the function up; InvokeAsync does look it up.
    with pytest.raises(errors.ResourceNotFoundException) as caught:
        await client.invoke_async(function_name="missing", invoke_args={})
    assert caught.value.status_code == 404


# -- versions and aliases ----------------------------------------------------


async def test_versions_publish_list_get_delete(client: LambdaClient, role_arn: str) -> None:
    await make_function(client, role_arn)
    v1 = await client.publish_version(function_name="fn", description="one")
    assert v1.version == "1"
    assert v1.function_arn == lambda_arn(client, "function:fn:1")
    await client.update_function_code(function_name="fn", zip_file=CODE_V2)
    v2 = await client.publish_version(function_name="fn")
    assert v2.version == "2"
    assert v2.code_sha256 == sha256_b64(CODE_V2)

    ready = await client.wait_until_published_version_active(
        function_name="fn", qualifier="2", delay=0.1, timeout=10
    )
    assert ready.state == models.State.ACTIVE
    assert ready.version == "2"

    listed = await client.list_versions_by_function(function_name="fn")
    assert [v.version for v in listed.versions or []] == ["$LATEST", "1", "2"]

    old = await client.get_function(function_name="fn", qualifier="1")
    assert old.configuration is not None
    assert old.configuration.code_sha256 == sha256_b64(CODE_V1)
    by_suffix = await client.get_function_configuration(function_name="fn:2")
    assert by_suffix.version == "2"

    await client.delete_function(function_name="fn", qualifier="1")
    listed = await client.list_versions_by_function(function_name="fn")
    assert [v.version for v in listed.versions or []] == ["$LATEST", "2"]


async def test_alias_lifecycle(client: LambdaClient, role_arn: str) -> None:
    await make_function(client, role_arn)
    await client.publish_version(function_name="fn")
    await client.update_function_code(function_name="fn", zip_file=CODE_V2)
    await client.publish_version(function_name="fn")

    alias = await client.create_alias(
        function_name="fn",
        name="live",
        function_version="1",
        description="canary",
        routing_config=models.AliasRoutingConfiguration(additional_version_weights={"2": 0.25}),
    )
    assert alias.alias_arn == lambda_arn(client, "function:fn:live")
    assert alias.function_version == "1"
    assert alias.routing_config is not None
    assert alias.routing_config.additional_version_weights == {"2": 0.25}

    got = await client.get_alias(function_name="fn", name="live")
    assert got.description == "canary"
    assert got.revision_id

    updated = await client.update_alias(
        function_name="fn", name="live", function_version="2", description="promoted"
    )
    assert updated.function_version == "2"
    assert updated.description == "promoted"

    await client.create_alias(function_name="fn", name="old", function_version="1")
    listed = await client.list_aliases(function_name="fn")
    assert sorted(a.name or "" for a in listed.aliases or []) == ["live", "old"]

    await client.delete_alias(function_name="fn", name="old")
    with pytest.raises(errors.ResourceNotFoundException):
        await client.get_alias(function_name="fn", name="old")


# -- layers ------------------------------------------------------------------


async def test_layer_versions_and_their_permissions(client: LambdaClient, role_arn: str) -> None:
    first = await client.publish_layer_version(
        layer_name="shared",
        description="v1",
        content=models.LayerVersionContentInput(zip_file=CODE_V1),
        compatible_runtimes=[RUNTIME],
        compatible_architectures=["arm64"],
        license_info="MIT",
    )
    assert first.version == 1
    assert first.layer_arn == lambda_arn(client, "layer:shared")
    assert first.layer_version_arn == f"{first.layer_arn}:1"
    assert first.compatible_runtimes == [models.Runtime.PYTHON3_12]
    assert first.compatible_architectures == [models.Architecture.ARM64]
    assert first.content is not None
    assert first.content.code_sha256 == sha256_b64(CODE_V1)
    second = await client.publish_layer_version(
        layer_name="shared", content=models.LayerVersionContentInput(zip_file=CODE_V2)
    )
    assert second.version == 2

    got = await client.get_layer_version(layer_name="shared", version_number=1)
    assert got.description == "v1"
    assert got.license_info == "MIT"

    layers = await client.list_layers()
    assert [layer.layer_name for layer in layers.layers or []] == ["shared"]
    versions = await client.list_layer_versions(layer_name="shared")
    assert [v.version for v in versions.layer_versions or []] == [2, 1]

    granted = await client.add_layer_version_permission(
        layer_name="shared",
        version_number=1,
        statement_id="everyone",
        action="lambda:GetLayerVersion",
        principal="*",
    )
    assert json.loads(granted.statement or "")["Sid"] == "everyone"
    assert granted.revision_id
    policy = await client.get_layer_version_policy(layer_name="shared", version_number=1)
    assert [s["Sid"] for s in json.loads(policy.policy or "")["Statement"]] == ["everyone"]
    await client.remove_layer_version_permission(
        layer_name="shared", version_number=1, statement_id="everyone"
    )
    with pytest.raises(errors.ResourceNotFoundException):
        await client.get_layer_version_policy(layer_name="shared", version_number=1)

    fn = await make_function(client, role_arn, layers=[first.layer_version_arn or ""])
    assert [layer.arn for layer in fn.layers or []] == [first.layer_version_arn]

    await client.delete_layer_version(layer_name="shared", version_number=2)
    with pytest.raises(errors.ResourceNotFoundException):
        await client.get_layer_version(layer_name="shared", version_number=2)


# -- event source mappings ---------------------------------------------------


async def test_event_source_mapping_on_an_sqs_queue(
    client: LambdaClient, role_arn: str, aws: Any
) -> None:
    fn = await make_function(client, role_arn)
    queue_arn = make_queue(aws)

    created = await client.create_event_source_mapping(
        function_name="fn", event_source_arn=queue_arn, batch_size=5
    )
    assert created.uuid
    assert created.event_source_arn == queue_arn
    assert created.function_arn == fn.function_arn
    assert created.batch_size == 5
    assert created.state == "Enabled"
    # Epoch seconds, as the model says for this timestamp.
    assert isinstance(created.last_modified, datetime)
    uuid = created.uuid

    enabled = await client.wait_until_event_source_mapping_enabled(uuid=uuid, timeout=10)
    assert enabled.uuid == uuid
    got = await client.get_event_source_mapping(uuid=uuid)
    assert got.batch_size == 5

    by_function = await client.list_event_source_mappings(function_name="fn")
    by_source = await client.list_event_source_mappings(event_source_arn=queue_arn)
    assert [m.uuid for m in by_function.event_source_mappings or []] == [uuid]
    assert [m.uuid for m in by_source.event_source_mappings or []] == [uuid]

    updated = await client.update_event_source_mapping(uuid=uuid, enabled=False, batch_size=7)
    assert updated.batch_size == 7
    assert updated.state == "Disabled"
    disabled = await client.wait_until_event_source_mapping_disabled(uuid=uuid, timeout=10)
    assert disabled.state == "Disabled"

    deleting = await client.delete_event_source_mapping(uuid=uuid)
    assert deleting.state == "Deleting"
    await client.wait_until_event_source_mapping_deleted(uuid=uuid, timeout=10)
    with pytest.raises(errors.ResourceNotFoundException) as caught:
        await client.get_event_source_mapping(uuid=uuid)
    # This 404 has its own shape: a lower-case x-amzn-errortype header, a
    # text/html content type, and "Type"/"Message" in the body.
    assert caught.value.message == "The resource you requested does not exist."
    assert caught.value.type == "User"


# -- function URLs -----------------------------------------------------------


async def test_function_url_config_lifecycle(client: LambdaClient, role_arn: str) -> None:
    fn = await make_function(client, role_arn)
    created = await client.create_function_url_config(
        function_name="fn",
        auth_type="NONE",
        cors=models.Cors(allow_origins=["https://example.com"], max_age=60),
    )
    assert created.function_arn == fn.function_arn
    assert (created.function_url or "").startswith("https://")
    assert created.auth_type == models.FunctionUrlAuthType.NONE
    assert created.cors is not None
    assert created.cors.allow_origins == ["https://example.com"]
    # moto spells the default "Buffered" where the model has "BUFFERED": an
    # unknown enum value is kept as it came.
    assert created.invoke_mode == "Buffered"
    assert created.invoke_mode != models.InvokeMode.BUFFERED

    got = await client.get_function_url_config(function_name="fn")
    assert got.function_url == created.function_url
    assert got.cors is not None and got.cors.max_age == 60

    updated = await client.update_function_url_config(
        function_name="fn", auth_type="AWS_IAM", cors=models.Cors(allow_methods=["GET"])
    )
    assert updated.auth_type == models.FunctionUrlAuthType.AWS_IAM
    assert updated.cors is not None and updated.cors.allow_methods == ["GET"]

    await client.delete_function_url_config(function_name="fn")
    with pytest.raises(errors.ResourceNotFoundException):
        await client.get_function_url_config(function_name="fn")


# -- concurrency ---------------------------------------------------------------


async def test_reserved_concurrency(client: LambdaClient, role_arn: str) -> None:
    await make_function(client, role_arn)
    initial = await client.get_function_concurrency(function_name="fn")
    # moto sends an explicit null here.
    assert initial.reserved_concurrent_executions is None

    put = await client.put_function_concurrency(
        function_name="fn", reserved_concurrent_executions=10
    )
    assert put.reserved_concurrent_executions == 10
    got = await client.get_function_concurrency(function_name="fn")
    assert got.reserved_concurrent_executions == 10
    fn = await client.get_function(function_name="fn")
    assert fn.concurrency is not None
    assert fn.concurrency.reserved_concurrent_executions == 10

    await client.delete_function_concurrency(function_name="fn")
    got = await client.get_function_concurrency(function_name="fn")
    assert got.reserved_concurrent_executions is None


async def test_reserved_concurrency_beyond_the_account_quota(
    client: LambdaClient, role_arn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # moto enforces an account quota only when this is set; its server runs in
    # this process, so the test's environment is the server's.
    monkeypatch.setenv("MOTO_LAMBDA_CONCURRENCY_QUOTA", "1000")
    await make_function(client, role_arn)
    with pytest.raises(errors.InvalidParameterValueException) as caught:
        await client.put_function_concurrency(
            function_name="fn", reserved_concurrent_executions=950
        )
    assert caught.value.status_code == 400
    assert "UnreservedConcurrentExecution" in (caught.value.message or "")


# -- asynchronous invocation configuration -----------------------------------


async def test_function_event_invoke_config_lifecycle(
    client: LambdaClient, role_arn: str, aws: Any
) -> None:
    fn = await make_function(client, role_arn)
    queue_arn = make_queue(aws, "failures")

    put = await client.put_function_event_invoke_config(
        function_name="fn",
        maximum_retry_attempts=1,
        maximum_event_age_in_seconds=3600,
        destination_config=models.DestinationConfig(
            on_failure=models.OnFailure(destination=queue_arn)
        ),
    )
    assert put.maximum_retry_attempts == 1
    assert put.maximum_event_age_in_seconds == 3600
    assert put.destination_config is not None
    assert put.destination_config.on_failure is not None
    assert put.destination_config.on_failure.destination == queue_arn
    assert (put.function_arn or "").startswith(fn.function_arn or "-")

    got = await client.get_function_event_invoke_config(function_name="fn")
    assert got.maximum_event_age_in_seconds == 3600

    updated = await client.update_function_event_invoke_config(
        function_name="fn", maximum_retry_attempts=2
    )
    assert updated.maximum_retry_attempts == 2
    # Put answers LastModified in epoch seconds, Update in ISO 8601 text with
    # nanoseconds; both are the same kind of value to the caller.
    assert isinstance(put.last_modified, datetime) and put.last_modified.tzinfo is not None
    assert isinstance(updated.last_modified, datetime)
    assert updated.last_modified.tzinfo is not None
    assert abs((updated.last_modified - put.last_modified).total_seconds()) < 60

    # moto appends an update as a second config and keeps answering Get and
    # List with the first, so only the update's own answer shows the change.
    listed = await client.list_function_event_invoke_configs(function_name="fn")
    configs = listed.function_event_invoke_configs or []
    assert len(configs) == 1
    assert configs[0].function_arn == put.function_arn

    await client.delete_function_event_invoke_config(function_name="fn")
    with pytest.raises(errors.ResourceNotFoundException):
        await client.get_function_event_invoke_config(function_name="fn")


# -- tags and resource policies ----------------------------------------------


async def test_tags(client: LambdaClient, role_arn: str) -> None:
    fn = await make_function(client, role_arn, tags={"a": "1"})
    arn = fn.function_arn or ""
    await client.tag_resource(resource=arn, tags={"b": "2", "c": "3"})
    assert (await client.list_tags(resource=arn)).tags == {"a": "1", "b": "2", "c": "3"}
    await client.untag_resource(resource=arn, tag_keys=["a", "c"])
    assert (await client.list_tags(resource=arn)).tags == {"b": "2"}


async def test_permissions_and_policy(client: LambdaClient, role_arn: str) -> None:
    fn = await make_function(client, role_arn)
    added = await client.add_permission(
        function_name="fn",
        statement_id="from-bucket",
        action="lambda:InvokeFunction",
        principal="s3.amazonaws.com",
        source_arn="arn:aws:s3:::my-bucket",
        source_account=ACCOUNT,
    )
    statement = json.loads(added.statement or "")
    assert statement["Sid"] == "from-bucket"
    assert statement["Resource"] == fn.function_arn

    await client.add_permission(
        function_name="fn",
        statement_id="from-events",
        action="lambda:InvokeFunction",
        principal="events.amazonaws.com",
    )
    policy = await client.get_policy(function_name="fn")
    sids = [s["Sid"] for s in json.loads(policy.policy or "")["Statement"]]
    assert sids == ["from-bucket", "from-events"]
    assert policy.revision_id

    await client.remove_permission(function_name="fn", statement_id="from-bucket")
    policy = await client.get_policy(function_name="fn")
    assert [s["Sid"] for s in json.loads(policy.policy or "")["Statement"]] == ["from-events"]
    await client.remove_permission(function_name="fn", statement_id="from-events")
    with pytest.raises(errors.ResourceNotFoundException):
        await client.get_policy(function_name="fn")


# -- paginators ----------------------------------------------------------------


async def test_paginators_over_every_list_operation_moto_has(
    client: LambdaClient, role_arn: str, aws: Any
) -> None:
    names = [f"fn-{i}" for i in range(5)]
    for name in names:
        await make_function(client, role_arn, name)
    for i in range(3):
        # An unchanged function publishes no new version (moto agrees with Lambda).
        await client.update_function_configuration(function_name="fn-0", description=str(i))
        await client.publish_version(function_name="fn-0")
    for alias in ("a", "b", "c"):
        await client.create_alias(function_name="fn-0", name=alias, function_version="1")
    for _ in range(3):
        await client.publish_layer_version(
            layer_name="shared", content=models.LayerVersionContentInput(zip_file=CODE_V1)
        )
    await client.publish_layer_version(
        layer_name="other", content=models.LayerVersionContentInput(zip_file=CODE_V1)
    )
    queue_arn = make_queue(aws)
    for name in names[:3]:
        await client.create_event_source_mapping(function_name=name, event_source_arn=queue_arn)
    await client.put_function_event_invoke_config(function_name="fn-1", maximum_retry_attempts=0)

    cases: list[tuple[Any, Any, list[Any]]] = [
        (client.paginate_list_functions, lambda f: f.function_name, names),
        (
            lambda **kw: client.paginate_list_versions_by_function(function_name="fn-0", **kw),
            lambda v: v.version,
            ["$LATEST", "1", "2", "3"],
        ),
        (
            lambda **kw: client.paginate_list_aliases(function_name="fn-0", **kw),
            lambda a: a.name,
            ["a", "b", "c"],
        ),
        (client.paginate_list_layers, lambda layer: layer.layer_name, ["other", "shared"]),
        (
            lambda **kw: client.paginate_list_layer_versions(layer_name="shared", **kw),
            lambda v: v.version,
            [1, 2, 3],
        ),
        (
            lambda **kw: client.paginate_list_event_source_mappings(
                event_source_arn=queue_arn, **kw
            ),
            lambda m: m.function_arn.rsplit(":", 1)[-1],
            names[:3],
        ),
        (
            lambda **kw: client.paginate_list_function_event_invoke_configs(
                function_name="fn-1", **kw
            ),
            lambda c: c.maximum_retry_attempts,
            [0],
        ),
    ]
    for paginate, key, expected in cases:
        # moto ignores MaxItems and Marker: everything arrives in one page
        # without a NextMarker, and the paginator must stop there.
        pages = [page async for page in paginate(page_size=2).pages()]
        assert len(pages) == 1
        items = [item async for item in paginate(page_size=2)]
        assert sorted(key(item) for item in items) == sorted(expected)
        # max_items is enforced by the client even when the page holds more.
        capped = await paginate(page_size=2, max_items=1).all()
        assert len(capped) == 1
        assert key(capped[0]) in expected


# -- errors --------------------------------------------------------------------


async def test_not_found_is_typed_and_botocore_shaped(client: LambdaClient) -> None:
    with pytest.raises(errors.ResourceNotFoundException) as caught:
        await client.get_function(function_name="missing")
    error = caught.value
    assert isinstance(error, errors.ServiceError)
    assert error.code == "ResourceNotFoundException"
    assert error.status_code == 404
    assert error.message == f"Function not found: {lambda_arn(client, 'function:missing')}"
    assert error.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": error.message,
    }
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error.attempts == 1


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.get_function_configuration(function_name="missing"),
        lambda c: c.get_alias(function_name="missing", name="live"),
        lambda c: c.get_layer_version(layer_name="missing", version_number=1),
        lambda c: c.get_event_source_mapping(uuid="00000000-0000-0000-0000-000000000000"),
        lambda c: c.get_policy(function_name="missing"),
        lambda c: c.delete_function(function_name="missing"),
        lambda c: c.update_function_code(function_name="missing", zip_file=CODE_V1),
    ],
    ids=[
        "GetFunctionConfiguration",
        "GetAlias",
        "GetLayerVersion",
        "GetEventSourceMapping",
        "GetPolicy",
        "DeleteFunction",
        "UpdateFunctionCode",
    ],
)
async def test_other_not_found_answers(client: LambdaClient, call: Any) -> None:
    with pytest.raises(errors.ResourceNotFoundException) as caught:
        await call(client)
    assert caught.value.status_code == 404


async def test_already_exists_is_a_conflict(client: LambdaClient, role_arn: str) -> None:
    await make_function(client, role_arn)
    with pytest.raises(errors.ResourceConflictException) as caught:
        await make_function(client, role_arn)
    assert caught.value.status_code == 409
    assert caught.value.message == "Function already exist: fn"
    # An existing resource is not an update in progress: no retry was made.
    assert caught.value.attempts == 1


async def test_invalid_parameter_value(client: LambdaClient) -> None:
    with pytest.raises(errors.InvalidParameterValueException) as caught:
        await make_function(client, f"arn:aws:iam::{ACCOUNT}:role/does-not-exist")
    assert caught.value.status_code == 400
    assert "role" in (caught.value.message or "")


async def test_error_code_outside_the_model(client: LambdaClient) -> None:
    # The model's regex patterns are not checked client-side, so a malformed
    # role reaches moto, which answers with a code Lambda's model lacks.
    with pytest.raises(errors.UnknownServiceError) as caught:
        await make_function(client, "not-a-role-arn")
    assert caught.value.code == "ValidationException"
    assert caught.value.status_code == 400
    assert "not-a-role-arn" in (caught.value.message or "")


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.get_account_settings(),
        lambda c: c.list_function_url_configs(function_name="fn"),
        lambda c: c.put_provisioned_concurrency_config(
            function_name="fn", qualifier="1", provisioned_concurrent_executions=1
        ),
        lambda c: c.list_code_signing_configs(),
        lambda c: c.invoke_with_response_stream(function_name="fn", payload=b"{}"),
    ],
    ids=[
        "GetAccountSettings",
        "ListFunctionUrlConfigs",
        "PutProvisionedConcurrencyConfig",
        "ListCodeSigningConfigs",
        "InvokeWithResponseStream",
    ],
)
async def test_operation_moto_lacks_is_an_unknown_service_error(
    client: LambdaClient, role_arn: str, call: Any
) -> None:
    # moto's router answers an HTML 404 page with no error code: the client
    # falls back to the status as the code instead of failing to parse.
    await make_function(client, role_arn)
    with pytest.raises(errors.UnknownServiceError) as caught:
        await call(client)
    assert caught.value.status_code == 404
    assert caught.value.code == "404"


def test_every_operation_moto_implements_is_exercised() -> None:
    # A moto upgrade that implements more of Lambda fails here until this
    # suite calls the new operations.
    from botocore import xform_name
    from botocore.session import get_session
    from moto.awslambda.responses import LambdaResponse

    names = {xform_name(op) for op in get_session().get_service_model("lambda").operation_names}
    implemented = names & set(vars(LambdaResponse))
    source = Path(__file__).read_text()
    missing = sorted(name for name in implemented if f".{name}(" not in source)
    assert len(implemented) >= 48
    assert missing == []


async def test_client_side_validation_sends_nothing(client: LambdaClient) -> None:
    with pytest.raises(errors.ParamValidationError) as caught:
        await client.put_function_concurrency(function_name="fn", reserved_concurrent_executions=-1)
    assert caught.value.errors[0][0] == "reserved_concurrent_executions"
