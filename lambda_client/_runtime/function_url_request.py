"""A function-URL request as it goes on the wire: the target, its signing
region, and the path, query, headers and body built from the caller's
arguments. Pure code; every check happens here, before anything is sent.

The caller gives the path and the query parameters as text; each is
percent-encoded here exactly once, and that encoded form is both what the
signer signs and what the transport sends.
"""

from __future__ import annotations

import hashlib
import json as _json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypeAlias
from urllib.parse import quote, urlsplit

from attrs import frozen

from .exceptions import ConfigError, ParamValidationError
from .http import HttpRequest
from .messages import type_name
from .payload_digest import OFF_LOOP_BYTES

__all__ = [
    "IDEMPOTENT_METHODS",
    "AuthType",
    "Content",
    "Params",
    "Target",
    "build_request",
    "parse_target",
]

AuthType: TypeAlias = Literal["AWS_IAM", "NONE"]
Content: TypeAlias = bytes | bytearray | memoryview | str
ParamValue: TypeAlias = str | int | float
Params: TypeAlias = (
    Mapping[str, ParamValue | Sequence[ParamValue]] | Sequence[tuple[str, ParamValue]]
)

#: Methods whose repetition has the effect of one request (RFC 9110 9.2.2);
#: only these are sent again once a request may have reached the function.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})

_OPERATION = "FunctionUrl.request"
# <url-id>.lambda-url.<region>.on.aws; the region is the third label
# whatever the partition's suffix.
_FUNCTION_URL_HOST = re.compile(r"[a-z0-9]+\.lambda-url\.(?P<region>[^.]+)\.", re.ASCII)
_REGION = re.compile(r"[a-z]{2}(-[a-z0-9]+)+-[0-9]+", re.ASCII)
# RFC 9110 5.6.2: a method is a token.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+", re.ASCII)
_FORBIDDEN_IN_HEADERS = re.compile(r"[\r\n\x00]")
# Set by the client from the URL, the body and the transport.
_RESERVED_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection"})
# Set by the signer; a caller's value would be overwritten or signed wrong.
_SIGNING_HEADERS = frozenset(
    {"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"}
)
_JSON_TYPE = "application/json"
_TEXT_TYPE = "text/plain; charset=utf-8"


@frozen
class Target:
    """Where a [`FunctionUrl`][lambda_client.FunctionUrl] sends its requests."""

    scheme: str
    #: ``host[:port]``, lower-cased.
    host: str
    #: A path prefix from the URL (custom domains may route under one), without a trailing ``/``.
    base_path: str
    #: Signing region; ``None`` only for unsigned (``auth="NONE"``) targets.
    region: str | None
    auth: AuthType

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}{self.base_path or '/'}"


def parse_target(url: str, *, region: str | None, auth: str) -> Target:
    """Checks a function URL and works out its signing region.

    The region comes from a ``<url-id>.lambda-url.<region>.on.aws`` host
    unless ``region`` is given; for any other host (a custom domain in front
    of the function URL) a signed target needs ``region``.
    """
    if auth not in ("AWS_IAM", "NONE"):
        raise ConfigError(f"auth must be 'AWS_IAM' or 'NONE', got {auth!r}")
    if not isinstance(url, str):
        raise ConfigError(f"function URL must be a str, got {type(url).__name__}")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"function URL must be https://host[:port][/path], got {url!r}")
    if parts.username is not None or parts.password is not None:
        raise ConfigError("function URL must not carry a user name or password")
    if parts.query or parts.fragment:
        raise ConfigError(
            f"function URL must not have a query or fragment (pass query parameters "
            f"to each request as params=...): {url!r}"
        )
    try:
        port = parts.port
    except ValueError as e:
        raise ConfigError(f"function URL has an invalid port: {url!r}") from e
    hostname = parts.hostname.lower()
    host = f"[{hostname}]" if ":" in hostname else hostname
    if port is not None:
        host = f"{host}:{port}"
    if region is not None:
        if not isinstance(region, str) or not _REGION.fullmatch(region):
            raise ConfigError(f"region must look like 'us-east-1', got {region!r}")
    elif (match := _FUNCTION_URL_HOST.match(hostname)) and _REGION.fullmatch(match["region"]):
        region = match["region"]
    elif auth == "AWS_IAM":
        raise ConfigError(
            f"cannot tell the signing region of {url!r}: its host is not "
            "<url-id>.lambda-url.<region>.on.aws (a custom domain?); pass region=..."
        )
    return Target(
        scheme=parts.scheme,
        host=host,
        # Already URL text: existing escapes stay, what may not stand in a
        # path (a space, non-ASCII) is escaped.
        base_path=quote(parts.path.rstrip("/"), safe="/%:@!$&'()*+,;=-._~"),
        region=region,
        auth="AWS_IAM" if auth == "AWS_IAM" else "NONE",
    )


def _encode(text: str) -> str:
    # RFC 3986 unreserved characters stay, everything else is escaped (a
    # space as %20, "+" as %2B), which is also SigV4's canonical form.
    return quote(text, safe="-_.~")


