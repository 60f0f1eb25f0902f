"""aiogram routers, one per feature, handed out in the order they must be tried."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    chats,
    digests,
    failures,
    fallback,
    groups,
    publishing,
    ratings,
    reader,
    releases,
    settings,
    sources,
    staff,
)


def routers() -> list[Router]:
    """Fresh routers for one Dispatcher: groups and channels, readers' commands, staff, then
    the catch-all."""
    return [
        # Star presses first: in a rating storm they are most updates, and each router before
        # them would try its own buttons' filters on every one (they share no prefix). Stars
        # (and the live counter) are the one thing pressed in a group or channel that counts.
        ratings.build(),
        # Then groups and channels: there nothing personal or staff-only may answer.
        groups.build(),
        chats.build(),
        reader.build(),
        settings.build(),
        digests.build(),
        # Releases before publishing: the latter's catch-all answers both one's dialog steps.
        # Sources before publishing: a lone link after /post or in its body step is theirs.
        staff.build(
            releases.build(),
            sources.build(),
            publishing.build(),
            digests.build_staff(),
            chats.build_staff(),
        ),
        fallback.build(),
        # Errors only: a write the database refused is answered, whichever handler it hit.
        failures.build(),
    ]
