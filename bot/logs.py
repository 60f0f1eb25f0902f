"""Log set-up: `LOG_FORMAT=text` (one readable line) or `json` (one JSON object a line, for a log
collector), both with the ids of what a record is about (release, chat, user, update) where
known. The token is redacted by `bot.redact`'s filter, installed on the same handler."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Final

from bot import redact

# Ids that log records may carry: set for an update's handling by `log_ids`, or passed by a
# call site as `extra={"release_id": ...}`.
IDS: Final = ("release_id", "chat_id", "user_id", "update_id")
TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_ids: ContextVar[dict[str, int] | None] = ContextVar("pressroom_log_ids", default=None)


@contextlib.contextmanager
def log_ids(**ids: int | None) -> Iterator[None]:
    """Records logged inside the block (in this task and tasks it starts) carry these ids."""
    merged = {
        **(_ids.get() or {}),
        **{key: value for key, value in ids.items() if value is not None},
    }
    token = _ids.set(merged)
    try:
        yield
    finally:
        _ids.reset(token)


class IdsFilter(logging.Filter):
    """Copies the current task's ids onto each record that does not carry its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (_ids.get() or {}).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, ids, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in IDS:
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(level: str, log_format: str, secrets: Iterable[str] = ()) -> None:
    """Send every record to stderr at `level`, as text or JSON, with `secrets` redacted."""
    handler = logging.StreamHandler()
    handler.addFilter(IdsFilter())
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    root = logging.getLogger()
    root.handlers.clear()
    root.addHandler(handler)
    root.setLevel(level)
    redact.install(secrets)
