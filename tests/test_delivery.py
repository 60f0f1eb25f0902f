"""The delivery engine against the emulator: exactly once, pacing, faults, blocked readers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.sending import view_calls
from storage import deliveries, subscribers
from storage.db import Database
from tests.delivery_kit import add_readers, copies, draft, running_engine, wait_status
from tests.emulator import Emulator


async def test_every_active_instant_reader_gets_it_exactly_once(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    readers = await add_readers(db, emulator, range(1, 101))
    paused, digest_only, left = 101, 102, 103
    await add_readers(db, emulator, [paused, digest_only, left])
    await subscribers.set_delivery(db, paused, instant=True, digest="off", paused=True)
    await subscribers.set_delivery(db, digest_only, instant=False, digest="daily", paused=False)
    await subscribers.set_status(db, left, "unsubscribed")
    release = await draft(db)
    async with running_engine(emulator, db, tmp_path, settings={"send_rate": 1000}) as engine:
        queued = await engine.publish(release.id, report_chat_id=None)
        assert queued == 100
        await wait_status(db, release.id, "sent")
    assert [copies(emulator, chat) for chat in readers] == [1] * 100
    assert [copies(emulator, chat) for chat in (paused, digest_only, left)] == [0, 0, 0]
    stats = await deliveries.stats(db, release.id)
    assert (stats.sent, stats.total, stats.delivered) == (100, 100, 100)


@pytest.mark.parametrize(
    ("readers", "titles"),
    [
        pytest.param(20, "ABC", id="three releases to twenty readers"),
        pytest.param(40, "A", id="more readers than a second's burst"),
        pytest.param(2, "ABCDE", id="more releases than a chat's burst"),
    ],
)
async def test_paced_sends_stay_within_telegrams_limits(
    emulator: Emulator, db: Database, tmp_path: Path, readers: int, titles: str
) -> None:
    emulator.enable_telegram_limits()
    chats = await add_readers(db, emulator, range(1, readers + 1))
    published = [await draft(db, title=f"Release {n}") for n in titles]
    # Default SEND_RATE (25/s) under Telegram's 30/s. The emulator's token buckets (30 a second,
    # a burst of 3 per chat) answer 429 to an engine that skips either limit; the spacing itself
    # is checked on a virtual clock in test_pacing.py.
    async with running_engine(emulator, db, tmp_path) as engine:
        assert engine.rate == 25
        for release in published:
            await engine.publish(release.id, report_chat_id=None)
        for release in published:
            await wait_status(db, release.id, "sent", timeout=15)
    assert emulator.status_counts[429] == 0
    for chat in chats:
        assert [copies(emulator, chat, f"Release {n}") for n in titles] == [1] * len(titles)


async def test_a_429_storm_pauses_everyone_and_loses_nothing(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    emulator.global_rate = 40
    readers = await add_readers(db, emulator, range(1, 151))
    release = await draft(db)
    async with running_engine(emulator, db, tmp_path, settings={"send_rate": 1000}) as engine:
        await engine.publish(release.id, report_chat_id=None)
        await wait_status(db, release.id, "sent", timeout=20)
        floods = engine.metrics.too_many_requests
    assert emulator.status_counts[429] == floods > 0
    assert [copies(emulator, chat) for chat in readers] == [1] * 150
    assert (await deliveries.stats(db, release.id)).sent == 150


async def test_injected_server_errors_are_retried_until_everyone_has_it_once(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    emulator.fail_rate = 0.05
    readers = await add_readers(db, emulator, range(1, 201))
    release = await draft(db)
    async with running_engine(emulator, db, tmp_path, settings={"send_rate": 1000}) as engine:
        await engine.publish(release.id, report_chat_id=None)
        await wait_status(db, release.id, "sent")
        assert engine.metrics.retries > 0
    assert emulator.status_counts[500] + emulator.status_counts[502] > 0
    assert [copies(emulator, chat) for chat in readers] == [1] * 200
    assert (await deliveries.stats(db, release.id)).sent == 200


async def test_hung_requests_time_out_and_are_sent_again(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    emulator.hang_rate = 0.05
    readers = await add_readers(db, emulator, range(1, 101))
    release = await draft(db)
    fast = {"send_rate": 1000}
    # Long enough that a busy machine never times out an answered request (which would be
    # sent again, as it should), short enough that the hung ones come back quickly.
    async with running_engine(
        emulator, db, tmp_path, settings=fast, request_timeout=1.0
    ) as engine:
        await engine.publish(release.id, report_chat_id=None)
        await wait_status(db, release.id, "sent")
    assert sum(1 for r in emulator.requests if r.description == "hung") > 0
    assert [copies(emulator, chat) for chat in readers] == [1] * 100


async def test_blocked_and_vanished_readers_are_marked_and_skipped_next_time(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    readers = await add_readers(db, emulator, range(1, 101))
    blocked, deactivated = set(range(1, 101, 10)), {5}
    emulator.blocked |= blocked
    emulator.deactivated |= deactivated
    # Subscribed once, but Telegram no longer knows the chat.
    await subscribers.subscribe(db, 500, first_name="Gone", username=None, telegram_language="en")
    release, again = await draft(db), await draft(db, title="Second release")
    async with running_engine(emulator, db, tmp_path, settings={"send_rate": 1000}) as engine:
        await engine.publish(release.id, report_chat_id=None)
        await wait_status(db, release.id, "sent")
        stats = await deliveries.stats(db, release.id)
        assert (stats.sent, stats.blocked, stats.gone, stats.delivered) == (89, 11, 1, 89)
        for chat in blocked | deactivated:
            reader = await subscribers.get(db, chat)
            assert reader is not None and reader.status == "blocked"
        gone = await subscribers.get(db, 500)
        assert gone is not None and gone.status == "gone"
        sends_before = emulator.sent_count() + emulator.status_counts[403]
        assert await engine.publish(again.id, report_chat_id=None) == 89
        await wait_status(db, again.id, "sent")
    reachable = [chat for chat in readers if chat not in blocked | deactivated]
    assert [copies(emulator, chat) for chat in reachable] == [1] * 89
    assert emulator.sent_count() + emulator.status_counts[403] == sends_before + 89


async def test_a_reader_who_blocked_the_bot_gets_releases_again_after_start(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    (reader,) = await add_readers(db, emulator, [7])
    emulator.blocked.add(reader)
    first, second = await draft(db), await draft(db, title="After the comeback")
    async with running_engine(emulator, db, tmp_path) as engine:
        await engine.publish(first.id, report_chat_id=None)
        await wait_status(db, first.id, "sent")
        emulator.blocked.discard(reader)
        _, previous = await subscribers.subscribe(
            db, reader, first_name="Back", username=None, telegram_language="en"
        )
        assert previous == "blocked"
        await engine.publish(second.id, report_chat_id=None)
        await wait_status(db, second.id, "sent")
    assert (copies(emulator, reader), copies(emulator, reader, "After the comeback")) == (0, 1)


async def test_failures_after_the_last_retry_are_kept_with_the_error(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    await add_readers(db, emulator, [1, 2, 3])
    emulator.fail_rate = 1.0
    emulator.fault_methods = {"sendMessage"}
    release = await draft(db)
    async with running_engine(emulator, db, tmp_path, max_attempts=3) as engine:
        await engine.publish(release.id, report_chat_id=None)
        await wait_status(db, release.id, "sent")
    stats = await deliveries.stats(db, release.id)
    assert (stats.failed, stats.delivered) == (3, 0)
    failures = await deliveries.failures(db, release.id)
    assert [failure.chat_id for failure in failures] == [1, 2, 3]
    assert {failure.error for failure in failures} <= {
        "Internal Server Error",
        "Bad Gateway",
    }
    assert emulator.status_counts[500] + emulator.status_counts[502] == 9


STARS = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="1", callback_data="r")]])


@pytest.mark.parametrize(
    ("photo", "short_caption", "methods", "as_caption"),
    [
        (None, None, ["sendMessage"], False),
        ("PHOTO", None, ["sendPhoto"], True),
        ("PHOTO", "Title", ["sendPhoto", "sendMessage"], False),
    ],
)
def test_one_rule_decides_a_views_calls(
    photo: str | None, short_caption: str | None, methods: list[str], *, as_caption: bool
) -> None:
    plan = view_calls("<b>Title</b>", STARS, photo=photo, short_caption=short_caption, paid=True)
    assert [method for method, _ in plan.calls] == methods
    assert plan.as_caption is as_caption
    fields: list[dict[str, Any]] = [fields for _, fields in plan.calls]
    # The stars ride on the last message only; every call is paid and in HTML.
    assert ["reply_markup" in f for f in fields] == [False] * (len(fields) - 1) + [True]
    assert all(f["allow_paid_broadcast"] and f["parse_mode"] == "HTML" for f in fields)
    if photo is not None:
        assert fields[0]["photo"] == photo
        assert fields[0]["caption"] == (short_caption or "<b>Title</b>")


def test_digests_go_without_a_link_preview_and_unpaid_calls_say_nothing() -> None:
    (call,) = view_calls("Digest", None, preview=False).calls
    assert call == (
        "sendMessage",
        {"text": "Digest", "parse_mode": "HTML", "link_preview_options": {"is_disabled": True}},
    )
