"""What the bot has been doing, for `/metrics`, `/healthz` and `/status`: Prometheus counters in a
registry of this bot's own, and the few timestamps health depends on.

`Telemetry` is created in the start-up hook, one per bot, with its own `CollectorRegistry`, so
several bots in one process (the tests) never share or collide on a metric. Messages are counted
where they leave: the delivery engine counts the releases and digests it posts itself; every
message aiogram sends (replies to people, edits of delivered copies, staff reports) passes
`RequestCounter`, a session middleware, which also notes each answered `getUpdates`.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import TYPE_CHECKING, Any, Final, Literal

from aiogram import BaseMiddleware
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

from bot.logs import log_ids
from bot.pacing import failure_of
from bot.sending import NOT_MODIFIED

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
    from aiogram.methods import Response, TelegramMethod
    from aiogram.methods.base import TelegramType
    from aiogram.types import Chat, TelegramObject, User

MessageKind = Literal["release", "digest", "edit", "reply"]
# How a failed request is sorted (`bot.pacing.SendFailure.kind`, 429s counted apart).
ErrorClass = Literal["blocked", "gone", "transient", "permanent"]

# Methods that put a message on someone's screen or change one there.
MESSAGE_METHODS: Final = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageMedia",
        "editMessageReplyMarkup",
    }
)
HOUR: Final = 3600.0

# What the current task is sending through aiogram; the delivery engine marks its edits.
MESSAGE_KIND: ContextVar[MessageKind] = ContextVar("pressroom_message_kind", default="reply")


def version() -> str:
    """Pressroom's installed version."""
    try:
        return package_version("pressroom")
    except PackageNotFoundError:
        return "unknown"


@contextlib.contextmanager
def counted_as(kind: MessageKind) -> Iterator[None]:
    """Count the messages aiogram sends inside the block as `kind` (the default is a reply)."""
    token = MESSAGE_KIND.set(kind)
    try:
        yield
    finally:
        MESSAGE_KIND.reset(token)


class ErrorLog(logging.Handler):
    """Remembers when ERROR records were logged, for "errors in the last hour"."""

    def __init__(self, on_error: Callable[[], None]) -> None:
        super().__init__(level=logging.ERROR)
        self.times: deque[float] = deque()
        self._on_error = on_error

    def emit(self, record: logging.LogRecord) -> None:
        self.times.append(record.created)
        self._on_error()
        while self.times and self.times[0] < record.created - HOUR:
            self.times.popleft()

    def since(self, moment: float) -> int:
        """How many errors were logged after `moment`."""
        return sum(1 for logged in self.times if logged > moment)


