"""aiohttp is imported on the first request, in a worker thread.

Each check runs in a fresh interpreter: the test process itself has long
since imported aiohttp.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

_CONSTRUCT = """
import sys
import lambda_client
from lambda_client import Credentials, LambdaClient

client = LambdaClient(
    region="us-east-1",
    endpoint_url="http://127.0.0.1:9",
    credentials=Credentials(access_key_id="AKID", secret_access_key="secret"),
)
print(json.dumps(sorted(m for m in ("aiohttp", "yarl", "multidict", "cattrs", "orjson") if m in sys.modules)))
"""

# A raw asyncio server (no aiohttp) answering every request with a small
# GetFunction body; the audit hook records which thread imports aiohttp.
_FIRST_CALLS = """
import asyncio, sys, threading
from lambda_client import Credentials, LambdaClient

importers = []

def audit(event, args):
    # importlib.import_module raises no event for the package itself;
    # its client module comes in through an ordinary import statement.
    if event == "import" and args[0] == "aiohttp.client":
        importers.append(threading.current_thread() is threading.main_thread())

sys.addaudithook(audit)
BODY = b'{"Configuration": {"FunctionName": "f", "State": "Active"}}'

async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\\r\\n\\r\\n")
            if not head:
                break
            writer.write(
                b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\n"
                b"Content-Length: " + str(len(BODY)).encode() + b"\\r\\n\\r\\n" + BODY
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with LambdaClient(
        region="us-east-1",
        endpoint_url=f"http://127.0.0.1:{port}",
        credentials=Credentials(access_key_id="AKID", secret_access_key="secret"),
    ) as client:
        assert "aiohttp" not in sys.modules
        # The loop keeps running while aiohttp loads: a ticker counts.
        ticks = 0
        async def tick():
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)
        ticker = asyncio.create_task(tick())
        outs = await asyncio.gather(*(client.get_function(function_name="f") for _ in range(8)))
        ticker.cancel()
    server.close()
    await server.wait_closed()
    print(json.dumps({
        "names": sorted({o.configuration.function_name for o in outs}),
        "imports_on_main_thread": importers,
        "ticks": ticks,
    }))

asyncio.run(main())
"""


def _run(script: str) -> object:
    result = subprocess.run(
        [sys.executable, "-c", "import json\n" + textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_and_building_a_client_loads_no_http_stack() -> None:
    assert _run(_CONSTRUCT) == []


def test_first_calls_import_aiohttp_once_off_the_event_loop() -> None:
    out = _run(_FIRST_CALLS)
    assert isinstance(out, dict)
    assert out["names"] == ["f"]
    # One import, made by a worker thread, for eight concurrent first calls.
    assert out["imports_on_main_thread"] == [False]
    assert out["ticks"] > 0
