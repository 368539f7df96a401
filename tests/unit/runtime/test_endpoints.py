from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_client import resolve_endpoint
from lambda_client._generated.endpoint_rules import PARTITIONS, RULESET
from lambda_client._runtime import endpoints
from lambda_client._runtime.endpoints import ResolvedEndpoint, evaluate_rule_set
from lambda_client._runtime.exceptions import EndpointResolutionError
from lambda_client._runtime.settings import configured_endpoint_url

REPO = Path(__file__).resolve().parents[3]
VECTORS = REPO / "tests" / "fixtures" / "endpoints" / "lambda-endpoint-tests-1.json"
CASES: list[dict[str, Any]] = json.loads(VECTORS.read_text(encoding="utf-8"))["testCases"]


def _resolve_params(params: dict[str, Any]) -> str:
    return resolve_endpoint(
        params.get("Region"),
        use_fips=params.get("UseFIPS", False),
        use_dualstack=params.get("UseDualStack", False),
        endpoint_url=params.get("Endpoint"),
    )


# --- the rule set's own test suite -------------------------------------------------


def test_suite_is_complete() -> None:
    assert len(CASES) == 71
    assert len({case["documentation"] for case in CASES}) == len(CASES)
    assert sum("error" in case["expect"] for case in CASES) == 3


@pytest.mark.parametrize("case", CASES, ids=[case["documentation"] for case in CASES])
def test_rule_set_suite(case: dict[str, Any]) -> None:
    params = case.get("params", {})
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(EndpointResolutionError) as info:
            _resolve_params(params)
        assert str(info.value) == expect["error"]
    else:
        assert _resolve_params(params) == expect["endpoint"]["url"]


@pytest.mark.parametrize("case", CASES, ids=[case["documentation"] for case in CASES])
def test_rule_set_suite_through_the_interpreter(case: dict[str, Any]) -> None:
    # The same cases with the suite's own parameter names, bypassing the
    # builtIn mapping and the input checks of resolve_endpoint.
    params = case.get("params", {})
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(EndpointResolutionError, match=f"^{re.escape(expect['error'])}$"):
            evaluate_rule_set(RULESET, PARTITIONS, params)
    else:
        resolved = evaluate_rule_set(RULESET, PARTITIONS, params)
        assert resolved == ResolvedEndpoint(
            url=expect["endpoint"]["url"], properties={}, headers={}
        )


# --- resolve_endpoint beyond the suite ---------------------------------------------


@pytest.mark.parametrize(
    ("region", "url"),
    [
        # Matches no partition's pattern: the commercial partition is the default.
        ("mars", "https://lambda.mars.amazonaws.com"),
        ("zz-moon-1", "https://lambda.zz-moon-1.amazonaws.com"),
        # Not listed yet, but shaped like a partition's region names.
        ("eu-future-9", "https://lambda.eu-future-9.amazonaws.com"),
        ("cn-future-9", "https://lambda.cn-future-9.amazonaws.com.cn"),
        ("us-isof-future-1", "https://lambda.us-isof-future-1.csp.hci.ic.gov"),
    ],
)
def test_unlisted_regions(region: str, url: str) -> None:
    assert resolve_endpoint(region) == url


def test_unknown_region_uses_the_aws_partition_capabilities() -> None:
    assert resolve_endpoint("mars", use_fips=True, use_dualstack=True) == (
        "https://lambda-fips.mars.api.aws"
    )


def test_custom_endpoint_is_returned_as_given() -> None:
    url = "https://proxy.example.com:8443/lambda/prefix"
    assert resolve_endpoint("us-east-1", endpoint_url=url) == url
    assert resolve_endpoint(None, endpoint_url="http://localhost:4566") == "http://localhost:4566"
    assert resolve_endpoint(None, endpoint_url="http://[::1]:9000/") == "http://[::1]:9000/"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"use_fips": True}, "Invalid Configuration: FIPS and custom endpoint are not supported"),
        (
            {"use_dualstack": True},
            "Invalid Configuration: Dualstack and custom endpoint are not supported",
        ),
    ],
)
def test_custom_endpoint_refuses_fips_and_dualstack(kwargs: dict[str, bool], message: str) -> None:
    with pytest.raises(EndpointResolutionError) as info:
        resolve_endpoint("us-east-1", endpoint_url="https://example.com", **kwargs)
    assert str(info.value) == message


