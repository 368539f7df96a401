"""TLS trust against a real HTTPS server whose CA is made at test time.

Refused by default; accepted with the CA from each source botocore reads
(``verify=``, ``AWS_CA_BUNDLE``, the profile's ``ca_bundle``); accepted with
``verify=False`` and a warning; never turned off by the environment.
"""

from __future__ import annotations

import asyncio
import threading
import warnings
from pathlib import Path

import pytest

from lambda_client import ClientConfig, errors
from lambda_client._runtime import transport as transport_module
from lambda_client.errors import ConfigError, ConnectError, InsecureConnectionWarning

from .differential import signing
from .tls_support import Pki, client_for, isolate, serving


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    return Pki(tmp_path)


async def _get(client: object) -> str | None:
    out = await client.get_function(function_name="f")  # type: ignore[attr-defined]
    await client.close()  # type: ignore[attr-defined]
    name: str | None = out.configuration.function_name
    return name


async def test_refused_by_default_with_a_library_error(pki: Pki) -> None:
    async with serving(pki.server_context()) as server:
        client = client_for(server.url)
        with pytest.raises(ConnectError) as info:
            await client.get_function(function_name="f")
        await client.close()
        message = str(info.value)
        assert "certificate verification failed for 127.0.0.1" in message
        assert "AWS_CA_BUNDLE" in message  # says how to fix it
        assert info.value.request_sent is False
        assert server.requests == []


async def test_accepted_with_verify_path(pki: Pki) -> None:
    async with serving(pki.server_context()) as server:
        client = client_for(server.url, verify=str(pki.ca_file))
        assert await _get(client) == "f"
        # The proxy-free TLS path leaves the signature intact.
        signing.verify(server.requests[0])


async def test_accepted_with_aws_ca_bundle(pki: Pki, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CA_BUNDLE", str(pki.ca_file))
    async with serving(pki.server_context()) as server:
        assert await _get(client_for(server.url)) == "f"


async def test_accepted_with_profile_ca_bundle(
    pki: Pki, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "config").write_text(f"[profile corp]\nca_bundle = {pki.ca_file}\n")
    monkeypatch.setenv("AWS_PROFILE", "corp")
    async with serving(pki.server_context()) as server:
        assert await _get(client_for(server.url)) == "f"


async def test_explicit_verify_beats_the_environment(
    pki: Pki, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The environment names a bundle without our CA; verify= names ours.
    (tmp_path / "other").mkdir()
    other = Pki(tmp_path / "other")
    monkeypatch.setenv("AWS_CA_BUNDLE", str(other.ca_file))
    async with serving(pki.server_context()) as server:
        with pytest.raises(ConnectError, match=r"from AWS_CA_BUNDLE"):
            await _get(client_for(server.url))
        assert await _get(client_for(server.url, verify=str(pki.ca_file))) == "f"


async def test_verify_false_connects_and_warns_once_per_client(pki: Pki) -> None:
    async with serving(pki.server_context()) as server:
        with pytest.warns(InsecureConnectionWarning, match="verification is off") as caught:
            client = client_for(server.url, verify=False)
        assert len(caught) == 1
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            # Calls do not warn again.
            assert (await client.get_function(function_name="f")).configuration is not None
            assert await _get(client) == "f"


@pytest.mark.parametrize(
    "variables",
    [
        {"PYTHONHTTPSVERIFY": "0"},
        {"CURL_CA_BUNDLE": ""},
        {"REQUESTS_CA_BUNDLE": "false", "AWS_CA_BUNDLE": "false"},
        {"AWS_CA_BUNDLE": "0"},
    ],
    ids=["pythonhttpsverify", "curl-empty", "false-strings", "zero"],
)
async def test_the_environment_alone_cannot_turn_verification_off(
    pki: Pki, monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    async with serving(pki.server_context()) as server:
        client = client_for(server.url)
        assert client.config.verify is not False
        # Either the bundle path is refused before anything is sent, or the
        # server's certificate is: never a verified-less connection.
        with pytest.raises((ConfigError, ConnectError)):
            await client.get_function(function_name="f")
        await client.close()
        assert server.requests == []


def test_empty_ca_bundle_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CA_BUNDLE", "")
    with pytest.raises(ConfigError, match="AWS_CA_BUNDLE is set but empty"):
        client_for("https://127.0.0.1:9")


async def test_client_certificate(pki: Pki) -> None:
    async with serving(pki.server_context(require_client_cert=True)) as server:
        without = client_for(server.url, verify=str(pki.ca_file))
        with pytest.raises(errors.TransportError):
            await without.get_function(function_name="f")
        await without.close()
        with_cert = client_for(server.url, verify=str(pki.ca_file), client_cert=str(pki.client_pem))
        assert await _get(with_cert) == "f"


async def test_client_certificate_as_a_pair(pki: Pki, tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    key = tmp_path / "key.pem"
    pki.client_cert.cert_chain_pems[0].write_to_path(str(cert))
    pki.client_cert.private_key_pem.write_to_path(str(key))
    async with serving(pki.server_context(require_client_cert=True)) as server:
        client = client_for(server.url, verify=str(pki.ca_file), client_cert=(str(cert), str(key)))
        assert await _get(client) == "f"


async def test_missing_bundle_file_is_a_clear_config_error(tmp_path: Path) -> None:
    client = client_for("https://127.0.0.1:9", verify=str(tmp_path / "absent.pem"))
    with pytest.raises(ConfigError, match=r"absent\.pem"):
        await client.get_function(function_name="f")
    await client.close()


async def test_context_is_built_once_in_a_worker_thread(
    pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    build = transport_module.build_ssl_context

    def recording(settings: object) -> object:
        threads.append(threading.current_thread())
        return build(settings)  # type: ignore[arg-type]

    monkeypatch.setattr(transport_module, "build_ssl_context", recording)
    async with serving(pki.server_context()) as server:
        client = client_for(server.url, verify=str(pki.ca_file))
        outs = await asyncio.gather(*(client.get_function(function_name="f") for _ in range(5)))
        assert len(outs) == 5
        await client.get_function(function_name="f")
        await client.close()
    assert len(threads) == 1
    assert threads[0] is not threading.main_thread()


def test_verify_config_is_checked() -> None:
    with pytest.raises(ConfigError, match="verify"):
        ClientConfig(verify="")
    with pytest.raises(ConfigError, match="client_cert"):
        ClientConfig(client_cert=("only-one",))  # type: ignore[arg-type]
