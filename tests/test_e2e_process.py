"""`python -m bot` as a user runs it: starts, says it is polling, stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.telemetry import version
from tests.emulator import Emulator
from tests.ops_kit import free_port, healthz, metrics, value

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


async def test_the_bot_process_logs_json_and_answers_healthz(
    emulator: Emulator, tmp_path: Path
) -> None:
    port = free_port()
    (tmp_path / ".env").write_text(
        f"BOT_TOKEN={emulator.token}\nTELEGRAM_API_URL={emulator.base_url}\n"
        f"DATABASE_PATH=pressroom.sqlite3\nLOG_FORMAT=json\nMETRICS_PORT={port}\n"
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
        lines: list[bytes] = []
        while not lines or b"is polling" not in lines[-1]:
            lines.append(await asyncio.wait_for(process.stderr.readline(), timeout=20))
            assert lines[-1], "the bot exited before it started polling"
        status, body = await healthz(port)
        assert (status, body["status"], body["mode"]) == (200, "ok", "polling")
        samples = await metrics(port)
        assert value(samples, "pressroom_build_info", version=version(), mode="polling") == 1
        process.send_signal(signal.SIGTERM)
        _, rest = await asyncio.wait_for(process.communicate(), timeout=20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0
    entries = [json.loads(line) for line in [*lines, *rest.splitlines()] if line.strip()]
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    assert any(entry["message"] == "Pressroom stopped; database closed" for entry in entries)
    assert emulator.token not in b"".join(lines).decode() + rest.decode()