@pytest.mark.parametrize("region", [None, ""])
def test_missing_region(region: str | None) -> None:
    with pytest.raises(EndpointResolutionError, match=r"^Invalid Configuration: Missing Region$"):
        resolve_endpoint(region)


@pytest.mark.parametrize(
    "region",
    ["us-east-1.evil.example", "us-east-1/", "us east 1", "-us-east-1", "us-east-1\n", "é-1"],
)
def test_region_must_be_a_host_label(region: str) -> None:
    with pytest.raises(EndpointResolutionError, match="Invalid region"):
        resolve_endpoint(region)


@pytest.mark.parametrize(
    "url", ["localhost:4566", "ftp://example.com", "https://", "http://host:port", "/path"]
)
def test_malformed_custom_endpoint(url: str) -> None:
    with pytest.raises(EndpointResolutionError, match="Invalid endpoint URL"):
        resolve_endpoint("us-east-1", endpoint_url=url)


def test_endpoint_resolution_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="Missing Region"):
        resolve_endpoint(None)


def test_results_are_cached() -> None:
    endpoints._resolve.cache_clear()
    first = resolve_endpoint("eu-west-1", use_dualstack=True)
    second = resolve_endpoint("eu-west-1", use_dualstack=True)
    assert first == second == "https://lambda.eu-west-1.api.aws"
    info = endpoints._resolve.cache_info()
    assert (info.hits, info.misses) == (1, 1)


def test_import_does_not_load_the_rule_set() -> None:
    code = (
        "import sys\n"
        "import lambda_client\n"
        "import lambda_client._runtime.endpoints\n"
        "assert 'lambda_client._generated.endpoint_rules' not in sys.modules\n"
        "lambda_client.resolve_endpoint('us-east-1')\n"
        "assert 'lambda_client._generated.endpoint_rules' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


# --- configured_endpoint_url ---------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, None),
        ({"AWS_ENDPOINT_URL": "http://localhost:4566"}, "http://localhost:4566"),
        ({"AWS_ENDPOINT_URL_LAMBDA": "http://localhost:9001"}, "http://localhost:9001"),
        (
            {"AWS_ENDPOINT_URL": "http://all", "AWS_ENDPOINT_URL_LAMBDA": "http://lambda"},
            "http://lambda",
        ),
        ({"AWS_ENDPOINT_URL": "http://all", "AWS_ENDPOINT_URL_LAMBDA": ""}, "http://all"),
        ({"AWS_ENDPOINT_URL": "  "}, None),
        ({"AWS_ENDPOINT_URL": " http://padded "}, "http://padded"),
        ({"AWS_ENDPOINT_URL_S3": "http://s3-only"}, None),
        (
            {"AWS_ENDPOINT_URL_LAMBDA": "http://x", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"},
            None,
        ),
        ({"AWS_ENDPOINT_URL": "http://x", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "TRUE"}, None),
        (
            {"AWS_ENDPOINT_URL": "http://x", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false"},
            "http://x",
        ),
    ],
)
def test_configured_endpoint_url(env: dict[str, str], expected: str | None) -> None:
    assert configured_endpoint_url(env) == expected


# --- botocore as an oracle -----------------------------------------------------------


@pytest.fixture
def clean_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_LAMBDA",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        "AWS_USE_FIPS_ENDPOINT",
        "AWS_USE_DUALSTACK_ENDPOINT",
        "AWS_SESSION_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")


