"""Releases in channels and groups through the emulator: the copy with its live counter (in a
forum topic too, in both languages), presses on the shared post as each presser's one vote,
the counter's edits within the chat's limit and after a restart, a channel without rights
marked and staff told once, /edit and /retract reaching channel copies, a group moved to a
supergroup."""

from __future__ import annotations

import asyncio
import itertools

from bot import chat_texts
from storage import chats, deliveries, releases, votes
from storage.releases import Release
from tests.emulator.state import StoredMessage
from tests.harness import STAFF_ID, Pressroom
from tests.publishing_kit import BODY, publish, readers

CHANNEL = -1001000000001
FORUM = -1001000000002
GROUP = -4000000001
SUPERGROUP = -1001000000003
TOPIC = 77


async def channel(
    pressroom: Pressroom,
    chat_id: int = CHANNEL,
    *,
    language: str = "en",
    rights: dict[str, bool] | None = None,
) -> None:
    """A channel the bot administers, added by staff as a destination."""
    pressroom.emulator.add_group(chat_id, title="Press centre", type="channel", bot_rights=rights)
    await chats.join(
        pressroom.db,
        chat_id,
        kind="channel",
        title="Press centre",
        on=True,
        added_by=STAFF_ID,
        telegram_language=language,
    )


def post_in(pressroom: Pressroom, chat_id: int) -> StoredMessage:
    """The bot's one post in a chat."""
    (message,) = pressroom.emulator.messages(chat_id, include_deleted=True)
    return message


def rows(message: StoredMessage) -> list[list[str]]:
    """The keyboard as people see it."""
    markup = message.reply_markup or {}
    return [[button["text"] for button in row] for row in markup.get("inline_keyboard", [])]


STARS = ["1 ★", "2 ★", "3 ★", "4 ★", "5 ★"]


async def published(pressroom: Pressroom, *audience: int) -> Release:
    """Publish a release and wait until every chat in `audience` has it."""
    release, _ = await publish(pressroom, f"Plant opens\n{BODY}", *audience)
    return release


async def test_a_release_reaches_a_channel_and_a_forum_topic_with_the_counter(
    pressroom: Pressroom,
) -> None:
    await channel(pressroom, language="ru")
    pressroom.emulator.add_group(
        FORUM, title="Desk", type="supergroup", is_forum=True, bot_status="administrator"
    )
    pressroom.emulator.add_topic(FORUM, TOPIC, "Releases")
    await chats.join(
        pressroom.db,
        FORUM,
        kind="supergroup",
        title="Desk",
        on=True,
        added_by=STAFF_ID,
        telegram_language="en",
        thread_id=TOPIC,
    )
    (reader,) = await readers(pressroom, 5001)
    release = await published(pressroom, CHANNEL, FORUM, reader)
    in_channel, in_forum = post_in(pressroom, CHANNEL), post_in(pressroom, FORUM)
    assert "Plant opens" in in_channel.content
    assert rows(in_channel) == [STARS, ["☆ голосов пока нет"]]
    assert rows(in_forum) == [STARS, ["☆ no votes yet"]]
    assert in_forum.thread_id == TOPIC and in_channel.thread_id is None
    # The reader's private copy has no counter.
    assert rows(pressroom.emulator.messages(reader)[-1]) == [STARS]
    copies = await deliveries.chat_copies(pressroom.db, release.id)
    assert {(c.chat_id, c.tally) for c in copies} == {(CHANNEL, "0:0"), (FORUM, "0:0")}


