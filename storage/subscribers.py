"""Subscribers: who receives releases, how (as they come, digest, paused), in which language."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Literal

import aiosqlite

from storage.db import Database

Status = Literal["active", "unsubscribed", "blocked", "gone"]
# Whether a reader takes a digest, and how often.
DigestChoice = Literal["off", "daily", "weekly"]
STATUSES: tuple[Status, ...] = ("active", "unsubscribed", "blocked", "gone")
MODES = ("instant", "instant+daily", "instant+weekly", "daily", "weekly", "paused")


def mode_of(*, instant: bool, digest: str, paused: bool) -> str:
    """The delivery mode label for a combination of settings: one of `MODES`."""
    if paused:
        return "paused"
    if instant:
        return "instant" if digest == "off" else f"instant+{digest}"
    return digest


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A reader's subscription and preferences."""

    chat_id: int
    first_name: str
    username: str | None
    telegram_language: str | None
    language: str | None
    status: Status
    instant: bool
    digest: DigestChoice
    paused: bool
    digest_hour: int
    digest_weekday: int
    timezone: str | None
    digest_since: float | None
    created_at: float
    updated_at: float

    @property
    def is_active(self) -> bool:
        """Subscribed: not unsubscribed, blocked or gone."""
        return self.status == "active"

    @property
    def mode(self) -> str:
        """The delivery mode as shown to staff: one of `MODES`."""
        return mode_of(instant=self.instant, digest=self.digest, paused=self.paused)


@dataclass(frozen=True, slots=True)
class SubscriberCounts:
    """How many subscribers there are by status, and active ones by delivery mode."""

    by_status: dict[str, int]
    by_mode: dict[str, int]

    @property
    def total(self) -> int:
        """Everyone who ever subscribed."""
        return sum(self.by_status.values())

    @property
    def instant(self) -> int:
        """Active readers who get each release as it comes (a digest besides or not)."""
        mode = self.by_mode
        return mode["instant"] + mode["instant+daily"] + mode["instant+weekly"]


_COLUMNS = (
    "chat_id, first_name, username, telegram_language, language, status, instant, digest, "
    "paused, digest_hour, digest_weekday, timezone, digest_since, created_at, updated_at"
)


