"""A database that cannot write (disk full, read-only) mid-dialog: the person is told "could
not save, try again", nothing is half-written, and the dialog stays where it was stored."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import texts
from bot.failures import storage_failure
from storage import releases, votes
from tests.emulator import Emulator
from tests.harness import STAFF_ID, Pressroom, settings_for
from tests.publishing_kit import BODY, preview_after, publish, readers

LINK = "https://volga.example/news/kazan-plant"


async def dialog(pressroom: Pressroom) -> tuple[str | None, dict[str, object]]:
    """The staff member's dialog as stored, and as the bot holds it in memory."""
    rows = await pressroom.db.fetchall("SELECT state, data FROM dialogs")
    assert len(rows) == 1
    stored = (rows[0]["state"], json.loads(rows[0]["data"]))
    context = pressroom.dispatcher.fsm.get_context(pressroom.bot, STAFF_ID, STAFF_ID)
    assert (await context.get_state(), await context.get_data()) == stored
    return stored


async def test_a_read_only_database_mid_dialog(pressroom: Pressroom) -> None:
    await pressroom.say(STAFF_ID, "/post")
    await pressroom.say(STAFF_ID, "Plant opens")
    before = await dialog(pressroom)
    await pressroom.db.fetchone("PRAGMA query_only = ON")

    reply = await pressroom.say(STAFF_ID, BODY)
    assert reply.content == texts.COULD_NOT_SAVE.en
    assert await dialog(pressroom) == before  # nothing of the body, in memory or stored

    await pressroom.db.fetchone("PRAGMA query_only = OFF")
    ask = await pressroom.say(STAFF_ID, BODY)
    assert ask.content == texts.POST_ASK_LINK.en
    preview = await preview_after(pressroom, pressroom.emulator.send_text(STAFF_ID, LINK))
    assert (preview.release.title, preview.release.body) == ("Plant opens", BODY)


async def test_a_full_disk_mid_dialog_and_a_star_pressed_meanwhile(pressroom: Pressroom) -> None:
    reader = (await readers(pressroom, 151, language="ru"))[0]
    release, got = await publish(pressroom, f"Plant opens\n{BODY}", reader)
    await pressroom.say(STAFF_ID, "/post")
    await pressroom.say(STAFF_ID, "Second plant")
    before = await dialog(pressroom)
    pages = await pressroom.db.fetchone("PRAGMA page_count")
    assert pages is not None
    await pressroom.db.fetchone(f"PRAGMA max_page_count = {pages[0]}")

    paste = " ".join([BODY] * 200)  # some 50 KB: more pages than the file may grow by
    reply = await pressroom.say(STAFF_ID, paste)
    assert reply.content == texts.COULD_NOT_SAVE.en
    assert await dialog(pressroom) == before
    answer = await pressroom.press(reader, got[reader], "5 ★")
    if answer.text == texts.COULD_NOT_SAVE.ru:
        assert answer.show_alert
        assert await votes.of(pressroom.db, release.id, reader) is None
    else:  # the vote fitted in a page the file had free
        assert await votes.of(pressroom.db, release.id, reader) == 5

    await pressroom.db.fetchone("PRAGMA max_page_count = 1073741823")
    assert (await pressroom.say(STAFF_ID, paste)).content == texts.POST_ASK_LINK.en
    preview = await preview_after(pressroom, pressroom.emulator.send_text(STAFF_ID, "-"))
    assert preview.release.body == paste
    assert len(await releases.recent(pressroom.db)) == 2


@pytest.fixture
async def slow_paste(emulator: Emulator, tmp_path: Path) -> AsyncIterator[Pressroom]:
    """A paste window long enough to make the database read-only while it is open."""
    emulator.add_user(STAFF_ID, first_name="Editor", language_code="en")
    app = Pressroom(emulator, settings_for(emulator, tmp_path), paste_window=5.0)
    await app.start()
    yield app
    await app.stop()


async def test_a_quick_form_that_cannot_be_saved_when_its_paste_is_complete(
    slow_paste: Pressroom,
) -> None:
    pressroom = slow_paste
    await pressroom.emulator.send_text(STAFF_ID, f"/post Plant opens\n{BODY}")
    context = pressroom.dispatcher.fsm.get_context(pressroom.bot, STAFF_ID, STAFF_ID)
    for _ in range(500):  # the /post is handled; its window stays open for 5 s
        if await context.get_state() is not None:
            break
        await asyncio.sleep(0.01)
    assert await context.get_state() == "Publishing:quick"
    await pressroom.db.fetchone("PRAGMA query_only = ON")
    got = await pressroom.emulator.wait_for_messages(STAFF_ID, 1, timeout=15)
    assert got[-1].content == texts.COULD_NOT_SAVE.en
    assert await releases.recent(pressroom.db) == []
    state, data = await dialog(pressroom)
    assert state == "Publishing:quick" and data["pieces"] == [f"Plant opens\n{BODY}"]
    await pressroom.db.fetchone("PRAGMA query_only = OFF")


@pytest.mark.parametrize(
    ("error", "refused"),
    [
        (sqlite3.OperationalError("database or disk is full"), True),
        (sqlite3.OperationalError("attempt to write a readonly database"), True),
        (sqlite3.OperationalError("disk I/O error"), True),
        (sqlite3.OperationalError("no such table: releases"), False),
        (sqlite3.IntegrityError("UNIQUE constraint failed"), False),
        (OSError("database or disk is full"), False),
    ],
)
def test_which_errors_are_a_refused_write(error: Exception, refused: bool) -> None:
    assert storage_failure(error) is refused
