"""The one place where error messages are built, from facts that cannot hold a secret.

A message is a summary the library wrote plus facts from an allow-list: the
operation, the host, the stage of the exchange, the HTTP status, the request
id, and the *type* of a foreign exception with the few facts about it that
are not data (an OS error number, OpenSSL's reason for a TLS failure, a
position in a JSON document, the profile a botocore error names). A foreign
exception's ``str`` or ``repr``, a header, a member's value: none of them is
ever formatted into a message, because any of them can hold what must not be
shown (aiohttp's request errors carry every request header, the
Authorization header and the session token among them).

Foreign exceptions are chained through `foreign_cause`, which builds
a `ForeignCause` from the same allow-list, so that a formatted
traceback shows their types but none of their contents.

Text the library did not write but must show (a service's error message)
goes through a `Redactor`, which removes the secrets the client knows
it holds: the credentials, the request's signature and its sensitive
members. AWS does echo such things: a signature mismatch answer quotes the
canonical request, session token included.
"""

from __future__ import annotations

import errno as _errno
import json
import os
import ssl
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import attrs

from .exceptions import ForeignCause, LambdaClientError, ServiceError
from .model_base import redact as _sensitive_repr

if TYPE_CHECKING:
    from .credentials import Credentials
    from .http import HttpRequest

__all__ = [
    "REDACTED",
    "SENSITIVE_HEADERS",
    "Redactor",
    "describe",
    "foreign_cause",
    "redact_headers",
    "safe_url",
    "sensitive_values",
    "type_name",
]

REDACTED = "<redacted>"

#: Request headers whose values are secrets (or, for a proxy, a password).
SENSITIVE_HEADERS = frozenset(
    {"authorization", "x-amz-security-token", "proxy-authorization", "cookie"}
)

# botocore errors keep their format arguments in ``kwargs``; these name
# things (a profile, a provider, a file), never a credential.
_BOTOCORE_FACTS = ("profile", "provider", "cred_var", "source_profile", "path")

# A foreign cause chain longer than this is cut: the facts are in the first links.
_MAX_CHAIN = 6
_MAX_FACT_LENGTH = 200


def type_name(error: BaseException) -> str:
    """``module.Class`` of an exception (just ``Class`` for builtins)."""
    cls = type(error)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def _short(text: str) -> str:
    return text if len(text) <= _MAX_FACT_LENGTH else text[:_MAX_FACT_LENGTH] + "..."


def _facts(error: BaseException) -> list[str]:
    """What may be said about a foreign exception besides its type."""
    facts: list[str] = []
    number = getattr(error, "errno", None)
    if isinstance(error, OSError) and isinstance(number, int) and number > 0:
        # The text is the OS's for the number, not the exception's own.
        code = _errno.errorcode.get(number, str(number))
        facts.append(f"[{code}] {os.strerror(number)}")
    if isinstance(error, ssl.SSLError):
        # OpenSSL's fixed vocabulary ("CERTIFICATE_VERIFY_FAILED"), never data.
        reason = getattr(error, "reason", None)
        if isinstance(reason, str):
            facts.append(f"TLS {_short(reason)}")
        verify = getattr(error, "verify_message", None)
        if isinstance(verify, str):
            facts.append(_short(verify))
    if isinstance(error, json.JSONDecodeError):
        facts.append(f"at line {error.lineno} column {error.colno}")
    elif isinstance(error, UnicodeDecodeError):
        facts.append(f"{error.encoding} {error.reason} at byte {error.start}")
    if isinstance(error, RecursionError):
        facts.append("nested too deeply")
    kwargs = getattr(error, "kwargs", None)
    if type(error).__module__.startswith("botocore") and isinstance(kwargs, Mapping):
        for key in _BOTOCORE_FACTS:
            value = kwargs.get(key)
            if isinstance(value, str):
                facts.append(f"{key} {_short(value)!r}")
        response = getattr(error, "response", None)
        if isinstance(response, Mapping):
            code = response.get("Error", {}).get("Code")
            if isinstance(code, str):
                facts.append(f"error code {_short(code)}")
    return facts


def _next_link(error: BaseException) -> BaseException | None:
    # The link a formatted traceback follows.
    if error.__cause__ is not None:
        return error.__cause__
    return None if error.__suppress_context__ else error.__context__


def foreign_cause(error: BaseException) -> BaseException:
    """What to chain (``raise ... from foreign_cause(e)``) for ``error``.

    A library exception is returned as it is: it was built here. Anything
    else becomes a `ForeignCause` holding the allow-listed facts of
    ``error`` and, as its own cause, of ``error``'s cause chain.
    """
    if isinstance(error, (LambdaClientError, ForeignCause)):
        return error
    head: ForeignCause | None = None
    tail: ForeignCause | None = None
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen and len(seen) < _MAX_CHAIN:
        seen.add(id(link))
        if isinstance(link, (LambdaClientError, ForeignCause)):
            stand_in: BaseException = link
        else:
            facts = _facts(link)
            name = type_name(link)
            number = getattr(link, "errno", None)
            stand_in = ForeignCause(
                f"{name}: {'; '.join(facts)}" if facts else name,
                type_name=name,
                errno=number if isinstance(link, OSError) and isinstance(number, int) else None,
            )
        if tail is None:
            assert isinstance(stand_in, ForeignCause)
            head = stand_in
        else:
            tail.__cause__ = stand_in
        if not isinstance(stand_in, ForeignCause):
            # A library exception's own chain is already safe.
            break
        tail = stand_in
        link = _next_link(link)
    assert head is not None
    return head


