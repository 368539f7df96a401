"""The one place messages are built: allow-listed facts, stand-ins for
foreign exceptions, and the cleaning of service text."""

from __future__ import annotations

import errno
import json
import pickle
import ssl
import traceback

import pytest
from aiohttp.client_reqrep import ConnectionKey

from lambda_client._runtime.exceptions import ConnectionClosedError, ForeignCause
from lambda_client._runtime.http import HttpRequest
from lambda_client._runtime.messages import (
    REDACTED,
    Redactor,
    describe,
    foreign_cause,
    safe_url,
    sensitive_values,
    structure_problems,
    type_name,
)
from lambda_client.credentials import Credentials
from lambda_client.models import CreateFunctionRequest, Environment, FunctionCode

SECRET = "HEADER-SECRET-0123456789"


def test_describe_joins_the_facts_it_is_given() -> None:
    text = describe(
        "The connection broke",
        operation="Invoke",
        host="lambda.us-east-1.amazonaws.com",
        stage="reading the response",
        status=502,
        request_id="r-1",
        cause=ConnectionResetError(errno.ECONNRESET, f"reset {SECRET}"),
    )
    assert text == (
        "The connection broke (operation Invoke; host lambda.us-east-1.amazonaws.com; "
        "while reading the response; HTTP 502; request id r-1; "
        "cause: ConnectionResetError: [ECONNRESET] Connection reset by peer)"
    )
    assert describe("Plain") == "Plain"


def test_a_foreign_exception_is_chained_as_its_type_and_safe_facts() -> None:
    key = ConnectionKey("h", 443, True, True, "http://proxy", None, None, None)  # type: ignore[arg-type]
    try:
        try:
            raise ConnectionRefusedError(errno.ECONNREFUSED, f"refused {SECRET}")
        except OSError as inner:
            import aiohttp

            raise aiohttp.ClientConnectorError(key, inner) from inner
    except Exception as outer:
        stand_in = foreign_cause(outer)
    assert isinstance(stand_in, ForeignCause)
    assert stand_in.type_name == "aiohttp.client_exceptions.ClientConnectorError"
    assert stand_in.errno == errno.ECONNREFUSED
    assert isinstance(stand_in.__cause__, ForeignCause)
    assert stand_in.__cause__.type_name == "ConnectionRefusedError"
    assert stand_in.__traceback__ is None
    rendered = "".join(traceback.format_exception(stand_in))
    assert SECRET not in rendered and "proxy" not in rendered
    # Pickles (worker pools move errors between processes).
    again = pickle.loads(pickle.dumps(stand_in))  # noqa: S301 - our own object
    assert (str(again), again.type_name, again.errno) == (
        str(stand_in),
        stand_in.type_name,
        stand_in.errno,
    )


def test_library_exceptions_are_chained_as_they_are() -> None:
    error = ConnectionClosedError("ours")
    assert foreign_cause(error) is error


def test_facts_of_tls_json_and_botocore_failures() -> None:
    tls = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] ...")
    tls.reason = "CERTIFICATE_VERIFY_FAILED"  # type: ignore[misc]
    tls.verify_message = "self-signed certificate"  # type: ignore[attr-defined]
    assert "TLS CERTIFICATE_VERIFY_FAILED; self-signed certificate" in str(foreign_cause(tls))

    try:
        json.loads(f'{{"a": {SECRET}}}')
    except json.JSONDecodeError as e:
        text = str(foreign_cause(e))
    assert text == "json.decoder.JSONDecodeError: at line 1 column 7"

    from botocore.exceptions import CredentialRetrievalError, ProfileNotFound

    assert str(foreign_cause(ProfileNotFound(profile="dev"))) == (
        "botocore.exceptions.ProfileNotFound: profile 'dev'"
    )
    leaky = CredentialRetrievalError(provider="custom-process", error_msg=SECRET)
    assert str(foreign_cause(leaky)) == (
        "botocore.exceptions.CredentialRetrievalError: provider 'custom-process'"
    )


