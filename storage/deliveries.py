"""Deliveries: the outbox of releases and digests, one row per reader, and what became of each.

A row goes `pending` -> `sending` (claimed by the engine) -> `sent`, or ends `failed`, `blocked`
(the reader blocked the bot or deleted the account), `gone` (chat not found). A retracted copy
becomes `deleted`, or `expired` when Telegram no longer lets a bot delete it (48 h). A row that
was never sent because the release was retracted or the reader left first is `deleted` without a
message id: `cancelled` in the counts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import aiosqlite

from storage.db import Database

Status = Literal["pending", "sending", "sent", "failed", "blocked", "gone", "deleted", "expired"]
STATUSES: tuple[Status, ...] = (
    "pending",
    "sending",
    "sent",
    "failed",
    "blocked",
    "gone",
    "deleted",
    "expired",
)
CANCELLED_RETRACTED = "cancelled: the release was retracted"
CANCELLED_LEFT = "cancelled: the reader unsubscribed or paused before their turn"
CANCELLED_MOVED = "cancelled: the group became a supergroup that has its own copy"


class NotPublishable(ValueError):
    """The release does not exist or is past the draft/scheduled stage."""


class NotRetractable(ValueError):
    """The release does not exist or never went out."""


@dataclass(frozen=True, slots=True)
class DeliveryStats:
    """How many deliveries of one release are in each state."""

    pending: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    gone: int = 0
    deleted: int = 0
    expired: int = 0
    cancelled: int = 0

    @property
    def delivered(self) -> int:
        """Copies that reached a reader (later deletions and expiries included)."""
        return self.sent + self.expired + self.deleted - self.cancelled

    @property
    def total(self) -> int:
        """Every delivery row of the release."""
        return (
            self.pending
            + self.sending
            + self.sent
            + self.failed
            + self.blocked
            + self.gone
            + self.deleted
            + self.expired
        )

    @property
    def unsent(self) -> int:
        """Deliveries still waiting for their turn or in flight."""
        return self.pending + self.sending


@dataclass(frozen=True, slots=True)
class Failure:
    """A delivery that failed for good, and Telegram's (or the network's) last error."""

    chat_id: int
    error: str


@dataclass(frozen=True, slots=True)
class Job:
    """A claimed delivery, with what rendering it needs to know about the reader."""

    id: int
    release_id: int | None
    digest_id: int | None
    chat_id: int
    attempts: int
    message_id: int | None
    language: str | None
    telegram_language: str | None
    stars: int | None
    kind: str = "private"
    thread_id: int | None = None

    @property
    def to_chat(self) -> bool:
        """A channel or group copy: it carries the live counter, not one reader's vote."""
        return self.kind != "private"


@dataclass(frozen=True, slots=True)
class Copy:
    """A delivered copy of a release as the engine edits or deletes it."""

    id: int
    chat_id: int
    message_id: int
    extra_message_id: int | None
    revision: int
    sent_at: float | None
    language: str | None
    telegram_language: str | None
    stars: int | None
    kind: str = "private"

    @property
    def to_chat(self) -> bool:
        """A channel or group copy: it carries the live counter, not one reader's vote."""
        return self.kind != "private"


@dataclass(frozen=True, slots=True)
class Delivered:
    """Outcome: the copy reached the reader (`tally`: what a chat copy's counter shows)."""

    id: int
    message_id: int
    extra_message_id: int | None
    revision: int
    at: float
    tally: str | None = None


@dataclass(frozen=True, slots=True)
class Retry:
    """Outcome: try again at `at` (`counted`: the attempt counts towards the limit)."""

    id: int
    at: float
    error: str | None
    message_id: int | None = None
    counted: bool = True


@dataclass(frozen=True, slots=True)
class Undelivered:
    """Outcome: the delivery ends `failed`, `blocked`, `gone` or cancelled (`deleted`)."""

    id: int
    chat_id: int
    status: Literal["failed", "blocked", "gone", "deleted"]
    error: str
    message_id: int | None = None


Outcome = Delivered | Retry | Undelivered