def _subscriber(row: aiosqlite.Row) -> Subscriber:
    return Subscriber(
        chat_id=row["chat_id"],
        first_name=row["first_name"],
        username=row["username"],
        telegram_language=row["telegram_language"],
        language=row["language"],
        status=row["status"],
        instant=bool(row["instant"]),
        digest=row["digest"],
        paused=bool(row["paused"]),
        digest_hour=row["digest_hour"],
        digest_weekday=row["digest_weekday"],
        timezone=row["timezone"],
        digest_since=row["digest_since"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def get(db: Database, chat_id: int) -> Subscriber | None:
    """The subscriber for a chat, or None if they never subscribed."""
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM subscribers WHERE chat_id = ?", (chat_id,))
    return _subscriber(row) if row else None


async def subscribe(
    db: Database,
    chat_id: int,
    *,
    first_name: str,
    username: str | None,
    telegram_language: str | None,
    now: float | None = None,
) -> tuple[Subscriber, Status | None]:
    """Subscribe or reactivate, keeping earlier settings; return it and its previous status."""
    now = time.time() if now is None else now
    async with db.transaction() as connection:
        async with connection.execute(
            "SELECT status FROM subscribers WHERE chat_id = ?", (chat_id,)
        ) as cursor:
            previous = await cursor.fetchone()
        async with connection.execute(
            f"""
            INSERT INTO subscribers (chat_id, first_name, username, telegram_language,
                                     status, digest_since, created_at, updated_at)
            VALUES (?, ?, ?, ?, 'active', ?, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET
                first_name = excluded.first_name,
                username = excluded.username,
                telegram_language = excluded.telegram_language,
                status = 'active',
                digest_since = CASE WHEN subscribers.status = 'active'
                    THEN subscribers.digest_since ELSE excluded.digest_since END,
                updated_at = excluded.updated_at
            RETURNING {_COLUMNS}
            """,
            (chat_id, first_name, username, telegram_language, now, now, now),
        ) as cursor:
            row = await cursor.fetchone()
    assert row is not None
    return _subscriber(row), previous["status"] if previous else None


async def set_status(db: Database, chat_id: int, status: Status) -> bool:
    """Change a subscriber's status; False if there is no such subscriber or nothing changed."""
    changed = await db.write(
        "UPDATE subscribers SET status = ?, updated_at = ? WHERE chat_id = ? AND status != ?",
        (status, time.time(), chat_id, status),
    )
    return changed > 0


async def set_delivery(
    db: Database, chat_id: int, *, instant: bool, digest: DigestChoice, paused: bool
) -> bool:
    """Choose how releases reach a subscriber; False if that was already the choice."""
    if not instant and digest == "off":
        raise ValueError("a subscriber gets releases as they come, in a digest, or both")
    now = time.time()
    changed = await db.write(
        """
        UPDATE subscribers SET instant = ?, digest = ?, paused = ?, updated_at = ?,
            digest_since = CASE WHEN digest = 'off' AND ? != 'off' THEN ? ELSE digest_since END
        WHERE chat_id = ? AND (instant != ? OR digest != ? OR paused != ?)
        """,
        (
            *(int(instant), digest, int(paused), now, digest, now, chat_id),
            *(int(instant), digest, int(paused)),
        ),
    )
    return changed > 0


async def set_digest_time(
    db: Database, chat_id: int, *, hour: int | None = None, weekday: int | None = None
) -> bool:
    """Set the local hour (0-23) and/or weekday (0 = Monday) of a digest; False if unchanged."""
    if hour is not None and not 0 <= hour <= 23:
        raise ValueError(f"hour {hour} is not 0-23")
    if weekday is not None and not 0 <= weekday <= 6:
        raise ValueError(f"weekday {weekday} is not 0-6")
    changed = await db.write(
        """
        UPDATE subscribers SET digest_hour = COALESCE(:hour, digest_hour),
            digest_weekday = COALESCE(:weekday, digest_weekday), updated_at = :now
        WHERE chat_id = :chat_id AND (digest_hour != COALESCE(:hour, digest_hour)
            OR digest_weekday != COALESCE(:weekday, digest_weekday))
        """,
        {"hour": hour, "weekday": weekday, "now": time.time(), "chat_id": chat_id},
    )
    return changed > 0


async def set_timezone(db: Database, chat_id: int, timezone: str | None) -> bool:
    """Set a subscriber's own IANA time zone (None: the press centre's); False if unchanged."""
    changed = await db.write(
        "UPDATE subscribers SET timezone = ?, updated_at = ? "
        "WHERE chat_id = ? AND timezone IS NOT ?",
        (timezone, time.time(), chat_id, timezone),
    )
    return changed > 0


class ChosenLanguages:
    """The interface languages readers chose in /settings, kept in memory and written through.

    Most readers never choose (`language` is NULL: they follow their Telegram language), so
    the few choices fit in memory and a star press learns its language without a read. `set`
    is the one writer of `subscribers.language`: it stores first, then remembers, so memory
    never holds what the database does not.
    """

    def __init__(self, db: Database, chosen: dict[int, str]) -> None:
        self._db = db
        self._chosen = chosen

    @classmethod
    async def load(cls, db: Database) -> ChosenLanguages:
        """Every choice stored, read in one query (at start-up)."""
        rows = await db.fetchall(
            "SELECT chat_id, language FROM subscribers WHERE language IS NOT NULL"
        )
        return cls(db, {row["chat_id"]: row["language"] for row in rows})

    def get(self, chat_id: int) -> str | None:
        """The language the reader chose, or None (they follow Telegram's)."""
        return self._chosen.get(chat_id)

    async def set(self, chat_id: int, language: str | None) -> bool:
        """Set the interface language (None: follow Telegram's); False if unchanged."""
        changed = await self._db.write(
            "UPDATE subscribers SET language = ?, updated_at = ? "
            "WHERE chat_id = ? AND language IS NOT ?",
            (language, time.time(), chat_id, language),
        )
        if not changed:
            # Unchanged, or no such subscriber: memory already agrees with the database.
            return False
        if language is None:
            self._chosen.pop(chat_id, None)
        else:
            self._chosen[chat_id] = language
        return True


async def counts(db: Database) -> SubscriberCounts:
    """Readers' counts by status, and for active ones by delivery mode (channels and groups
    are listed by /channels instead)."""
    rows = await db.fetchall(
        "SELECT status, instant, digest, paused, COUNT(*) AS n FROM subscribers "
        "WHERE kind = 'private' GROUP BY status, instant, digest, paused"
    )
    by_status: Counter[str] = Counter(dict.fromkeys(STATUSES, 0))
    by_mode: Counter[str] = Counter(dict.fromkeys(MODES, 0))
    for row in rows:
        by_status[row["status"]] += row["n"]
        if row["status"] != "active":
            continue
        mode = mode_of(instant=row["instant"], digest=row["digest"], paused=row["paused"])
        by_mode[mode] += row["n"]
    return SubscriberCounts(by_status=dict(by_status), by_mode=dict(by_mode))
