from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import botocore.auth
import pytest
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotocoreCredentials
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_client._runtime import signer as signer_module
from lambda_client._runtime.http import HttpRequest
from lambda_client._runtime.signer import (
    SigV4Signer,
    authorization_header,
    canonical_query_string,
    canonical_request,
    canonical_uri,
    credential_scope,
    derive_signing_key,
    signature,
    signed_headers,
    string_to_sign,
)

SUITE = Path(__file__).resolve().parents[2] / "fixtures" / "sigv4"

# Fixed by the suite (its README and every .sts file).
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
SERVICE = "service"
AMZ_DATE = "20150830T123600Z"
SUITE_TIME = datetime(2015, 8, 30, 12, 36, 0, tzinfo=UTC)

# This case's .req leaves out the token that its .creq signs; the value only
# appears in the .sreq.
TOKEN_FROM_SREQ = {"get-vanilla-with-session-token"}
# Here the token is added after signing, which the signer never does.
TOKEN_NOT_SIGNED = {"post-sts-token/post-sts-header-after"}


@dataclass(frozen=True)
class Creds:
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None


@dataclass
class RawRequest:
    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes


def parse_raw_request(raw: bytes) -> RawRequest:
    """Parse a suite ``.req``: request line, headers (folded lines and
    repeated names allowed), blank line, body."""
    text = raw.decode()
    head, _, body = text.partition("\n\n")
    request_line, *header_lines = head.split("\n")
    # The target may hold raw spaces (normalize-path/get-space), so only the
    # first and last spaces delimit it.
    method, _, rest = request_line.partition(" ")
    target, _, _version = rest.rpartition(" ")
    path, _, query = target.partition("?")
    headers: list[tuple[str, str]] = []
    for line in header_lines:
        if not line:
            continue
        if line[0] in " \t":
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
        else:
            name, _, value = line.partition(":")
            headers.append((name, value))
    return RawRequest(method, path, query, headers, body.encode())


def header_values(raw: RawRequest, name: str) -> list[str]:
    return [v for n, v in raw.headers if n.lower() == name]


def discover_cases() -> list[str]:
    return sorted(str(p.parent.relative_to(SUITE)) for p in SUITE.rglob("*.req"))


CASES = discover_cases()


def read_expected(case: str, ext: str) -> str:
    folder = SUITE / case
    return (folder / f"{folder.name}{ext}").read_text()


def load_case(case: str) -> RawRequest:
    folder = SUITE / case
    raw = parse_raw_request((folder / f"{folder.name}.req").read_bytes())
    if case in TOKEN_FROM_SREQ:
        signed = parse_raw_request((folder / f"{folder.name}.sreq").read_bytes())
        (token,) = header_values(signed, "x-amz-security-token")
        raw.headers.append(("X-Amz-Security-Token", token))
    return raw


def test_suite_is_complete() -> None:
    # A case lost in copying would otherwise shrink the parametrisation silently.
    assert len(CASES) == 34
    assert (SUITE / "LICENSE").is_file()
    assert (SUITE / "NOTICE").is_file()
    assert "normalize-path/get-space" in CASES
    assert "post-sts-token/post-sts-header-before" in CASES


@pytest.mark.parametrize("case", CASES)
def test_suite_case(case: str) -> None:
    raw = load_case(case)
    payload_hash = hashlib.sha256(raw.body).hexdigest()

    creq = canonical_request(raw.method, raw.path, raw.query, raw.headers, payload_hash)
    assert creq == read_expected(case, ".creq")

    scope = credential_scope(AMZ_DATE[:8], REGION, SERVICE)
    sts = string_to_sign(AMZ_DATE, scope, creq)
    assert sts == read_expected(case, ".sts")

    key = derive_signing_key(SECRET_KEY, AMZ_DATE[:8], REGION, SERVICE)
    authz = authorization_header(
        ACCESS_KEY, scope, signed_headers(raw.headers), signature(key, sts)
    )
    assert authz == read_expected(case, ".authz")


def _single_valued(case: str) -> bool:
    names = [n.lower() for n, _ in load_case(case).headers]
    return len(names) == len(set(names)) and case not in TOKEN_NOT_SIGNED


