"""Importing a module in a thread of its own, awaited from the loop."""

from __future__ import annotations

import asyncio
import sys
import threading

import pytest

from lambda_client._runtime import deferred_import


async def test_the_import_runs_off_the_loop_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[threading.Thread] = []

    def fake_import(name: str) -> object:
        threads.append(threading.current_thread())
        return sys.modules["json"]

    monkeypatch.setattr(deferred_import.importlib, "import_module", fake_import)
    await deferred_import.import_in_thread("json")
    assert len(threads) == 1
    assert threads[0] is not threading.current_thread()


async def test_a_failing_import_raises_in_the_awaiting_task() -> None:
    with pytest.raises(ModuleNotFoundError, match="no_such_module_here"):
        await deferred_import.import_in_thread("no_such_module_here")


def test_a_loop_closed_during_the_import_does_not_break_the_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()
    finished = threading.Event()
    errors: list[BaseException] = []

    def slow_import(name: str) -> object:
        release.wait(10)
        return sys.modules["json"]

    monkeypatch.setattr(deferred_import.importlib, "import_module", slow_import)
    real_thread = threading.Thread

    def tracking_thread(*args: object, **kwargs: object) -> threading.Thread:
        target = kwargs["target"]

        def run() -> None:
            try:
                target()  # type: ignore[operator]
            except BaseException as e:
                errors.append(e)
            finally:
                finished.set()

        kwargs["target"] = run
        return real_thread(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(deferred_import.threading, "Thread", tracking_thread)
    loop = asyncio.new_event_loop()

    async def start() -> None:
        deferred_import.import_in_thread("json")

    loop.run_until_complete(start())
    loop.close()
    release.set()
    # The thread found the loop closed and ended without raising.
    assert finished.wait(10)
    assert errors == []
