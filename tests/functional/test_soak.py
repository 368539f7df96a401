"""The short soak (bench/soak.py): 2,000 calls, 32 in flight, 15% of answers
faulted, waits between attempts made virtual. What the client promises
under faults is checked call by call against the server's own counts."""

from __future__ import annotations

from bench.soak import DEFAULT_FAULTS, Report, parse, soak
from lambda_client import errors

LIBRARY_ERRORS = set(errors.__all__)
#: How a call ends when its Invoke ran: answered, or cut off after sending.
ENDS_AFTER_RUNNING = {"ok", "ConnectionClosedError", "ReadTimeoutError", "TransportError"}
QUICK = [
    "--concurrency=32",
    "--sleep-scale=0",
    "--read-timeout=0.3",
    "--slow-seconds=1",
    "--retry-after=0.1",
    "--call-deadline=30",
    "--max-seconds=120",
]


def invokes_that_ran(report: Report) -> int:
    return sum(
        n
        for outcome, n in report.outcomes.items()
        if outcome.startswith("Invoke ") and outcome.split(" ", 1)[1] in ENDS_AFTER_RUNNING
    )


async def test_two_thousand_calls_under_faults_lose_nothing_and_run_nothing_twice() -> None:
    report = await soak(parse(["--calls=2000", *QUICK]))
    server = report.server
    outcomes = report.outcomes

    # Every call ended, in success or in one of the library's errors.
    assert report.unaccounted == 0
    for outcome in outcomes:
        result = outcome.split(" ", 1)[1]
        assert result == "ok" or result in LIBRARY_ERRORS, outcome
    # Every fault was injected, and every attempt the client counted reached the server.
    assert set(server["faulted"]) == {"ok", *DEFAULT_FAULTS}
    assert report.client_attempts == server["requests"]

    # No Invoke ran twice, and each one that ran is exactly one that ended
    # on an answer meaning it ran (or on none): nothing was resent after.
    assert server["duplicate_invoke_executions"] == 0
    assert server["invokes_run"] == invokes_that_ran(report)

    # Nothing left behind.
    assert report.fds_after == report.fds_before
    assert report.tasks_after == report.tasks_before
    assert report.rss_growth < 32 * 1024 * 1024


async def test_the_duplicate_count_sees_invokes_resent_after_sending() -> None:
    # The control: allowed to resend an Invoke that went out, the client
    # does, and the server counts the function running twice.
    report = await soak(parse(["--calls=600", "--retry-sent-invokes", *QUICK]))
    assert report.server["duplicate_invoke_executions"] > 0
    assert report.server["invokes_run"] > invokes_that_ran(report)
