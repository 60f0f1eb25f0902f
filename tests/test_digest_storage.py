"""Digests in storage: each window queued exactly once, what a window holds, how it ranks."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.digests import bayesian, due, ranked, render_digest, send_due
from storage import digests, releases, subscribers, votes
from storage.db import Database
from storage.deliveries import enqueue_release
from storage.digests import Entry

MOSCOW = ZoneInfo("Europe/Moscow")
# A Monday, 09:00 in Moscow: the default digest hour.
MONDAY_9 = datetime(2024, 6, 3, 9, tzinfo=MOSCOW)
HOUR = 3600.0


async def reader(
    db: Database,
    chat_id: int,
    *,
    instant: bool = False,
    digest: subscribers.DigestChoice = "daily",
    weekday: int = 0,
    since: datetime = MONDAY_9 - timedelta(days=1),
) -> None:
    """A subscriber taking `digest`, whose last window ended at `since`."""
    await subscribers.subscribe(
        db, chat_id, first_name="R", username=None, telegram_language="en", now=0.0
    )
    await subscribers.set_delivery(db, chat_id, instant=instant, digest=digest, paused=False)
    await subscribers.set_digest_time(db, chat_id, weekday=weekday)
    await db.write(
        "UPDATE subscribers SET digest_since = ? WHERE chat_id = ?", (since.timestamp(), chat_id)
    )


async def publish(db: Database, title: str, at: datetime, *, summary: str = "") -> int:
    """A release published at `at`."""
    draft = await releases.create_draft(
        db,
        title=title,
        body="",
        summary=summary or f"{title} happened. More follows.",
        link=f"https://example.org/{title.replace(' ', '-')}",
        photo_file_id=None,
        language="en",
        author_id=1000,
        now=at.timestamp(),
    )
    await enqueue_release(db, draft.id, report_chat_id=None, clock=at.timestamp)
    return draft.id


async def since_of(db: Database, chat_id: int) -> float | None:
    subscriber = await subscribers.get(db, chat_id)
    assert subscriber is not None
    return subscriber.digest_since


def no_wake() -> None:
    """The delivery engine is not running in these tests."""


async def test_each_window_is_queued_exactly_once(db: Database) -> None:
    await reader(db, 1)
    await reader(db, 2, digest="weekly", weekday=0)
    await reader(db, 3, instant=True, digest="daily")
    await reader(db, 4, instant=True, digest="off")
    first = await publish(db, "Budget passed", MONDAY_9 - timedelta(hours=5))
    woken: list[str] = []

    queued = await send_due(
        db, default_zone="Europe/Moscow", wake=lambda: woken.append("x"), now=MONDAY_9
    )
    again = await send_due(
        db, default_zone="Europe/Moscow", wake=lambda: woken.append("x"), now=MONDAY_9
    )

    assert (queued.queued, queued.empty) == (3, 0)
    assert (again.queued, again.empty) == (0, 0)
    assert woken == ["x"]
    for chat_id in (1, 2, 3):
        [digest] = await digests.of_reader(db, chat_id)
        assert digest.release_ids == (first,)
        assert digest.window_end == MONDAY_9.timestamp()
        assert await since_of(db, chat_id) == MONDAY_9.timestamp()
    assert await digests.of_reader(db, 4) == []
    rows = await db.fetchall(
        "SELECT chat_id, digest_id, status FROM deliveries WHERE digest_id IS NOT NULL "
        "ORDER BY chat_id"
    )
    assert [(row["chat_id"], row["status"]) for row in rows] == [
        (1, "pending"),
        (2, "pending"),
        (3, "pending"),
    ]


async def test_two_runs_deciding_from_the_same_state_queue_once(db: Database) -> None:
    await reader(db, 1)
    await publish(db, "Port reopens", MONDAY_9 - timedelta(hours=1))
    state = await digests.schedules(db, default_zone="Europe/Moscow")
    windows = due(state, MONDAY_9)

    first = await digests.queue(db, windows, now=MONDAY_9.timestamp())
    second = await digests.queue(db, windows, now=MONDAY_9.timestamp() + 1)

    assert (first.queued, second.queued, second.empty) == (1, 0, 0)
    count = await db.fetchone("SELECT COUNT(*) FROM deliveries WHERE digest_id IS NOT NULL")
    assert count is not None and count[0] == 1


async def test_a_window_with_nothing_new_moves_on_without_a_message(db: Database) -> None:
    await reader(db, 1)
    queued = await send_due(db, default_zone="Europe/Moscow", wake=no_wake, now=MONDAY_9)
    assert (queued.queued, queued.empty) == (0, 1)
    assert await digests.of_reader(db, 1) == []
    assert await since_of(db, 1) == MONDAY_9.timestamp()
    later = await send_due(
        db, default_zone="Europe/Moscow", wake=no_wake, now=MONDAY_9 + timedelta(hours=1)
    )
    assert (later.queued, later.empty) == (0, 0)


async def test_window_bounds_and_what_counts_as_published(db: Database) -> None:
    start = MONDAY_9 - timedelta(days=1)
    await reader(db, 1, since=start)
    at_start = await publish(db, "At the start", start)
    at_end = await publish(db, "At the end", MONDAY_9)
    after = await publish(db, "After", MONDAY_9 + timedelta(seconds=1))
    retracted = await publish(db, "Retracted", MONDAY_9 - timedelta(hours=2))
    await db.write("UPDATE releases SET status = 'retracted' WHERE id = ?", (retracted,))
    await releases.create_draft(
        db,
        title="Still a draft",
        body="",
        summary="",
        link=None,
        photo_file_id=None,
        language="en",
        author_id=1000,
        now=MONDAY_9.timestamp() - HOUR,
    )

    await send_due(db, default_zone="Europe/Moscow", wake=no_wake, now=MONDAY_9)

    [digest] = await digests.of_reader(db, 1)
    assert digest.release_ids == (at_end,)
    assert at_start not in digest.release_ids and after not in digest.release_ids


async def test_paused_unsubscribed_and_as_they_come_readers_get_no_digest(db: Database) -> None:
    await reader(db, 1)
    await reader(db, 2)
    await reader(db, 3)
    await subscribers.set_delivery(db, 2, instant=False, digest="daily", paused=True)
    await subscribers.set_status(db, 3, "unsubscribed")
    await reader(db, 4, instant=True, digest="off")
    state = await digests.schedules(db, default_zone="Europe/Moscow")
    assert [schedule.chat_id for schedule in state] == [1]


async def test_an_unknown_stored_zone_falls_back_to_the_press_centre(db: Database) -> None:
    await reader(db, 1)
    await reader(db, 2)
    await subscribers.set_timezone(db, 1, "Mars/Olympus_Mons")
    await subscribers.set_timezone(db, 2, "Asia/Vladivostok")
    state = await digests.schedules(db, default_zone="Europe/Moscow")
    assert {schedule.chat_id: schedule.zone for schedule in state} == {
        1: "Europe/Moscow",
        2: "Asia/Vladivostok",
    }


async def test_a_missed_week_comes_as_one_digest(db: Database) -> None:
    await reader(db, 1, since=MONDAY_9 - timedelta(days=7))
    published = [
        await publish(db, f"Day {day}", MONDAY_9 - timedelta(days=day, hours=3))
        for day in range(6, -1, -1)
    ]
    queued = await send_due(
        db, default_zone="Europe/Moscow", wake=no_wake, now=MONDAY_9 + timedelta(hours=6)
    )
    assert queued.queued == 1
    [digest] = await digests.of_reader(db, 1)
    assert digest.window_start == (MONDAY_9 - timedelta(days=7)).timestamp()
    assert digest.window_end == MONDAY_9.timestamp()
    assert digest.release_ids == tuple(published)


async def test_reader_who_changes_the_hour_gets_no_second_digest_that_day(db: Database) -> None:
    await reader(db, 1)
    await publish(db, "Morning news", MONDAY_9 - timedelta(hours=2))
    assert (await send_due(db, default_zone="Europe/Moscow", wake=no_wake, now=MONDAY_9)).queued
    await subscribers.set_digest_time(db, 1, hour=7)
    await publish(db, "Noon news", MONDAY_9 + timedelta(hours=3))
    for hours in range(1, 22):
        run = await send_due(
            db, default_zone="Europe/Moscow", wake=no_wake, now=MONDAY_9 + timedelta(hours=hours)
        )
        assert run.queued == 0, hours
    tuesday_7 = MONDAY_9 + timedelta(hours=22)
    assert (await send_due(db, default_zone="Europe/Moscow", wake=no_wake, now=tuesday_7)).queued
    windows = await digests.of_reader(db, 1)
    assert [d.window_end for d in windows] == [MONDAY_9.timestamp(), tuesday_7.timestamp()]


def entry(release_id: int, count: int, total: int, published_at: float = 0.0) -> Entry:
    return Entry(
        id=release_id,
        title=f"#{release_id}",
        summary="",
        body="",
        link=None,
        language="en",
        published_at=published_at,
        vote_count=count,
        vote_sum=total,
    )


def test_one_five_star_vote_does_not_outrank_forty_good_ones() -> None:
    lucky = entry(1, 1, 5, published_at=2.0)
    popular = entry(2, 40, 184, published_at=1.0)
    unrated = entry(3, 0, 0, published_at=3.0)
    disliked = entry(4, 3, 3, published_at=4.0)
    assert bayesian(1, 5) < bayesian(40, 184)
    assert [e.id for e in ranked([lucky, unrated, disliked, popular])] == [2, 1, 3, 4]


def test_equal_ratings_rank_the_newest_first() -> None:
    old, new = entry(1, 10, 40, published_at=1.0), entry(2, 10, 40, published_at=2.0)
    assert [e.id for e in ranked([old, new])] == [2, 1]
    assert [e.id for e in ranked([entry(3, 0, 0, 5.0), entry(4, 0, 0, 6.0)])] == [4, 3]


async def test_render_ranks_by_current_votes_and_drops_retracted(db: Database) -> None:
    await reader(db, 1)
    lucky = await publish(db, "Lucky one", MONDAY_9 - timedelta(hours=3))
    popular = await publish(db, "Popular one", MONDAY_9 - timedelta(hours=4))
    gone = await publish(db, "Retracted later", MONDAY_9 - timedelta(hours=2))
    await send_due(db, default_zone="Europe/Moscow", wake=no_wake, now=MONDAY_9)
    [digest] = await digests.of_reader(db, 1)
    await votes.cast(db, lucky, 500, 5, now=MONDAY_9.timestamp())
    for voter in range(40):
        await votes.cast(db, popular, 600 + voter, 5 if voter < 24 else 4, now=0.0)
    await db.write("UPDATE releases SET status = 'retracted' WHERE id = ?", (gone,))

    view = await render_digest(db, digest.id, "en")

    assert "Your daily digest" in view.text and "2 new releases" in view.text
    assert view.text.index("Popular one") < view.text.index("Lucky one")
    assert "Retracted later" not in view.text
    assert "★ 4.6 · 40 votes" in view.text and "★ 5.0 · 1 vote" in view.text
    russian = await render_digest(db, digest.id, "ru")
    assert "★ 4,6 · 40 оценок" in russian.text and "★ 5,0 · 1 оценка" in russian.text
    assert view.keyboard is not None
    assert [b.text for b in view.keyboard.inline_keyboard[0]] == ["1", "2"]

    await db.write("UPDATE releases SET status = 'retracted' WHERE id IN (?, ?)", (lucky, popular))
    assert (await render_digest(db, digest.id, "en")).text == texts.DIGEST_ALL_RETRACTED.en
