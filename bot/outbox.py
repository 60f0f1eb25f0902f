"""The send loop: drains the outbox, sending every claimed delivery paced, and commits outcomes.

Publishing writes one `deliveries` row per reader in one transaction (the outbox); the sender
claims rows in batches (`pending` -> `sending`), sends each at the global rate and at most one
message a second per chat, and writes the outcomes back in batches. A 429 pauses every sender
for `retry_after`; 403 marks the reader blocked, "chat not found" gone; 5xx, timeouts and
connection errors are retried with capped exponential backoff and end `failed` with the error.

Channels and groups (negative chat ids) get their copy with the live counter (the release's
totals read when it is sent, and recorded as the copy's tally), in their forum topic if they
have one, one every 3 s per chat. A chat that refuses (the bot removed: 403; no rights to post)
settles the delivery at once and is reported through `bot.chat_status.lost` once its outcome is
committed; a group that became a supergroup has the destination and the delivery moved there.

Crash safety: at start-up rows still `sending` go back to `pending` (`bot.delivery`). A send holds
one of `in_flight_limit(rate)` permits from before its request until its outcome is committed, so
a hard kill can leave at most that many deliveries sent but not recorded: those, and only those,
may reach a reader twice (two messages each for a photo release whose text follows the photo).

Views are rendered and encoded once per release, revision, language and vote, then posted by
`bot.pacing.JsonTransport`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from array import array
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Final, Literal

from aiogram import Bot

from bot import chat_status, render
from bot.config import Settings
from bot.digests import render_digest
from bot.i18n import Lang, pick_language
from bot.pacing import (
    EncodedCall,
    JsonTransport,
    Pacer,
    SendFailure,
    encode,
    transport_connections,
)
from bot.redact import redact
from bot.sending import release_calls, view_calls
from bot.telemetry import Telemetry
from storage import deliveries, releases
from storage.chats import Problem
from storage.db import Database
from storage.deliveries import Delivered, Job, Outcome, Retry, Undelivered
from storage.releases import PUBLISHED, Release

logger = logging.getLogger(__name__)

# Outcomes are committed together every FLUSH_INTERVAL seconds (or sooner when many wait).
FLUSH_INTERVAL: Final = 0.05


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


class OutboxSender:
    """Sends what the outbox holds, `limit` deliveries in flight or awaiting commit at most.

    `dispatch` and `write` are the two loops the engine runs. `retracted` holds releases whose
    unsent deliveries are cancelled instead of sent; `on_settled` is called with each release
    whose claimed deliveries have all been settled, once the outbox runs dry.
    """

    def __init__(
        self,
        bot: Bot,
        db: Database,
        settings: Settings,
        *,
        pacer: Pacer,
        metrics: EngineMetrics,
        telemetry: Telemetry,
        limit: int,
        clock: Callable[[], float],
        backoff: Callable[[int], float],
        on_settled: Callable[[int], None],
        on_chat_copies: Callable[[int], None] = lambda release_id: None,
        max_attempts: int,
        request_timeout: float,
        poll_interval: float,
    ) -> None:
        self._bot = bot
        self._db = db
        self._settings = settings
        self._pacer = pacer
        self.metrics = metrics
        self._telemetry = telemetry
        self.limit = limit
        self._clock = clock
        self._backoff = backoff
        self._on_settled = on_settled
        self._on_chat_copies = on_chat_copies
        self._max_attempts = max_attempts
        self._poll_interval = poll_interval
        self._transport = JsonTransport(bot, request_timeout, transport_connections(limit))
        self._token = bot.token
        self._slots = asyncio.Semaphore(limit)
        self._queue: deque[Job] = deque()
        self._more = True
        self._active: set[int] = set()
        self._releases: dict[int, Release] = {}
        self._payloads: dict[tuple[int, int, str, int | None], tuple[EncodedCall, ...]] = {}
        self.retracted: set[int] = set()
        self._outbox: list[Outcome] = []
        self._has_outcomes = asyncio.Event()
        self._outbox_full = asyncio.Event()
        self._flush_lock = asyncio.Lock()
        self._wake = asyncio.Event()
        # Send tasks by delivery id, and the deliveries whose request is on the wire now.
        self._sends: dict[asyncio.Task[None], int] = {}
        self._on_wire: set[int] = set()
        # A quarter of the permits at most wait for the writer: the rest keep sending.
        self._flush_size = max(16, limit // 4)
        self._stopping = False
        # Channels and groups that refused a delivery, by delivery: staff are told once the
        # outcome is committed, by tasks of their own (never inside the write path).
        self._lost: dict[int, tuple[int, Problem]] = {}
        self._telling: dict[int, asyncio.Task[None]] = {}
        # Chat copies sent, by delivery: their release's counters are checked once committed.
        self._chat_sent: dict[int, int] = {}
        # Moves to a supergroup one at a time: the second finds the first's done.
        self._moving = asyncio.Lock()

    # ----------------------------------------------------------------- what the engine asks

    def wake(self) -> None:
        """Look for new deliveries now."""
        self._wake.set()

    def resume(self) -> None:
        """Send again after `halt` (the engine is starting)."""
        self._stopping = False

    def halt(self) -> set[asyncio.Task[None]]:
        """Stop sending: sends still waiting for the pacer are cancelled (their rows go back to
        pending); returns every send task, those on the wire left to finish."""
        self._stopping = True
        for task, delivery_id in list(self._sends.items()):
            if delivery_id not in self._on_wire:
                task.cancel()
        return set(self._sends)

    def sending(self) -> bool:
        """Whether deliveries are claimed, on the wire or awaiting their commit."""
        return bool(self._queue or self._sends or self._outbox)

    async def close(self) -> None:
        """Let staff notices of lost chats finish (briefly), close the connections sends use."""
        if self._telling:
            _, late = await asyncio.wait(set(self._telling.values()), timeout=5.0)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await self._transport.close()

    def drop_queue(self) -> None:
        """Forget what was claimed but not sent (the rows are reset to pending by the caller)."""
        self._queue.clear()

    def has_queued(self, release_id: int) -> bool:
        """Whether a delivery of the release is claimed and waiting to be sent."""
        return any(job.release_id == release_id for job in self._queue)

    def refresh(self, release: Release) -> None:
        """Deliveries still queued go out in this (newer) revision of the release."""
        if release.id in self._releases:
            self._releases[release.id] = release

    def forget(self, release_id: int) -> None:
        """The release is sent: drop what was kept for sending it."""
        self._releases.pop(release_id, None)

    # ----------------------------------------------------------------- sending

    async def dispatch(self) -> None:
        """Claim deliveries and start a send for each as permits free up."""
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
                self._on_settled(release_id)
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
    ) -> tuple[EncodedCall, ...]:
        key = (release.id, release.revision, lang, stars)
        payload = self._payloads.get(key)
        if payload is None:
            if len(self._payloads) > 256:
                self._payloads.clear()
            view = render.release_view(release, lang, my_stars=stars)
            payload = encode(release_calls(view, paid=self._settings.paid_broadcast))
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
            outcome = Undelivered(
                job.id, job.chat_id, "failed", f"{type(error).__name__}: {error}"
            )
        finally:
            self._submit(outcome)

    async def _attempt(self, job: Job) -> Outcome:
        lang = self._lang(job.language, job.telegram_language)
        revision = 0
        tally: str | None = None
        if job.release_id is not None:
            release = self._releases.get(job.release_id)
            if job.to_chat and release is not None:
                # The counter shows the totals as they are now, not when the batch was claimed.
                release = await releases.get(self._db, job.release_id)
            if (
                release is None
                or release.status not in PUBLISHED
                or job.release_id in self.retracted
            ):
                return Undelivered(job.id, job.chat_id, "deleted", deliveries.CANCELLED_RETRACTED)
            if job.to_chat:
                payload = self._chat_payload(release, lang, job.thread_id)
                tally = deliveries.tally_of(release.vote_count, release.vote_sum)
            else:
                payload = self._release_payload(release, lang, job.stars)
            revision = release.revision
        else:
            assert job.digest_id is not None
            rendered = await render_digest(self._db, job.digest_id, lang)
            # A digest links many releases: a preview of the first one would misrepresent it,
            # as /digest and its pages (handlers/digests.py) also turn previews off.
            payload = encode(
                view_calls(
                    rendered.text,
                    rendered.keyboard,
                    paid=self._settings.paid_broadcast,
                    preview=False,
                )
            )
        first = job.message_id
        # A photo already sent (its id stored): only the text after it is left to send.
        parts = payload if first is None else payload[1:]
        ids: list[int] = []
        kind: Literal["release", "digest"] = "release" if job.release_id is not None else "digest"
        chat_paced = False
        chat_id, moved = job.chat_id, False
        for part in parts:
            while True:
                await self._pacer.take()
                if not chat_paced:
                    # After the global slot, not before: a message delayed by the global rate
                    # would otherwise land less than a second after the chat's previous one.
                    await self._pacer.chat(chat_id, len(parts))
                    chat_paced = True
                if self._stopping:
                    raise asyncio.CancelledError
                started = time.perf_counter()
                self._on_wire.add(job.id)
                try:
                    ids.append(await self._transport.send(part, chat_id))
                except SendFailure as failure:
                    self.metrics.timed(time.perf_counter() - started)
                    if failure.kind == "flood":
                        self.metrics.too_many_requests += 1
                        self._telemetry.flood_wait(failure.retry_after)
                        self._pacer.pause(failure.retry_after)
                        continue
                    if failure.kind == "migrated" and failure.migrate_to and not ids and not moved:
                        moved = True
                        if not await self._move(job, failure.migrate_to):
                            return Undelivered(
                                job.id, chat_id, "deleted", deliveries.CANCELLED_MOVED
                            )
                        chat_id, chat_paced = failure.migrate_to, False
                        continue
                    self._telemetry.failed(kind, failure.kind)
                    partial = first if first is not None else (ids[0] if ids else None)
                    return self._failed(job, failure, partial)
                finally:
                    self._on_wire.discard(job.id)
                self.metrics.timed(time.perf_counter() - started)
                break
        self.metrics.sent += len(ids)
        self._telemetry.sent(kind, len(ids))
        if first is None:
            first, extra = ids[0], (ids[1] if len(ids) > 1 else None)
        else:
            extra = ids[0]
        if tally is not None and job.release_id is not None:
            self._chat_sent[job.id] = job.release_id
        return Delivered(job.id, first, extra, revision, self._clock(), tally)

    def _chat_payload(
        self, release: Release, lang: Lang, thread_id: int | None
    ) -> tuple[EncodedCall, ...]:
        # Not cached: chats are few, and each copy shows the totals of the moment it is sent.
        view = render.release_view(release, lang, counter=True)
        return encode(release_calls(view, paid=self._settings.paid_broadcast, thread_id=thread_id))

    async def _move(self, job: Job, new_chat_id: int) -> bool:
        """The group became a supergroup: move the destination (unless a handler or another
        send did) and this delivery there; False when the supergroup has a copy already."""
        async with self._moving:
            if await chat_status.moved(
                self._bot, self._db, self._settings, job.chat_id, new_chat_id
            ):
                logger.info("Group %d became supergroup %d", job.chat_id, new_chat_id)
            return await deliveries.move(self._db, job.id, new_chat_id)

    def _failed(self, job: Job, failure: SendFailure, partial: int | None) -> Outcome:
        if job.to_chat and failure.kind in ("blocked", "gone", "rightless"):
            # The bot was removed (403 "bot was kicked", "bot is not a member"), the chat is
            # gone, or the bot may not post there: no retry, the chat is marked and staff told.
            self._lost[job.id] = (job.chat_id, chat_status.problem_of(failure))
            return Undelivered(job.id, job.chat_id, "blocked", failure.error, partial)
        if failure.kind in ("blocked", "gone"):
            status: Literal["blocked", "gone"] = "blocked" if failure.kind == "blocked" else "gone"
            return Undelivered(job.id, job.chat_id, status, failure.error, partial)
        attempts = job.attempts + 1
        if failure.kind == "permanent" or attempts >= self._max_attempts:
            return Undelivered(job.id, job.chat_id, "failed", failure.error, partial)
        self.metrics.retries += 1
        return Retry(job.id, self._clock() + self._backoff(attempts), failure.error, partial)

    # ----------------------------------------------------------------- committing outcomes

    def _after_commit(self, batch: list[Outcome]) -> None:
        """What committed outcomes set off: staff told of lost chats, counters of chat copies
        checked against votes cast while the copy was on its way."""
        for outcome in batch:
            lost = self._lost.pop(outcome.id, None)
            if lost is not None and lost[0] not in self._telling:
                chat_id, problem = lost
                self._telling[chat_id] = asyncio.create_task(self._tell_lost(chat_id, problem))
        released = {self._chat_sent.pop(o.id, None) for o in batch}
        for release_id in released - {None}:
            assert release_id is not None
            self._on_chat_copies(release_id)

    async def _tell_lost(self, chat_id: int, problem: Problem) -> None:
        try:
            await chat_status.lost(self._bot, self._db, self._settings, chat_id, problem)
        except Exception:
            logger.exception("Could not mark chat %d as %s or tell staff", chat_id, problem)
        finally:
            self._telling.pop(chat_id, None)

    def _submit(self, outcome: Outcome) -> None:
        if not isinstance(outcome, Delivered) and outcome.error:
            # Stored and shown to staff: aiohttp's error texts carry the URL, token included.
            outcome = replace(outcome, error=redact(outcome.error, [self._token]))
        self._outbox.append(outcome)
        self._has_outcomes.set()
        if len(self._outbox) >= self._flush_size:
            self._outbox_full.set()

    async def write(self) -> None:
        """Commit outcomes in batches: every `FLUSH_INTERVAL`, or at once when many wait."""
        while True:
            await self._has_outcomes.wait()
            if len(self._outbox) < self._flush_size:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(FLUSH_INTERVAL):
                        await self._outbox_full.wait()
            await self.flush()

    async def flush(self) -> None:
        """Commit every outcome waiting now and free its permit."""
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
        self._after_commit(batch)
        if any(isinstance(outcome, Retry) for outcome in batch) or not self._sends:
            self._wake.set()
