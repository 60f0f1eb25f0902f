"""Votes in group commits: a batch gives each press the exact totals right after it, presses
that arrive together share a transaction, and votes keep flowing while a broadcast is writing
its outcomes."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bot.voting import VoteWriter
from storage import releases, votes
from storage.db import Database, WriteLock
from storage.releases import Release
from storage.votes import Cast, NotVotable, Tally
from tests.delivery_kit import add_readers, draft, running_engine, wait_status
from tests.emulator import Emulator


async def published(db: Database) -> Release:
    """A release readers may rate."""
    release = await draft(db)
    await db.write(
        "UPDATE releases SET status = 'sent', published_at = 1 WHERE id = ?", (release.id,)
    )
    stored = await releases.get(db, release.id)
    assert stored is not None
    return stored


async def test_a_batch_counts_each_press_as_if_it_came_alone(db: Database) -> None:
    release = await published(db)
    unpublished = await draft(db, title="Not yet")
    results = await votes.cast_many(
        db,
        [
            Cast(release.id, 1, 4, 10.0),
            Cast(release.id, 2, 2, 11.0),
            Cast(unpublished.id, 1, 5, 12.0),
            Cast(release.id, 1, 1, 13.0),  # changes its own vote from earlier in the batch
            Cast(release.id, 3, 5, 14.0),
        ],
    )
    tallies = [
        (r.stars, r.count, r.average, r.previous) if isinstance(r, Tally) else "refused"
        for r in results
    ]
    assert tallies == [
        (4, 1, 4.0, None),
        (2, 2, 3.0, None),
        "refused",
        (1, 2, 1.5, 4),
        (5, 3, 8 / 3, None),
    ]
    assert isinstance(results[2], NotVotable)
    assert await votes.distribution(db, release.id) == {1: 1, 2: 1, 3: 0, 4: 0, 5: 1}
    stored = await releases.get(db, release.id)
    assert stored is not None and (stored.vote_count, stored.vote_sum) == (3, 8)


async def test_concurrent_presses_share_transactions_and_totals_stay_exact(db: Database) -> None:
    release = await published(db)
    writer = VoteWriter(db)
    writer.start()
    try:
        tallies = await asyncio.gather(
            *(
                writer.cast(release.id, reader, 1 + reader % 5, time.time())
                for reader in range(300)
            )
        )
        with pytest.raises(NotVotable):
            await writer.cast(release.id + 1, 1, 3, time.time())
        with pytest.raises(ValueError, match="outside 1-5"):
            await writer.cast(release.id, 1, 6, time.time())
    finally:
        await writer.stop()
    # Every reader voted once: the totals each saw are 1..300, each exactly once.
    assert sorted(tally.count for tally in tallies) == list(range(1, 301))
    stored = await releases.get(db, release.id)
    assert stored is not None and stored.vote_count == 300
    assert sum((await votes.distribution(db, release.id)).values()) == 300


async def test_votes_are_recorded_exactly_while_a_broadcast_commits_its_outcomes(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    emulator.latency = 0.02
    readers = await add_readers(db, emulator, range(1, 401))
    voted = await published(db)
    broadcast = await draft(db, title="Broadcast")
    writer = VoteWriter(db)
    writer.start()
    try:
        async with running_engine(emulator, db, tmp_path, settings={"send_rate": 1000}) as engine:
            await engine.publish(broadcast.id, report_chat_id=None)
            tallies = []
            for wave in range(4):
                # Presses in waves while the outbox claims and records around them.
                tallies += await asyncio.gather(
                    *(
                        writer.cast(voted.id, reader, 5, time.time())
                        for reader in readers[wave * 100 : (wave + 1) * 100]
                    )
                )
            await wait_status(db, broadcast.id, "sent", timeout=30)
    finally:
        await writer.stop()
    assert sorted(tally.count for tally in tallies) == list(range(1, 401))
    stored = await releases.get(db, voted.id)
    assert stored is not None and (stored.vote_count, stored.vote_sum) == (400, 2000)
    assert emulator.delivered_count() == 400


async def test_urgent_writers_go_before_others_already_waiting() -> None:
    lock = WriteLock()
    order: list[str] = []

    async def write(name: str, *, urgent: bool = False) -> None:
        async with lock.held(urgent=urgent):
            order.append(name)
            await asyncio.sleep(0)

    await lock.acquire()  # a transaction under way
    waiting = [
        asyncio.create_task(write("outbox 1")),
        asyncio.create_task(write("outbox 2")),
        asyncio.create_task(write("vote", urgent=True)),
    ]
    cancelled = asyncio.create_task(write("given up"))
    await asyncio.sleep(0)
    cancelled.cancel()
    lock.release()
    await asyncio.gather(*waiting)
    assert order == ["vote", "outbox 1", "outbox 2"]
    # Free again: the next writer takes it at once.
    await asyncio.wait_for(write("later"), timeout=5)