async def enqueue_release(
    db: Database, release_id: int, *, report_chat_id: int | None, clock: Callable[[], float]
) -> int:
    """Queue one delivery per active, unpaused, as-they-come subscriber and mark the release
    `sending`, all in one transaction; return how many were queued."""
    async with db.transaction() as connection:
        # The publication time is read once the write lock is held: a digest run that closed
        # its window before this commit then has an earlier end than this release, which falls
        # in the reader's next window instead of between two.
        now = clock()
        async with connection.execute(
            "UPDATE releases SET status = 'sending', published_at = ?, "
            "report_chat_id = COALESCE(?, report_chat_id) "
            "WHERE id = ? AND status IN ('draft', 'scheduled') RETURNING revision",
            (now, report_chat_id, release_id),
        ) as cursor:
            if await cursor.fetchone() is None:
                raise NotPublishable(f"release {release_id} is not a draft or scheduled release")
        cursor = await connection.execute(
            "INSERT INTO deliveries (release_id, chat_id, created_at) "
            "SELECT ?, chat_id, ? FROM subscribers "
            "WHERE status = 'active' AND paused = 0 AND instant = 1 ORDER BY chat_id",
            (release_id, now),
        )
        return cursor.rowcount


async def reset_in_flight(db: Database) -> int:
    """Return rows left `sending` by a stopped or killed process to `pending`; return how many."""
    return await db.write("UPDATE deliveries SET status = 'pending' WHERE status = 'sending'")


async def claim(db: Database, now: float, limit: int) -> list[Job]:
    """Mark up to `limit` due pending deliveries `sending` and return them, oldest first.

    Rows whose reader is no longer reachable or no longer wants them are settled in the same
    transaction instead: `blocked`/`gone` as the reader is, else cancelled.
    """
    return await db.run(lambda connection: _claim(connection, now, limit))


def _claim(connection: sqlite3.Connection, now: float, limit: int) -> list[Job]:
    rows = connection.execute(
        """
        SELECT d.id, d.release_id, d.digest_id, d.chat_id, d.attempts, d.message_id,
               s.language, s.telegram_language, s.status AS reader, s.paused, s.instant,
               v.stars, s.kind, s.thread_id, s.problem
        FROM deliveries AS d
        JOIN subscribers AS s ON s.chat_id = d.chat_id
        LEFT JOIN votes AS v ON v.release_id = d.release_id AND v.user_id = d.chat_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= ?
        ORDER BY d.next_attempt_at, d.id
        LIMIT ?
        """,
        (now, limit),
    ).fetchall()
    jobs: list[Job] = []
    settled: list[tuple[str, str | None, int]] = []
    for row in rows:
        wanted = row["reader"] == "active" and not row["paused"]
        # A group that moved to a supergroup is still sent to: Telegram's answer names the new
        # chat, and the outbox moves the delivery there (nothing lost, nothing sent twice).
        wanted = wanted or row["problem"] == "migrated"
        if row["digest_id"] is None:
            wanted = wanted and bool(row["instant"])
        if wanted:
            jobs.append(_job(row))
        elif row["reader"] in ("blocked", "gone"):
            settled.append((row["reader"], f"the reader is {row['reader']}", row["id"]))
        else:
            settled.append(("deleted", CANCELLED_LEFT, row["id"]))
    if jobs:
        connection.execute(
            f"UPDATE deliveries SET status = 'sending' WHERE id IN ({_marks(len(jobs))})",
            [job.id for job in jobs],
        )
    if settled:
        connection.executemany("UPDATE deliveries SET status = ?, error = ? WHERE id = ?", settled)
    return jobs


def _marks(count: int) -> str:
    return ", ".join("?" * count)


def _job(row: aiosqlite.Row) -> Job:
    return Job(
        id=row["id"],
        release_id=row["release_id"],
        digest_id=row["digest_id"],
        chat_id=row["chat_id"],
        attempts=row["attempts"],
        message_id=row["message_id"],
        language=row["language"],
        telegram_language=row["telegram_language"],
        stars=row["stars"],
        kind=row["kind"],
        thread_id=row["thread_id"],
    )