@pytest.mark.usefixtures("clean_aws_env")
@pytest.mark.parametrize(
    ("region", "fips", "dualstack"),
    [
        ("us-east-1", False, False),
        ("us-east-1", True, False),
        ("cn-north-1", False, False),
        ("cn-north-1", True, True),
        ("us-gov-west-1", False, False),
        ("us-gov-west-1", True, False),
        ("us-gov-west-1", False, True),
        ("eu-central-1", False, True),
        ("eu-central-1", True, False),
        ("eu-central-1", True, True),
        ("ap-southeast-7", False, False),
        ("us-isob-east-1", True, False),
    ],
)
def test_matches_botocore_client(region: str, fips: bool, dualstack: bool) -> None:
    import botocore.session
    from botocore.config import Config

    client = botocore.session.get_session().create_client(
        "lambda",
        region_name=region,
        config=Config(use_fips_endpoint=fips, use_dualstack_endpoint=dualstack),
    )
    assert resolve_endpoint(region, use_fips=fips, use_dualstack=dualstack) == (
        client.meta.endpoint_url
    )


_BOTOCORE_PROVIDER: Any = None


def _botocore_resolve(region: str, fips: bool, dualstack: bool) -> str:
    global _BOTOCORE_PROVIDER
    from botocore.endpoint_provider import EndpointProvider
    from botocore.exceptions import EndpointResolutionError as BotocoreError

    if _BOTOCORE_PROVIDER is None:
        # botocore writes into the partition data it is given.
        _BOTOCORE_PROVIDER = EndpointProvider(copy.deepcopy(RULESET), copy.deepcopy(PARTITIONS))
    try:
        url: str = _BOTOCORE_PROVIDER.resolve_endpoint(
            Region=region, UseFIPS=fips, UseDualStack=dualstack
        ).url
    except BotocoreError as exc:
        return f"error: {exc}"
    return url


_LISTED_REGIONS = sorted(region for p in PARTITIONS["partitions"] for region in p["regions"])


@given(
    region=st.one_of(
        st.sampled_from(_LISTED_REGIONS),
        st.from_regex(
            r"(us|eu|cn|ap|eusc)(-(iso|isob|isoe|isof|gov|de))?-[a-z]{1,9}-[0-9]{1,2}",
            fullmatch=True,
        ),
        st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True),
    ),
    fips=st.booleans(),
    dualstack=st.booleans(),
)
def test_agrees_with_botocore_provider(region: str, fips: bool, dualstack: bool) -> None:
    try:
        ours = resolve_endpoint(region, use_fips=fips, use_dualstack=dualstack)
    except EndpointResolutionError as exc:
        ours = f"error: {exc}"
    assert ours == _botocore_resolve(region, fips, dualstack)


# --- the generated data ---------------------------------------------------------------


def test_generated_data_matches_botocore() -> None:
    import botocore

    from codegen.load import PINNED_BOTOCORE, load_model

    if botocore.__version__ != PINNED_BOTOCORE:
        pytest.skip(f"needs botocore=={PINNED_BOTOCORE}")
    raw = load_model()
    assert raw.endpoint_rules == RULESET
    assert raw.partitions == PARTITIONS


def test_render_is_deterministic_and_round_trips() -> None:
    from codegen.endpoints_render import HEADER, render
    from codegen.load import RawModel

    rules = {"version": "1.0", "rules": [{"b": 1, "a": [3, 2, 1]}], "parameters": {}}
    shuffled = {"parameters": {}, "rules": [{"a": [3, 2, 1], "b": 1}], "version": "1.0"}
    partitions = {"version": "1.1", "partitions": [{"id": "z"}, {"id": "a"}]}

    def rendered(rule_set: dict[str, Any]) -> str:
        raw = RawModel(
            botocore_version="0.0",
            service={},
            paginators={},
            waiters={},
            endpoint_rules=rule_set,
            partitions=partitions,
        )
        files = render(raw)
        assert list(files) == ["endpoint_rules.py"]
        return files["endpoint_rules.py"]

    source = rendered(rules)
    assert source == rendered(shuffled)
    assert source.splitlines()[0] == HEADER
    assert source.index("'parameters'") < source.index("'rules'") < source.index("'version'")
    namespace: dict[str, Any] = {}
    exec(compile(source, "endpoint_rules.py", "exec"), namespace)  # noqa: S102
    assert namespace["RULESET"] == rules
    assert namespace["PARTITIONS"]["partitions"] == [{"id": "z"}, {"id": "a"}]


