"""Function URLs above the transport seam: URL and region parsing, how a
request is built and checked, the signature against botocore's
``SigV4Auth`` for the same request and time, the retry rule and the
response object."""

from __future__ import annotations

import hashlib
import pickle
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import botocore.auth
import pytest
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from lambda_client import (
    BlockingLambdaClient,
    ClientConfig,
    Credentials,
    FunctionUrl,
    LambdaClient,
    errors,
)
from lambda_client._runtime.exceptions import ConnectError, ReadTimeoutError
from lambda_client._runtime.function_url_request import build_request, parse_target
from lambda_client._runtime.function_url_retry import classify, make_error, retry_after
from lambda_client._runtime.http import HttpRequest, HttpResponse
from tests.fakes import FakeTransport, json_response

NOW = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
TOKEN = "FwoGZXIvYXdzEXAMPLETOKEN//+=="


def client_with(transport: FakeTransport, **config: Any) -> LambdaClient:
    return LambdaClient(
        region="us-west-2",
        credentials=Credentials(
            access_key_id="AKIDEXAMPLE",
            secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            session_token=TOKEN,
        ),
        config=ClientConfig(**config),
        transport=transport,
        clock=NOW.timestamp,
    )


# --- the URL and its region -----------------------------------------------------


@pytest.mark.parametrize(
    ("url", "region"),
    [
        ("https://abcdefghij0123456789.lambda-url.us-east-1.on.aws/", "us-east-1"),
        ("https://abc.lambda-url.eu-west-2.on.aws", "eu-west-2"),
        ("https://ABC.LAMBDA-URL.AP-SOUTHEAST-2.ON.AWS/", "ap-southeast-2"),
        ("https://abc.lambda-url.us-gov-west-1.on.aws/", "us-gov-west-1"),
        ("https://abc.lambda-url.cn-north-1.on.amazonwebservices.com.cn/", "cn-north-1"),
    ],
)
def test_region_comes_from_a_function_url_host(url: str, region: str) -> None:
    target = parse_target(url, region=None, auth="AWS_IAM")
    assert target.region == region
    assert target.base_path == ""
    assert target.url == url.lower().rstrip("/") + "/"


def test_region_given_overrides_the_host() -> None:
    target = parse_target(
        "https://abc.lambda-url.us-east-1.on.aws/", region="eu-west-1", auth="AWS_IAM"
    )
    assert target.region == "eu-west-1"


def test_a_path_prefix_in_the_url_keeps_its_escapes() -> None:
    target = parse_target(
        "https://api.example.com/a%2Fb/c d/é/", region="us-east-1", auth="AWS_IAM"
    )
    assert target.base_path == "/a%2Fb/c%20d/%C3%A9"


def test_custom_domain_needs_a_region_when_signed() -> None:
    with pytest.raises(errors.ConfigError, match=r"signing region.*pass region=") as info:
        parse_target("https://api.example.com/", region=None, auth="AWS_IAM")
    assert isinstance(info.value, ValueError)
    target = parse_target("https://api.example.com/v1/", region="us-east-1", auth="AWS_IAM")
    assert (target.host, target.base_path, target.region) == ("api.example.com", "/v1", "us-east-1")
    unsigned = parse_target("https://api.example.com/", region=None, auth="NONE")
    assert unsigned.region is None and unsigned.auth == "NONE"


@pytest.mark.parametrize(
    ("url", "region", "auth", "match"),
    [
        ("ftp://abc.lambda-url.us-east-1.on.aws/", None, "AWS_IAM", "https://host"),
        ("abc.lambda-url.us-east-1.on.aws", None, "AWS_IAM", "https://host"),
        ("https://abc.lambda-url.us-east-1.on.aws/?x=1", None, "AWS_IAM", "query"),
        ("https://abc.lambda-url.us-east-1.on.aws/#top", None, "AWS_IAM", "fragment"),
        ("https://u:p@abc.lambda-url.us-east-1.on.aws/", None, "AWS_IAM", "password"),
        ("https://abc.lambda-url.us-east-1.on.aws:99999/", None, "AWS_IAM", "port"),
        ("https://abc.lambda-url.us-east-1.on.aws/", "us east 1", "AWS_IAM", "region"),
        ("https://abc.lambda-url.us-east-1.on.aws/", None, "IAM", "auth"),
    ],
)
def test_bad_urls_are_refused_before_anything_is_sent(
    url: str, region: str | None, auth: str, match: str
) -> None:
    with pytest.raises(errors.ConfigError, match=match):
        parse_target(url, region=region, auth=auth)


