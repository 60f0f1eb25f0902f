"""Backups: when a scheduled one is due (a table with DST changes), which files are kept, a
consistent copy of a database being written to, and `python -m bot backup` without a token."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.backup import BackupError, dated, is_due, name_for, take, to_prune
from storage import deliveries
from storage.db import Database

ROOT = Path(__file__).parents[1]
BERLIN = ZoneInfo("Europe/Berlin")
KOLKATA = ZoneInfo("Asia/Kolkata")


def _at(zone: ZoneInfo, text: str, fold: int = 0) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone, fold=fold)


@pytest.mark.parametrize(
    ("last", "hour", "zone", "now", "expected"),
    [
        # Never taken: due at once (a bot just given BACKUP_DIR backs up at start-up).
        (None, 3, BERLIN, _at(BERLIN, "2026-03-10 01:00"), True),
        # Taken at today's 03:00: not again today.
        (_at(BERLIN, "2026-03-10 03:00:05"), 3, BERLIN, _at(BERLIN, "2026-03-10 23:59"), False),
        # Taken yesterday after 03:00: not due before today's 03:00, due from it on.
        (_at(BERLIN, "2026-03-09 03:10"), 3, BERLIN, _at(BERLIN, "2026-03-10 02:59"), False),
        (_at(BERLIN, "2026-03-09 03:10"), 3, BERLIN, _at(BERLIN, "2026-03-10 03:00"), True),
        # The bot was down for days: one backup when it comes back.
        (_at(BERLIN, "2026-03-01 03:00"), 3, BERLIN, _at(BERLIN, "2026-03-10 12:00"), True),
        # Spring forward (29 March, 02:00 -> 03:00): 02:00 is skipped, the slot is 03:00 CEST.
        (_at(BERLIN, "2026-03-28 02:00:30"), 2, BERLIN, _at(BERLIN, "2026-03-29 01:59"), False),
        (_at(BERLIN, "2026-03-28 02:00:30"), 2, BERLIN, _at(BERLIN, "2026-03-29 03:00"), True),
        # Fall back (25 October, 03:00 -> 02:00): 02:00 happens twice and counts once.
        (
            _at(BERLIN, "2026-10-25 02:00:10"),
            2,
            BERLIN,
            _at(BERLIN, "2026-10-25 02:30", fold=1),
            False,
        ),
        (_at(BERLIN, "2026-10-24 02:00:10"), 2, BERLIN, _at(BERLIN, "2026-10-25 02:00"), True),
        # Midnight in a zone half an hour off UTC.
        (_at(KOLKATA, "2026-01-10 00:01"), 0, KOLKATA, _at(KOLKATA, "2026-01-10 23:59"), False),
        (_at(KOLKATA, "2026-01-10 00:01"), 0, KOLKATA, _at(KOLKATA, "2026-01-11 00:00"), True),
        # The last backup's zone does not matter, only the moment.
        (
            datetime(2026, 3, 10, 2, 0, 5, tzinfo=UTC),
            3,
            BERLIN,
            _at(BERLIN, "2026-03-10 22:00"),
            False,
        ),
    ],
)
def test_when_a_scheduled_backup_is_due(
    last: datetime | None, hour: int, zone: ZoneInfo, now: datetime, expected: bool
) -> None:
    assert is_due(last, hour=hour, zone=zone, now=now) is expected


def test_due_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        is_due(None, hour=3, zone=BERLIN, now=datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("now", "zone", "expected"),
    [
        (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), ZoneInfo("Europe/Moscow"), "2026-03-30"),
        (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), ZoneInfo("UTC"), "2026-03-29"),
        (datetime(2026, 1, 1, 3, 0, tzinfo=UTC), ZoneInfo("America/New_York"), "2025-12-31"),
    ],
)
def test_a_backup_is_named_by_the_press_centres_date(
    now: datetime, zone: ZoneInfo, expected: str
) -> None:
    assert name_for(now, zone) == f"pressroom-{expected}.sqlite3"


@pytest.mark.parametrize(
    ("names", "keep", "pruned"),
    [
        ([f"pressroom-2026-01-0{day}.sqlite3" for day in (3, 1, 2)], 7, []),
        (
            [f"pressroom-2026-01-0{day}.sqlite3" for day in (3, 1, 4, 2)],
            2,
            ["pressroom-2026-01-01.sqlite3", "pressroom-2026-01-02.sqlite3"],
        ),
        # Files that are not ours stay, whatever their names look like.
        (
            [
                "pressroom-2026-01-01.sqlite3",
                "pressroom-2026-01-02.sqlite3",
                "pressroom-2026-02-30.sqlite3",
                "pressroom-2026-01-01.sqlite3.partial",
                "pressroom-2026-01-01T101500Z.sqlite3",
                "notes.txt",
            ],
            1,
            ["pressroom-2026-01-01.sqlite3"],
        ),
    ],
)
def test_the_newest_backups_are_kept(names: list[str], keep: int, pruned: list[str]) -> None:
    assert to_prune(names, keep) == pruned


def test_only_dated_backups_are_ours() -> None:
    assert list(dated(["pressroom-2026-01-01.sqlite3", "pressroom.sqlite3", "x"])) == [
        "pressroom-2026-01-01.sqlite3"
    ]


# --- Taking a copy -------------------------------------------------------------------------------


def _writer(path: Path, stop: threading.Event) -> int:
    """Insert subscribers ten to a transaction until stopped; returns how many went in."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA busy_timeout=5000")
    chat_id = 1
    while not stop.is_set():
        connection.execute("BEGIN IMMEDIATE")
        for _ in range(10):
            connection.execute(
                "INSERT INTO subscribers (chat_id, created_at, updated_at) VALUES (?, 0, 0)",
                (chat_id,),
            )
            chat_id += 1
        connection.execute("COMMIT")
    connection.close()
    return chat_id - 1


