"""A program written the way the README and the guides use the client.

It must type-check under ``mypy --strict`` and pyright's strict mode with no
error and no ignore comment. ``assert_type`` pins what a user relies on:
the members every response has are not Optional, the others are, and
outputs hold concrete lists and dicts.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, assert_type

from lambda_client import (
    BlockingLambdaClient,
    ClientConfig,
    Credentials,
    LambdaClient,
    errors,
    models,
)


async def deploy(
    client: LambdaClient,
    *,
    name: str,
    zip_file: bytes,
    layers: Sequence[str],
    env: Mapping[str, str],
    tags: Mapping[str, str],
) -> str | None:
    """Collections come in as the caller has them: Sequence and Mapping."""
    created = await client.create_function(
        function_name=name,
        role="arn:aws:iam::123456789012:role/service-role",
        code=models.FunctionCode(zip_file=zip_file),
        runtime=models.Runtime.PYTHON3_12,
        handler="app.handler",
        layers=layers,
        environment=models.Environment(variables=env),
        vpc_config=models.VpcConfig(subnet_ids=("subnet-1", "subnet-2"), security_group_ids=[]),
        architectures=("arm64",),
        tags=tags,
    )
    assert_type(created.layers, list[models.Layer] | None)
    await client.update_function_configuration(
        function_name=name,
        runtime="python3.13",  # enums stay open: a plain str is accepted
        environment=models.Environment(variables=MappingProxyType({"LEVEL": "debug"})),
        layers=[*layers, "arn:aws:lambda:us-east-1:123456789012:layer:extra:1"],
    )
    await client.tag_resource(resource=created.function_arn or name, tags={"team": "core"})
    await client.untag_resource(resource=created.function_arn or name, tag_keys=("team",))
    return created.function_arn


async def inspect(client: LambdaClient) -> None:
    fn = await client.get_function(function_name="my-fn")
    assert_type(fn, models.GetFunctionResponse)
    assert_type(fn.configuration, models.FunctionConfiguration | None)
    config = fn.configuration
    if config is not None:
        runtime = config.runtime
        assert_type(runtime, models.Runtime | None)
        if runtime is not None and runtime.is_unknown:
            print("a runtime newer than this client:", runtime.value)
        print(config.function_name, config.state, config.memory_size)
        for arch in config.architectures or []:
            assert_type(arch, models.Architecture)
    tags = fn.tags or {}
    assert_type(tags, dict[str, str])
    if fn.response_metadata is not None:
        print(fn.response_metadata.request_id, fn.response_metadata.attempts)


async def invoke(client: LambdaClient) -> Any:
    out = await client.invoke(function_name="my-fn", payload={"x": 1}, log_type="Tail")
    assert_type(out.status_code, int)
    assert_type(out.payload, bytes)
    assert_type(out.function_error, str | None)
    assert_type(out.log_text, str | None)
    if out.function_error is not None:
        raise RuntimeError(out.function_error)
    await client.invoke(function_name="my-fn", payload=b'{"x": 1}', invocation_type="Event")
    await client.invoke(function_name="my-fn", payload='{"x": 1}')
    return json.loads(out.payload) if out.payload else None


async def stream(client: LambdaClient) -> str:
    resp = await client.invoke_with_response_stream(function_name="f", payload={"q": 1})
    assert_type(resp.status_code, int)
    parts: list[str] = []
    async with resp.event_stream as events:
        async for event in events:
            if isinstance(event, models.InvokeResponseStreamUpdate):
                assert_type(event.payload, bytes)
                parts.append(event.payload.decode())
            else:
                assert_type(event, models.InvokeWithResponseStreamCompleteEvent)
                print(event.error_code, event.log_text)
    return "".join(parts)


async def paginate(client: LambdaClient) -> list[str]:
    names: list[str] = []
    async for fn in client.paginate_list_functions(page_size=50, max_items=500):
        assert_type(fn, models.FunctionConfiguration)
        names.append(fn.function_name or "?")
    async for page in client.paginate_list_versions_by_function(function_name="f").pages():
        assert_type(page.versions, list[models.FunctionConfiguration] | None)
        print(len(page.versions or []), page.next_marker)
    everything = await client.paginate_list_aliases(function_name="f").all()
    assert_type(everything, list[models.AliasConfiguration])
    return names


async def wait(client: LambdaClient) -> None:
    active = await client.wait_until_function_active_v2(function_name="f")
    assert_type(active, models.GetFunctionResponse)
    await client.wait_until_function_updated_v2(function_name="f", timeout=120)
    gone = await client.wait_until_function_deleted(function_name="f")
    assert_type(gone, models.GetFunctionResponse | None)


async def handle_errors(client: LambdaClient) -> None:
    try:
        await client.update_function_configuration(function_name="f", memory_size=64)
    except errors.ParamValidationError as e:
        problems: list[tuple[str, str]] = e.errors
        print(problems)
    try:
        await client.get_function(function_name="missing")
    except errors.ResourceNotFoundException as e:
        print(e.code, e.message, e.status_code, e.request_id, e.type)
        code: str = e.response["Error"]["Code"]
        print(code)
    except errors.TooManyRequestsException as e:
        assert_type(e.retry_after_seconds, str | None)
        assert_type(e.reason, models.ThrottleReason | None)
    except errors.ServiceError as e:
        print(e.attempts, e.retry_stop_reason)
    except errors.TransportError as e:
        print(e.request_sent)
    except errors.LambdaClientError:
        raise


def dicts() -> None:
    config = models.from_dict(
        models.FunctionConfiguration, {"FunctionName": "f", "Runtime": "python3.12"}
    )
    assert_type(config, models.FunctionConfiguration)
    data: dict[str, Any] = models.to_dict(config)
    print(data["FunctionName"])


def blocking() -> None:
    with BlockingLambdaClient(region="us-east-1") as client:
        out = client.invoke(function_name="f", payload=b"{}")
        assert_type(out.payload, bytes)
        resp = client.invoke_with_response_stream(function_name="f")
        for event in resp.event_stream:
            print(type(event).__name__)
        for fn in client.paginate_list_functions():
            print(fn.function_name)


async def main() -> None:
    config = ClientConfig(
        connect_timeout=5.0,
        read_timeout=None,
        max_attempts=5,
        retry_mode="adaptive",
        strict_enums=True,
        validate_params=True,
    )
    credentials = Credentials(access_key_id="AKID", secret_access_key="secret")
    async with LambdaClient(region="us-east-1", config=config, credentials=credentials) as client:
        arn = await deploy(
            client,
            name="f",
            zip_file=b"PK",
            layers=("arn:aws:lambda:us-east-1:123456789012:layer:base:3",),
            env=MappingProxyType({"MODE": "prod"}),
            tags={"team": "core"},
        )
        print(arn)
        await inspect(client)
        print(await invoke(client), await stream(client), await paginate(client))
        await wait(client)
        await handle_errors(client)
    dicts()
    blocking()


if __name__ == "__main__":
    asyncio.run(main())
