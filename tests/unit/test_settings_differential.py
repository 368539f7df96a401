"""Shared-config parity, table-driven, with botocore as the oracle.

Each case writes a config file and a credentials file to a temporary
directory, points ``AWS_CONFIG_FILE``/``AWS_SHARED_CREDENTIALS_FILE`` at them,
sets the case's environment (the real one removed), and builds both a
botocore Lambda client (``Session().create_client("lambda", ...)``) and a
:class:`LambdaClient`. Region, endpoint, total attempts, retry mode, the CA
choice and the application id must agree, except for the differences
docs/design/configuration.md records, which each case names.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import botocore.config
import botocore.exceptions
import botocore.session
import pytest

from lambda_client import ClientConfig, LambdaClient
from lambda_client.errors import ConfigError

#: botocore's default retry mode; lambda_client runs it as standard.
LEGACY = "legacy"
#: Total attempts botocore makes in legacy mode when nothing sets them.
BOTOCORE_LEGACY_ATTEMPTS = 5


@attrs.frozen
class Case:
    name: str
    env: dict[str, str] = attrs.field(factory=dict)
    config: str = ""
    credentials: str = ""
    #: Arguments both clients get: region, endpoint_url, profile.
    region: str | None = None
    endpoint_url: str | None = None
    profile: str | None = None
    #: ClientConfig fields, and the botocore Config / create_client equivalents.
    ours: dict[str, Any] = attrs.field(factory=dict)
    boto_config: dict[str, Any] = attrs.field(factory=dict)
    boto_verify: Any = None
    #: Both must refuse the settings.
    error: bool = False
    #: Where lambda_client differs on purpose: {"region": value we resolve}.
    differs: dict[str, Any] = attrs.field(factory=dict)


CA = "/etc/ssl/corp-ca.pem"
LOCAL = "http://localhost:4566"

CASES = [
    Case("nothing but AWS_DEFAULT_REGION", env={"AWS_DEFAULT_REGION": "eu-west-1"}),
    Case("default profile region", config="[default]\nregion = ap-south-1\n"),
    Case(
        "env region beats the profile",
        env={"AWS_DEFAULT_REGION": "eu-west-2"},
        config="[default]\nregion = ap-south-1\n",
    ),
    Case(
        "explicit region beats everything",
        env={"AWS_DEFAULT_REGION": "eu-west-2"},
        config="[default]\nregion = ap-south-1\n",
        region="sa-east-1",
    ),
    Case(
        "AWS_REGION, which botocore does not read",
        env={"AWS_REGION": "us-west-1", "AWS_DEFAULT_REGION": "eu-west-2"},
        differs={"region": "us-west-1", "endpoint": "https://lambda.us-west-1.amazonaws.com"},
    ),
    Case(
        "the issue's LocalStack profile",
        env={"AWS_PROFILE": "dev"},
        config=f"[profile dev]\nregion = us-east-1\nendpoint_url = {LOCAL}\n"
        "max_attempts = 5\nretry_mode = adaptive\n",
    ),
    Case(
        "AWS_DEFAULT_PROFILE beats AWS_PROFILE",
        env={"AWS_DEFAULT_PROFILE": "a", "AWS_PROFILE": "b"},
        config="[profile a]\nregion = eu-north-1\n[profile b]\nregion = eu-south-1\n",
    ),
    Case(
        "profile argument beats AWS_PROFILE",
        env={"AWS_PROFILE": "b"},
        config="[profile a]\nregion = eu-north-1\n[profile b]\nregion = eu-south-1\n",
        profile="a",
    ),
    Case(
        "credentials file section gives the region",
        env={"AWS_PROFILE": "creds"},
        credentials="[creds]\nregion = ca-central-1\n",
    ),
    Case(
        "credentials file wins over the config file",
        env={"AWS_PROFILE": "both"},
        config="[profile both]\nregion = us-east-2\nmax_attempts = 2\n",
        credentials="[both]\nregion = us-west-2\n",
    ),
    Case(
        "services section endpoint",
        env={"AWS_DEFAULT_REGION": "us-east-1"},
        config="[default]\nservices = local\n[services local]\nlambda =\n"
        f"  endpoint_url = {LOCAL}\n",
    ),
    Case(
        "services section beats the profile's endpoint_url",
        env={"AWS_DEFAULT_REGION": "us-east-1"},
        config="[default]\nendpoint_url = http://global:1\nservices = local\n"
        f"[services local]\nlambda =\n  endpoint_url = {LOCAL}\n",
    ),
    Case(
        "services section for another service only",
        env={"AWS_DEFAULT_REGION": "us-east-1"},
        config="[default]\nendpoint_url = http://global:1\nservices = s3only\n"
        "[services s3only]\ns3 =\n  endpoint_url = http://s3:1\n",
    ),
    Case(
        "AWS_ENDPOINT_URL_LAMBDA beats AWS_ENDPOINT_URL and the config",
        env={
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL_LAMBDA": "http://lambda-only:2",
            "AWS_ENDPOINT_URL": "http://all:3",
        },
        config=f"[default]\nendpoint_url = {LOCAL}\n",
    ),
    Case(
        "AWS_ENDPOINT_URL beats the profile",
        env={"AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://all:3"},
        config=f"[default]\nendpoint_url = {LOCAL}\n",
    ),
    Case(
        "explicit endpoint_url beats the environment",
        env={"AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://all:3"},
        endpoint_url="http://explicit:4",
    ),
    Case(
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        env={
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
            "AWS_ENDPOINT_URL": "http://all:3",
        },
        config=f"[default]\nendpoint_url = {LOCAL}\n",
    ),
    Case(
        "ignore_configured_endpoint_urls in the profile",
        env={"AWS_DEFAULT_REGION": "us-east-1"},
        config=f"[default]\nendpoint_url = {LOCAL}\nignore_configured_endpoint_urls = true\n",
    ),
    Case(
        "ignoring configured endpoints keeps an explicit one",
        env={"AWS_DEFAULT_REGION": "us-east-1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"},
        endpoint_url="http://explicit:4",
    ),
    Case(
        "ignore in the config object",
        env={"AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://all:3"},
        ours={"ignore_configured_endpoint_urls": True},
        boto_config={"ignore_configured_endpoint_urls": True},
    ),
    Case(
        "AWS_MAX_ATTEMPTS beats the profile",
        env={"AWS_DEFAULT_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "7"},
        config="[default]\nmax_attempts = 2\nretry_mode = standard\n",
    ),
    Case(
        "profile max_attempts and retry_mode",
        env={"AWS_DEFAULT_REGION": "us-east-1"},
        config="[default]\nmax_attempts = 4\nretry_mode = adaptive\n",
    ),
    Case(
        "AWS_RETRY_MODE beats the profile",
        env={"AWS_DEFAULT_REGION": "us-east-1", "AWS_RETRY_MODE": "standard"},
        config="[default]\nretry_mode = adaptive\n",
    ),
    Case(
        "config object beats the environment for retries",
        env={
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_MAX_ATTEMPTS": "7",
            "AWS_RETRY_MODE": "adaptive",
        },
        ours={"max_attempts": 2, "retry_mode": "standard"},
        boto_config={"retries": {"total_max_attempts": 2, "mode": "standard"}},
    ),
    Case(
        "legacy retry mode runs as standard",
        env={
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_RETRY_MODE": "legacy",
            "AWS_MAX_ATTEMPTS": "4",
        },
    ),
    Case(
        "no retry settings at all: botocore's legacy default",
        env={"AWS_DEFAULT_REGION": "us-east-1"},
    ),
    Case(
        "FIPS from the environment",
        env={"AWS_DEFAULT_REGION": "us-east-1", "AWS_USE_FIPS_ENDPOINT": "true"},
    ),
    Case(
        "dual-stack from the profile",
        env={"AWS_DEFAULT_REGION": "us-west-2"},
        config="[default]\nuse_dualstack_endpoint = true\n",
    ),
    Case(
        "FIPS and dual-stack from the profile, in GovCloud",
        env={"AWS_PROFILE": "gov"},
        config="[profile gov]\nregion = us-gov-west-1\nuse_fips_endpoint = true\n"
        "use_dualstack_endpoint = true\n",
    ),
    Case(
        "config object FIPS beats the environment",
        env={"AWS_DEFAULT_REGION": "us-east-1", "AWS_USE_FIPS_ENDPOINT": "true"},
        ours={"use_fips_endpoint": False},
        boto_config={"use_fips_endpoint": False},
    ),
    Case(
        "AWS_CA_BUNDLE beats the profile's ca_bundle",
        env={"AWS_DEFAULT_REGION": "us-east-1", "AWS_CA_BUNDLE": CA},
        config="[default]\nca_bundle = /elsewhere/ca.pem\n",
    ),
    Case(
        "profile ca_bundle",
        env={"AWS_PROFILE": "corp"},
        config=f"[profile corp]\nregion = us-east-1\nca_bundle = {CA}\n",
    ),
    Case(
        "REQUESTS_CA_BUNDLE is the last resort",
        env={"AWS_DEFAULT_REGION": "us-east-1", "REQUESTS_CA_BUNDLE": "/req/ca.pem"},
    ),
    Case(
        "explicit verify beats AWS_CA_BUNDLE",
        env={"AWS_DEFAULT_REGION": "us-east-1", "AWS_CA_BUNDLE": CA},
        ours={"verify": "/explicit/ca.pem"},
        boto_verify="/explicit/ca.pem",
    ),
    Case(
        "app id from the environment beats the profile",
        env={"AWS_DEFAULT_REGION": "us-east-1", "AWS_SDK_UA_APP_ID": "checkout"},
        config="[default]\nsdk_ua_app_id = billing\n",
    ),
    Case(
        "app id from the profile",
        env={"AWS_DEFAULT_REGION": "us-east-1"},
        config="[default]\nsdk_ua_app_id = billing\n",
    ),
    Case(
        "app id in the config object",
        env={"AWS_DEFAULT_REGION": "us-east-1", "AWS_SDK_UA_APP_ID": "checkout"},
        ours={"user_agent_appid": "orders"},
        boto_config={"user_agent_appid": "orders"},
    ),
    Case("a profile that does not exist", env={"AWS_PROFILE": "nope"}, error=True),
    Case(
        "a services section that does not exist",
        env={"AWS_DEFAULT_REGION": "us-east-1"},
        config="[default]\nservices = missing\n",
        error=True,
    ),
    Case(
        "an empty CA bundle",
        env={"AWS_DEFAULT_REGION": "us-east-1", "AWS_CA_BUNDLE": ""},
        error=True,
    ),
]


@pytest.fixture
def files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    for name in list(os.environ):
        if name.startswith("AWS_") or name.upper() in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    # Both resolve credentials at construction in botocore's case; keys in
    # the environment keep its chain from reaching for instance metadata.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    yield tmp_path


def _botocore(case: Case) -> dict[str, Any]:
    session = botocore.session.Session(profile=case.profile)
    client = session.create_client(
        "lambda",
        region_name=case.region,
        endpoint_url=case.endpoint_url,
        verify=case.boto_verify,
        config=botocore.config.Config(**case.boto_config),
    )
    try:
        retries = client.meta.config.retries
        mode = retries.get("mode", LEGACY)
        return {
            "region": client.meta.region_name,
            "endpoint": client.meta.endpoint_url,
            "attempts": retries.get("total_max_attempts"),
            "mode": mode,
            "verify": client._endpoint.http_session._verify,
            "app_id": client.meta.config.user_agent_appid,
        }
    finally:
        client.close()


def _ours(case: Case) -> dict[str, Any]:
    client = LambdaClient(
        region=case.region,
        endpoint_url=case.endpoint_url,
        profile=case.profile,
        config=ClientConfig(**case.ours),
    )
    agent = client._pipeline.user_agent
    app = next((part[4:] for part in agent.split() if part.startswith("app/")), None)
    return {
        "region": client.region,
        "endpoint": client.endpoint_url,
        "attempts": client.config.max_attempts,
        "mode": client.config.retry_mode,
        "verify": client.config.verify,
        "app_id": app,
    }


def _expected(case: Case, boto: dict[str, Any]) -> dict[str, Any]:
    """botocore's answer, with the recorded differences applied."""
    expected = dict(boto)
    if boto["mode"] == LEGACY:
        # docs/design/configuration.md: legacy runs as standard mode, and
        # with nothing set, 3 attempts rather than legacy's 5.
        expected["mode"] = "standard"
        if boto["attempts"] is None:
            expected["attempts"] = 3
    elif boto["attempts"] is None:
        expected["attempts"] = 3  # standard and adaptive default to 3 in both
    expected.update(case.differs)
    return expected


def _write(case: Case, directory: Path) -> None:
    (directory / "config").write_text(textwrap.dedent(case.config))
    (directory / "credentials").write_text(textwrap.dedent(case.credentials))


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 25
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_same_settings_as_botocore(
    case: Case, files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(case, files)
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    if case.error:
        with pytest.raises(
            (
                botocore.exceptions.ProfileNotFound,
                botocore.exceptions.InvalidConfigError,
            )
        ):
            _botocore(case)
        with pytest.raises(ConfigError):
            _ours(case)
        return
    boto = _botocore(case)
    for key, value in case.differs.items():
        # A recorded difference must still differ, or the entry is stale.
        assert boto[key] != value, key
    assert _ours(case) == _expected(case, boto), boto
