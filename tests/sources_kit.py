"""Helpers for the sources end-to-end tests: two staff members, the local website, a feed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.sources.jobs import SourceJobs
from storage import releases
from storage import sources as stored
from storage.releases import Release
from tests.emulator import Emulator
from tests.emulator.state import StoredMessage
from tests.harness import STAFF_ID, Pressroom, settings_for
from tests.site import Entry, Site

OTHER_STAFF = 1001
STAFF = (STAFF_ID, OTHER_STAFF)


@asynccontextmanager
async def newsroom(
    emulator: Emulator, tmp_path: Path, **overrides: Any
) -> AsyncIterator[Pressroom]:
    """The bot with two staff members (Editor and Anna), allowed to fetch from 127.0.0.1."""
    emulator.add_user(STAFF_ID, first_name="Editor", language_code="en")
    emulator.add_user(OTHER_STAFF, first_name="Anna", language_code="en")
    values: dict[str, Any] = {
        "admin_ids": frozenset(STAFF),
        "fetch_allow_private": True,
        "fetch_timeout": 2,
    }
    values.update(overrides)
    app = Pressroom(emulator, settings_for(emulator, tmp_path, **values))
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


def jobs(pressroom: Pressroom) -> SourceJobs:
    """The running bot's source jobs."""
    source_jobs: SourceJobs = pressroom.dispatcher["source_jobs"]
    return source_jobs


def entries(*slugs: str) -> list[Entry]:
    """Feed items with teasers, linking to the site's article pages of the same slug."""
    return [Entry(slug, f"Release {slug}", "The Kazan plant opened...") for slug in slugs]


async def add_feed(pressroom: Pressroom, site: Site, name: str, *slugs: str) -> StoredMessage:
    """Serve a feed holding `slugs` and add it with /source_add."""
    site.feeds[name] = entries(*slugs)
    return await pressroom.say(STAFF_ID, f"/source_add {site.url(f'/feeds/{name}.xml')}")


def publish_new(site: Site, name: str, *slugs: str) -> None:
    """New items at the top of a feed."""
    site.feeds[name] = [*entries(*slugs), *site.feeds[name]]


async def latest(pressroom: Pressroom) -> Release:
    """The newest release."""
    newest = await releases.recent(pressroom.db, 1)
    assert newest
    return newest[0]


def controls_of(pressroom: Pressroom, chat_id: int) -> StoredMessage:
    """The last staff control message (the one with Publish now) in a chat."""
    for message in reversed(pressroom.emulator.messages(chat_id)):
        if any(button["text"] == "Publish now" for button in message.buttons):
            return message
    raise LookupError(f"no controls in chat {chat_id}")


async def wait_controls(pressroom: Pressroom, *chats: int, count: int = 1) -> None:
    """Until each chat holds `count` control messages."""

    def arrived() -> bool:
        return all(
            sum(
                any(b["text"] == "Publish now" for b in m.buttons)
                for m in pressroom.emulator.messages(chat)
            )
            >= count
            for chat in chats
        )

    await pressroom.emulator.wait_for(arrived, 15)


async def step_done(pressroom: Pressroom, release_id: int) -> None:
    """Until the draft's pending step (preview or publish) is done (15 s at most)."""
    deadline = time.monotonic() + 15
    while await stored.pending_action(pressroom.db, release_id) is not None:
        assert time.monotonic() < deadline, f"release {release_id} still has a pending step"
        await asyncio.sleep(0.05)
