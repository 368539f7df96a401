"""Every setting of a client, resolved in one place.

Sources, in the order botocore consults them: what the caller passed
(arguments and [`ClientConfig`][lambda_client.ClientConfig]), the environment, the
selected profile of the shared config file (with the credentials file's
section of the same name merged over it, as botocore merges them), then
the default. docs/guides/configuration.md has the table; the few places
where the order differs from botocore's are in docs/design/configuration.md.

Read with configparser rather than botocore so that building a client with
explicit or environment credentials never imports botocore. The files are
read lazily, once per resolution, and only when a setting was not found
earlier in its chain.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Literal

from attrs import frozen

from .exceptions import ConfigError
from .messages import describe, foreign_cause

if TYPE_CHECKING:
    from .client_config import ClientConfig

__all__ = [
    "ResolvedSettings",
    "SharedConfig",
    "configured_endpoint_url",
    "resolve_region",
    "resolve_settings",
    "selected_profile",
]

RetryMode = Literal["standard", "adaptive"]
#: ``True`` (the default trust store), ``False`` (no verification) or a CA bundle path.
Verify = bool | str

DEFAULT_MAX_ATTEMPTS = 3
#: Longest application id botocore accepts without complaint.
APP_ID_MAX_LENGTH = 50

# A profile's values: plain strings, or one level of nested "key = value"
# lines (a "lambda =" block of a services section).
ProfileValues = Mapping[str, "str | dict[str, str]"]


@frozen(kw_only=True)
class ResolvedSettings:
    """The outcome of `resolve_settings()`: what one client uses."""

    #: The profile whose values were used (``None``: the default profile, if any).
    profile: str | None
    region: str | None
    #: A custom endpoint (argument, environment or config), else ``None``.
    endpoint_url: str | None
    use_fips_endpoint: bool
    use_dualstack_endpoint: bool
    max_attempts: int
    retry_mode: RetryMode
    verify: Verify
    #: Where ``verify`` came from, for messages ("AWS_CA_BUNDLE", ...).
    verify_source: str
    user_agent_appid: str | None


def selected_profile(profile: str | None, env: Mapping[str, str]) -> str | None:
    """The profile in use: ``profile``, else ``AWS_DEFAULT_PROFILE``, else
    ``AWS_PROFILE`` (botocore's order), else ``None`` (the default profile)."""
    for candidate in (profile, env.get("AWS_DEFAULT_PROFILE"), env.get("AWS_PROFILE")):
        if candidate:
            return candidate
    return None


class SharedConfig:
    """The shared config and credentials files, parsed on first use."""

    def __init__(self, env: Mapping[str, str], profile: str | None) -> None:
        self._env = env
        self.profile = profile
        self._profiles: dict[str, dict[str, str | dict[str, str]]] | None = None
        self._services: dict[str, dict[str, str | dict[str, str]]] = {}

    @property
    def config_file(self) -> str:
        return _expand(self._env.get("AWS_CONFIG_FILE") or os.path.join("~", ".aws", "config"))

    @property
    def credentials_file(self) -> str:
        return _expand(
            self._env.get("AWS_SHARED_CREDENTIALS_FILE") or os.path.join("~", ".aws", "credentials")
        )

    def _load(self) -> dict[str, dict[str, str | dict[str, str]]]:
        if self._profiles is None:
            profiles: dict[str, dict[str, str | dict[str, str]]] = {}
            for section, values in _parse(self.config_file).items():
                if section == "default":
                    profiles["default"] = values
                elif section.startswith("profile"):
                    name = _section_name(section)
                    if name is not None:
                        profiles[name] = values
                elif section.startswith("services"):
                    name = _section_name(section)
                    if name is not None:
                        self._services[name] = values
            # The credentials file names its sections without "profile";
            # its values win over the config file's for the same profile.
            for section, values in _parse(self.credentials_file).items():
                profiles.setdefault(section, {}).update(values)
            self._profiles = profiles
        return self._profiles

    def values(self) -> ProfileValues:
        """The selected profile's settings (empty for a missing default profile)."""
        profiles = self._load()
        if self.profile is None:
            return profiles.get("default", {})
        found = profiles.get(self.profile)
        if found is None:
            # botocore raises ProfileNotFound here too: a named profile that
            # does not exist is a mistake, not a request for defaults.
            raise ConfigError(
                f"The profile {self.profile!r} is not in {self.config_file} "
                f"or {self.credentials_file}"
            )
        return found

    def get(self, key: str) -> str | None:
        value = self.values().get(key)
        return value if isinstance(value, str) else None

    def service_value(self, service: str, key: str) -> str | None:
        """``key`` of ``service`` in the ``[services NAME]`` section the
        profile points at with ``services = NAME``."""
        section_name = self.get("services")
        if section_name is None:
            return None
        section = self._services.get(section_name)
        if not section:
            raise ConfigError(
                f"The profile {self.profile or 'default'!r} uses the services section "
                f"{section_name!r}, which is not in {self.config_file}"
            )
        block = section.get(service)
        if isinstance(block, dict):
            return block.get(key)
        return None


def _expand(path: str) -> str:
    # Expanded the way botocore expands it, so both read the same file.
    return os.path.expanduser(os.path.expandvars(path))


def _section_name(section: str) -> str | None:
    import shlex  # only when there is a file to read: most cold starts have none

    try:
        # Names may be quoted ("[profile 'a b']"); botocore splits this way.
        parts = shlex.split(section)
    except ValueError:
        return None
    return parts[1] if len(parts) == 2 else None


def _parse(path: str) -> dict[str, dict[str, str | dict[str, str]]]:
    if not os.path.exists(path):
        # A missing file is normal (a Lambda function has none): nothing to
        # parse, and configparser, which compiles a handful of regular
        # expressions on import, is not loaded for it.
        return {}
    import configparser

    # RawConfigParser, as botocore uses: no "%" interpolation.
    parser = configparser.RawConfigParser()
    try:
        # read() skips files it cannot open (a directory, no permission).
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as e:
        # configparser quotes the offending line, which may hold a key:
        # only its number is shown.
        raise ConfigError(
            describe(f"Cannot parse the AWS config file {path}{_where(e)}", cause=e)
        ) from foreign_cause(e)
    out: dict[str, dict[str, str | dict[str, str]]] = {}
    for section in parser.sections():
        values: dict[str, str | dict[str, str]] = {}
        for option in parser.options(section):
            raw = parser.get(section, option)
            values[option] = _nested(raw, path) if raw.startswith("\n") else raw
        out[section] = values
    return out


def _where(error: Exception) -> str:
    lines = [line for line, _text in getattr(error, "errors", ())]
    lineno = getattr(error, "lineno", None)
    if isinstance(lineno, int):
        lines.append(lineno)
    numbers = sorted({n for n in lines if isinstance(n, int)})
    return f" at line {', '.join(map(str, numbers[:5]))}" if numbers else ""


def _nested(raw: str, path: str) -> dict[str, str]:
    nested: dict[str, str] = {}
    for line in raw.splitlines():
        line = line.strip()
        if not line:
            continue
        key, sep, value = line.partition("=")
        if not sep:
            # Not quoted: the line may hold a key.
            raise ConfigError(
                f"Cannot parse the AWS config file {path}: a line of a nested block has no '='"
            )
        nested[key.strip()] = value.strip()
    return nested


# --- one function per setting -------------------------------------------------------------


class _Source:
    """A named lookup, so that messages can say where a bad value came from."""

    __slots__ = ("_get", "source")

    def __init__(self, source: str, get: Callable[[], str | None]) -> None:
        self.source = source
        self._get = get

    def __call__(self) -> str | None:
        return self._get()


def _first(*candidates: _Source) -> tuple[str, str] | None:
    """The first non-empty value and the name of its source."""
    for candidate in candidates:
        value = candidate()
        if value is not None and value.strip():
            return value.strip(), candidate.source
    return None


def _env(env: Mapping[str, str], name: str) -> _Source:
    return _Source(name, lambda: env.get(name))


def _profile(shared: SharedConfig, key: str) -> _Source:
    return _Source(f"{key} in profile {shared.profile or 'default'!r}", lambda: shared.get(key))


def _boolean(found: tuple[str, str] | None) -> bool | None:
    if found is None:
        return None
    value, source = found
    lowered = value.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    # botocore reads anything but "true" as false; a typo there would
    # silently turn a FIPS requirement off, so it is an error here.
    raise ConfigError(f"{source} must be 'true' or 'false', got {value!r}")


def resolve_region(
    region: str | None, *, profile: str | None, env: Mapping[str, str]
) -> str | None:
    """The region to use, or ``None`` if nothing names one.

    ``region``, then ``AWS_REGION`` (which botocore does not read; every
    other AWS SDK and the Lambda runtime use it), then
    ``AWS_DEFAULT_REGION``, then the profile's ``region``. Empty values count
    as unset.
    """
    shared = SharedConfig(env, selected_profile(profile, env))
    return _region(region, env, shared)


def _region(region: str | None, env: Mapping[str, str], shared: SharedConfig) -> str | None:
    found = _first(
        _Source("region", lambda: region),
        _env(env, "AWS_REGION"),
        _env(env, "AWS_DEFAULT_REGION"),
        _profile(shared, "region"),
    )
    return found[0] if found else None


def configured_endpoint_url(
    env: Mapping[str, str],
    shared: SharedConfig | None = None,
    *,
    ignore: bool | None = None,
) -> str | None:
    """The endpoint URL configured outside the code, unless ignored:
    ``AWS_ENDPOINT_URL_LAMBDA``, ``AWS_ENDPOINT_URL``, then (with ``shared``)
    the profile's ``services`` section and its ``endpoint_url``.
    ``ignore`` is ``ClientConfig.ignore_configured_endpoint_urls``; ``None``
    leaves it to ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`` and the profile."""
    if ignore is None:
        sources = [_env(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")]
        if shared is not None:
            sources.append(_profile(shared, "ignore_configured_endpoint_urls"))
        ignore = bool(_boolean(_first(*sources)))
    if ignore:
        return None
    sources = [_env(env, "AWS_ENDPOINT_URL_LAMBDA"), _env(env, "AWS_ENDPOINT_URL")]
    if shared is not None:
        profile = shared
        sources.append(
            _Source("services section", lambda: profile.service_value("lambda", "endpoint_url"))
        )
        sources.append(_profile(shared, "endpoint_url"))
    found = _first(*sources)
    return found[0] if found else None


def _flag(
    explicit: bool | None, env_name: str, key: str, env: Mapping[str, str], shared: SharedConfig
) -> bool:
    if explicit is not None:
        return explicit
    return bool(_boolean(_first(_env(env, env_name), _profile(shared, key))))


def max_attempts_setting(
    explicit: int | None, env: Mapping[str, str], shared: SharedConfig | None = None
) -> int:
    """Total attempts: ``explicit``, ``AWS_MAX_ATTEMPTS``, the profile's
    ``max_attempts``, else 3."""
    if explicit is not None:
        return explicit
    sources = [_env(env, "AWS_MAX_ATTEMPTS")]
    if shared is not None:
        sources.append(_profile(shared, "max_attempts"))
    found = _first(*sources)
    if found is None:
        return DEFAULT_MAX_ATTEMPTS
    raw, source = found
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{source} must be an integer, got {raw!r}") from None
    if value < 1:
        raise ConfigError(f"{source} must be at least 1, got {value}")
    return value


def retry_mode_setting(
    explicit: RetryMode | None, env: Mapping[str, str], shared: SharedConfig | None = None
) -> RetryMode:
    """``explicit``, ``AWS_RETRY_MODE``, the profile's ``retry_mode``, else standard."""
    if explicit is not None:
        return explicit
    sources = [_env(env, "AWS_RETRY_MODE")]
    if shared is not None:
        sources.append(_profile(shared, "retry_mode"))
    found = _first(*sources)
    if found is None:
        return "standard"
    raw, source = found
    lowered = raw.lower()
    if lowered in ("standard", "legacy"):
        # "legacy" is botocore's old default; its numbers are what standard
        # mode fixed, so it maps to standard rather than failing.
        return "standard"
    if lowered == "adaptive":
        return "adaptive"
    raise ConfigError(f"{source} must be 'standard' or 'adaptive', got {raw!r}")


def flag_setting(explicit: bool | None, env_name: str, env: Mapping[str, str]) -> bool:
    """A boolean from ``explicit`` or the environment alone (no profile)."""
    if explicit is not None:
        return explicit
    return bool(_boolean(_first(_env(env, env_name))))


def _verify(
    config: ClientConfig, env: Mapping[str, str], shared: SharedConfig
) -> tuple[Verify, str]:
    if config.verify is not None:
        return config.verify, "ClientConfig.verify"
    # botocore: the ca_bundle setting (AWS_CA_BUNDLE, then the profile), then
    # REQUESTS_CA_BUNDLE, then its default trust. Nothing in the environment
    # can turn verification off: every value found here is a CA bundle path.
    for source in (
        _env(env, "AWS_CA_BUNDLE"),
        _profile(shared, "ca_bundle"),
        _env(env, "REQUESTS_CA_BUNDLE"),
    ):
        value = source()
        if value is None:
            continue
        if not value.strip():
            # botocore refuses an empty bundle path too: silently falling
            # back to the default trust would hide the mistake.
            raise ConfigError(f"{source.source} is set but empty; give the path of a CA bundle")
        return _expand(value.strip()), source.source
    return True, "default trust store"


def _app_id(config: ClientConfig, env: Mapping[str, str], shared: SharedConfig) -> str | None:
    found = _first(
        _Source("ClientConfig.user_agent_appid", lambda: config.user_agent_appid),
        _env(env, "AWS_SDK_UA_APP_ID"),
        _profile(shared, "sdk_ua_app_id"),
    )
    if found is None:
        return None
    value, source = found
    if len(value) > APP_ID_MAX_LENGTH:
        raise ConfigError(f"{source} is longer than {APP_ID_MAX_LENGTH} characters: {value!r}")
    return value


def resolve_settings(
    *,
    region: str | None,
    endpoint_url: str | None,
    profile: str | None,
    config: ClientConfig,
    env: Mapping[str, str],
) -> ResolvedSettings:
    """Resolve every setting of a client once, at construction."""
    shared = SharedConfig(env, selected_profile(profile, env))
    verify, verify_source = _verify(config, env, shared)
    return ResolvedSettings(
        profile=shared.profile,
        region=_region(region, env, shared),
        endpoint_url=endpoint_url
        or configured_endpoint_url(env, shared, ignore=config.ignore_configured_endpoint_urls),
        use_fips_endpoint=_flag(
            config.use_fips_endpoint, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint", env, shared
        ),
        use_dualstack_endpoint=_flag(
            config.use_dualstack_endpoint,
            "AWS_USE_DUALSTACK_ENDPOINT",
            "use_dualstack_endpoint",
            env,
            shared,
        ),
        max_attempts=max_attempts_setting(config.max_attempts, env, shared),
        retry_mode=retry_mode_setting(config.retry_mode, env, shared),
        verify=verify,
        verify_source=verify_source,
        user_agent_appid=_app_id(config, env, shared),
    )
