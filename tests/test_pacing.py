"""The send budget's decisions on a virtual clock: the global rate and its burst, one message a
second per chat, a shared pause after a 429, and chats forgotten once their spacing runs out.
No test here waits for real time, so a busy machine cannot fail them."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Coroutine
from typing import Any

import pytest

from bot.pacing import Pacer


class VirtualTime:
    """A clock that jumps to the next wake-up once every task waits on its `sleep`."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        """The virtual now."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Wait until the virtual clock reaches now + `seconds`."""
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), future))
        await future

    def pacer(self, rate: float) -> Pacer:
        """A pacer on this clock."""
        return Pacer(rate, clock=self.clock, sleep=self.sleep)

    async def run(self, *work: Coroutine[Any, Any, None]) -> None:
        """Run `work` concurrently to the end, moving the clock only when all of it waits."""
        tasks = [asyncio.create_task(item) for item in work]
        while not all(task.done() for task in tasks):
            await asyncio.sleep(0)
            waiting = sum(1 for task in tasks if not task.done())
            if waiting and len(self._sleepers) == waiting:
                when, _, future = heapq.heappop(self._sleepers)
                self.now = max(self.now, when)
                future.set_result(None)
        for task in tasks:
            task.result()


async def send(
    virtual: VirtualTime, pacer: Pacer, chat_id: int, log: list[tuple[float, int]], count: int = 1
) -> None:
    """What the outbox does before each send: a global slot first, then the chat's turn."""
    await pacer.take()
    await pacer.chat(chat_id, count)
    log.append((virtual.now, chat_id))


async def test_the_global_rate_spaces_sends_evenly() -> None:
    virtual = VirtualTime()
    pacer = virtual.pacer(25)
    log: list[tuple[float, int]] = []
    await virtual.run(*(send(virtual, pacer, chat, log) for chat in range(60)))
    assert [at for at, _ in log] == pytest.approx([n / 25 for n in range(60)])


async def test_after_an_idle_spell_a_short_burst_catches_up_and_no_more() -> None:
    virtual = VirtualTime(start=10.0)
    pacer = virtual.pacer(25)
    log: list[tuple[float, int]] = []
    await virtual.run(*(send(virtual, pacer, chat, log) for chat in range(6)))
    # A tenth of a second's worth (2.5 sends) goes at once, then one every 40 ms again.
    assert [at for at, _ in log] == pytest.approx([10.0, 10.0, 10.0, 10.02, 10.06, 10.1])


async def test_three_releases_to_twenty_readers_keep_both_limits() -> None:
    virtual = VirtualTime()
    pacer = virtual.pacer(25)
    log: list[tuple[float, int]] = []
    await virtual.run(*(send(virtual, pacer, chat, log) for _ in range(3) for chat in range(20)))
    times = sorted(at for at, _ in log)
    assert len(times) == 60
    for chat in range(20):
        mine = [at for at, to in log if to == chat]
        assert len(mine) == 3
        assert all(b - a >= 1.0 - 1e-9 for a, b in itertools.pairwise(mine)), mine
    # Never more than the rate in any second, and on average not faster than it.
    assert max(sum(1 for t in times if start <= t < start + 1) for start in times) <= 25
    assert (len(times) - 1) / (times[-1] - times[0]) <= 25


async def test_a_photo_and_its_text_take_two_of_the_chats_seconds() -> None:
    virtual = VirtualTime()
    pacer = virtual.pacer(1000)
    log: list[tuple[float, int]] = []
    await virtual.run(send(virtual, pacer, 7, log, count=2))
    await virtual.run(send(virtual, pacer, 7, log))
    assert [at for at, _ in log] == pytest.approx([0.0, 2.0])


async def test_a_429_pauses_every_sender_even_one_already_waiting() -> None:
    virtual = VirtualTime()
    pacer = virtual.pacer(25)
    log: list[tuple[float, int]] = []

    async def flood() -> None:
        await virtual.sleep(0.02)
        pacer.pause(2.0)

    await virtual.run(*(send(virtual, pacer, chat, log) for chat in range(3)), flood())
    # The first went before the 429; the two waiting for their slot wait out the pause.
    assert [at for at, _ in log] == pytest.approx([0.0, 2.02, 2.06])


async def test_chats_whose_spacing_ran_out_are_forgotten() -> None:
    virtual = VirtualTime()
    pacer = virtual.pacer(1000)
    log: list[tuple[float, int]] = []
    await virtual.run(*(send(virtual, pacer, chat, log) for chat in range(1000)))
    assert pacer.tracked_chats() == 1000
    virtual.now += 2.0
    await virtual.run(send(virtual, pacer, 5000, log))
    assert pacer.tracked_chats() == 1