@pytest.mark.parametrize("case", [c for c in CASES if _single_valued(c)])
def test_suite_case_through_signer(case: str) -> None:
    raw = load_case(case)
    headers = {n.lower(): v for n, v in raw.headers}
    host = headers.pop("host")
    token = headers.get("x-amz-security-token")
    request = HttpRequest(
        method=raw.method,
        scheme="https",
        host=host,
        path=raw.path,
        query=raw.query,
        headers=headers,
        body=raw.body,
    )
    SigV4Signer(service=SERVICE, region=REGION).sign(
        request, Creds(ACCESS_KEY, SECRET_KEY, token), now=SUITE_TIME
    )
    assert request.headers["x-amz-date"] == AMZ_DATE
    assert request.headers["authorization"] == read_expected(case, ".authz")
    assert "host" not in request.headers


def test_parser_handles_folded_and_repeated_headers() -> None:
    raw = load_case("get-header-value-multiline")
    assert header_values(raw, "my-header1") == ["value1 value2 value3"]
    raw = load_case("get-header-key-duplicate")
    assert header_values(raw, "my-header1") == ["value2", "value2", "value1"]
    raw = load_case("post-x-www-form-urlencoded")
    assert raw.body == b"Param1=value1"


# --- canonical pieces -------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", "/"),
        ("/", "/"),
        (
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af/invocations",
            "/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A123456789012%253Afunction%253Af/invocations",
        ),
        ("/functions/a%2Fb/policy", "/functions/a%252Fb/policy"),
        # An encoded slash or dot is data, never a separator or a dot segment.
        ("/a%2F..%2Fb/c", "/a%252F..%252Fb/c"),
        ("/a/%2E%2E/b", "/a/%252E%252E/b"),
        ("/a/b/../c/./d/", "/a/c/d/"),
        ("/a//b", "/a/b"),
        ("/../..", "/"),
        ("/a b/~x", "/a%20b/~x"),
    ],
)
def test_canonical_uri(path: str, expected: str) -> None:
    assert canonical_uri(path) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ""),
        ("b&a=1", "a=1&b="),
        ("a=", "a="),
        ("x=a+b%20c", "x=a%2Bb%20c"),
        ("x=%7e%2b%3a", "x=~%2B%3A"),
        ("b=2&a=2&a=1&A=0", "A=0&a=1&a=2&b=2"),
        ("a=1&&b=2", "a=1&b=2"),
        ("k=%FF", "k=%FF"),
        ("q=caf\u00e9", "q=caf%C3%A9"),
    ],
)
def test_canonical_query_string(query: str, expected: str) -> None:
    assert canonical_query_string(query) == expected


def test_unsigned_headers_are_skipped() -> None:
    headers = [
        ("Host", "h"),
        ("User-Agent", "x"),
        ("Expect", "100-continue"),
        ("X-Amzn-Trace-Id", "Root=1"),
        ("Authorization", "old"),
        ("X-Amz-Date", AMZ_DATE),
    ]
    assert signed_headers(headers) == "host;x-amz-date"


# --- the signer -------------------------------------------------------------


def lambda_request(**overrides: Any) -> HttpRequest:
    fields: dict[str, Any] = {
        "method": "POST",
        "scheme": "https",
        "host": "lambda.us-east-1.amazonaws.com",
        "path": "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn/invocations",
        "query": "Qualifier=live",
        "headers": {
            "content-type": "application/json",
            "x-amz-invocation-type": "RequestResponse",
            "user-agent": "lambda_client/0.1.0",
        },
        "body": b'{"hello": "world"}',
    }
    fields.update(overrides)
    return HttpRequest(**fields)


