"""Storage: migrations upgrade old files in place; subscribers keep their settings."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from storage import subscribers
from storage.db import Database
from storage.schema import MIGRATIONS


def _make_old_file(path: Path, version: int) -> None:
    """A database file as an older Pressroom left it, with one subscriber."""
    connection = sqlite3.connect(path)
    for script in MIGRATIONS[:version]:
        connection.executescript(script)
    connection.execute(f"PRAGMA user_version = {version}")
    connection.execute(
        "INSERT INTO subscribers (chat_id, first_name, language, instant, digest, digest_hour, "
        "created_at, updated_at) VALUES (42, 'Anna', 'ru', 0, 'daily', 7, 1.0, 1.0)"
    )
    connection.commit()
    connection.close()


@pytest.mark.parametrize("version", range(1, len(MIGRATIONS) + 1))
async def test_an_older_file_is_upgraded_in_place(tmp_path: Path, version: int) -> None:
    path = tmp_path / "old.sqlite3"
    _make_old_file(path, version)
    db = await Database.open(path)
    try:
        assert await db.version() == len(MIGRATIONS)
        anna = await subscribers.get(db, 42)
        assert anna is not None
        assert (anna.first_name, anna.language, anna.digest, anna.digest_hour) == (
            "Anna",
            "ru",
            "daily",
            7,
        )
        assert not anna.instant
        assert anna.digest_weekday == 0
        journal = await db.fetchone("PRAGMA journal_mode")
        foreign_keys = await db.fetchone("PRAGMA foreign_keys")
        assert journal is not None and journal[0] == "wal"
        assert foreign_keys is not None and foreign_keys[0] == 1
    finally:
        await db.close()


async def test_a_newer_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    connection.close()
    with pytest.raises(RuntimeError, match="newer than this code"):
        await Database.open(path)


async def test_the_folder_is_created(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a" / "b" / "pressroom.sqlite3")
    await db.close()
    assert (tmp_path / "a" / "b" / "pressroom.sqlite3").exists()


async def test_subscribe_stop_and_come_back_keeps_settings(db: Database) -> None:
    first, previous = await subscribers.subscribe(
        db, 7, first_name="Ivan", username="ivan", telegram_language="ru"
    )
    assert previous is None and first.status == "active" and first.mode == "instant"
    assert await subscribers.set_delivery(db, 7, instant=False, digest="weekly", paused=False)
    assert await subscribers.set_digest_time(db, 7, hour=18, weekday=4)
    assert await (await subscribers.ChosenLanguages.load(db)).set(7, "en")
    assert await subscribers.set_status(db, 7, "unsubscribed")
    again, previous = await subscribers.subscribe(
        db, 7, first_name="Ivan", username=None, telegram_language="ru"
    )
    assert previous == "unsubscribed"
    assert (again.status, again.mode, again.digest_hour, again.digest_weekday) == (
        "active",
        "weekly",
        18,
        4,
    )
    assert again.language == "en"


async def test_unchanged_settings_report_no_change(db: Database) -> None:
    await subscribers.subscribe(db, 7, first_name="Ivan", username=None, telegram_language=None)
    assert not await subscribers.set_delivery(db, 7, instant=True, digest="off", paused=False)
    assert not await subscribers.set_digest_time(db, 7, hour=9)
    assert not await (await subscribers.ChosenLanguages.load(db)).set(7, None)
    assert not await subscribers.set_status(db, 7, "active")
    assert not await subscribers.set_status(db, 404, "blocked")


async def test_bad_settings_are_refused_and_change_nothing(db: Database) -> None:
    await subscribers.subscribe(db, 7, first_name="Ivan", username=None, telegram_language=None)
    with pytest.raises(ValueError, match="as they come, in a digest, or both"):
        await subscribers.set_delivery(db, 7, instant=False, digest="off", paused=False)
    with pytest.raises(ValueError, match="not 0-23"):
        await subscribers.set_digest_time(db, 7, hour=24)
    with pytest.raises(sqlite3.IntegrityError):
        await db.write("UPDATE subscribers SET status = 'lost' WHERE chat_id = 7")
    ivan = await subscribers.get(db, 7)
    assert ivan is not None and (ivan.mode, ivan.digest_hour, ivan.status) == (
        "instant",
        9,
        "active",
    )


async def _remembered_as_stored(languages: subscribers.ChosenLanguages, db: Database) -> None:
    """Memory holds exactly the choices the database holds."""
    rows = await db.fetchall("SELECT chat_id, language FROM subscribers")
    assert rows, "no subscribers to compare"
    for row in rows:
        assert languages.get(row["chat_id"]) == row["language"], row["chat_id"]


async def test_chosen_languages_follow_every_write(tmp_path: Path) -> None:
    path = tmp_path / "pressroom.sqlite3"
    db = await Database.open(path)
    try:
        await subscribers.subscribe(
            db, 7, first_name="Ivan", username=None, telegram_language="en"
        )
        languages = await subscribers.ChosenLanguages.load(db)
        assert languages.get(7) is None
        await _remembered_as_stored(languages, db)

        assert await languages.set(7, "ru") and languages.get(7) == "ru"
        assert not await languages.set(7, "ru") and languages.get(7) == "ru"
        await _remembered_as_stored(languages, db)
        assert await languages.set(7, "en") and languages.get(7) == "en"
        await _remembered_as_stored(languages, db)
        # Back to following Telegram's language.
        assert await languages.set(7, None) and languages.get(7) is None
        assert not await languages.set(7, None) and languages.get(7) is None
        await _remembered_as_stored(languages, db)

        # Nobody to set it for: nothing remembered either.
        assert not await languages.set(404, "ru") and languages.get(404) is None

        # A new subscriber follows Telegram's; one who comes back keeps their choice.
        assert await languages.set(7, "ru")
        await subscribers.set_status(db, 7, "unsubscribed")
        await subscribers.subscribe(
            db, 7, first_name="Ivan", username=None, telegram_language="en"
        )
        await subscribers.subscribe(
            db, 8, first_name="Olga", username=None, telegram_language="ru"
        )
        assert (languages.get(7), languages.get(8)) == ("ru", None)
        assert await languages.set(8, "en")
        await _remembered_as_stored(languages, db)
    finally:
        await db.close()

    # A restart reads the choices back.
    db = await Database.open(path)
    try:
        languages = await subscribers.ChosenLanguages.load(db)
        assert (languages.get(7), languages.get(8), languages.get(404)) == ("ru", "en", None)
        await _remembered_as_stored(languages, db)
    finally:
        await db.close()


async def test_a_refused_language_write_is_not_remembered(db: Database) -> None:
    await subscribers.subscribe(db, 7, first_name="Ivan", username=None, telegram_language="en")
    languages = await subscribers.ChosenLanguages.load(db)
    with pytest.raises(sqlite3.IntegrityError):
        await languages.set(7, "de")
    assert languages.get(7) is None
    await _remembered_as_stored(languages, db)


async def test_counts_by_status_and_mode(db: Database) -> None:
    for chat_id in range(1, 7):
        await subscribers.subscribe(
            db, chat_id, first_name="R", username=None, telegram_language=None
        )
    await subscribers.set_delivery(db, 2, instant=False, digest="daily", paused=False)
    await subscribers.set_delivery(db, 3, instant=True, digest="weekly", paused=False)
    await subscribers.set_delivery(db, 4, instant=True, digest="off", paused=True)
    await subscribers.set_status(db, 5, "blocked")
    await subscribers.set_status(db, 6, "unsubscribed")
    counts = await subscribers.counts(db)
    assert counts.total == 6
    assert counts.by_status == {"active": 4, "unsubscribed": 1, "blocked": 1, "gone": 0}
    assert counts.by_mode == {
        "instant": 1,
        "instant+daily": 0,
        "instant+weekly": 1,
        "daily": 1,
        "weekly": 0,
        "paused": 1,
    }


async def test_a_failed_transaction_leaves_nothing(db: Database) -> None:
    async def insert_then_fail() -> None:
        async with db.transaction() as connection:
            await connection.execute(
                "INSERT INTO subscribers (chat_id, created_at, updated_at) VALUES (1, 0, 0)"
            )
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await insert_then_fail()
    assert await subscribers.get(db, 1) is None


async def test_a_writer_cancelled_while_it_begins_leaves_the_connection_usable(
    db: Database,
) -> None:
    async def insert() -> None:
        async with db.transaction() as connection:
            await connection.execute(
                "INSERT INTO subscribers (chat_id, created_at, updated_at) VALUES (1, 0, 0)"
            )

    # Cancelled at its first await: BEGIN IMMEDIATE is queued and runs all the same.
    writer = asyncio.create_task(insert())
    await asyncio.sleep(0)
    writer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await writer
    subscriber, _ = await subscribers.subscribe(
        db, 2, first_name="Next", username=None, telegram_language="en", now=0.0
    )
    assert subscriber.chat_id == 2 and await subscribers.get(db, 1) is None
