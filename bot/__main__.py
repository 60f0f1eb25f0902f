"""`python -m bot`: read the settings, then run Pressroom until Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import sys

from pydantic import ValidationError

from bot import backup, logs
from bot.config import Settings, describe_error
from bot.lazy_types import import_aiogram
from bot.lock import DatabaseInUse, hold_database

logger = logging.getLogger("bot")


def cli(args: list[str] | None = None) -> int:
    """Exit 2 with one line naming the bad or missing setting, or saying that another process
    holds the database; else run the bot (exit 1 if it fails, with the token redacted).
    `python -m bot backup <path>` backs up the database instead (no token, no lock needed)."""
    args = sys.argv[1:] if args is None else args
    if args[:1] == ["backup"]:
        return backup.cli(args[1:])
    try:
        settings = Settings()
    except ValidationError as error:
        print(describe_error(error), file=sys.stderr)
        return 2
    logs.configure(
        settings.log_level, settings.log_format, [settings.bot_token.get_secret_value()]
    )
    # Before any module that imports aiogram (bot.app and all it imports): bot/lazy_types.py.
    import_aiogram()
    from bot.app import main

    try:
        # Before the database is opened: a second bot must not touch the first one's rows.
        with hold_database(settings.database_path):
            asyncio.run(main(settings))
    except DatabaseInUse as error:
        print(error, file=sys.stderr)
        return 2
    except Exception as error:
        # Logged, not left to Python's own traceback print: the log filter redacts the token.
        logger.critical("Pressroom stopped: %s", error, exc_info=error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(cli())
