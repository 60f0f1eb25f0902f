"""The real Pressroom (Dispatcher, aiogram's HTTP session, a SQLite file) against the emulator."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher

from bot.app import build_bot, build_dispatcher, serve
from bot.config import Settings
from bot.throttle import Throttle
from storage.db import Database
from storage.subscribers import ChosenLanguages
from tests.emulator import Emulator
from tests.emulator.state import CallbackAnswer, StoredMessage

STAFF_ID = 1000
# Tests send one message per step and wait for the answer: no need to wait long for more
# pieces of a paste (tests of split pastes use the real `bot.pastes.PASTE_WINDOW`).
TEST_PASTE_WINDOW = 0.2


@dataclass
class Pressroom:
    """A running bot with helpers that act as a person and read what they see."""

    emulator: Emulator
    settings: Settings
    paste_window: float = TEST_PASTE_WINDOW
    # Tests page through digests faster than people may; tests of the limit pass their own.
    digest_throttle: Throttle = field(default_factory=lambda: Throttle(interval=0))
    bot: Bot = field(init=False)
    dispatcher: Dispatcher = field(init=False)
    _stop: asyncio.Event = field(init=False)
    _task: asyncio.Task[None] | None = field(init=False, default=None)

    @property
    def db(self) -> Database:
        """The running bot's database connection."""
        database: Database = self.dispatcher["db"]
        return database

    @property
    def languages(self) -> ChosenLanguages:
        """The running bot's readers' language choices (the one way to change one)."""
        languages: ChosenLanguages = self.dispatcher["languages"]
        return languages

    async def start(self) -> None:
        """Start the bot and wait until it is taking updates."""
        self.bot = build_bot(self.settings)
        self.dispatcher = build_dispatcher(
            self.settings, paste_window=self.paste_window, digest_throttle=self.digest_throttle
        )
        self._stop = asyncio.Event()
        method = "setWebhook" if self.settings.use_webhook else "deleteWebhook"
        before = len(self.emulator.calls(method))
        self._task = asyncio.create_task(
            serve(self.bot, self.dispatcher, self.settings, self._stop)
        )
        await self.emulator.wait_for(
            lambda: len(self.emulator.calls(method)) > before or self._task_failed(),
            timeout=10,
        )
        if self._task_failed():
            await self._task

    def _task_failed(self) -> bool:
        return self._task is not None and self._task.done()

    async def stop(self) -> None:
        """Stop as SIGTERM would: shutdown hooks run, the database closes."""
        if self._task is None:
            return
        self._stop.set()
        await asyncio.wait_for(self._task, timeout=15)
        self._task = None

    async def restart(self) -> None:
        """Stop and start again on the same database file."""
        await self.stop()
        await self.start()

    def user(self, user_id: int, *, language: str = "en", name: str = "Reader") -> int:
        """Make a Telegram user known to the emulator; returns the id (= private chat id)."""
        self.emulator.add_user(user_id, first_name=name, language_code=language)
        return user_id

    async def new_messages(
        self, chat_id: int, action: Awaitable[object], count: int = 1
    ) -> list[StoredMessage]:
        """Run `action` and wait for `count` new bot messages in the chat; return the new ones.
        Deleted messages count on both sides, so a chat with retracted copies is no trap."""
        before = len(self.emulator.messages(chat_id, include_deleted=True))
        await action
        await self.emulator.wait_for(
            lambda: len(self.emulator.messages(chat_id, include_deleted=True)) >= before + count,
            10,
        )
        return self.emulator.messages(chat_id, include_deleted=True)[before:]

    async def say(self, user_id: int, text: str, *, replies: int = 1) -> StoredMessage:
        """Send `text` as that user and return the last of the `replies` it gets."""
        got = await self.new_messages(user_id, self.emulator.send_text(user_id, text), replies)
        return got[-1]

    async def press(self, user_id: int, message: StoredMessage, label: str) -> CallbackAnswer:
        """Press the button labelled `label` and return the bot's answer to the press."""
        data = message.button(label).get("callback_data", "")
        return await self.press_data(user_id, message, data)

    async def press_data(
        self, user_id: int, message: StoredMessage, data: str, *, forge: bool = False
    ) -> CallbackAnswer:
        """Press a button by its raw callback data (forged data too, with `forge`)."""
        query_id = await self.emulator.press_button(
            user_id, message.chat_id, message.message_id, data, forge=forge
        )
        await self.emulator.wait_for(lambda: query_id in self.emulator.callback_answers, 10)
        return self.emulator.callback_answers[query_id]

    def current(self, message: StoredMessage) -> StoredMessage:
        """The message as it is now (after edits)."""
        now = self.emulator.message(message.chat_id, message.message_id)
        assert now is not None
        return now


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for the webhook server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def settings_for(emulator: Emulator, tmp_path: Path, **overrides: Any) -> Settings:
    """Settings pointing at the emulator, with a SQLite file in `tmp_path`."""
    values: dict[str, Any] = {
        "bot_token": emulator.token,
        "telegram_api_url": emulator.base_url,
        "database_path": tmp_path / "pressroom.sqlite3",
        "admin_ids": frozenset({STAFF_ID}),
        "timezone": "Europe/Moscow",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)
