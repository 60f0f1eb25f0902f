"""The emulator's groups and channels: membership, my_chat_member, rights, topics, migration and
the per-chat edit limit, driven by aiogram's real Bot as the bot will drive them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
)
from aiogram.types import (
    BufferedInputFile,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberRestricted,
    Update,
)

from tests.emulator import Emulator
from tests.emulator.chats import CANNOT_EDIT, MIGRATED, NEWER_THAN_SPEC
from tests.emulator.spec import FieldSpec
from tests.test_emulator import keyboard, make_bot, raw_call

OWNER = 2001
EDITOR = 2002
READER = 2003
CHANNEL = -1001000000001
GROUP = -1000002
SUPERGROUP = -1001000000003


@pytest.fixture
async def bot(emulator: Emulator) -> AsyncIterator[Bot]:
    """A Bot for the test's emulator with three people: an owner, an editor and a reader."""
    emulator.add_user(OWNER, first_name="Olga")
    emulator.add_user(EDITOR, first_name="Ed")
    emulator.add_user(READER, first_name="Rita", started=False)
    bot = make_bot(emulator)
    yield bot
    await bot.session.close()


def spec_violations(emulator: Emulator, value: dict[str, Any], kind: str) -> list[str]:
    """What in ``value`` breaks the spec's ``kind``, fields newer than the spec aside."""
    field = FieldSpec(kind, (kind,), True, None, None, None, False, None)
    found = emulator.spec.check(value, field, kind, kind)
    return [str(v) for v in found if not (v.kind == "unknown" and v.field in NEWER_THAN_SPEC)]


async def conforming(emulator: Emulator, method: str, params: dict[str, Any], kind: str) -> Any:
    """Call ``method`` bypassing aiogram and check its result against the spec's ``kind``."""
    status, body = await raw_call(emulator, method, params)
    assert status == 200, body
    results = body["result"] if kind.startswith("Array of ") else [body["result"]]
    for result in results:
        assert spec_violations(emulator, result, kind.removeprefix("Array of ")) == []
    return body["result"]


async def raw_updates(emulator: Emulator, bot: Bot) -> list[dict[str, Any]]:
    """Pending updates as JSON, each checked against the spec and parsed by aiogram."""
    status, body = await raw_call(emulator, "getUpdates", {})
    assert status == 200
    updates: list[dict[str, Any]] = body["result"]
    for update in updates:
        assert spec_violations(emulator, update, "Update") == []
        Update.model_validate(update, context={"bot": bot})
    if updates:
        await raw_call(emulator, "getUpdates", {"offset": str(updates[-1]["update_id"] + 1)})
    return updates


# ---------------------------------------------------------------------- channels


async def test_channel_posts_are_signed_by_the_channel(emulator: Emulator, bot: Bot) -> None:
    emulator.add_group(CHANNEL, title="Press centre", type="channel", username="press")
    sent = await bot.send_message("@press", "<b>Release</b>", reply_markup=keyboard(("★", "r:1")))
    assert sent.sender_chat is not None and sent.sender_chat.id == CHANNEL
    assert sent.from_user is None
    stored = emulator.last_message(CHANNEL)
    assert (stored.text, stored.thread_id) == ("Release", None)
    me = await bot.get_chat_member(CHANNEL, emulator.bot_user.id)
    assert isinstance(me, ChatMemberAdministrator)
    assert (me.can_post_messages, me.can_edit_messages, me.is_anonymous) == (True, True, False)
    await conforming(
        emulator,
        "getChatMember",
        {"chat_id": str(CHANNEL), "user_id": str(emulator.bot_user.id)},
        "ChatMember",
    )
    await conforming(emulator, "sendMessage", {"chat_id": str(CHANNEL), "text": "x"}, "Message")
    chat = await conforming(emulator, "getChat", {"chat_id": str(CHANNEL)}, "ChatFullInfo")
    assert (chat["type"], chat["title"]) == ("channel", "Press centre")


@pytest.mark.parametrize(
    ("status", "rights", "error"),
    [
        ("left", None, "Forbidden: bot is not a member of the channel chat"),
        ("kicked", None, "Forbidden: bot was kicked from the channel chat"),
        ("member", None, "Bad Request: need administrator rights in the channel chat"),
        (
            "administrator",
            {"can_post_messages": False},
            "Bad Request: need administrator rights in the channel chat",
        ),
    ],
)
async def test_channel_sends_need_post_rights(
    emulator: Emulator, bot: Bot, status: str, rights: dict[str, bool] | None, error: str
) -> None:
    emulator.add_group(CHANNEL, type="channel", bot_status=status, bot_rights=rights)
    expected = TelegramForbiddenError if error.startswith("Forbidden") else TelegramBadRequest
    with pytest.raises(expected) as caught:
        await bot.send_message(CHANNEL, "release")
    assert caught.value.message == error
    assert emulator.delivered_count(CHANNEL) == 0