async def test_presses_on_the_channel_post_are_one_vote_each_and_move_the_counter(
    pressroom: Pressroom,
) -> None:
    pressroom.emulator.group_edits_per_minute = 20
    await channel(pressroom)
    (reader,) = await readers(pressroom, 5002)
    release = await published(pressroom, CHANNEL, reader)
    post = post_in(pressroom, CHANNEL)
    private = pressroom.emulator.messages(reader)[-1]
    # The reader rates privately, then presses on the channel post: one vote, changed.
    await pressroom.press(reader, private, "5 ★")
    answer = await pressroom.press(reader, post, "3 ★")
    assert answer.text == "Your rating: 3 ★ · Total: 1 · Average: 3.0"
    for person in range(6001, 6005):
        pressroom.user(person, language="ru")
        answer = await pressroom.press(person, post, "4 ★")
    assert answer.text == "Ваша оценка: 4 ★ · Всего: 5 · Средняя: 3,8"
    assert await votes.of(pressroom.db, release.id, reader) == 3
    stored = await releases.get(pressroom.db, release.id)
    assert stored is not None and (stored.vote_count, stored.vote_sum) == (5, 19)
    await pressroom.emulator.wait_for(
        lambda: rows(pressroom.current(post))[1] == ["★ 3.8 · 5 votes"], 10
    )
    edits = pressroom.emulator.edit_times(CHANNEL, post.message_id)
    # Merged: fewer edits than presses, 3 s apart at least, and nobody's ✓ on the shared post.
    assert 1 <= len(edits) < 6
    assert all(b - a >= 2.9 for a, b in itertools.pairwise(edits))
    shown = pressroom.current(post)
    for markup in [*(state.get("reply_markup") for state in shown.history), shown.reply_markup]:
        labels = [b["text"] for row in (markup or {}).get("inline_keyboard", []) for b in row]
        assert labels and all("✓" not in label for label in labels)
    # The counter line, pressed, tells the totals.
    totals = await pressroom.press(pressroom.user(6100), post, "★ 3.8 · 5 votes")
    assert totals.text == "★ 3.8 · 5 votes"
    (copy,) = await deliveries.chat_copies(pressroom.db, release.id)
    assert copy.tally == "5:19"


async def test_a_counter_behind_at_a_restart_catches_up(pressroom: Pressroom) -> None:
    pressroom.emulator.group_edits_per_minute = 20
    await channel(pressroom)
    release = await published(pressroom, CHANNEL)
    post = post_in(pressroom, CHANNEL)
    await pressroom.press(pressroom.user(7001), post, "2 ★")
    await pressroom.emulator.wait_for(lambda: len(pressroom.current(post).edit_times) == 1, 10)
    # The second press must wait 3 s for its edit; the bot stops before that.
    await pressroom.press(pressroom.user(7002), post, "4 ★")
    await pressroom.restart()
    await pressroom.emulator.wait_for(
        lambda: rows(pressroom.current(post))[1] == ["★ 3.0 · 2 votes"], 10
    )
    # The tally shown is stored once the edit's answer is back, a moment after the emulator
    # shows it.
    for _ in range(200):
        if not await deliveries.stale_chat_copies(pressroom.db):
            break
        await asyncio.sleep(0.025)
    assert await deliveries.stale_chat_copies(pressroom.db) == []
    assert await votes.distribution(pressroom.db, release.id) == {1: 0, 2: 1, 3: 0, 4: 1, 5: 0}


async def test_a_channel_without_rights_is_marked_and_staff_are_told_once(
    pressroom: Pressroom,
) -> None:
    await channel(pressroom, rights={"can_post_messages": False})
    (reader,) = await readers(pressroom, 5003)
    await pressroom.say(STAFF_ID, "/start")
    first = await published(pressroom, reader)
    second, _ = await publish(pressroom, f"Second plant\n{BODY}", reader)
    notice = chat_texts.LOST["no_rights"]("en", kind="channel", title="Press centre")
    await pressroom.emulator.wait_for(
        lambda: any(m.html == notice for m in pressroom.emulator.messages(STAFF_ID)), 10
    )
    destination = await chats.get(pressroom.db, CHANNEL)
    assert destination is not None and destination.problem == "no_rights"
    assert pressroom.emulator.messages(CHANNEL) == []
    told = [m for m in pressroom.emulator.messages(STAFF_ID) if m.html == notice]
    assert len(told) == 1
    for release in (first, second):
        stats = await deliveries.stats(pressroom.db, release.id)
        assert stats.unsent == 0 and stats.failed == 0
    # Only the first release was tried there; the second was settled without a request.
    refused = [
        c for c in pressroom.emulator.calls("sendMessage") if c.params.get("chat_id") == CHANNEL
    ]
    assert len(refused) == 1


