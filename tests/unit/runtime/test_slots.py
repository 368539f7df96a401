"""Pool slots: counting, fairness, and cancellation that never loses a slot."""

from __future__ import annotations

import asyncio

import pytest

from lambda_client._runtime.slots import Slots


def test_free_slots_are_taken_synchronously_until_none_are_left() -> None:
    slots = Slots(2)
    assert slots.try_take()
    assert slots.try_take()
    assert not slots.try_take()
    assert slots.free == 0
    slots.give()
    assert slots.free == 1


def test_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="size must be at least 1, got 0"):
        Slots(0)


async def test_waiters_are_served_in_arrival_order() -> None:
    slots = Slots(1)
    assert slots.try_take()
    served: list[int] = []

    async def wait(n: int) -> None:
        await slots.take()
        served.append(n)

    tasks = [asyncio.create_task(wait(n)) for n in range(3)]
    await asyncio.sleep(0)
    assert slots.waiting == 3
    for _ in range(3):
        slots.give()
        await asyncio.sleep(0)
    await asyncio.gather(*tasks)
    assert served == [0, 1, 2]
    assert (slots.free, slots.waiting) == (0, 0)


async def test_a_queue_is_not_overtaken_by_a_new_caller() -> None:
    slots = Slots(1)
    assert slots.try_take()
    waiter = asyncio.create_task(slots.take())
    await asyncio.sleep(0)
    slots.give()
    # The slot went to the waiter, even before it has run.
    assert not slots.try_take()
    await waiter
    assert slots.free == 0


async def test_a_timed_out_wait_takes_nothing_and_leaves_the_queue() -> None:
    slots = Slots(1)
    assert slots.try_take()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.01):
            await slots.take()
    assert slots.waiting == 0
    slots.give()
    assert slots.free == 1


async def test_a_slot_handed_to_a_cancelled_waiter_is_passed_on() -> None:
    slots = Slots(1)
    assert slots.try_take()
    first = asyncio.create_task(slots.take())
    second = asyncio.create_task(slots.take())
    await asyncio.sleep(0)
    slots.give()  # handed to `first`, which has not resumed yet
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    await asyncio.wait_for(second, 1)
    assert (slots.free, slots.waiting) == (0, 0)
    slots.give()
    assert slots.free == 1


async def test_a_slot_handed_to_the_last_cancelled_waiter_becomes_free() -> None:
    slots = Slots(1)
    assert slots.try_take()
    only = asyncio.create_task(slots.take())
    await asyncio.sleep(0)
    slots.give()
    only.cancel()
    with pytest.raises(asyncio.CancelledError):
        await only
    assert (slots.free, slots.waiting) == (1, 0)
