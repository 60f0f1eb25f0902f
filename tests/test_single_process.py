"""One bot per database: a second `python -m bot` on the same file refuses to start and leaves
the first one's broadcast alone; the lock goes with the process that held it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from bot.lock import DatabaseInUse, hold_database, lock_path
from storage import deliveries
from storage.db import Database
from tests.delivery_kit import add_readers, copies, draft, wait_status
from tests.emulator import Emulator
from tests.harness import STAFF_ID

ROOT = Path(__file__).parents[1]
READERS = 60


async def _bot(emulator: Emulator, database: Path, log: Path) -> asyncio.subprocess.Process:
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": emulator.token,
        "TELEGRAM_API_URL": emulator.base_url,
        "DATABASE_PATH": str(database),
        "ADMIN_IDS": str(STAFF_ID),
        "SEND_RATE": "5",
    }
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=database.parent, env=env, stdout=out, stderr=out
        )


async def test_a_second_bot_on_the_same_database_refuses_and_the_first_carries_on(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    database = tmp_path / "pressroom.sqlite3"
    emulator.add_user(STAFF_ID, first_name="Editor")
    readers = await add_readers(db, emulator, range(1, READERS + 1))
    release = await draft(db)
    await deliveries.enqueue_release(db, release.id, report_chat_id=None, clock=time.time)
    # Slow answers keep sends in flight (rows `sending`) the whole time the second bot starts.
    emulator.latency = 0.5

    def delivered() -> int:
        return sum(copies(emulator, chat) for chat in readers)

    first = await _bot(emulator, database, tmp_path / "first.log")
    second: asyncio.subprocess.Process | None = None
    try:
        await emulator.wait_for(lambda: delivered() >= 1, timeout=30)
        second = await _bot(emulator, database, tmp_path / "second.log")
        assert await asyncio.wait_for(second.wait(), timeout=30) == 2
        said = (tmp_path / "second.log").read_text().strip()
        assert "another Pressroom process" in said
        assert f"pid {first.pid}" in said
        assert len(said.splitlines()) == 1
        assert delivered() < READERS, "the broadcast ended before the second bot started"
        await wait_status(db, release.id, "sent", timeout=60)
        first.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(first.wait(), timeout=20) == 0
    finally:
        for process in (first, second):
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()
    assert [copies(emulator, chat) for chat in readers] == [1] * READERS
    assert emulator.status_counts[409] == 0
    assert "Traceback" not in (tmp_path / "first.log").read_text()


def test_the_lock_is_held_for_the_block_and_released_after(tmp_path: Path) -> None:
    database = tmp_path / "data" / "pressroom.sqlite3"
    with hold_database(database) as lock:
        assert lock == lock_path(database) == tmp_path / "data" / "pressroom.sqlite3.lock"
        with (
            pytest.raises(DatabaseInUse, match="another Pressroom process"),
            hold_database(database),
        ):
            pass
    with hold_database(database):
        pass


async def test_a_killed_bot_leaves_no_lock_behind(emulator: Emulator, tmp_path: Path) -> None:
    database = tmp_path / "pressroom.sqlite3"
    process = await _bot(emulator, database, tmp_path / "bot.log")
    try:
        await emulator.wait_for(lambda: emulator.calls("deleteWebhook") != [], timeout=30)
        with pytest.raises(DatabaseInUse), hold_database(database):
            pass
    finally:
        process.kill()
        await process.wait()
    with hold_database(database):
        pass
