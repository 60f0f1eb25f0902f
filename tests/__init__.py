"""Pressroom's tests. aiogram is imported first, lean, as `python -m bot` does it."""

from bot.lazy_types import import_aiogram

import_aiogram()
