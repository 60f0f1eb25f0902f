"""`/status` for staff: what the bot is and has been doing, rendered in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from bot import texts
from bot.html import Html, escape
from bot.i18n import Lang, number
from bot.staff_views import duration, moment


@dataclass(frozen=True, slots=True)
class StatusFacts:
    """What `/status` shows, gathered at `now` (Unix times throughout)."""

    now: float
    version: str
    started_at: float
    mode: Literal["polling", "webhook"]
    webhook_url: str
    backlog: int
    last_digest_run: float | None
    digests_queued: int
    backups_on: bool
    last_backup_at: float | None
    errors_last_hour: int


def status_text(facts: StatusFacts, lang: Lang, zone: ZoneInfo) -> Html:
    """The `/status` message: version, uptime, mode, backlog, digests, backups, errors."""
    if facts.mode == "webhook":
        mode = texts.STATUS_WEBHOOK(lang, url=facts.webhook_url)
    else:
        mode = texts.STATUS_POLLING(lang)
    if facts.last_digest_run is None:
        digest = texts.STATUS_NEVER(lang)
    else:
        digest = texts.STATUS_DIGEST_RUN(
            lang,
            when=moment(facts.last_digest_run, zone, lang),
            queued=number(facts.digests_queued, lang),
        )
    if not facts.backups_on:
        backup = texts.STATUS_BACKUP_OFF(lang)
    elif facts.last_backup_at is None:
        backup = texts.STATUS_NEVER(lang)
    else:
        backup = escape(moment(facts.last_backup_at, zone, lang))
    return texts.STATUS(
        lang,
        version=facts.version,
        uptime=duration(facts.now - facts.started_at, lang),
        mode=mode,
        backlog=number(facts.backlog, lang),
        digest=digest,
        backup=backup,
        errors=number(facts.errors_last_hour, lang),
    )
