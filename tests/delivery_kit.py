"""Helpers for the delivery engine's tests: readers, releases and an engine on the emulator."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiogram import Bot

from bot.app import build_bot
from bot.config import Settings
from bot.delivery import DeliveryEngine
from storage import releases, subscribers
from storage.db import Database
from storage.releases import Release
from tests.emulator import Emulator
from tests.harness import STAFF_ID, settings_for

TITLE = "Port of Tallinn opens a new terminal"
SUMMARY = "The terminal doubles passenger capacity. It opens on Monday."


async def add_readers(
    db: Database, emulator: Emulator, ids: Iterable[int], *, language: str = "en"
) -> list[int]:
    """People the emulator knows who subscribed with /start."""
    added = []
    for chat_id in ids:
        emulator.add_user(chat_id, first_name=f"Reader {chat_id}", language_code=language)
        await subscribers.subscribe(
            db, chat_id, first_name=f"Reader {chat_id}", username=None, telegram_language=language
        )
        added.append(chat_id)
    return added


async def draft(
    db: Database,
    *,
    title: str = TITLE,
    summary: str = SUMMARY,
    link: str | None = "https://port.example/news/1",
    photo: str | None = None,
    now: float | None = None,
) -> Release:
    """A draft release by the staff member."""
    return await releases.create_draft(
        db,
        title=title,
        body=summary,
        summary=summary,
        link=link,
        photo_file_id=photo,
        language="en",
        author_id=STAFF_ID,
        now=time.time() if now is None else now,
    )


def copies(emulator: Emulator, chat_id: int, title: str = TITLE) -> int:
    """How many messages in the chat show the release (deleted ones included)."""
    return sum(
        1
        for message in emulator.messages(chat_id, include_deleted=True)
        if title in (message.text or message.caption or "")
    )


async def wait_status(
    db: Database,
    release_id: int,
    status: str,
    timeout: float = 10,  # noqa: ASYNC109
) -> Release:
    """Wait until the release reaches `status` (a timeout argument reads better in a test)."""
    deadline = time.monotonic() + timeout
    while True:
        release = await releases.get(db, release_id)
        assert release is not None
        if release.status == status:
            return release
        if time.monotonic() > deadline:
            raise TimeoutError(f"release {release_id} is {release.status}, not {status}")
        await asyncio.sleep(0.02)


@asynccontextmanager
async def running_engine(
    emulator: Emulator,
    db: Database,
    tmp_path: Path,
    *,
    settings: dict[str, Any] | None = None,
    **options: Any,
) -> AsyncIterator[DeliveryEngine]:
    """A started engine with quick retries and timeouts, stopped (and its session closed) after."""
    config: Settings = settings_for(emulator, tmp_path, **(settings or {}))
    bot: Bot = build_bot(config)
    defaults: dict[str, Any] = {
        "retry_base": 0.02,
        "request_timeout": 1.0,
        "progress_interval": 0.3,
        "poll_interval": 0.2,
    }
    engine = DeliveryEngine(bot, db, config, **(defaults | options))
    await engine.start()
    try:
        yield engine
    finally:
        await engine.stop()
        await bot.session.close()