def test_a_cause_chain_is_cut_and_cycles_end() -> None:
    first = ValueError("a")
    second = KeyError("b")
    first.__cause__ = second
    second.__cause__ = first
    stand_in = foreign_cause(first)
    names = []
    link: BaseException | None = stand_in
    while link is not None:
        assert isinstance(link, ForeignCause)
        names.append(link.type_name)
        link = link.__cause__
    assert names == ["ValueError", "KeyError"]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://lambda.us-east-1.amazonaws.com", "https://lambda.us-east-1.amazonaws.com"),
        (f"http://user:{SECRET}@localhost:4566/p", "http://<redacted>@localhost:4566/p"),
        # A "/" in the password makes the parser read it as the path.
        (f"http://user:{SECRET}/x@localhost:1", "http://<redacted>@localhost:1"),
        (f"http://h/p?X-Amz-Signature={SECRET}", "http://h/p?<redacted>"),
    ],
)
def test_safe_url(url: str, shown: str) -> None:
    assert safe_url(url) == shown


def _signed() -> HttpRequest:
    return HttpRequest(
        method="POST",
        scheme="https",
        host="h",
        path="/",
        headers={
            "authorization": (
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE1234/20240101/us-east-1/lambda/"
                "aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "ab" * 32
            ),
            "x-amz-security-token": "TOKEN-0123456789-abcdef",
            "x-amz-date": "20240101T000000Z",
        },
    )


def test_the_redactor_removes_each_secret_of_the_attempt() -> None:
    credentials = Credentials(access_key_id="AKIDEXAMPLE1234", secret_access_key="s3cr3t-key-xyz")
    redact = Redactor.for_call(credentials, _signed(), ["env-value-secret"])
    text = (
        "canonical request: x-amz-security-token:TOKEN-0123456789-abcdef "
        f"signature {'ab' * 32} key AKIDEXAMPLE1234 s3cr3t-key-xyz env-value-secret "
        "x-amz-date:20240101T000000Z"
    )
    cleaned = redact(text)
    for secret in ("TOKEN-0123", "ab" * 32, "AKIDEXAMPLE", "s3cr3t", "env-value"):
        assert secret not in cleaned
    assert "x-amz-date:20240101T000000Z" in cleaned
    assert cleaned.count(REDACTED) == 5


def test_the_redactor_removes_a_secret_cut_short_at_the_end() -> None:
    redact = Redactor(["TOKEN-0123456789-abcdef"])
    assert redact("page ... TOKEN-01234") == f"page ... {REDACTED}"
    # Too little of it to tell from ordinary text: left alone.
    assert redact("page ... TOKEN-0") == "page ... TOKEN-0"
    # Short values are never looked for.
    assert Redactor(["true"])("true") == "true"


def test_sensitive_values_of_a_request() -> None:
    request = CreateFunctionRequest(
        function_name="visible-name",
        role="arn:aws:iam::1:role/r",
        code=FunctionCode(zip_file=b'{"k": "inside-the-zip"}'),
        environment=Environment(variables={"DB_PASSWORD": "hunter2-long"}),
    )
    values = sensitive_values(request)
    assert {"DB_PASSWORD", "hunter2-long", "inside-the-zip"} <= set(values)
    assert "visible-name" not in values


def test_structure_problems_name_paths_and_types_never_values() -> None:
    from cattrs.errors import BaseValidationError

    from lambda_client._runtime.serde import converter
    from lambda_client.models import AliasConfiguration, FunctionConfiguration

    data = {"Layers": [{"CodeSize": 1}, SECRET], "Environment": {"Error": SECRET}}
    with pytest.raises(BaseValidationError) as info:
        converter().structure(data, FunctionConfiguration)
    problems = structure_problems(info.value, "FunctionConfiguration")
    assert problems
    assert all(SECRET not in p for p in problems)
    assert any(p.endswith("at FunctionConfiguration.layers[1]") for p in problems)

    weights = {"RoutingConfig": {"AdditionalVersionWeights": {SECRET: "not a float"}}}
    with pytest.raises(BaseValidationError) as info:
        converter().structure(weights, AliasConfiguration)
    [problem] = structure_problems(info.value, "AliasConfiguration")
    assert problem == (
        "invalid value for type, expected float at "
        "AliasConfiguration.routing_config.additional_version_weights[<key>]"
    )


def test_type_name() -> None:
    assert type_name(ValueError()) == "ValueError"
    assert type_name(ForeignCause("x", type_name="t")) == (
        "lambda_client._runtime.exceptions.ForeignCause"
    )
