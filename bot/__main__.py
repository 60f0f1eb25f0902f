"""`python -m bot`: read the settings, then run Pressroom until Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import sys

from pydantic import ValidationError

from bot.config import Settings, describe_error
from bot.lazy_types import import_aiogram


def cli() -> int:
    """Exit 2 with one line naming the bad or missing setting; else run the bot."""
    try:
        settings = Settings()
    except ValidationError as error:
        print(describe_error(error), file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Before any module that imports aiogram (bot.app and all it imports): bot/lazy_types.py.
    import_aiogram()
    from bot.app import main

    asyncio.run(main(settings))
    return 0


if __name__ == "__main__":
    sys.exit(cli())
