"""Settings from the environment and the shared AWS config file.

Read with configparser rather than botocore so that building a client with
explicit or environment credentials never imports botocore.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .exceptions import ConfigError

if TYPE_CHECKING:
    import configparser

__all__ = ["resolve_region"]


def resolve_region(
    region: str | None, *, profile: str | None, env: Mapping[str, str]
) -> str | None:
    """The region to use, or ``None`` if nothing names one.

    Looks at ``region``, then ``AWS_REGION``, then ``AWS_DEFAULT_REGION``, then
    the ``region`` of the profile (``profile``, else ``AWS_PROFILE``, else
    ``default``) in the shared config file (``AWS_CONFIG_FILE``, else
    ``~/.aws/config``). Empty values count as unset.
    """
    for candidate in (region, env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION")):
        if candidate is not None and candidate.strip():
            return candidate.strip()
    profile_name = profile or env.get("AWS_PROFILE") or "default"
    value = _profile_setting(_config_file(env), profile_name, "region")
    return value or None


def _config_file(env: Mapping[str, str]) -> str:
    # Expanded like botocore expands it, so both read the same file.
    path = env.get("AWS_CONFIG_FILE") or os.path.join("~", ".aws", "config")
    return os.path.expanduser(os.path.expandvars(path))


def _profile_setting(path: str, profile: str, key: str) -> str | None:
    # RawConfigParser, as botocore uses: no "%" interpolation, and a
    # "[DEFAULT]" section behaves the same way it does for the credential chain.
    # Imported here: a client given its region never reads the file, and
    # configparser compiles a handful of regular expressions on import.
    import configparser

    parser = configparser.RawConfigParser()
    try:
        # read() skips files it cannot open: a missing config file is normal.
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as e:
        raise ConfigError(f"Cannot parse the AWS config file {path}: {e}") from e
    section = _profile_section(parser, profile)
    if section is None:
        return None
    value = parser.get(section, key, fallback=None)
    return value.strip() if value is not None else None


def _profile_section(parser: configparser.RawConfigParser, profile: str) -> str | None:
    import shlex

    if profile == "default" and parser.has_section("default"):
        return "default"
    for section in parser.sections():
        try:
            # Names may be quoted ("[profile 'a b']"); botocore splits this way.
            parts = shlex.split(section)
        except ValueError:
            continue
        if len(parts) == 2 and parts[0] == "profile" and parts[1] == profile:
            return section
    return None
