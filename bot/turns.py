"""One update at a time per person, in the order Telegram sent them.

A long paste reaches the bot as several messages a few milliseconds apart; handled at once, a
later piece could overtake an earlier one. `UserTurns` is aiogram's event isolation (the
Dispatcher holds it around every update of one user in one chat, FSM state included), with a
way out: a handler that goes on to wait for broadcast work (an edit or a retraction reaching
every reader) calls `step_aside()`, and the person's next updates are handled meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey

if TYPE_CHECKING:
    from bot.serving import UpdatesInFlight


class _Turn:
    """The lock one update holds; ended once, by `step_aside` or when the update is done."""

    __slots__ = ("_held", "_lock")

    def __init__(self, lock: asyncio.Lock) -> None:
        self._lock = lock
        self._held = True

    def end(self) -> None:
        if self._held:
            self._held = False
            self._lock.release()


_current: ContextVar[_Turn | None] = ContextVar("pressroom_turn", default=None)


class UserTurns(BaseEventIsolation):
    """Per-key locks (a key is a user in a chat), dropped when nobody holds or waits for them."""

    def __init__(self, updates: UpdatesInFlight | None = None) -> None:
        self._locks: dict[StorageKey, asyncio.Lock] = {}
        self._users: dict[StorageKey, int] = {}
        # A stop waits for updates still waiting for their turn, not only the one holding it.
        self._updates = updates

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        """Wait for `key`'s turn and hold it for the block (or until `step_aside`)."""
        if self._updates is None:
            async with self._turn(key):
                yield
            return
        with self._updates.tracking():
            async with self._turn(key):
                yield

    @asynccontextmanager
    async def _turn(self, key: StorageKey) -> AsyncGenerator[None, None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            await lock.acquire()
            turn = _Turn(lock)
            token = _current.set(turn)
            try:
                yield
            finally:
                _current.reset(token)
                turn.end()
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    async def close(self) -> None:
        """Nothing to release: every lock is held inside an update that ends on its own."""


def step_aside() -> None:
    """Let this person's next updates go ahead while the current handler waits for long work;
    does nothing outside an update or when called twice."""
    turn = _current.get()
    if turn is not None:
        turn.end()
