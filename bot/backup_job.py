"""Scheduled backups: at `BACKUP_HOUR` in `TIMEZONE` (and at start-up if that was missed) copy the
database into `BACKUP_DIR` as `pressroom-YYYY-MM-DD.sqlite3`, keep the newest `BACKUP_KEEP`, and
tell staff once when backups start failing (again only after one has succeeded)."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.backup import BackupError, BackupReport, is_due, name_for, newest, take, to_prune
from bot.hourly import start_hourly, stop_hourly
from bot.telemetry import Telemetry

logger = logging.getLogger(__name__)


class BackupJob:
    """The hourly look at whether a backup is due, and the backup when it is."""

    def __init__(
        self,
        *,
        database: Path,
        folder: Path,
        hour: int,
        keep: int,
        zone: str,
        telemetry: Telemetry,
        notify: Callable[[str], Awaitable[None]],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._database = database
        self.folder = folder
        self._hour = hour
        self._keep = keep
        self._zone = ZoneInfo(zone)
        self._telemetry = telemetry
        self._notify = notify
        self._clock = clock
        self._lock = asyncio.Lock()
        self._told = False
        self._runs: set[asyncio.Task[BackupReport | None]] = set()
        self.scheduler: AsyncIOScheduler | None = None
        found = newest(folder)
        if found is not None:
            telemetry.backup_found(found)

    async def run(self, now: datetime | None = None) -> BackupReport | None:
        """Take a backup if one is due at `now` (default: the clock) and prune old ones; the
        report, or None when none was due or it failed."""
        async with self._lock:
            when = self._clock() if now is None else now
            found = newest(self.folder)
            last = None if found is None else datetime.fromtimestamp(found, UTC)
            if not is_due(last, hour=self._hour, zone=self._zone, now=when):
                return None
            try:
                report = await asyncio.to_thread(self._take, when)
            except BackupError as error:
                await self._failed(str(error))
                return None
            self._told = False
            self._telemetry.backup_taken(report.path.stat().st_mtime)
            logger.info("%s", report.line())
            return report

    def _take(self, when: datetime) -> BackupReport:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise BackupError(f"cannot create {self.folder}: {error.strerror or error}") from None
        report = take(self._database, self.folder / name_for(when, self._zone))
        for name in to_prune(os.listdir(self.folder), self._keep):
            (self.folder / name).unlink(missing_ok=True)
            logger.info("Old backup %s deleted (BACKUP_KEEP=%d)", name, self._keep)
        return report

    async def _failed(self, reason: str) -> None:
        self._telemetry.backup_taken(None)
        logger.error("Scheduled backup failed: %s", reason)
        if self._told:
            return
        self._told = True
        await self._notify(reason)

    async def _tick(self) -> None:
        task = asyncio.create_task(self.run(), name="backup")
        self._runs.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[BackupReport | None]) -> None:
        self._runs.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("The backup run failed", exc_info=task.exception())

    def start(self) -> None:
        """Start the job looking every hour, and once now (call inside the running loop)."""
        self.scheduler = start_hourly(self._tick, [self._zone.key], "backup")

    async def stop(self) -> None:
        """Stop the scheduler and wait for a backup in progress (a copy cannot be cut short)."""
        await stop_hourly(self.scheduler, self._runs)
        self.scheduler = None
