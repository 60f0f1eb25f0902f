"""`python -m bot` as a user runs it: starts, says it is polling, stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.emulator import Emulator

ROOT = Path(__file__).parents[1]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_the_bot_process_starts_answers_and_stops_cleanly(
    emulator: Emulator, tmp_path: Path, signum: signal.Signals
) -> None:
    (tmp_path / ".env").write_text(
        f"BOT_TOKEN={emulator.token}\nTELEGRAM_API_URL={emulator.base_url}\n"
        "DATABASE_PATH=db/pressroom.sqlite3\nADMIN_IDS=1000\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stderr is not None
        line = b""
        while b"is polling" not in line:
            line = await asyncio.wait_for(process.stderr.readline(), timeout=20)
            assert line, "the bot exited before it started polling"
        emulator.add_user(5, first_name="Nina")
        await emulator.send_text(5, "/start")
        [reply] = await emulator.wait_for_messages(5, 1, timeout=10)
        assert "You are subscribed" in reply.content
        process.send_signal(signum)
        _, rest = await asyncio.wait_for(process.communicate(), timeout=20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0
    log = rest.decode()
    assert "Traceback" not in log
    assert "database closed" in log
    assert (tmp_path / "db" / "pressroom.sqlite3").exists()
