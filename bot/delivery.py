"""The delivery engine: sends releases and digests to every reader, paced, retried, crash-safe.

Publishing writes one `deliveries` row per reader in one transaction (the outbox); the engine
claims rows in batches (`pending` -> `sending`), sends each at the global rate and at most one
message a second per chat, and writes the outcomes back in batches. A 429 pauses every sender
for `retry_after`; 403 marks the reader blocked, "chat not found" gone; 5xx, timeouts and
connection errors are retried with capped exponential backoff and end `failed` with the error.

Crash safety: at start-up rows still `sending` go back to `pending`. A send holds one of
`in_flight_limit(rate)` permits from before its request until its outcome is committed, so a hard
kill can leave at most that many deliveries sent but not recorded: those, and only those, may
reach a reader twice (two messages each for a photo release whose text follows the photo).

The hot path posts JSON through aiogram's own aiohttp session but skips aiogram's per-call
pydantic models (request and response), which cost about 0.4 ms of CPU per message; the views
themselves are rendered once per release, revision, language and vote. `view_calls` decides a
view's shape for both: the engine posts it encoded, `send_view` sends it through aiogram (the
preview, a release opened from a digest); `edit_view` edits copies in place.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import random
import time
from array import array
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypeVar

import aiohttp
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
)
from aiogram.methods import SendMessage, SendPhoto
from aiogram.types import InlineKeyboardMarkup, Message

from bot import render
from bot.config import Settings
from bot.digests import render_digest
from bot.i18n import Lang, pick_language
from bot.render import ReleaseView
from bot.telemetry import Telemetry, counted_as
from storage import deliveries, releases, subscribers
from storage.db import Database
from storage.deliveries import Delivered, Job, NotPublishable, Outcome, Retry
from storage.deliveries import Final as Settled
from storage.releases import PUBLISHED, Release

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Telegram lets a bot delete its messages in private chats for 48 hours.
DELETE_WINDOW: Final = 48 * 3600
# Copies closer than this to the window's end are left alone rather than raced.
DELETE_MARGIN: Final = 60.0
# Outcomes are committed together every FLUSH_INTERVAL seconds (or sooner when many wait).
FLUSH_INTERVAL: Final = 0.05
# Bursts the global pacer allows, in seconds of its rate: absorbs event-loop lateness.
BURST_SECONDS: Final = 0.1
# Paid broadcasts may go this fast; Telegram's own cap for allow_paid_broadcast.
PAID_RATE: Final = 1000.0
NOT_MODIFIED: Final = "message is not modified"


@dataclass(frozen=True, slots=True)
class Sent:
    """Where a view landed: the message (with the rating row unless a photo precedes the text),
    the text message after a photo (`extra_message_id`), and whether the text is a caption."""

    message_id: int
    extra_message_id: int | None = None
    as_caption: bool = False


@dataclass(frozen=True, slots=True)
class RetractResult:
    """What a retraction did: copies deleted, too old to delete (48 h), on unreachable readers'
    screens, never sent (cancelled), and those whose deletion failed (tried again later)."""

    deleted: int = 0
    expired: int = 0
    unreachable: int = 0
    cancelled: int = 0
    failed: int = 0


@dataclass(slots=True)
class EngineMetrics:
    """What the engine did since it started, for logs and the benchmark."""

    sent: int = 0
    too_many_requests: int = 0
    retries: int = 0
    send_seconds: array[float] = field(default_factory=lambda: array("d"))

    def timed(self, seconds: float) -> None:
        """Remember one request's round trip (the latest million at most: 8 MB)."""
        if len(self.send_seconds) >= 1_000_000:
            del self.send_seconds[:500_000]
        self.send_seconds.append(seconds)


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
    """HTTP connections the bot's session needs: every in-flight send plus room for replies."""
    return in_flight_limit(effective_rate(settings)) + 16


# --- A view as Bot API calls: the one place that decides a message's shape ------------------


@dataclass(frozen=True, slots=True)
class Calls:
    """The calls that show a view, without the chat: `(method, fields)` in order; the last one
    carries the rating row. `as_caption` when the text rides as a photo's caption."""

    calls: tuple[tuple[str, dict[str, Any]], ...]
    as_caption: bool


def view_calls(
    text: str,
    keyboard: InlineKeyboardMarkup | None,
    *,
    photo: str | None = None,
    short_caption: str | None = None,
    paid: bool = False,
    preview: bool = True,
) -> Calls:
    """The text alone; a photo with the text as its caption; or a photo with its short caption,
    then the text as its own message (see `render.release_view` for when)."""
    common: dict[str, Any] = {"parse_mode": "HTML"}
    if paid:
        common["allow_paid_broadcast"] = True
    markup = {} if keyboard is None else {"reply_markup": _markup(keyboard)}
    no_preview = {} if preview else {"link_preview_options": {"is_disabled": True}}
    message = ("sendMessage", {"text": text, **markup, **common, **no_preview})
    if photo is None:
        return Calls((message,), as_caption=False)
    if short_caption is None:
        return Calls((("sendPhoto", {"photo": photo, "caption": text, **markup, **common}),), True)
    photo_call = ("sendPhoto", {"photo": photo, "caption": short_caption, **common})
    return Calls((photo_call, message), as_caption=False)


