"""The delivery engine's counts for /metrics: sends by kind, 429 waits, failures by class."""

from __future__ import annotations

from pathlib import Path

from bot.telemetry import Telemetry
from storage.db import Database
from tests.delivery_kit import add_readers, draft, running_engine, wait_status
from tests.emulator import Emulator


def _sample(telemetry: Telemetry, name: str, **labels: str) -> float:
    return telemetry.registry.get_sample_value(name, labels) or 0.0


async def test_the_engine_counts_sends_429s_and_failures(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    emulator.global_rate = 40
    emulator.fail_rate = 0.05
    emulator.deactivated.add(3)
    await add_readers(db, emulator, range(1, 121))
    release = await draft(db)
    telemetry = Telemetry()
    async with running_engine(
        emulator, db, tmp_path, settings={"send_rate": 1000}, telemetry=telemetry
    ) as engine:
        await engine.publish(release.id, report_chat_id=None)
        await wait_status(db, release.id, "sent", timeout=30)
        floods = engine.metrics.too_many_requests
    assert floods == emulator.status_counts[429] > 0
    assert _sample(telemetry, "pressroom_flood_waits_total") == floods
    assert _sample(telemetry, "pressroom_flood_wait_seconds_total") >= floods
    assert _sample(telemetry, "pressroom_messages_sent_total", kind="release") == 119
    assert (
        _sample(telemetry, "pressroom_messages_failed_total", kind="release", error="blocked") == 1
    )
    server_errors = emulator.status_counts[500] + emulator.status_counts[502]
    assert server_errors > 0
    assert (
        _sample(telemetry, "pressroom_messages_failed_total", kind="release", error="transient")
        == server_errors
    )
    assert _sample(telemetry, "pressroom_messages_sent_total", kind="digest") == 0
