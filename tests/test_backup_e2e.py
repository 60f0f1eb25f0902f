"""End to end: scheduled backups are written and pruned, a failing one is told to staff once, and
a backup taken with `python -m bot backup` in the middle of a broadcast restores (stop, copy,
start) into a bot that has the same subscribers, releases and votes and finishes the broadcast."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.backup import name_for
from bot.backup_job import BackupJob
from bot.telemetry import Telemetry
from storage import votes
from tests.emulator import Emulator
from tests.harness import STAFF_ID, Pressroom, settings_for
from tests.publishing_kit import BODY, post, publish, readers

ROOT = Path(__file__).parents[1]
MOSCOW = ZoneInfo("Europe/Moscow")


async def test_a_scheduled_backup_is_written_and_old_ones_pruned(
    emulator: Emulator, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    now = datetime.now(UTC)
    old = []
    for days in (1, 2, 3):
        # As the bot wrote them: named by the day, written on it.
        written = now - timedelta(days=days, hours=1)
        path = folder / name_for(written, MOSCOW)
        path.write_bytes(b"an older backup")
        os.utime(path, (written.timestamp(), written.timestamp()))
        old.append(path.name)
    (folder / "notes.txt").write_text("not a backup")
    emulator.add_user(STAFF_ID, first_name="Editor")
    app = Pressroom(emulator, settings_for(emulator, tmp_path, backup_dir=folder, backup_keep=2))
    await app.start()
    try:
        await readers(app, 101, 102)
        today = name_for(datetime.now(UTC), MOSCOW)
        # The start-up run: the last backup is older than today's BACKUP_HOUR (03:00 Moscow).
        await emulator.wait_for(lambda: (folder / today).exists(), 10)
        await emulator.wait_for(lambda: len(os.listdir(folder)) == 3, 10)
        assert sorted(os.listdir(folder)) == sorted([today, old[0], "notes.txt"])
        with sqlite3.connect(folder / today) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        telemetry: Telemetry = app.dispatcher["telemetry"]
        assert telemetry.last_backup_at == (folder / today).stat().st_mtime
        job: BackupJob = app.dispatcher["ops"].backup_job
        # Taken for today: the next hourly look finds nothing due.
        assert await job.run() is None
        assert emulator.messages(STAFF_ID) == []
    finally:
        await app.stop()


async def test_a_failing_backup_is_told_to_staff_once(emulator: Emulator, tmp_path: Path) -> None:
    blocker = tmp_path / "disk"
    blocker.write_text("a file where the backup folder's parent should be")
    emulator.add_user(STAFF_ID, first_name="Editor", language_code="ru")
    # Staff who never wrote /start are told in the default language.
    settings = settings_for(
        emulator, tmp_path, backup_dir=blocker / "backups", default_language="ru"
    )
    app = Pressroom(emulator, settings)
    await app.start()
    try:
        [told] = await emulator.wait_for_messages(STAFF_ID, 1, timeout=10)
        assert told.content.startswith("⚠️ Резервная копия по расписанию не создана: cannot create")
        job: BackupJob = app.dispatcher["ops"].backup_job
        telemetry: Telemetry = app.dispatcher["telemetry"]
        assert await job.run() is None  # the next hour: failing still, and not told again
        assert len(emulator.messages(STAFF_ID)) == 1
        assert (
            telemetry.registry.get_sample_value("pressroom_backups_total", {"outcome": "failed"})
            == 2
        )

        blocker.unlink()
        report = await job.run()
        assert report is not None and report.path.parent == blocker / "backups"
        assert telemetry.last_backup_at is not None
        # Fixed, then broken again: a new failure is news.
        shutil.rmtree(blocker)
        blocker.write_text("broken again")
        later = datetime.now(UTC) + timedelta(days=1)
        assert await job.run(later) is None
        await emulator.wait_for_messages(STAFF_ID, 2, timeout=10)
    finally:
        await app.stop()


async def _backup_cli(database: Path, target: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "backup",
        str(target),
        cwd=target.parent,
        env={
            "PATH": os.environ["PATH"],
            "PYTHONPATH": str(ROOT),
            "DATABASE_PATH": str(database),
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=40)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


SUBSCRIBERS = "SELECT chat_id, status, language, instant, digest FROM subscribers ORDER BY 1"
RELEASES = "SELECT id, title, summary, vote_count, vote_sum FROM releases ORDER BY 1"
VOTES = "SELECT release_id, user_id, stars FROM votes ORDER BY 1, 2"


async def test_a_backup_taken_during_a_broadcast_restores_into_a_bot_with_the_same_data(
    emulator: Emulator, tmp_path: Path
) -> None:
    live = tmp_path / "live"
    live.mkdir()
    emulator.add_user(STAFF_ID, first_name="Editor")
    # Two messages a second: the broadcast to twenty readers takes about ten seconds.
    app = Pressroom(emulator, settings_for(emulator, live, send_rate=2))
    await app.start()
    backup = tmp_path / "backup.sqlite3"
    try:
        anna, boris = await readers(app, 101, 102)
        first, got = await publish(app, f"Plant opens\n{BODY}", anna, boris)
        await app.press(anna, got[anna], "4 ★")
        await app.press(boris, got[boris], "5 ★")
        others = await readers(app, *range(103, 121))
        preview = await post(app, f"Second plant opens\n{BODY}")
        await app.press(STAFF_ID, preview.controls, "Publish now")
        await emulator.wait_for(
            lambda: any("Second plant" in m.content for m in emulator.messages(anna)), 10
        )

        code, out, err = await _backup_cli(app.settings.database_path, backup)
        assert (code, err) == (0, ""), err
        assert "subscribers 20, releases 2, votes 2" in out
        # Taken mid-broadcast: some copies were still to go.
        [(status, waiting)] = _rows(
            backup,
            "SELECT r.status, COUNT(*) FROM releases r JOIN deliveries d ON d.release_id = r.id "
            f"WHERE r.id = {preview.release.id} AND d.status IN ('pending', 'sending')",
        )
        assert status == "sending" and isinstance(waiting, int) and waiting > 0
    finally:
        await app.stop()

    # Restore: the bot is stopped; copy the backup into place; start.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    shutil.copy(backup, fresh / "pressroom.sqlite3")
    restored = Pressroom(emulator, settings_for(emulator, fresh))
    await restored.start()
    try:
        for sql in (SUBSCRIBERS, RELEASES, VOTES):
            assert _rows(fresh / "pressroom.sqlite3", sql) == _rows(backup, sql)
        assert await votes.of(restored.db, first.id, anna) == 4
        assert await votes.distribution(restored.db, first.id) == {1: 0, 2: 0, 3: 0, 4: 1, 5: 1}
        counts = await restored.say(STAFF_ID, "/subscribers")
        assert "Subscribers: 20" in counts.content
        assert "Active: 20" in counts.content
        listed = await restored.say(STAFF_ID, "/releases")
        assert "Plant opens" in listed.content and "Second plant opens" in listed.content
        # The restored bot finishes the broadcast the backup caught in the middle.
        deadline = time.monotonic() + 20
        while not all(
            any("Second plant" in m.content for m in emulator.messages(reader))
            for reader in [anna, boris, *others]
        ):
            assert time.monotonic() < deadline, "the restored bot did not finish the broadcast"
            await asyncio.sleep(0.1)
    finally:
        await restored.stop()