def _markup(keyboard: InlineKeyboardMarkup) -> dict[str, Any]:
    markup: dict[str, Any] = keyboard.model_dump(mode="json", exclude_none=True)
    return markup


# --- One send, one edit, through aiogram --------------------------------------------------

_METHODS: Final[dict[str, type[SendMessage] | type[SendPhoto]]] = {
    "sendMessage": SendMessage,
    "sendPhoto": SendPhoto,
}


async def send_view(bot: Bot, chat_id: int, view: ReleaseView, *, paid: bool = False) -> Sent:
    """Send a release view through aiogram, in the shape `view_calls` gives the engine too."""
    plan = view_calls(
        view.text, view.keyboard, photo=view.photo, short_caption=view.short_caption, paid=paid
    )
    ids = []
    for method, fields in plan.calls:
        message = await bot(_METHODS[method](chat_id=chat_id, **fields))
        ids.append(message.message_id)
    return Sent(ids[0], ids[1] if len(ids) > 1 else None, as_caption=plan.as_caption)


async def edit_view(bot: Bot, chat_id: int, sent: Sent, view: ReleaseView) -> Sent:
    """Show `view` in messages sent earlier; "message is not modified" counts as done.

    A caption copy whose new text no longer fits a caption gets the title as caption and the
    text as a new message; a copy whose text follows the photo keeps that shape, its photo
    captioned with the (maybe new) title. Returns where the view now is.
    """
    if sent.as_caption and view.short_caption is None:
        await _edit_caption(bot, chat_id, sent.message_id, view.text, view.keyboard)
        return sent
    if sent.as_caption or sent.extra_message_id is not None:
        await _edit_caption(bot, chat_id, sent.message_id, view.title)
    if sent.as_caption:
        text = await bot.send_message(
            chat_id, view.text, parse_mode=ParseMode.HTML, reply_markup=view.keyboard
        )
        return Sent(sent.message_id, text.message_id)
    target = sent.message_id if sent.extra_message_id is None else sent.extra_message_id
    await unchanged_ok(
        bot.edit_message_text(
            text=view.text,
            chat_id=chat_id,
            message_id=target,
            parse_mode=ParseMode.HTML,
            reply_markup=view.keyboard,
        )
    )
    return sent


