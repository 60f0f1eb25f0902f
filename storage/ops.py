"""Counts for operations: the outbox backlog and the votes stored."""

from __future__ import annotations

from storage.db import Database


async def backlog(db: Database) -> int:
    """Deliveries not yet settled: waiting, or on the wire now."""
    row = await db.fetchone(
        "SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'sending')"
    )
    assert row is not None
    return int(row[0])


async def vote_total(db: Database) -> int:
    """Votes over all releases (each release keeps its own count)."""
    row = await db.fetchone("SELECT COALESCE(SUM(vote_count), 0) FROM releases")
    assert row is not None
    return int(row[0])
