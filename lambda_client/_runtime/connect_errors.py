"""Clear, secret-free errors for failures of TLS trust and of proxies.

Consulted by the transport before its general translation: these failures
need a message that says what to change (which CA, which proxy), and the
proxy's answer must not carry its ``Proxy-Authorization`` header into a
message or a chained exception's repr.
"""

from __future__ import annotations

from typing import TypeVar

from .exceptions import ConnectError
from .messages import describe, type_name
from .proxies import ProxyChoice
from .tls import TlsSettings

__all__ = ["explain", "handshake_failed", "scrub", "untrusted"]

E = TypeVar("E", bound=Exception)


def untrusted(cert_error: BaseException, host: str, tls: TlsSettings) -> ConnectError:
    """The server's certificate was not trusted: which CAs were, and how to change them."""
    reason = getattr(cert_error, "verify_message", None) or getattr(cert_error, "reason", None)
    return ConnectError(
        f"TLS certificate verification failed for {host}: {reason or 'untrusted'}; "
        f"{tls.trust_hint()}"
    )


def handshake_failed(os_error: BaseException, host: str) -> ConnectError:
    """Any other TLS failure before the request: OpenSSL's reason code, or
    the failure's type, never its text."""
    reason = getattr(os_error, "reason", None) or type_name(os_error)
    return ConnectError(f"TLS handshake with {host} failed: {reason}")


def explain(
    error: BaseException, host: str, proxy: ProxyChoice | None, tls: TlsSettings
) -> ConnectError | None:
    """The library's error for a certificate or proxy failure (else None)."""
    import aiohttp

    if isinstance(error, aiohttp.ClientConnectorCertificateError):
        return untrusted(error.certificate_error, host, tls)
    if isinstance(error, aiohttp.ClientConnectorSSLError):
        return handshake_failed(error.os_error, host)
    if proxy is None:
        return None
    if isinstance(error, aiohttp.ClientHttpProxyError):
        # Its request_info holds the CONNECT request's headers, credentials
        # included: only the status and reason are taken from it.
        hint = ""
        if error.status == 407:
            hint = (
                "; give the proxy's credentials in its URL (http://user:password@host:port)"
                if proxy.authorization is None
                else "; the proxy rejected the credentials in its URL"
            )
        return ConnectError(
            f"Proxy {proxy.url} refused to open a tunnel to {host}: "
            f"{error.status} {error.message}{hint}"
        )
    if isinstance(error, aiohttp.ClientProxyConnectionError):
        return ConnectError(
            describe(f"Could not connect to the proxy {proxy.url}", host=host, cause=error)
        )
    return None


def scrub(error: E, proxy: ProxyChoice | None) -> E:
    """``error`` with the proxy's password removed from its message, should
    any translated text have picked it up."""
    if proxy is None or not proxy.password:
        return error
    secrets = [proxy.password]
    if proxy.authorization:
        secrets.append(proxy.authorization.partition(" ")[2])
    text = str(error)
    if not any(secret in text for secret in secrets):
        return error
    for secret in secrets:
        text = text.replace(secret, "***")
    error.args = (text, *error.args[1:])
    return error
