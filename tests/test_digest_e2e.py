"""Digests end to end through the emulator, with time injected into the digest job: three
readers over a simulated week with a restart and a missed slot; /digest, its pages and its
buttons; the staff preview and send."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from bot import digests as digest_job
from bot.delivery import DeliveryEngine
from storage import digests, releases, subscribers, votes
from storage.deliveries import enqueue_release
from tests.emulator.state import StoredMessage
from tests.harness import STAFF_ID, Pressroom

MOSCOW = ZoneInfo("Europe/Moscow")
HEADINGS = ("Your daily digest", "Your weekly digest", "Ваш дайджест за неделю")
ENTRY = re.compile(r"^\d+\. (.+)$", re.MULTILINE)


def week_start() -> datetime:
    """A Monday 00:00 in Moscow more than a week from now: later than every subscription."""
    day = datetime.now(MOSCOW).date() + timedelta(days=8)
    day += timedelta(days=-day.weekday() % 7)
    return datetime.combine(day, clock_time(0), tzinfo=MOSCOW)


def digests_in(pressroom: Pressroom, chat_id: int) -> list[list[str]]:
    """The titles of each digest a reader got, in the order they are listed."""
    return [
        ENTRY.findall(message.content)
        for message in pressroom.emulator.messages(chat_id)
        if message.content.startswith(HEADINGS)
    ]


async def publish(pressroom: Pressroom, title: str, at: datetime) -> int:
    """A release published at `at` (as the engine publishes: one transaction), engine woken."""
    draft = await releases.create_draft(
        pressroom.db,
        title=title,
        body="",
        summary=f"{title}: the details. A second sentence the digest leaves out.",
        link=None,
        photo_file_id=None,
        language="en",
        author_id=STAFF_ID,
        now=at.timestamp(),
    )
    await enqueue_release(pressroom.db, draft.id, report_chat_id=None, clock=at.timestamp)
    engine: DeliveryEngine = pressroom.dispatcher["delivery"]
    engine.wake()
    return draft.id


async def run_job(pressroom: Pressroom, now: datetime) -> int:
    """The hourly digest job, as the scheduler runs it, at `now`."""
    job: digest_job.DigestJob = pressroom.dispatcher["digest_job"]
    return (await job.run(now)).queued


async def settled(pressroom: Pressroom) -> None:
    """Wait until every queued delivery has been sent."""
    deadline = time.monotonic() + 20
    while True:
        row = await pressroom.db.fetchone("SELECT COUNT(*) FROM deliveries WHERE status != 'sent'")
        assert row is not None
        if row[0] == 0:
            return
        assert time.monotonic() < deadline, "deliveries were not all sent"
        await asyncio.sleep(0.05)


async def set_up_readers(pressroom: Pressroom) -> tuple[int, int, int]:
    """A daily reader, a weekly one (Wednesdays), and one taking releases as they come plus a
    weekly digest on Sundays at 18:00 in Berlin, each set up through /settings."""
    daily, weekly, instant = (
        pressroom.user(41),
        pressroom.user(42),
        pressroom.user(43, language="ru"),
    )
    for reader in (daily, weekly, instant):
        await pressroom.say(reader, "/start")
    view = await pressroom.say(daily, "/settings")
    await pressroom.press(daily, view, "Daily digest")

    view = await pressroom.say(weekly, "/settings")
    await pressroom.press(weekly, view, "Weekly digest")
    await pressroom.press(weekly, pressroom.current(view), "Day: Monday")
    await pressroom.press(weekly, pressroom.current(view), "Wednesday")

    view = await pressroom.say(instant, "/settings")
    for label in ("+ дайджест за неделю", "День: Понедельник", "Воскресенье"):
        await pressroom.press(instant, pressroom.current(view), label)
    for label in ("Час дайджеста: 09:00", "18", "Часовой пояс: Europe/Moscow", "Берлин"):
        await pressroom.press(instant, pressroom.current(view), label)
    assert "сразу + еженедельный дайджест" in pressroom.current(view).content
    assert "18:00 (Europe/Berlin)" in pressroom.current(view).content
    return daily, weekly, instant


async def test_a_simulated_week_with_a_restart_and_a_missed_slot(pressroom: Pressroom) -> None:
    daily, weekly, instant = await set_up_readers(pressroom)
    monday = week_start()
    schedule = {
        monday + timedelta(hours=8): "Port reopens",
        monday + timedelta(hours=8, minutes=30): "Budget passed",
        monday + timedelta(days=1, hours=12): "Bridge opens",
        monday + timedelta(days=3, hours=12): "School year starts",
        monday + timedelta(days=5, hours=14): "Harvest festival",
    }
    restart_at = monday + timedelta(days=2, hours=10)
    down_from = monday + timedelta(days=3, hours=23)
    up_at = monday + timedelta(days=5, hours=12)

    for hour in range(7 * 24):
        now = monday + timedelta(hours=hour)
        if down_from <= now < up_at:
            if now == down_from:
                await pressroom.stop()
            continue
        if now == up_at:
            await pressroom.start()
        elif now == restart_at:
            await pressroom.restart()
        for at, title in schedule.items():
            if now - timedelta(hours=1) < at <= now:
                release = await publish(pressroom, title, at)
                if title == "Port reopens":
                    # Two other readers liked it: it ranks first though it is older.
                    for voter in (900, 901):
                        await votes.cast(pressroom.db, release, voter, 5, at.timestamp())
        await run_job(pressroom, now)
    await settled(pressroom)

    assert digests_in(pressroom, daily) == [
        ["Port reopens", "Budget passed"],  # Monday 09:00
        ["Bridge opens"],  # Wednesday (Tuesday had nothing new: no message)
        ["School year starts"],  # Saturday at start-up: Friday's and Saturday's slots in one
        ["Harvest festival"],  # Sunday
    ]
    assert digests_in(pressroom, weekly) == [["Port reopens", "Bridge opens", "Budget passed"]]
    assert digests_in(pressroom, instant) == [
        [
            "Port reopens",
            "Harvest festival",
            "School year starts",
            "Bridge opens",
            "Budget passed",
        ]
    ]
    # The reader taking releases as they come got each one too, once.
    got = [m.content.split("\n")[0] for m in pressroom.emulator.messages(instant)]
    assert [line for line in got if line in schedule.values()] == list(schedule.values())
    weekly_digest = [m for m in pressroom.emulator.messages(instant) if "дайджест" in m.content]
    assert "Ваш дайджест за неделю · 5 новых релизов" in weekly_digest[-1].content
    assert "★ 5,0 · 2 оценки" in weekly_digest[-1].content
    # Many links in one message: no preview of the first one.
    assert weekly_digest[-1].link_preview_options == {"is_disabled": True}

    windows = [d.window_end for d in await digests.of_reader(pressroom.db, daily)]
    assert windows == sorted(set(windows)) and len(windows) == 4
    berlin_sunday = datetime.combine(
        (monday + timedelta(days=6)).date(), clock_time(18), tzinfo=ZoneInfo("Europe/Berlin")
    )
    [sunday] = await digests.of_reader(pressroom.db, instant)
    assert sunday.window_end == berlin_sunday.timestamp()


async def test_digest_now_pages_buttons_and_staff_commands(pressroom: Pressroom) -> None:
    reader = pressroom.user(51)
    await pressroom.say(reader, "/start")
    view = await pressroom.say(reader, "/settings")
    await pressroom.press(reader, view, "Daily digest")
    now = time.time()
    # Subscribed two days ago, with the digest hour just past: a digest is due now.
    await subscribers.set_digest_time(pressroom.db, reader, hour=datetime.now(MOSCOW).hour)
    await pressroom.db.write(
        "UPDATE subscribers SET digest_since = ? WHERE chat_id = ?", (now - 2 * 86400, reader)
    )
    before = await subscribers.get(pressroom.db, reader)
    assert before is not None
    ids = [
        await publish(
            pressroom, f"Release {n:02d}", datetime.fromtimestamp(now - 7200 + n, MOSCOW)
        )
        for n in range(1, 13)
    ]
    for voter in (900, 901, 902):
        await votes.cast(pressroom.db, ids[2], voter, 5, now)

    digest = await pressroom.say(reader, "/digest")
    assert digest.content.startswith("Your digest so far · 12 new releases since your last digest")
    assert "Releases 1–10 of 12" in digest.content and "…and 2 more" in digest.content
    assert ENTRY.findall(digest.content)[:2] == ["Release 03", "Release 12"]
    assert "★ 5.0 · 3 votes" in digest.content and "☆ no ratings yet" in digest.content
    assert "Release 03: the details." in digest.content
    assert "second sentence" not in digest.content

    await pressroom.press(reader, digest, "2 more ›")
    page = pressroom.current(digest)
    assert "Releases 11–12 of 12" in page.content
    assert [b["text"] for b in page.buttons] == ["11", "12", "« Back"]
    await pressroom.press(reader, page, "« Back")
    assert "Releases 1–10 of 12" in pressroom.current(digest).content

    before_open = len(pressroom.emulator.messages(reader))
    answer = await pressroom.press(reader, pressroom.current(digest), "1")
    assert answer.text is None
    opened = (await pressroom.emulator.wait_for_messages(reader, before_open + 1))[-1]
    assert opened.content.startswith("Release 03") and opened.button("5 ★")
    await pressroom.press(reader, opened, "4 ★")
    assert await votes.of(pressroom.db, ids[2], reader) == 4

    after = await subscribers.get(pressroom.db, reader)
    assert after is not None and after.digest_since == before.digest_since  # schedule kept

    assert (await pressroom.say(reader, "/digest_preview")).content.startswith("There is no")
    preview = await pressroom.say(STAFF_ID, "/digest_preview")
    assert preview.content.startswith("Preview: what a daily digest reader would get now")
    sent = await pressroom.say(STAFF_ID, "/digest_send")
    assert sent.content == "Digests queued: 1. Readers with nothing new: 0."
    again = await pressroom.say(STAFF_ID, "/digest_send")
    assert again.content == "Digests queued: 0. Readers with nothing new: 0."
    await settled(pressroom)
    [delivered] = digests_in(pressroom, reader)
    assert delivered[0] == "Release 03" and len(delivered) == 10

    newcomer = pressroom.user(52)
    await pressroom.say(newcomer, "/start")
    assert (await pressroom.say(newcomer, "/digest")).content.startswith(
        "The last 24 hours · 12 new releases"
    )
    await pressroom.press(newcomer, await pressroom.say(newcomer, "/settings"), "Daily digest")
    nothing = await pressroom.say(newcomer, "/digest")
    assert nothing.content == "Nothing new since your last digest."


async def test_a_retracted_release_cannot_be_opened_from_a_digest(pressroom: Pressroom) -> None:
    reader = pressroom.user(61)
    await pressroom.say(reader, "/start")
    now = time.time()
    release = await publish(pressroom, "Soon retracted", datetime.fromtimestamp(now - 60, MOSCOW))
    await pressroom.emulator.wait_for_messages(reader, 2)
    digest: StoredMessage = await pressroom.say(reader, "/digest")
    await pressroom.db.write("UPDATE releases SET status = 'retracted' WHERE id = ?", (release,))
    answer = await pressroom.press(reader, digest, "1")
    assert answer.text == "This release has been retracted or removed."