async def _edit_caption(
    bot: Bot,
    chat_id: int,
    message_id: int,
    caption: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    await unchanged_ok(
        bot.edit_message_caption(
            chat_id=chat_id,
            message_id=message_id,
            caption=caption,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
        )
    )


async def unchanged_ok(call: Awaitable[Message | bool]) -> None:
    """Await an edit; Telegram's "message is not modified" means it already shows it."""
    try:
        await call
    except TelegramBadRequest as error:
        # "Bad Request: message is not modified: specified new message content and reply
        # markup are exactly the same as a current content and reply markup of the message"
        if NOT_MODIFIED not in error.message:
            raise


# --- What went wrong, in the engine's terms ------------------------------------------------

Kind = Literal["flood", "blocked", "gone", "transient", "permanent"]


class Problem(Exception):
    """A failed Bot API call, sorted by what the engine does about it."""

    def __init__(self, kind: Kind, error: str, retry_after: float = 0.0) -> None:
        super().__init__(error)
        self.kind: Kind = kind
        self.error = error
        self.retry_after = retry_after


def _from_answer(code: int, description: str, retry_after: float | None) -> Problem:
    if code == 429:
        return Problem("flood", description, retry_after if retry_after else 1.0)
    if code == 403:
        return Problem("blocked", description)
    if code == 400 and ("chat not found" in description or "user not found" in description):
        return Problem("gone", description)
    if code == 400:
        return Problem("permanent", description)
    return Problem("transient", description or f"HTTP {code}")


def problem_of(error: BaseException) -> Problem:
    """Sort an exception from aiogram, aiohttp or a timeout."""
    if isinstance(error, Problem):
        return error
    if isinstance(error, TelegramRetryAfter):
        return Problem("flood", error.message, float(error.retry_after))
    if isinstance(error, TelegramForbiddenError):
        return Problem("blocked", error.message)
    if isinstance(error, TelegramMigrateToChat | TelegramEntityTooLarge):
        return Problem("permanent", error.message)
    if isinstance(error, TelegramBadRequest):
        return _from_answer(400, error.message, None)
    if isinstance(error, TelegramAPIError):
        return Problem("transient", error.message)
    if isinstance(error, TimeoutError):
        return Problem("transient", "request timed out")
    return Problem("transient", f"{type(error).__name__}: {error}")


# --- Pacing ----------------------------------------------------------------------------------


class Pacer:
    """The bot's send budget: a global rate (with a short burst), one message a second per
    chat, and a shared pause after a 429 (the limit is the bot's, not one request's)."""

    def __init__(self, rate: float, *, per_chat_interval: float = 1.0) -> None:
        self.rate = rate
        self._interval = 0.0 if math.isinf(rate) else 1.0 / rate
        self._slack = max(1.0, rate * BURST_SECONDS) * self._interval
        self._per_chat = per_chat_interval
        self._next = 0.0
        self._paused_until = 0.0
        self._chat_next: dict[int, float] = {}
        self._chat_expiry: deque[tuple[float, int]] = deque()

    async def take(self, count: int = 1) -> None:
        """Wait for `count` message slots of the global rate (and for any 429 pause to end)."""
        while True:
            now = time.monotonic()
            start = max(self._next, now - self._slack, self._paused_until)
            self._next = start + count * self._interval
            if start > now:
                await asyncio.sleep(start - now)
            if time.monotonic() >= self._paused_until:
                return

    async def chat(self, chat_id: int, count: int = 1) -> None:
        """Wait until `chat_id` may get `count` more messages at one a second."""
        now = time.monotonic()
        self._forget(now)
        start = max(now, self._chat_next.get(chat_id, 0.0))
        until = start + count * self._per_chat
        self._chat_next[chat_id] = until
        self._chat_expiry.append((until, chat_id))
        if start > now:
            await asyncio.sleep(start - now)

    def pause(self, seconds: float) -> None:
        """Hold every sender for `seconds` (Telegram's retry_after)."""
        until = time.monotonic() + seconds
        self._paused_until = max(self._paused_until, until)
        self._next = max(self._next, self._paused_until)

    def _forget(self, now: float) -> None:
        # Chats whose spacing has run out need no entry: keeps memory flat at 100,000 readers.
        expiry = self._chat_expiry
        while expiry and expiry[0][0] <= now:
            until, chat_id = expiry.popleft()
            if self._chat_next.get(chat_id) == until:
                del self._chat_next[chat_id]


# --- The hot path: JSON over aiogram's session -----------------------------------------------


@dataclass(frozen=True, slots=True)
class _Part:
    method: str
    tail: bytes  # the JSON object after `{"chat_id":N,`

    def body(self, chat_id: int) -> bytes:
        return b'{"chat_id":%d,%s' % (chat_id, self.tail)


def _encoded(plan: Calls) -> tuple[_Part, ...]:
    """The calls as request bodies, encoded once and reused for every reader."""
    return tuple(
        _Part(method, json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()[1:])
        for method, fields in plan.calls
    )


class _Transport:
    """Posts prepared JSON bodies and reads back only what the engine needs."""

    def __init__(self, bot: Bot, timeout: float) -> None:
        if not isinstance(bot.session, AiohttpSession):
            raise TypeError("the delivery engine needs aiogram's AiohttpSession")
        self._session = bot.session
        self._urls = {
            method: bot.session.api.api_url(token=bot.token, method=method)
            for method in ("sendMessage", "sendPhoto")
        }
        self._headers = {"Content-Type": "application/json"}
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def send(self, part: _Part, chat_id: int) -> int:
        """Send one message; its message_id, or `Problem`."""
        client = await self._session.create_session()
        try:
            async with client.post(
                self._urls[part.method],
                data=part.body(chat_id),
                headers=self._headers,
                timeout=self._timeout,
            ) as response:
                raw = await response.read()
                status = response.status
            answer = json.loads(raw)
        except TimeoutError:
            raise Problem("transient", "request timed out") from None
        except (aiohttp.ClientError, ValueError) as error:
            raise Problem("transient", f"{type(error).__name__}: {error}") from None
        if isinstance(answer, dict) and answer.get("ok"):
            return int(answer["result"]["message_id"])
        if not isinstance(answer, dict):
            raise Problem("transient", f"HTTP {status}: unexpected answer")
        parameters = answer.get("parameters") or {}
        raise _from_answer(
            int(answer.get("error_code", status)),
            str(answer.get("description", "")),
            parameters.get("retry_after"),
        )


# --- The engine ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Progress:
    """The staff chat's progress message for one release."""

    chat_id: int
    lang: Lang
    message_id: int | None
    shown: str = ""
    edited_at: float = 0.0


class DeliveryEngine:
    """Sends what the outbox holds; also publishes due scheduled releases, edits and retracts."""

    def __init__(
        self,
        bot: Bot,
        db: Database,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.time,
        rate: float | None = None,
        max_attempts: int = 5,
        retry_base: float = 1.0,
        retry_cap: float = 60.0,
        request_timeout: float = 10.0,
        progress_interval: float = 3.0,
        per_chat_interval: float = 1.0,
        poll_interval: float = 1.0,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.bot = bot
        # Counts for /metrics; an engine of its own (tests, benchmarks) gets a private one.
        self.telemetry = Telemetry() if telemetry is None else telemetry
        self._db = db
        self._settings = settings
        self._clock = clock
        self.rate = effective_rate(settings) if rate is None else rate
        self.paid = settings.paid_broadcast
        self.limit = in_flight_limit(self.rate)
        self.metrics = EngineMetrics()
        self._max_attempts = max(1, max_attempts)
        self._retry_base = retry_base
        self._retry_cap = retry_cap
        self._request_timeout = request_timeout
        self._progress_interval = progress_interval
        self._poll_interval = poll_interval
        self._pacer = Pacer(self.rate, per_chat_interval=per_chat_interval)
        self._transport = _Transport(bot, request_timeout)
        self._slots = asyncio.Semaphore(self.limit)
        self._side_slots = asyncio.Semaphore(self.limit)
        self._queue: deque[Job] = deque()
        self._more = True
        self._active: set[int] = set()
        self._releases: dict[int, Release] = {}
        self._payloads: dict[tuple[int, int, str, int | None], tuple[_Part, ...]] = {}
        self._retracted: set[int] = set()
        self._outbox: list[Outcome] = []
        self._has_outcomes = asyncio.Event()
        self._outbox_full = asyncio.Event()
        self._flush_lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._tick = asyncio.Event()
        # Send tasks by delivery id, and the deliveries whose request is on the wire now.
        self._sends: dict[asyncio.Task[None], int] = {}
        self._on_wire: set[int] = set()
        # A quarter of the permits at most wait for the writer: the rest keep sending.
        self._flush_size = max(16, self.limit // 4)
        self._loops: list[asyncio.Task[None]] = []
        self._background: set[asyncio.Task[Any]] = set()
        self._locks: dict[tuple[str, int], asyncio.Lock] = {}
        self._progress: dict[int, _Progress] = {}
        self._sent: dict[int, asyncio.Event] = {}
        self._stopping = False

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Resume: unsent rows back to the queue, unfinished edits and retractions; then run."""
        self._stopping = False
        reset = await deliveries.reset_in_flight(self._db)
        if reset:
            logger.warning(
                "%d deliveries were claimed but not confirmed when the bot stopped; "
                "sending them again",
                reset,
            )
        self._loops = [
            asyncio.create_task(self._forever(self._dispatch), name="delivery-dispatch"),
            asyncio.create_task(self._forever(self._write), name="delivery-writer"),
            asyncio.create_task(self._forever(self._report_loop), name="delivery-progress"),
            asyncio.create_task(self._forever(self._schedule_loop), name="delivery-schedule"),
        ]
        for release_id in await deliveries.unfinished_retractions(self._db):
            self._spawn(self.retract(release_id))
        for release_id in await deliveries.unfinished_edits(self._db):
            self._spawn(self.edit(release_id))

    async def stop(self) -> None:
        """Stop claiming, let requests in flight finish, commit every outcome, requeue the rest."""
        self._stopping = True
        for task in self._loops:
            if task.get_name() != "delivery-writer":
                task.cancel()
        for task, delivery_id in list(self._sends.items()):
            # Waiting for the pacer: nothing is on the wire yet, the row goes back to pending.
            if delivery_id not in self._on_wire:
                task.cancel()
        for task in list(self._background):
            task.cancel()
        pending = set(self._sends) | self._background
        if pending:
            _, late = await asyncio.wait(pending, timeout=self._request_timeout + 1)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await self._flush()
        for task in self._loops:
            task.cancel()
        await asyncio.gather(*self._loops, return_exceptions=True)
        self._loops = []
        self._queue.clear()
        await deliveries.reset_in_flight(self._db)

    async def _forever(self, loop: Callable[[], Awaitable[None]]) -> None:
        """Run a loop of the engine; a failure (say, the database busy for too long) is logged
        and the loop starts again a second later instead of silently stopping delivery."""
        while True:
            try:
                await loop()
            except Exception:
                logger.exception("Delivery loop %s failed; restarting it", loop.__name__)
                await asyncio.sleep(1.0)

    def wake(self) -> None:
        """Look for new work now (new deliveries, a release scheduled or due)."""
        self._wake.set()
        self._tick.set()

    # ----------------------------------------------------------------- publishing

    async def publish(self, release_id: int, *, report_chat_id: int | None) -> int:
        """Queue the release for every active as-they-come reader and start sending; progress
        goes to `report_chat_id`. Returns how many readers it was queued for."""
        count = await deliveries.enqueue_release(
            self._db, release_id, report_chat_id=report_chat_id, clock=self._clock
        )
        self._retracted.discard(release_id)
        logger.info(
            "Release %d queued for %d readers", release_id, count, extra={"release_id": release_id}
        )
        self.wake()
        if report_chat_id is not None:
            await self._report(release_id)
        return count

    async def _schedule_loop(self) -> None:
        while True:
            for release in await releases.due_scheduled(self._db, self._clock()):
                chat_id = release.report_chat_id or release.author_id
                try:
                    await self.publish(release.id, report_chat_id=chat_id)
                except NotPublishable:
                    continue
            self._tick.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll_interval):
                    await self._tick.wait()

    # ----------------------------------------------------------------- sending

    async def _dispatch(self) -> None:
        while True:
            if not self._queue or (self._more and len(self._queue) < self.limit):
                await self._refill()
            if not self._queue:
                await self._idle()
                continue
            await self._slots.acquire()
            job = self._queue.popleft()
            task = asyncio.create_task(self._deliver(job))
            self._sends[task] = job.id
            task.add_done_callback(self._forget_send)

    def _forget_send(self, task: asyncio.Task[None]) -> None:
        del self._sends[task]

    async def _refill(self) -> None:
        wanted = max(2 * self.limit, 64)
        jobs = await deliveries.claim(self._db, self._clock(), wanted)
        # Fewer than asked: the outbox is drained until a wake-up or the queue runs dry.
        self._more = len(jobs) == wanted
        for release_id in {job.release_id for job in jobs if job.release_id is not None}:
            release = await releases.get(self._db, release_id)
            if release is not None:
                self._releases[release_id] = release
                self._active.add(release_id)
        self._queue.extend(jobs)

    async def _idle(self) -> None:
        if not self._sends and not self._outbox:
            # Everything claimed is settled: the releases may be complete now, not in 3 s.
            for release_id in self._active:
                self._spawn(self._report(release_id))
            self._active.clear()
        self._wake.clear()
        wait = self._poll_interval
        due = await deliveries.next_due(self._db)
        if due is not None:
            wait = min(wait, max(0.0, due - self._clock()))
        if wait > 0:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()

    def _lang(self, language: str | None, telegram_language: str | None) -> Lang:
        return pick_language(language, telegram_language, self._settings.default_language)

    def _release_payload(
        self, release: Release, lang: Lang, stars: int | None
    ) -> tuple[_Part, ...]:
        key = (release.id, release.revision, lang, stars)
        payload = self._payloads.get(key)
        if payload is None:
            if len(self._payloads) > 256:
                self._payloads.clear()
            view = render.release_view(release, lang, my_stars=stars)
            payload = _encoded(
                view_calls(
                    view.text,
                    view.keyboard,
                    photo=view.photo,
                    short_caption=view.short_caption,
                    paid=self.paid,
                )
            )
            self._payloads[key] = payload
        return payload

    async def _deliver(self, job: Job) -> None:
        outcome: Outcome = Retry(job.id, at=0.0, error=None, counted=False)
        try:
            outcome = await self._attempt(job)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            logger.exception(
                "Delivery %d to %d failed",
                job.id,
                job.chat_id,
                extra={"release_id": job.release_id, "chat_id": job.chat_id},
            )
            outcome = Settled(job.id, job.chat_id, "failed", f"{type(error).__name__}: {error}")
        finally:
            self._submit(outcome)

    async def _attempt(self, job: Job) -> Outcome:
        lang = self._lang(job.language, job.telegram_language)
        revision = 0
        if job.release_id is not None:
            release = self._releases.get(job.release_id)
            if (
                release is None
                or release.status not in PUBLISHED
                or job.release_id in self._retracted
            ):
                return Settled(job.id, job.chat_id, "deleted", deliveries.CANCELLED_RETRACTED)
            payload = self._release_payload(release, lang, job.stars)
            revision = release.revision
        else:
            assert job.digest_id is not None
            rendered = await render_digest(self._db, job.digest_id, lang)
            # A digest links many releases: a preview of the first one would misrepresent it,
            # as /digest and its pages (handlers/digests.py) also turn previews off.
            payload = _encoded(
                view_calls(rendered.text, rendered.keyboard, paid=self.paid, preview=False)
            )
        first = job.message_id
        # A photo already sent (its id stored): only the text after it is left to send.
        parts = payload if first is None else payload[1:]
        ids: list[int] = []
        kind: Literal["release", "digest"] = "release" if job.release_id is not None else "digest"
        chat_paced = False
        for part in parts:
            while True:
                await self._pacer.take()
                if not chat_paced:
                    # After the global slot, not before: a message delayed by the global rate
                    # would otherwise land less than a second after the chat's previous one.
                    await self._pacer.chat(job.chat_id, len(parts))
                    chat_paced = True
                if self._stopping:
                    raise asyncio.CancelledError
                started = time.perf_counter()
                self._on_wire.add(job.id)
                try:
                    ids.append(await self._transport.send(part, job.chat_id))
                except Problem as problem:
                    self.metrics.timed(time.perf_counter() - started)
                    if problem.kind == "flood":
                        self.metrics.too_many_requests += 1
                        self.telemetry.flood_wait(problem.retry_after)
                        self._pacer.pause(problem.retry_after)
                        continue
                    self.telemetry.failed(kind, problem.kind)
                    partial = first if first is not None else (ids[0] if ids else None)
                    return self._failed(job, problem, partial)
                finally:
                    self._on_wire.discard(job.id)
                self.metrics.timed(time.perf_counter() - started)
                break
        self.metrics.sent += len(ids)
        self.telemetry.sent(kind, len(ids))
        if first is None:
            first, extra = ids[0], (ids[1] if len(ids) > 1 else None)
        else:
            extra = ids[0]
        return Delivered(job.id, first, extra, revision, self._clock())

    def _failed(self, job: Job, problem: Problem, partial: int | None) -> Outcome:
        if problem.kind in ("blocked", "gone"):
            status: Literal["blocked", "gone"] = "blocked" if problem.kind == "blocked" else "gone"
            return Settled(job.id, job.chat_id, status, problem.error, partial)
        attempts = job.attempts + 1
        if problem.kind == "permanent" or attempts >= self._max_attempts:
            return Settled(job.id, job.chat_id, "failed", problem.error, partial)
        self.metrics.retries += 1
        return Retry(job.id, self._clock() + self._backoff(attempts), problem.error, partial)

    def _backoff(self, attempts: int) -> float:
        delay = min(self._retry_cap, self._retry_base * 2.0 ** (attempts - 1))
        # Jitter keeps readers who failed together from retrying together.
        return delay * random.uniform(0.5, 1.0)

    # ----------------------------------------------------------------- committing outcomes

    def _submit(self, outcome: Outcome) -> None:
        self._outbox.append(outcome)
        self._has_outcomes.set()
        if len(self._outbox) >= self._flush_size:
            self._outbox_full.set()

    async def _write(self) -> None:
        while True:
            await self._has_outcomes.wait()
            if len(self._outbox) < self._flush_size:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(FLUSH_INTERVAL):
                        await self._outbox_full.wait()
            await self._flush()

    async def _flush(self) -> None:
        async with self._flush_lock:
            self._has_outcomes.clear()
            self._outbox_full.clear()
            batch, self._outbox = self._outbox, []
            if not batch:
                return
            try:
                await deliveries.record(self._db, batch, now=self._clock())
            except Exception:
                # Never drop an outcome: keep it (and its permit) and try again shortly.
                logger.exception("Could not record %d delivery outcomes; retrying", len(batch))
                self._outbox[:0] = batch
                await asyncio.sleep(1.0)
                self._has_outcomes.set()
                return
        for _ in batch:
            self._slots.release()
        if any(isinstance(outcome, Retry) for outcome in batch) or not self._sends:
            self._wake.set()

    # ----------------------------------------------------------------- paced side calls

    async def _paced(self, chat_id: int | None, count: int, call: Callable[[], Awaitable[T]]) -> T:
        """Run an edit, delete or staff message within the send budget, retrying 429s and
        transient errors; raises `Problem` for what retrying cannot fix."""
        attempts = 0
        async with self._side_slots:
            while True:
                await self._pacer.take(count)
                if chat_id is not None:
                    await self._pacer.chat(chat_id, count)
                    chat_id = None
                try:
                    async with asyncio.timeout(self._request_timeout):
                        return await call()
                except Exception as error:
                    problem = problem_of(error)
                if problem.kind == "flood":
                    self.metrics.too_many_requests += 1
                    self._pacer.pause(problem.retry_after)
                    continue
                attempts += 1
                if problem.kind != "transient" or attempts >= self._max_attempts:
                    raise problem
                await asyncio.sleep(self._backoff(attempts))

    def _spawn(self, work: Awaitable[Any]) -> None:
        async def run() -> None:
            try:
                await work
            except Exception:
                logger.exception("Background delivery work failed")

        task = asyncio.create_task(run())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _lock(self, kind: str, release_id: int) -> asyncio.Lock:
        return self._locks.setdefault((kind, release_id), asyncio.Lock())

    # ----------------------------------------------------------------- edits

    async def edit(self, release_id: int) -> int:
        """Re-render every delivered copy made from an older revision, each with that reader's
        own vote marked, paced like sends; returns how many copies were brought up to date.
        Copies still being sent are caught up when the release finishes sending."""
        async with self._lock("edit", release_id):
            release = await releases.get(self._db, release_id)
            if release is None or release.status not in PUBLISHED:
                return 0
            if release_id in self._releases:
                # Deliveries still queued go out in the new revision.
                self._releases[release_id] = release
            done, after = 0, 0
            while batch := await deliveries.copies(
                self._db, release_id, older_than=release.revision, after_id=after
            ):
                after = batch[-1].id
                results = await asyncio.gather(*(self._edit_copy(release, c) for c in batch))
                edited = [result for result in results if result is not None]
                await deliveries.mark_edited(self._db, [(i, r, x) for i, r, x, _ in edited])
                unreachable = [(status, chat) for *_, (status, chat) in edited if status]
                await deliveries.mark_readers(self._db, unreachable, now=self._clock())
                done += sum(1 for *_, (status, _) in edited if not status)
            logger.info(
                "Release %d: %d copies edited to revision %d", release_id, done, release.revision
            )
            return done

    async def _edit_copy(
        self, release: Release, copy: deliveries.Copy
    ) -> tuple[int, int, int | None, tuple[str, int]] | None:
        """(delivery id, revision, new extra message id, (reader status or "", chat)), or None
        to leave the copy for a later attempt."""
        view = render.release_view(
            release, self._lang(copy.language, copy.telegram_language), my_stars=copy.stars
        )
        as_caption = release.photo_file_id is not None and copy.extra_message_id is None
        sent = Sent(copy.message_id, copy.extra_message_id, as_caption)
        calls = 2 if sent.extra_message_id is not None or view.short_caption else 1
        try:
            with counted_as("edit"):
                now = await self._paced(
                    None, calls, lambda: edit_view(self.bot, copy.chat_id, sent, view)
                )
        except Problem as problem:
            if problem.kind in ("blocked", "gone"):
                return copy.id, release.revision, None, (problem.kind, copy.chat_id)
            if "message to edit not found" in problem.error or problem.kind == "permanent":
                # The reader deleted it, or Telegram refuses this edit for good: nothing to redo.
                logger.warning("Copy %d of release %d: %s", copy.id, release.id, problem.error)
                return copy.id, release.revision, None, ("", copy.chat_id)
            logger.warning(
                "Copy %d of release %d not edited yet: %s", copy.id, release.id, problem.error
            )
            return None
        extra = now.extra_message_id if now.extra_message_id != copy.extra_message_id else None
        return copy.id, release.revision, extra, ("", copy.chat_id)

    # ----------------------------------------------------------------- retraction

    async def retract(self, release_id: int) -> RetractResult:
        """Retract a published release: cancel unsent deliveries, delete every copy Telegram
        still lets a bot delete (48 h) and mark the rest `expired`. Safe to repeat: it resumes."""
        async with self._lock("retract", release_id):
            self._retracted.add(release_id)
            await deliveries.retract(self._db, release_id, now=self._clock())
            await self._settle(release_id)
            counts = {"deleted": 0, "expired": 0, "blocked": 0, "failed": 0}
            after = 0
            while batch := await deliveries.copies(self._db, release_id, after_id=after):
                after = batch[-1].id
                results = await asyncio.gather(*(self._delete_copy(copy) for copy in batch))
                removed = [
                    (status, copy.id)
                    for status, copy in zip(results, batch, strict=True)
                    if status != "failed"
                ]
                await deliveries.mark_removed(self._db, removed)
                await deliveries.mark_readers(
                    self._db,
                    [
                        ("blocked", copy.chat_id)
                        for status, copy in zip(results, batch, strict=True)
                        if status == "blocked"
                    ],
                    now=self._clock(),
                )
                for status in results:
                    counts[status] += 1
            await self._report_retracted(release_id)
            # Rows claimed but not yet sent are cancelled by the senders, not the transaction.
            cancelled = (await deliveries.stats(self._db, release_id)).cancelled
            return RetractResult(
                deleted=counts["deleted"],
                expired=counts["expired"],
                unreachable=counts["blocked"],
                cancelled=cancelled,
                failed=counts["failed"],
            )

    async def _settle(self, release_id: int) -> None:
        """Wait until no delivery of the release is in flight (or claimed but unsent)."""
        deadline = time.monotonic() + self._request_timeout * 2 + 1
        while time.monotonic() < deadline:
            if not any(job.release_id == release_id for job in self._queue):
                stats = await deliveries.stats(self._db, release_id)
                if stats.sending == 0:
                    return
            await asyncio.sleep(0.05)

    async def _delete_copy(
        self, copy: deliveries.Copy
    ) -> Literal["deleted", "expired", "blocked", "failed"]:
        if (
            copy.sent_at is not None
            and self._clock() - copy.sent_at >= DELETE_WINDOW - DELETE_MARGIN
        ):
            return "expired"
        result: Literal["deleted", "expired", "blocked", "failed"] = "deleted"
        for message_id in (copy.message_id, copy.extra_message_id):
            if message_id is None:
                continue
            try:
                await self._paced(None, 1, _deleter(self.bot, copy.chat_id, message_id))
            except Problem as problem:
                if "message to delete not found" in problem.error:
                    continue
                if "can't be deleted" in problem.error:
                    # "Bad Request: message can't be deleted for everyone": older than 48 h.
                    result = "expired"
                elif problem.kind in ("blocked", "gone"):
                    return "blocked"
                else:
                    logger.warning("Copy %d not deleted yet: %s", copy.id, problem.error)
                    return "failed"
        return result

    # ----------------------------------------------------------------- progress for staff

    async def _report_loop(self) -> None:
        while True:
            for release_id in await deliveries.sending_releases(self._db):
                await self._report(release_id)
            await asyncio.sleep(self._progress_interval)

    async def _report(self, release_id: int) -> None:
        """Show the release's progress in the staff chat; finish it when nothing is left."""
        async with self._lock("report", release_id):
            release = await releases.get(self._db, release_id)
            if release is None or release.status != "sending":
                return
            stats = await deliveries.stats(self._db, release_id)
            finished = stats.unsent == 0 and await deliveries.finish(self._db, release_id)
            progress = await self._progress_of(release)
            if progress is None:
                if finished:
                    await self._finished(release_id)
                return
            state = "sent" if finished else "sending"
            text = render.delivery_progress(release, stats, progress.lang, state=state)
            # The progress message shows the final count before the report arrives below it.
            await self._show(release, progress, text, final=finished)
            if finished:
                await self._finished(release_id)
                duration = self._clock() - (release.published_at or self._clock())
                report = render.delivery_report(release, stats, duration, progress.lang)
                try:
                    await self._paced(
                        progress.chat_id,
                        1,
                        lambda: self.bot.send_message(progress.chat_id, report),
                    )
                except Problem as problem:
                    logger.warning("Report on release %d not sent: %s", release_id, problem.error)

    async def _progress_of(self, release: Release) -> _Progress | None:
        progress = self._progress.get(release.id)
        if progress is None and release.report_chat_id is not None:
            reader = await subscribers.get(self._db, release.report_chat_id)
            lang = self._lang(
                reader.language if reader else None, reader.telegram_language if reader else None
            )
            progress = _Progress(release.report_chat_id, lang, release.report_message_id)
            self._progress[release.id] = progress
        return progress

    async def _show(
        self, release: Release, progress: _Progress, text: str, *, final: bool
    ) -> None:
        if text == progress.shown:
            return
        if progress.message_id is None:
            try:
                message = await self._paced(
                    progress.chat_id, 1, lambda: self.bot.send_message(progress.chat_id, text)
                )
            except Problem as problem:
                logger.warning("Progress of release %d not shown: %s", release.id, problem.error)
                return
            progress.message_id = message.message_id
            await deliveries.set_report_message(self._db, release.id, message.message_id)
        else:
            wait = progress.edited_at + self._progress_interval - time.monotonic()
            if wait > 0:
                if not final:
                    return
                await asyncio.sleep(wait)
            message_id = progress.message_id
            try:
                await self._paced(
                    None,
                    1,
                    lambda: unchanged_ok(
                        self.bot.edit_message_text(
                            text=text, chat_id=progress.chat_id, message_id=message_id
                        )
                    ),
                )
            except Problem as problem:
                logger.warning("Progress of release %d not updated: %s", release.id, problem.error)
                return
        progress.shown = text
        progress.edited_at = time.monotonic()

    async def wait_sent(self, release_id: int) -> None:
        """Return once the release is `sent` (every delivery settled)."""
        event = self._sent.setdefault(release_id, asyncio.Event())
        release = await releases.get(self._db, release_id)
        if release is not None and release.status == "sent":
            return
        await event.wait()

    async def _finished(self, release_id: int) -> None:
        self._sent.setdefault(release_id, asyncio.Event()).set()
        self._progress.pop(release_id, None)
        self._releases.pop(release_id, None)
        logger.info("Release %d is sent", release_id)
        # Copies sent while an edit ran were rendered from the older revision: catch them up.
        if release_id in await deliveries.unfinished_edits(self._db):
            self._spawn(self.edit(release_id))

    async def _report_retracted(self, release_id: int) -> None:
        progress = self._progress.pop(release_id, None)
        release = await releases.get(self._db, release_id)
        if progress is None or progress.message_id is None or release is None:
            return
        stats = await deliveries.stats(self._db, release_id)
        text = render.delivery_progress(release, stats, progress.lang, state="retracted")
        await self._show(release, progress, text, final=True)


def _deleter(bot: Bot, chat_id: int, message_id: int) -> Callable[[], Awaitable[bool]]:
    return lambda: bot.delete_message(chat_id, message_id)
