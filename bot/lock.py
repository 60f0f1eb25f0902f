"""One Pressroom process per database, held by an OS file lock next to the database file.

A second bot on the same file would put the first one's sends in flight back in the queue
(`sending` -> `pending` at start-up) and send them again, and both would poll Telegram (409
Conflict). `hold_database` takes an exclusive `flock` on `<database>.lock`: the kernel releases it
when the process ends, however it ends, so a crash never leaves a stale lock behind. The lock
file itself stays (removing it would let a third process lock a new file while the second still
holds the old one). Tools that only read or copy the database do not take it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path


class DatabaseInUse(Exception):
    """Another process holds the database's lock."""

    def __init__(self, database: Path, lock: Path, holder: str) -> None:
        held_by = f" (pid {holder})" if holder else ""
        super().__init__(
            f"another Pressroom process{held_by} holds the database {database} "
            f"(lock file {lock}); run one bot per database"
        )
        self.database = database
        self.lock = lock


def lock_path(database: Path) -> Path:
    """The lock file of a database file: `<database>.lock` beside it."""
    return database.with_name(database.name + ".lock")


@contextlib.contextmanager
def hold_database(database: Path) -> Iterator[Path]:
    """Hold the database's lock for the block (creating its folder); `DatabaseInUse` if another
    process holds it. Yields the lock file's path."""
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            holder = os.pread(descriptor, 32, 0).decode(errors="replace").strip()
            raise DatabaseInUse(database, path, holder) from None
        # The holder's pid, for the message a second process prints.
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        # Closing the descriptor releases the lock.
        os.close(descriptor)