async def test_channel_edits_need_edit_rights(emulator: Emulator, bot: Bot) -> None:
    emulator.add_group(CHANNEL, type="channel", bot_rights={"can_edit_messages": False})
    post = await bot.send_message(CHANNEL, "v1")
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.edit_message_text(text="v2", chat_id=CHANNEL, message_id=post.message_id)
    assert caught.value.message == CANNOT_EDIT
    await emulator.add_bot(CHANNEL, OWNER)
    await bot.edit_message_text(text="v2", chat_id=CHANNEL, message_id=post.message_id)
    await emulator.remove_bot(CHANNEL, OWNER)
    with pytest.raises(TelegramForbiddenError, match="bot was kicked from the channel chat"):
        await bot.edit_message_text(text="v3", chat_id=CHANNEL, message_id=post.message_id)
    with pytest.raises(TelegramForbiddenError, match="bot was kicked from the channel chat"):
        await bot.delete_message(CHANNEL, post.message_id)
    assert emulator.last_message(CHANNEL).text == "v2"


# ---------------------------------------------------------------------- groups


@pytest.mark.parametrize(("kind", "chat_id"), [("group", GROUP), ("supergroup", SUPERGROUP)])
async def test_group_sends_need_membership_and_rights(
    emulator: Emulator, bot: Bot, kind: str, chat_id: int
) -> None:
    emulator.add_group(chat_id, type=kind, bot_status="left")
    with pytest.raises(TelegramForbiddenError) as caught:
        await bot.send_message(chat_id, "x")
    assert caught.value.message == f"Forbidden: bot is not a member of the {kind} chat"
    await emulator.add_bot(chat_id, OWNER, status="member")
    sent = await bot.send_message(chat_id, "hello group")
    assert sent.from_user is not None and sent.from_user.id == emulator.bot_user.id
    assert sent.sender_chat is None
    emulator.restrict_bot(chat_id)
    with pytest.raises(TelegramBadRequest) as refused:
        await bot.send_message(chat_id, "x")
    assert refused.value.message == (
        "Bad Request: not enough rights to send text messages to the chat"
    )
    with pytest.raises(TelegramBadRequest, match="not enough rights to send photos to the chat"):
        await bot.send_photo(chat_id, BufferedInputFile(b"img", "a.png"))
    assert isinstance(
        await bot.get_chat_member(chat_id, emulator.bot_user.id), ChatMemberRestricted
    )
    await conforming(
        emulator,
        "getChatMember",
        {"chat_id": str(chat_id), "user_id": str(emulator.bot_user.id)},
        "ChatMember",
    )
    await emulator.remove_bot(chat_id, OWNER)
    with pytest.raises(TelegramForbiddenError) as caught:
        await bot.send_message(chat_id, "x")
    assert caught.value.message == f"Forbidden: bot was kicked from the {kind} chat"
    assert emulator.delivered_count(chat_id) == 1


async def test_roles_answer_get_chat_member_and_administrators(
    emulator: Emulator, bot: Bot
) -> None:
    emulator.add_group(SUPERGROUP, title="Journalists", type="supergroup", member_count=40)
    emulator.set_role(SUPERGROUP, OWNER, "creator")
    emulator.set_role(SUPERGROUP, EDITOR, "administrator")
    await emulator.send_text(READER, "hello everyone", chat_id=SUPERGROUP)
    emulator.add_user(4004)
    kinds = {
        OWNER: ChatMemberOwner,
        EDITOR: ChatMemberAdministrator,
        READER: ChatMemberMember,
        4004: ChatMemberLeft,
        emulator.bot_user.id: ChatMemberMember,
    }
    for user_id, kind in kinds.items():
        member = await bot.get_chat_member(SUPERGROUP, user_id)
        assert isinstance(member, kind), (user_id, member)
        await conforming(
            emulator,
            "getChatMember",
            {"chat_id": str(SUPERGROUP), "user_id": str(user_id)},
            "ChatMember",
        )
    emulator.set_role(SUPERGROUP, READER, "kicked")
    assert isinstance(await bot.get_chat_member(SUPERGROUP, READER), ChatMemberBanned)
    with pytest.raises(TelegramBadRequest, match="Bad Request: user not found"):
        await bot.get_chat_member(SUPERGROUP, 999_999)

    admins = await bot.get_chat_administrators(SUPERGROUP)
    assert [a.user.id for a in admins] == [OWNER, EDITOR]
    await emulator.add_bot(SUPERGROUP, OWNER, rights={"can_pin_messages": False})
    admins = await bot.get_chat_administrators(SUPERGROUP)
    assert [a.user.id for a in admins] == [OWNER, EDITOR, emulator.bot_user.id]
    assert isinstance(admins[-1], ChatMemberAdministrator)
    assert admins[-1].can_pin_messages is False
    await conforming(
        emulator,
        "getChatAdministrators",
        {"chat_id": str(SUPERGROUP)},
        "Array of ChatMember",
    )
    assert await bot.get_chat_member_count(SUPERGROUP) == 40
    with pytest.raises(TelegramForbiddenError, match="can't initiate conversation"):
        await bot.send_message(READER, "writing in a group does not start the private chat")


