"""Pastes that arrive as several messages: Telegram splits a long paste at 4,096 characters and
sends the pieces a moment apart. The handler stores each piece (in the dialog's data, so it is
in the database at once) and restarts this window; when no piece has come for `window` seconds,
the window closes and the pieces are used together, in that person's turn (`bot.turns`), so no
update of theirs runs at the same time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Final

from aiogram.fsm.storage.base import StorageKey

from bot.turns import UserTurns

logger = logging.getLogger(__name__)

# Telegram sends the pieces of one paste well within a second of each other.
PASTE_WINDOW: Final = 1.5

Close = Callable[[], Awaitable[None]]


class PasteWindows:
    """One open window per person at most; `close` is what to do with the pieces."""

    def __init__(self, turns: UserTurns, window: float = PASTE_WINDOW) -> None:
        self._turns = turns
        self.window = window
        self._open: dict[StorageKey, tuple[asyncio.Task[None], Close]] = {}

    def extend(self, key: StorageKey, close: Close) -> None:
        """A piece came: (re)start `key`'s window; `close` runs when it ends (a later piece
        brings its own `close`, and only the last one runs)."""
        previous = self._open.pop(key, None)
        if previous is not None:
            previous[0].cancel()
        task = asyncio.create_task(self._wait_then_close(key, close))
        task.add_done_callback(_log_failure)
        self._open[key] = (task, close)

    async def _wait_then_close(self, key: StorageKey, close: Close) -> None:
        await asyncio.sleep(self.window)
        async with self._turns.lock(key):
            # From here on a new piece waits for this turn, and finds the window closed.
            self._open.pop(key, None)
            await close()

    async def finish(self) -> None:
        """At shutdown: close every open window now, so no piece waits for a restart."""
        while self._open:
            key, (task, close) = self._open.popitem()
            task.cancel()
            async with self._turns.lock(key):
                try:
                    await close()
                except Exception:
                    logger.exception("A paste could not be completed at shutdown")


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and (error := task.exception()) is not None:
        logger.error("A paste could not be completed", exc_info=error)