def _cause_text(cause: BaseException) -> str:
    if not isinstance(cause, ForeignCause):
        cause = foreign_cause(cause)
    parts: list[str] = []
    link: BaseException | None = cause
    while link is not None and len(parts) < 3:
        parts.append(type_name(link) if isinstance(link, LambdaClientError) else str(link))
        if not isinstance(link, ForeignCause):
            break
        link = link.__cause__
    return " <- ".join(parts)


def describe(
    summary: str,
    *,
    operation: str | None = None,
    host: str | None = None,
    stage: str | None = None,
    status: int | None = None,
    request_id: str | None = None,
    cause: BaseException | None = None,
) -> str:
    """``summary (operation X; host Y; while Z; HTTP n; request id r; cause: T)``.

    Every argument but ``summary`` is an allow-listed fact; ``cause`` is
    shown by type and the facts `foreign_cause` keeps, never by its
    own text.
    """
    facts = []
    if operation:
        facts.append(f"operation {operation}")
    if host:
        facts.append(f"host {host}")
    if stage:
        facts.append(f"while {stage}")
    if status is not None:
        facts.append(f"HTTP {status}")
    if request_id:
        facts.append(f"request id {request_id}")
    if cause is not None:
        facts.append(f"cause: {_cause_text(cause)}")
    return f"{summary} ({'; '.join(facts)})" if facts else summary


def safe_url(url: str) -> str:
    """``url`` without a password or query values, for messages."""
    if "@" in url:
        # User info, perhaps with a "/" in the password that makes the
        # parser read it as the path: everything up to the last "@" goes.
        scheme, separator, rest = url.partition("://")
        url = f"{scheme}{separator}{REDACTED}@{rest.rpartition('@')[2]}"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    query = REDACTED if parts.query else ""
    fragment = REDACTED if parts.fragment else ""
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, fragment))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of request headers with the secret values replaced."""
    return {
        name: REDACTED if name.lower() in SENSITIVE_HEADERS else value
        for name, value in headers.items()
    }


# -- text the library did not write --------------------------------------------

#: Values shorter than this are not looked for: "true" or "1" would be
#: replaced everywhere, and no credential is that short.
MIN_SECRET_LENGTH = 6
# A sensitive value longer than this (an Invoke payload) is not looked for:
# no message quotes it whole.
_MAX_SECRET_LENGTH = 64 * 1024
# A text ending in this many characters of a secret, or more, ends in the
# secret cut short.
_CUT_SECRET = 8


class Redactor:
    """Replaces known secrets in foreign text with ``<redacted>``."""

    __slots__ = ("_secrets",)

    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first: a token that contains a shorter secret goes whole.
        self._secrets = sorted(
            {s for s in secrets if MIN_SECRET_LENGTH <= len(s) <= _MAX_SECRET_LENGTH},
            key=len,
            reverse=True,
        )

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
            # A reader keeps only the start of a long text (an error body's
            # first 512 bytes), which may end inside a secret.
            head = secret[:_CUT_SECRET]
            cut = text.rfind(head)
            if cut >= 0 and secret.startswith(text[cut:]):
                text = text[:cut] + REDACTED
        return text

    def __repr__(self) -> str:
        return f"<Redactor of {len(self._secrets)} value(s)>"

    @classmethod
    def for_call(
        cls,
        credentials: Credentials | None,
        http: HttpRequest | None,
        members: Iterable[str] = (),
    ) -> Redactor:
        """The secrets of one attempt of a call: its credentials, the signed
        request's secret headers (with the signature and the key id inside
        Authorization; each attempt is signed anew) and ``members``, the
        values of the request's sensitive members (`sensitive_values`)."""
        secrets: list[str] = list(members)
        if credentials is not None:
            secrets += [credentials.access_key_id, credentials.secret_access_key]
            if credentials.session_token:
                secrets.append(credentials.session_token)
        if http is not None:
            for name, value in http.headers.items():
                if name.lower() in SENSITIVE_HEADERS:
                    secrets.append(value)
                    secrets.extend(_authorization_parts(value))
        return cls(secrets)


def sensitive_values(request: object) -> list[str]:
    """The text of every sensitive member of a request (model objects only)."""
    out: list[str] = []
    if attrs.has(type(request)):
        _sensitive_values(request, out, sensitive=False, depth=0)
    return out


def _authorization_parts(value: str) -> list[str]:
    # "AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request,
    #  SignedHeaders=..., Signature=hex"
    parts = []
    for piece in value.replace(",", " ").split():
        key, _, rest = piece.partition("=")
        if key == "Signature":
            parts.append(rest)
        elif key == "Credential":
            parts.append(rest.split("/", 1)[0])
    return parts


