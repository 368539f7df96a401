from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import shlex
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from aiohttp import web

from lambda_client._runtime.credentials import (
    ADVISORY_REFRESH_WINDOW,
    MANDATORY_REFRESH_WINDOW,
    CredentialResolver,
    Credentials,
    _RefreshingCache,
)
from lambda_client._runtime.exceptions import (
    ConfigError,
    CredentialsError,
    ForeignCause,
    NoCredentialsError,
)
from tests.isolation import isolate_aws_settings

REPO_ROOT = Path(__file__).resolve().parents[2]

# The end-to-end refresh tests hand out credentials that enter the advisory
# window LEAD_MARGIN seconds after they are issued, then move the clock a
# little further (virtual time: see MovableClock).
LEAD_MARGIN = 2.0
WAIT_INTO_WINDOW = 2.5


class MovableClock:
    """Wall-clock time plus an offset that the test moves forward.

    A refresh decision is taken twice: by botocore's refreshable credentials
    (their ``_time_fetcher``) and by our cache in front of them (its
    ``_now``). Both are pointed at this clock once the resolver has loaded
    its first credentials, so moving it moves time for the whole chain
    without sleeping. The credential source computes expiries from the real
    clock, which this one starts from.
    """

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)

    def drive(self, resolver: CredentialResolver) -> None:
        chain, source = resolver._chain, resolver._botocore_credentials
        assert chain is not None and source is not None, "load credentials first"
        chain._now = self
        source._time_fetcher = self


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No AWS setting of the machine running the tests can leak in."""
    yield isolate_aws_settings(monkeypatch, tmp_path)


# --- Credentials -------------------------------------------------------------


def test_repr_hides_secret_and_token() -> None:
    creds = Credentials(
        access_key_id="AKIDVISIBLE",
        secret_access_key="very-secret-key",
        session_token="very-secret-token",
    )
    for text in (repr(creds), str(creds)):
        assert "AKIDVISIBLE" in text
        assert "very-secret-key" not in text
        assert "very-secret-token" not in text
        assert "<redacted>" in text


def test_repr_shows_absent_token_as_none() -> None:
    creds = Credentials(access_key_id="AKID", secret_access_key="s")
    assert "session_token=None" in repr(creds)


def test_credentials_are_frozen() -> None:
    creds = Credentials(access_key_id="AKID", secret_access_key="s")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        creds.access_key_id = "other"  # type: ignore[misc]


def test_naive_expiration_rejected() -> None:
    with pytest.raises(ConfigError, match="timezone-aware"):
        Credentials(access_key_id="AKID", secret_access_key="s", expiration=datetime(2030, 1, 1))


def test_empty_keys_rejected() -> None:
    with pytest.raises(ConfigError, match="access_key_id"):
        Credentials(access_key_id="", secret_access_key="s")
    with pytest.raises(ConfigError, match="secret_access_key"):
        Credentials(access_key_id="AKID", secret_access_key="")


# --- The refresh cache, on a fake clock --------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2030, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


class Source:
    """A credential source that counts its calls and can be made to fail or wait."""

    def __init__(self, clock: Clock, lifetime: timedelta | None = timedelta(hours=1)) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.calls = 0
        self.error: Exception | None = None
        self.gate: asyncio.Event | None = None
        self.started = asyncio.Event()

    async def __call__(self) -> tuple[Credentials, datetime | None]:
        self.calls += 1
        self.started.set()
        # Give every concurrent caller the chance to pile up behind this call.
        await asyncio.sleep(0)
        if self.gate is not None:
            await self.gate.wait()
        if self.error is not None:
            raise self.error
        expiry = None if self.lifetime is None else self.clock() + self.lifetime
        creds = Credentials(
            access_key_id=f"AK{self.calls}",
            secret_access_key="secret",
            session_token="token",
            expiration=expiry,
        )
        return creds, expiry


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def test_fresh_credentials_are_reused(clock: Clock) -> None:
    source = Source(clock)
    cache = _RefreshingCache(source, now=clock)
    assert (await cache.get()).access_key_id == "AK1"
    clock.advance(minutes=44)  # 16 minutes left: outside both windows
    assert (await cache.get()).access_key_id == "AK1"
    assert source.calls == 1


async def test_credentials_without_expiry_are_never_refreshed(clock: Clock) -> None:
    source = Source(clock, lifetime=None)
    cache = _RefreshingCache(source, now=clock)
    await cache.get()
    clock.advance(days=3650)
    await cache.get()
    assert source.calls == 1


async def test_fresh_answers_in_place_until_a_refresh_is_due(clock: Clock) -> None:
    source = Source(clock)
    cache = _RefreshingCache(source, now=clock)
    assert cache.fresh() is None  # nothing fetched yet: ask get()
    await cache.get()
    fresh = cache.fresh()
    assert fresh is not None and fresh.access_key_id == "AK1"
    clock.advance(minutes=44)  # 16 minutes left: still outside the advisory window
    assert cache.fresh() is fresh
    clock.advance(minutes=2)  # 14 minutes left: a refresh is due
    assert cache.fresh() is None
    assert source.calls == 1


async def test_fresh_keeps_credentials_without_expiry(clock: Clock) -> None:
    cache = _RefreshingCache(Source(clock, lifetime=None), now=clock)
    await cache.get()
    clock.advance(days=3650)
    fresh = cache.fresh()
    assert fresh is not None and fresh.access_key_id == "AK1"


def test_current_is_explicit_or_environment_credentials_at_once() -> None:
    explicit = Credentials(access_key_id="AKEXPLICIT", secret_access_key="s")
    assert CredentialResolver(credentials=explicit).current() is explicit
    resolver = CredentialResolver(env={"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "s"})
    # Found by the first get(); read in place from then on.
    assert resolver.current() is None
    found = asyncio.run(resolver.get())
    assert resolver.current() is found


async def test_advisory_window_refreshes_before_expiry(clock: Clock) -> None:
    source = Source(clock)
    cache = _RefreshingCache(source, now=clock)
    await cache.get()
    clock.advance(minutes=46)  # 14 minutes left
    refreshed = await cache.get()
    assert refreshed.access_key_id == "AK2"
    assert source.calls == 2


async def test_mandatory_window_refreshes(clock: Clock) -> None:
    source = Source(clock)
    cache = _RefreshingCache(source, now=clock)
    await cache.get()
    clock.advance(minutes=55)
    assert (await cache.get()).access_key_id == "AK2"


async def test_first_load_is_single_flight(clock: Clock) -> None:
    source = Source(clock)
    cache = _RefreshingCache(source, now=clock)
    results = await asyncio.gather(*(cache.get() for _ in range(50)))
    assert source.calls == 1
    assert {c.access_key_id for c in results} == {"AK1"}


async def test_mandatory_refresh_is_single_flight(clock: Clock) -> None:
    source = Source(clock)
    cache = _RefreshingCache(source, now=clock)
    await cache.get()
    clock.advance(minutes=51)
    results = await asyncio.gather(*(cache.get() for _ in range(50)))
    assert source.calls == 2
    # Inside the mandatory window nobody may keep using the old credentials.
    assert {c.access_key_id for c in results} == {"AK2"}


async def test_advisory_refresh_is_single_flight_and_does_not_block_others(
    clock: Clock,
) -> None:
    source = Source(clock)
    cache = _RefreshingCache(source, now=clock)
    await cache.get()
    clock.advance(minutes=46)
    results = await asyncio.gather(*(cache.get() for _ in range(50)))
    assert source.calls == 2
    keys = [c.access_key_id for c in results]
    # The caller that started the refresh waits for it; the rest are served
    # the still-valid credentials at once.
    assert keys.count("AK2") == 1
    assert keys.count("AK1") == 49
    assert (await cache.get()).access_key_id == "AK2"


async def test_advisory_failure_keeps_current_and_backs_off(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    source = Source(clock)
    cache = _RefreshingCache(source, now=clock)
    await cache.get()
    clock.advance(minutes=46)
    source.error = ConnectionError("sts unreachable")
    with caplog.at_level(logging.WARNING, logger="lambda_client.credentials"):
        kept = await cache.get()
    assert kept.access_key_id == "AK1"
    assert source.calls == 2
    assert "advisory" in caplog.text
    # No new attempt on every call while the source is failing...
    await cache.get()
    assert source.calls == 2
    # ...but one again after a pause.
    clock.advance(seconds=31)
    await cache.get()
    assert source.calls == 3
    source.error = None
    clock.advance(seconds=31)
    assert (await cache.get()).access_key_id == "AK4"


async def test_mandatory_failure_raises_wrapped(clock: Clock) -> None:
    source = Source(clock)
    cache = _RefreshingCache(source, now=clock)
    await cache.get()
    clock.advance(minutes=51)
    original = ConnectionError("sts unreachable")
    source.error = original
    with pytest.raises(CredentialsError) as info:
        await cache.get()
    # Chained as a stand-in that names the failure's type, not its words.
    assert isinstance(info.value.__cause__, ForeignCause)
    assert info.value.__cause__.type_name == "ConnectionError"
    assert "sts unreachable" not in str(info.value)
    # The mandatory window ignores the advisory pause: every call tries again.
    with pytest.raises(CredentialsError):
        await cache.get()
    assert source.calls == 3


async def test_first_load_failure_raises(clock: Clock) -> None:
    source = Source(clock)
    source.error = NoCredentialsError("nothing here")
    cache = _RefreshingCache(source, now=clock)
    with pytest.raises(NoCredentialsError, match="nothing here"):
        await cache.get()


async def test_refresh_returning_expired_credentials_fails(clock: Clock) -> None:
    source = Source(clock, lifetime=timedelta(seconds=-1))
    cache = _RefreshingCache(source, now=clock)
    with pytest.raises(CredentialsError, match="expired"):
        await cache.get()


async def test_short_lived_credentials_are_not_refetched_on_every_call(clock: Clock) -> None:
    # A source that can only offer 12-minute credentials would otherwise be
    # asked again by every call in the advisory window.
    source = Source(clock, lifetime=timedelta(minutes=12))
    cache = _RefreshingCache(source, now=clock)
    await cache.get()
    for _ in range(10):
        await cache.get()
    assert source.calls == 1
    clock.advance(seconds=31)
    await cache.get()
    assert source.calls == 2


async def test_cancelled_caller_does_not_abort_refresh(clock: Clock) -> None:
    source = Source(clock)
    source.gate = asyncio.Event()
    cache = _RefreshingCache(source, now=clock)
    waiter = asyncio.create_task(cache.get())
    await source.started.wait()
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    source.gate.set()
    # The refresh still completes and its result is used: no second fetch.
    assert (await cache.get()).access_key_id == "AK1"
    assert source.calls == 1


async def test_failed_refresh_without_waiters_is_not_reported_unretrieved(
    clock: Clock,
) -> None:
    reported: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    try:
        source = Source(clock)
        source.gate = asyncio.Event()
        source.error = ConnectionError("down")
        cache = _RefreshingCache(source, now=clock)
        waiter = asyncio.create_task(cache.get())
        await source.started.wait()
        waiter.cancel()
        source.gate.set()
        for _ in range(5):
            await asyncio.sleep(0)
        del waiter
        gc.collect()
        assert reported == []
    finally:
        loop.set_exception_handler(None)


# --- Resolver: explicit and environment ---------------------------------------

EXPLICIT = Credentials(access_key_id="AKIDEXPLICIT", secret_access_key="explicit-secret")
ENV = {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret"}


async def test_explicit_credentials_win_over_environment() -> None:
    resolver = CredentialResolver(credentials=EXPLICIT, env=ENV)
    assert await resolver.get() is EXPLICIT


async def test_explicit_credentials_win_over_profile() -> None:
    resolver = CredentialResolver(credentials=EXPLICIT, profile="missing")
    assert await resolver.get() is EXPLICIT


async def test_environment_credentials() -> None:
    creds = await CredentialResolver(env={**ENV, "AWS_SESSION_TOKEN": "env-token"}).get()
    assert creds == Credentials(
        access_key_id="AKIDENV", secret_access_key="env-secret", session_token="env-token"
    )


async def test_environment_credentials_without_token() -> None:
    creds = await CredentialResolver(env=ENV).get()
    assert creds.session_token is None
    assert creds.expiration is None


async def test_process_environment_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_SESSION_TOKEN", "")
    creds = await CredentialResolver().get()
    assert creds.access_key_id == "AKIDENV"
    assert creds.session_token is None


async def test_half_set_environment_is_an_error() -> None:
    with pytest.raises(CredentialsError, match="AWS_SECRET_ACCESS_KEY is not"):
        await CredentialResolver(env={"AWS_ACCESS_KEY_ID": "AKIDENV"}).get()


async def test_empty_environment_values_count_as_unset() -> None:
    env = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
    with pytest.raises(NoCredentialsError):
        await CredentialResolver(env=env).get()


def test_explicit_and_environment_paths_do_not_import_botocore(tmp_path: Path) -> None:
    (tmp_path / "config").write_text("[default]\nregion = eu-west-1\n")
    script = textwrap.dedent(
        """
        import asyncio, os, sys
        from lambda_client.credentials import CredentialResolver, Credentials
        from lambda_client._runtime.settings import resolve_region

        explicit = Credentials(access_key_id="AKID", secret_access_key="s")
        assert asyncio.run(CredentialResolver(credentials=explicit).get()) is explicit
        assert asyncio.run(CredentialResolver().get()).access_key_id == "AKIDENV"
        assert resolve_region(None, profile=None, env=os.environ) == "eu-west-1"
        assert "botocore" not in sys.modules, "botocore was imported"
        """
    )
    env = {
        **os.environ,
        **ENV,
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "PYTHONPATH": str(REPO_ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


# --- Resolver: botocore's chain -----------------------------------------------


def write_shared_credentials(isolated: Path, text: str) -> None:
    (isolated / "credentials").write_text(textwrap.dedent(text))


async def test_profile_given_explicitly_skips_environment(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_shared_credentials(
        isolated,
        """
        [dev]
        aws_access_key_id = AKIDDEV
        aws_secret_access_key = dev-secret
        """,
    )
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    creds = await CredentialResolver(profile="dev").get()
    assert creds.access_key_id == "AKIDDEV"
    assert creds.secret_access_key == "dev-secret"
    assert creds.expiration is None


async def test_environment_credentials_beat_aws_profile(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_shared_credentials(
        isolated, "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = dev-secret\n"
    )
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_PROFILE", "dev")
    assert (await CredentialResolver().get()).access_key_id == "AKIDENV"


async def test_aws_profile_from_substitute_env_reaches_botocore(isolated: Path) -> None:
    write_shared_credentials(
        isolated,
        """
        [default]
        aws_access_key_id = AKIDDEFAULT
        aws_secret_access_key = default-secret
        [dev]
        aws_access_key_id = AKIDDEV
        aws_secret_access_key = dev-secret
        aws_session_token = dev-token
        """,
    )
    creds = await CredentialResolver(env={"AWS_PROFILE": "dev"}).get()
    assert creds.access_key_id == "AKIDDEV"
    assert creds.session_token == "dev-token"
    assert (await CredentialResolver(env={}).get()).access_key_id == "AKIDDEFAULT"


async def test_no_credentials_anywhere() -> None:
    with pytest.raises(NoCredentialsError) as info:
        await CredentialResolver(env={}).get()
    message = str(info.value)
    for tried in ("explicit", "AWS_ACCESS_KEY_ID", "'default'", "credential_process", "container"):
        assert tried in message
    assert "instance metadata" in message


async def test_no_credentials_message_says_environment_was_skipped(isolated: Path) -> None:
    (isolated / "config").write_text("[profile empty]\nregion = us-east-1\n")
    with pytest.raises(NoCredentialsError, match="skipped: a profile was given") as info:
        await CredentialResolver(profile="empty").get()
    assert "'empty'" in str(info.value)


async def test_unknown_profile_is_wrapped() -> None:
    with pytest.raises(CredentialsError) as info:
        await CredentialResolver(profile="nope").get()
    assert not isinstance(info.value, NoCredentialsError)
    assert "nope" in str(info.value)
    assert _botocore_cause(info.value) == "botocore.exceptions.ProfileNotFound"


def write_process_profile(isolated: Path, profile: str, plan: list[str]) -> Path:
    """A credential_process profile; run N follows plan[N-1] (the last step repeats).

    A step is a lifetime in seconds, or "fail". Each run appends a line to the
    returned file, so the count stays exact even if runs overlap.
    """
    runs = isolated / f"{profile}.runs"
    script = isolated / f"{profile}_process.py"
    script.write_text(
        textwrap.dedent(
            """
            import datetime, json, sys

            runs_file, plan = sys.argv[1], sys.argv[2:]
            with open(runs_file, "a") as f:
                f.write("run\\n")
            with open(runs_file) as f:
                run = len(f.readlines())
            step = plan[min(run, len(plan)) - 1]
            if step == "fail":
                sys.stderr.write("credential source refused")
                sys.exit(1)
            now = datetime.datetime.now(datetime.timezone.utc)
            print(json.dumps({
                "Version": 1,
                "AccessKeyId": f"AKIDPROC{run}",
                "SecretAccessKey": f"proc-secret-{run}",
                "SessionToken": f"proc-token-{run}",
                "Expiration": (now + datetime.timedelta(seconds=float(step))).isoformat(),
            }))
            """
        )
    )
    command = shlex.join([sys.executable, str(script), str(runs), *plan])
    with (isolated / "config").open("a") as f:
        f.write(f"[profile {profile}]\ncredential_process = {command}\n")
    return runs


def run_count(runs: Path) -> int:
    return len(runs.read_text().splitlines()) if runs.exists() else 0


ADVISORY_EDGE = str(ADVISORY_REFRESH_WINDOW.total_seconds() + LEAD_MARGIN)
MANDATORY_EDGE = str(MANDATORY_REFRESH_WINDOW.total_seconds() + LEAD_MARGIN)


async def test_credential_process_refreshed_before_expiry_single_flight(
    isolated: Path,
) -> None:
    runs = write_process_profile(isolated, "proc", [ADVISORY_EDGE, "3600"])
    resolver = CredentialResolver(profile="proc")

    first = await resolver.get()
    assert first.access_key_id == "AKIDPROC1"
    assert first.session_token == "proc-token-1"
    assert first.expiration is not None
    assert first.expiration - datetime.now(UTC) > ADVISORY_REFRESH_WINDOW
    assert (await resolver.get()) == first
    assert run_count(runs) == 1

    clock = MovableClock()
    clock.drive(resolver)
    clock.advance(WAIT_INTO_WINDOW)
    results = await asyncio.gather(*(resolver.get() for _ in range(50)))
    assert run_count(runs) == 2
    assert {c.access_key_id for c in results} == {"AKIDPROC1", "AKIDPROC2"}
    # Renewed about 15 minutes ahead of the old expiry, not at it.
    assert first.expiration - clock() > MANDATORY_REFRESH_WINDOW

    renewed = await resolver.get()
    assert renewed.access_key_id == "AKIDPROC2"
    assert renewed.expiration is not None
    assert renewed.expiration - clock() > timedelta(minutes=59)
    assert run_count(runs) == 2


async def test_credential_process_mandatory_refresh_failure_raises(isolated: Path) -> None:
    runs = write_process_profile(isolated, "proc", [MANDATORY_EDGE, "fail"])
    resolver = CredentialResolver(profile="proc")

    # botocore already tries (and fails) an advisory refresh on first use; the
    # credentials are still good, so they are returned.
    first = await resolver.get()
    assert first.access_key_id == "AKIDPROC1"

    clock = MovableClock()
    clock.drive(resolver)
    clock.advance(WAIT_INTO_WINDOW)
    with pytest.raises(CredentialsError) as info:
        await resolver.get()
    assert _botocore_cause(info.value) == "botocore.exceptions.CredentialRetrievalError"
    # What the process wrote is not repeated: it may be anything, a key included.
    assert "custom-process" in str(info.value)
    assert "credential source refused" not in str(info.value)
    assert run_count(runs) >= 2


async def test_credential_process_failure_is_wrapped(isolated: Path) -> None:
    write_process_profile(isolated, "broken", ["fail"])
    with pytest.raises(CredentialsError) as info:
        await CredentialResolver(profile="broken").get()
    assert not isinstance(info.value, NoCredentialsError)
    assert "custom-process" in str(info.value)
    assert "credential source refused" not in str(info.value)
    assert _botocore_cause(info.value) == "botocore.exceptions.CredentialRetrievalError"


class ContainerEndpoint:
    """Stands in for the ECS/EKS credential endpoint; counts requests."""

    TOKEN = "container-auth-token"

    def __init__(self, plan: list[float]) -> None:
        self.plan = plan
        self.calls = 0
        self.rejected = 0
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != self.TOKEN:
            self.rejected += 1
            return web.json_response({"message": "bad token"}, status=401)
        self.calls += 1
        lifetime = self.plan[min(self.calls, len(self.plan)) - 1]
        expiry = datetime.now(UTC) + timedelta(seconds=lifetime)
        return web.json_response(
            {
                "AccessKeyId": f"AKIDCONTAINER{self.calls}",
                "SecretAccessKey": f"container-secret-{self.calls}",
                "Token": f"container-token-{self.calls}",
                "Expiration": expiry.isoformat(),
            }
        )


@pytest.fixture
async def container_endpoint(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ContainerEndpoint]:
    endpoint = ContainerEndpoint([float(ADVISORY_EDGE), 3600.0])
    app = web.Application()
    app.router.add_get("/creds", endpoint.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        endpoint.url = f"http://127.0.0.1:{port}/creds"
        monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint.url)
        monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", endpoint.TOKEN)
        yield endpoint
    finally:
        await runner.cleanup()


async def test_container_credentials_refreshed_before_expiry_single_flight(
    container_endpoint: ContainerEndpoint,
) -> None:
    resolver = CredentialResolver()
    first = await resolver.get()
    assert first.access_key_id == "AKIDCONTAINER1"
    assert first.session_token == "container-token-1"
    assert first.expiration is not None
    assert (await resolver.get()) == first
    assert container_endpoint.calls == 1

    clock = MovableClock()
    clock.drive(resolver)
    clock.advance(WAIT_INTO_WINDOW)
    results = await asyncio.gather(*(resolver.get() for _ in range(50)))
    assert container_endpoint.calls == 2
    assert "AKIDCONTAINER2" in {c.access_key_id for c in results}
    assert first.expiration - clock() > MANDATORY_REFRESH_WINDOW

    renewed = await resolver.get()
    assert renewed.access_key_id == "AKIDCONTAINER2"
    assert renewed.secret_access_key == "container-secret-2"
    assert container_endpoint.calls == 2


async def test_container_endpoint_rejection_is_wrapped(
    container_endpoint: ContainerEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.utils import ContainerMetadataFetcher

    # botocore sleeps a second between its attempts; not needed here.
    monkeypatch.setattr(ContainerMetadataFetcher, "SLEEP_TIME", 0)
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong-token")
    with pytest.raises(CredentialsError) as info:
        await CredentialResolver().get()
    assert _botocore_cause(info.value) == "botocore.exceptions.CredentialRetrievalError"
    assert "container-role" in str(info.value)
    assert "MetadataRetrievalError" in str(info.value)
    assert container_endpoint.rejected >= 1
    assert container_endpoint.calls == 0


def test_process_script_output_is_valid_json(isolated: Path) -> None:
    # Guards the helper itself: a broken script would make the refresh tests
    # fail for the wrong reason.
    runs = write_process_profile(isolated, "check", ["60"])
    config = (isolated / "config").read_text()
    command = config.split("credential_process = ", 1)[1].strip()
    output = subprocess.run(
        shlex.split(command), capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert json.loads(output)["AccessKeyId"] == "AKIDPROC1"
    assert run_count(runs) == 1


def _botocore_cause(error: BaseException) -> str:
    """The type of the botocore exception a library error stands in for."""
    cause = error.__cause__
    assert isinstance(cause, ForeignCause)
    return cause.type_name
