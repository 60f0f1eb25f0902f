"""`python -m bot`: read the settings, then run Pressroom until Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import sys

from pydantic import ValidationError

from bot import backup, logs
from bot.app import main
from bot.config import Settings, describe_error


def cli(args: list[str] | None = None) -> int:
    """Exit 2 with one line naming the bad or missing setting; else run the bot.
    `python -m bot backup <path>` backs up the database instead (no token needed)."""
    args = sys.argv[1:] if args is None else args
    if args[:1] == ["backup"]:
        return backup.cli(args[1:])
    try:
        settings = Settings()
    except ValidationError as error:
        print(describe_error(error), file=sys.stderr)
        return 2
    logs.configure(
        settings.log_level, settings.log_format, secret=settings.bot_token.get_secret_value()
    )
    asyncio.run(main(settings))
    return 0


if __name__ == "__main__":
    sys.exit(cli())