def test_sign_adds_headers_and_signs_token() -> None:
    request = lambda_request()
    creds = Creds(ACCESS_KEY, SECRET_KEY, "the-token")
    SigV4Signer(service="lambda", region="us-east-1").sign(request, creds, now=SUITE_TIME)

    headers = request.headers
    assert headers["x-amz-date"] == AMZ_DATE
    assert headers["x-amz-security-token"] == "the-token"
    authz = headers["authorization"]
    assert authz.startswith(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/lambda/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-invocation-type;"
        "x-amz-security-token, Signature="
    )
    # Recompute from the pure pieces: the token and host are in what was signed.
    pairs = [*headers.items(), ("host", request.host)]
    creq = canonical_request(
        request.method,
        request.path,
        request.query,
        pairs,
        hashlib.sha256(request.body).hexdigest(),
    )
    assert "\nx-amz-security-token:the-token\n" in creq
    assert "\nhost:lambda.us-east-1.amazonaws.com\n" in creq
    assert "%253A" in creq.split("\n")[1]
    scope = credential_scope("20150830", "us-east-1", "lambda")
    key = derive_signing_key(SECRET_KEY, "20150830", "us-east-1", "lambda")
    sig = signature(key, string_to_sign(AMZ_DATE, scope, creq))
    assert authz.endswith(f"Signature={sig}")


def test_sign_without_token_and_resign() -> None:
    signer = SigV4Signer(service="lambda", region="us-east-1")
    request = lambda_request()
    signer.sign(request, Creds(ACCESS_KEY, SECRET_KEY, "old-token"), now=SUITE_TIME)
    first = request.headers["authorization"]

    # A retry with refreshed credentials: no stale token, no old authorization
    # folded into the new signature.
    later = SUITE_TIME + timedelta(seconds=5)
    signer.sign(request, Creds("AKIDOTHER", SECRET_KEY, None), now=later)
    assert "x-amz-security-token" not in request.headers
    assert request.headers["x-amz-date"] == "20150830T123605Z"
    second = request.headers["authorization"]
    assert second != first
    assert "Credential=AKIDOTHER/" in second
    assert "SignedHeaders=content-type;host;x-amz-date;x-amz-invocation-type," in second

    fresh = lambda_request()
    signer.sign(fresh, Creds("AKIDOTHER", SECRET_KEY, None), now=later)
    assert fresh.headers["authorization"] == second


def test_sign_is_insensitive_to_unsigned_headers_and_host_spelling() -> None:
    signer = SigV4Signer(service="lambda", region="us-east-1")
    creds = Creds(ACCESS_KEY, SECRET_KEY)
    a = lambda_request()
    b = lambda_request(host="Lambda.US-East-1.amazonaws.com:443")
    b.headers["user-agent"] = "something else"
    b.headers["x-amzn-trace-id"] = "Root=1-abc"
    signer.sign(a, creds, now=SUITE_TIME)
    signer.sign(b, creds, now=SUITE_TIME)
    assert a.headers["authorization"] == b.headers["authorization"]

    c = lambda_request(host="localhost:9001", scheme="http")
    signer.sign(c, creds, now=SUITE_TIME)
    assert c.headers["authorization"] != a.headers["authorization"]


def test_sign_converts_aware_time_to_utc() -> None:
    signer = SigV4Signer(service="lambda", region="us-east-1")
    creds = Creds(ACCESS_KEY, SECRET_KEY)
    request = lambda_request()
    plus_two = timezone(timedelta(hours=2))
    signer.sign(request, creds, now=datetime(2015, 8, 31, 1, 0, 0, tzinfo=plus_two))
    assert request.headers["x-amz-date"] == "20150830T230000Z"
    assert "/20150830/us-east-1/lambda/" in request.headers["authorization"]


