"""The function-URL surface as a type checker sees user code: mypy --strict
accepts the documented calls and names the mistakes (the verbs' keywords
are typed through ``Unpack[RequestOptions]``, which only a checker sees)."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

USER_CODE = """
from lambda_client import BlockingLambdaClient, FunctionUrlResponse, LambdaClient, errors


async def main() -> None:
    async with LambdaClient(region="us-east-1") as client:
        furl = client.function_url("https://abc.lambda-url.us-east-1.on.aws/", auth="AWS_IAM")
        resp: FunctionUrlResponse = await furl.post("/orders", json={"id": 1}, params={"a": ["b", 2]})
        status: int = resp.status
        rid: str | None = resp.request_id
        body: bytes = await resp.read()
        async with furl.stream("GET", "/r", headers={"x": "y"}, retry_sent=True) as streamed:
            async for chunk in streamed.iter_bytes():
                reveal_type(chunk)
        try:
            await furl.delete("/orders/1", raise_for_status=False)
        except errors.FunctionUrlThrottledError as e:
            wait: float | None = e.retry_after
        await furl.get("/x", jsn=1)  # error: Unexpected keyword argument "jsn"
        await furl.get("/x", params=3)  # error: Argument "params"
        client.function_url("https://x/", auth="IAM")  # error: Argument "auth"


def blocking() -> None:
    with BlockingLambdaClient(region="us-east-1") as client:
        furl = client.function_url("https://abc.lambda-url.us-east-1.on.aws/")
        text: str = furl.put("/a", content=b"x").text()
        with furl.stream("POST", "/b", json=[1]) as resp:
            for chunk in resp.iter_bytes():
                reveal_type(chunk)
"""


def test_mypy_accepts_the_documented_calls_and_names_the_mistakes(tmp_path: Path) -> None:
    code = textwrap.dedent(USER_CODE).lstrip("\n")
    source = tmp_path / "user_code.py"
    source.write_text(code)
    expected = {
        number: line.split("# error: ", 1)[1]
        for number, line in enumerate(code.splitlines(), start=1)
        if "# error: " in line
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--hide-error-context",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    found = re.findall(r"^.*?:(\d+): (error|note): (.*)$", result.stdout, re.MULTILINE)
    errors = {int(n): text for n, kind, text in found if kind == "error"}
    assert sorted(errors) == sorted(expected), result.stdout
    for number, text in expected.items():
        assert text in errors[number], result.stdout
    revealed = [text for _, kind, text in found if text.startswith("Revealed type")]
    assert revealed == ['Revealed type is "bytes"'] * 2, result.stdout
