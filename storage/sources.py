"""Sources: feeds the bot polls, every item key each one has shown, and where releases came from.

A source's seen keys are all kept, never a sliding window: an item that drops out of a feed and
comes back later is still known. `remember` is the one place that decides what is new, by an
`INSERT OR IGNORE` on the `(source_id, key)` primary key, so two polls of the same source can
never both take the same item.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import aiosqlite

from storage.db import Database
from storage.releases import valid_id

Mode = Literal["review", "auto"]
MODES: tuple[Mode, ...] = ("review", "auto")
# Keys looked up per statement: well under SQLite's limit of bound parameters.
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Source:
    """A feed and its polling state; times are UTC epoch seconds."""

    id: int
    url: str
    site_url: str | None
    title: str
    mode: Mode
    paused: bool
    etag: str | None
    last_modified: str | None
    failures: int
    failing_since: float | None
    last_error: str | None
    last_checked_at: float | None
    last_new_item_at: float | None
    next_check_at: float
    items_taken: int
    added_by: int | None
    created_at: float


_COLUMNS = (
    "id, url, site_url, title, mode, paused, etag, last_modified, failures, failing_since, "
    "last_error, last_checked_at, last_new_item_at, next_check_at, items_taken, added_by, "
    "created_at"
)


def _source(row: aiosqlite.Row) -> Source:
    return Source(
        id=row["id"],
        url=row["url"],
        site_url=row["site_url"],
        title=row["title"],
        mode=row["mode"],
        paused=bool(row["paused"]),
        etag=row["etag"],
        last_modified=row["last_modified"],
        failures=row["failures"],
        failing_since=row["failing_since"],
        last_error=row["last_error"],
        last_checked_at=row["last_checked_at"],
        last_new_item_at=row["last_new_item_at"],
        next_check_at=row["next_check_at"],
        items_taken=row["items_taken"],
        added_by=row["added_by"],
        created_at=row["created_at"],
    )


async def add(
    db: Database,
    *,
    url: str,
    site_url: str | None,
    title: str,
    keys: Iterable[str],
    next_check_at: float,
    now: float,
    added_by: int | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Source | None:
    """Save a new source with the keys it holds now marked seen; None if `url` is taken."""
    async with db.transaction() as connection:
        async with connection.execute(
            "INSERT INTO sources (url, site_url, title, etag, last_modified, next_check_at, "
            "added_by, created_at, last_checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            f"ON CONFLICT (url) DO NOTHING RETURNING {_COLUMNS}",
            (url, site_url, title, etag, last_modified, next_check_at, added_by, now, now),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        await connection.executemany(
            "INSERT OR IGNORE INTO source_items (source_id, key, seen_at) VALUES (?, ?, ?)",
            ((row["id"], key, now) for key in keys),
        )
    return _source(row)


async def get(db: Database, source_id: int) -> Source | None:
    """The source with this number, or None."""
    if not valid_id(source_id):
        return None
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM sources WHERE id = ?", (source_id,))
    return _source(row) if row else None


async def by_url(db: Database, url: str) -> Source | None:
    """The source polling exactly this address, or None."""
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM sources WHERE url = ?", (url,))
    return _source(row) if row else None


async def listed(db: Database) -> list[Source]:
    """Every source, paused ones included, by number."""
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM sources ORDER BY id")
    return [_source(row) for row in rows]


async def active(db: Database) -> list[Source]:
    """Sources that are not paused, the soonest due first."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM sources WHERE paused = 0 ORDER BY next_check_at, id"
    )
    return [_source(row) for row in rows]


async def set_mode(db: Database, source_id: int, mode: Mode) -> Source | None:
    """Switch a source between review and auto; None if there is no such source."""
    if mode not in MODES:
        raise ValueError(f"mode {mode!r} is not review or auto")
    return await _update(db, source_id, "mode = ?", (mode,))


async def set_paused(
    db: Database, source_id: int, paused: bool, *, next_check_at: float | None = None
) -> Source | None:
    """Pause or resume a source (optionally moving its next check); None if it does not exist."""
    return await _update(
        db,
        source_id,
        "paused = ?, next_check_at = COALESCE(?, next_check_at)",
        (int(paused), next_check_at),
    )


async def remove(db: Database, source_id: int) -> bool:
    """Delete a source and its seen keys; its releases stay, no longer linked to it."""
    if not valid_id(source_id):
        return False
    return await db.write("DELETE FROM sources WHERE id = ?", (source_id,)) > 0


