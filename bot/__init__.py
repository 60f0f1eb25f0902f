"""Pressroom: a Telegram bot that distributes press releases.

Importing the package imports aiogram the lean way (see `bot.lazy_types`): its Bot API models are
built on first use, not all ~400 at import. Import `bot` before aiogram (the `tests` and `bench`
packages do) so every process runs aiogram the way `python -m bot` does.
"""

from bot.lazy_types import import_aiogram

import_aiogram()
