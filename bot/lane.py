"""The people lane: what readers and staff see — replies, answers to presses, star-row redraws —
paced within Telegram's free budget on their own, never behind a broadcast.

Broadcast sends leave through the delivery engine's own HTTP connections (`bot.pacing`), so
aiogram's session serves people alone. `PeopleLane` is an aiogram session middleware: every
message or edit a handler makes takes a slot of the free budget that non-paid messages share
(about 30 a second; less what a non-paid broadcast is using right now) and, for sends, one of
a chat's one-a-second slots (a burst of 3, as Telegram allows). Replies go first; star-row
redraws (`bot.redraws`) take only slots no reply is waiting for, and channels' live counters
(`bot.counters`) only slots no redraw is waiting for either. A 429 pauses the lane for its
`retry_after` and the same request goes again, so a flood of replies arrives late, not lost;
a counter's 429 is its chat's limit, so it is handed back for `bot.counters` to wait out there.
Answers to presses are not paced (Telegram does not count them), only retried after a 429.
Calls the delivery engine paces itself (edits of delivered copies, deletions, staff progress)
pass untouched.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Final, Literal

from aiogram import methods, types
from aiogram.exceptions import TelegramRetryAfter

from bot.lazy_types import build_now
from bot.telemetry import MESSAGE_METHODS

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
    from aiogram.methods import Response, TelegramMethod
    from aiogram.methods.base import TelegramType

logger = logging.getLogger(__name__)

# Telegram's free budget: about 30 messages a second across all chats, edits included.
FREE_RATE: Final = 30.0
# Kept unused, so that clocks drifting apart here and at Telegram do not cost 429s.
FREE_MARGIN: Final = 2.0
# The lane never stops altogether, even while a non-paid broadcast uses the rest.
MIN_RATE: Final = 1.0
# Telegram: one message a second in a chat, briefly more.
PER_CHAT_INTERVAL: Final = 1.0
PER_CHAT_BURST: Final = 3
# How many 429s one request waits out before its caller hears of it.
MAX_FLOOD_WAITS: Final = 10

# Methods that put a new message in a chat: these count against the chat's own limit.
SEND_METHODS: Final = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "copyMessage", "forwardMessage"}
)

Priority = Literal["reply", "redraw", "counter", "engine"]
# Who is calling: a handler replying (the default), the redraw queue, the live counters, or the
# delivery engine, which paces its own calls.
PRIORITY: ContextVar[Priority] = ContextVar("pressroom_lane_priority", default="reply")


def warm_up() -> None:
    """Build the models every update, press and reply goes through now: built at the first
    press of a storm instead, they would hold the event loop for about a second."""
    build_now(
        types.Update,
        types.CallbackQuery,
        types.Message,
        types.InlineKeyboardMarkup,
        methods.GetUpdates,
        methods.AnswerCallbackQuery,
        methods.SendMessage,
        methods.SendPhoto,
        methods.EditMessageReplyMarkup,
        methods.EditMessageText,
        methods.EditMessageCaption,
        methods.DeleteMessage,
    )


@contextlib.contextmanager
def lane_priority(priority: Priority) -> Iterator[None]:
    """Send what aiogram sends inside the block as `priority`."""
    token = PRIORITY.set(priority)
    try:
        yield
    finally:
        PRIORITY.reset(token)


class PeopleLane:
    """Paces people's messages within the free budget, replies before redraws; retries 429s.

    `in_use` says how many messages a second the delivery engine takes from the same free
    budget right now (0 during a paid broadcast or when idle).
    """

    def __init__(
        self,
        *,
        in_use: Callable[[], float] = lambda: 0.0,
        budget: float = FREE_RATE - FREE_MARGIN,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        per_chat_burst: int = PER_CHAT_BURST,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._in_use = in_use
        self._budget = budget
        self._per_chat = per_chat_interval
        self._chat_slack = (per_chat_burst - 1) * per_chat_interval
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._paused_until = 0.0
        # Per chat, when its spacing would next be free were every message spaced (GCRA).
        self._chat_due: dict[int, float] = {}
        self._chat_expiry: deque[tuple[float, int]] = deque()
        self._replies_waiting = 0
        self._redraws_waiting = 0
        self.flood_waits = 0
        self._bot: Bot | None = None

    def rate(self) -> float:
        """Messages a second the lane may send now."""
        return max(MIN_RATE, self._budget - self._in_use())

    async def take(self, chat_id: int | None, *, priority: Priority = "reply") -> None:
        """Wait for a slot of the free budget (and of the chat's, for a new message). A reply
        books the next free slot; a redraw takes only a slot free now with no reply waiting,
        so replies that come later still go first; a counter, only one no redraw waits for."""
        if priority == "redraw":
            self._redraws_waiting += 1
            try:
                await self._spare_slot()
            finally:
                self._redraws_waiting -= 1
        elif priority == "counter":
            await self._spare_slot(after_redraws=True)
        else:
            self._replies_waiting += 1
            try:
                await self._slot()
            finally:
                self._replies_waiting -= 1
        if chat_id is not None:
            await self._chat(chat_id)

    def _start(self, now: float) -> tuple[float, float]:
        interval = 1.0 / self.rate()
        return max(self._next, now - interval, self._paused_until), interval

    async def _slot(self) -> None:
        while True:
            now = self._clock()
            start, interval = self._start(now)
            self._next = start + interval
            if start > now:
                await self._sleep(start - now)
            if self._clock() >= self._paused_until:
                return

    async def _spare_slot(self, *, after_redraws: bool = False) -> None:
        while True:
            now = self._clock()
            start, interval = self._start(now)
            if self._replies_waiting or (after_redraws and self._redraws_waiting):
                await self._sleep(max(start - now, interval))
            elif start > now:
                await self._sleep(start - now)
            else:
                self._next = start + interval
                return

    async def _chat(self, chat_id: int) -> None:
        now = self._clock()
        self._forget(now)
        due = max(now, self._chat_due.get(chat_id, 0.0))
        wait = due - self._chat_slack - now
        self._chat_due[chat_id] = due + self._per_chat
        self._chat_expiry.append((due + self._per_chat, chat_id))
        if wait > 0:
            await self._sleep(wait)

    def _forget(self, now: float) -> None:
        expiry = self._chat_expiry
        while expiry and expiry[0][0] <= now:
            until, chat_id = expiry.popleft()
            if self._chat_due.get(chat_id) == until:
                del self._chat_due[chat_id]

    def pause(self, seconds: float) -> None:
        """Hold the lane for `seconds` (Telegram's retry_after)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    # ----------------------------------------------------------------- aiogram middleware

    def attach(self, bot: Bot) -> None:
        """Pace and retry what `bot` sends from now on."""
        bot.session.middleware.register(self)
        self._bot = bot

    def detach(self) -> None:
        """Undo `attach`."""
        if self._bot is not None and self in self._bot.session.middleware:
            self._bot.session.middleware.unregister(self)
        self._bot = None

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        """aiogram session middleware: pace people's messages, wait out 429s and go again."""
        name = method.__api_method__
        priority = PRIORITY.get()
        paced = (
            priority != "engine"
            and name in MESSAGE_METHODS
            and not getattr(method, "allow_paid_broadcast", None)
        )
        # A counter's 429 is its chat's limit: `bot.counters` waits it out for that chat alone.
        retried = (paced and priority != "counter") or name == "answerCallbackQuery"
        # Redraws are spaced per chat like sends, though Telegram counts edits only globally.
        spaced = name in SEND_METHODS or priority == "redraw"
        chat = getattr(method, "chat_id", None) if spaced else None
        chat_id = chat if isinstance(chat, int) else None
        waits = 0
        while True:
            if paced:
                await self.take(chat_id, priority=priority)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if not retried or waits >= MAX_FLOOD_WAITS:
                    raise
                waits += 1
                self.flood_waits += 1
                logger.warning("%s got 429; again in %s s", name, error.retry_after)
                if paced:
                    self.pause(error.retry_after)
                else:
                    await self._sleep(error.retry_after)