def test_client_function_url_checks_at_once() -> None:
    client = client_with(FakeTransport())
    with pytest.raises(errors.ConfigError):
        client.function_url("https://api.example.com/")
    furl = client.function_url("https://abc.lambda-url.eu-central-1.on.aws/")
    assert isinstance(furl, FunctionUrl)
    assert (furl.region, furl.auth) == ("eu-central-1", "AWS_IAM")
    assert "eu-central-1" in repr(furl)


# --- building the request ---------------------------------------------------------

TARGET = parse_target("https://abc.lambda-url.us-east-1.on.aws/", region=None, auth="AWS_IAM")


def build(**kw: Any) -> HttpRequest:
    args: dict[str, Any] = {
        "params": None,
        "headers": None,
        "content": None,
        "json_body": None,
        "user_agent": "ua",
        "trace_id": None,
    }
    args.update(kw)
    method = args.pop("method", "GET")
    path = args.pop("path", "/")
    return build_request(TARGET, method, path, **args)


def test_path_and_query_are_encoded_once() -> None:
    request = build(
        path="/files/100% ü/a+b",
        params=[("k", "v w"), ("k", "x/y"), ("b", True), ("f", 1.5), ("t", "~-._")],
    )
    assert request.path == "/files/100%25%20%C3%BC/a%2Bb"
    assert request.query == "k=v%20w&k=x%2Fy&b=true&f=1.5&t=~-._"
    assert request.url.endswith("/files/100%25%20%C3%BC/a%2Bb?k=v%20w&k=x%2Fy&b=true&f=1.5&t=~-._")


def test_bodies_and_their_content_types() -> None:
    as_json = build(method="post", json_body={"a": [1, "é"]})
    assert as_json.method == "POST"
    assert as_json.body == '{"a":[1,"é"]}'.encode()
    assert as_json.headers["content-type"] == "application/json"
    as_text = build(content="héllo")
    assert as_text.body == "héllo".encode() and as_text.headers["content-type"].startswith(
        "text/plain"
    )
    as_bytes = build(content=memoryview(b"\x00\xff"))
    assert as_bytes.body == b"\x00\xff" and "content-type" not in as_bytes.headers
    typed = build(content=b"<a/>", headers={"Content-Type": "application/xml"})
    assert typed.headers["content-type"] == "application/xml"
    for request in (as_json, as_text, as_bytes, build()):
        assert request.headers["x-amz-content-sha256"] == hashlib.sha256(request.body).hexdigest()


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(errors.ParamValidationError) as info:
        build(
            method="GET /x",
            path="orders?id=1",
            params={"a": None, "b": {"nested": 1}},
            headers={
                "Host": "evil",
                "Authorization": "mine",
                "X-Ok": "1",
                "x-ok": "2",
                "X-Bad": "a\r\nInjected: 1",
                "X-Num": 3,
            },
            content=b"x",
            json_body={"y": 1},
        )
    problems = dict(info.value.errors)
    assert set(problems) >= {
        "method",
        "path",
        "params['a']",
        "params['b']",
        "headers['Host']",
        "headers['Authorization']",
        "headers['x-ok']",
        "headers['X-Bad']",
        "headers['X-Num']",
        "content",
    }
    assert "pass query parameters as params=" in " ".join(
        t for p, t in info.value.errors if p == "path"
    )
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("value", [float("nan"), {1, 2}, object()])
def test_json_that_cannot_be_sent(value: object) -> None:
    with pytest.raises(errors.ParamValidationError, match="json"):
        build(json_body=value)


def test_unsigned_target_lets_the_caller_authorize() -> None:
    target = parse_target("https://api.example.com/", region=None, auth="NONE")
    request = build_request(
        target,
        "GET",
        "/",
        params=None,
        headers={"Authorization": "Bearer app-token"},
        content=None,
        json_body=None,
        user_agent="ua",
        trace_id=None,
    )
    assert request.headers["authorization"] == "Bearer app-token"
    assert "x-amz-content-sha256" not in request.headers


