"""A clean stop (SIGTERM, or the stop event) in webhook and polling mode: updates stop coming,
the updates being handled and the sends on the wire finish and are recorded, and only then do the
HTTP session and the database close. After a restart nobody has a copy twice."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from pathlib import Path

import pytest

from bot.app import YOUNG_OBJECTS
from bot.config import Settings
from storage import subscribers
from tests.delivery_kit import add_readers, copies, draft, wait_status
from tests.emulator import Emulator
from tests.harness import STAFF_ID, Pressroom, free_port, settings_for

READERS = 40
# Long enough that a stop always finds requests on the wire.
LATENCY = 2.0
BOT_LOGGERS = {"aiogram", "bot", "handlers", "storage", "apscheduler", "asyncio"}


def _settings(emulator: Emulator, tmp_path: Path, mode: str) -> Settings:
    if mode == "polling":
        return settings_for(emulator, tmp_path)
    port = free_port()
    return settings_for(
        emulator,
        tmp_path,
        webhook_url=f"http://127.0.0.1:{port}",
        webhook_secret="shutdown-test",
        webhook_port=port,
    )


@pytest.mark.parametrize("mode", ["webhook", "polling"])
async def test_a_stop_mid_broadcast_lets_the_sends_in_flight_land_once(
    emulator: Emulator, tmp_path: Path, mode: str
) -> None:
    emulator.add_user(STAFF_ID, first_name="Editor")
    app = Pressroom(emulator, _settings(emulator, tmp_path, mode))
    await app.start()
    readers = await add_readers(app.db, emulator, range(1, READERS + 1))
    release = await draft(app.db)

    def delivered() -> int:
        return sum(copies(emulator, chat) for chat in readers)

    emulator.latency = LATENCY
    await app.dispatcher["delivery"].publish(release.id, report_chat_id=None)
    await emulator.wait_for(lambda: delivered() >= 1, timeout=15)
    await app.stop()
    assert delivered() < READERS, "the broadcast ended before the stop"
    emulator.latency = 0.0
    await app.start()
    try:
        await wait_status(app.db, release.id, "sent", timeout=30)
    finally:
        await app.stop()
    assert {chat: copies(emulator, chat) for chat in readers} == dict.fromkeys(readers, 1)


@pytest.mark.parametrize("mode", ["webhook", "polling"])
async def test_a_stop_lets_the_update_being_handled_finish(
    emulator: Emulator, tmp_path: Path, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = Pressroom(emulator, _settings(emulator, tmp_path, mode))
    await app.start()
    reader = app.user(21, name="Eve")
    emulator.latency = LATENCY
    await emulator.send_text(reader, "/start")
    # The handler has subscribed her and is now sending the greeting, which takes 2 s.
    deadline = time.monotonic() + 15
    while await subscribers.get(app.db, reader) is None:
        assert time.monotonic() < deadline, "the /start update never reached the bot"
        await asyncio.sleep(0.02)
    await app.stop()
    [greeting] = emulator.messages(reader)
    assert "You are subscribed" in greeting.content
    # The bot's own errors: the emulator's server logs the long poll the stop cut short.
    errors = [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.ERROR and record.name.split(".")[0] in BOT_LOGGERS
    ]
    assert errors == []


async def test_the_collector_runs_less_often_while_the_bot_runs_and_as_before_after(
    emulator: Emulator, tmp_path: Path
) -> None:
    before = gc.get_threshold()
    app = Pressroom(emulator, settings_for(emulator, tmp_path))
    await app.start()
    try:
        assert gc.get_threshold() == (YOUNG_OBJECTS, before[1], before[2])
        assert gc.get_freeze_count() > 0
    finally:
        await app.stop()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
