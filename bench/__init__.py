"""Pressroom's benchmarks. aiogram is imported first, lean, as `python -m bot` does it; every
benchmark process (`bench._emulator_server`, the senders `bench.broadcast` starts) is started as
a module of this package, so each of them does the same."""

from bot.lazy_types import import_aiogram

import_aiogram()