# --- the signature equals botocore's ------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "kw"),
    [
        ("GET", "/search/a b", {"params": {"q": "a b+c/d=é", "page": 2, "x": ["1", "2"]}}),
        ("POST", "/orders", {"json": {"id": 1, "note": "ü"}}),
        ("PUT", "/blob", {"content": bytes(range(256))}),
        ("DELETE", "/", {"headers": {"X-Custom": "  spaced   value "}}),
    ],
)
async def test_signature_equals_botocore_sigv4auth(
    method: str, path: str, kw: dict[str, Any]
) -> None:
    transport = FakeTransport()
    client = client_with(transport)
    furl = client.function_url("https://abcdef.lambda-url.eu-west-1.on.aws/")
    await furl.request(method, path, **kw)
    sent = transport.requests[0]

    # The same request, signed by botocore at the same moment.
    unsigned = {
        k: v
        for k, v in sent.headers.items()
        if k not in ("authorization", "x-amz-date", "x-amz-security-token")
    }
    theirs = AWSRequest(method=sent.method, url=sent.url, headers=unsigned, data=sent.body)
    signer = botocore.auth.SigV4Auth(
        BotoCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", TOKEN),
        "lambda",
        "eu-west-1",
    )
    with mock.patch.object(
        botocore.auth, "get_current_datetime", return_value=NOW.replace(tzinfo=None)
    ):
        signer.add_auth(theirs)
    assert sent.headers["authorization"] == theirs.headers["Authorization"]
    assert sent.headers["x-amz-date"] == theirs.headers["X-Amz-Date"] == "20250304T050607Z"
    assert sent.headers["x-amz-security-token"] == theirs.headers["X-Amz-Security-Token"]
    scope = "20250304/eu-west-1/lambda/aws4_request"
    assert f"Credential=AKIDEXAMPLE/{scope}" in sent.headers["authorization"]
    assert "x-amz-content-sha256" in sent.headers["authorization"].split("SignedHeaders=")[1]
    # botocore signs with the header's hash; it is the hash of the body sent.
    assert sent.headers["x-amz-content-sha256"] == hashlib.sha256(sent.body).hexdigest()
    await client.close()


async def test_each_attempt_is_signed_again() -> None:
    times = iter([NOW.timestamp() + i for i in range(0, 100, 7)])
    transport = FakeTransport(
        lambda _r: json_response(503) if len(transport.requests) == 1 else json_response(200)
    )
    signatures: list[str] = []
    inner = transport.send

    async def send(request: HttpRequest, **kw: Any) -> HttpResponse:
        signatures.append(request.headers["authorization"])
        return await inner(request, **kw)

    transport.send = send  # type: ignore[method-assign]

    async def no_sleep(_s: float) -> None:
        pass

    client = LambdaClient(
        region="us-east-1",
        credentials=Credentials(access_key_id="AKID", secret_access_key="SECRET"),
        transport=transport,
        clock=lambda: next(times),
        sleep=no_sleep,
    )
    resp = await client.function_url("https://a.lambda-url.us-east-1.on.aws/").post("/", json={})
    assert resp.status == 200 and resp.attempts == 2
    assert len(set(signatures)) == 2


# --- the retry rule -------------------------------------------------------------------


def _error(
    status: int, headers: dict[str, str] | None = None, body: bytes = b""
) -> errors.FunctionUrlError:
    from multidict import CIMultiDict, CIMultiDictProxy

    return make_error(
        status=status,
        headers=CIMultiDictProxy(CIMultiDict(headers or {})),
        body=body,
        method="POST",
        url="https://h/",
        secrets=(),
        now=1000.0,
    )


@pytest.mark.parametrize(
    ("error", "method", "retry_sent", "retried"),
    [
        (ConnectError("refused"), "POST", False, True),
        (ReadTimeoutError("slow"), "POST", False, False),
        (ReadTimeoutError("slow"), "PATCH", True, True),
        (ReadTimeoutError("slow"), "GET", False, True),
        (ReadTimeoutError("slow"), "PUT", False, True),
        (ReadTimeoutError("slow"), "DELETE", False, True),
        (_error(429), "POST", False, True),
        (_error(503), "POST", False, True),
        (_error(500), "GET", False, False),
        (_error(502), "GET", True, False),
        (_error(504), "GET", False, False),
        (_error(403, {"x-amzn-ErrorType": "AccessDeniedException"}), "GET", False, False),
        (_error(404), "GET", False, False),
    ],
)
def test_what_is_sent_again(error: Exception, method: str, retry_sent: bool, retried: bool) -> None:
    assert classify(error, method=method, retry_sent=retry_sent).retry is retried  # type: ignore[arg-type]


