"""Who may subscribe a group: its administrators and creator, asked of Telegram (getChatMember)
and remembered briefly.

An answer is kept for `TTL` seconds, so a burst of /start in a busy group costs one call per
person; a member made administrator a moment ago may wait that long. A 429 is waited out when
short, a 5xx or a network error tried again; when Telegram keeps failing the check raises
`CheckFailed` and the handler asks the person to try again, having changed nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Final

from bot.chat_rules import is_group_admin
from bot.pacing import failure_of

TTL: Final = 60.0
# Enough for every person active in the groups at once; the oldest answers go first.
CAPACITY: Final = 10_000
ATTEMPTS: Final = 3
# A 429 asking for longer than this is not waited out: the person is asked to try again.
MAX_WAIT: Final = 5.0

# Asks Telegram for a person's status in a group ("creator", "administrator", "member"...).
Fetch = Callable[[int, int], Awaitable[str]]


class CheckFailed(Exception):
    """Telegram did not say whether the person administers the group."""


class GroupAdmins:
    """getChatMember answers per (group, person), each kept for `ttl` seconds."""

    def __init__(
        self,
        *,
        ttl: float = TTL,
        capacity: int = CAPACITY,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._ttl = ttl
        self._capacity = capacity
        self._clock = clock
        self._sleep = sleep
        self._known: OrderedDict[tuple[int, int], tuple[float, bool]] = OrderedDict()

    def cached(self, chat_id: int, user_id: int) -> bool | None:
        """The remembered answer, or None when there is none or it is too old."""
        key = (chat_id, user_id)
        entry = self._known.get(key)
        if entry is None:
            return None
        expires, admin = entry
        if self._clock() >= expires:
            del self._known[key]
            return None
        return admin

    def remember(self, chat_id: int, user_id: int, admin: bool) -> None:
        """Keep an answer for `ttl` seconds."""
        key = (chat_id, user_id)
        self._known.pop(key, None)
        self._known[key] = (self._clock() + self._ttl, admin)
        while len(self._known) > self._capacity:
            self._known.popitem(last=False)

    async def is_admin(self, chat_id: int, user_id: int, fetch: Fetch) -> bool:
        """Whether the person is an administrator or the creator of the group; raises
        `CheckFailed` when Telegram keeps failing."""
        admin = self.cached(chat_id, user_id)
        if admin is None:
            admin = is_group_admin(await self._status(chat_id, user_id, fetch))
            self.remember(chat_id, user_id, admin)
        return admin

    async def _status(self, chat_id: int, user_id: int, fetch: Fetch) -> str:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await fetch(chat_id, user_id)
            except Exception as error:
                failure = failure_of(error)
            if failure.kind in ("blocked", "gone", "permanent"):
                # The bot is no longer there, or Telegram does not know the person in it.
                return "left"
            wait = failure.retry_after if failure.kind == "flood" else 0.5 * attempt
            if attempt == ATTEMPTS or wait > MAX_WAIT:
                raise CheckFailed(failure.error)
            await self._sleep(wait)
        raise CheckFailed("no attempts")