async def test_add_and_remove_bot_push_my_chat_member(emulator: Emulator, bot: Bot) -> None:
    emulator.add_group(CHANNEL, title="Press centre", type="channel", bot_status="left")
    await emulator.add_bot(CHANNEL, EDITOR, rights={"can_edit_messages": False})
    await emulator.add_bot(CHANNEL, EDITOR)
    await emulator.remove_bot(CHANNEL, OWNER)
    emulator.add_group(GROUP, bot_status="left")
    await emulator.add_bot(GROUP, OWNER, status="member")
    await emulator.remove_bot(GROUP, OWNER, kicked=False)
    updates = [u["my_chat_member"] for u in await raw_updates(emulator, bot)]
    changes = [
        (
            u["chat"]["id"],
            u["from"]["id"],
            u["old_chat_member"]["status"],
            u["new_chat_member"]["status"],
        )
        for u in updates
    ]
    assert changes == [
        (CHANNEL, EDITOR, "left", "administrator"),
        (CHANNEL, EDITOR, "administrator", "administrator"),
        (CHANNEL, OWNER, "administrator", "kicked"),
        (GROUP, OWNER, "left", "member"),
        (GROUP, OWNER, "member", "left"),
    ]
    emulator.add_group(SUPERGROUP, type="supergroup")
    assert await bot.leave_chat(SUPERGROUP)
    with pytest.raises(TelegramForbiddenError, match="bot is not a member of the supergroup"):
        await bot.leave_chat(SUPERGROUP)
    [left] = [u["my_chat_member"] for u in await raw_updates(emulator, bot)]
    assert (left["from"]["id"], left["new_chat_member"]["status"]) == (
        emulator.bot_user.id,
        "left",
    )
    assert updates[0]["new_chat_member"]["can_edit_messages"] is False
    assert updates[1]["new_chat_member"]["can_edit_messages"] is True
    assert updates[0]["new_chat_member"]["user"]["id"] == emulator.bot_user.id
    assert updates[0]["chat"]["title"] == "Press centre"
    editor = await bot.get_chat_member(CHANNEL, EDITOR)
    assert isinstance(editor, ChatMemberAdministrator), "who adds an administrator is one"


# ---------------------------------------------------------------------- topics and commands


async def test_forum_topics_carry_the_thread(emulator: Emulator, bot: Bot) -> None:
    emulator.add_group(SUPERGROUP, type="supergroup", is_forum=True)
    emulator.add_group(GROUP)
    said = await emulator.send_text(OWNER, "/start@pressroom_bot", chat_id=SUPERGROUP, thread_id=7)
    emulator.add_topic(SUPERGROUP, 9, "Sport")
    [update] = await raw_updates(emulator, bot)
    message = update["message"]
    assert (message["message_thread_id"], message["is_topic_message"]) == (7, True)
    assert message["chat"]["is_forum"] is True
    assert message["entities"] == [
        {"type": "bot_command", "offset": 0, "length": len("/start@pressroom_bot")}
    ]
    assert said.thread_id == 7

    for thread in (7, 9):
        sent = await bot.send_message(SUPERGROUP, "in topic", message_thread_id=thread)
        assert (sent.message_thread_id, sent.is_topic_message) == (thread, True)
        assert emulator.last_message(SUPERGROUP).thread_id == thread
    photo = await bot.send_photo(
        SUPERGROUP, BufferedInputFile(b"img", "a.png"), message_thread_id=9
    )
    assert photo.message_thread_id == 9
    general = await bot.send_message(SUPERGROUP, "general")
    assert general.message_thread_id is None
    for chat_id, thread in ((SUPERGROUP, 99), (GROUP, 7)):
        with pytest.raises(TelegramBadRequest) as caught:
            await bot.send_message(chat_id, "x", message_thread_id=thread)
        assert caught.value.message == "Bad Request: message thread not found"
    chat = await bot.get_chat(SUPERGROUP)
    assert chat.is_forum is True


async def test_commands_for_other_bots_keep_their_mention(emulator: Emulator, bot: Bot) -> None:
    emulator.add_group(GROUP)
    await emulator.send_text(OWNER, "/stop@other_bot please", chat_id=GROUP)
    [update] = await raw_updates(emulator, bot)
    assert update["message"]["entities"] == [
        {"type": "bot_command", "offset": 0, "length": len("/stop@other_bot")}
    ]
    assert "message_thread_id" not in update["message"]


