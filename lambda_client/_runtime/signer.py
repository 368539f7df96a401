"""AWS Signature Version 4 over `HttpRequest` values.

Only the header-signing flavour for non-S3 services is implemented: the
canonical URI is normalised and encoded a second time, the payload is always
hashed, and the session token is part of what is signed.

The pure functions below are the individual steps of the algorithm, exposed so
that they can be checked one by one against the AWS test suite; the signer
strings them together on the per-request path.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import quote, unquote_to_bytes

from .http import HttpRequest

__all__ = [
    "ALGORITHM",
    "UNSIGNED_HEADERS",
    "SigV4Signer",
    "SigningCredentials",
    "authorization_header",
    "canonical_headers",
    "canonical_query_string",
    "canonical_request",
    "canonical_uri",
    "credential_scope",
    "derive_signing_key",
    "signature",
    "signed_headers",
    "string_to_sign",
]

ALGORITHM = "AWS4-HMAC-SHA256"

#: Headers left out of the signature. Each may legitimately differ between
#: what the client signed and what the service receives: proxies rewrite the
#: hop-by-hop ones, tracing middleware adds or changes the trace ones, the
#: user agent and ``expect`` are per attempt, and ``authorization`` is the
#: output of a previous signing when a request is signed again for a retry.
UNSIGNED_HEADERS = frozenset(
    {
        "authorization",
        "expect",
        "user-agent",
        "x-amzn-trace-id",
        "traceparent",
        "tracestate",
        "baggage",
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)

_DEFAULT_PORTS = {"https": ":443", "http": ":80"}
# Bounds memory when credentials rotate often; one entry per (secret, day) is
# the steady state, so a small limit is never hit in normal use.
_KEY_CACHE_LIMIT = 16
# A client calls a handful of functions, each through a few paths; a limit
# well above that bounds memory for one that walks through many.
_URI_CACHE_LIMIT = 128
# Each operation sends its own set of header names, a few dozen in all.
_PLAN_CACHE_LIMIT = 64

#: For the header names of a request in order, the signed ones as
#: ``(name in the request or None for a host the signer adds, "key:")`` in
#: canonical order, and the signed-headers string; the lines are None when
#: two names canonicalise alike and their values must be merged.
_HeaderPlan = tuple[tuple[tuple[str | None, str], ...] | None, str]

_AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
# Most operations send no body.
_EMPTY_PAYLOAD_HASH = hashlib.sha256(b"").hexdigest()
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class SigningCredentials(Protocol):
    """What the signer needs from a set of credentials."""

    @property
    def access_key_id(self) -> str: ...

    @property
    def secret_access_key(self) -> str: ...

    @property
    def session_token(self) -> str | None: ...


def _remove_dot_segments(path: str) -> str:
    # Empty segments are dropped as well as dot segments: AWS services collapse
    # repeated slashes before verifying, and so do the other SDKs.
    kept: list[str] = []
    for segment in path.split("/"):
        if not segment or segment == ".":
            continue
        if segment == "..":
            if kept:
                kept.pop()
        else:
            kept.append(segment)
    if not kept:
        return "/"
    trailing = "/" if path.endswith("/") else ""
    return "/" + "/".join(kept) + trailing


def canonical_uri(path: str) -> str:
    """The canonical URI of a path given exactly as it goes on the wire.

    The path is normalised, then percent-encoded once more segment by segment,
    so an encoded ``%3A`` in the wire path becomes ``%253A``; that double
    encoding is what every service except S3 expects.
    """
    if not path:
        return "/"
    if "//" in path or "/." in path or path[0] != "/":
        path = _remove_dot_segments(path)
    return quote(path, safe="/")


def canonical_query_string(query: str) -> str:
    """The canonical form of a raw (already encoded) query string.

    Each name and value is decoded and re-encoded strictly, because the wire
    form may encode more or less than SigV4 does (``~``, lower-case hex, raw
    UTF-8) while the service canonicalises from the decoded bytes. A literal
    ``+`` is taken as a plus sign, not a space.
    """
    if not query:
        return ""
    pairs: list[tuple[str, str]] = []
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        # Decoding to bytes, not text, keeps escapes of invalid UTF-8 intact.
        pairs.append(
            (quote(unquote_to_bytes(name), safe=""), quote(unquote_to_bytes(value), safe=""))
        )
    pairs.sort()
    return "&".join([f"{name}={value}" for name, value in pairs])


def _collect_headers(headers: Iterable[tuple[str, str]]) -> tuple[str, str]:
    merged: dict[str, list[str]] = {}
    for name, value in headers:
        key = name.strip().lower()
        if key in UNSIGNED_HEADERS:
            continue
        trimmed = " ".join(value.split())
        if key in merged:
            merged[key].append(trimmed)
        else:
            merged[key] = [trimmed]
    names = sorted(merged)
    block = "".join([f"{name}:{','.join(merged[name])}\n" for name in names])
    return block, ";".join(names)


def _plan_headers(names: tuple[str, ...]) -> _HeaderPlan:
    spelled: dict[str, str | None] = {}
    for name in names:
        key = name.strip().lower()
        if key in UNSIGNED_HEADERS:
            continue
        if key in spelled:
            return None, ""
        spelled[key] = name
    if "host" not in names:
        if "host" in spelled:
            return None, ""
        spelled["host"] = None
    keys = sorted(spelled)
    return tuple([(spelled[key], f"{key}:") for key in keys]), ";".join(keys)


def canonical_headers(headers: Iterable[tuple[str, str]]) -> str:
    """The canonical header block, one ``name:value`` line per signed header.

    Names are lower-cased, values trimmed with inner whitespace runs
    collapsed, and repeated names joined with ``,`` in their original order.
    """
    return _collect_headers(headers)[0]


def signed_headers(headers: Iterable[tuple[str, str]]) -> str:
    """The ``;``-separated, sorted names of the headers that get signed."""
    return _collect_headers(headers)[1]


def _canonical_request(
    method: str, uri: str, query: str, block: str, names: str, payload_hash: str
) -> str:
    return (
        f"{method.upper()}\n{uri}\n{canonical_query_string(query)}\n"
        f"{block}\n{names}\n{payload_hash}"
    )


def canonical_request(
    method: str,
    path: str,
    query: str,
    headers: Iterable[tuple[str, str]],
    payload_hash: str,
) -> str:
    """The canonical request for a wire ``path`` and ``query``.

    ``headers`` must include ``host``; the unsigned headers are skipped.
    """
    block, names = _collect_headers(headers)
    return _canonical_request(method, canonical_uri(path), query, block, names, payload_hash)


def credential_scope(date: str, region: str, service: str) -> str:
    """``date/region/service/aws4_request`` with ``date`` as ``YYYYMMDD``."""
    return f"{date}/{region}/{service}/aws4_request"


def string_to_sign(amz_date: str, scope: str, canonical_request: str) -> str:
    """The string to sign for a canonical request made at ``amz_date``."""
    digest = hashlib.sha256(canonical_request.encode()).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{scope}\n{digest}"


def derive_signing_key(secret_access_key: str, date: str, region: str, service: str) -> bytes:
    """The signing key for one day, region and service (four chained HMACs)."""
    key = hmac.digest(f"AWS4{secret_access_key}".encode(), date.encode(), "sha256")
    key = hmac.digest(key, region.encode(), "sha256")
    key = hmac.digest(key, service.encode(), "sha256")
    return hmac.digest(key, b"aws4_request", "sha256")


def signature(signing_key: bytes, string_to_sign: str) -> str:
    """The hex signature of a string to sign."""
    return hmac.digest(signing_key, string_to_sign.encode(), "sha256").hex()


def authorization_header(
    access_key_id: str, scope: str, signed_headers: str, signature: str
) -> str:
    """The value of the ``authorization`` header."""
    return (
        f"{ALGORITHM} Credential={access_key_id}/{scope}, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )


_SHA256_BLOCK = 64
_INNER_PAD = bytes(byte ^ 0x36 for byte in range(256))
_OUTER_PAD = bytes(byte ^ 0x5C for byte in range(256))


class _SigningKey:
    """A derived signing key, ready to sign with.

    HMAC (RFC 2104) hashes the key padded two ways ahead of the message;
    hmac.digest redoes that for every message, which for a message as short
    as a string to sign is over half its cost. Here the two hash states are
    computed once per key and copied per message.
    """

    __slots__ = ("_inner", "_outer", "key")

    def __init__(self, key: bytes) -> None:
        self.key = key
        if len(key) > _SHA256_BLOCK:
            key = hashlib.sha256(key).digest()
        block = key.ljust(_SHA256_BLOCK, b"\0")
        self._inner = hashlib.sha256(block.translate(_INNER_PAD))
        self._outer = hashlib.sha256(block.translate(_OUTER_PAD))

    def signature(self, string_to_sign: str) -> str:
        inner = self._inner.copy()
        inner.update(string_to_sign.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


class SigV4Signer:
    """Signs requests for one service in one region.

    Signing keys are cached per secret key and day, so the four derivation
    HMACs run once a day per credential rather than on every request.
    """

    __slots__ = ("_keys", "_plans", "_region", "_scope_suffix", "_service", "_stamp", "_uris")

    def __init__(self, *, service: str, region: str) -> None:
        self._service = service
        self._region = region
        self._scope_suffix = f"/{region}/{service}/aws4_request"
        self._keys: dict[tuple[str, str], _SigningKey] = {}
        # (UTC second, x-amz-date, credential scope) of the last request:
        # formatting the time costs more than the rest of a small request's
        # canonical form, and requests come many to the second.
        self._stamp: tuple[int | None, str, str] = (None, "", "")
        # Canonical URI by wire path: quoting a path again costs more than a
        # lookup, and a client sends the same few paths over and over.
        self._uris: dict[str, str] = {}
        # Which headers get signed, and in what order, depends only on their
        # names, which repeat from one request of an operation to the next.
        self._plans: dict[tuple[str, ...], _HeaderPlan] = {}

    @property
    def service(self) -> str:
        return self._service

    @property
    def region(self) -> str:
        return self._region

    def signing_key(self, secret_access_key: str, date: str) -> bytes:
        """The derived key for ``date`` (``YYYYMMDD``), computed once and reused."""
        return self._signing_key(secret_access_key, date).key

    def _signing_key(self, secret_access_key: str, date: str) -> _SigningKey:
        cache_key = (secret_access_key, date)
        key = self._keys.get(cache_key)
        if key is None:
            if len(self._keys) >= _KEY_CACHE_LIMIT:
                self._keys.clear()
            key = _SigningKey(
                derive_signing_key(secret_access_key, date, self._region, self._service)
            )
            self._keys[cache_key] = key
        return key

    def _time_stamp(self, now: datetime, second: int | None) -> tuple[int | None, str, str]:
        """The ``x-amz-date`` and credential scope for ``now``, remembered as
        those of ``second`` unless it is None."""
        if now.tzinfo is not None:
            now = now.astimezone(UTC)
        amz_date = now.strftime(_AMZ_DATE_FORMAT)
        stamp = (second, amz_date, amz_date[:8] + self._scope_suffix)
        if second is not None:
            self._stamp = stamp
        return stamp

    def _canonical_headers(self, request: HttpRequest) -> tuple[str, str]:
        """What `_collect_headers()` gives for the request's headers plus
        ``host`` (unless present), without re-deriving the names' order."""
        headers = request.headers
        names = tuple(headers)
        plan = self._plans.get(names)
        if plan is None:
            if len(self._plans) >= _PLAN_CACHE_LIMIT:
                self._plans.clear()
            plan = self._plans[names] = _plan_headers(names)
        lines, signed = plan
        if lines is None:
            pairs = list(headers.items())
            if "host" not in headers:
                pairs.append(("host", host_header(request)))
            return _collect_headers(pairs)
        parts: list[str] = []
        for name, prefix in lines:
            value = host_header(request) if name is None else headers[name]
            parts += (prefix, " ".join(value.split()), "\n")
        return "".join(parts), signed

    def sign(
        self,
        request: HttpRequest,
        credentials: SigningCredentials,
        *,
        now: datetime | float | None = None,
        payload_hash: str | None = None,
    ) -> None:
        """Sign ``request`` in place.

        Sets ``x-amz-date``, ``x-amz-security-token`` (or removes a stale one
        when the credentials have no token) and ``authorization``. Signing the
        same request again, as a retry does, replaces all three. ``now`` is
        a datetime (naive means UTC) or seconds since the epoch, as the
        client passes it; by default the current time.

        The payload's SHA-256 (hex) is ``payload_hash`` when given (a large
        body hashed off the event loop), else the request's own
        ``x-amz-content-sha256`` header when it has one (function URLs
        send it), as botocore takes it; only otherwise is the body hashed here.
        """
        # Epoch seconds and UTC datetimes are looked up by their second;
        # other zones and naive values are rare enough to format every time.
        stamp = self._stamp
        if now is None or not isinstance(now, datetime):
            second = int(time.time() if now is None else now)
            if second != stamp[0]:
                stamp = self._time_stamp(datetime.fromtimestamp(second, UTC), second)
        elif now.tzinfo is UTC:
            delta = now - _EPOCH
            second = delta.days * 86400 + delta.seconds
            if second != stamp[0]:
                stamp = self._time_stamp(now, second)
        else:
            stamp = self._time_stamp(now, None)
        _, amz_date, scope = stamp
        date = amz_date[:8]

        headers = request.headers
        headers.pop("authorization", None)
        headers["x-amz-date"] = amz_date
        token = credentials.session_token
        if token:
            headers["x-amz-security-token"] = token
        else:
            headers.pop("x-amz-security-token", None)

        block, names = self._canonical_headers(request)
        if payload_hash is None:
            payload_hash = headers.get("x-amz-content-sha256")
            if payload_hash is None:
                body = request.body
                payload_hash = hashlib.sha256(body).hexdigest() if body else _EMPTY_PAYLOAD_HASH
        path = request.path
        uri = self._uris.get(path)
        if uri is None:
            if len(self._uris) >= _URI_CACHE_LIMIT:
                self._uris.clear()
            uri = self._uris[path] = canonical_uri(path)
        creq = _canonical_request(request.method, uri, request.query, block, names, payload_hash)
        sts = string_to_sign(amz_date, scope, creq)
        key = self._signing_key(credentials.secret_access_key, date)
        headers["authorization"] = authorization_header(
            credentials.access_key_id, scope, names, key.signature(sts)
        )


def host_header(request: HttpRequest) -> str:
    # Mirror what HTTP clients put on the wire: host names are case-insensitive
    # and get lower-cased, and a default port is left out of the Host header.
    host = request.host.lower()
    default_port = _DEFAULT_PORTS.get(request.scheme)
    if default_port is not None and host.endswith(default_port):
        host = host[: -len(default_port)]
    return host