def test_committed_module_is_the_formatted_render() -> None:
    import botocore

    from codegen.endpoints_render import render
    from codegen.load import PINNED_BOTOCORE, load_model

    if botocore.__version__ != PINNED_BOTOCORE:
        pytest.skip(f"needs botocore=={PINNED_BOTOCORE}")
    source = render(load_model())["endpoint_rules.py"]
    formatted = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", "endpoint_rules.py", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout
    committed = REPO / "lambda_client" / "_generated" / "endpoint_rules.py"
    assert committed.read_text(encoding="utf-8") == formatted


# --- the interpreter on small rule sets ----------------------------------------------

_PARTITIONS_FOR_TESTS: dict[str, Any] = {
    "version": "1.1",
    "partitions": [
        {
            "id": "aws",
            "regionRegex": r"^(us|eu)\-\w+\-\d+$",
            "regions": {"us-east-1": {"description": "N. Virginia"}},
            "outputs": {
                "name": "aws",
                "dnsSuffix": "amazonaws.com",
                "dualStackDnsSuffix": "api.aws",
                "supportsFIPS": True,
                "supportsDualStack": True,
            },
        },
        {
            "id": "other",
            "regionRegex": r"^ot\-\w+\-\d+$",
            # Listed here although the aws pattern also matches it.
            "regions": {"eu-special-1": {"dnsSuffix": "special.example"}},
            "outputs": {
                "name": "other",
                "dnsSuffix": "other.example",
                "dualStackDnsSuffix": "dual.other.example",
                "supportsFIPS": False,
                "supportsDualStack": False,
            },
        },
    ],
}


def _rule_set(rules: list[dict[str, Any]], **parameters: dict[str, Any]) -> dict[str, Any]:
    return {"version": "1.0", "parameters": parameters, "rules": rules}


def _endpoint(url: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "endpoint", "conditions": [], "endpoint": {"url": url, **extra}}


def _fn(name: str, *argv: Any, assign: str | None = None) -> dict[str, Any]:
    expr: dict[str, Any] = {"fn": name, "argv": list(argv)}
    if assign is not None:
        expr["assign"] = assign
    return expr


def _eval(expr: dict[str, Any], **params: Any) -> Any:
    # Runs one function call by routing its result into an endpoint property.
    rule_set = _rule_set(
        [_endpoint("https://x", properties={"out": expr})],
        **{name: {"type": _type_of(value)} for name, value in params.items()},
    )
    return evaluate_rule_set(rule_set, _PARTITIONS_FOR_TESTS, params).properties["out"]


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, list):
        return "stringArray"
    return "string"


def test_partition_lookup_prefers_listed_regions_and_applies_overrides() -> None:
    result = _eval(_fn("aws.partition", "eu-special-1"))
    assert result["name"] == "other"
    assert result["dnsSuffix"] == "special.example"
    assert "description" not in _eval(_fn("aws.partition", "us-east-1"))


@pytest.mark.parametrize(
    ("region", "partition"),
    [("ot-west-2", "other"), ("eu-west-9", "aws"), ("nowhere", "aws"), ("ot-west-2x", "aws")],
)
def test_partition_lookup(region: str, partition: str) -> None:
    assert _eval(_fn("aws.partition", region))["name"] == partition


