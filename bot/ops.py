"""Operations: what lets an admin trust the bot unattended. One `Operations` per bot, created in
the start-up hook: it owns the bot's `Telemetry`, the scheduled backups and the small HTTP server
for `GET /healthz` and `GET /metrics` (`METRICS_HOST`:`METRICS_PORT`, or the webhook server when
`METRICS_PORT` is the webhook's port), and gathers what `/status` shows."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Final

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot import review, texts
from bot.backup_job import BackupJob
from bot.config import Settings
from bot.health import Health, Probe, WebhookCheck, assess, needs_webhook_check
from bot.redact import redact
from bot.status import StatusFacts
from bot.telemetry import Telemetry
from storage import ops as counts
from storage import subscribers
from storage.db import Database

logger = logging.getLogger(__name__)

# A database that takes longer than this to count the outbox is not healthy.
PROBE_TIMEOUT: Final = 5.0
# getWebhookInfo is asked at most this often (Docker probes every 30 s).
WEBHOOK_CHECK_EVERY: Final = 60.0


def shares_webhook_server(settings: Settings) -> bool:
    """`/healthz` and `/metrics` are served by the webhook server when it has their port."""
    return settings.use_webhook and settings.metrics_port == settings.webhook_port


def share_webhook_server(app: web.Application, dispatcher: Dispatcher, settings: Settings) -> None:
    """Add `/healthz` and `/metrics` to the webhook server's app when they share its port."""
    if shares_webhook_server(settings):
        app.add_routes(routes(lambda: dispatcher.workflow_data.get("ops")))


def routes(find: Callable[[], Operations | None]) -> list[web.RouteDef]:
    """`GET /healthz` and `GET /metrics`, answered by whichever `Operations` `find` returns."""

    async def healthz(request: web.Request) -> web.Response:
        ops = find()
        if ops is None:
            return web.json_response({"status": "starting"}, status=503)
        health = await ops.health()
        return web.json_response(health.body, status=200 if health.ok else 503)

    async def metrics(request: web.Request) -> web.Response:
        ops = find()
        if ops is None:
            return web.Response(status=503, text="starting\n")
        await ops.refresh()
        return web.Response(
            body=ops.telemetry.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    return [web.get("/healthz", healthz), web.get("/metrics", metrics)]


class Operations:
    """Telemetry, scheduled backups and the health/metrics server of one bot."""

    def __init__(self, bot: Bot, settings: Settings) -> None:
        self.bot = bot
        self.settings = settings
        self.telemetry = Telemetry(mode="webhook" if settings.use_webhook else "polling")
        self.telemetry.attach(bot)
        self.backup_job: BackupJob | None = None
        self._db: Database | None = None
        self._runner: web.AppRunner | None = None
        self._webhook: tuple[float, WebhookCheck] | None = None

    @property
    def db(self) -> Database:
        """The bot's database (set by `start`)."""
        if self._db is None:
            raise RuntimeError("Operations.start() has not run")
        return self._db

    async def start(self, db: Database) -> None:
        """Start scheduled backups and the health/metrics server, as configured."""
        self._db = db
        settings = self.settings
        if settings.backup_dir is not None:
            self.backup_job = BackupJob(
                database=settings.database_path,
                folder=settings.backup_dir,
                hour=settings.backup_hour,
                keep=settings.backup_keep,
                zone=settings.timezone,
                telemetry=self.telemetry,
                notify=self.tell_staff,
            )
            self.backup_job.start()
        if settings.metrics_port is not None and not shares_webhook_server(settings):
            app = web.Application()
            app.add_routes(routes(lambda: self))
            runner = web.AppRunner(app, access_log=None, handle_signals=False)
            await runner.setup()
            self._runner = runner
            await web.TCPSite(runner, settings.metrics_host, settings.metrics_port).start()
            logger.info(
                "Health and metrics at http://%s:%d/healthz and /metrics",
                settings.metrics_host,
                settings.metrics_port,
            )

    async def stop(self) -> None:
        """Stop the server and the backup schedule (a backup in progress finishes)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.backup_job is not None:
            await self.backup_job.stop()
        self.telemetry.detach(self.bot)

    # ----------------------------------------------------------------- health and metrics

    async def probe(self) -> Probe:
        """Look at the database and, for a quiet webhook bot, at what Telegram says."""
        telemetry = self.telemetry
        backlog: int | None = None
        error: str | None = None
        try:
            async with asyncio.timeout(PROBE_TIMEOUT):
                backlog = await counts.backlog(self.db)
        except TimeoutError:
            error = f"no answer in {PROBE_TIMEOUT:.0f} s"
        except Exception as failure:
            error = f"{type(failure).__name__}: {failure}"
        probe = Probe(
            now=time.time(),
            mode=telemetry.mode,
            version=telemetry.version,
            started_at=telemetry.started_at,
            database_error=error,
            backlog=backlog,
            last_update_at=telemetry.last_update_at,
            last_poll_at=telemetry.last_poll_at,
        )
        if needs_webhook_check(probe):
            return replace(probe, webhook=await self._check_webhook(probe.now))
        return probe

    async def _check_webhook(self, now: float) -> WebhookCheck | None:
        if self._webhook is not None and now - self._webhook[0] < WEBHOOK_CHECK_EVERY:
            return self._webhook[1]
        try:
            async with asyncio.timeout(PROBE_TIMEOUT):
                info = await self.bot.get_webhook_info()
        except (TelegramAPIError, TimeoutError, OSError) as error:
            logger.warning("getWebhookInfo failed: %s", error)
            return None
        error_at = info.last_error_date
        check = WebhookCheck(
            registered=info.url == self.settings.webhook_url + self.settings.webhook_path,
            last_error_at=error_at.timestamp() if isinstance(error_at, datetime) else error_at,
            last_error=info.last_error_message or "",
        )
        self._webhook = (now, check)
        return check

    async def health(self) -> Health:
        """The `/healthz` verdict now."""
        return assess(await self.probe())

    async def refresh(self) -> None:
        """Set the gauges that count stored rows (backlog, subscribers, votes)."""
        telemetry = self.telemetry
        try:
            async with asyncio.timeout(PROBE_TIMEOUT):
                telemetry.backlog.set(await counts.backlog(self.db))
                for status, count in (await subscribers.counts(self.db)).by_status.items():
                    telemetry.subscribers.labels(status=status).set(count)
                telemetry.votes.set(await counts.vote_total(self.db))
        except Exception as error:
            # The counters still go out; the gauges keep their last values.
            logger.warning("Metrics: the database did not answer: %s", error)

    # ----------------------------------------------------------------- staff

    async def status_facts(self) -> StatusFacts:
        """What `/status` shows, now."""
        telemetry = self.telemetry
        now = time.time()
        return StatusFacts(
            now=now,
            version=telemetry.version,
            started_at=telemetry.started_at,
            mode=telemetry.mode,
            webhook_url=self.settings.webhook_url,
            backlog=await counts.backlog(self.db),
            last_digest_run=telemetry.last_digest_run,
            digests_queued=telemetry.last_digests_queued,
            backups_on=self.backup_job is not None,
            last_backup_at=telemetry.last_backup_at,
            errors_last_hour=telemetry.errors_in_last_hour(now),
        )

    async def tell_staff(self, reason: str) -> None:
        """Tell every staff member, in their language, that a scheduled backup failed."""
        reason = redact(reason, [self.settings.bot_token.get_secret_value()])
        await review.tell_staff(
            self.bot, self.db, self.settings, lambda lang: texts.BACKUP_FAILED(lang, reason=reason)
        )
