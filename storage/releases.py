"""Releases: drafts staff prepare, scheduled ones, and what was published, edited or retracted."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final, Literal

import aiosqlite

from storage.db import Database

Status = Literal["draft", "scheduled", "sending", "sent", "retracted"]
# Drafts and scheduled releases have reached no one yet: staff may publish, schedule or drop them.
UNPUBLISHED: frozenset[str] = frozenset({"draft", "scheduled"})
# Readers hold copies of these: they may rate them, staff may edit or retract them.
PUBLISHED: frozenset[str] = frozenset({"sending", "sent"})
# The same, as a condition on `releases.status` for queries.
PUBLISHED_SQL = f"status IN ({', '.join(repr(status) for status in sorted(PUBLISHED))})"
# SQLite integers are signed 64-bit; a larger id from a command or a button cannot exist.
MAX_ID: Final = 2**63 - 1


class _Keep(Enum):
    KEEP = "keep"


KEEP: Final = _Keep.KEEP
"""Passed as `link` to `update_text`: leave the link as it is."""


@dataclass(frozen=True, slots=True)
class Release:
    """A press release and its state; votes are summed on the row for quick reads."""

    id: int
    title: str
    body: str
    summary: str
    summary_edited: bool
    link: str | None
    photo_file_id: str | None
    language: str
    status: Status
    author_id: int
    created_at: float
    scheduled_at: float | None
    published_at: float | None
    retracted_at: float | None
    revision: int
    vote_count: int
    vote_sum: int
    report_chat_id: int | None
    report_message_id: int | None
    source_id: int | None = None

    @property
    def average(self) -> float | None:
        """The mean rating, or None before the first vote."""
        return self.vote_sum / self.vote_count if self.vote_count else None


_COLUMNS = (
    "id, title, body, summary, summary_edited, link, photo_file_id, language, status, "
    "author_id, created_at, scheduled_at, published_at, retracted_at, revision, vote_count, "
    "vote_sum, report_chat_id, report_message_id, source_id"
)


def _release(row: aiosqlite.Row) -> Release:
    return Release(
        id=row["id"],
        title=row["title"],
        body=row["body"],
        summary=row["summary"],
        summary_edited=bool(row["summary_edited"]),
        link=row["link"],
        photo_file_id=row["photo_file_id"],
        language=row["language"],
        status=row["status"],
        author_id=row["author_id"],
        created_at=row["created_at"],
        scheduled_at=row["scheduled_at"],
        published_at=row["published_at"],
        retracted_at=row["retracted_at"],
        revision=row["revision"],
        vote_count=row["vote_count"],
        vote_sum=row["vote_sum"],
        report_chat_id=row["report_chat_id"],
        report_message_id=row["report_message_id"],
        source_id=row["source_id"],
    )


def valid_id(release_id: int) -> bool:
    """Whether `release_id` could be a row id at all (positive, within SQLite's integers)."""
    return 0 < release_id <= MAX_ID


async def get(db: Database, release_id: int) -> Release | None:
    """The release with this id, or None."""
    if not valid_id(release_id):
        return None
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM releases WHERE id = ?", (release_id,))
    return _release(row) if row else None


async def create_draft(
    db: Database,
    *,
    title: str,
    body: str,
    summary: str,
    link: str | None,
    photo_file_id: str | None,
    language: str,
    author_id: int,
    now: float,
) -> Release:
    """Save a new draft and return it."""
    async with (
        db.transaction() as connection,
        connection.execute(
            "INSERT INTO releases (title, body, summary, link, photo_file_id, language, "
            "status, author_id, created_at) VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?) "
            f"RETURNING {_COLUMNS}",
            (title, body, summary, link, photo_file_id, language, author_id, now),
        ) as cursor,
    ):
        row = await cursor.fetchone()
    assert row is not None
    return _release(row)


async def update_text(
    db: Database,
    release_id: int,
    *,
    title: str | None = None,
    summary: str | None = None,
    link: str | _Keep | None = KEEP,
) -> Release | None:
    """Replace the title, summary and/or link of a release that is not retracted.

    The revision goes up only when something actually changes, so the engine re-renders the
    delivered copies exactly when readers would see a difference. A new summary counts as
    edited by staff. None if the release does not exist or is retracted.
    """
    if not valid_id(release_id):
        return None
    keep_link = link is KEEP
    await db.write(
        """
            UPDATE releases SET
                title = COALESCE(:title, title),
                summary = COALESCE(:summary, summary),
                summary_edited = CASE WHEN :summary IS NULL THEN summary_edited ELSE 1 END,
                link = CASE WHEN :keep_link THEN link ELSE :link END,
                revision = revision + 1
            WHERE id = :id AND status != 'retracted' AND (
                title IS NOT COALESCE(:title, title)
                OR summary IS NOT COALESCE(:summary, summary)
                OR (NOT :keep_link AND link IS NOT :link))
            """,
        {
            "id": release_id,
            "title": title,
            "summary": summary,
            "keep_link": keep_link,
            "link": None if isinstance(link, _Keep) else link,
        },
    )
    release = await get(db, release_id)
    return None if release is None or release.status == "retracted" else release


async def schedule(
    db: Database, release_id: int, at: float, *, report_chat_id: int | None = None
) -> Release | None:
    """Set a draft (or a scheduled release) to go out at `at`, its progress to be reported to
    `report_chat_id` (if given); None if the release is past that stage."""
    if not valid_id(release_id):
        return None
    async with (
        db.transaction() as connection,
        connection.execute(
            "UPDATE releases SET status = 'scheduled', scheduled_at = ?, "
            "report_chat_id = COALESCE(?, report_chat_id) "
            f"WHERE id = ? AND status IN ('draft', 'scheduled') RETURNING {_COLUMNS}",
            (at, report_chat_id, release_id),
        ) as cursor,
    ):
        row = await cursor.fetchone()
    return None if row is None else _release(row)


async def discard(db: Database, release_id: int) -> bool:
    """Delete a draft or scheduled release that reached no one; False if it is past that stage."""
    if not valid_id(release_id):
        return False
    changed = await db.write(
        "DELETE FROM releases WHERE id = ? AND status IN ('draft', 'scheduled') "
        "AND NOT EXISTS (SELECT 1 FROM deliveries WHERE release_id = ?)",
        (release_id, release_id),
    )
    return changed > 0


async def set_photo(db: Database, release_id: int, photo: str | None) -> None:
    """Replace a release's photo: the file id Telegram gave for a web address, or none."""
    await db.write("UPDATE releases SET photo_file_id = ? WHERE id = ?", (photo, release_id))


async def recent(db: Database, limit: int = 10) -> list[Release]:
    """The newest releases first, whatever their status."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM releases ORDER BY id DESC LIMIT ?", (max(0, limit),)
    )
    return [_release(row) for row in rows]


async def due_scheduled(db: Database, now: float) -> list[Release]:
    """Scheduled releases whose time has come (late ones included), the earliest first."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM releases WHERE status = 'scheduled' AND scheduled_at <= ? "
        "ORDER BY scheduled_at, id",
        (now,),
    )
    return [_release(row) for row in rows]