class Telemetry:
    """One bot's counters and health timestamps, with the registry `/metrics` exposes."""

    def __init__(self, *, mode: Literal["polling", "webhook"] = "polling") -> None:
        # Per-counter `_created` timestamps are noise; the switch is process-wide.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = CollectorRegistry(auto_describe=True)
        self.mode = mode
        self.version = version()
        self.started_at = time.time()
        self.last_update_at: float | None = None
        self.last_poll_at: float | None = None
        self.last_digest_run: float | None = None
        self.last_digests_queued = 0
        self.last_backup_at: float | None = None
        registry = self.registry
        self.messages_sent = Counter(
            "pressroom_messages_sent",
            "Messages Telegram accepted, by kind (release, digest, edit, reply).",
            ["kind"],
            registry=registry,
        )
        self.messages_failed = Counter(
            "pressroom_messages_failed",
            "Message requests Telegram refused or that got no answer, by kind and error class "
            "(blocked, gone, transient, permanent); 429s are counted in pressroom_flood_waits.",
            ["kind", "error"],
            registry=registry,
        )
        self.flood_waits = Counter(
            "pressroom_flood_waits",
            "429 Too Many Requests answers: each pauses sending for retry_after.",
            registry=registry,
        )
        self.flood_wait_seconds = Counter(
            "pressroom_flood_wait_seconds",
            "Seconds of retry_after the 429 answers asked for.",
            registry=registry,
        )
        self.backlog = Gauge(
            "pressroom_outbox_backlog",
            "Deliveries waiting to be sent (pending or on the wire).",
            registry=registry,
        )
        self.subscribers = Gauge(
            "pressroom_subscribers",
            "Subscribers by status (active, unsubscribed, blocked, gone).",
            ["status"],
            registry=registry,
        )
        self.votes = Gauge(
            "pressroom_votes", "Votes stored, over all releases.", registry=registry
        )
        self.update_seconds = Histogram(
            "pressroom_update_handling_seconds",
            "Time from an update's arrival to the end of its handling.",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
            registry=registry,
        )
        self.digest_runs = Counter(
            "pressroom_digest_runs",
            "Runs of the digest job, by outcome (ok, failed).",
            ["outcome"],
            registry=registry,
        )
        self.digests_queued = Counter(
            "pressroom_digests_queued", "Digests queued for delivery.", registry=registry
        )
        self.backups = Counter(
            "pressroom_backups",
            "Scheduled backups, by outcome (ok, failed).",
            ["outcome"],
            registry=registry,
        )
        self.last_backup = Gauge(
            "pressroom_last_backup_timestamp_seconds",
            "When the newest backup in BACKUP_DIR was written (Unix time; 0: none yet).",
            registry=registry,
        )
        self.errors = Counter(
            "pressroom_log_errors", "Records logged at ERROR or above.", registry=registry
        )
        Gauge(
            "pressroom_start_time_seconds",
            "When this process started (Unix time).",
            registry=registry,
        ).set(self.started_at)
        Gauge(
            "pressroom_build_info",
            "Pressroom's version and how it takes updates; always 1.",
            ["version", "mode"],
            registry=registry,
        ).labels(version=self.version, mode=mode).set(1)
        for kind in ("release", "digest", "edit", "reply"):
            self.messages_sent.labels(kind=kind)
        for outcome in ("ok", "failed"):
            self.digest_runs.labels(outcome=outcome)
            self.backups.labels(outcome=outcome)
        self.error_log = ErrorLog(self.errors.inc)

    # ----------------------------------------------------------------- counting

    def sent(self, kind: MessageKind, count: int = 1) -> None:
        """`count` messages of `kind` were accepted by Telegram."""
        self.messages_sent.labels(kind=kind).inc(count)

    def failed(self, kind: MessageKind, error: ErrorClass) -> None:
        """A message request of `kind` failed with `error`."""
        self.messages_failed.labels(kind=kind, error=error).inc()

    def flood_wait(self, seconds: float) -> None:
        """Telegram answered 429 and asked for `seconds` of pause."""
        self.flood_waits.inc()
        self.flood_wait_seconds.inc(max(0.0, seconds))

    def digest_ran(self, queued: int | None) -> None:
        """The digest job finished a run (`queued` digests), or failed (None)."""
        if queued is None:
            self.digest_runs.labels(outcome="failed").inc()
            return
        self.digest_runs.labels(outcome="ok").inc()
        self.digests_queued.inc(queued)
        self.last_digest_run = time.time()
        self.last_digests_queued = queued

    def backup_taken(self, at: float | None) -> None:
        """A scheduled backup was written at `at`, or failed (None)."""
        self.backups.labels(outcome="failed" if at is None else "ok").inc()
        if at is not None:
            self.backup_found(at)

    def backup_found(self, at: float) -> None:
        """The newest backup on disk was written at `at`."""
        self.last_backup_at = at
        self.last_backup.set(at)

    def errors_in_last_hour(self, now: float) -> int:
        """ERROR records logged in the hour before `now`."""
        return self.error_log.since(now - HOUR)

    def exposition(self) -> bytes:
        """Everything in the Prometheus text format."""
        return generate_latest(self.registry)

    # ----------------------------------------------------------------- wiring

    def attach(self, bot: Bot) -> None:
        """Count `bot`'s requests and the errors logged from now on."""
        bot.session.middleware.register(self.request_counter)
        logging.getLogger().addHandler(self.error_log)

    def detach(self, bot: Bot) -> None:
        """Undo `attach`."""
        if self.request_counter in bot.session.middleware:
            bot.session.middleware.unregister(self.request_counter)
        logging.getLogger().removeHandler(self.error_log)

    async def request_counter(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        """aiogram session middleware: count messages by kind, failures by class, 429s, and
        note each answered `getUpdates` (long polling is alive)."""
        name = method.__api_method__
        try:
            response = await make_request(bot, method)
        except Exception as error:
            if name in MESSAGE_METHODS:
                self._count_failure(MESSAGE_KIND.get(), error)
            raise
        if name == "getUpdates":
            self.last_poll_at = time.time()
        elif name in MESSAGE_METHODS:
            self.sent(MESSAGE_KIND.get())
        return response

    def _count_failure(self, kind: MessageKind, error: BaseException) -> None:
        failure = failure_of(error)
        if NOT_MODIFIED in failure.error:
            # An edit that would change nothing: Telegram refuses it, nothing went wrong.
            return
        if failure.kind == "flood":
            self.flood_wait(failure.retry_after)
        else:
            self.failed(kind, failure.kind)


class UpdateTimer(BaseMiddleware):
    """Notes each update's arrival and times its handling; ids go on the log records."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        telemetry: Telemetry | None = data.get("telemetry")
        chat: Chat | None = data.get("event_chat")
        user: User | None = data.get("event_from_user")
        ids = {
            "update_id": getattr(event, "update_id", None),
            "chat_id": chat.id if chat else None,
            "user_id": user.id if user else None,
        }
        started = time.perf_counter()
        if telemetry is not None:
            telemetry.last_update_at = time.time()
        try:
            with log_ids(**ids):
                return await handler(event, data)
        finally:
            if telemetry is not None:
                telemetry.update_seconds.observe(time.perf_counter() - started)