# ---------------------------------------------------------------------- buttons


async def test_buttons_on_channel_and_group_posts(emulator: Emulator, bot: Bot) -> None:
    emulator.add_group(CHANNEL, type="channel")
    emulator.add_group(GROUP)
    post = await bot.send_message(CHANNEL, "release", reply_markup=keyboard(("★", "rate:5")))
    copy = await bot.send_message(GROUP, "release", reply_markup=keyboard(("★", "rate:5")))
    await emulator.press_button(READER, CHANNEL, post.message_id, "rate:5")
    await emulator.press_button(READER, GROUP, copy.message_id, "rate:5")
    queries = [u["callback_query"] for u in await raw_updates(emulator, bot)]
    assert [q["from"]["id"] for q in queries] == [READER, READER]
    assert queries[0]["message"]["sender_chat"]["id"] == CHANNEL
    assert "from" not in queries[0]["message"]
    assert queries[1]["message"]["from"]["id"] == emulator.bot_user.id
    assert queries[0]["chat_instance"] != queries[1]["chat_instance"]
    with pytest.raises(TelegramForbiddenError, match="can't initiate conversation"):
        await bot.send_message(READER, "pressing in a channel does not start the private chat")


# ---------------------------------------------------------------------- migration


async def test_group_upgraded_to_supergroup(emulator: Emulator, bot: Bot) -> None:
    emulator.add_group(GROUP, title="Journalists", bot_status="administrator")
    emulator.set_role(GROUP, OWNER, "creator")
    emulator.set_role(GROUP, EDITOR, "administrator")
    await bot.send_message(GROUP, "before")
    new = await emulator.migrate_group(GROUP, SUPERGROUP)
    assert (new.type, new.title) == ("supergroup", "Journalists")
    messages = [u["message"] for u in await raw_updates(emulator, bot)]
    assert [(m["chat"]["id"], m["from"]["id"]) for m in messages] == [
        (GROUP, OWNER),
        (SUPERGROUP, OWNER),
    ]
    assert messages[0]["migrate_to_chat_id"] == SUPERGROUP
    assert messages[1]["migrate_from_chat_id"] == GROUP
    with pytest.raises(TelegramMigrateToChat) as caught:
        await bot.send_message(GROUP, "after")
    assert caught.value.migrate_to_chat_id == SUPERGROUP
    status, body = await raw_call(emulator, "getChatMember", {"chat_id": GROUP, "user_id": OWNER})
    assert (status, body["description"], body["parameters"]) == (
        400,
        MIGRATED,
        {"migrate_to_chat_id": SUPERGROUP},
    )
    await bot.send_message(SUPERGROUP, "after")
    assert isinstance(await bot.get_chat_member(SUPERGROUP, OWNER), ChatMemberOwner)
    me = await bot.get_chat_member(SUPERGROUP, emulator.bot_user.id)
    assert isinstance(me, ChatMemberAdministrator)
    assert me.can_manage_topics is True
    assert [m.text for m in emulator.messages(GROUP)] == ["before"]


# ---------------------------------------------------------------------- the per-chat edit limit


async def test_group_edits_are_limited_per_chat(emulator: Emulator, bot: Bot) -> None:
    emulator.enable_telegram_limits()
    assert (emulator.group_edits_per_minute, emulator.group_edit_burst) == (20, 3)
    emulator.per_chat_rate = emulator.group_per_minute = None
    emulator.add_group(CHANNEL, type="channel")
    first = await bot.send_message(CHANNEL, "a")
    second = await bot.send_message(CHANNEL, "b")
    for number, post in enumerate((first, second, first)):
        await bot.edit_message_text(text=f"v{number}", chat_id=CHANNEL, message_id=post.message_id)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.edit_message_reply_markup(
            chat_id=CHANNEL, message_id=second.message_id, reply_markup=keyboard(("★", "r"))
        )
    assert caught.value.retry_after == 3, "one more edit needs 60/20 seconds of refill"
    assert emulator.calls("editMessageReplyMarkup")[-1].description == (
        "Too Many Requests: retry after 3"
    )
    emulator.add_user(4004)
    private = await bot.send_message(4004, "x")
    for number in range(5):
        await bot.edit_message_text(text=f"p{number}", chat_id=4004, message_id=private.message_id)
    assert len(emulator.edit_times(CHANNEL)) == 3
    times = emulator.edit_times(CHANNEL, first.message_id)
    assert len(times) == 2 and times == sorted(times)
    assert emulator.edit_times(CHANNEL, second.message_id)[0] <= emulator.now()
    assert len(emulator.edit_times(4004)) == 5
