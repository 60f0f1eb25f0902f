"""aiogram routers, one per feature, handed out in the order they must be tried."""

from __future__ import annotations

from aiogram import Router

from handlers import digests, fallback, publishing, ratings, reader, settings, staff


def routers() -> list[Router]:
    """Fresh routers for one Dispatcher: readers' commands, staff, then the catch-all."""
    return [
        reader.build(),
        settings.build(),
        digests.build(),
        ratings.build(),
        staff.build(publishing.build(), digests.build_staff()),
        fallback.build(),
    ]
