"""Pressroom's benchmarks. `bot` is imported first so aiogram is loaded as in `python -m bot`."""

import bot  # noqa: F401
