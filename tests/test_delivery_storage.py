"""The outbox in SQLite: one transaction per publish, claims that skip readers who left."""

from __future__ import annotations

import asyncio

import pytest

from storage import deliveries, releases, subscribers
from storage.db import Database
from tests.delivery_kit import draft


async def _subscribe(db: Database, *chat_ids: int) -> None:
    for chat_id in chat_ids:
        await subscribers.subscribe(
            db, chat_id, first_name="Reader", username=None, telegram_language="ru"
        )


async def test_publishing_twice_is_refused_and_queues_nothing_more(db: Database) -> None:
    await _subscribe(db, 1, 2)
    release = await draft(db)
    assert (
        await deliveries.enqueue_release(db, release.id, report_chat_id=9, clock=lambda: 100.0)
        == 2
    )
    with pytest.raises(deliveries.NotPublishable):
        await deliveries.enqueue_release(db, release.id, report_chat_id=9, clock=lambda: 200.0)
    with pytest.raises(deliveries.NotPublishable):
        await deliveries.enqueue_release(db, 404, report_chat_id=None, clock=lambda: 200.0)
    stored = await releases.get(db, release.id)
    assert stored is not None
    assert (stored.status, stored.published_at, stored.report_chat_id) == ("sending", 100.0, 9)
    assert (await deliveries.stats(db, release.id)).pending == 2


async def test_the_publication_time_is_read_under_the_write_lock(db: Database) -> None:
    # A digest run holds the lock with its window closed at 100; the publish waiting for it
    # must not be stamped 100 (it would fall between that window and the next one).
    await _subscribe(db, 1)
    release = await draft(db)
    clock = [100.0]
    async with db.transaction():
        publishing = asyncio.create_task(
            deliveries.enqueue_release(db, release.id, report_chat_id=None, clock=lambda: clock[0])
        )
        await asyncio.sleep(0.05)
        assert not publishing.done()
        clock[0] = 101.0
    assert await publishing == 1
    stored = await releases.get(db, release.id)
    assert stored is not None and stored.published_at == 101.0


async def test_readers_who_leave_before_their_turn_are_not_sent_to(db: Database) -> None:
    await _subscribe(db, 1, 2, 3, 4)
    release = await draft(db)
    await deliveries.enqueue_release(db, release.id, report_chat_id=None, clock=lambda: 100.0)
    await subscribers.set_status(db, 2, "unsubscribed")
    await subscribers.set_delivery(db, 3, instant=True, digest="off", paused=True)
    await subscribers.set_status(db, 4, "blocked")
    jobs = await deliveries.claim(db, now=100.0, limit=10)
    assert [job.chat_id for job in jobs] == [1]
    assert jobs[0].language is None and jobs[0].telegram_language == "ru"
    stats = await deliveries.stats(db, release.id)
    assert (stats.sending, stats.cancelled, stats.blocked, stats.total) == (1, 2, 1, 4)
    assert await deliveries.reset_in_flight(db) == 1
    assert (await deliveries.stats(db, release.id)).pending == 1


async def test_retries_wait_for_their_time_and_failures_keep_the_error(db: Database) -> None:
    await _subscribe(db, 1, 2)
    release = await draft(db)
    await deliveries.enqueue_release(db, release.id, report_chat_id=None, clock=lambda: 100.0)
    first, second = await deliveries.claim(db, now=100.0, limit=10)
    await deliveries.record(
        db,
        [
            deliveries.Retry(first.id, at=160.0, error="Bad Gateway"),
            deliveries.Undelivered(second.id, second.chat_id, "failed", "Bad Request: wrong"),
        ],
        now=100.0,
    )
    assert await deliveries.claim(db, now=159.0, limit=10) == []
    assert await deliveries.next_due(db) == 160.0
    (again,) = await deliveries.claim(db, now=160.0, limit=10)
    assert (again.chat_id, again.attempts) == (1, 1)
    failures = await deliveries.failures(db, release.id)
    assert [(f.chat_id, f.error) for f in failures] == [(2, "Bad Request: wrong")]
    assert not await deliveries.finish(db, release.id)
