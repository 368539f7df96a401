"""AWS credentials and where they come from.

`CredentialResolver` looks, in order, at credentials passed in, at the
environment (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
``AWS_SESSION_TOKEN``) and finally at the full AWS credential chain as
botocore implements it (profiles, SSO, assume-role, web identity,
``credential_process``, container and instance metadata). botocore is only
imported when that last step is reached, so clients given explicit or
environment credentials never pay for it.

Temporary credentials are renewed ahead of their expiry: from 15 minutes
before it a refresh is attempted but a failure is tolerated while the current
credentials still work; from 10 minutes before it a refresh must succeed.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from attrs import define, field

from . import logs
from .exceptions import ConfigError, CredentialsError, NoCredentialsError
from .messages import describe, foreign_cause
from .settings import selected_profile

__all__ = [
    "ADVISORY_REFRESH_WINDOW",
    "MANDATORY_REFRESH_WINDOW",
    "CredentialResolver",
    "Credentials",
]

#: From this long before expiry a refresh is attempted; failures are tolerated.
ADVISORY_REFRESH_WINDOW = timedelta(minutes=15)
#: From this long before expiry a refresh must succeed or ``get()`` fails.
MANDATORY_REFRESH_WINDOW = timedelta(minutes=10)

# Without a pause, every call made during the advisory window after a failed
# refresh would start another one (another STS call, another process spawn).
_ADVISORY_RETRY_INTERVAL = timedelta(seconds=30)

# How long botocore-held credentials whose expiry cannot be read are trusted
# before botocore is asked again (it refreshes them on its own schedule).
_UNKNOWN_EXPIRY_RECHECK = timedelta(minutes=1)

_CHAIN_STEPS = (
    "shared credentials and config files, SSO, assume-role, web identity, "
    "credential_process, container credentials and instance metadata"
)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _redact(value: str | None) -> str:
    return "None" if value is None else "'<redacted>'"


def _non_empty(_inst: object, attribute: Any, value: str) -> None:
    if not value:
        raise ConfigError(f"Credentials.{attribute.name} must not be empty")


def _tz_aware(_inst: object, _attribute: object, value: datetime | None) -> None:
    # A naive expiry would be compared with an aware "now" and raise TypeError
    # deep inside a request; reject it where it is made instead.
    if value is not None and value.utcoffset() is None:
        raise ConfigError("Credentials.expiration must be timezone-aware")


@define(frozen=True, kw_only=True)
class Credentials:
    """One set of AWS credentials. The repr hides the secret and the token."""

    access_key_id: str = field(validator=_non_empty)
    """The access key id."""
    secret_access_key: str = field(validator=_non_empty, repr=_redact)
    """The secret access key (hidden in the repr)."""
    session_token: str | None = field(default=None, repr=_redact)
    """The session token of temporary credentials (hidden in the repr)."""
    expiration: datetime | None = field(default=None, validator=_tz_aware)
    """When temporary credentials stop working (timezone-aware); ``None`` for
    long-term keys."""


# A fetch returns the credentials and the time after which they must not be
# used (normally their expiration; see _UNKNOWN_EXPIRY_RECHECK).
_Fetch = Callable[[], Awaitable[tuple[Credentials, datetime | None]]]


class _RefreshingCache:
    """Holds the current credentials of one source and renews them.

    At most one fetch runs at a time: concurrent callers that need fresh
    credentials wait for the same task. The task is shielded, so a caller
    being cancelled (say, by a request timeout) neither aborts the refresh
    nor wastes its result.
    """

    def __init__(self, fetch: _Fetch, *, now: Callable[[], datetime] = _utcnow) -> None:
        self._fetch = fetch
        self._now = now
        self._current: Credentials | None = None
        self._valid_until: datetime | None = None
        self._inflight: asyncio.Task[Credentials] | None = None
        self._quiet_until: datetime | None = None

    async def get(self) -> Credentials:
        current = self._current
        now = self._now()
        mandatory = True
        if current is not None:
            if self._valid_until is None:
                return current
            remaining = self._valid_until - now
            if remaining > ADVISORY_REFRESH_WINDOW:
                return current
            mandatory = remaining <= MANDATORY_REFRESH_WINDOW
            # In the advisory window the current credentials still serve
            # everyone who does not have to start the refresh.
            if not mandatory and (
                self._inflight is not None
                or (self._quiet_until is not None and now < self._quiet_until)
            ):
                return current

        task = self._inflight
        if task is None:
            task = asyncio.create_task(self._refresh())
            self._inflight = task
            task.add_done_callback(self._settle)
        try:
            return await asyncio.shield(task)
        except CredentialsError as e:
            if mandatory or current is None:
                raise
            logs.CREDENTIALS.warning(
                "Refreshing AWS credentials failed during the advisory window; "
                "using the current ones until %s: %s",
                self._valid_until,
                e,
            )
            return current

    def fresh(self) -> Credentials | None:
        """The current credentials if no refresh is due, else None; safe to
        call from another thread than the loop's. A refresh sets
        ``_current`` before ``_valid_until`` and this reads them the other
        way round, so new credentials may be paired with the old expiry
        (answering None: ask `get()`), never old ones with the new expiry."""
        valid_until = self._valid_until
        current = self._current
        if current is None or (
            valid_until is not None and valid_until - self._now() <= ADVISORY_REFRESH_WINDOW
        ):
            return None
        return current

    async def _refresh(self) -> Credentials:
        try:
            fresh, valid_until = await self._fetch()
        except CredentialsError:
            self._back_off()
            raise
        except Exception as e:
            self._back_off()
            raise CredentialsError(
                describe("Refreshing AWS credentials failed", cause=e)
            ) from foreign_cause(e)
        now = self._now()
        if valid_until is not None and valid_until <= now:
            self._back_off()
            raise CredentialsError(
                f"The credential source returned credentials that expired at "
                f"{valid_until.isoformat()}"
            )
        self._current = fresh
        self._valid_until = valid_until
        if valid_until is not None and valid_until - now <= ADVISORY_REFRESH_WINDOW:
            # The source has nothing fresher (or refused to refresh): do not
            # ask it again on the very next call.
            self._back_off()
        else:
            self._quiet_until = None
        return fresh

    def _back_off(self) -> None:
        self._quiet_until = self._now() + _ADVISORY_RETRY_INTERVAL

    def _settle(self, task: asyncio.Task[Credentials]) -> None:
        # A finished refresh must not be joined by the next caller that finds
        # the credentials due: that caller needs a new one.
        if self._inflight is task:
            self._inflight = None


class CredentialSource(Protocol):
    """What a pipeline asks of its credentials."""

    def ready(self) -> Credentials | None:
        """Credentials at hand without awaiting anything, or None."""
        ...

    async def get(self) -> Credentials:
        """Current credentials, fetched or refreshed if need be."""
        ...


class CredentialResolver:
    """Finds AWS credentials and keeps them fresh.

    ``credentials`` are returned as given and never refreshed. Otherwise the
    environment is consulted, unless ``profile`` is given (naming a profile
    means using it, as in botocore), and then botocore's credential chain.
    ``env`` stands in for ``os.environ`` for the variables read here
    (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``,
    ``AWS_PROFILE``); botocore's chain reads the process environment.

    A resolver serves one event loop at a time.
    """

    def __init__(
        self,
        *,
        credentials: Credentials | None = None,
        profile: str | None = None,
        env: Mapping[str, str] | None = None,
        chain_profile: str | None = None,
    ) -> None:
        self._explicit = credentials
        if credentials is not None:
            logs.credentials_found(
                source="explicit",
                expiration=None if credentials.expiration is None else _iso(credentials.expiration),
            )
        self._profile = profile
        #: The profile the client's settings came from; the chain uses it too.
        self._settings_profile = chain_profile
        self._env = env
        self._from_env: Credentials | None = None
        self._chain: _RefreshingCache | None = None
        self._chain_profile: str | None = None
        # botocore's credentials object, kept so that it refreshes in place.
        self._botocore_credentials: Any = None

    def ready(self) -> Credentials | None:
        """Credentials that never need refreshing, once found (explicit or
        from the environment), without a trip through `get()`."""
        return self._explicit or self._from_env

    def current(self) -> Credentials | None:
        """Credentials usable now without a refresh (the chain's too, while
        they are not due), from any thread; None means ask `get()`."""
        ready = self._explicit or self._from_env
        if ready is not None:
            return ready
        chain = self._chain
        return None if chain is None else chain.fresh()

    async def get(self) -> Credentials:
        """Current credentials, refreshed first if they are about to expire.

        Raises [`NoCredentialsError`][lambda_client.errors.NoCredentialsError]
        when no source has credentials and
        [`CredentialsError`][lambda_client.errors.CredentialsError] when a
        source fails.
        """
        if self._explicit is not None:
            return self._explicit
        if self._from_env is not None:
            return self._from_env
        if self._chain is None:
            env = os.environ if self._env is None else self._env
            if self._profile is None:
                found = _credentials_from_env(env)
                if found is not None:
                    self._from_env = found
                    logs.credentials_found(source="environment")
                    return found
            # botocore only sees os.environ, so a profile named in a
            # substitute env is handed over explicitly (botocore's order).
            self._chain_profile = selected_profile(self._profile or self._settings_profile, env)
            self._chain = _RefreshingCache(self._fetch_from_chain)
        return await self._chain.get()

    async def _fetch_from_chain(self) -> tuple[Credentials, datetime | None]:
        return await asyncio.to_thread(self._load_from_chain)

    def _load_from_chain(self) -> tuple[Credentials, datetime | None]:
        # Runs in a worker thread: botocore does blocking file, process and
        # network I/O. The refresh cache never runs two of these at once.
        profile = self._chain_profile
        try:
            import botocore.session

            source = self._botocore_credentials
            if source is None:
                source = botocore.session.Session(profile=profile).get_credentials()
                if source is None:
                    raise NoCredentialsError(self._nothing_found_message())
                self._botocore_credentials = source
            # get_frozen_credentials refreshes first when botocore thinks it
            # is time, and gives a consistent key/secret/token triple.
            frozen = source.get_frozen_credentials()
            expiry = _botocore_expiry(source)
            credentials = Credentials(
                access_key_id=frozen.access_key,
                secret_access_key=frozen.secret_key,
                session_token=frozen.token or None,
                expiration=expiry,
            )
        except CredentialsError:
            raise
        except Exception as e:
            # botocore's message may quote a credential process's output or
            # an STS answer: only its type and named facts are shown.
            where = f" for profile {profile!r}" if profile else ""
            raise CredentialsError(
                describe(f"The AWS credential chain failed{where}", cause=e)
            ) from foreign_cause(e)
        logs.credentials_found(
            source="botocore",
            # botocore's name for the provider: "shared-credentials-file",
            # "assume-role", "sso", "container-role", "iam-role", ...
            method=str(getattr(source, "method", None) or "unknown"),
            profile=profile,
            expiration=None if expiry is None else _iso(expiry),
        )
        if expiry is None and callable(getattr(source, "refresh_needed", None)):
            # Refreshable, but the expiry could not be read: ask botocore
            # again soon rather than holding these forever.
            return credentials, _utcnow() + ADVISORY_REFRESH_WINDOW + _UNKNOWN_EXPIRY_RECHECK
        return credentials, expiry

    def _nothing_found_message(self) -> str:
        if self._profile is not None:
            env_part = "environment variables (skipped: a profile was given)"
        else:
            env_part = "environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
        profile = self._chain_profile or "default"
        return (
            f"No AWS credentials found. Tried: explicit credentials (none given), "
            f"{env_part}, and botocore's credential chain for profile {profile!r} "
            f"({_CHAIN_STEPS})."
        )


def _credentials_from_env(env: Mapping[str, str]) -> Credentials | None:
    access_key = env.get("AWS_ACCESS_KEY_ID", "")
    secret_key = env.get("AWS_SECRET_ACCESS_KEY", "")
    # Empty variables count as unset, as in botocore.
    if not access_key and not secret_key:
        return None
    if not access_key or not secret_key:
        present, missing = (
            ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
            if access_key
            else ("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID")
        )
        raise CredentialsError(f"{present} is set but {missing} is not")
    return Credentials(
        access_key_id=access_key,
        secret_access_key=secret_key,
        session_token=env.get("AWS_SESSION_TOKEN") or None,
    )


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _botocore_expiry(source: Any) -> datetime | None:
    # botocore has no public accessor for the expiry of RefreshableCredentials
    # (refresh_needed() only compares against it). _expiry_time has held it
    # for the life of the class; read it defensively so that a botocore which
    # renames it degrades to periodic re-checks instead of failing. Reading it
    # right after get_frozen_credentials() is consistent because nothing else
    # refreshes this object concurrently.
    value = getattr(source, "_expiry_time", None)
    if not isinstance(value, datetime):
        return None
    if value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    return value
