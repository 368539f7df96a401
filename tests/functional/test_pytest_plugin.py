"""The lambda_stub fixture, as a project that installs lambda_client gets it:
through the pytest11 entry point, in a pytest run of its own."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


def test_the_pytest_fixture_comes_from_the_entry_point(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\n")
    tests = tmp_path / "test_user.py"
    tests.write_text(
        textwrap.dedent(
            """
            from lambda_client import models

            FN = models.GetFunctionResponse(
                configuration=models.FunctionConfiguration(function_name="f")
            )

            async def test_uses_the_fixture(lambda_stub):
                lambda_stub.add_response("get_function", FN)
                async with lambda_stub.client() as client:
                    assert (await client.get_function(function_name="f")) == FN

            def test_blocking_client_closed_after_the_test(lambda_stub):
                lambda_stub.add_response("get_function", FN)
                assert lambda_stub.blocking_client().get_function(function_name="f") == FN

            async def test_swallowed_error_fails_after_the_test(lambda_stub):
                async with lambda_stub.client() as client:
                    try:
                        await client.get_function(function_name="f")
                    except Exception:
                        pass
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    out = result.stdout
    assert "3 passed, 1 error" in out, out
    assert "calls found no queued answer" in out
    assert "get_function was called, but nothing is queued" in out