def _param_text(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _query(params: Params | None, problems: list[tuple[str, str]]) -> str:
    if params is None:
        return ""
    pairs: Iterable[tuple[Any, Any]]
    if isinstance(params, Mapping):
        pairs = params.items()
    elif isinstance(params, (str, bytes)):
        problems.append(("params", "must be a mapping or a sequence of (name, value) pairs"))
        return ""
    else:
        pairs = params
    encoded: list[str] = []
    for index, pair in enumerate(pairs):
        if not (isinstance(pair, tuple) and len(pair) == 2):
            problems.append((f"params[{index}]", "must be a (name, value) pair"))
            continue
        name, value = pair
        if not isinstance(name, str):
            problems.append((f"params[{index}]", f"name must be a str, got {type(name).__name__}"))
            continue
        values = value if isinstance(value, Sequence) and not isinstance(value, str) else (value,)
        for item in values:
            text = _param_text(item)
            if text is None:
                problems.append(
                    (f"params[{name!r}]", f"must be str, int or float, got {type(item).__name__}")
                )
                continue
            encoded.append(f"{_encode(name)}={_encode(text)}")
    return "&".join(encoded)


def _path(base_path: str, path: object, problems: list[tuple[str, str]]) -> str:
    if not isinstance(path, str):
        problems.append(("path", f"must be a str, got {type(path).__name__}"))
        return "/"
    if not path.startswith("/"):
        problems.append(("path", f"must start with '/', got {path!r}"))
    if "?" in path or "#" in path:
        problems.append(("path", "must not contain '?' or '#': pass query parameters as params="))
    if _FORBIDDEN_IN_HEADERS.search(path):
        problems.append(("path", "must not contain CR, LF or NUL"))
    # The path is text: every character but the unreserved ones and "/" is
    # escaped once, "%" included, so "/a b" goes as "/a%20b".
    return base_path + quote(path, safe="/-_.~")


def _headers(
    headers: Mapping[str, str] | None, auth: AuthType, problems: list[tuple[str, str]]
) -> dict[str, str]:
    out: dict[str, str] = {}
    if headers is None:
        return out
    if not isinstance(headers, Mapping):
        problems.append(("headers", f"must be a mapping, got {type(headers).__name__}"))
        return out
    reserved = _RESERVED_HEADERS | _SIGNING_HEADERS if auth == "AWS_IAM" else _RESERVED_HEADERS
    for name, value in headers.items():
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            problems.append(("headers", f"invalid header name {name!r}"))
            continue
        key = name.lower()
        where = f"headers[{name!r}]"
        if key in reserved:
            problems.append((where, "is set by the client and cannot be given"))
        elif key in out:
            problems.append((where, "is given twice (header names are case-insensitive)"))
        elif not isinstance(value, str):
            problems.append((where, f"must be a str, got {type(value).__name__}"))
        elif _FORBIDDEN_IN_HEADERS.search(value):
            problems.append((where, "must not contain CR, LF or NUL"))
        else:
            out[key] = value
    return out


def _body(
    content: Content | None, json_body: Any, problems: list[tuple[str, str]]
) -> tuple[bytes, str | None]:
    """The body and the content type it implies (``None``: none implied)."""
    if content is not None and json_body is not None:
        problems.append(("content", "give content= or json=, not both"))
        return b"", None
    if json_body is not None:
        try:
            text = _json.dumps(
                json_body, ensure_ascii=False, allow_nan=False, separators=(",", ":")
            )
        except (TypeError, ValueError, RecursionError) as e:
            # Not json's own words: they may quote a value of the body.
            problems.append(("json", f"is not JSON-serializable ({type_name(e)})"))
            return b"", None
        return text.encode(), _JSON_TYPE
    if content is None:
        return b"", None
    if isinstance(content, str):
        return content.encode(), _TEXT_TYPE
    if isinstance(content, (bytes, bytearray, memoryview)):
        return bytes(content), None
    problems.append(("content", f"must be bytes or str, got {type(content).__name__}"))
    return b"", None


def build_request(
    target: Target,
    method: str,
    path: str,
    *,
    params: Params | None,
    headers: Mapping[str, str] | None,
    content: Content | None,
    json_body: Any,
    user_agent: str,
    trace_id: str | None,
) -> HttpRequest:
    """The request, unsigned, or a `ParamValidationError` listing
    every problem with the arguments."""
    problems: list[tuple[str, str]] = []
    verb = method.upper() if isinstance(method, str) else ""
    if not _TOKEN.fullmatch(verb):
        problems.append(("method", f"must be an HTTP method such as 'GET', got {method!r}"))
    wire_path = _path(target.base_path, path, problems)
    query = _query(params, problems)
    wire_headers = _headers(headers, target.auth, problems)
    body, content_type = _body(content, json_body, problems)
    if problems:
        raise ParamValidationError(_OPERATION, problems)

    if content_type is not None:
        wire_headers.setdefault("content-type", content_type)
    wire_headers.setdefault("user-agent", user_agent)
    if trace_id:
        wire_headers.setdefault("x-amzn-trace-id", trace_id)
    if (target.auth == "AWS_IAM" or body) and len(body) < OFF_LOOP_BYTES:
        # Signed requests carry the payload hash they were signed with, as
        # CloudFront's origin access control in front of a function URL
        # requires of PUT and POST; unsigned ones with a body carry it for
        # the same reason. The caller hashes a larger body off the event
        # loop (payload_digest.py) and sets the header itself.
        wire_headers["x-amz-content-sha256"] = hashlib.sha256(body).hexdigest()
    return HttpRequest(
        method=verb,
        scheme=target.scheme,
        host=target.host,
        path=wire_path or "/",
        query=query,
        headers=wire_headers,
        body=body,
    )
