"""Settings from the environment and the shared AWS config file.

Read with configparser rather than botocore so that building a client with
explicit or environment credentials never imports botocore.
"""

from __future__ import annotations

import configparser
import os
import shlex
from collections.abc import Mapping

from .exceptions import ConfigError
from .messages import describe, foreign_cause

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
    parser = configparser.RawConfigParser()
    try:
        # read() skips files it cannot open: a missing config file is normal.
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as e:
        # configparser quotes the offending line, which may hold a key:
        # only its number is shown.
        raise ConfigError(
            describe(f"Cannot parse the AWS config file {path}{_where(e)}", cause=e)
        ) from foreign_cause(e)
    section = _profile_section(parser, profile)
    if section is None:
        return None
    value = parser.get(section, key, fallback=None)
    return value.strip() if value is not None else None


def _where(error: Exception) -> str:
    lines = [line for line, _text in getattr(error, "errors", ())]
    lineno = getattr(error, "lineno", None)
    if isinstance(lineno, int):
        lines.append(lineno)
    numbers = sorted({n for n in lines if isinstance(n, int)})
    return f" at line {', '.join(map(str, numbers[:5]))}" if numbers else ""


def _profile_section(parser: configparser.RawConfigParser, profile: str) -> str | None:
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