async def test_a_copy_taken_while_the_database_is_written_holds_whole_transactions(
    db: Database, tmp_path: Path
) -> None:
    live = tmp_path / "pressroom.sqlite3"
    stop = threading.Event()
    writing = asyncio.create_task(asyncio.to_thread(_writer, live, stop))
    await asyncio.sleep(0.2)
    reports = [await asyncio.to_thread(take, live, tmp_path / f"copy{n}.sqlite3") for n in (1, 2)]
    stop.set()
    written = await writing
    for report in reports:
        copied = report.rows["subscribers"]
        assert copied % 10 == 0, "a transaction was copied in part"
        assert 0 < copied <= written
        assert set(report.rows) == {"subscribers", "releases", "votes", "deliveries", "digests"}
        with sqlite3.connect(report.path) as copy:
            assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            assert copy.execute("PRAGMA user_version").fetchone()[0] == await db.version()
        assert not report.path.with_name(report.path.name + ".partial").exists()
    assert reports[0].rows["subscribers"] <= reports[1].rows["subscribers"]
    assert "integrity ok; subscribers" in reports[0].line()


async def test_a_copy_leaves_the_running_bots_rows_alone(db: Database, tmp_path: Path) -> None:
    await db.write("INSERT INTO subscribers (chat_id, created_at, updated_at) VALUES (7, 0, 0)")
    await db.write(
        "INSERT INTO releases (title, status, author_id, created_at) VALUES ('T', 'sending', 1, 0)"
    )
    await db.write(
        "INSERT INTO deliveries (release_id, chat_id, status, created_at) "
        "VALUES (1, 7, 'sending', 0)"
    )
    report = await asyncio.to_thread(take, tmp_path / "pressroom.sqlite3", tmp_path / "b.sqlite3")
    assert report.rows["deliveries"] == 1
    row = await db.fetchone("SELECT status FROM deliveries")
    assert row is not None and row[0] == "sending"
    with sqlite3.connect(report.path) as copy:
        assert copy.execute("SELECT status FROM deliveries").fetchone()[0] == "sending"
    # The bot goes on writing to its own file.
    assert await deliveries.reset_in_flight(db) == 1


@pytest.mark.parametrize(
    ("database", "target", "reason"),
    [
        ("missing.sqlite3", "out.sqlite3", "there is no database"),
        ("pressroom.sqlite3", "no-such-folder/out.sqlite3", "does not exist"),
        ("pressroom.sqlite3", "pressroom.sqlite3", "cannot replace the database"),
    ],
)
async def test_a_backup_that_cannot_be_taken_says_why(
    db: Database, tmp_path: Path, database: str, target: str, reason: str
) -> None:
    with pytest.raises(BackupError, match=reason):
        take(tmp_path / database, tmp_path / target)


def test_a_damaged_database_fails_its_check_and_leaves_no_file(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.sqlite3"
    with sqlite3.connect(damaged) as connection:
        connection.execute("CREATE TABLE subscribers (chat_id INTEGER PRIMARY KEY, name TEXT)")
        connection.executemany(
            "INSERT INTO subscribers VALUES (?, ?)", [(n, "x" * 500) for n in range(2000)]
        )
        connection.execute("CREATE INDEX names ON subscribers (name)")
    data = bytearray(damaged.read_bytes())
    page = 4096
    data[page * 20 : page * 21] = b"\xff" * page
    damaged.write_bytes(bytes(data))
    with pytest.raises(BackupError):
        take(damaged, tmp_path / "copy.sqlite3")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["damaged.sqlite3"]


# --- python -m bot backup ------------------------------------------------------------------------


async def _backup_cli(cwd: Path, *args: str, **env: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "backup",
        *args,
        cwd=cwd,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=40)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_the_backup_command_needs_only_the_database(db: Database, tmp_path: Path) -> None:
    await db.write("INSERT INTO subscribers (chat_id, created_at, updated_at) VALUES (7, 0, 0)")
    (tmp_path / ".env").write_text("DATABASE_PATH=pressroom.sqlite3\n")  # no BOT_TOKEN anywhere
    code, out, err = await _backup_cli(tmp_path, "copy.sqlite3")
    assert (code, err) == (0, "")
    [line] = out.splitlines()
    assert line.startswith("Backup copy.sqlite3: ")
    assert "integrity ok; subscribers 1, releases 0, votes 0, deliveries 0, digests 0" in line
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("SELECT chat_id FROM subscribers").fetchall() == [(7,)]

    # A folder gets a file named to the second, which scheduled pruning never takes.
    (tmp_path / "backups").mkdir()
    code, out, _ = await _backup_cli(tmp_path, "backups")
    assert code == 0
    [made] = os.listdir(tmp_path / "backups")
    assert made.startswith("pressroom-") and made.endswith("Z.sqlite3")
    assert to_prune([made], 0) == []


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["copy.sqlite3"], {"DATABASE_PATH": "nowhere.sqlite3"}, "there is no database"),
        ([], {}, "usage: python -m bot backup"),
        (["a", "b"], {}, "usage: python -m bot backup"),
    ],
)
async def test_the_backup_command_fails_clearly(
    tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    code, out, err = await _backup_cli(tmp_path, *args, **env)
    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_backup_names_stay_in_order_for_a_year() -> None:
    day = datetime(2026, 1, 1, 12, tzinfo=UTC)
    names = [name_for(day + timedelta(days=n), ZoneInfo("UTC")) for n in range(366)]
    assert to_prune(names, 7) == names[:-7]
