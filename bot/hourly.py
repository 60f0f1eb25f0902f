"""Jobs that run at the start of every local hour (digests, backups): one APScheduler set-up."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger


def run_minutes(zones: Sequence[str], year: int) -> list[int]:
    """The minutes past each UTC hour at which some zone's hour starts (0, or 30 for India)."""
    minutes = set()
    for name in zones:
        zone = ZoneInfo(name)
        for month in (1, 7):
            offset = datetime(year, month, 1, tzinfo=zone).utcoffset() or timedelta()
            minutes.add(int(offset.total_seconds() // 60) % 60)
    return sorted(minutes)


def start_hourly(
    tick: Callable[[], Awaitable[None]], zones: Sequence[str], job_id: str
) -> AsyncIOScheduler:
    """A started `AsyncIOScheduler` running `tick` at the start of every hour of `zones`, and
    once now (call inside the running loop)."""
    now = datetime.now(UTC)
    minutes = ",".join(str(minute) for minute in run_minutes(zones, now.year))
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(
        tick,
        CronTrigger(minute=minutes, timezone=UTC),
        id=job_id,
        next_run_time=now,
        # A late run still has work to do; the decision does not depend on being on time.
        misfire_grace_time=None,
        coalesce=True,
    )
    scheduler.start()
    return scheduler


async def stop_hourly(
    scheduler: AsyncIOScheduler | None, runs: Iterable[asyncio.Task[Any]]
) -> None:
    """Stop the scheduler and wait for the runs in progress (one cut short could leave the
    shared database connection inside its transaction)."""
    if scheduler is not None and scheduler.running:
        scheduler.shutdown(wait=False)
    await asyncio.gather(*runs, return_exceptions=True)
