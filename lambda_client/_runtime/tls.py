"""TLS trust for one client: which CAs, which client certificate.

The SSL context is built once per client, in a worker thread (reading CA
files and the system store blocks), on the first request that needs TLS.
Verification is on unless the caller's own code passes ``verify=False``:
every value the environment or the shared config can supply is a CA bundle
path, never an off switch.
"""

from __future__ import annotations

import os
import ssl
from typing import Any

from attrs import frozen

from .exceptions import ConfigError, InsecureConnectionWarning
from .messages import foreign_cause

__all__ = [
    "InsecureConnectionWarning",
    "TlsSettings",
    "build_ssl_context",
    "check_cert_pair",
    "check_client_cert",
    "check_verify",
]

CertPair = str | tuple[str, str]


@frozen(kw_only=True)
class TlsSettings:
    """Everything the SSL context is built from."""

    #: True (system trust store), False (no verification) or a CA bundle path.
    verify: bool | str
    #: Where ``verify`` came from, named in certificate errors.
    verify_source: str = "default trust store"
    client_cert: CertPair | None = None
    #: Added to the trust store for an HTTPS proxy (see build_ssl_context).
    proxy_ca_bundle: str | None = None
    proxy_client_cert: CertPair | None = None

    def trust_hint(self) -> str:
        """How the trusted CAs were chosen and how to change them, for messages."""
        if self.verify is True:
            where = "the system trust store"
        else:
            where = f"the CA bundle {self.verify} (from {self.verify_source})"
        return (
            f"trusted CAs come from {where}; name the server's CA with "
            "ClientConfig(verify='ca.pem'), AWS_CA_BUNDLE or the profile's ca_bundle"
        )


def build_ssl_context(settings: TlsSettings) -> ssl.SSLContext:
    """The client's SSL context. Blocking: call it in a worker thread.

    aiohttp opens the TLS session to an HTTPS proxy with the same context as
    the one to the endpoint, so ``proxy_ca_bundle`` joins the trusted CAs and
    ``proxy_client_cert`` is the certificate offered; a client certificate
    for both the endpoint and the proxy cannot be told apart and is refused
    when the configuration is checked.
    """
    verify = settings.verify
    try:
        if isinstance(verify, str):
            # A bundle replaces the default trust, as it does in botocore.
            context = ssl.create_default_context(cafile=_existing(verify, settings.verify_source))
        else:
            context = ssl.create_default_context()
        if verify is False:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        elif settings.proxy_ca_bundle is not None:
            context.load_verify_locations(
                cafile=_existing(settings.proxy_ca_bundle, "proxies_config['proxy_ca_bundle']")
            )
    except ssl.SSLError as e:
        raise load_error(e, settings) from foreign_cause(e)
    cert = settings.client_cert or settings.proxy_client_cert
    if cert is not None:
        source = "client_cert" if settings.client_cert else "proxies_config['proxy_client_cert']"
        certfile, keyfile = (cert, None) if isinstance(cert, str) else cert
        try:
            context.load_cert_chain(
                _existing(certfile, source), _existing(keyfile, source) if keyfile else None
            )
        except ssl.SSLError as e:
            raise ConfigError(
                f"Cannot load the {source} certificate or key: {e.reason}"
            ) from foreign_cause(e)
    return context


def _existing(path: str, source: str) -> str:
    if not os.path.isfile(path):
        raise ConfigError(f"{source} names {path!r}, which is not a readable file")
    return path


def load_error(error: BaseException, settings: TlsSettings) -> ConfigError:
    """A clear error for a CA bundle OpenSSL could not read."""
    reason = getattr(error, "reason", None) or type(error).__name__
    return ConfigError(f"Cannot load the CA bundle for TLS ({reason}); {settings.trust_hint()}")


def check_verify(_inst: object, _attribute: object, value: Any) -> None:
    """Validator of ``ClientConfig.verify``."""
    if value is None or isinstance(value, bool):
        return
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            f"ClientConfig.verify must be True, False or the path of a CA bundle, got {value!r}"
        )


def check_cert_pair(value: Any, name: str) -> None:
    if value is None or (isinstance(value, str) and value):
        return
    if (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(part, str) and part for part in value)
    ):
        return
    raise ConfigError(f"{name} must be a path or a (certificate, key) pair of paths")


def check_client_cert(_inst: object, _attribute: object, value: Any) -> None:
    """Validator of ``ClientConfig.client_cert``."""
    check_cert_pair(value, "ClientConfig.client_cert")
