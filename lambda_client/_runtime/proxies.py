"""Which proxy a request goes through, chosen the way botocore chooses it.

botocore takes ``Config(proxies=...)`` as given (no ``NO_PROXY`` check), and
otherwise the environment through `urllib.request.getproxies()` (the
lower-case ``http_proxy`` wins over ``HTTP_PROXY``), skipping proxies
entirely for a host that `urllib.request.proxy_bypass()` exempts
(``NO_PROXY``/``no_proxy``: suffix match, ``*`` for all, ports honoured).
The table is keyed by the scheme of the target URL only.

The aiohttp session keeps ``trust_env=False`` (that switch would also read
``.netrc`` and add headers nobody signed): the transport asks
`ProxySelector.select()` per request instead.

Proxy credentials are kept out of every URL, repr and message: the URL the
transport uses has none, and they travel only in a ``Proxy-Authorization``
header built here.
"""

from __future__ import annotations

import base64
import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from attrs import frozen

from .exceptions import ConfigError

__all__ = [
    "ProxyChoice",
    "ProxySelector",
    "check_proxies",
    "check_proxies_config",
    "redact_proxy_url",
    "redacted_proxies",
]

#: The keys of botocore's ``proxies_config``; the last one aiohttp cannot do
#: (it always tunnels HTTPS through CONNECT).
_PROXIES_CONFIG_KEYS = frozenset(
    {"proxy_ca_bundle", "proxy_client_cert", "proxy_use_forwarding_for_https"}
)
_SCHEMES = frozenset({"http", "https"})
_MASK = "***"


def _with_scheme(url: str) -> str:
    # botocore's rule: "host:port" and "//host:port" mean http.
    if url.startswith(("http:", "https:")):
        return url
    if url.startswith("//"):
        return "http:" + url
    return "http://" + url


def redact_proxy_url(url: str) -> str:
    """``url`` with its user name and password masked, as botocore masks them.

    Everything up to the last ``@`` counts as credentials, so that a
    password with an unescaped ``/`` or ``@`` is masked whole too.
    """
    scheme, sep, rest = url.partition("://")
    prefix = f"{scheme}://" if sep else ""
    if not sep:
        rest = url
    if "@" not in rest:
        return url
    return f"{prefix}{_MASK}:{_MASK}@{rest.rpartition('@')[2]}"


def redacted_proxies(proxies: Mapping[str, str] | None) -> str:
    """``ClientConfig.proxies`` for its repr."""
    if proxies is None:
        return "None"
    return repr({scheme: redact_proxy_url(url) for scheme, url in proxies.items()})


@frozen(repr=False)
class ProxyChoice:
    """The proxy for one request: its URL (no credentials) and the
    ``Proxy-Authorization`` value, if the URL carried credentials."""

    url: str
    authorization: str | None
    #: The decoded password, so that messages can be checked for it.
    password: str | None

    def __repr__(self) -> str:
        auth = ", with credentials" if self.authorization else ""
        return f"<ProxyChoice {self.url}{auth}>"


def _parse_proxy(url: str, source: str) -> ProxyChoice:
    scheme, sep, _ = url.partition("://")
    if sep and scheme.lower() not in _SCHEMES:
        # botocore would read "socks5://h:1080" as the host "socks5".
        raise ConfigError(
            f"{source} must be an http:// or https:// proxy URL, got {redact_proxy_url(url)!r}"
            " (SOCKS proxies are not supported)"
        )
    fixed = _with_scheme(url)
    try:
        parts = urlsplit(fixed)
        port = parts.port
    except ValueError:
        raise ConfigError(f"{source} is not a valid proxy URL: {redact_proxy_url(url)!r}") from None
    if parts.scheme not in _SCHEMES or not parts.hostname:
        raise ConfigError(
            f"{source} must be an http:// or https:// proxy URL, got {redact_proxy_url(url)!r}"
            " (SOCKS proxies are not supported)"
        )
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port is not None else host
    authorization = password = None
    if parts.username and parts.password:
        # Both are needed, as in botocore; percent-escapes are decoded.
        user, password = unquote(parts.username), unquote(parts.password)
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        authorization = f"Basic {token}"
    return ProxyChoice(
        url=f"{parts.scheme}://{netloc}", authorization=authorization, password=password
    )


