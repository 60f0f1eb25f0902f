"""How fast the bot sends and how a send travels: the send budget, Telegram's refusals sorted by
what to do about them, and the hot path that posts prepared JSON.

`Pacer` keeps the bot within its rate (`SEND_RATE`, or Telegram's paid cap), one message a second
per chat, and a shared pause after a 429; it takes its clock and sleep so tests can drive it.
`failure_of` turns whatever a Bot API call raised into a `SendFailure` of one `FailureKind`.
`JsonTransport` posts bodies encoded once per view through an aiohttp session of its own (so
broadcast sends never hold the connections that replies to people need: `bot.lane`) and skips
aiogram's per-call pydantic models (request and response), which cost about 0.4 ms of CPU per
message.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final, Literal

import aiohttp
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
)

from bot.config import Settings
from bot.sending import Calls

# Bursts the global pacer allows, in seconds of its rate: absorbs event-loop lateness.
BURST_SECONDS: Final = 0.1
# Paid broadcasts may go this fast; Telegram's own cap for allow_paid_broadcast.
PAID_RATE: Final = 1000.0
# Telegram: "no more than 20 messages per minute" in one channel or group.
GROUP_INTERVAL: Final = 3.0


def effective_rate(settings: Settings) -> float:
    """Messages per second: `SEND_RATE`, or Telegram's paid cap when `PAID_BROADCAST` is on and
    `SEND_RATE` was not set."""
    if settings.paid_broadcast and "send_rate" not in settings.model_fields_set:
        return PAID_RATE
    return settings.send_rate


def in_flight_limit(rate: float) -> int:
    """How many sends may be in flight or awaiting their commit: half a second of the rate
    (a 300 ms round trip plus the 50 ms commit batch fit), 16 at least, 512 at most.
    This is the crash-duplicate bound."""
    if math.isinf(rate):
        return 256
    return min(512, max(16, math.ceil(rate / 2)))


def connection_limit(settings: Settings) -> int:
    """HTTP connections aiogram's session needs: replies to people, and the engine's edits,
    deletions and staff messages (broadcast sends have connections of their own)."""
    return in_flight_limit(effective_rate(settings)) + 16


def transport_connections(limit: int) -> int:
    """HTTP connections the engine's own session needs: every send it keeps in flight."""
    return limit + 16


# --- What went wrong, sorted by what the engine does about it --------------------------------

FailureKind = Literal[
    "flood", "blocked", "gone", "rightless", "migrated", "transient", "permanent"
]
# A channel or group where the bot may not post: "Bad Request: need administrator rights in
# the channel chat", "Bad Request: not enough rights to send text messages to the chat".
RIGHTLESS: Final = ("need administrator rights", "not enough rights")


class SendFailure(Exception):
    """A failed Bot API call: wait and resend (`flood`, after `retry_after`), mark the reader
    (`blocked`: in a channel or group, the bot was removed; `gone`), mark a channel or group
    (`rightless`), move to the supergroup a group became (`migrated`, to `migrate_to`), retry
    with backoff (`transient`) or give up (`permanent`)."""

    def __init__(
        self,
        kind: FailureKind,
        error: str,
        retry_after: float = 0.0,
        migrate_to: int | None = None,
    ) -> None:
        super().__init__(error)
        self.kind: FailureKind = kind
        self.error = error
        self.retry_after = retry_after
        self.migrate_to = migrate_to


def _from_answer(
    code: int, description: str, retry_after: float | None, migrate_to: int | None = None
) -> SendFailure:
    if code == 429:
        return SendFailure("flood", description, retry_after if retry_after else 1.0)
    if code == 403:
        return SendFailure("blocked", description)
    if code == 400 and migrate_to is not None:
        # "Bad Request: group chat was upgraded to a supergroup chat"
        return SendFailure("migrated", description, migrate_to=int(migrate_to))
    if code == 400 and ("chat not found" in description or "user not found" in description):
        return SendFailure("gone", description)
    if code == 400 and any(words in description for words in RIGHTLESS):
        return SendFailure("rightless", description)
    if code == 400:
        return SendFailure("permanent", description)
    return SendFailure("transient", description or f"HTTP {code}")


def failure_of(error: BaseException) -> SendFailure:
    """Sort an exception from aiogram, aiohttp or a timeout."""
    if isinstance(error, SendFailure):
        return error
    if isinstance(error, TelegramRetryAfter):
        return SendFailure("flood", error.message, float(error.retry_after))
    if isinstance(error, TelegramForbiddenError):
        return SendFailure("blocked", error.message)
    if isinstance(error, TelegramMigrateToChat):
        return SendFailure("migrated", error.message, migrate_to=error.migrate_to_chat_id)
    if isinstance(error, TelegramEntityTooLarge):
        return SendFailure("permanent", error.message)
    if isinstance(error, TelegramBadRequest):
        return _from_answer(400, error.message, None)
    if isinstance(error, TelegramAPIError):
        return SendFailure("transient", error.message)
    if isinstance(error, TimeoutError):
        return SendFailure("transient", "request timed out")
    return SendFailure("transient", f"{type(error).__name__}: {error}")


