"""Digests: each reader's schedule as stored, the windows already sent, and what they list.

A reader's `subscribers.digest_since` is the end of the last window decided for them (or when
digests were switched on). Queuing a digest moves it forward in the same transaction that
records the `digests` row and its `deliveries` row, so a window is never sent twice.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiosqlite

from storage.db import Database
from storage.releases import PUBLISHED_SQL

Frequency = Literal["daily", "weekly"]
SCHEDULE_PAGE = 5_000


@dataclass(frozen=True, slots=True)
class Schedule:
    """When one reader's digest comes, and where their last window ended."""

    chat_id: int
    frequency: Frequency
    hour: int
    weekday: int
    zone: str
    since: float


@dataclass(frozen=True, slots=True)
class Window:
    """A digest to queue: releases published in (`start`, `end`] for one reader."""

    chat_id: int
    frequency: Frequency
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Queued:
    """What one run queued: digests with news, and readers whose window had none."""

    queued: int
    empty: int


@dataclass(frozen=True, slots=True)
class Digest:
    """A digest as recorded when it was queued."""

    id: int
    chat_id: int
    frequency: Frequency
    window_start: float
    window_end: float
    release_ids: tuple[int, ...]
    created_at: float


@dataclass(frozen=True, slots=True)
class Entry:
    """What a digest shows of one published release."""

    id: int
    title: str
    summary: str
    body: str
    link: str | None
    language: str
    published_at: float
    vote_count: int
    vote_sum: int

    @property
    def average(self) -> float | None:
        """The mean rating, or None before the first vote."""
        return self.vote_sum / self.vote_count if self.vote_count else None


@lru_cache(maxsize=256)
def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


async def schedules(
    db: Database, *, default_zone: str, after: int = 0, limit: int = SCHEDULE_PAGE
) -> list[Schedule]:
    """Active, unpaused readers who take a digest, by chat id after `after`, at most `limit`
    (pages keep memory flat however many readers there are); no own zone: `default_zone`."""
    rows = await db.fetchall(
        "SELECT chat_id, digest, digest_hour, digest_weekday, timezone, "
        "COALESCE(digest_since, created_at) AS since FROM subscribers "
        "WHERE chat_id > ? AND status = 'active' AND paused = 0 AND digest != 'off' "
        "ORDER BY chat_id LIMIT ?",
        (after, limit),
    )
    return [
        Schedule(
            chat_id=chat_id,
            frequency=frequency,
            hour=hour,
            weekday=weekday,
            # A zone this system does not know (hand-edited row, old tzdata) must not stop
            # everyone's digests: that reader gets the press centre's time.
            zone=zone if zone and _known_zone(zone) else default_zone,
            since=since,
        )
        for chat_id, frequency, hour, weekday, zone, since in rows
    ]


