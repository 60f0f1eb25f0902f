"""Sources: feeds the bot polls, every item key each one has shown, and where releases came from.

A source's seen keys are all kept, never a sliding window: an item that drops out of a feed and
comes back later is still known. A key is stored by the `(source_id, key)` primary key, so two
polls of the same source can never both take the same item. `take_item` stores a key in the
same transaction as the draft made from it, with what is still to be done for that draft
(`pending_action`: preview it to staff, or publish it), so a crash either leaves the item unseen
(taken again at the next poll) or leaves a draft whose pending step runs again at start-up.
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
Pending = Literal["preview", "publish"]
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


@dataclass(frozen=True, slots=True)
class DraftFields:
    """What a new draft is made of (a feed item's or a fetched page's)."""

    title: str
    body: str
    summary: str
    link: str | None
    photo: str | None
    language: str
    author_id: int


@dataclass(frozen=True, slots=True)
class PendingRelease:
    """A draft made from a source item whose preview or publication is still to be done."""

    release_id: int
    action: Pending


async def _insert_release(
    connection: aiosqlite.Connection,
    draft: DraftFields,
    *,
    now: float,
    canonical_link: str | None,
    source_id: int | None = None,
    item_key: str | None = None,
    pending: Pending | None = None,
) -> int:
    async with connection.execute(
        "INSERT INTO releases (title, body, summary, link, photo_file_id, language, status, "
        "author_id, created_at, source_id, item_key, canonical_link, pending_action) "
        "VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            draft.title,
            draft.body,
            draft.summary,
            draft.link,
            draft.photo,
            draft.language,
            draft.author_id,
            now,
            source_id,
            item_key,
            canonical_link,
            pending,
        ),
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def _release_for_link(connection: aiosqlite.Connection, canonical_link: str) -> int | None:
    async with connection.execute(
        "SELECT id FROM releases WHERE canonical_link = ? AND status != 'retracted' "
        "ORDER BY id DESC LIMIT 1",
        (canonical_link,),
    ) as cursor:
        row = await cursor.fetchone()
    return None if row is None else int(row[0])


async def take_item(
    db: Database,
    source_id: int,
    key: str,
    draft: DraftFields,
    *,
    canonical_link: str | None,
    pending: Pending,
    now: float,
) -> int | None:
    """Mark the item seen and save its draft in one transaction; return the draft's id.

    None, with nothing saved but the key, when a release was already made from the same page
    (`canonical_link`); None, with nothing saved, when the key was taken already or the source
    is gone.
    """
    async with db.transaction() as connection:
        async with connection.execute(
            "INSERT OR IGNORE INTO source_items (source_id, key, seen_at) "
            "SELECT id, ?, ? FROM sources WHERE id = ?",
            (key, now, source_id),
        ) as cursor:
            if cursor.rowcount == 0:
                return None
        if canonical_link and await _release_for_link(connection, canonical_link) is not None:
            return None
        release_id = await _insert_release(
            connection,
            draft,
            now=now,
            canonical_link=canonical_link,
            source_id=source_id,
            item_key=key,
            pending=pending,
        )
        await connection.execute(
            "UPDATE source_items SET release_id = ? WHERE source_id = ? AND key = ?",
            (release_id, source_id, key),
        )
        await connection.execute(
            "UPDATE sources SET items_taken = items_taken + 1 WHERE id = ?", (source_id,)
        )
    return release_id


async def create_linked_draft(
    db: Database, draft: DraftFields, *, canonical_link: str, now: float
) -> tuple[int | None, int | None]:
    """Save a draft made from the page at `canonical_link` (`/post <link>`): (its id, None), or
    (None, the release already made from that page), decided in one transaction."""
    async with db.transaction() as connection:
        existing = await _release_for_link(connection, canonical_link)
        if existing is not None:
            return None, existing
        return await _insert_release(
            connection, draft, now=now, canonical_link=canonical_link
        ), None


async def pending_releases(db: Database) -> list[PendingRelease]:
    """Drafts from source items whose preview or publication is not done yet, oldest first."""
    rows = await db.fetchall(
        "SELECT id, pending_action FROM releases WHERE pending_action IS NOT NULL ORDER BY id"
    )
    return [PendingRelease(int(row["id"]), row["pending_action"]) for row in rows]


async def pending_action(db: Database, release_id: int) -> Pending | None:
    """What is still to be done for this draft, if anything."""
    row = await db.fetchone("SELECT pending_action FROM releases WHERE id = ?", (release_id,))
    return None if row is None else row["pending_action"]


async def set_pending(db: Database, release_id: int, action: Pending | None) -> None:
    """Record the step still to be done for a draft (None: nothing more)."""
    await db.write("UPDATE releases SET pending_action = ? WHERE id = ?", (action, release_id))


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


async def unseen(db: Database, source_id: int, keys: Iterable[str]) -> list[str]:
    """Those of `keys` the source never showed, in the given order (none if it is gone)."""
    wanted = list(dict.fromkeys(keys))
    if await db.fetchone("SELECT 1 FROM sources WHERE id = ?", (source_id,)) is None:
        return []
    known: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        rows = await db.fetchall(
            f"SELECT key FROM source_items WHERE source_id = ? AND key IN ({marks})",
            (source_id, *chunk),
        )
        known.update(row[0] for row in rows)
    return [key for key in wanted if key not in known]


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