def test_sign_uses_current_time_by_default() -> None:
    request = lambda_request()
    before = datetime.now(UTC).replace(microsecond=0)
    SigV4Signer(service="lambda", region="us-east-1").sign(request, Creds(ACCESS_KEY, SECRET_KEY))
    stamped = datetime.strptime(request.headers["x-amz-date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert before <= stamped <= datetime.now(UTC)


def test_sign_reuses_the_time_only_within_the_same_utc_second() -> None:
    signer = SigV4Signer(service="lambda", region="us-east-1")
    creds = Creds(ACCESS_KEY, SECRET_KEY)

    def stamp(now: datetime) -> tuple[str, str]:
        request = lambda_request()
        signer.sign(request, creds, now=now)
        return request.headers["x-amz-date"], request.headers["authorization"]

    first = stamp(SUITE_TIME)
    assert stamp(SUITE_TIME + timedelta(microseconds=999_999)) == first
    assert stamp(SUITE_TIME.replace(tzinfo=None)) == first
    assert stamp(SUITE_TIME.astimezone(timezone(timedelta(hours=-7)))) == first
    later = stamp(SUITE_TIME + timedelta(seconds=1))
    assert later[0] == "20150830T123601Z"
    # A second that crosses midnight changes the scope as well as the date.
    midnight = stamp(datetime(2015, 8, 30, 23, 59, 59, 999_999, tzinfo=UTC))
    assert midnight[0] == "20150830T235959Z"
    assert "/20150830/" in midnight[1]
    next_day = stamp(datetime(2015, 8, 31, tzinfo=UTC))
    assert next_day[0] == "20150831T000000Z"
    assert "/20150831/" in next_day[1]
    # Before the epoch the arithmetic still floors to the right second.
    assert stamp(datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC))[0] == "19691231T235959Z"
    assert stamp(SUITE_TIME) == first


def test_signing_key_is_cached() -> None:
    signer = SigV4Signer(service="lambda", region="us-east-1")
    first = signer.signing_key(SECRET_KEY, "20150830")
    assert signer.signing_key(SECRET_KEY, "20150830") is first
    assert first == derive_signing_key(SECRET_KEY, "20150830", "us-east-1", "lambda")

    next_day = signer.signing_key(SECRET_KEY, "20150831")
    assert next_day is not first
    assert next_day != first
    assert next_day == derive_signing_key(SECRET_KEY, "20150831", "us-east-1", "lambda")
    assert signer.signing_key("another-secret", "20150830") != first


def test_sign_derives_key_once_per_day(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, ...]] = []
    real: Callable[[str, str, str, str], bytes] = signer_module.derive_signing_key

    def counting(secret: str, date: str, region: str, service: str) -> bytes:
        calls.append((date, region, service))
        return real(secret, date, region, service)

    monkeypatch.setattr(signer_module, "derive_signing_key", counting)
    signer = SigV4Signer(service="lambda", region="us-east-1")
    creds = Creds(ACCESS_KEY, SECRET_KEY)
    for seconds in (0, 1, 2, 3600):
        signer.sign(lambda_request(), creds, now=SUITE_TIME + timedelta(seconds=seconds))
    assert calls == [("20150830", "us-east-1", "lambda")]
    signer.sign(lambda_request(), creds, now=SUITE_TIME + timedelta(days=1))
    assert len(calls) == 2


@pytest.mark.parametrize("length", [0, 1, 32, 63, 64, 65, 200])
def test_signing_key_signs_like_hmac(length: int) -> None:
    # The signer keeps HMAC's padded-key states per key instead of calling
    # hmac; both must give the same signature for any key and message.
    key = bytes(range(7, 7 + length))
    prepared = signer_module._SigningKey(key)
    assert prepared.key is key
    for message in ("", "AWS4-HMAC-SHA256\n20150830T123600Z", "é" * 100):
        assert prepared.signature(message) == signature(key, message)
        # Copies are taken per message: signing again gives the same answer.
        assert prepared.signature(message) == signature(key, message)


def test_key_cache_is_bounded() -> None:
    signer = SigV4Signer(service="lambda", region="us-east-1")
    for n in range(100):
        signer.signing_key(f"secret-{n}", "20150830")
    assert len(signer._keys) <= 16


def test_canonical_uri_cache_is_bounded_and_keyed_by_path() -> None:
    signer = SigV4Signer(service="lambda", region="us-east-1")
    creds = Creds(ACCESS_KEY, SECRET_KEY)
    for n in range(300):
        signer.sign(lambda_request(path=f"/2015-03-31/functions/fn-{n}/invocations"), creds)
    assert len(signer._uris) <= signer_module._URI_CACHE_LIMIT
    # Paths that normalise alike but differ on the wire are cached apart.
    for path in ("/a/b%3Ac", "/a//b%3Ac", "/a/./b%3Ac"):
        request = lambda_request(path=path)
        signer.sign(request, creds, now=SUITE_TIME)
        assert signer._uris[path] == canonical_uri(path) == "/a/b%253Ac"


