"""A hard kill (SIGKILL) of the bot process mid-broadcast: after a restart every reader has the
release, and no more than the documented in-flight bound got it twice."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from bot.pacing import in_flight_limit
from storage import deliveries
from storage.db import Database
from tests.delivery_kit import add_readers, copies, draft, wait_status
from tests.emulator import Emulator
from tests.harness import STAFF_ID

ROOT = Path(__file__).parents[1]
READERS = 300
RATE = 100
# Sends that reach Telegram but whose answer never comes back before the kill.
LOST_ANSWERS = 5


async def _bot_process(emulator: Emulator, tmp_path: Path) -> asyncio.subprocess.Process:
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": emulator.token,
        "TELEGRAM_API_URL": emulator.base_url,
        "DATABASE_PATH": str(tmp_path / "pressroom.sqlite3"),
        "ADMIN_IDS": str(STAFF_ID),
        "SEND_RATE": str(RATE),
        "LOG_LEVEL": "WARNING",
    }
    with (tmp_path / "bot.log").open("ab") as log:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=tmp_path, env=env, stdout=log, stderr=log
        )


async def test_sigkill_mid_broadcast_then_restart_reaches_everyone(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    emulator.add_user(STAFF_ID, first_name="Editor")
    readers = await add_readers(db, emulator, range(1, READERS + 1))
    release = await draft(db)
    await deliveries.enqueue_release(db, release.id, report_chat_id=STAFF_ID, clock=time.time)
    emulator.fault_methods = {"sendMessage"}

    def delivered() -> int:
        return sum(copies(emulator, chat) for chat in readers)

    def hung() -> int:
        return sum(1 for r in emulator.calls("sendMessage") if r.description == "hung")

    process = await _bot_process(emulator, tmp_path)
    try:
        await emulator.wait_for(lambda: delivered() >= READERS // 3, timeout=30)
        emulator.hang_next(LOST_ANSWERS, deliver=True)
        await emulator.wait_for(lambda: hung() >= LOST_ANSWERS, timeout=10)
        process.kill()
        await process.wait()
        assert process.returncode == -signal.SIGKILL
        assert delivered() < READERS
        process = await _bot_process(emulator, tmp_path)
        await wait_status(db, release.id, "sent", timeout=30)
        await emulator.wait_for(
            lambda: any("is out: 300 of 300" in m.content for m in emulator.messages(STAFF_ID))
        )
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), timeout=20) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    per_reader = [copies(emulator, chat) for chat in readers]
    assert min(per_reader) == 1
    duplicates = sum(per_reader) - READERS
    # The lost answers are sent again (Telegram has no idempotency key), and nothing beyond
    # the sends in flight at the kill.
    assert LOST_ANSWERS <= duplicates <= in_flight_limit(RATE)
    stats = await deliveries.stats(db, release.id)
    assert (stats.sent, stats.unsent) == (READERS, 0)
    assert "Traceback" not in (tmp_path / "bot.log").read_text()
