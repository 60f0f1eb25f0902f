"""The delivery engine: publishes releases to every reader, then edits or retracts the copies.

`DeliveryEngine` is the one long-lived object handlers and jobs talk to. It queues a release in
the outbox (`publish`) and runs `bot.outbox.OutboxSender`, which sends it paced, retried and
crash-safe; it publishes scheduled releases when due, brings copies already sent up to a new
revision (`edit`), deletes them on retraction (`retract`), and keeps the staff chat's progress
message and final report. Edits, deletions and staff messages go through the same send budget
(`bot.pacing.Pacer`) as the sends.

Start-up resumes what a stop or crash interrupted: deliveries claimed but unconfirmed go back to
pending, unfinished edits and retractions run again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeVar

from aiogram import Bot

from bot import chat_status, render, staff_views
from bot.config import Settings
from bot.i18n import Lang, pick_language
from bot.lane import lane_priority
from bot.outbox import EngineMetrics, OutboxSender
from bot.pacing import (
    GROUP_INTERVAL,
    Pacer,
    SendFailure,
    effective_rate,
    failure_of,
    in_flight_limit,
)
from bot.sending import Sent, edit_view, unchanged_ok
from bot.telemetry import Telemetry, counted_as
from storage import deliveries, releases, subscribers
from storage.db import Database
from storage.deliveries import NotPublishable
from storage.releases import PUBLISHED, Release

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Telegram lets a bot delete its messages in private chats for 48 hours.
DELETE_WINDOW: Final = 48 * 3600
# Copies closer than this to the window's end are left alone rather than raced.
DELETE_MARGIN: Final = 60.0


@dataclass(frozen=True, slots=True)
class RetractResult:
    """What a retraction did: copies deleted, too old to delete (48 h), on unreachable readers'
    screens, never sent (cancelled), and those whose deletion failed (tried again later)."""

    deleted: int = 0
    expired: int = 0
    unreachable: int = 0
    cancelled: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class EditedCopy:
    """A copy settled by an edit: brought to `revision` (a new text message after its photo in
    `extra_message_id`), or left as it is because its reader is `unreachable`."""

    delivery_id: int
    revision: int
    extra_message_id: int | None
    chat_id: int
    unreachable: Literal["blocked", "gone"] | None = None
    tally: str | None = None


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
        per_group_interval: float = GROUP_INTERVAL,
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
        self.limit = in_flight_limit(self.rate)
        self.metrics = EngineMetrics()
        self._max_attempts = max(1, max_attempts)
        self._retry_base = retry_base
        self._retry_cap = retry_cap
        self._request_timeout = request_timeout
        self._progress_interval = progress_interval
        self._poll_interval = poll_interval
        self._pacer = Pacer(
            self.rate, per_chat_interval=per_chat_interval, per_group_interval=per_group_interval
        )
        # Told when channel or group copies of a release were sent or edited, so their live
        # counters catch up with votes cast meanwhile (`bot.counters`, wired by `bot.app`).
        self.on_chat_copies: Callable[[int], None] = lambda release_id: None
        self._sender = OutboxSender(
            bot,
            db,
            settings,
            pacer=self._pacer,
            metrics=self.metrics,
            telemetry=self.telemetry,
            limit=self.limit,
            clock=clock,
            backoff=self._backoff,
            on_settled=lambda release_id: self._spawn(self._report(release_id)),
            on_chat_copies=lambda release_id: self.on_chat_copies(release_id),
            max_attempts=self._max_attempts,
            request_timeout=request_timeout,
            poll_interval=poll_interval,
        )
        self._side_slots = asyncio.Semaphore(self.limit)
        self._tick = asyncio.Event()
        self._loops: list[asyncio.Task[None]] = []
        self._background: set[asyncio.Task[Any]] = set()
        self._locks: dict[tuple[str, int], asyncio.Lock] = {}
        self._progress: dict[int, _Progress] = {}
        self._sent: dict[int, asyncio.Event] = {}

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Resume: unsent rows back to the queue, unfinished edits and retractions; then run."""
        self._sender.resume()
        reset = await deliveries.reset_in_flight(self._db)
        if reset:
            logger.warning(
                "%d deliveries were claimed but not confirmed when the bot stopped; "
                "sending them again",
                reset,
            )
        self._loops = [
            asyncio.create_task(self._forever(self._sender.dispatch), name="delivery-dispatch"),
            asyncio.create_task(self._forever(self._sender.write), name="delivery-writer"),
            asyncio.create_task(self._forever(self._report_loop), name="delivery-progress"),
            asyncio.create_task(self._forever(self._schedule_loop), name="delivery-schedule"),
        ]
        for release_id in await deliveries.unfinished_retractions(self._db):
            self._spawn(self.retract(release_id))
        for release_id in await deliveries.unfinished_edits(self._db):
            self._spawn(self.edit(release_id))

    async def stop(self) -> None:
        """Stop claiming, let requests in flight finish, commit every outcome, requeue the rest."""
        for task in self._loops:
            if task.get_name() != "delivery-writer":
                task.cancel()
        # Sends waiting for the pacer are cancelled: nothing is on the wire yet, the row goes
        # back to pending.
        sends = self._sender.halt()
        for task in list(self._background):
            task.cancel()
        pending = sends | self._background
        if pending:
            _, late = await asyncio.wait(pending, timeout=self._request_timeout + 1)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await self._sender.flush()
        for task in self._loops:
            task.cancel()
        await asyncio.gather(*self._loops, return_exceptions=True)
        self._loops = []
        self._sender.drop_queue()
        await deliveries.reset_in_flight(self._db)
        await self._sender.close()

    async def _forever(self, loop: Callable[[], Awaitable[None]]) -> None:
        """Run a loop of the engine; a failure (say, the database busy for too long) is logged
        and the loop starts again a second later instead of silently stopping delivery."""
        while True:
            try:
                await loop()
            except Exception:
                logger.exception("Delivery loop %s failed; restarting it", loop.__name__)
                await asyncio.sleep(1.0)

    def free_rate_in_use(self) -> float:
        """Messages a second the engine takes from Telegram's free budget right now: its rate
        while a non-paid broadcast or digest is sending, else 0 (paid sends have their own)."""
        if self._settings.paid_broadcast or not self._sender.sending():
            return 0.0
        return self.rate

    def wake(self) -> None:
        """Look for new work now (new deliveries, a release scheduled or due)."""
        self._sender.wake()
        self._tick.set()

    def _lang(self, language: str | None, telegram_language: str | None) -> Lang:
        return pick_language(language, telegram_language, self._settings.default_language)

    def _backoff(self, attempts: int) -> float:
        delay = min(self._retry_cap, self._retry_base * 2.0 ** (attempts - 1))
        # Jitter keeps readers who failed together from retrying together.
        return delay * random.uniform(0.5, 1.0)

    # ----------------------------------------------------------------- publishing

    async def publish(self, release_id: int, *, report_chat_id: int | None) -> int:
        """Queue the release for every active as-they-come reader and start sending; progress
        goes to `report_chat_id`. Returns how many readers it was queued for."""
        count = await deliveries.enqueue_release(
            self._db, release_id, report_chat_id=report_chat_id, clock=self._clock
        )
        self._sender.retracted.discard(release_id)
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

    # ----------------------------------------------------------------- paced side calls

    async def _paced(self, chat_id: int | None, count: int, call: Callable[[], Awaitable[T]]) -> T:
        """Run an edit, delete or staff message within the send budget, retrying 429s and
        transient errors; raises `SendFailure` for what retrying cannot fix. A 429 on a call
        to a channel or group waits for that chat alone: it is the chat's limit (20 a minute)."""
        attempts = 0
        one_chat = chat_id is not None and chat_id < 0
        async with self._side_slots:
            while True:
                await self._pacer.take(count)
                if chat_id is not None:
                    await self._pacer.chat(chat_id, count)
                    chat_id = None
                try:
                    # Paced here, by the engine's budget: the people lane lets it pass.
                    with lane_priority("engine"):
                        async with asyncio.timeout(self._request_timeout):
                            return await call()
                except Exception as error:
                    failure = failure_of(error)
                if failure.kind == "flood":
                    self.metrics.too_many_requests += 1
                    if one_chat:
                        await asyncio.sleep(failure.retry_after)
                    else:
                        self._pacer.pause(failure.retry_after)
                    continue
                attempts += 1
                if failure.kind != "transient" or attempts >= self._max_attempts:
                    raise failure
                await asyncio.sleep(self._backoff(attempts))

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        # A task of its own, not awaited inside a wrapper: cancelled by `stop` before it ever
        # ran, a wrapped coroutine would be left "never awaited".
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background_done)

    def _chat_refused(self, chat_id: int, failure: SendFailure) -> None:
        """A channel or group refused an edit or a deletion (the bot removed, or without the
        rights): mark it and tell staff once, as a refused send does."""
        problem = chat_status.problem_of(failure)
        self._spawn(chat_status.lost(self.bot, self._db, self._settings, chat_id, problem))

    def _background_done(self, task: asyncio.Task[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            logger.error("Background delivery work failed", exc_info=error)

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
            # Deliveries still queued go out in the new revision.
            self._sender.refresh(release)
            done, after = 0, 0
            while batch := await deliveries.copies(
                self._db, release_id, older_than=release.revision, after_id=after
            ):
                after = batch[-1].id
                results = await asyncio.gather(*(self._edit_copy(release, c) for c in batch))
                edited = [result for result in results if result is not None]
                await deliveries.mark_edited(
                    self._db, [(e.delivery_id, e.revision, e.extra_message_id) for e in edited]
                )
                await deliveries.set_tallies(
                    self._db, [(e.delivery_id, e.tally) for e in edited if e.tally is not None]
                )
                unreachable = [(e.unreachable, e.chat_id) for e in edited if e.unreachable]
                await deliveries.mark_readers(self._db, unreachable, now=self._clock())
                done += sum(1 for e in edited if e.unreachable is None)
            logger.info(
                "Release %d: %d copies edited to revision %d", release_id, done, release.revision
            )
            # Votes cast while channel copies were edited: their counters catch up.
            self.on_chat_copies(release_id)
            return done

    async def _edit_copy(self, release: Release, copy: deliveries.Copy) -> EditedCopy | None:
        """Edit one copy; None leaves it for a later attempt. A channel or group copy keeps its
        live counter, with the totals as they are now."""
        lang = self._lang(copy.language, copy.telegram_language)
        tally = None
        if copy.to_chat:
            release = await releases.get(self._db, release.id) or release
            view = render.release_view(release, lang, counter=True)
            tally = deliveries.tally_of(release.vote_count, release.vote_sum)
        else:
            view = render.release_view(release, lang, my_stars=copy.stars)
        as_caption = release.photo_file_id is not None and copy.extra_message_id is None
        sent = Sent(copy.message_id, copy.extra_message_id, as_caption)
        calls = 2 if sent.extra_message_id is not None or view.short_caption else 1
        # A channel or group is paced by its own limit too (20 messages a minute).
        chat = copy.chat_id if copy.to_chat else None
        try:
            with counted_as("edit"):
                now = await self._paced(
                    chat, calls, lambda: edit_view(self.bot, copy.chat_id, sent, view)
                )
        except SendFailure as failure:
            if failure.kind in ("blocked", "gone", "rightless"):
                if copy.to_chat:
                    self._chat_refused(copy.chat_id, failure)
                lost: Literal["blocked", "gone"] = "gone" if failure.kind == "gone" else "blocked"
                return EditedCopy(copy.id, release.revision, None, copy.chat_id, lost)
            if "message to edit not found" in failure.error or failure.kind == "permanent":
                # The reader deleted it, or Telegram refuses this edit for good: nothing to redo.
                logger.warning("Copy %d of release %d: %s", copy.id, release.id, failure.error)
                return EditedCopy(copy.id, release.revision, None, copy.chat_id)
            logger.warning(
                "Copy %d of release %d not edited yet: %s", copy.id, release.id, failure.error
            )
            return None
        extra = now.extra_message_id if now.extra_message_id != copy.extra_message_id else None
        return EditedCopy(copy.id, release.revision, extra, copy.chat_id, tally=tally)

    # ----------------------------------------------------------------- retraction

    async def retract(self, release_id: int) -> RetractResult:
        """Retract a published release: cancel unsent deliveries, delete every copy Telegram
        still lets a bot delete (48 h) and mark the rest `expired`. Safe to repeat: it resumes."""
        async with self._lock("retract", release_id):
            self._sender.retracted.add(release_id)
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
            if not self._sender.has_queued(release_id):
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
            except SendFailure as failure:
                if "message to delete not found" in failure.error:
                    continue
                if "can't be deleted" in failure.error:
                    # "Bad Request: message can't be deleted for everyone": older than 48 h.
                    result = "expired"
                elif failure.kind in ("blocked", "gone", "rightless"):
                    # In a channel or group: the bot was removed or may not delete there.
                    if copy.to_chat:
                        self._chat_refused(copy.chat_id, failure)
                    return "blocked"
                else:
                    logger.warning("Copy %d not deleted yet: %s", copy.id, failure.error)
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
            text = staff_views.delivery_progress(release, stats, progress.lang, state=state)
            # The progress message shows the final count before the report arrives below it.
            await self._show(release, progress, text, final=finished)
            if finished:
                await self._finished(release_id)
                duration = self._clock() - (release.published_at or self._clock())
                report = staff_views.delivery_report(release, stats, duration, progress.lang)
                try:
                    await self._paced(
                        progress.chat_id,
                        1,
                        lambda: self.bot.send_message(progress.chat_id, report),
                    )
                except SendFailure as failure:
                    logger.warning("Report on release %d not sent: %s", release_id, failure.error)

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
            except SendFailure as failure:
                logger.warning("Progress of release %d not shown: %s", release.id, failure.error)
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
            except SendFailure as failure:
                logger.warning("Progress of release %d not updated: %s", release.id, failure.error)
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
        self._sender.forget(release_id)
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
        text = staff_views.delivery_progress(release, stats, progress.lang, state="retracted")
        await self._show(release, progress, text, final=True)


def _deleter(bot: Bot, chat_id: int, message_id: int) -> Callable[[], Awaitable[bool]]:
    return lambda: bot.delete_message(chat_id, message_id)