HEADER_NAMES = st.one_of(
    st.sampled_from(
        ["host", "Host", " host", "x-amz-date", "X-Amz-Date", "user-agent", "Content-Type"]
    ),
    st.text(alphabet="aAbB- \t", min_size=1, max_size=4),
)
HEADER_VALUES = st.text(alphabet=st.sampled_from("ab ,\t\n\u00a0\u2003é"), max_size=8)


@settings(max_examples=300, deadline=None)
@given(
    headers=st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=6),
    later_values=st.lists(HEADER_VALUES, min_size=6, max_size=6),
)
def test_planned_headers_match_the_general_canonical_form(
    headers: dict[str, str], later_values: list[str]
) -> None:
    # The signer reuses per set of names what _collect_headers derives from
    # the names alone; for any headers, with the plan new or reused, the
    # result must be what _collect_headers gives from scratch.
    signer = SigV4Signer(service="lambda", region="us-east-1")

    def expected(request: HttpRequest) -> tuple[str, str]:
        pairs = list(request.headers.items())
        if "host" not in request.headers:
            pairs.append(("host", "lambda.us-east-1.amazonaws.com"))
        return signer_module._collect_headers(pairs)

    first = lambda_request(headers=dict(headers))
    assert signer._canonical_headers(first) == expected(first)
    second = lambda_request(headers=dict(zip(headers, later_values, strict=False)))
    assert signer._canonical_headers(second) == expected(second)


def test_header_plan_cache_is_bounded() -> None:
    signer = SigV4Signer(service="lambda", region="us-east-1")
    creds = Creds(ACCESS_KEY, SECRET_KEY)
    for n in range(200):
        signer.sign(lambda_request(headers={f"x-custom-{n}": "1"}), creds, now=SUITE_TIME)
    assert len(signer._plans) <= signer_module._PLAN_CACHE_LIMIT


# --- botocore as an independent oracle --------------------------------------
# A second implementation catches mistakes the suite cannot: it has no
# double-encoded paths, and its service name is not a real one.

LISTING_PATH = (
    "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn/aliases"
)
BOTO_TIME = datetime(2024, 2, 29, 23, 59, 58)


def botocore_authorization(
    monkeypatch: pytest.MonkeyPatch,
    *,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
    token: str | None,
    params: dict[str, str] | None = None,
) -> dict[str, str]:
    def fixed_now(remove_tzinfo: bool = True) -> datetime:
        return BOTO_TIME if remove_tzinfo else BOTO_TIME.replace(tzinfo=UTC)

    monkeypatch.setattr(botocore.auth, "get_current_datetime", fixed_now)
    request = AWSRequest(method=method, url=url, headers=dict(headers), data=body, params=params)
    botocore.auth.SigV4Auth(
        BotocoreCredentials(ACCESS_KEY, SECRET_KEY, token), "lambda", "us-west-2"
    ).add_auth(request)
    return {k.lower(): v for k, v in request.headers.items()}


@pytest.mark.parametrize("token", [None, "FwoGZXIvYXdzEXAMPLE+token/with=chars"])
@pytest.mark.parametrize("boto_params", [False, True], ids=["query-in-url", "params-dict"])
def test_matches_botocore(
    monkeypatch: pytest.MonkeyPatch, token: str | None, boto_params: bool
) -> None:
    host = "lambda.us-west-2.amazonaws.com"
    headers = {
        "content-type": "application/json",
        "x-amz-client-context": "eyJjdXN0b20iOnt9fQ==",
        "user-agent": "lambda_client/0.1.0 md/test",
        "x-amzn-trace-id": "Root=1-5759e988-bd862e3fe1be46a994272793",
    }
    body = b'{"payload": "a + b"}'
    # What the serializer puts on the wire: strict RFC 3986, `+` as %2B.
    wire_query = "Marker=page%2B2%20of%205&MaxItems=50&FunctionVersion=%24LATEST"

    if boto_params:
        expected = botocore_authorization(
            monkeypatch,
            method="GET",
            url=f"https://{host}{LISTING_PATH}",
            headers=headers,
            body=body,
            token=token,
            params={"Marker": "page+2 of 5", "MaxItems": "50", "FunctionVersion": "$LATEST"},
        )
    else:
        expected = botocore_authorization(
            monkeypatch,
            method="GET",
            url=f"https://{host}{LISTING_PATH}?{wire_query}",
            headers=headers,
            body=body,
            token=token,
        )

    request = HttpRequest(
        method="GET",
        scheme="https",
        host=host,
        path=LISTING_PATH,
        query=wire_query,
        headers=dict(headers),
        body=body,
    )
    SigV4Signer(service="lambda", region="us-west-2").sign(
        request, Creds(ACCESS_KEY, SECRET_KEY, token), now=BOTO_TIME.replace(tzinfo=UTC)
    )

    assert request.headers["authorization"] == expected["authorization"]
    assert request.headers["x-amz-date"] == expected["x-amz-date"] == "20240229T235958Z"
    assert request.headers.get("x-amz-security-token") == expected.get("x-amz-security-token")
    assert (
        "SignedHeaders=content-type;host;x-amz-client-context;x-amz-date"
        in expected["authorization"]
    )


