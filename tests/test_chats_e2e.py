"""Channels and groups as destinations, end to end: the bot added, removed or given other rights
(my_chat_member), and the staff's /channels list with its switches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot import chat_texts, texts
from storage import subscribers
from tests.chats_kit import CHANNEL, GROUP, destination, press_and_redraw, staff_told, until
from tests.emulator import Emulator
from tests.harness import STAFF_ID, Pressroom, free_port, settings_for

OUTSIDER = 2001


async def test_staff_adding_the_bot_to_a_channel_switches_it_on_and_names_it(
    pressroom: Pressroom,
) -> None:
    emulator = pressroom.emulator
    emulator.add_group(
        CHANNEL, title="Press <centre>", type="channel", bot_status="left", member_count=250
    )
    told = await staff_told(pressroom, emulator.add_bot(CHANNEL, STAFF_ID))
    assert told.content == (
        "✅ The channel “Press <centre>”: Editor added the bot; releases will be posted there."
    )
    stored = await destination(pressroom, CHANNEL)
    assert stored is not None and stored.is_on
    assert (stored.kind, stored.title, stored.member_count) == ("channel", "Press <centre>", 250)
    assert stored.added_by == STAFF_ID


async def test_russian_staff_are_told_in_russian(pressroom: Pressroom) -> None:
    pressroom.user(STAFF_ID, language="ru", name="Редактор")
    await pressroom.say(STAFF_ID, "/start")
    emulator = pressroom.emulator
    emulator.add_group(CHANNEL, title="Пресс-центр", type="channel", bot_status="left")
    told = await staff_told(pressroom, emulator.add_bot(CHANNEL, STAFF_ID))
    assert told.content == (
        "✅ Канал «Пресс-центр»: Редактор добавил(а) бота, релизы будут публиковаться там."
    )
    listing = await pressroom.say(STAFF_ID, "/channels")
    assert "1. Пресс-центр — канал · 3 участника · ✅ включено" in listing.content
    assert [b["text"] for b in listing.buttons] == ["1: выключить"]


async def test_someone_not_staff_adding_the_bot_records_it_off_until_staff_switch_it_on(
    pressroom: Pressroom,
) -> None:
    emulator = pressroom.emulator
    pressroom.user(OUTSIDER, name="Stranger")
    emulator.add_group(CHANNEL, title="Fan club", type="channel", bot_status="left")
    told = await staff_told(pressroom, emulator.add_bot(CHANNEL, OUTSIDER))
    assert "Stranger, who is not staff, added the bot" in told.content
    assert "/channels" in told.content
    stored = await destination(pressroom, CHANNEL)
    assert stored is not None and stored.status == "unsubscribed"

    listing = await pressroom.say(STAFF_ID, "/channels")
    assert "1. Fan club — channel · 3 members · ⏸ off" in listing.content
    answer, redrawn = await press_and_redraw(pressroom, STAFF_ID, listing, "1: switch on")
    assert answer.text == chat_texts.SWITCHED_ON.en and not answer.show_alert
    assert "1. Fan club — channel · 3 members · ✅ on" in redrawn.content
    assert [b["text"] for b in redrawn.buttons] == ["1: switch off"]
    stored = await destination(pressroom, CHANNEL)
    assert stored is not None and stored.is_on

    answer, redrawn = await press_and_redraw(pressroom, STAFF_ID, redrawn, "1: switch off")
    assert answer.text == chat_texts.SWITCHED_OFF.en
    assert "⏸ off" in redrawn.content
    stored = await destination(pressroom, CHANNEL)
    assert stored is not None and stored.status == "unsubscribed"


async def test_a_channel_without_the_right_to_post_is_recorded_rightless_until_rights_return(
    pressroom: Pressroom,
) -> None:
    emulator = pressroom.emulator
    emulator.add_group(CHANNEL, title="Quiet", type="channel", bot_status="left")
    told = await staff_told(
        pressroom, emulator.add_bot(CHANNEL, STAFF_ID, rights={"can_post_messages": False})
    )
    assert told.content == chat_texts.LOST["no_rights"]("en", kind="channel", title="Quiet")
    stored = await destination(pressroom, CHANNEL)
    assert stored is not None and (stored.status, stored.problem) == ("blocked", "no_rights")
    listing = await pressroom.say(STAFF_ID, "/channels")
    assert "1. Quiet — channel · 3 members · ⚠️ no rights to post" in listing.content
    assert listing.buttons == []

    told = await staff_told(pressroom, emulator.add_bot(CHANNEL, STAFF_ID))
    assert (
        told.content == "✅ The channel “Quiet”: the bot can post again; releases go there again."
    )
    stored = await destination(pressroom, CHANNEL)
    assert stored is not None and stored.is_on and stored.problem is None


async def test_rights_taken_or_the_bot_removed_marks_it_and_tells_staff_once(
    pressroom: Pressroom,
) -> None:
    emulator = pressroom.emulator
    emulator.add_group(CHANNEL, title="News", type="channel", bot_status="left")
    await staff_told(pressroom, emulator.add_bot(CHANNEL, STAFF_ID))

    told = await staff_told(
        pressroom, emulator.add_bot(CHANNEL, STAFF_ID, rights={"can_post_messages": False})
    )
    assert told.content.startswith("⚠️ The channel “News”: the bot has no rights to post.")
    told = await staff_told(pressroom, emulator.remove_bot(CHANNEL, STAFF_ID))
    assert told.content.startswith("⚠️ The channel “News”: the bot was removed.")
    stored = await destination(pressroom, CHANNEL)
    assert stored is not None and (stored.status, stored.problem) == ("blocked", "removed")

    # The same news again (kicked, then left) is not told twice.
    before = len(emulator.messages(STAFF_ID))
    await emulator.remove_bot(CHANNEL, OUTSIDER, kicked=False)
    listing = await pressroom.say(STAFF_ID, "/channels")
    assert len(emulator.messages(STAFF_ID)) == before + 1
    assert "1. News — channel · 3 members · ⛔ bot removed" in listing.content
    assert listing.buttons == []


async def test_a_group_added_by_staff_is_on_and_one_made_admin_later_stays_as_it_was(
    pressroom: Pressroom,
) -> None:
    emulator = pressroom.emulator
    chat = emulator.add_group(GROUP, title="Journalists", type="supergroup", bot_status="left")
    told = await staff_told(pressroom, emulator.add_bot(GROUP, STAFF_ID, status="member"))
    assert told.content.startswith("✅ The group “Journalists”: Editor added the bot")
    listing = await pressroom.say(STAFF_ID, "/channels")
    await pressroom.press(STAFF_ID, listing, "1: switch off")
    await until(lambda: _status_is(pressroom, "unsubscribed"))

    # Made administrator where it could post already: the count refreshed, still off, and no
    # notice (one person's updates in a chat are handled in turn: the removal's notice comes
    # after anything the promotion said).
    before = len(emulator.messages(STAFF_ID))
    chat.member_count = 40
    await emulator.add_bot(GROUP, OUTSIDER)
    await until(lambda: _refreshed(pressroom))
    stored = await destination(pressroom, GROUP)
    assert stored is not None and stored.status == "unsubscribed"
    told = await staff_told(pressroom, emulator.remove_bot(GROUP, OUTSIDER))
    assert told.content.startswith("⚠️ The group “Journalists”: the bot was removed.")
    assert len(emulator.messages(STAFF_ID)) == before + 1


async def _status_is(pressroom: Pressroom, status: str) -> bool:
    stored = await destination(pressroom, GROUP)
    return stored is not None and stored.status == status


async def _refreshed(pressroom: Pressroom) -> bool:
    stored = await destination(pressroom, GROUP)
    return stored is not None and stored.member_count == 40


async def test_a_member_count_telegram_does_not_give_does_not_stop_the_adding(
    pressroom: Pressroom,
) -> None:
    emulator = pressroom.emulator
    emulator.add_group(CHANNEL, title="News", type="channel", bot_status="left")
    emulator.fault_methods = {"getChatMemberCount"}
    emulator.fail_rate = 1.0
    told = await staff_told(pressroom, emulator.add_bot(CHANNEL, STAFF_ID))
    assert told.content.startswith("✅ The channel “News”")
    stored = await destination(pressroom, CHANNEL)
    assert stored is not None and stored.is_on and stored.member_count is None
    emulator.fail_rate = 0.0
    listing = await pressroom.say(STAFF_ID, "/channels")
    assert "1. News — channel · ✅ on" in listing.content


async def test_a_reader_blocking_the_bot_is_left_as_before(pressroom: Pressroom) -> None:
    reader = pressroom.user(3001)
    await pressroom.say(reader, "/start")
    await pressroom.emulator.block_bot(reader)
    await pressroom.emulator.unblock_bot(reader)
    # A later update of the same person is handled after the two membership updates.
    await pressroom.say(reader, "/help")
    stored = await subscribers.get(pressroom.db, reader)
    assert stored is not None and stored.status == "active"
    assert len(pressroom.emulator.messages(STAFF_ID)) == 0
    assert await destination(pressroom, reader) is None


async def test_channels_is_empty_at_first_and_explains_how_to_add_the_bot(
    pressroom: Pressroom,
) -> None:
    listing = await pressroom.say(STAFF_ID, "/channels")
    assert listing.content.startswith("Channels and groups\nNone yet.")
    assert "administrator of the channel with the right to post" in listing.content
    assert "/start@pressroom_bot" in listing.content
    assert listing.buttons == []


async def test_channels_is_for_staff_only(pressroom: Pressroom) -> None:
    reader = pressroom.user(3002)
    answer = await pressroom.say(reader, "/channels")
    assert answer.text == texts.UNKNOWN_COMMAND.en


async def test_a_switch_for_a_destination_lost_meanwhile_says_so_and_redraws(
    pressroom: Pressroom,
) -> None:
    emulator = pressroom.emulator
    emulator.add_group(CHANNEL, title="News", type="channel", bot_status="left")
    await staff_told(pressroom, emulator.add_bot(CHANNEL, STAFF_ID))
    listing = await pressroom.say(STAFF_ID, "/channels")
    await staff_told(pressroom, emulator.remove_bot(CHANNEL, OUTSIDER))
    answer, redrawn = await press_and_redraw(pressroom, STAFF_ID, listing, "1: switch off")
    assert answer.text == chat_texts.SWITCH_UNAVAILABLE.en and answer.show_alert
    assert "⛔ bot removed" in redrawn.content and redrawn.buttons == []
    stored = await destination(pressroom, CHANNEL)
    assert stored is not None and stored.status == "blocked"


async def test_the_list_survives_a_restart(pressroom: Pressroom) -> None:
    emulator = pressroom.emulator
    emulator.add_group(CHANNEL, title="News", type="channel", bot_status="left")
    await staff_told(pressroom, emulator.add_bot(CHANNEL, STAFF_ID))
    await pressroom.restart()
    listing = await pressroom.say(STAFF_ID, "/channels")
    assert "1. News — channel · 3 members · ✅ on" in listing.content


@pytest.mark.parametrize("webhook", [False, True], ids=["polling", "webhook"])
async def test_membership_updates_are_asked_for_and_channel_posts_are_not(
    emulator: Emulator, tmp_path: Path, webhook: bool
) -> None:
    overrides: dict[str, object] = {}
    if webhook:
        port = free_port()
        overrides = {
            "webhook_url": f"http://127.0.0.1:{port}",
            "webhook_port": port,
            "webhook_secret": "s3cret",
        }
    emulator.add_user(STAFF_ID, first_name="Editor", language_code="en")
    method = "setWebhook" if webhook else "getUpdates"
    asked: list[list[str]] = []

    def arrived(name: str, params: dict[str, Any]) -> None:
        # Seen on arrival: a long poll is logged only once it returns.
        if name == method:
            asked.append(json.loads(params["allowed_updates"]))

    emulator.on_arrival = arrived
    app = Pressroom(emulator, settings_for(emulator, tmp_path, **overrides))
    await app.start()
    try:
        await emulator.wait_for(lambda: bool(asked), 10)
        assert "my_chat_member" in asked[-1] and "channel_post" not in asked[-1]
        emulator.add_group(CHANNEL, title="News", type="channel", bot_status="left")
        await staff_told(app, emulator.add_bot(CHANNEL, STAFF_ID))
        # A post in the channel: never answered there.
        await emulator.send_text(STAFF_ID, "/start", chat_id=CHANNEL)
        await app.say(STAFF_ID, "/help")
        assert emulator.messages(CHANNEL) == []
    finally:
        await app.stop()
