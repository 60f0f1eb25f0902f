"""Is the bot healthy: a pure function of what a probe saw, for `GET /healthz`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

# Long polling asks Telegram every few seconds (aiogram's poll lasts 10 s at most), so minutes
# without an answer mean the bot is cut off; a webhook bot may be quiet, and asks Telegram.
STALE: Final = 300.0


@dataclass(frozen=True, slots=True)
class WebhookCheck:
    """What getWebhookInfo said: our URL registered, Telegram's latest delivery error."""

    registered: bool
    last_error_at: float | None = None
    last_error: str = ""


@dataclass(frozen=True, slots=True)
class Probe:
    """Everything `/healthz` looks at, gathered at `now` (Unix time)."""

    now: float
    mode: Literal["polling", "webhook"]
    version: str
    started_at: float
    database_error: str | None
    backlog: int | None
    last_update_at: float | None = None
    last_poll_at: float | None = None
    webhook: WebhookCheck | None = None


@dataclass(frozen=True, slots=True)
class Health:
    """The verdict: healthy or not, why not, and the JSON body."""

    ok: bool
    reasons: tuple[str, ...]
    body: dict[str, Any]


def needs_webhook_check(probe: Probe) -> bool:
    """A webhook bot that has heard nothing for `STALE` seconds must ask Telegram why."""
    return probe.mode == "webhook" and probe.now - _heard(probe) > STALE


def _heard(probe: Probe) -> float:
    # A bot just started has had no time to hear anything: it counts from its start.
    moments = [probe.started_at, probe.last_update_at or 0.0]
    if probe.mode == "polling":
        moments.append(probe.last_poll_at or 0.0)
    return max(moments)


def _ago(now: float, moment: float | None) -> float | None:
    return None if moment is None else round(max(0.0, now - moment), 1)


def assess(probe: Probe) -> Health:
    """Healthy when the database answers and updates arrive: an answered getUpdates (polling) or
    an update (webhook) within `STALE` seconds, or Telegram reporting the webhook registered and
    delivering without error."""
    reasons = []
    if probe.database_error is not None:
        reasons.append(f"database: {probe.database_error}")
    silent = probe.now - _heard(probe)
    if silent > STALE:
        if probe.mode == "polling":
            reasons.append(f"no answer from getUpdates for {silent:.0f} s")
        elif probe.webhook is None:
            reasons.append(f"no update for {silent:.0f} s and no word from getWebhookInfo")
        elif not probe.webhook.registered:
            reasons.append("the webhook is not registered with Telegram")
        elif probe.webhook.last_error_at and probe.now - probe.webhook.last_error_at <= STALE:
            reasons.append(f"Telegram cannot deliver updates: {probe.webhook.last_error}")
    body: dict[str, Any] = {
        "status": "failing" if reasons else "ok",
        "version": probe.version,
        "mode": probe.mode,
        "database": "ok" if probe.database_error is None else "failing",
        "uptime_seconds": round(probe.now - probe.started_at, 1),
        "last_update_seconds_ago": _ago(probe.now, probe.last_update_at),
        "outbox_backlog": probe.backlog,
    }
    if probe.mode == "polling":
        body["last_poll_seconds_ago"] = _ago(probe.now, probe.last_poll_at)
    if reasons:
        body["reasons"] = reasons
    return Health(ok=not reasons, reasons=tuple(reasons), body=body)
