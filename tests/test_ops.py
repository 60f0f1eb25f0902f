"""Operations without a network: the health verdict (a table), one metrics registry per bot,
JSON log lines, and the new settings."""

from __future__ import annotations

import io
import json
import logging

import pytest
from pydantic import ValidationError

from bot.config import Settings, describe_error
from bot.health import STALE, Probe, WebhookCheck, assess, needs_webhook_check
from bot.logs import TEXT_FORMAT, IdsFilter, JsonFormatter, log_ids
from bot.redact import RedactingFilter
from bot.telemetry import Telemetry

NOW = 1_800_000_000.0
TOKEN = "123456789:" + "A" * 35
TOKEN_ID = "123456789"


def _probe(**changes: object) -> Probe:
    values: dict[str, object] = {
        "now": NOW,
        "mode": "polling",
        "version": "0.1.0",
        "started_at": NOW - 3600,
        "database_error": None,
        "backlog": 0,
        "last_update_at": None,
        "last_poll_at": NOW - 5,
    }
    values.update(changes)
    return Probe(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("probe", "reasons"),
    [
        (_probe(), []),
        # Just started: no poll has come back yet, and none could have.
        (_probe(started_at=NOW - 20, last_poll_at=None), []),
        (
            _probe(last_poll_at=NOW - STALE - 1),
            [f"no answer from getUpdates for {STALE + 1:.0f} s"],
        ),
        (_probe(last_poll_at=None), ["no answer from getUpdates for 3600 s"]),
        (
            _probe(database_error="OperationalError: disk I/O error"),
            ["database: OperationalError: disk I/O error"],
        ),
        # Webhook: a recent update is enough.
        (_probe(mode="webhook", last_poll_at=None, last_update_at=NOW - 30), []),
        # Quiet, and Telegram says all is well.
        (_probe(mode="webhook", last_poll_at=None, webhook=WebhookCheck(registered=True)), []),
        (
            _probe(
                mode="webhook",
                last_poll_at=None,
                webhook=WebhookCheck(True, last_error_at=NOW - 7200, last_error="old"),
            ),
            [],
        ),
        (
            _probe(
                mode="webhook",
                last_poll_at=None,
                webhook=WebhookCheck(
                    True, last_error_at=NOW - 60, last_error="Connection refused"
                ),
            ),
            ["Telegram cannot deliver updates: Connection refused"],
        ),
        (
            _probe(mode="webhook", last_poll_at=None, webhook=WebhookCheck(registered=False)),
            ["the webhook is not registered with Telegram"],
        ),
        (
            _probe(mode="webhook", last_poll_at=None),
            ["no update for 3600 s and no word from getWebhookInfo"],
        ),
    ],
)
def test_the_health_verdict(probe: Probe, reasons: list[str]) -> None:
    health = assess(probe)
    assert list(health.reasons) == reasons
    assert health.ok is (not reasons)
    assert health.body["status"] == ("ok" if not reasons else "failing")
    assert health.body["version"] == "0.1.0"
    assert health.body["outbox_backlog"] == 0
    assert json.loads(json.dumps(health.body)) == health.body


@pytest.mark.parametrize(
    ("probe", "needed"),
    [
        (_probe(), False),
        (_probe(last_poll_at=None), False),
        (_probe(mode="webhook", last_update_at=NOW - 10), False),
        (_probe(mode="webhook", started_at=NOW - 10), False),
        (_probe(mode="webhook"), True),
    ],
)
def test_only_a_quiet_webhook_bot_asks_telegram(probe: Probe, needed: bool) -> None:
    assert needs_webhook_check(probe) is needed


def test_each_bot_has_its_own_registry_and_every_name_says_pressroom() -> None:
    first, second = Telemetry(), Telemetry(mode="webhook")
    first.sent("release", 3)
    first.failed("digest", "blocked")
    first.flood_wait(2.5)
    assert (
        first.registry.get_sample_value("pressroom_messages_sent_total", {"kind": "release"}) == 3
    )
    assert (
        second.registry.get_sample_value("pressroom_messages_sent_total", {"kind": "release"}) == 0
    )
    assert first.registry.get_sample_value("pressroom_flood_wait_seconds_total") == 2.5
    text = first.exposition().decode()
    assert 'pressroom_messages_failed_total{error="blocked",kind="digest"} 1.0' in text
    assert "_created" not in text
    names = {sample.name for family in first.registry.collect() for sample in family.samples}
    assert names and all(name.startswith("pressroom_") for name in names)


def test_errors_in_the_last_hour_are_counted() -> None:
    telemetry = Telemetry()
    logger = logging.getLogger("tests.ops.errors")
    logger.addHandler(telemetry.error_log)
    try:
        logger.error("one")
        logger.warning("not an error")
        logger.critical("two")
    finally:
        logger.removeHandler(telemetry.error_log)
    now = telemetry.error_log.times[-1]
    assert telemetry.errors_in_last_hour(now) == 2
    assert telemetry.errors_in_last_hour(now + 3600) == 0
    assert telemetry.registry.get_sample_value("pressroom_log_errors_total") == 2


def _emit(formatter: logging.Formatter, message: str, *args: object, **extra: object) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(IdsFilter())
    handler.addFilter(RedactingFilter([TOKEN]))
    logger = logging.getLogger("tests.ops.json")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.warning(message, *args, extra=extra or None)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return stream.getvalue()


def test_json_logs_are_one_object_a_line_with_ids_and_no_token() -> None:
    with log_ids(chat_id=42, user_id=42, update_id=None):
        line = _emit(
            JsonFormatter(),
            "Release %d failed at https://x/bot%s/sendMessage",
            7,
            TOKEN,
            release_id=7,
        )
    assert line.endswith("\n") and line.count("\n") == 1
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "tests.ops.json"
    assert (
        entry["message"] == f"Release 7 failed at https://x/bot{TOKEN_ID}:<redacted>/sendMessage"
    )
    assert (entry["release_id"], entry["chat_id"], entry["user_id"]) == (7, 42, 42)
    assert "update_id" not in entry
    assert TOKEN not in line


def test_text_logs_keep_the_classic_line_without_the_token() -> None:
    line = _emit(logging.Formatter(TEXT_FORMAT), "calling %s", TOKEN)
    assert line.rstrip().endswith(f"WARNING tests.ops.json: calling {TOKEN_ID}:<redacted>")


def test_operations_settings_default_to_off(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("METRICS_PORT", "BACKUP_DIR", "BACKUP_HOUR", "BACKUP_KEEP", "LOG_FORMAT"):
        monkeypatch.delenv(key, raising=False)
    settings = Settings(_env_file=None, bot_token=TOKEN)
    assert settings.metrics_port is None and settings.metrics_host == "127.0.0.1"
    assert settings.backup_dir is None
    assert (settings.backup_hour, settings.backup_keep) == (3, 7)
    assert settings.log_format == "text"
    monkeypatch.setenv("METRICS_PORT", "")
    monkeypatch.setenv("BACKUP_DIR", "")
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    settings = Settings(_env_file=None, bot_token=TOKEN)
    assert settings.metrics_port is None and settings.backup_dir is None
    assert settings.log_format == "json"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("BACKUP_HOUR", "24", "BACKUP_HOUR is invalid"),
        ("BACKUP_KEEP", "0", "BACKUP_KEEP is invalid"),
        ("METRICS_PORT", "99999", "METRICS_PORT is invalid"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT is invalid"),
    ],
)
def test_bad_operations_settings_are_named(
    monkeypatch: pytest.MonkeyPatch, key: str, value: str, message: str
) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, bot_token=TOKEN)
    assert describe_error(caught.value).startswith(message)
