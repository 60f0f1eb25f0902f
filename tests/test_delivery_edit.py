"""Edits reach every delivered copy with each reader's own vote; retraction deletes copies."""

from __future__ import annotations

import time
from pathlib import Path

from bot import render
from bot.sending import send_view
from storage import deliveries, releases, votes
from storage.db import Database
from tests.delivery_kit import (
    TITLE,
    add_readers,
    copies,
    draft,
    running_engine,
    wait_status,
)
from tests.emulator import Emulator
from tests.emulator.state import StoredMessage
from tests.harness import STAFF_ID

NEW_TITLE = "Port of Tallinn opens two terminals"
PHOTO = "https://port.example/terminal.jpg"
LONG_SUMMARY = "The new terminal doubles the passenger capacity of the harbour. " * 30


def the_copy(emulator: Emulator, chat_id: int) -> StoredMessage:
    """The reader's one message carrying the rating row."""
    (message,) = [m for m in emulator.messages(chat_id, include_deleted=True) if m.buttons]
    return message


def stars(message: StoredMessage) -> list[str]:
    """The rating row as the reader sees it."""
    return [button["text"] for button in message.buttons]


async def test_an_edit_reaches_every_copy_and_keeps_each_readers_vote(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    readers = await add_readers(db, emulator, range(1, 7))
    release = await draft(db)
    async with running_engine(emulator, db, tmp_path) as engine:
        await engine.publish(release.id, report_chat_id=None)
        await wait_status(db, release.id, "sent")
        await votes.cast(db, release.id, 1, 4, time.time())
        await votes.cast(db, release.id, 2, 2, time.time())
        updated = await releases.update_text(db, release.id, title=NEW_TITLE)
        assert updated is not None and updated.revision == 2
        assert await engine.edit(release.id) == 6
        assert await engine.edit(release.id) == 0
    for chat in readers:
        message = the_copy(emulator, chat)
        assert message.spans("bold") == [NEW_TITLE] and message.edit_count == 1
        assert len(emulator.messages(chat)) == 1
    assert stars(the_copy(emulator, 1)) == ["1 ★", "2 ★", "3 ★", "✓ 4 ★", "5 ★"]
    assert stars(the_copy(emulator, 2)) == ["1 ★", "✓ 2 ★", "3 ★", "4 ★", "5 ★"]
    assert stars(the_copy(emulator, 3)) == ["1 ★", "2 ★", "3 ★", "4 ★", "5 ★"]
    assert emulator.sent_count("editMessageText") == 6


async def test_photo_copies_are_edited_in_the_shape_they_were_sent(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    readers = await add_readers(db, emulator, range(1, 4))
    caption = await draft(db, photo=PHOTO)
    apart = await draft(db, title="Long one", summary=LONG_SUMMARY, photo=PHOTO)
    async with running_engine(emulator, db, tmp_path) as engine:
        for release in (caption, apart):
            await engine.publish(release.id, report_chat_id=None)
            await wait_status(db, release.id, "sent")
        await releases.update_text(db, caption.id, title=NEW_TITLE)
        await releases.update_text(db, apart.id, title="Long one, edited")
        assert await engine.edit(caption.id) == 3
        assert await engine.edit(apart.id) == 3
    for chat in readers:
        photo_caption, photo_title, text = emulator.messages(chat)
        assert photo_caption.photo and photo_caption.spans("bold") == [NEW_TITLE]
        assert photo_caption.buttons and photo_caption.edit_count == 1
        assert photo_title.photo and photo_title.caption == "Long one, edited"
        assert not photo_title.buttons
        assert text.spans("bold") == ["Long one, edited"] and text.buttons


async def test_a_photo_copy_sent_apart_keeps_its_shape_and_shows_the_new_title(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    # The edit makes the text short enough for a caption; the copy stays photo + text, and the
    # photo's caption (the title) must not go on showing the old title.
    (reader,) = await add_readers(db, emulator, [1])
    apart = await draft(db, title="Long one", summary=LONG_SUMMARY, photo=PHOTO)
    async with running_engine(emulator, db, tmp_path) as engine:
        await engine.publish(apart.id, report_chat_id=None)
        await wait_status(db, apart.id, "sent")
        await releases.update_text(db, apart.id, title="Short one", summary="Now it is short.")
        assert await engine.edit(apart.id) == 1
    photo_title, text = emulator.messages(reader)
    assert photo_title.photo and photo_title.caption == "Short one" and not photo_title.buttons
    assert text.spans("bold") == ["Short one"] and "Now it is short." in text.content
    assert text.buttons


async def test_readers_see_exactly_what_the_staff_preview_showed(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    emulator.add_user(STAFF_ID, first_name="Editor")
    (reader,) = await add_readers(db, emulator, [1])
    for release in (
        await draft(db),
        await draft(db, photo=PHOTO),
        await draft(db, summary=LONG_SUMMARY, photo=PHOTO),
    ):
        async with running_engine(emulator, db, tmp_path) as engine:
            preview_from = len(emulator.messages(STAFF_ID))
            await send_view(engine.bot, STAFF_ID, render.release_view(release, "en"))
            copy_from = len(emulator.messages(reader))
            await engine.publish(release.id, report_chat_id=None)
            await wait_status(db, release.id, "sent")
        preview = emulator.messages(STAFF_ID)[preview_from:]
        copy = emulator.messages(reader)[copy_from:]
        assert [(m.text, m.entities, m.caption, m.caption_entities, m.buttons) for m in copy] == [
            (m.text, m.entities, m.caption, m.caption_entities, m.buttons) for m in preview
        ]
        assert [bool(m.photo) for m in copy] == [bool(m.photo) for m in preview]


async def test_retracting_deletes_every_copy_within_48_hours(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    readers = await add_readers(db, emulator, range(1, 6))
    plain, apart = await draft(db), await draft(db, summary=LONG_SUMMARY, photo=PHOTO)
    async with running_engine(emulator, db, tmp_path) as engine:
        for release in (plain, apart):
            await engine.publish(release.id, report_chat_id=None)
            await wait_status(db, release.id, "sent")
            result = await engine.retract(release.id)
            assert (result.deleted, result.expired, result.cancelled) == (5, 0, 0)
            assert (await deliveries.stats(db, release.id)).deleted == 5
    for chat in readers:
        assert emulator.messages(chat) == []
        assert len(emulator.messages(chat, include_deleted=True)) == 3
    assert (await releases.get(db, plain.id)).status == "retracted"  # type: ignore[union-attr]


async def test_copies_older_than_48_hours_are_marked_expired(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    readers = await add_readers(db, emulator, range(1, 6))
    release = await draft(db)
    async with running_engine(emulator, db, tmp_path) as engine:
        await engine.publish(release.id, report_chat_id=None)
        await wait_status(db, release.id, "sent")
        emulator.advance(49 * 3600)
        result = await engine.retract(release.id)
    assert (result.deleted, result.expired) == (0, 5)
    stats = await deliveries.stats(db, release.id)
    assert (stats.expired, stats.delivered) == (5, 5)
    assert [copies(emulator, chat) for chat in readers] == [1] * 5
    shown = [emulator.messages(chat, include_deleted=True) for chat in readers]
    assert all(not m.deleted for messages in shown for m in messages)


async def test_retracting_while_sending_cancels_the_rest(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    readers = await add_readers(db, emulator, range(1, 41))
    release = await draft(db)
    async with running_engine(emulator, db, tmp_path, settings={"send_rate": 20}) as engine:
        await engine.publish(release.id, report_chat_id=None)
        await emulator.wait_for(lambda: emulator.delivered_count() >= 8)
        result = await engine.retract(release.id)
        assert emulator.sent_count() < 40
    assert result.cancelled > 0 and result.deleted == emulator.sent_count()
    assert result.deleted + result.cancelled == 40
    assert all(emulator.messages(chat) == [] for chat in readers)
    assert sum(copies(emulator, chat, TITLE) for chat in readers) == result.deleted


async def test_an_edit_while_sending_reaches_copies_sent_before_and_after(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    readers = await add_readers(db, emulator, range(1, 31))
    release = await draft(db)
    async with running_engine(emulator, db, tmp_path, settings={"send_rate": 20}) as engine:
        await engine.publish(release.id, report_chat_id=None)
        await emulator.wait_for(lambda: emulator.delivered_count() >= 5)
        await releases.update_text(db, release.id, title=NEW_TITLE)
        assert emulator.delivered_count() < 30
        await engine.edit(release.id)
        await wait_status(db, release.id, "sent")
        await emulator.wait_for(
            lambda: all(the_copy(emulator, chat).spans("bold") == [NEW_TITLE] for chat in readers)
        )
    assert [copies(emulator, chat, NEW_TITLE) for chat in readers] == [1] * 30
    stats = await deliveries.stats(db, release.id)
    assert (stats.sent, stats.cancelled) == (30, 0)
