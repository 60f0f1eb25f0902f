"""Channels and groups as destinations: added on or off, switched, marked, moved, and kept
apart from readers' private subscriptions."""

from __future__ import annotations

import pytest

from storage import chats, deliveries, releases, subscribers
from storage.db import Database

CHANNEL = -1001000000001
GROUP = -2000000001


async def _draft(db: Database) -> releases.Release:
    return await releases.create_draft(
        db,
        title="T",
        body="B",
        summary="S",
        link=None,
        photo_file_id=None,
        language="ru",
        author_id=7,
        now=1.0,
    )


async def test_a_channel_added_by_staff_is_on_and_reaches_publishing(db: Database) -> None:
    channel, previous = await chats.join(
        db,
        CHANNEL,
        kind="channel",
        title="Пресс-центр",
        on=True,
        added_by=7,
        telegram_language="ru",
        member_count=1200,
    )
    assert previous is None
    assert (channel.kind, channel.title, channel.is_on, channel.problem) == (
        "channel",
        "Пресс-центр",
        True,
        None,
    )
    assert channel.member_count == 1200
    await subscribers.subscribe(db, 42, first_name="Ann", username=None, telegram_language="en")
    release = await _draft(db)
    queued = await deliveries.enqueue_release(
        db, release.id, report_chat_id=None, clock=lambda: 1.0
    )
    assert queued == 2
    counts = await subscribers.counts(db)
    assert counts.total == 1, "a channel is not counted among readers"


async def test_a_channel_added_by_someone_else_is_off_until_switched_on(db: Database) -> None:
    channel, _ = await chats.join(
        db, CHANNEL, kind="channel", title="News", on=False, added_by=99, telegram_language=None
    )
    assert not channel.is_on and channel.is_reachable
    switched = await chats.switch(db, CHANNEL, on=True)
    assert switched is not None and switched.is_on
    release = await _draft(db)
    assert (
        await deliveries.enqueue_release(db, release.id, report_chat_id=None, clock=lambda: 1.0)
        == 1
    )


async def test_a_removed_channel_is_marked_once_and_cannot_be_switched(db: Database) -> None:
    await chats.join(
        db, CHANNEL, kind="channel", title="News", on=True, added_by=7, telegram_language=None
    )
    assert await chats.mark_problem(db, CHANNEL, "removed")
    assert not await chats.mark_problem(db, CHANNEL, "removed"), "staff are told once"
    assert await chats.switch(db, CHANNEL, on=True) is None
    channel = await chats.get(db, CHANNEL)
    assert channel is not None and (channel.status, channel.problem) == ("blocked", "removed")
    # Added back by staff: on again, the problem cleared.
    back, previous = await chats.join(
        db, CHANNEL, kind="channel", title="News", on=True, added_by=7, telegram_language=None
    )
    assert previous == "blocked" and back.is_on and back.problem is None


async def test_a_group_moves_to_its_supergroup_with_its_state(db: Database) -> None:
    await chats.join(
        db,
        GROUP,
        kind="group",
        title="Journalists",
        on=True,
        added_by=7,
        telegram_language="en",
        thread_id=None,
    )
    moved = await chats.migrate(db, GROUP, -1002000000001)
    assert moved is not None
    assert (moved.chat_id, moved.kind, moved.title, moved.is_on) == (
        -1002000000001,
        "supergroup",
        "Journalists",
        True,
    )
    old = await chats.get(db, GROUP)
    assert old is not None and (old.status, old.problem) == ("gone", "migrated")
    assert await chats.migrate(db, -5, -6) is None
    # Learnt twice (the service message and a refused send): moved once, still on.
    assert await chats.migrate(db, GROUP, -1002000000001) is None
    again = await chats.get(db, -1002000000001)
    assert again is not None and again.is_on
    listed = [d.chat_id for d in await chats.listing(db)]
    assert sorted(listed) == [-1002000000001, GROUP]


async def test_topics_and_listing_order(db: Database) -> None:
    await chats.join(
        db,
        GROUP,
        kind="supergroup",
        title="b group",
        on=True,
        added_by=7,
        telegram_language=None,
        thread_id=5,
    )
    await chats.join(
        db, CHANNEL, kind="channel", title="z channel", on=True, added_by=7, telegram_language=None
    )
    assert not await chats.set_thread(db, GROUP, 5)
    assert await chats.set_thread(db, GROUP, 9)
    group = await chats.get(db, GROUP)
    assert group is not None and group.thread_id == 9
    assert [d.title for d in await chats.listing(db)] == ["z channel", "b group"]


async def test_a_private_chat_is_never_a_destination(db: Database) -> None:
    await subscribers.subscribe(db, 42, first_name="Ann", username=None, telegram_language="en")
    with pytest.raises(ValueError, match="private chat"):
        await chats.join(
            db, 42, kind="group", title="x", on=True, added_by=7, telegram_language=None
        )
    assert await chats.get(db, 42) is None
    assert await chats.switch(db, 42, on=False) is None
    reader = await subscribers.get(db, 42)
    assert reader is not None and reader.is_active
