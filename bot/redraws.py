"""Star rows to redraw after presses: one pending redraw per message, the latest vote winning,
sent through the people lane after every waiting reply and spaced per chat like sends.

A press queues its redraw as soon as its vote is stored (so the latest vote is the one shown,
whatever order the answers come back in) but holds it until its answer is sent
(`handlers.ratings`): a redraw never goes out before, or delays, the toast. Redraws are
cosmetic: the vote is stored before; one that fails is logged, and those still queued at
shutdown are dropped.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup

from bot.lane import lane_priority
from bot.sending import unchanged_ok

logger = logging.getLogger(__name__)

# Redraws on the wire at once: enough for the free budget at a 300 ms round trip.
WORKERS: Final = 8

Key = tuple[int, int]


class Redraws:
    """Coalescing queue of star-row redraws, oldest message first."""

    def __init__(self, bot: Bot, *, workers: int = WORKERS) -> None:
        self._bot = bot
        self._workers = workers
        # Insertion-ordered: a message marked again keeps its place with the newer keyboard.
        self._pending: dict[Key, InlineKeyboardMarkup] = {}
        self._busy: set[Key] = set()
        # Presses whose answer is not sent yet, by message: their redraw waits.
        self._holds: dict[Key, int] = {}
        self._ready = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.done = 0

    def start(self) -> None:
        """Start the workers (inside the running loop)."""
        self._tasks = [
            asyncio.create_task(self._work(), name=f"redraw-{number}")
            for number in range(self._workers)
        ]

    async def stop(self) -> None:
        """Stop; redraws still queued are dropped (each vote is stored already)."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self._pending:
            logger.info("%d star rows left unredrawn at shutdown", len(self._pending))
        self._pending.clear()

    def pending(self) -> int:
        """Redraws queued or on the wire."""
        return len(self._pending) + len(self._busy)

    def hold(
        self, chat_id: int, message_id: int, keyboard: InlineKeyboardMarkup, *, shown: bool
    ) -> Key | None:
        """Have the message show `keyboard`, once `release` is called with what this returns.
        `shown`: the message showed it when pressed; that is trusted only when no redraw of it
        is queued or on the wire (it may be stale then), and then nothing is queued (None)."""
        key = (chat_id, message_id)
        if shown and key not in self._pending and key not in self._busy:
            return None
        self._pending[key] = keyboard
        self._holds[key] = self._holds.get(key, 0) + 1
        return key

    def release(self, key: Key | None) -> None:
        """The press that queued `key` has been answered: its redraw may go."""
        if key is None:
            return
        left = self._holds[key] - 1
        if left:
            self._holds[key] = left
            return
        del self._holds[key]
        self._ready.set()

    async def _next(self) -> Key:
        while True:
            for key in self._pending:
                # One redraw per message on the wire: a later choice must not be overtaken.
                if key not in self._busy and key not in self._holds:
                    return key
            self._ready.clear()
            await self._ready.wait()

    async def _work(self) -> None:
        while True:
            key = await self._next()
            keyboard = self._pending.pop(key)
            self._busy.add(key)
            chat_id, message_id = key
            try:
                with lane_priority("redraw"):
                    await unchanged_ok(
                        self._bot.edit_message_reply_markup(
                            chat_id=chat_id, message_id=message_id, reply_markup=keyboard
                        )
                    )
                self.done += 1
            except TelegramAPIError as error:
                logger.warning("Star row of message %d in %d not redrawn: %s", *key, error)
            finally:
                self._busy.discard(key)
                if key in self._pending:
                    self._ready.set()
