"""Explicit or environment credentials never import botocore, even for a real call."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import asyncio, os, sys
    from aiohttp import web

    import lambda_client
    from lambda_client import Credentials, LambdaClient

    async def handler(request):
        assert request.headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=")
        return web.json_response({"Configuration": {"FunctionName": "f"}})

    async def main():
        app = web.Application()
        app.router.add_get("/2015-03-31/functions/{name}", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        try:
            os.environ.update(AWS_ACCESS_KEY_ID="AKID", AWS_SECRET_ACCESS_KEY="SECRET")
            async with LambdaClient(region="us-east-1", endpoint_url=url) as client:
                out = await client.get_function(function_name="f")
                assert out.configuration.function_name == "f"
            creds = Credentials(access_key_id="A", secret_access_key="B")
            async with LambdaClient(region="us-east-1", endpoint_url=url, credentials=creds) as client:
                await client.get_function(function_name="f")
        finally:
            await runner.cleanup()

    asyncio.run(main())
    print("botocore" in sys.modules)
    """
)


def test_calls_with_env_or_explicit_credentials_do_not_import_botocore() -> None:
    env = {"PATH": "", "AWS_EC2_METADATA_DISABLED": "true", "HOME": "/nonexistent"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