class ProxySelector:
    """Chooses the proxy for each target URL; built once per client."""

    def __init__(self, proxies: Mapping[str, str] | None) -> None:
        self._from_env = proxies is None
        # Imported here: urllib.request pulls in http.client and email,
        # which a program pays for only when it builds a client.
        import urllib.request

        table = urllib.request.getproxies() if proxies is None else dict(proxies)
        # Snapshotted with the table, so that NO_PROXY is read when HTTPS_PROXY is.
        self._env_table = table
        source = "the environment's {}_proxy" if proxies is None else "ClientConfig.proxies[{!r}]"
        self._choices = {
            scheme: _parse_proxy(table[scheme], source.format(scheme))
            for scheme in _SCHEMES
            if table.get(scheme)
        }
        self._cache: dict[tuple[str, str], ProxyChoice | None] = {}

    @property
    def tls_proxy(self) -> bool:
        """Whether any proxy is reached over TLS (an https:// proxy URL)."""
        return any(choice.url.startswith("https:") for choice in self._choices.values())

    @property
    def active(self) -> bool:
        """Whether any request could go through a proxy."""
        return bool(self._choices)

    def select(self, scheme: str, netloc: str) -> ProxyChoice | None:
        key = (scheme, netloc)
        try:
            return self._cache[key]
        except KeyError:
            pass
        choice = self._choices.get(scheme)
        if choice is not None and self._from_env and self._bypassed(netloc):
            choice = None
        if len(self._cache) < 64:
            self._cache[key] = choice
        return choice

    def _bypassed(self, netloc: str) -> bool:
        import urllib.request

        if sys.platform in ("darwin", "win32"):
            # The system settings take part there, as they do for botocore.
            return bool(urllib.request.proxy_bypass(netloc))
        # Not in typeshed's stubs, but part of urllib.request since Python 2.
        bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
        return bool(bypass(netloc, self._env_table))

    def __repr__(self) -> str:
        return f"<ProxySelector {sorted((s, c.url) for s, c in self._choices.items())}>"


def check_proxies(_inst: object, _attribute: object, value: Any) -> None:
    """Validator of ``ClientConfig.proxies``."""
    if value is None:
        return
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"ClientConfig.proxies must be a mapping such as "
            f"{{'https': 'http://proxy:3128'}}, got {type(value).__name__}"
        )
    for scheme, url in value.items():
        if scheme not in _SCHEMES:
            # botocore's docs mention "http://host" keys, but its sessions
            # look up the scheme only; accepting them would ignore them.
            raise ConfigError(
                f"ClientConfig.proxies keys are URL schemes ('http', 'https'), got {scheme!r}"
            )
        if not isinstance(url, str) or not url:
            raise ConfigError(f"ClientConfig.proxies[{scheme!r}] must be a proxy URL")
        _parse_proxy(url, f"ClientConfig.proxies[{scheme!r}]")


def check_proxies_config(_inst: object, _attribute: object, value: Any) -> None:
    """Validator of ``ClientConfig.proxies_config``."""
    if value is None:
        return
    if not isinstance(value, Mapping):
        raise ConfigError("ClientConfig.proxies_config must be a mapping")
    unknown = set(value) - _PROXIES_CONFIG_KEYS
    if unknown:
        raise ConfigError(
            f"ClientConfig.proxies_config has unknown keys {sorted(unknown)}; "
            f"known: {sorted(_PROXIES_CONFIG_KEYS)}"
        )
    if value.get("proxy_use_forwarding_for_https"):
        raise ConfigError(
            "ClientConfig.proxies_config['proxy_use_forwarding_for_https'] is not supported: "
            "HTTPS requests always go through a CONNECT tunnel, so the proxy never sees them"
        )
    bundle = value.get("proxy_ca_bundle")
    if bundle is not None and (not isinstance(bundle, str) or not bundle.strip()):
        raise ConfigError("ClientConfig.proxies_config['proxy_ca_bundle'] must be a file path")
    from .tls import check_cert_pair

    check_cert_pair(
        value.get("proxy_client_cert"), "ClientConfig.proxies_config['proxy_client_cert']"
    )
