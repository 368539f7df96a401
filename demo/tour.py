"""A guided tour of lambda_client (``make demo``).

Without configuration it runs against an embedded Lambda endpoint: moto's
server, started in this process on 127.0.0.1, in its Docker-free mode
(functions "run" by echoing their payload). With ``LAMBDA_DEMO_ROLE_ARN``
set (an execution role for the demo function) it runs against the endpoint
and credentials your environment configures: real AWS, or whatever
``AWS_ENDPOINT_URL_LAMBDA`` points at.
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
import time
import uuid
import zipfile
from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

from lambda_client import ClientConfig, LambdaClient, errors
from lambda_client.testing import LocalLambda

T = TypeVar("T")

HANDLER = """
import json

def handler(event, context):
    print("hello from the demo function")
    return {"greeting": "hello " + str(event.get("name", "world"))}
"""


def say(text: str = "") -> None:
    print(text, flush=True)


def step(title: str) -> None:
    say()
    say(f"== {title}")


def zipped_handler() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", HANDLER)
    return buffer.getvalue()


async def with_progress(label: str, work: Awaitable[T]) -> T:
    """Await ``work`` while printing a progress line, so waiting is visible."""
    started = time.monotonic()
    task = asyncio.ensure_future(work)
    if not sys.stdout.isatty():
        say(f"   {label} ...")
        result = await task
        say(f"   done in {time.monotonic() - started:.1f}s")
        return result
    frames = "|/-\\"
    tick = 0
    while not task.done():
        elapsed = time.monotonic() - started
        sys.stdout.write(f"\r   {label} {frames[tick % 4]} {elapsed:4.1f}s")
        sys.stdout.flush()
        tick += 1
        await asyncio.wait({task}, timeout=0.2)
    sys.stdout.write(f"\r   {label} done in {time.monotonic() - started:.1f}s\n")
    return task.result()


async def tour(client: LambdaClient, role_arn: str) -> None:
    name = f"lambda-client-demo-{uuid.uuid4().hex[:8]}"
    created: list[str] = []
    try:
        step("Create a function")
        fn = await client.create_function(
            function_name=name,
            runtime="python3.12",
            role=role_arn,
            handler="app.handler",
            code=_code(zipped_handler()),
            description="created by the lambda_client demo",
            memory_size=128,
            timeout=10,
        )
        created.append(name)
        say(f"   {fn.function_name}: runtime={fn.runtime} state={fn.state}")
        say(f"   request id {fn.response_metadata and fn.response_metadata.request_id}")

        step("Wait until it is active")
        active = await with_progress(
            "waiting for State=Active", client.wait_until_function_active_v2(function_name=name)
        )
        assert active.configuration is not None
        say(f"   state={active.configuration.state}")

        step("Invoke it")
        out = await client.invoke(function_name=name, payload={"name": "demo"}, log_type="Tail")
        say(
            f"   status={out.status_code} version={out.executed_version} error={out.function_error}"
        )
        say(f"   payload={out.payload!r}")
        if out.log_text:
            say("   log tail: " + out.log_text.strip().replace("\n", "\n             "))

        step("Stream a response")
        try:
            streamed = await client.invoke_with_response_stream(function_name=name, payload=b"{}")
            async with streamed.event_stream as events:
                async for event in events:
                    say(f"   event: {type(event).__name__}")
        except errors.ServiceError as e:
            say(f"   this endpoint does not stream ({type(e).__name__}, HTTP {e.status_code})")

        step("Page through functions")
        for index in range(3):
            extra = f"{name}-page-{index}"
            await client.create_function(
                function_name=extra,
                runtime="python3.12",
                role=role_arn,
                handler="app.handler",
                code=_code(zipped_handler()),
            )
            created.append(extra)
        pages = client.paginate_list_functions(page_size=2)
        async for number, page in _enumerate(pages.pages()):
            names = [f.function_name for f in page.functions or []]
            say(f"   page {number}: {names}")
            if len(names) > 2:
                say("   (this endpoint ignores MaxItems and answers with one page)")

        step("Publish a version and point an alias at it")
        version = await client.publish_version(function_name=name, description="v1")
        alias = await client.create_alias(
            function_name=name, name="live", function_version=version.version or "1"
        )
        say(f"   version {version.version}; alias {alias.name} -> {alias.function_version}")

        step("Provoke typed errors")
        try:
            await client.get_function(function_name=f"{name}-missing")
        except errors.ResourceNotFoundException as e:
            say(f"   {type(e).__name__}: HTTP {e.status_code}, {e.message}")
        try:
            await client.update_function_configuration(function_name=name, memory_size=1)
        except errors.ParamValidationError as e:
            say(f"   ParamValidationError before sending: {e.errors}")
    finally:
        step("Clean up")
        for function in reversed(created):
            try:
                await client.delete_function(function_name=function)
                say(f"   deleted {function}")
            except errors.LambdaClientError as e:
                say(f"   could not delete {function}: {e}")


def _code(zip_bytes: bytes) -> Any:
    from lambda_client import models

    return models.FunctionCode(zip_file=zip_bytes)


async def _enumerate(source: AsyncIterator[T]) -> AsyncIterator[tuple[int, T]]:
    number = 0
    async for item in source:
        number += 1
        yield number, item


async def main() -> None:
    role = os.environ.get("LAMBDA_DEMO_ROLE_ARN")
    if role:
        say("Running against your configured AWS endpoint and credentials.")
        async with LambdaClient() as client:
            say(f"   endpoint {client.endpoint_url}")
            await tour(client, role)
        return
    say("Running against an embedded local Lambda endpoint (moto, 127.0.0.1).")
    say("Set LAMBDA_DEMO_ROLE_ARN to run the same tour against AWS.")
    with LocalLambda() as local:
        role = local.execution_role()
        async with LambdaClient(
            **local.client_args(), config=ClientConfig(max_attempts=2)
        ) as client:
            say(f"   endpoint {client.endpoint_url}")
            await tour(client, role)


if __name__ == "__main__":
    asyncio.run(main())
