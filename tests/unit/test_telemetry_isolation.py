"""When OpenTelemetry is and is not imported: each case in a fresh
interpreter, since the test process itself has OpenTelemetry loaded."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).parents[2]

PRELUDE = """
import asyncio, logging, sys
from lambda_client import ClientConfig, Credentials, LambdaClient
from tests.fakes import FakeTransport

def otel_modules():
    return sorted(m for m in sys.modules if m.split(".")[0] == "opentelemetry")

async def calls(config=None):
    transport = FakeTransport()
    async with LambdaClient(
        region="us-east-1",
        credentials=Credentials(access_key_id="AKID", secret_access_key="secret"),
        config=config,
        transport=transport,
    ) as client:
        await client.get_function(function_name="f")
        await client.invoke(function_name="f", payload=b"{}")
    return transport
"""


def run(body: str) -> None:
    script = PRELUDE + textwrap.dedent(body)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok"), done.stdout


def test_calls_work_and_import_nothing_when_opentelemetry_is_not_installed() -> None:
    run(
        """
        import importlib.abc

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "opentelemetry":
                    raise ImportError(f"{name} is blocked")
                return None

        sys.meta_path.insert(0, Block())
        try:
            import opentelemetry.trace
        except ImportError:
            pass
        else:
            raise AssertionError("the block does not work")
        logging.basicConfig(level=logging.DEBUG)
        transport = asyncio.run(calls())
        assert len(transport.requests) == 2
        assert otel_modules() == [], otel_modules()
        print("ok")
        """
    )


def test_installed_but_unused_opentelemetry_is_never_imported() -> None:
    run(
        """
        import importlib.util
        assert importlib.util.find_spec("opentelemetry") is not None
        asyncio.run(calls())
        asyncio.run(calls(ClientConfig(telemetry=False)))
        assert otel_modules() == [], otel_modules()
        print("ok")
        """
    )


def test_telemetry_off_stays_off_when_the_application_uses_opentelemetry() -> None:
    run(
        """
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        asyncio.run(calls(ClientConfig(telemetry=False)))
        assert exporter.get_finished_spans() == ()
        assert "lambda_client._runtime.otel" not in sys.modules
        asyncio.run(calls())
        assert [s.name for s in exporter.get_finished_spans()] == [
            "Lambda.GetFunction", "Lambda.Invoke"
        ]
        print("ok")
        """
    )


def test_opentelemetry_configured_after_the_client_is_made_is_followed() -> None:
    run(
        """
        async def main():
            transport = FakeTransport()
            client = LambdaClient(
                region="us-east-1",
                credentials=Credentials(access_key_id="AKID", secret_access_key="secret"),
                transport=transport,
            )
            await client.get_function(function_name="before")
            assert otel_modules() == []

            from opentelemetry import trace
            from opentelemetry.sdk.trace import TracerProvider
            from opentelemetry.sdk.trace.export import SimpleSpanProcessor
            from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
                InMemorySpanExporter,
            )

            # Imported but not yet configured: nothing is recorded.
            await client.get_function(function_name="proxied")
            exporter = InMemorySpanExporter()
            provider = TracerProvider()
            provider.add_span_processor(SimpleSpanProcessor(exporter))
            trace.set_tracer_provider(provider)
            # Providers are looked for again at most once a second.
            await client.get_function(function_name="soon")
            from lambda_client._runtime import otel
            otel.RECHECK_SECONDS = 0.0
            client._pipeline.observer._otel._next_look = 0.0
            await client.get_function(function_name="after")
            await client.close()
            return exporter

        exporter = asyncio.run(main())
        assert [s.name for s in exporter.get_finished_spans()] == ["Lambda.GetFunction"]
        print("ok")
        """
    )
