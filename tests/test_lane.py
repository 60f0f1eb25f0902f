"""The people lane on a virtual clock: replies before redraws, the free budget shared with a
non-paid broadcast, a chat's burst then one a second, and 429s waited out rather than raised.
No test here waits for real time, so a busy machine cannot fail them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, SendMessage
from aiogram.methods.base import TelegramMethod

from bot.lane import MAX_FLOOD_WAITS, PeopleLane, Priority, lane_priority
from storage.db import Database
from tests.delivery_kit import add_readers, draft, running_engine, wait_status
from tests.emulator import Emulator
from tests.test_pacing import VirtualTime


def lane_on(virtual: VirtualTime, **options: Any) -> PeopleLane:
    """A lane on the virtual clock."""
    return PeopleLane(clock=virtual.clock, sleep=virtual.sleep, **options)


async def taken(
    virtual: VirtualTime,
    lane: PeopleLane,
    log: list[tuple[float, str]],
    name: str,
    chat_id: int | None = None,
    priority: Priority = "reply",
) -> None:
    """Take a slot and note when."""
    await lane.take(chat_id, priority=priority)
    log.append((virtual.now, name))


async def test_replies_go_before_redraws_waiting_longer() -> None:
    virtual = VirtualTime()
    lane = lane_on(virtual, budget=10.0)
    log: list[tuple[float, str]] = []
    await virtual.run(
        *(taken(virtual, lane, log, f"redraw {n}", priority="redraw") for n in range(3)),
        *(taken(virtual, lane, log, f"reply {n}") for n in range(3)),
    )
    # The first redraw found the lane idle; the other two gave way to replies that came later.
    assert [name for _, name in log] == [
        "redraw 0",
        "reply 0",
        "reply 1",
        "reply 2",
        "redraw 1",
        "redraw 2",
    ]
    # One slot each at 10 a second (the first two within the lane's burst).
    assert log[-1][0] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("engine_uses", "rate"),
    [(0.0, 28.0), (25.0, 3.0), (1000.0, 1.0)],
)
def test_the_lane_takes_what_a_non_paid_broadcast_leaves(engine_uses: float, rate: float) -> None:
    lane = PeopleLane(in_use=lambda: engine_uses)
    assert lane.rate() == rate


async def test_a_chat_gets_a_burst_of_three_then_one_a_second() -> None:
    virtual = VirtualTime()
    lane = lane_on(virtual, budget=1000.0)
    log: list[tuple[float, str]] = []
    await virtual.run(*(taken(virtual, lane, log, f"send {n}", chat_id=7) for n in range(5)))
    times = [when for when, _ in log]
    assert times[2] < 0.01
    assert times[3] == pytest.approx(1.0, abs=0.01)
    assert times[4] == pytest.approx(2.0, abs=0.01)


class FakeTelegram:
    """`make_request` for the middleware: answers 429 `floods` times, then succeeds."""

    def __init__(self, floods: int) -> None:
        self.floods = floods
        self.calls: list[str] = []

    async def __call__(self, bot: Any, method: TelegramMethod[Any]) -> Any:
        self.calls.append(method.__api_method__)
        if self.floods:
            self.floods -= 1
            raise TelegramRetryAfter(method, "Too Many Requests: retry after 3", 3)
        return True


async def through(
    lane: PeopleLane, telegram: FakeTelegram, method: TelegramMethod[Any], priority: Priority
) -> None:
    """One request through the lane as `priority`."""
    with lane_priority(priority):
        await lane(telegram, None, method)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("method", "priority"),
    [
        (SendMessage(chat_id=5, text="/help"), "reply"),
        (EditMessageReplyMarkup(chat_id=5, message_id=3), "redraw"),
        (AnswerCallbackQuery(callback_query_id="17", text="Total: 1"), "reply"),
    ],
    ids=["reply", "redraw", "answer"],
)
async def test_a_429_is_waited_out_and_the_request_goes_again(
    method: TelegramMethod[Any], priority: Priority
) -> None:
    virtual = VirtualTime()
    lane = lane_on(virtual)
    telegram = FakeTelegram(floods=2)
    await virtual.run(through(lane, telegram, method, priority))
    assert telegram.calls == [method.__api_method__] * 3
    assert virtual.now >= 6.0  # retry_after of 3 s, twice
    assert lane.flood_waits == 2


async def test_a_429_that_never_ends_reaches_the_caller_at_last() -> None:
    virtual = VirtualTime()
    lane = lane_on(virtual)
    telegram = FakeTelegram(floods=MAX_FLOOD_WAITS + 5)
    with pytest.raises(TelegramRetryAfter):
        await virtual.run(through(lane, telegram, SendMessage(chat_id=5, text="hi"), "reply"))
    assert len(telegram.calls) == MAX_FLOOD_WAITS + 1


async def test_the_engines_own_calls_pass_untouched() -> None:
    virtual = VirtualTime()
    lane = lane_on(virtual, budget=1.0)
    telegram = FakeTelegram(floods=1)
    edit = SendMessage(chat_id=5, text="progress")
    with pytest.raises(TelegramRetryAfter):
        await virtual.run(through(lane, telegram, edit, "engine"))
    # Not paced either: a hundred go out at once, where the lane would space them a second.
    telegram = FakeTelegram(floods=0)
    await virtual.run(*(through(lane, telegram, edit, "engine") for _ in range(100)))
    assert virtual.now == 0.0


async def test_paid_broadcast_sends_are_not_paced_by_the_free_budget() -> None:
    virtual = VirtualTime()
    lane = lane_on(virtual, budget=1.0)
    telegram = FakeTelegram(floods=0)
    paid = SendMessage(chat_id=5, text="news", allow_paid_broadcast=True)
    await virtual.run(*(through(lane, telegram, paid, "reply") for _ in range(50)))
    assert virtual.now == 0.0 and len(telegram.calls) == 50


async def test_the_engine_reports_its_share_of_the_free_budget_only_while_sending(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    await add_readers(db, emulator, range(1, 31))
    release = await draft(db)
    async with running_engine(emulator, db, tmp_path, settings={"send_rate": 20}) as engine:
        assert engine.free_rate_in_use() == 0.0
        await engine.publish(release.id, report_chat_id=None)
        # 30 readers at 20 a second: sending for more than a second.
        await emulator.wait_for(lambda: engine.free_rate_in_use() > 0)
        assert engine.free_rate_in_use() == 20.0
        lane = PeopleLane(in_use=engine.free_rate_in_use)
        assert lane.rate() == 8.0
        await wait_status(db, release.id, "sent")
        await emulator.wait_for(lambda: engine.free_rate_in_use() == 0.0)
    paid = await draft(db, title="Paid")
    settings = {"paid_broadcast": True}
    async with running_engine(emulator, db, tmp_path, settings=settings) as engine:
        await engine.publish(paid.id, report_chat_id=None)
        assert engine.free_rate_in_use() == 0.0
        await wait_status(db, paid.id, "sent")
