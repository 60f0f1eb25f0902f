"""Channels and groups: destinations that get every release beside the readers.

They live in the `subscribers` table (kind != 'private', a negative chat id), so publishing,
pacing, edits and retractions reach them through the same outbox. For them `status` means:
active = on, unsubscribed = off (switched off by staff or by a group's /stop, or added by
someone who is not staff and not yet switched on), blocked = the bot was removed or lost its
rights (`problem` says which), gone = the group moved to a supergroup (`problem` 'migrated').
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import Literal

import aiosqlite

from storage.db import Database
from storage.subscribers import Status

ChatKind = Literal["group", "supergroup", "channel"]
Problem = Literal["removed", "no_rights", "migrated"]
CHAT_KINDS: tuple[ChatKind, ...] = ("group", "supergroup", "channel")


@dataclass(frozen=True, slots=True)
class Destination:
    """A channel or group the bot posts releases to."""

    chat_id: int
    kind: ChatKind
    title: str
    thread_id: int | None
    status: Status
    problem: Problem | None
    member_count: int | None
    added_by: int | None
    telegram_language: str | None

    @property
    def is_on(self) -> bool:
        """Releases are posted there."""
        return self.status == "active"

    @property
    def is_reachable(self) -> bool:
        """The bot can still post there (it is on or off, not removed, rightless or moved)."""
        return self.status in ("active", "unsubscribed")


_COLUMNS = (
    "chat_id, kind, COALESCE(title, first_name) AS title, thread_id, status, problem, "
    "member_count, added_by, telegram_language"
)


def _destination(row: aiosqlite.Row | sqlite3.Row) -> Destination:
    return Destination(
        chat_id=row["chat_id"],
        kind=row["kind"],
        title=row["title"] or "",
        thread_id=row["thread_id"],
        status=row["status"],
        problem=row["problem"],
        member_count=row["member_count"],
        added_by=row["added_by"],
        telegram_language=row["telegram_language"],
    )


async def get(db: Database, chat_id: int) -> Destination | None:
    """The channel or group with this id, or None (never a reader's private chat)."""
    row = await db.fetchone(
        f"SELECT {_COLUMNS} FROM subscribers WHERE chat_id = ? AND kind != 'private'", (chat_id,)
    )
    return _destination(row) if row else None


async def listing(db: Database) -> list[Destination]:
    """Every channel and group ever added: channels first, then by title."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM subscribers WHERE kind != 'private' "
        "ORDER BY kind = 'channel' DESC, COALESCE(title, first_name) COLLATE NOCASE, chat_id"
    )
    return [_destination(row) for row in rows]


async def join(
    db: Database,
    chat_id: int,
    *,
    kind: ChatKind,
    title: str,
    on: bool,
    added_by: int | None,
    telegram_language: str | None,
    username: str | None = None,
    thread_id: int | None = None,
    member_count: int | None = None,
    now: float | None = None,
) -> tuple[Destination, Status | None]:
    """Add the chat as a destination, or update it: on (active) or off, its problem cleared.
    Returns it and its previous status (None: new). Reader chats are never touched."""
    if chat_id >= 0:
        raise ValueError(f"chat {chat_id} is a private chat, not a channel or group")
    now = time.time() if now is None else now
    status: Status = "active" if on else "unsubscribed"
    async with db.transaction() as connection:
        async with connection.execute(
            "SELECT status FROM subscribers WHERE chat_id = ?", (chat_id,)
        ) as cursor:
            previous = await cursor.fetchone()
        async with connection.execute(
            f"""
            INSERT INTO subscribers (chat_id, kind, title, first_name, username, telegram_language,
                                     status, thread_id, member_count, added_by,
                                     created_at, updated_at)
            VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET
                kind = excluded.kind,
                title = excluded.title,
                username = excluded.username,
                telegram_language = COALESCE(excluded.telegram_language,
                                             subscribers.telegram_language),
                status = excluded.status,
                problem = NULL,
                thread_id = COALESCE(excluded.thread_id, subscribers.thread_id),
                member_count = COALESCE(excluded.member_count, subscribers.member_count),
                added_by = COALESCE(excluded.added_by, subscribers.added_by),
                updated_at = excluded.updated_at
            RETURNING {_COLUMNS}
            """,
            (
                *(chat_id, kind, title, username, telegram_language, status),
                *(thread_id, member_count, added_by, now, now),
            ),
        ) as cursor:
            row = await cursor.fetchone()
    assert row is not None, "negative ids are never readers' private chats"
    return _destination(row), previous["status"] if previous else None


async def switch(db: Database, chat_id: int, *, on: bool) -> Destination | None:
    """Turn posting there on or off; None when the chat is unknown or unreachable (removed,
    rightless or moved: only adding the bot back, or its rights, brings it back)."""

    def work(connection: sqlite3.Connection) -> sqlite3.Row | None:
        row: sqlite3.Row | None = connection.execute(
            f"""
            UPDATE subscribers SET status = ?, updated_at = ?
            WHERE chat_id = ? AND kind != 'private' AND status IN ('active', 'unsubscribed')
            RETURNING {_COLUMNS}
            """,
            ("active" if on else "unsubscribed", time.time(), chat_id),
        ).fetchone()
        return row

    row = await db.run(work, urgent=True)
    return _destination(row) if row else None


async def mark_problem(db: Database, chat_id: int, problem: Problem) -> bool:
    """The bot was removed from the chat, lost its rights there, or the group moved: nothing
    more is posted there. True only the first time (so staff are told once)."""
    status: Status = "gone" if problem == "migrated" else "blocked"
    changed = await db.write(
        "UPDATE subscribers SET status = ?, problem = ?, updated_at = ? "
        "WHERE chat_id = ? AND kind != 'private' AND problem IS NOT ?",
        (status, problem, time.time(), chat_id, problem),
    )
    return changed > 0


async def set_thread(db: Database, chat_id: int, thread_id: int | None) -> bool:
    """Post into this forum topic (None: the general one); False if unchanged."""
    changed = await db.write(
        "UPDATE subscribers SET thread_id = ?, updated_at = ? "
        "WHERE chat_id = ? AND kind != 'private' AND thread_id IS NOT ?",
        (thread_id, time.time(), chat_id, thread_id),
    )
    return changed > 0


async def migrate(db: Database, old_chat_id: int, new_chat_id: int) -> Destination | None:
    """A group became a supergroup: the destination moves to the new id with its state, and
    the old one is kept as `gone` (its copies and deliveries stay where they were sent).
    None when there is no such destination or it moved already: of two who learn of the move
    at once (the service message, a refused send), one moves it."""
    now = time.time()
    async with db.transaction() as connection:
        async with connection.execute(
            f"SELECT {_COLUMNS}, username FROM subscribers "
            "WHERE chat_id = ? AND kind != 'private' AND problem IS NOT 'migrated'",
            (old_chat_id,),
        ) as cursor:
            old = await cursor.fetchone()
        if old is None:
            return None
        async with connection.execute(
            f"""
            INSERT INTO subscribers (chat_id, kind, title, first_name, username, telegram_language,
                                     status, problem, thread_id, member_count, added_by,
                                     created_at, updated_at)
            VALUES (?, 'supergroup', ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET
                kind = 'supergroup', title = excluded.title, status = excluded.status,
                problem = excluded.problem, updated_at = excluded.updated_at
            WHERE subscribers.kind != 'private'
            RETURNING {_COLUMNS}
            """,
            (
                *(new_chat_id, old["title"], old["username"], old["telegram_language"]),
                *(old["status"], old["problem"], old["thread_id"], old["member_count"]),
                *(old["added_by"], now, now),
            ),
        ) as cursor:
            row = await cursor.fetchone()
        await connection.execute(
            "UPDATE subscribers SET status = 'gone', problem = 'migrated', updated_at = ? "
            "WHERE chat_id = ?",
            (now, old_chat_id),
        )
    return _destination(row) if row else None