def test_matches_botocore_for_invoke(monkeypatch: pytest.MonkeyPatch) -> None:
    host = "lambda.us-west-2.amazonaws.com"
    path = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-west-2%3A123456789012%3Afunction%3Amy-fn%3Alive/invocations"
    headers = {"x-amz-invocation-type": "Event", "x-amz-log-type": "None"}
    body = b"\x00\xffbinary payload"
    expected = botocore_authorization(
        monkeypatch,
        method="POST",
        url=f"https://{host}{path}",
        headers=headers,
        body=body,
        token="session",
    )
    request = HttpRequest(
        method="POST", scheme="https", host=host, path=path, headers=dict(headers), body=body
    )
    SigV4Signer(service="lambda", region="us-west-2").sign(
        request, Creds(ACCESS_KEY, SECRET_KEY, "session"), now=BOTO_TIME
    )
    assert request.headers["authorization"] == expected["authorization"]


def _invoke_request(body: bytes, headers: dict[str, str]) -> HttpRequest:
    return HttpRequest(
        method="POST",
        scheme="https",
        host="lambda.us-west-2.amazonaws.com",
        path="/2015-03-31/functions/my-fn/invocations",
        headers=dict(headers),
        body=body,
    )


def test_a_content_sha256_header_is_signed_as_the_payload_hash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The header's claim is what gets signed, as botocore signs it: here it
    # names another body, so a signer that hashed the body would differ.
    claimed = hashlib.sha256(b"the body that was hashed earlier").hexdigest()
    headers = {"x-amz-content-sha256": claimed}
    body = b"a body the signer must not hash again"
    expected = botocore_authorization(
        monkeypatch,
        method="POST",
        url="https://lambda.us-west-2.amazonaws.com/2015-03-31/functions/my-fn/invocations",
        headers=headers,
        body=body,
        token=None,
    )
    request = _invoke_request(body, headers)
    SigV4Signer(service="lambda", region="us-west-2").sign(
        request, Creds(ACCESS_KEY, SECRET_KEY), now=BOTO_TIME
    )
    assert request.headers["authorization"] == expected["authorization"]
    assert "x-amz-content-sha256" in expected["authorization"]


def test_a_given_payload_hash_is_used_instead_of_hashing_the_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = bytes(range(256)) * 64
    hashed: list[int] = []
    real = hashlib.sha256

    def counting(data: bytes = b"") -> Any:
        hashed.append(len(data))
        return real(data)

    signer = SigV4Signer(service="lambda", region="us-west-2")
    given_hash = _invoke_request(body, {})
    reference = _invoke_request(body, {})
    signer.sign(reference, Creds(ACCESS_KEY, SECRET_KEY), now=BOTO_TIME)
    monkeypatch.setattr(signer_module.hashlib, "sha256", counting)
    signer.sign(
        given_hash,
        Creds(ACCESS_KEY, SECRET_KEY),
        now=BOTO_TIME,
        payload_hash=real(body).hexdigest(),
    )
    assert given_hash.headers["authorization"] == reference.headers["authorization"]
    # Only the canonical request was hashed, never the 16 KiB body.
    assert hashed and len(body) not in hashed
