"""Proxies against a real forward proxy on 127.0.0.1 that logs what it relays.

Plain HTTP goes as absolute-form requests, HTTPS through CONNECT tunnels;
the environment (``HTTP_PROXY``, ``https_proxy``, ``NO_PROXY``) and
``ClientConfig(proxies=...)`` choose the proxy as botocore does; proxy
credentials work and never show up in messages, reprs or logs; the
signature the origin verifies is the one the client made.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from lambda_client import ClientConfig, errors
from lambda_client.errors import ConfigError, ConnectError

from .differential import signing
from .forward_proxy import forward_proxy
from .tls_support import Pki, client_for, isolate, serving

USER, PASSWORD = "proxy-user", "pr0xy-s3cret:@/"
QUOTED = "pr0xy-s3cret%3A%40%2F"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    return Pki(tmp_path)


def _with_credentials(url: str, password: str = QUOTED) -> str:
    return url.replace("http://", f"http://{USER}:{password}@")


async def _call(client: object, times: int = 2) -> None:
    for _ in range(times):
        out = await client.get_function(function_name="f")  # type: ignore[attr-defined]
        assert out.configuration.function_name == "f"
    await client.close()  # type: ignore[attr-defined]


async def test_http_proxy_from_the_environment_sees_every_plain_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with forward_proxy() as proxy, serving(None) as server:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        await _call(client_for(server.url), times=3)
        assert [(e.method, e.target) for e in proxy.log] == [
            ("GET", f"{server.url}/2015-03-31/functions/f"),
        ] * 3
        assert len(server.requests) == 3
        # Signed for the origin, not the proxy, and unchanged by the relay.
        for recorded in server.requests:
            assert recorded.host == server.url.removeprefix("http://")
            signing.verify(recorded)


async def test_https_goes_through_connect(monkeypatch: pytest.MonkeyPatch, pki: Pki) -> None:
    async with forward_proxy() as proxy, serving(pki.server_context()) as server:
        # The lower-case form, which urllib (and so botocore) prefers.
        monkeypatch.setenv("https_proxy", proxy.url)
        await _call(client_for(server.url, verify=str(pki.ca_file)), times=3)
        hostport = server.url.removeprefix("https://")
        # One tunnel, reused by the pooled connection; the calls inside are TLS.
        assert {(e.method, e.target) for e in proxy.log} == {("CONNECT", hostport)}
        assert len(server.requests) == 3
        for recorded in server.requests:
            signing.verify(recorded)


async def test_explicit_proxies_config(pki: Pki) -> None:
    async with forward_proxy() as proxy, serving(pki.server_context()) as server:
        client = client_for(server.url, verify=str(pki.ca_file), proxies={"https": proxy.url})
        await _call(client)
        assert [e.method for e in proxy.log] == ["CONNECT"]


async def test_explicit_empty_proxies_ignore_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with forward_proxy() as proxy, serving(None) as server:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        await _call(client_for(server.url, proxies={}))
        assert proxy.log == []
        assert len(server.requests) == 2


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "localhost,127.0.0.1", "*", ".0.0.1"])
async def test_no_proxy_bypasses_the_proxy(monkeypatch: pytest.MonkeyPatch, no_proxy: str) -> None:
    async with forward_proxy() as proxy, serving(None) as server:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", no_proxy)
        await _call(client_for(server.url))
        assert proxy.log == []
        assert len(server.requests) == 2


async def test_no_proxy_for_another_host_does_not_bypass(monkeypatch: pytest.MonkeyPatch) -> None:
    async with forward_proxy() as proxy, serving(None) as server:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("no_proxy", "example.com,10.0.0.1")
        await _call(client_for(server.url), times=1)
        assert len(proxy.log) == 1


async def test_explicit_proxies_are_not_bypassed_by_no_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # botocore applies NO_PROXY to environment proxies only.
    async with forward_proxy() as proxy, serving(None) as server:
        monkeypatch.setenv("NO_PROXY", "*")
        await _call(client_for(server.url, proxies={"http": proxy.url}), times=1)
        assert len(proxy.log) == 1


@pytest.mark.parametrize("tls", [False, True], ids=["absolute-form", "connect"])
async def test_proxy_credentials_work_and_never_leak(
    monkeypatch: pytest.MonkeyPatch,
    pki: Pki,
    tls: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    context = pki.server_context() if tls else None
    async with forward_proxy((USER, PASSWORD)) as proxy, serving(context) as server:
        proxy_url = _with_credentials(proxy.url)
        monkeypatch.setenv("HTTPS_PROXY" if tls else "HTTP_PROXY", proxy_url)
        client = client_for(server.url, verify=str(pki.ca_file))
        await _call(client)
        assert proxy.log and all(e.allowed for e in proxy.log)
        assert all(e.authorization == proxy.expected_authorization for e in proxy.log)
        # The origin never sees the proxy's credentials.
        for recorded in server.requests:
            assert "proxy-authorization" not in recorded.headers
            signing.verify(recorded)

        config = ClientConfig(proxies={"https": proxy_url, "http": proxy_url})
        wrong = _with_credentials(proxy.url, password="wrong-pa55word")
        refused = client_for(
            server.url, verify=str(pki.ca_file), proxies={"https": wrong, "http": wrong}
        )
        with pytest.raises(errors.LambdaClientError) as info:
            await refused.get_function(function_name="f")
        await refused.close()
        if tls:
            assert isinstance(info.value, ConnectError)
            assert "407" in str(info.value)
        else:
            # Absolute-form: the proxy's 407 is the response itself.
            assert isinstance(info.value, errors.ServiceError)
            assert info.value.status_code == 407

    secrets = [PASSWORD, QUOTED, "wrong-pa55word", proxy.expected_authorization or "?"]
    secrets.append((proxy.expected_authorization or "?").split(" ")[1])
    texts = [repr(config), str(config), str(info.value), repr(info.value), repr(client)]
    texts += [str(note) for note in getattr(info.value, "__notes__", [])]
    texts += [record.getMessage() for record in caplog.records]
    cause = info.value.__cause__
    if cause is not None:
        texts += [str(cause), repr(cause)]
    for text in texts:
        for secret in secrets:
            assert secret not in text, (secret, text)
    assert "***" in repr(config)


async def test_unreachable_proxy_is_a_connect_error() -> None:
    async with serving(None) as server:
        client = client_for(server.url, proxies={"http": "http://127.0.0.1:9"})
        with pytest.raises(ConnectError, match=r"proxy http://127\.0\.0\.1:9"):
            await client.get_function(function_name="f")
        await client.close()
        assert server.requests == []


def test_proxy_settings_are_checked() -> None:
    with pytest.raises(ConfigError, match="keys are URL schemes"):
        ClientConfig(proxies={"http://host": "http://proxy:3128"})
    with pytest.raises(ConfigError, match="SOCKS"):
        ClientConfig(proxies={"https": "socks5://proxy:1080"})
    with pytest.raises(ConfigError, match="not supported"):
        ClientConfig(proxies_config={"proxy_use_forwarding_for_https": True})
    with pytest.raises(ConfigError, match="unknown keys"):
        ClientConfig(proxies_config={"proxy_ca": "x"})
    # botocore's rule: no scheme means http.
    assert ClientConfig(proxies={"https": "proxy:3128"}).proxies == {"https": "proxy:3128"}
    with pytest.raises(ConfigError, match=r"\*\*\*:\*\*\*@proxy"):
        ClientConfig(proxies={"https": f"ftp://{USER}:{PASSWORD}@proxy"})


@pytest.mark.parametrize("endpoint_tls", [False, True], ids=["http-endpoint", "https-endpoint"])
async def test_https_proxy_with_its_own_ca(pki: Pki, tmp_path: Path, endpoint_tls: bool) -> None:
    (tmp_path / "proxy").mkdir()
    proxy_pki = Pki(tmp_path / "proxy")
    endpoint_context = pki.server_context() if endpoint_tls else None
    async with (
        forward_proxy(context=proxy_pki.server_context()) as proxy,
        serving(endpoint_context) as server,
    ):
        assert proxy.url.startswith("https://")
        proxies = {"https": proxy.url, "http": proxy.url}
        # The proxy's certificate comes from a CA only proxies_config names.
        untrusted = client_for(server.url, verify=str(pki.ca_file), proxies=proxies)
        with pytest.raises(ConnectError):
            await untrusted.get_function(function_name="f")
        await untrusted.close()
        trusted = client_for(
            server.url,
            verify=str(pki.ca_file),
            proxies=proxies,
            proxies_config={"proxy_ca_bundle": str(proxy_pki.ca_file)},
        )
        await _call(trusted)
        assert len(server.requests) == 2
        assert {e.method for e in proxy.log} == ({"CONNECT"} if endpoint_tls else {"GET"})


def test_two_client_certificates_with_an_https_proxy_are_refused() -> None:
    with pytest.raises(ConfigError, match="cannot both be used"):
        client_for(
            "https://127.0.0.1:9",
            client_cert="endpoint.pem",
            proxies={"https": "https://127.0.0.1:8"},
            proxies_config={"proxy_client_cert": "proxy.pem"},
        )
    # Over a plain-HTTP proxy there is no TLS to the proxy: both are fine.
    client_for(
        "https://127.0.0.1:9",
        client_cert="endpoint.pem",
        proxies={"https": "http://127.0.0.1:8"},
        proxies_config={"proxy_client_cert": "proxy.pem"},
    )