def test_partition_lookup_does_not_alter_the_table() -> None:
    before = copy.deepcopy(_PARTITIONS_FOR_TESTS)
    _eval(_fn("aws.partition", "eu-special-1"))["dnsSuffix"] = "changed"
    assert before == _PARTITIONS_FOR_TESTS


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (_fn("isSet", {"ref": "Unset"}), False),
        (_fn("not", True), False),
        (_fn("booleanEquals", True, True), True),
        (_fn("booleanEquals", True, False), False),
        (_fn("stringEquals", "a", "a"), True),
        (_fn("stringEquals", "a", "b"), False),
        (_fn("getAttr", _fn("parseURL", "https://h/a/b"), "path"), "/a/b"),
        (_fn("getAttr", {"ref": "List"}, "[1]"), "b"),
        (_fn("getAttr", {"ref": "List"}, "[5]"), None),
        (_fn("substring", "abcdef", 0, 3, False), "abc"),
        (_fn("substring", "abcdef", 0, 3, True), "def"),
        (_fn("substring", "abcdef", 1, 2, True), "e"),
        (_fn("substring", "abc", 0, 4, False), None),
        (_fn("substring", "abc", 2, 2, False), None),
        (_fn("substring", "abcdé", 0, 2, False), None),
        (_fn("uriEncode", "a b/c:d~e_f.g-h%"), "a%20b%2Fc%3Ad~e_f.g-h%25"),
        (_fn("isValidHostLabel", "abc-1", False), True),
        (_fn("isValidHostLabel", "a.b", False), False),
        (_fn("isValidHostLabel", "a.b", True), True),
        (_fn("isValidHostLabel", "a..b", True), False),
        (_fn("isValidHostLabel", "-a", False), False),
        (_fn("isValidHostLabel", "a" * 63, False), True),
        (_fn("isValidHostLabel", "a" * 64, False), False),
        (_fn("isValidHostLabel", "", False), False),
    ],
)
def test_standard_library(expr: dict[str, Any], expected: Any) -> None:
    assert _eval(expr, List=["a", "b"]) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://example.com",
            {
                "scheme": "https",
                "authority": "example.com",
                "path": "",
                "normalizedPath": "/",
                "isIp": False,
            },
        ),
        (
            "http://example.com:8080/a/b",
            {
                "scheme": "http",
                "authority": "example.com:8080",
                "path": "/a/b",
                "normalizedPath": "/a/b/",
                "isIp": False,
            },
        ),
        (
            "https://127.0.0.1/",
            {
                "scheme": "https",
                "authority": "127.0.0.1",
                "path": "/",
                "normalizedPath": "/",
                "isIp": True,
            },
        ),
        (
            "http://[fe80::1]:80",
            {
                "scheme": "http",
                "authority": "[fe80::1]:80",
                "path": "",
                "normalizedPath": "/",
                "isIp": True,
            },
        ),
        ("https://example.com/?q=1", None),
        ("ftp://example.com", None),
        ("example.com", None),
        ("https://example.com:port", None),
    ],
)
def test_parse_url(url: str, expected: dict[str, Any] | None) -> None:
    assert _eval(_fn("parseURL", url)) == expected


def test_templates_and_references() -> None:
    rule_set = _rule_set(
        [
            {
                "type": "endpoint",
                "conditions": [
                    _fn("aws.partition", {"ref": "Region"}, assign="P"),
                    _fn("parseURL", "https://h.example/base", assign="U"),
                ],
                "endpoint": {
                    "url": "https://{Region}.{P#dnsSuffix}{U#path}/{{literal}}",
                    "properties": {
                        "authSchemes": [{"name": "sigv4", "signingRegion": "{Region}"}],
                        "flag": True,
                        "ref": {"ref": "Region"},
                    },
                    "headers": {"x-region": ["{Region}", "fixed"]},
                },
            }
        ],
        Region={"type": "string", "required": True},
    )
    resolved = evaluate_rule_set(rule_set, _PARTITIONS_FOR_TESTS, {"Region": "ot-x-1"})
    assert resolved == ResolvedEndpoint(
        url="https://ot-x-1.other.example/base/{literal}",
        properties={
            "authSchemes": [{"name": "sigv4", "signingRegion": "ot-x-1"}],
            "flag": True,
            "ref": "ot-x-1",
        },
        headers={"x-region": ["ot-x-1", "fixed"]},
    )