async def record(db: Database, outcomes: Sequence[Outcome], *, now: float) -> None:
    """Write a batch of delivery outcomes, and the reader status they imply, in one transaction."""
    sent = [
        (o.message_id, o.extra_message_id, o.revision, o.at, o.tally, o.id)
        for o in outcomes
        if isinstance(o, Delivered)
    ]
    retries = [
        (int(o.counted), o.at, o.error, o.message_id, o.id)
        for o in outcomes
        if isinstance(o, Retry)
    ]
    finals = [
        (o.status, o.error, int(o.status != "deleted"), o.message_id, o.id)
        for o in outcomes
        if isinstance(o, Undelivered)
    ]
    unreachable = [
        (o.status, o.chat_id)
        for o in outcomes
        if isinstance(o, Undelivered) and o.status in ("blocked", "gone")
    ]
    if sent or retries or finals:
        await db.run(
            lambda connection: _record(connection, sent, retries, finals, unreachable, now)
        )


def _record(
    connection: sqlite3.Connection,
    sent: Sequence[tuple[int, int | None, int, float, str | None, int]],
    retries: Sequence[tuple[int, float, str | None, int | None, int]],
    finals: Sequence[tuple[str, str | None, int, int | None, int]],
    unreachable: Sequence[tuple[str, int]],
    now: float,
) -> None:
    connection.executemany(
        "UPDATE deliveries SET status = 'sent', message_id = ?, extra_message_id = ?, "
        "revision = ?, sent_at = ?, tally = ?, attempts = attempts + 1, error = NULL "
        "WHERE id = ?",
        sent,
    )
    connection.executemany(
        "UPDATE deliveries SET status = 'pending', attempts = attempts + ?, "
        "next_attempt_at = ?, error = COALESCE(?, error), "
        "message_id = COALESCE(?, message_id) WHERE id = ?",
        retries,
    )
    connection.executemany(
        "UPDATE deliveries SET status = ?, error = ?, attempts = attempts + ?, "
        "message_id = COALESCE(?, message_id) WHERE id = ?",
        finals,
    )
    # A reader who unsubscribed stays unsubscribed: /start is what brings anyone back.
    connection.executemany(
        "UPDATE subscribers SET status = ?, updated_at = ? "
        "WHERE chat_id = ? AND status = 'active'",
        [(status, now, chat_id) for status, chat_id in unreachable],
    )


async def _mark_readers(
    connection: aiosqlite.Connection, unreachable: Iterable[tuple[str, int]], now: float
) -> None:
    # A reader who unsubscribed stays unsubscribed: /start is what brings anyone back.
    await connection.executemany(
        "UPDATE subscribers SET status = ?, updated_at = ? "
        "WHERE chat_id = ? AND status = 'active'",
        [(status, now, chat_id) for status, chat_id in unreachable],
    )


async def mark_readers(
    db: Database, unreachable: Iterable[tuple[str, int]], *, now: float
) -> None:
    """Mark readers `blocked` or `gone` as an edit or a deletion found them: (status, chat_id)."""
    rows = list(unreachable)
    if rows:
        async with db.transaction() as connection:
            await _mark_readers(connection, rows, now)


async def next_due(db: Database) -> float | None:
    """When the earliest pending delivery may be tried, or None when nothing is pending."""
    row = await db.fetchone(
        "SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE status = 'pending'"
    )
    return None if row is None or row["at"] is None else float(row["at"])


async def stats(db: Database, release_id: int) -> DeliveryStats:
    """Counts of one release's deliveries by status."""
    rows = await db.fetchall(
        "SELECT status, message_id IS NULL AS unsent, COUNT(*) AS n FROM deliveries "
        "WHERE release_id = ? GROUP BY status, message_id IS NULL",
        (release_id,),
    )
    counts = dict.fromkeys(STATUSES, 0)
    cancelled = 0
    for row in rows:
        counts[row["status"]] += row["n"]
        if row["status"] == "deleted" and row["unsent"]:
            cancelled += row["n"]
    return DeliveryStats(**counts, cancelled=cancelled)


async def failures(db: Database, release_id: int, limit: int = 10) -> list[Failure]:
    """Deliveries of a release that failed for good, with their last error."""
    rows = await db.fetchall(
        "SELECT chat_id, error FROM deliveries WHERE release_id = ? AND status = 'failed' "
        "ORDER BY id LIMIT ?",
        (release_id, max(0, limit)),
    )
    return [Failure(chat_id=row["chat_id"], error=row["error"] or "") for row in rows]


