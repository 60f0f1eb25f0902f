"""Digests: who is due when (a pure function of stored state and `now`), how releases rank,
what a digest says, and the hourly job that queues them for the delivery engine."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import render, texts
from bot.callbacks import DigestKind
from bot.hourly import start_hourly, stop_hourly
from bot.html import Rendered
from bot.i18n import Lang
from bot.render import DigestItem
from bot.summarize import summarize
from bot.summarize.sentences import detect_language, split_sentences
from bot.when import last_slot
from storage import digests as stored
from storage.db import Database
from storage.digests import Entry, Queued, Schedule, Window

logger = logging.getLogger(__name__)

# Ranking: each release's average is pulled towards a neutral 3 stars as if it had five more
# votes of 3, so one 5-star vote (3.33) ranks below forty votes averaging 4.6 (4.42).
PRIOR_MEAN = 3.0
PRIOR_VOTES = 5
DAY = 24 * 3600


class Waker(Protocol):
    """The delivery engine as the digest job sees it: something to wake after queuing."""

    def wake(self) -> None:
        """Look at the queue now rather than at the next poll."""


# --- When ------------------------------------------------------------------------------------


def due(schedules: Iterable[Schedule], now: datetime) -> list[Window]:
    """Readers whose latest slot is after their last window, each with the window to send.

    One window covers everything since the last one, however many slots were missed (the bot
    was down, the reader changed their hour): a reader gets one digest, never a backlog.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("`now` must be time-zone aware")
    slots: dict[tuple[str, int, int, str], float] = {}
    windows = []
    for schedule in schedules:
        weekday = schedule.weekday if schedule.frequency == "weekly" else 0
        key = (schedule.frequency, schedule.hour, weekday, schedule.zone)
        end = slots.get(key)
        if end is None:
            zone = ZoneInfo(schedule.zone)
            end = slots[key] = last_slot(*key[:3], zone, now).timestamp()
        if end > schedule.since:
            windows.append(Window(schedule.chat_id, schedule.frequency, schedule.since, end))
    return windows


# --- What --------------------------------------------------------------------------------------


def bayesian(vote_count: int, vote_sum: int) -> float:
    """The rating a digest ranks by: the average with `PRIOR_VOTES` neutral votes added."""
    return (PRIOR_MEAN * PRIOR_VOTES + vote_sum) / (PRIOR_VOTES + vote_count)


def ranked(entries: Iterable[Entry]) -> list[Entry]:
    """Best first by Bayesian average, then the newest first."""
    return sorted(
        entries, key=lambda e: (-bayesian(e.vote_count, e.vote_sum), -e.published_at, -e.id)
    )


@lru_cache(maxsize=1024)
def _first_sentence(summary: str, body: str, language: str) -> str:
    # Keyed by the text itself, so an edited summary never shows its old first sentence.
    if summary.strip():
        lang = language if language in ("ru", "en") else detect_language(summary)
        sentences = split_sentences(summary, lang)
        return sentences[0].text if sentences else summary
    return summarize(body, language=language if language in ("ru", "en") else None, sentences=1)


def one_sentence(entry: Entry) -> str:
    """A release in one sentence: the stored summary's first, else one summarized from the body."""
    return _first_sentence(entry.summary, entry.body, entry.language)


def items(entries: Iterable[Entry]) -> list[DigestItem]:
    """Ranked entries as the renderer takes them."""
    return [
        DigestItem(
            release_id=entry.id,
            title=entry.title,
            line=one_sentence(entry),
            link=entry.link,
            vote_count=entry.vote_count,
            average=entry.average,
        )
        for entry in ranked(entries)
    ]


async def render_window(
    db: Database, kind: DigestKind, since: float, until: float, lang: Lang, *, offset: int = 0
) -> Rendered | None:
    """A page of the releases published in (`since`, `until`], or None when there are none."""
    # Whole seconds for the buttons; rounding outwards never loses a release.
    start, end = math.floor(since), math.ceil(until)
    found = await stored.published_between(db, start, end)
    if not found:
        return None
    return render.digest_page(items(found), lang, kind=kind, since=start, until=end, offset=offset)


async def render_digest(db: Database, digest_id: int, lang: Lang) -> Rendered:
    """The first page of a queued digest, ranked by the votes as they are when it is sent."""
    digest = await stored.get(db, digest_id)
    if digest is None:
        raise LookupError(f"there is no digest {digest_id}")
    found = await stored.entries(db, digest.release_ids)
    if not found:
        # Everything it listed was retracted between queuing and sending.
        return Rendered(texts.DIGEST_ALL_RETRACTED(lang))
    kind = DigestKind.WEEKLY if digest.frequency == "weekly" else DigestKind.DAILY
    return render.digest_page(
        items(found),
        lang,
        kind=kind,
        since=math.floor(digest.window_start),
        until=math.ceil(digest.window_end),
    )


# --- The job -----------------------------------------------------------------------------------


async def send_due(
    db: Database, *, default_zone: str, wake: Callable[[], None], now: datetime
) -> Queued:
    """Queue every digest due at `now` (missed ones included) and wake the delivery engine."""
    windows: list[Window] = []
    after = 0
    while page := await stored.schedules(db, default_zone=default_zone, after=after):
        windows += due(page, now)
        after = page[-1].chat_id
    queued = await stored.queue(db, windows, now=now.timestamp())
    if queued.queued:
        wake()
    if queued.queued or queued.empty:
        logger.info("Digests: %d queued, %d with nothing new", queued.queued, queued.empty)
    return queued


class DigestJob:
    """The digest job the scheduler runs at the top of every hour, and once at start-up for
    digests missed while the bot was down.

    Runs never overlap (the staff's /digest_send waits for an hourly run, and the other way
    round), and `stop()` lets a run in progress finish: cancelling one halfway through its
    transaction would leave the shared connection inside it.
    """

    def __init__(
        self,
        db: Database,
        *,
        default_zone: str,
        engine: Waker,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_run: Callable[[int | None], None] = lambda queued: None,
    ) -> None:
        self._db = db
        self._on_run = on_run
        self._default_zone = default_zone
        self._engine = engine
        self._clock = clock
        self._lock = asyncio.Lock()
        self._runs: set[asyncio.Task[Queued]] = set()
        self.scheduler: AsyncIOScheduler | None = None

    async def run(self, now: datetime | None = None) -> Queued:
        """Queue every digest due at `now` (default: the clock) and wake the engine."""
        async with self._lock:
            when = self._clock() if now is None else now
            try:
                queued = await send_due(
                    self._db, default_zone=self._default_zone, wake=self._engine.wake, now=when
                )
            except Exception:
                self._on_run(None)
                raise
            self._on_run(queued.queued)
            return queued

    async def _tick(self) -> None:
        # The scheduler cancels its own job tasks on shutdown; the run itself goes in a task
        # of ours, which `stop()` waits for.
        task = asyncio.create_task(self.run(), name="digests")
        self._runs.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Queued]) -> None:
        self._runs.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("The digest run failed", exc_info=task.exception())

    def start(self) -> None:
        """Start the hourly job in the zones readers can pick (call inside the running loop)."""
        zones = [self._default_zone, *(zone for zone, _ in texts.TIME_ZONES)]
        self.scheduler = start_hourly(self._tick, zones, "digests")

    async def stop(self) -> None:
        """Stop the scheduler and wait for a run in progress."""
        await stop_hourly(self.scheduler, self._runs)
        self.scheduler = None