async def test_edit_and_retract_reach_channel_copies(pressroom: Pressroom) -> None:
    await channel(pressroom)
    release = await published(pressroom, CHANNEL)
    post = post_in(pressroom, CHANNEL)
    await pressroom.press(pressroom.user(8001), post, "4 ★")
    await pressroom.emulator.wait_for(
        lambda: rows(pressroom.current(post))[1] == ["★ 4.0 · 1 vote"], 10
    )
    engine = pressroom.dispatcher["delivery"]
    await releases.update_text(pressroom.db, release.id, title="Plant opens early")
    assert await engine.edit(release.id) == 1
    edited = pressroom.current(post)
    assert edited.spans("bold") == ["Plant opens early"]
    assert rows(edited) == [STARS, ["★ 4.0 · 1 vote"]]
    result = await engine.retract(release.id)
    assert result.deleted == 1
    assert pressroom.current(post).deleted


async def test_an_edit_or_retraction_a_channel_refuses_marks_it_and_tells_staff_once(
    pressroom: Pressroom,
) -> None:
    await channel(pressroom)
    (reader,) = await readers(pressroom, 5004)
    release = await published(pressroom, CHANNEL, reader)
    # The bot lost its right to edit there, and missed the update saying so.
    pressroom.emulator.chats[CHANNEL].bot_rights["can_edit_messages"] = False
    await releases.update_text(pressroom.db, release.id, title="Plant opens early")
    engine = pressroom.dispatcher["delivery"]
    assert await engine.edit(release.id) == 1, "the reader's copy is edited, the channel's not"
    notice = chat_texts.LOST["no_rights"]("en", kind="channel", title="Press centre")
    await pressroom.emulator.wait_for(
        lambda: any(m.html == notice for m in pressroom.emulator.messages(STAFF_ID)), 10
    )
    destination = await chats.get(pressroom.db, CHANNEL)
    assert destination is not None and destination.problem == "no_rights"
    # Removed as well, then a retraction: marked removed, told once more (a new problem).
    pressroom.emulator.chats[CHANNEL].bot_status = "kicked"
    result = await engine.retract(release.id)
    assert result.deleted == 1 and result.unreachable == 1
    removed = chat_texts.LOST["removed"]("en", kind="channel", title="Press centre")
    await pressroom.emulator.wait_for(
        lambda: any(m.html == removed for m in pressroom.emulator.messages(STAFF_ID)), 10
    )
    told = [m.html for m in pressroom.emulator.messages(STAFF_ID) if m.html in (notice, removed)]
    assert told == [notice, removed]


async def test_a_group_become_supergroup_gets_the_release_at_its_new_id(
    pressroom: Pressroom,
) -> None:
    pressroom.emulator.add_group(GROUP, title="Reporters", type="group")
    pressroom.emulator.set_role(GROUP, STAFF_ID, "creator")
    await chats.join(
        pressroom.db,
        GROUP,
        kind="group",
        title="Reporters",
        on=True,
        added_by=STAFF_ID,
        telegram_language="en",
    )
    # The bot missed the service messages (tests/test_groups_e2e.py has those): the send to
    # the old id is what tells it.
    await pressroom.emulator.migrate_group(GROUP, SUPERGROUP, missed=True)
    release = await published(pressroom, SUPERGROUP)
    (copy,) = [m for m in pressroom.emulator.messages(SUPERGROUP) if "Plant opens" in m.content]
    assert rows(copy) == [STARS, ["☆ no votes yet"]]
    assert [m for m in pressroom.emulator.messages(GROUP) if "Plant opens" in m.content] == []
    moved = await chats.get(pressroom.db, SUPERGROUP)
    assert moved is not None and moved.is_on
    notice = chat_texts.LOST["migrated"]("en", kind="group", title="Reporters")
    assert [m for m in pressroom.emulator.messages(STAFF_ID) if m.html == notice]
    stats = await deliveries.stats(pressroom.db, release.id)
    assert (stats.sent, stats.unsent) == (1, 0)