async def copies(
    db: Database,
    release_id: int,
    *,
    older_than: int | None = None,
    after_id: int = 0,
    limit: int = 500,
) -> list[Copy]:
    """Delivered copies (status `sent`) of a release by id, each with the reader's own vote;
    `older_than`: only those rendered from an earlier revision than that."""
    rows = await db.fetchall(
        """
        SELECT d.id, d.chat_id, d.message_id, d.extra_message_id, d.revision, d.sent_at,
               s.language, s.telegram_language, v.stars, s.kind
        FROM deliveries AS d
        JOIN subscribers AS s ON s.chat_id = d.chat_id
        LEFT JOIN votes AS v ON v.release_id = d.release_id AND v.user_id = d.chat_id
        WHERE d.release_id = ? AND d.status = 'sent' AND d.message_id IS NOT NULL
          AND d.revision < ? AND d.id > ?
        ORDER BY d.id
        LIMIT ?
        """,
        (release_id, older_than if older_than is not None else 2**62, after_id, limit),
    )
    return [
        Copy(
            id=row["id"],
            chat_id=row["chat_id"],
            message_id=row["message_id"],
            extra_message_id=row["extra_message_id"],
            revision=row["revision"],
            sent_at=row["sent_at"],
            language=row["language"],
            telegram_language=row["telegram_language"],
            stars=row["stars"],
            kind=row["kind"],
        )
        for row in rows
    ]


async def mark_edited(db: Database, edited: Iterable[tuple[int, int, int | None]]) -> None:
    """Record copies brought up to date: (delivery id, revision, extra message id or None)."""
    rows = [(revision, extra, delivery_id) for delivery_id, revision, extra in edited]
    if rows:
        await db.write_many(
            "UPDATE deliveries SET revision = ?, "
            "extra_message_id = COALESCE(?, extra_message_id) WHERE id = ?",
            rows,
        )


async def mark_removed(db: Database, removed: Iterable[tuple[str, int]]) -> None:
    """Settle retracted copies: (`deleted`, `expired` or `blocked`, delivery id)."""
    rows = list(removed)
    if rows:
        await db.write_many("UPDATE deliveries SET status = ? WHERE id = ?", rows)


async def retract(db: Database, release_id: int, *, now: float) -> int:
    """Mark a published release retracted and cancel its unsent deliveries in one transaction;
    return how many were cancelled. Retracting again is allowed (it cancels nothing new)."""
    async with db.transaction() as connection:
        async with connection.execute(
            "UPDATE releases SET status = 'retracted', "
            "retracted_at = COALESCE(retracted_at, ?) "
            "WHERE id = ? AND status IN ('sending', 'sent', 'retracted') RETURNING id",
            (now, release_id),
        ) as cursor:
            if await cursor.fetchone() is None:
                raise NotRetractable(f"release {release_id} was never published")
        cursor = await connection.execute(
            "UPDATE deliveries SET status = 'deleted', error = ? "
            "WHERE release_id = ? AND status = 'pending'",
            (CANCELLED_RETRACTED, release_id),
        )
        return cursor.rowcount


async def finish(db: Database, release_id: int) -> bool:
    """Mark a `sending` release `sent` once none of its deliveries is pending or in flight."""
    changed = await db.write(
        "UPDATE releases SET status = 'sent' WHERE id = ? AND status = 'sending' "
        "AND NOT EXISTS (SELECT 1 FROM deliveries WHERE release_id = ? "
        "AND status IN ('pending', 'sending'))",
        (release_id, release_id),
    )
    return changed > 0


async def sending_releases(db: Database) -> list[int]:
    """Ids of releases that are going out now."""
    rows = await db.fetchall("SELECT id FROM releases WHERE status = 'sending' ORDER BY id")
    return [row["id"] for row in rows]