async def queue(db: Database, windows: Sequence[Window], *, now: float) -> Queued:
    """Record every window and queue a digest for each that has news, in one transaction.

    A window whose reader's stored state no longer matches (another run queued it first, the
    reader switched digests off or paused) is dropped, so two runs for the same `now` queue
    each digest once. Empty windows move the reader's schedule on without a message.
    """
    if not windows:
        return Queued(0, 0)
    start = min(window.start for window in windows)
    end = max(window.end for window in windows)
    async with db.transaction() as connection:
        async with connection.execute(
            f"SELECT id, published_at FROM releases WHERE {PUBLISHED_SQL} "
            "AND published_at > ? AND published_at <= ? ORDER BY published_at, id",
            (start, end),
        ) as cursor:
            published = [(row[0], row[1]) for row in await cursor.fetchall()]
        times = [at for _, at in published]
        # Most readers share a window (same hour, same previous digest): join each range once.
        joined: dict[tuple[int, int], str] = {}

        def row(window: Window) -> tuple[int, str, float, float, str]:
            span = (bisect_right(times, window.start), bisect_right(times, window.end))
            if span not in joined:
                joined[span] = ",".join(str(published[i][0]) for i in range(*span))
            return (window.chat_id, window.frequency, window.start, window.end, joined[span])

        await connection.execute(
            "CREATE TEMP TABLE IF NOT EXISTS digest_due (chat_id INTEGER PRIMARY KEY, "
            "frequency TEXT NOT NULL, window_start REAL NOT NULL, window_end REAL NOT NULL, "
            "release_ids TEXT NOT NULL)"
        )
        await connection.execute("DELETE FROM temp.digest_due")
        await connection.executemany(
            "INSERT INTO temp.digest_due VALUES (?, ?, ?, ?, ?)", map(row, windows)
        )
        await connection.execute(
            """
            DELETE FROM temp.digest_due WHERE NOT EXISTS (
                SELECT 1 FROM subscribers s
                WHERE s.chat_id = digest_due.chat_id AND s.status = 'active' AND s.paused = 0
                    AND s.digest = digest_due.frequency
                    AND COALESCE(s.digest_since, s.created_at) = digest_due.window_start
                    AND digest_due.window_end > digest_due.window_start)
            """
        )
        last_id = await _scalar(connection, "SELECT COALESCE(MAX(id), 0) FROM digests")
        await connection.execute(
            """
            INSERT INTO digests (chat_id, frequency, window_start, window_end, release_ids,
                                 created_at)
            SELECT chat_id, frequency, window_start, window_end, release_ids, ?
            FROM temp.digest_due WHERE release_ids != '' ORDER BY chat_id
            ON CONFLICT (chat_id, window_end) DO NOTHING
            """,
            (now,),
        )
        cursor = await connection.execute(
            "INSERT INTO deliveries (chat_id, digest_id, created_at) "
            "SELECT chat_id, id, ? FROM digests WHERE id > ? ORDER BY id",
            (now, last_id),
        )
        queued = cursor.rowcount
        await connection.execute(
            "UPDATE subscribers SET digest_since = d.window_end FROM temp.digest_due AS d "
            "WHERE subscribers.chat_id = d.chat_id"
        )
        empty = await _scalar(
            connection, "SELECT COUNT(*) FROM temp.digest_due WHERE release_ids = ''"
        )
        await connection.execute("DELETE FROM temp.digest_due")
    return Queued(queued=queued, empty=empty)


async def _scalar(connection: aiosqlite.Connection, sql: str) -> int:
    async with connection.execute(sql) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


_DIGEST_COLUMNS = "id, chat_id, frequency, window_start, window_end, release_ids, created_at"


def _digest(row: aiosqlite.Row) -> Digest:
    return Digest(
        id=row["id"],
        chat_id=row["chat_id"],
        frequency=row["frequency"],
        window_start=row["window_start"],
        window_end=row["window_end"],
        release_ids=tuple(int(part) for part in row["release_ids"].split(",") if part),
        created_at=row["created_at"],
    )


async def get(db: Database, digest_id: int) -> Digest | None:
    """The digest with this id, or None."""
    row = await db.fetchone(f"SELECT {_DIGEST_COLUMNS} FROM digests WHERE id = ?", (digest_id,))
    return _digest(row) if row else None


async def of_reader(db: Database, chat_id: int) -> list[Digest]:
    """Every digest queued for one reader, oldest first."""
    rows = await db.fetchall(
        f"SELECT {_DIGEST_COLUMNS} FROM digests WHERE chat_id = ? ORDER BY id", (chat_id,)
    )
    return [_digest(row) for row in rows]


_ENTRY_COLUMNS = (
    "id, title, summary, CASE WHEN TRIM(summary) = '' THEN body ELSE '' END AS body, link, "
    "language, published_at, vote_count, vote_sum"
)


def _entry(row: aiosqlite.Row) -> Entry:
    return Entry(
        id=row["id"],
        title=row["title"],
        summary=row["summary"],
        body=row["body"],
        link=row["link"],
        language=row["language"],
        published_at=row["published_at"],
        vote_count=row["vote_count"],
        vote_sum=row["vote_sum"],
    )


async def entries(db: Database, release_ids: Sequence[int]) -> list[Entry]:
    """The releases among `release_ids` that are still published (not retracted)."""
    if not release_ids:
        return []
    # One JSON parameter rather than one per id: a long pause can make a window of thousands.
    rows = await db.fetchall(
        f"SELECT {_ENTRY_COLUMNS} FROM releases "
        f"WHERE id IN (SELECT value FROM json_each(?)) AND {PUBLISHED_SQL}",
        (json.dumps(list(release_ids)),),
    )
    return [_entry(row) for row in rows]


async def published_between(db: Database, start: float, end: float) -> list[Entry]:
    """Releases published in (`start`, `end`] and not retracted."""
    rows = await db.fetchall(
        f"SELECT {_ENTRY_COLUMNS} FROM releases WHERE {PUBLISHED_SQL} "
        "AND published_at > ? AND published_at <= ?",
        (start, end),
    )
    return [_entry(row) for row in rows]