# --- Pacing ----------------------------------------------------------------------------------


class Pacer:
    """The bot's send budget: a global rate (with a short burst), one message a second per
    private chat and one every 3 s per channel or group (chat ids below 0), and a shared pause
    after a 429 (the limit is the bot's, not one request's)."""

    def __init__(
        self,
        rate: float,
        *,
        per_chat_interval: float = 1.0,
        per_group_interval: float = GROUP_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self._interval = 0.0 if math.isinf(rate) else 1.0 / rate
        self._slack = max(1.0, rate * BURST_SECONDS) * self._interval
        self._per_chat = per_chat_interval
        self._per_group = per_group_interval
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._paused_until = 0.0
        self._chat_next: dict[int, float] = {}
        self._chat_expiry: deque[tuple[float, int]] = deque()

    async def take(self, count: int = 1) -> None:
        """Wait for `count` message slots of the global rate (and for any 429 pause to end)."""
        while True:
            now = self._clock()
            start = max(self._next, now - self._slack, self._paused_until)
            self._next = start + count * self._interval
            if start > now:
                await self._sleep(start - now)
            if self._clock() >= self._paused_until:
                return

    async def chat(self, chat_id: int, count: int = 1) -> None:
        """Wait until `chat_id` may get `count` more messages at its pace (one a second; a
        channel or group one every 3 s)."""
        now = self._clock()
        self._forget(now)
        start = max(now, self._chat_next.get(chat_id, 0.0))
        until = start + count * (self._per_group if chat_id < 0 else self._per_chat)
        self._chat_next[chat_id] = until
        self._chat_expiry.append((until, chat_id))
        if start > now:
            await self._sleep(start - now)

    def pause(self, seconds: float) -> None:
        """Hold every sender for `seconds` (Telegram's retry_after)."""
        until = self._clock() + seconds
        self._paused_until = max(self._paused_until, until)
        self._next = max(self._next, self._paused_until)

    def tracked_chats(self) -> int:
        """How many chats the pacer still remembers (those whose spacing has not run out)."""
        return len(self._chat_next)

    def _forget(self, now: float) -> None:
        # Chats whose spacing has run out need no entry: keeps memory flat at 100,000 readers.
        expiry = self._chat_expiry
        while expiry and expiry[0][0] <= now:
            until, chat_id = expiry.popleft()
            if self._chat_next.get(chat_id) == until:
                del self._chat_next[chat_id]


# --- The hot path: JSON over aiogram's session -----------------------------------------------


@dataclass(frozen=True, slots=True)
class EncodedCall:
    """One Bot API call with every field but the chat encoded."""

    method: str
    tail: bytes  # the JSON object after `{"chat_id":N,`

    def body(self, chat_id: int) -> bytes:
        """The request body for one chat."""
        return b'{"chat_id":%d,%s' % (chat_id, self.tail)


def encode(plan: Calls) -> tuple[EncodedCall, ...]:
    """The calls as request bodies, encoded once and reused for every reader."""
    return tuple(
        EncodedCall(
            method, json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()[1:]
        )
        for method, fields in plan.calls
    )


class JsonTransport:
    """Posts prepared JSON bodies and reads back only what the engine needs, over connections
    of its own (`connections` at most), apart from aiogram's session."""

    def __init__(self, bot: Bot, timeout: float, connections: int) -> None:
        if not isinstance(bot.session, AiohttpSession):
            raise TypeError("the delivery engine needs aiogram's AiohttpSession")
        # Same server and TLS settings as the bot's session, but a pool of its own.
        self._session = AiohttpSession(api=bot.session.api, limit=connections)
        self._urls = {
            method: bot.session.api.api_url(token=bot.token, method=method)
            for method in ("sendMessage", "sendPhoto")
        }
        self._headers = {"Content-Type": "application/json"}
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def close(self) -> None:
        """Close the connections (a later send opens new ones)."""
        await self._session.close()

    async def send(self, call: EncodedCall, chat_id: int) -> int:
        """Send one message; its message_id, or raise `SendFailure`."""
        client = await self._session.create_session()
        try:
            async with client.post(
                self._urls[call.method],
                data=call.body(chat_id),
                headers=self._headers,
                timeout=self._timeout,
            ) as response:
                raw = await response.read()
                status = response.status
            answer = json.loads(raw)
        except TimeoutError:
            raise SendFailure("transient", "request timed out") from None
        except (aiohttp.ClientError, ValueError) as error:
            raise SendFailure("transient", f"{type(error).__name__}: {error}") from None
        if isinstance(answer, dict) and answer.get("ok"):
            return int(answer["result"]["message_id"])
        if not isinstance(answer, dict):
            raise SendFailure("transient", f"HTTP {status}: unexpected answer")
        parameters = answer.get("parameters") or {}
        raise _from_answer(
            int(answer.get("error_code", status)),
            str(answer.get("description", "")),
            parameters.get("retry_after"),
            parameters.get("migrate_to_chat_id"),
        )
