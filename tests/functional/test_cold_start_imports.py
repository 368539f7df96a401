"""What `import lambda_client` and building a client load: only what a call needs.

Each check runs in a fresh interpreter: the test process has long since
imported everything. A cold start (a Lambda function calling Lambda) pays
for every module listed here; the rest load on first use.
"""

from __future__ import annotations

import json
import subprocess
import sys

_PROBE = """
import json, sys
import lambda_client
client = lambda_client.LambdaClient(
    region="us-east-1",
    endpoint_url="http://127.0.0.1:9",
    credentials=lambda_client.Credentials(access_key_id="AKID", secret_access_key="secret"),
)
print(json.dumps(sorted(sys.modules)))
"""

# Loaded on first use only: each is a measurable part of a cold start.
_DEFERRED = (
    "lambda_client.errors",
    "lambda_client._generated.errors",
    "lambda_client.blocking",
    "lambda_client._generated.blocking_client",
    "lambda_client.function_url",
    "lambda_client.paginator",
    "lambda_client.waiter",
    "lambda_client._generated.waiters",
    "lambda_client._generated.enums",
    "lambda_client._runtime.eventstream",
    "configparser",
    "html",
    "concurrent.futures.thread",
)


def _modules(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"PATH": "/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED": "true"},
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_building_a_client_loads_none_of_the_deferred_modules() -> None:
    loaded = _modules(_PROBE)
    assert "lambda_client.client" in loaded
    assert sorted(loaded & set(_DEFERRED)) == []


def test_the_public_names_still_resolve_and_load_their_modules() -> None:
    loaded = _modules(
        _PROBE.replace(
            "print(",
            "lambda_client.errors.ResourceNotFoundException\n"
            "lambda_client.BlockingLambdaClient\n"
            "lambda_client.FunctionUrl\n"
            "lambda_client.models.Runtime\n"
            "print(",
        )
    )
    for name in (
        "lambda_client.errors",
        "lambda_client.blocking",
        "lambda_client.function_url",
        "lambda_client._generated.enums",
    ):
        assert name in loaded, name
