"""Backups of the live database: a consistent copy through SQLite's online backup API, checked,
and the rules for scheduled ones (when one is due, which files to keep).

A copy is taken by a connection of its own in one step, that is inside one read transaction: in
WAL mode the bot keeps writing meanwhile and the copy holds every transaction committed before
it started, none after, and none half. The copy is written beside its final name and renamed
only once `PRAGMA integrity_check` passed, so a failed backup never leaves a file that looks
like a good one. Nothing here writes to the live database: no migrations, no reset of the
deliveries the running bot has in flight, no lock file.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from bot.when import last_slot

# What the one-line report counts.
TABLES: Final = ("subscribers", "releases", "votes", "deliveries", "digests")
NAME_PATTERN: Final = re.compile(r"^pressroom-(\d{4}-\d{2}-\d{2})\.sqlite3$")


class BackupError(Exception):
    """A backup that could not be taken or did not pass its check; the message says why."""


@dataclass(frozen=True, slots=True)
class BackupReport:
    """A checked copy: where, how big, and its row counts."""

    path: Path
    size: int
    rows: dict[str, int]

    def line(self) -> str:
        """The one line `python -m bot backup` prints."""
        counts = ", ".join(f"{table} {count}" for table, count in self.rows.items())
        return f"Backup {self.path}: {_size(self.size)}, integrity ok; {counts}"


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def take(database: Path, target: Path) -> BackupReport:
    """Copy the database at `database` to `target` (replaced if it exists) and check the copy.

    Blocking: call it in a worker thread from the event loop."""
    if not database.is_file():
        raise BackupError(f"there is no database at {database}")
    if target.exists() and target.resolve() == database.resolve():
        raise BackupError("the backup cannot replace the database itself")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    partial = target.with_name(target.name + ".partial")
    try:
        _copy(database, partial)
        rows = _check(partial)
        os.replace(partial, target)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite: {error}") from None
    except OSError as error:
        raise BackupError(f"{error.strerror or error}: {error.filename or target}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return BackupReport(target, target.stat().st_size, rows)


def _copy(database: Path, partial: Path) -> None:
    # Read-only: the live file is never written, even by a stray statement.
    source = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.execute("PRAGMA busy_timeout=5000")
        copy = sqlite3.connect(partial)
        try:
            # pages=-1: the whole database in one step, so one read transaction, one snapshot.
            source.backup(copy, pages=-1)
            # A single self-contained file: the copy needs no -wal beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
            copy.commit()
        finally:
            copy.close()
    finally:
        source.close()


def _check(path: Path) -> dict[str, int]:
    copy = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        verdict = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if verdict != ["ok"]:
            raise BackupError("the copy failed its integrity check: " + "; ".join(verdict[:3]))
        present = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
        return {
            table: int(copy.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            for table in TABLES
            if table in present
        }
    finally:
        copy.close()


# --- Scheduled backups: when, what name, what to keep ------------------------------------------


def is_due(last_backup: datetime | None, *, hour: int, zone: ZoneInfo, now: datetime) -> bool:
    """True when no backup was taken since the latest `hour`:00 in `zone` at or before `now`.

    An hour the clocks skip falls on the first moment after the gap and an hour that happens
    twice counts once, as for digests. A bot that was down at backup time takes it at start-up.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("`now` must be time-zone aware")
    if last_backup is None:
        return True
    return last_backup.astimezone(UTC) < last_slot("daily", hour, 0, zone, now)


def name_for(now: datetime, zone: ZoneInfo) -> str:
    """The file a backup taken at `now` gets: the press centre's date (one file a day)."""
    return f"pressroom-{now.astimezone(zone).date().isoformat()}.sqlite3"


def dated(names: Iterable[str]) -> dict[str, date]:
    """The backup files among `names`, with their dates; other files are not ours."""
    found = {}
    for name in names:
        match = NAME_PATTERN.match(name)
        if match:
            with contextlib.suppress(ValueError):
                found[name] = date.fromisoformat(match.group(1))
    return found


def to_prune(names: Iterable[str], keep: int) -> list[str]:
    """The backup files to delete so that the newest `keep` remain, oldest first."""
    ours = dated(names)
    newest_first = sorted(ours, key=lambda name: ours[name], reverse=True)
    return sorted(newest_first[keep:], key=lambda name: ours[name])


def newest(folder: Path) -> float | None:
    """When the newest backup file in `folder` was written, or None."""
    if not folder.is_dir():
        return None
    times = [(folder / name).stat().st_mtime for name in dated(os.listdir(folder))]
    return max(times, default=None)


# --- `python -m bot backup <path>` -------------------------------------------------------------


def cli(args: list[str]) -> int:
    """Back up `DATABASE_PATH` to the path in `args` (a folder gets a timestamped file); print one
    line and return 0, or print the reason and return 2. Needs no `BOT_TOKEN`."""
    # Imported here: settings validation is all this needs from pydantic.
    from pydantic import ValidationError

    from bot.config import StorageSettings, describe_error

    if len(args) != 1:
        print("usage: python -m bot backup <file or folder>", file=sys.stderr)
        return 2
    try:
        settings = StorageSettings()
    except ValidationError as error:
        print(describe_error(error), file=sys.stderr)
        return 2
    target = Path(args[0])
    if target.is_dir():
        # To the second, and not a scheduled backup's name: pruning never takes it.
        target /= f"pressroom-{datetime.now(UTC):%Y-%m-%dT%H%M%SZ}.sqlite3"
    try:
        report = take(settings.database_path, target)
    except BackupError as error:
        print(f"Backup failed: {error}", file=sys.stderr)
        return 2
    print(report.line())
    return 0