async def remember(db: Database, source_id: int, keys: Iterable[str], now: float) -> list[str]:
    """Mark `keys` seen for the source; return those never seen before, in the given order."""
    wanted = list(dict.fromkeys(keys))
    async with db.transaction() as connection:
        async with connection.execute(
            "SELECT 1 FROM sources WHERE id = ?", (source_id,)
        ) as cursor:
            if await cursor.fetchone() is None:
                return []
        known: set[str] = set()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            async with connection.execute(
                f"SELECT key FROM source_items WHERE source_id = ? AND key IN ({marks})",
                (source_id, *chunk),
            ) as cursor:
                known.update(row[0] for row in await cursor.fetchall())
        new = [key for key in wanted if key not in known]
        await connection.executemany(
            "INSERT INTO source_items (source_id, key, seen_at) VALUES (?, ?, ?)",
            ((source_id, key, now) for key in new),
        )
    return new


async def seen_count(db: Database, source_id: int) -> int:
    """How many item keys the source has shown so far."""
    row = await db.fetchone("SELECT COUNT(*) FROM source_items WHERE source_id = ?", (source_id,))
    assert row is not None
    return int(row[0])


async def save_poll(
    db: Database,
    source_id: int,
    *,
    checked_at: float,
    next_check_at: float,
    failures: int,
    failing_since: float | None,
    last_error: str | None,
    etag: str | None,
    last_modified: str | None,
    new_item_at: float | None = None,
    moved_to: str | None = None,
) -> Source | None:
    """Store the outcome of one poll; `moved_to` replaces the address unless another source
    already polls it. None if the source was removed meanwhile."""
    async with db.transaction() as connection:
        await connection.execute(
            "UPDATE sources SET last_checked_at = ?, next_check_at = ?, failures = ?, "
            "failing_since = ?, last_error = ?, etag = ?, last_modified = ?, "
            "last_new_item_at = COALESCE(?, last_new_item_at) WHERE id = ?",
            (
                checked_at,
                next_check_at,
                failures,
                failing_since,
                last_error,
                etag,
                last_modified,
                new_item_at,
                source_id,
            ),
        )
        if moved_to is not None:
            await connection.execute(
                "UPDATE OR IGNORE sources SET url = ? WHERE id = ?", (moved_to, source_id)
            )
        async with connection.execute(
            f"SELECT {_COLUMNS} FROM sources WHERE id = ?", (source_id,)
        ) as cursor:
            row = await cursor.fetchone()
    return _source(row) if row else None


async def record_release(
    db: Database, source_id: int, key: str, release_id: int, *, canonical_link: str | None
) -> None:
    """Link a release to the source item it was made from, and count it as taken."""
    async with db.transaction() as connection:
        await connection.execute(
            "UPDATE releases SET source_id = ?, item_key = ?, "
            "canonical_link = COALESCE(?, canonical_link) WHERE id = ?",
            (source_id, key, canonical_link, release_id),
        )
        await connection.execute(
            "UPDATE source_items SET release_id = ? WHERE source_id = ? AND key = ?",
            (release_id, source_id, key),
        )
        await connection.execute(
            "UPDATE sources SET items_taken = items_taken + 1 WHERE id = ?", (source_id,)
        )


async def set_canonical_link(db: Database, release_id: int, canonical_link: str) -> bool:
    """Record the page a release was made from (`/post <link>`), for de-duplication."""
    if not valid_id(release_id):
        return False
    changed = await db.write(
        "UPDATE releases SET canonical_link = ? WHERE id = ?", (canonical_link, release_id)
    )
    return changed > 0


async def release_for_link(db: Database, canonical_link: str) -> int | None:
    """The newest release, not retracted, made from this page; None if there is none."""
    row = await db.fetchone(
        "SELECT id FROM releases WHERE canonical_link = ? AND status != 'retracted' "
        "ORDER BY id DESC LIMIT 1",
        (canonical_link,),
    )
    return None if row is None else int(row["id"])


async def _update(
    db: Database, source_id: int, assignments: str, params: tuple[object, ...]
) -> Source | None:
    if not valid_id(source_id):
        return None
    async with (
        db.transaction() as connection,
        connection.execute(
            f"UPDATE sources SET {assignments} WHERE id = ? RETURNING {_COLUMNS}",
            (*params, source_id),
        ) as cursor,
    ):
        row = await cursor.fetchone()
    return _source(row) if row else None
