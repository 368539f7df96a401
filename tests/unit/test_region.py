from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from lambda_client._runtime.exceptions import ConfigError
from lambda_client._runtime.settings import resolve_region

CONFIG = """
[default]
region = eu-west-1

[profile dev]
region = us-west-2
# A value with a percent sign must not trip interpolation.
role_session_name = 100%-dev

[prod]
region = ap-south-1

[profile 'with space']
region = ca-central-1

[profile noregion]
output = json
"""


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    yield tmp_path


@pytest.fixture
def config_env(isolated: Path) -> dict[str, str]:
    path = isolated / "config"
    path.write_text(textwrap.dedent(CONFIG))
    return {"AWS_CONFIG_FILE": str(path)}


def test_explicit_region_wins(config_env: dict[str, str]) -> None:
    env = {**config_env, "AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "us-east-1"}
    assert resolve_region("sa-east-1", profile="dev", env=env) == "sa-east-1"


def test_aws_region_beats_aws_default_region(config_env: dict[str, str]) -> None:
    env = {**config_env, "AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "us-east-1"}
    assert resolve_region(None, profile="dev", env=env) == "us-east-2"


def test_aws_default_region_beats_config(config_env: dict[str, str]) -> None:
    env = {**config_env, "AWS_DEFAULT_REGION": "us-east-1"}
    assert resolve_region(None, profile="dev", env=env) == "us-east-1"


def test_empty_values_count_as_unset(config_env: dict[str, str]) -> None:
    env = {**config_env, "AWS_REGION": "", "AWS_DEFAULT_REGION": "  "}
    assert resolve_region("", profile=None, env=env) == "eu-west-1"


def test_surrounding_whitespace_is_dropped() -> None:
    assert resolve_region(None, profile=None, env={"AWS_REGION": " us-east-2\n"}) == "us-east-2"


def test_default_profile_from_config(config_env: dict[str, str]) -> None:
    assert resolve_region(None, profile=None, env=config_env) == "eu-west-1"


def test_profile_argument_beats_aws_profile(config_env: dict[str, str]) -> None:
    env = {**config_env, "AWS_PROFILE": "with space"}
    assert resolve_region(None, profile="dev", env=env) == "us-west-2"


def test_aws_profile_beats_default(config_env: dict[str, str]) -> None:
    env = {**config_env, "AWS_PROFILE": "dev"}
    assert resolve_region(None, profile=None, env=env) == "us-west-2"


def test_quoted_profile_name(config_env: dict[str, str]) -> None:
    assert resolve_region(None, profile="with space", env=config_env) == "ca-central-1"


def test_named_profile_needs_profile_prefix(config_env: dict[str, str]) -> None:
    # "[prod]" is not a profile in the config file (only the credentials file
    # uses bare names), so naming it is an error, as in botocore.
    with pytest.raises(ConfigError, match="'prod' is not in"):
        resolve_region(None, profile="prod", env=config_env)


def test_profile_without_region(config_env: dict[str, str]) -> None:
    assert resolve_region(None, profile="noregion", env=config_env) is None


def test_unknown_profile(config_env: dict[str, str]) -> None:
    # botocore raises ProfileNotFound: falling back to defaults would send
    # the calls somewhere the user did not configure.
    with pytest.raises(ConfigError, match="'nope' is not in"):
        resolve_region(None, profile="nope", env=config_env)


def test_profile_default_section_form(isolated: Path) -> None:
    path = isolated / "config"
    path.write_text("[profile default]\nregion = eu-north-1\n")
    assert resolve_region(None, profile=None, env={"AWS_CONFIG_FILE": str(path)}) == "eu-north-1"


def test_bare_default_section_wins_over_profile_default(isolated: Path) -> None:
    path = isolated / "config"
    path.write_text("[profile default]\nregion = eu-north-1\n[default]\nregion = eu-west-3\n")
    assert resolve_region(None, profile=None, env={"AWS_CONFIG_FILE": str(path)}) == "eu-west-3"


def test_config_file_defaults_to_home(isolated: Path) -> None:
    aws_dir = isolated / "home" / ".aws"
    aws_dir.mkdir()
    (aws_dir / "config").write_text("[default]\nregion = me-south-1\n")
    assert resolve_region(None, profile=None, env={}) == "me-south-1"


def test_config_file_path_expands_home(isolated: Path) -> None:
    (isolated / "home" / "custom.ini").write_text("[default]\nregion = il-central-1\n")
    env = {"AWS_CONFIG_FILE": os.path.join("~", "custom.ini")}
    assert resolve_region(None, profile=None, env=env) == "il-central-1"


def test_missing_config_file(isolated: Path) -> None:
    env = {"AWS_CONFIG_FILE": str(isolated / "absent")}
    assert resolve_region(None, profile=None, env=env) is None


def test_empty_region_in_config(isolated: Path) -> None:
    path = isolated / "config"
    path.write_text("[default]\nregion =\n")
    assert resolve_region(None, profile=None, env={"AWS_CONFIG_FILE": str(path)}) is None


def test_malformed_config_file(isolated: Path) -> None:
    path = isolated / "config"
    path.write_text("region = eu-west-1\n")
    with pytest.raises(ConfigError, match="AWS config file"):
        resolve_region(None, profile=None, env={"AWS_CONFIG_FILE": str(path)})


def test_config_file_not_read_when_env_names_region(isolated: Path) -> None:
    path = isolated / "config"
    path.write_text("not an ini file at all\n")
    env = {"AWS_CONFIG_FILE": str(path), "AWS_REGION": "us-east-1"}
    assert resolve_region(None, profile=None, env=env) == "us-east-1"
