"""Sources on a schedule: one APScheduler job per active source, at that source's next poll.

After each poll the job is set again for the time the poll stored (`policy.next_poll`: the
interval, a longer max-age or `<ttl>`, back-off, jitter). At start-up, sources that fell due
while the bot was down are spread over one interval instead of firing together. The staff
operations that change what is polled (add, check, pause, resume, remove) go through here so
the jobs always match the table.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.sources import policy
from bot.sources.poller import Added, Poller, PollResult
from storage import sources as stored
from storage.db import Database
from storage.sources import Source

__all__ = ["SourceJobs", "job_id"]

logger = logging.getLogger(__name__)


def job_id(source_id: int) -> str:
    """The scheduler job of a source."""
    return f"source-{source_id}"


class SourceJobs:
    """Keeps one scheduler job per active source and runs the polls."""

    def __init__(
        self,
        db: Database,
        poller: Poller,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db = db
        self.poller = poller
        self._clock = clock
        self.scheduler: AsyncIOScheduler | None = None
        self._runs: set[asyncio.Task[PollResult]] = set()

    async def start(self) -> None:
        """Start the scheduler with a job for every active source (inside the running loop)."""
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.scheduler.start()
        now = self._clock()
        interval = self.poller.config.interval
        for source in await stored.active(self._db):
            due = datetime.fromtimestamp(source.next_check_at, UTC)
            self._set(
                source.id, policy.first_poll(now, source_id=source.id, interval=interval, due=due)
            )

    async def stop(self, *, grace: float = 10.0) -> None:
        """Stop the scheduler, let polls in progress finish (cancelling any still running after
        `grace` seconds: an item is stored with its draft or not at all), close the session."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.scheduler = None
        if self._runs:
            _, late = await asyncio.wait(set(self._runs), timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await self.poller.close()

    async def add(self, url: str, *, added_by: int | None = None) -> Added:
        """`/source_add`: start polling a feed (raises `CannotAdd` with the reason)."""
        added = await self.poller.add_source(url, added_by=added_by)
        if not added.existing:
            self._schedule(added.source)
        return added

    async def check(self, source_id: int) -> PollResult:
        """`/source_check`: poll now, paused or not; an active source's next poll moves on."""
        result = await self.poller.poll(source_id, even_paused=True)
        await self._reschedule(source_id)
        return result

    def check_then(self, source_id: int, report: Callable[[PollResult], Awaitable[None]]) -> None:
        """`/source_check` without holding the person's turn: poll in a task of ours (a feed may
        hang up to FETCH_TIMEOUT, while the same person's next command must not wait), then
        `report` what was found."""

        async def check_and_report() -> PollResult:
            result = await self.check(source_id)
            await report(result)
            return result

        task = asyncio.create_task(check_and_report(), name=f"check-{job_id(source_id)}")
        self._runs.add(task)
        task.add_done_callback(self._done)

    async def pause(self, source_id: int) -> Source | None:
        """`/source_pause`: stop polling; None if there is no such source."""
        source = await stored.set_paused(self._db, source_id, True)
        self._unset(source_id)
        return source

    async def resume(self, source_id: int) -> Source | None:
        """`/source_resume`: poll again, the first time now; None if there is no such source."""
        source = await stored.set_paused(
            self._db, source_id, False, next_check_at=self._clock().timestamp()
        )
        if source is not None:
            self._schedule(source)
        return source

    async def remove(self, source_id: int) -> bool:
        """`/source_remove`: forget the source and its seen items; its releases stay."""
        self._unset(source_id)
        return await stored.remove(self._db, source_id)

    async def run(self, source_id: int) -> PollResult:
        """The job: poll the source, then set its next poll."""
        try:
            return await self.poller.poll(source_id)
        finally:
            await self._reschedule(source_id)

    async def _tick(self, source_id: int) -> None:
        # The scheduler cancels its own job tasks on shutdown; the poll runs in a task of ours,
        # which `stop()` waits for, so a poll is never cut between its fetch and its record.
        task = asyncio.create_task(self.run(source_id), name=job_id(source_id))
        self._runs.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[PollResult]) -> None:
        self._runs.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("A source poll failed", exc_info=task.exception())

    async def _reschedule(self, source_id: int) -> None:
        source = await stored.get(self._db, source_id)
        if source is None or source.paused:
            self._unset(source_id)
        else:
            self._schedule(source)

    def _schedule(self, source: Source) -> None:
        self._set(source.id, datetime.fromtimestamp(source.next_check_at, UTC))

    def _set(self, source_id: int, when: datetime) -> None:
        if self.scheduler is None:
            return
        self.scheduler.add_job(
            self._tick,
            DateTrigger(run_date=when, timezone=UTC),
            args=[source_id],
            id=job_id(source_id),
            replace_existing=True,
            # A late poll is still worth doing; the next one is set from when it ran.
            misfire_grace_time=None,
            coalesce=True,
        )

    def _unset(self, source_id: int) -> None:
        if self.scheduler is not None and self.scheduler.get_job(job_id(source_id)):
            self.scheduler.remove_job(job_id(source_id))
