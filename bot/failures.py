"""When the database cannot write: the disk is full, the file or its folder became read-only,
or the disk fails. The transaction is rolled back (nothing is half-written) and the person is
told to try again; other errors are bugs and stay errors."""

from __future__ import annotations

import sqlite3
from typing import Final

# SQLite's own messages for SQLITE_FULL, SQLITE_READONLY and SQLITE_IOERR.
_MESSAGES: Final = ("database or disk is full", "readonly database", "disk i/o error")


def storage_failure(error: BaseException) -> bool:
    """Whether `error` is the database refusing a write for want of disk or permission."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    text = str(error).lower()
    return any(message in text for message in _MESSAGES)