def test_assignments_do_not_leak_to_sibling_rules() -> None:
    rule_set = _rule_set(
        [
            {
                "type": "endpoint",
                "conditions": [
                    _fn("parseURL", "https://first", assign="U"),
                    _fn("booleanEquals", True, False),
                ],
                "endpoint": {"url": "https://never"},
            },
            {
                "type": "endpoint",
                "conditions": [_fn("isSet", {"ref": "U"})],
                "endpoint": {"url": "https://leaked"},
            },
            _endpoint("https://fallback"),
        ]
    )
    assert evaluate_rule_set(rule_set, _PARTITIONS_FOR_TESTS, {}).url == "https://fallback"


def test_a_tree_whose_conditions_hold_is_terminal() -> None:
    rule_set = _rule_set(
        [
            {
                "type": "tree",
                "conditions": [],
                "rules": [
                    {
                        "type": "endpoint",
                        "conditions": [_fn("booleanEquals", True, False)],
                        "endpoint": {"url": "https://never"},
                    }
                ],
            },
            _endpoint("https://after-the-tree"),
        ]
    )
    with pytest.raises(EndpointResolutionError, match="ran out of rules"):
        evaluate_rule_set(rule_set, _PARTITIONS_FOR_TESTS, {})


def test_error_rules_expand_templates() -> None:
    rule_set = _rule_set(
        [{"type": "error", "conditions": [], "error": "No endpoint in {Region}"}],
        Region={"type": "string", "default": "us-east-1"},
    )
    with pytest.raises(EndpointResolutionError, match=r"^No endpoint in us-east-1$"):
        evaluate_rule_set(rule_set, _PARTITIONS_FOR_TESTS, {})


def test_no_matching_rule() -> None:
    rule_set = _rule_set(
        [
            {
                "type": "endpoint",
                "conditions": [_fn("isSet", {"ref": "Region"})],
                "endpoint": {"url": "https://x"},
            }
        ],
        Region={"type": "string"},
    )
    with pytest.raises(EndpointResolutionError, match="No endpoint rule matches"):
        evaluate_rule_set(rule_set, _PARTITIONS_FOR_TESTS, {})


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Missing required endpoint parameter Flag"),
        ({"Flag": "yes"}, "Flag must be a boolean"),
        ({"Flag": True, "Names": ["a", 1]}, "Names must be a stringArray"),
        ({"Flag": True, "Other": "x"}, "Unknown endpoint parameters: Other"),
    ],
)
def test_parameter_checks(params: dict[str, Any], message: str) -> None:
    rule_set = _rule_set(
        [_endpoint("https://x")],
        Flag={"type": "boolean", "required": True},
        Names={"type": "stringArray"},
    )
    with pytest.raises(EndpointResolutionError, match=message):
        evaluate_rule_set(rule_set, _PARTITIONS_FOR_TESTS, params)


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        (_fn("aws.isVirtualHostableS3Bucket", "b", False), "Unsupported endpoint rule function"),
        (_fn("isSet", "a", "b"), "isSet takes 1 arguments"),
        (_fn("booleanEquals", "true", True), "booleanEquals"),
        (_fn("getAttr", {"ref": "List"}, "a..b"), "Invalid getAttr path"),
    ],
)
def test_malformed_rule_sets(expr: dict[str, Any], message: str) -> None:
    with pytest.raises(EndpointResolutionError, match=message):
        _eval(expr, List=["a"])


def test_template_with_a_non_string_value() -> None:
    rule_set = _rule_set([_endpoint("https://{Flag}")], Flag={"type": "boolean"})
    with pytest.raises(EndpointResolutionError, match="not a string"):
        evaluate_rule_set(rule_set, _PARTITIONS_FOR_TESTS, {"Flag": True})