async def unfinished_edits(db: Database) -> list[int]:
    """Published releases with copies rendered from an older revision (an edit to resume)."""
    rows = await db.fetchall(
        "SELECT r.id FROM releases AS r WHERE r.status IN ('sending', 'sent') AND EXISTS "
        "(SELECT 1 FROM deliveries AS d WHERE d.release_id = r.id AND d.status = 'sent' "
        "AND d.revision < r.revision) ORDER BY r.id"
    )
    return [row["id"] for row in rows]


async def unfinished_retractions(db: Database) -> list[int]:
    """Retracted releases with copies still on readers' screens (a retraction to resume)."""
    rows = await db.fetchall(
        "SELECT r.id FROM releases AS r WHERE r.status = 'retracted' AND EXISTS "
        "(SELECT 1 FROM deliveries AS d WHERE d.release_id = r.id AND d.status = 'sent') "
        "ORDER BY r.id"
    )
    return [row["id"] for row in rows]


async def set_report_message(db: Database, release_id: int, message_id: int) -> None:
    """Remember the staff chat's progress message of a release, to edit it after a restart."""
    await db.write(
        "UPDATE releases SET report_message_id = ? WHERE id = ?", (message_id, release_id)
    )


# --- Channel and group copies: their live counters -------------------------------------------


def tally_of(vote_count: int, vote_sum: int) -> str:
    """What a chat copy's counter shows, as stored in `deliveries.tally`: "count:sum"."""
    return f"{vote_count}:{vote_sum}"


@dataclass(frozen=True, slots=True)
class ChatCopy:
    """A release's copy in a channel or group: `message_id` is the message with the stars."""

    id: int
    release_id: int
    chat_id: int
    message_id: int
    language: str | None
    telegram_language: str | None
    tally: str | None


_CHAT_COPIES = """
    SELECT d.id, d.release_id, d.chat_id, COALESCE(d.extra_message_id, d.message_id) AS shown,
           s.language, s.telegram_language, d.tally
    FROM deliveries AS d
    JOIN subscribers AS s ON s.chat_id = d.chat_id
    JOIN releases AS r ON r.id = d.release_id
    WHERE d.chat_id < 0 AND d.status = 'sent' AND d.message_id IS NOT NULL
      AND s.status IN ('active', 'unsubscribed') AND r.status IN ('sending', 'sent')
"""


def _chat_copy(row: aiosqlite.Row) -> ChatCopy:
    return ChatCopy(
        id=row["id"],
        release_id=row["release_id"],
        chat_id=row["chat_id"],
        message_id=row["shown"],
        language=row["language"],
        telegram_language=row["telegram_language"],
        tally=row["tally"],
    )


async def chat_copies(db: Database, release_id: int) -> list[ChatCopy]:
    """The release's copies in channels and groups the bot can still edit."""
    rows = await db.fetchall(f"{_CHAT_COPIES} AND d.release_id = ? ORDER BY d.id", (release_id,))
    return [_chat_copy(row) for row in rows]


async def stale_chat_copies(db: Database) -> list[ChatCopy]:
    """Chat copies whose counter shows other totals than the release has now (a restart came
    between a vote and its counter's edit)."""
    rows = await db.fetchall(
        f"{_CHAT_COPIES} AND d.tally IS NOT (r.vote_count || ':' || r.vote_sum) ORDER BY d.id"
    )
    return [_chat_copy(row) for row in rows]


async def set_tallies(db: Database, shown: Iterable[tuple[int, str]]) -> None:
    """Record what chat copies' counters show now: (delivery id, "count:sum")."""
    rows = [(tally, delivery_id) for delivery_id, tally in shown]
    if rows:
        await db.write_many("UPDATE deliveries SET tally = ? WHERE id = ?", rows)


async def move(db: Database, delivery_id: int, chat_id: int) -> bool:
    """Send the delivery to `chat_id` instead (its group became that supergroup); False when
    that chat has its own copy of the release already (the caller cancels this one)."""

    def work(connection: sqlite3.Connection) -> bool:
        try:
            connection.execute(
                "UPDATE deliveries SET chat_id = ? WHERE id = ?", (chat_id, delivery_id)
            )
        except sqlite3.IntegrityError:
            # UNIQUE (release_id, chat_id): the supergroup got the release when it was published.
            return False
        return True

    return await db.run(work)
