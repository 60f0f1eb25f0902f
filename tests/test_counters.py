"""Live counters: the plan on a virtual clock (merging, 3 s per post, 20 edits a minute per chat
shared by its posts, 429s waited out by that chat alone), the counter line in both languages,
and the runner against a stand-in Bot: votes merged into few edits, a refusal reported once,
a restart catching up counters left behind."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import EditMessageReplyMarkup
from aiogram.types import InlineKeyboardMarkup

from bot import render
from bot.callbacks import Rate, Totals
from bot.config import Settings
from bot.counters import CHAT_INTERVAL, WINDOW, CounterPlan, LiveCounters, Post
from storage import chats, deliveries, votes
from storage.db import Database
from storage.deliveries import Delivered
from tests.delivery_kit import draft
from tests.harness import STAFF_ID

CHANNEL = -1001000000001
GROUP = -1001000000002


def simulate(
    plan: CounterPlan,
    marks: Callable[[float], list[Post]],
    *,
    until: float,
    latency: float = 0.1,
    step: float = 0.01,
) -> list[tuple[float, Post]]:
    """Run the plan on a virtual clock: `marks(now)` says which posts got votes in each step;
    every due post is edited (taking `latency`); returns (start, post) of each edit."""
    edits: list[tuple[float, Post]] = []
    on_wire: list[tuple[float, Post]] = []
    now = 0.0
    while now < until:
        for post in marks(now):
            plan.mark(post)
        for done_at, post in [item for item in on_wire if item[0] <= now]:
            on_wire.remove((done_at, post))
            plan.finished(post, now)
        for post in plan.due(now):
            plan.started(post, now)
            edits.append((now, post))
            on_wire.append((now + latency, post))
        now = round(now + step, 6)
    return edits


def most_in_a_minute(times: list[float]) -> int:
    """The most edits in any 60 s window (closed at both ends: the strictest reading)."""
    return max((sum(1 for t in times if start <= t <= start + 60.0) for start in times), default=0)


def test_votes_on_one_post_merge_into_one_edit_every_3_s_at_most() -> None:
    plan = CounterPlan()
    post = (CHANNEL, 10)
    # A vote every 10 ms for 30 s: 3,000 marks.
    edits = simulate(plan, lambda now: [post], until=30.0)
    times = [t for t, _ in edits]
    assert 9 <= len(edits) <= 11
    assert all(b - a >= 3.0 for a, b in itertools.pairwise(times))


def test_a_minute_of_votes_on_three_posts_stays_within_20_edits_in_the_chat() -> None:
    plan = CounterPlan()
    posts = [(CHANNEL, 1), (CHANNEL, 2), (CHANNEL, 3)]
    edits = simulate(plan, lambda now: posts, until=180.0)
    times = [t for t, _ in edits]
    assert most_in_a_minute(times) <= 20
    assert len(edits) >= 55, "the chat's budget is used, not wasted"
    for post in posts:
        own = [t for t, p in edits if p == post]
        assert len(own) >= 15, "posts take turns"
        assert all(b - a >= 3.0 for a, b in itertools.pairwise(own))


def test_chats_have_budgets_of_their_own() -> None:
    plan = CounterPlan()
    edits = simulate(plan, lambda now: [(CHANNEL, 1), (GROUP, 1)], until=60.0)
    per_chat = {chat: sum(1 for _, (c, _m) in edits if c == chat) for chat in (CHANNEL, GROUP)}
    assert per_chat[CHANNEL] >= 19 and per_chat[GROUP] >= 19
    assert most_in_a_minute([t for t, (c, _) in edits if c == CHANNEL]) <= 20


def test_a_burst_of_votes_then_quiet_shows_the_last_state_once() -> None:
    plan = CounterPlan()
    post = (CHANNEL, 5)
    # Votes for 1 s only: one edit at once, one more after 3 s for what came after it.
    edits = simulate(plan, lambda now: [post] if now < 1.0 else [], until=20.0)
    assert [t for t, _ in edits] == [0.0, 3.05]


def test_a_429_holds_that_chat_only() -> None:
    plan = CounterPlan()
    plan.mark((CHANNEL, 1))
    plan.mark((GROUP, 1))
    assert set(plan.due(0.0)) == {(CHANNEL, 1), (GROUP, 1)}
    plan.started((CHANNEL, 1), 0.0)
    plan.started((GROUP, 1), 0.0)
    plan.finished((CHANNEL, 1), 0.2, again=True, wait=30.0)
    plan.finished((GROUP, 1), 0.2)
    plan.mark((GROUP, 1))
    plan.mark((CHANNEL, 2))
    assert plan.due(5.0) == [(GROUP, 1)]
    assert plan.next_at() == pytest.approx(30.2)
    assert plan.due(30.1) == []
    assert plan.due(30.2) == [(CHANNEL, 1)]


def test_the_twenty_first_edit_waits_for_the_window() -> None:
    plan = CounterPlan(chat_interval=0.0, post_interval=0.0)
    for n in range(20):
        plan.mark((CHANNEL, n))
        (post,) = plan.due(float(n))
        plan.started(post, float(n))
        plan.finished(post, float(n))
    plan.mark((CHANNEL, 99))
    assert plan.due(59.0) == []
    assert plan.next_at() == pytest.approx(WINDOW)
    assert plan.due(WINDOW) == [(CHANNEL, 99)]


def test_a_closed_chat_gets_no_edits_until_reopened() -> None:
    plan = CounterPlan()
    plan.mark((CHANNEL, 1))
    plan.close(CHANNEL)
    plan.mark((CHANNEL, 2))
    assert plan.due(100.0) == [] and plan.pending() == 0
    plan.reopen(CHANNEL)
    plan.mark((CHANNEL, 2))
    assert plan.due(100.0) == [(CHANNEL, 2)]


def test_the_spacing_keeps_twenty_edits_inside_any_minute() -> None:
    assert CHAT_INTERVAL * 20 > 60.0


@pytest.mark.parametrize(
    ("count", "total", "lang", "line"),
    [
        (0, 0, "en", "☆ no votes yet"),
        (0, 0, "ru", "☆ голосов пока нет"),
        (1, 5, "en", "★ 5.0 · 1 vote"),
        (1, 5, "ru", "★ 5,0 · 1 голос"),
        (2, 7, "ru", "★ 3,5 · 2 голоса"),
        (5, 20, "ru", "★ 4,0 · 5 голосов"),
        (11, 44, "ru", "★ 4,0 · 11 голосов"),
        (21, 84, "ru", "★ 4,0 · 21 голос"),
        (17, 73, "en", "★ 4.3 · 17 votes"),
        (17, 73, "ru", "★ 4,3 · 17 голосов"),
        (1234, 4936, "en", "★ 4.0 · 1,234 votes"),
        (1234, 4936, "ru", "★ 4,0 · 1\u00a0234 голоса"),
    ],
)
def test_the_counter_line(count: int, total: int, lang: Any, line: str) -> None:
    assert render.counter_line(count, total, lang) == line


def test_the_counter_keyboard_has_five_unmarked_stars_and_the_totals() -> None:
    keyboard = render.counter_keyboard(7, 17, 73, "en")
    stars, (line,) = keyboard.inline_keyboard
    assert [b.text for b in stars] == [f"{n} ★" for n in range(1, 6)]
    assert [Rate.unpack(b.callback_data or "").stars for b in stars] == [1, 2, 3, 4, 5]
    assert line.text == "★ 4.3 · 17 votes"
    assert Totals.unpack(line.callback_data or "") == Totals(release_id=7)
    assert len(Totals(release_id=2**63 - 1).pack().encode()) <= 64


# --- The runner against a stand-in Bot -------------------------------------------------------


@dataclass
class FakeBot:
    """Records counter edits; `refuse` makes the next edits raise."""

    edits: list[tuple[float, int, int, str]] = field(default_factory=list)
    refuse: list[Exception] = field(default_factory=list)
    token: str = "1:x"

    async def edit_message_reply_markup(
        self, *, chat_id: int, message_id: int, reply_markup: InlineKeyboardMarkup
    ) -> bool:
        await asyncio.sleep(0.01)
        if self.refuse:
            raise self.refuse.pop(0)
        line = reply_markup.inline_keyboard[1][0].text
        self.edits.append((time.monotonic(), chat_id, message_id, line))
        return True

    def shown(self, message_id: int) -> str | None:
        lines = [line for _, _, m, line in self.edits if m == message_id]
        return lines[-1] if lines else None


async def channel_copy(db: Database, chat_id: int = CHANNEL, message_id: int = 50) -> int:
    """A published release with a sent copy in a channel showing no votes; its id."""
    await chats.join(
        db, chat_id, kind="channel", title="News", on=True, added_by=1, telegram_language="en"
    )
    release = await draft(db)
    await deliveries.enqueue_release(db, release.id, report_chat_id=None, clock=time.time)
    (job,) = [job for job in await deliveries.claim(db, time.time(), 10) if job.chat_id == chat_id]
    assert job.to_chat
    await deliveries.record(
        db, [Delivered(job.id, message_id, None, 1, time.time(), "0:0")], now=time.time()
    )
    return release.id


def fast_plan() -> CounterPlan:
    return CounterPlan(chat_interval=0.3, post_interval=0.3, window=6.0)


async def wait_until(check: Callable[[], bool]) -> None:
    """Poll `check` for up to 10 s (the stand-in Bot has no event to wait on)."""
    deadline = time.monotonic() + 10.0
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


def runner(bot: FakeBot, db: Database, tmp_path: Path) -> LiveCounters:
    """Counters on a fast plan (0.3 s spacing, 20 edits in 6 s) with the stand-in Bot."""
    settings = Settings(
        _env_file=None,
        bot_token="123456:AAFakeTokenForCountersOnly_0123456789",
        database_path=tmp_path / "unused.sqlite3",
        admin_ids=frozenset({STAFF_ID}),
    )
    return LiveCounters(cast(Bot, bot), db, settings, plan=fast_plan(), collect_interval=0.02)


async def test_a_stream_of_votes_ends_with_the_final_totals_in_few_edits(
    db: Database, tmp_path: Path
) -> None:
    release_id = await channel_copy(db)
    bot = FakeBot()
    counters = runner(bot, db, tmp_path)
    await counters.start()
    try:
        started = time.monotonic()
        for voter in range(1, 61):
            await votes.cast(db, release_id, voter, 4, time.time())
            counters.touch(release_id)
            await asyncio.sleep(0.01)
        # About 1 s on a quiet machine, more under load: the edits it allows follow from it.
        spent = time.monotonic() - started
        await wait_until(lambda: bot.shown(50) == "★ 4.0 · 60 votes" and not counters.pending())
    finally:
        await counters.stop()
    times = [t for t, *_ in bot.edits]
    assert 2 <= len(times) <= min(30, spent / 0.3 + 2), "merged"
    assert all(b - a >= 0.29 for a, b in itertools.pairwise(times))
    (copy,) = await deliveries.chat_copies(db, release_id)
    assert copy.tally == "60:240"


async def test_a_429_is_waited_out_and_the_counter_still_catches_up(
    db: Database, tmp_path: Path
) -> None:
    release_id = await channel_copy(db)
    bot = FakeBot(
        refuse=[
            TelegramRetryAfter(
                method=EditMessageReplyMarkup(chat_id=CHANNEL, message_id=50),
                message="Too Many Requests: retry after 1",
                retry_after=1,
            )
        ]
    )
    counters = runner(bot, db, tmp_path)
    await counters.start()
    started = time.monotonic()
    try:
        await votes.cast(db, release_id, 1, 5, time.time())
        counters.touch(release_id)
        await wait_until(lambda: bot.shown(50) == "★ 5.0 · 1 vote")
    finally:
        await counters.stop()
    assert bot.edits[0][0] - started >= 1.0
    assert counters.flood_waits == 1


async def test_a_counter_refused_for_lack_of_rights_stops_and_is_reported_once(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release_id = await channel_copy(db)
    told: list[tuple[int, str]] = []

    async def lost(bot: Any, db: Database, settings: Any, chat_id: int, problem: Any) -> bool:
        told.append((chat_id, problem))
        return await chats.mark_problem(db, chat_id, problem)

    monkeypatch.setattr("bot.chat_status.lost", lost)
    method = EditMessageReplyMarkup(chat_id=CHANNEL, message_id=50)
    refusal = "Bad Request: not enough rights to edit messages in the chat"
    bot = FakeBot(refuse=[TelegramBadRequest(method=method, message=refusal)])
    counters = runner(bot, db, tmp_path)
    await counters.start()
    try:
        for voter in (1, 2, 3):
            await votes.cast(db, release_id, voter, 3, time.time())
            counters.touch(release_id)
            await asyncio.sleep(0.4)
        await wait_until(lambda: bool(told) and not counters.pending())
    finally:
        await counters.stop()
    assert told == [(CHANNEL, "no_rights")]
    assert bot.edits == []
    destination = await chats.get(db, CHANNEL)
    assert destination is not None and destination.problem == "no_rights"


async def test_after_a_restart_counters_left_behind_catch_up(db: Database, tmp_path: Path) -> None:
    release_id = await channel_copy(db, message_id=50)
    other = await channel_copy(db, chat_id=GROUP, message_id=60)
    await votes.cast(db, release_id, 1, 2, time.time())
    await votes.cast(db, release_id, 2, 4, time.time())
    # The second release's counter is current: nothing to do there.
    assert [c.release_id for c in await deliveries.stale_chat_copies(db)] == [release_id]
    bot = FakeBot()
    counters = runner(bot, db, tmp_path)
    await counters.start()
    try:
        await wait_until(lambda: bot.shown(50) == "★ 3.0 · 2 votes")
    finally:
        await counters.stop()
    assert [m for _, _, m, _ in bot.edits] == [50]
    assert await deliveries.stale_chat_copies(db) == []
    assert other != release_id