def _sensitive_values(value: Any, out: list[str], *, sensitive: bool, depth: int) -> None:
    """Collect the text of every sensitive member under ``value``."""
    if depth > 32:
        return
    if attrs.has(type(value)):
        for f in attrs.fields(type(value)):
            member = getattr(value, f.name, None)
            if member is not None:
                _sensitive_values(
                    member, out, sensitive=sensitive or f.repr is _sensitive_repr, depth=depth + 1
                )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if sensitive and isinstance(key, str):
                out.append(key)
            _sensitive_values(item, out, sensitive=sensitive, depth=depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _sensitive_values(item, out, sensitive=sensitive, depth=depth + 1)
    elif sensitive and isinstance(value, str):
        out.append(value)
    elif sensitive and isinstance(value, (bytes, bytearray)) and len(value) <= _MAX_SECRET_LENGTH:
        text = bytes(value).decode("utf-8", "replace")
        out.append(text)
        # A payload is mostly JSON, and a service quotes values out of it
        # rather than the whole document.
        out.extend(_json_strings(text))


def _json_strings(text: str) -> list[str]:
    """The string values of a JSON document (none if it is not JSON)."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return []
    found: list[str] = []
    pending = [document]
    while pending and len(found) < 1000:
        node = pending.pop()
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return found


def redact_service_error(error: ServiceError, redactor: Callable[[str], str]) -> None:
    """Remove known secrets from the text a service error carries."""
    error.code = redactor(error.code)
    if error.message:
        error.message = redactor(error.message)
    error.args = tuple(redactor(a) if isinstance(a, str) else a for a in error.args)
    for key, value in list(error.fields.items()):
        if isinstance(value, str):
            error.fields[key] = redactor(value)
    for attr, *_ in error._members:
        value = getattr(error, attr, None)
        if isinstance(value, str):
            setattr(error, attr, redactor(value))


# -- why a response did not fit the model ---------------------------------------

_MAX_PROBLEMS = 10


def structure_problems(error: BaseException, root: str) -> list[str]:
    """Where and how data failed to structure, as ``problem at path`` lines
    (see `structure_problem_pairs`)."""
    return [f"{problem} at {path}" for path, problem in structure_problem_pairs(error, root)]


def structure_problem_pairs(error: BaseException, root: str) -> list[tuple[str, str]]:
    """``(path, problem)`` for each place data failed to structure, from a
    cattrs validation error, in cattrs' words but without the values: member
    names from the model, list positions, the expected type
    (``("Layers[0].CodeSize", "invalid value for type, expected int")``).
    Map keys show as ``[<key>]``: an environment variable's name is a
    secret. Unknown members of a structure are named (they are the
    caller's misspellings, not data)."""
    from cattrs.errors import (
        ClassValidationError,
        ForbiddenExtraKeysError,
        IterableValidationError,
    )

    out: list[tuple[str, str]] = []

    def leaf(exc: BaseException, expected: Any, path: str) -> None:
        if isinstance(exc, KeyError):
            what = "required field missing"
        elif isinstance(exc, ForbiddenExtraKeysError):
            what = f"extra fields found ({', '.join(sorted(map(str, exc.extra_fields)))})"
        elif isinstance(exc, (TypeError, ValueError)):
            name = _type_label(expected)
            what = f"invalid value for type, expected {name}" if name else "invalid value"
        elif isinstance(exc, AttributeError) and "attribute 'items'" in str(exc):
            # Matched, not shown: what cattrs says when a map is not a map.
            what = "expected a mapping"
        else:
            what = type_name(exc)
        out.append((path, what))

    def walk(exc: BaseException, path: str, depth: int) -> None:
        if len(out) >= _MAX_PROBLEMS or depth > 64:
            return
        unplaced: list[BaseException] = []
        if isinstance(exc, IterableValidationError):
            in_items, unplaced_items = exc.group_exceptions()
            unplaced.extend(unplaced_items)
            for sub, item in in_items:
                index = item.index
                position = index if type(index) is int else "<key>"
                step = f"{path}[{position}]"
                if isinstance(sub, (ClassValidationError, IterableValidationError)):
                    walk(sub, step, depth + 1)
                else:
                    leaf(sub, item.type, step)
        elif isinstance(exc, ClassValidationError):
            in_members, unplaced_members = exc.group_exceptions()
            unplaced.extend(unplaced_members)
            for sub, member in in_members:
                step = f"{path}.{member.name}"
                if isinstance(sub, (ClassValidationError, IterableValidationError)):
                    walk(sub, step, depth + 1)
                else:
                    leaf(sub, member.type, step)
        else:
            unplaced.append(exc)
        for failure in unplaced:
            leaf(failure, None, path)

    walk(error, root, 0)
    return out[:_MAX_PROBLEMS]


def _type_label(expected: Any) -> str | None:
    """``int`` for ``int`` and for ``int | None``; None when there is no one name."""
    import typing

    if isinstance(expected, type):
        return expected.__name__
    named = [a for a in typing.get_args(expected) if a is not type(None)]
    if len(named) == 1:
        return _type_label(named[0])
    return None