def test_skew_is_only_recognised_in_aws_signature_errors() -> None:
    skewed = _error(
        403,
        {"x-amzn-ErrorType": "InvalidSignatureException"},
        b'{"message": "Signature expired: 20200101T000000Z is now earlier than 20200101T000500Z"}',
    )
    assert classify(skewed, method="POST", retry_sent=False).kind == "skew"
    own = _error(403, {}, b'{"message": "Signature expired"}')
    assert not classify(own, method="POST", retry_sent=False).retry


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "3"}, 3.0),
        ({"Retry-After": " 0.5 "}, 0.5),
        ({"Retry-After": "-4"}, 0.0),
        ({"Retry-After": "nan"}, None),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "Thu, 01 Jan 1970 00:16:50 GMT"}, 10.0),
        (
            {
                "Retry-After": "Thu, 01 Jan 1970 00:16:50 GMT",
                "Date": "Thu, 01 Jan 1970 00:16:45 GMT",
            },
            5.0,
        ),
        ({}, None),
    ],
)
def test_retry_after(headers: dict[str, str], expected: float | None) -> None:
    from multidict import CIMultiDict

    assert retry_after(CIMultiDict(headers), now=1000.0) == expected


def test_error_body_is_cut_without_leaving_part_of_a_secret() -> None:
    secret = "S" * 40
    # Multi-byte characters before the secret put it past byte 4096.
    body = "é".encode() * 4080 + secret.encode() + b"t" * 100
    error = make_error(
        status=400, headers={}, body=body, method="GET", url="u", secrets=(secret,), now=0.0
    )
    assert "S" not in error.body and "<redacted>" in error.body
    assert len(error.body) == 4096


def test_errors_pickle_and_say_who_answered() -> None:
    error = _error(
        429,
        {
            "x-amzn-ErrorType": "TooManyRequestsException:http://internal/",
            "x-amzn-RequestId": "r-1",
            "Retry-After": "2",
        },
        b'{"message": "Rate Exceeded."}',
    )
    assert type(error) is errors.FunctionUrlThrottledError
    assert str(error) == (
        "HTTP 429 from POST https://h/ (AWS TooManyRequestsException, request id r-1): Rate Exceeded."
    )
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert type(copy) is errors.FunctionUrlThrottledError
    assert (copy.status, copy.request_id, copy.retry_after, copy.message) == (
        429,
        "r-1",
        2.0,
        "Rate Exceeded.",
    )
    own = _error(418, {}, b"  I'm\n a teapot ")
    assert type(own) is errors.FunctionUrlHTTPError
    assert str(own) == "HTTP 418 from POST https://h/ (the function): I'm a teapot"


# --- the response --------------------------------------------------------------------


async def test_response_reads_text_and_json() -> None:
    transport = FakeTransport(
        lambda _r: HttpResponse(
            status=201,
            headers={"Content-Type": "text/plain; charset=latin-1", "X-Amzn-RequestId": "abc"},
            body="café".encode("latin-1"),
        )
    )
    client = client_with(transport)
    resp = await client.function_url("https://a.lambda-url.us-east-1.on.aws/").get()
    assert (resp.status, resp.request_id) == (201, "abc")
    assert resp.headers["content-type"] == resp.headers["CONTENT-TYPE"]
    assert await resp.text() == "café"
    assert await resp.read() == "café".encode("latin-1")
    assert [chunk async for chunk in resp.iter_bytes()] == ["café".encode("latin-1")]
    with pytest.raises(errors.DeserializationError, match="not JSON"):
        await resp.json()
    assert resp.is_closed
    assert "201" in repr(resp)


async def test_unknown_keywords_are_refused() -> None:
    client = client_with(FakeTransport())
    furl = client.function_url("https://a.lambda-url.us-east-1.on.aws/")
    with pytest.raises(TypeError, match="jsn"):
        await furl.post("/", jsn={})  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="timeout"):
        furl.stream("GET", "/", timeout=3)  # type: ignore[call-arg]


def test_blocking_function_url() -> None:
    transport = FakeTransport(lambda _r: json_response(200, b'{"ok": 1}'))
    with BlockingLambdaClient(
        region="us-east-1",
        credentials=Credentials(access_key_id="AKID", secret_access_key="SECRET"),
        transport=transport,
    ) as client:
        furl = client.function_url("https://a.lambda-url.us-east-1.on.aws/")
        assert furl.async_function_url.region == "us-east-1"
        for verb in ("get", "post", "put", "patch", "delete"):
            resp = getattr(furl, verb)("/x", json={"n": 1})
            assert resp.json() == {"ok": 1} and resp.text() == '{"ok": 1}'
        assert [r.method for r in transport.requests] == ["GET", "POST", "PUT", "PATCH", "DELETE"]
