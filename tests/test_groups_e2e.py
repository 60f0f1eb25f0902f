"""The bot in groups, end to end: /start and /stop for administrators only, forum topics,
pointers to the private chat, silence otherwise, migration, and Telegram failing the check."""

from __future__ import annotations

from typing import Any

from bot import chat_texts, texts
from storage import subscribers
from tests.chats_kit import BOT, GROUP, destination, in_group, silent, staff_told
from tests.emulator import Emulator
from tests.emulator.server import ApiError
from tests.harness import STAFF_ID, Pressroom

ADMIN = 2101
MEMBER = 2102
NEW_GROUP = -1001000000099


def group(
    pressroom: Pressroom,
    *,
    chat_id: int = GROUP,
    type: str = "supergroup",
    is_forum: bool = False,
    admin_language: str = "en",
) -> None:
    """A group the bot is in, with an administrator and a member."""
    pressroom.emulator.add_group(chat_id, title="Journalists", type=type, is_forum=is_forum)
    pressroom.user(ADMIN, language=admin_language, name="Admin")
    pressroom.user(MEMBER, name="Member")
    pressroom.emulator.set_role(chat_id, ADMIN, "administrator")
    pressroom.emulator.set_role(chat_id, MEMBER, "member")


async def test_an_administrator_subscribes_the_group_and_staff_are_told(
    pressroom: Pressroom,
) -> None:
    group(pressroom)
    told = await staff_told(pressroom, in_group(pressroom, ADMIN, f"/start@{BOT}"))
    assert told.content == (
        "✅ The group “Journalists”: Admin, an administrator there, subscribed it with /start."
    )
    reply = pressroom.emulator.messages(GROUP)[-1]
    assert reply.content == chat_texts.GROUP_STARTED.en.format(bot=BOT)
    stored = await destination(pressroom, GROUP)
    assert stored is not None and stored.is_on and stored.added_by == ADMIN
    assert (stored.kind, stored.title, stored.thread_id) == ("supergroup", "Journalists", None)
    # Again: already subscribed, staff not told twice.
    reply = await in_group(pressroom, ADMIN, "/start")
    assert reply.content == chat_texts.GROUP_ALREADY.en
    assert len(pressroom.emulator.messages(STAFF_ID)) == 1


async def test_russian_administrators_get_russian_answers(pressroom: Pressroom) -> None:
    group(pressroom, admin_language="ru")
    reply = await in_group(pressroom, ADMIN, "/start")
    assert reply.content.startswith("✅ Группа подписана: новые пресс-релизы будут публиковаться")
    reply = await in_group(pressroom, ADMIN, f"/stop@{BOT}")
    assert reply.content.startswith("Группа отписана")
    reply = await in_group(pressroom, ADMIN, "/settings")
    assert reply.content == f"Дайджесты и настройки — в личных сообщениях со мной: @{BOT}."


async def test_members_are_refused_and_nothing_changes(pressroom: Pressroom) -> None:
    group(pressroom)
    reply = await in_group(pressroom, MEMBER, f"/start@{BOT}")
    assert reply.content == chat_texts.ADMINS_ONLY.en
    assert await destination(pressroom, GROUP) is None
    await in_group(pressroom, ADMIN, "/start")
    reply = await in_group(pressroom, MEMBER, "/stop")
    assert reply.content == chat_texts.ADMINS_ONLY.en
    stored = await destination(pressroom, GROUP)
    assert stored is not None and stored.is_on


async def test_the_creator_stops_and_restarts_the_group(pressroom: Pressroom) -> None:
    group(pressroom)
    pressroom.emulator.set_role(GROUP, MEMBER, "creator")
    reply = await in_group(pressroom, MEMBER, "/stop")
    assert reply.content == chat_texts.GROUP_NOT_SUBSCRIBED.en.format(bot=BOT)
    await staff_told(pressroom, in_group(pressroom, MEMBER, "/start"))
    told = await staff_told(pressroom, in_group(pressroom, MEMBER, f"/stop@{BOT}"))
    assert "Member, an administrator there, unsubscribed it with /stop" in told.content
    assert pressroom.emulator.messages(GROUP)[-1].content == chat_texts.GROUP_STOPPED.en.format(
        bot=BOT
    )
    stored = await destination(pressroom, GROUP)
    assert stored is not None and stored.status == "unsubscribed"
    reply = await in_group(pressroom, MEMBER, "/start")
    assert reply.content == chat_texts.GROUP_STARTED.en.format(bot=BOT)


async def test_a_private_subscriber_stopping_in_a_group_keeps_their_own_subscription(
    pressroom: Pressroom,
) -> None:
    group(pressroom)
    await pressroom.say(MEMBER, "/start")
    reply = await in_group(pressroom, MEMBER, "/stop")
    assert reply.content == chat_texts.ADMINS_ONLY.en
    reply = await in_group(pressroom, MEMBER, "/settings")
    assert reply.content == chat_texts.PRIVATE_ONLY.en.format(bot=BOT)
    reply = await in_group(pressroom, MEMBER, f"/digest@{BOT}")
    assert reply.content == chat_texts.PRIVATE_ONLY.en.format(bot=BOT)
    stored = await subscribers.get(pressroom.db, MEMBER)
    assert stored is not None and stored.is_active


async def test_start_in_a_topic_posts_there_and_another_topic_moves_it(
    pressroom: Pressroom,
) -> None:
    group(pressroom, is_forum=True)
    reply = await in_group(pressroom, ADMIN, "/start", thread_id=5)
    assert reply.content == chat_texts.GROUP_STARTED_TOPIC.en.format(bot=BOT)
    assert reply.thread_id == 5
    stored = await destination(pressroom, GROUP)
    assert stored is not None and stored.thread_id == 5

    reply = await in_group(pressroom, ADMIN, "/start", thread_id=5)
    assert reply.content == chat_texts.GROUP_ALREADY_TOPIC.en
    reply = await in_group(pressroom, ADMIN, f"/start@{BOT}", thread_id=9)
    assert reply.content == chat_texts.GROUP_MOVED.en and reply.thread_id == 9
    stored = await destination(pressroom, GROUP)
    assert stored is not None and stored.thread_id == 9

    # Stopped and started again in the General topic: General it is.
    await in_group(pressroom, ADMIN, "/stop", thread_id=9)
    reply = await in_group(pressroom, ADMIN, "/start")
    assert reply.content == chat_texts.GROUP_STARTED.en.format(bot=BOT)
    assert reply.thread_id is None
    stored = await destination(pressroom, GROUP)
    assert stored is not None and stored.is_on and stored.thread_id is None


async def test_only_commands_meant_for_the_bot_are_answered(pressroom: Pressroom) -> None:
    group(pressroom)
    said = await silent(
        pressroom,
        MEMBER,
        [
            "Good morning, colleagues",
            "/start@other_bot",
            "/settings@other_bot",
            "/weather",
            f"/weather@{BOT}",
            "/post",
            f"/subscribers@{BOT}",
            "hello /start",
        ],
    )
    assert said == [chat_texts.GROUP_HELP.en.format(bot=BOT)]
    assert pressroom.emulator.calls("getChatMember") == []


async def test_staff_commands_in_a_group_show_nothing_of_the_press_centre(
    pressroom: Pressroom,
) -> None:
    group(pressroom)
    pressroom.emulator.set_role(GROUP, STAFF_ID, "administrator")
    await pressroom.say(STAFF_ID, "/start")
    for command in ("/post", f"/subscribers@{BOT}", "/channels", "/status", "/admin"):
        reply = await in_group(pressroom, STAFF_ID, command)
        assert reply.content == chat_texts.STAFF_PRIVATE_ONLY.en.format(bot=BOT), command
    # Nothing of it reached the staff member's private chat either.
    assert len(pressroom.emulator.messages(STAFF_ID)) == 1


async def test_a_button_other_than_the_stars_does_nothing_in_a_group(
    pressroom: Pressroom,
) -> None:
    group(pressroom)
    await pressroom.say(MEMBER, "/start")
    reply = await in_group(pressroom, ADMIN, "/start")
    for data in ("set:b:0", "dgo:1", "dgp:d:0:1:0", f"chs:0:{GROUP}"):
        answer = await pressroom.press_data(MEMBER, reply, data, forge=True)
        assert answer.text == texts.STALE_BUTTON.en and answer.show_alert, data
    answer = await pressroom.press_data(STAFF_ID, reply, f"chs:0:{GROUP}", forge=True)
    assert answer.text == texts.STALE_BUTTON.en
    assert pressroom.current(reply).edit_count == 0
    assert len(pressroom.emulator.messages(GROUP)) == 1
    stored = await destination(pressroom, GROUP)
    assert stored is not None and stored.is_on


async def test_a_group_that_becomes_a_supergroup_keeps_its_state_under_the_new_id(
    pressroom: Pressroom,
) -> None:
    group(pressroom, type="group")
    pressroom.emulator.set_role(GROUP, ADMIN, "creator")
    await staff_told(pressroom, in_group(pressroom, ADMIN, "/start"))
    await staff_told(pressroom, in_group(pressroom, ADMIN, "/stop"))
    told = await staff_told(pressroom, pressroom.emulator.migrate_group(GROUP, NEW_GROUP))
    assert told.content == "ℹ️ The group “Journalists” became a supergroup; releases now go there."
    moved = await destination(pressroom, NEW_GROUP)
    assert moved is not None and (moved.kind, moved.status) == ("supergroup", "unsubscribed")
    old = await destination(pressroom, GROUP)
    assert old is not None and (old.status, old.problem) == ("gone", "migrated")
    # The supergroup answers as the group did, under its new id.
    await staff_told(pressroom, in_group(pressroom, ADMIN, "/start", chat_id=NEW_GROUP))
    reply = pressroom.emulator.messages(NEW_GROUP)[-1]
    assert reply.content == chat_texts.GROUP_STARTED.en.format(bot=BOT)
    listing = await pressroom.say(STAFF_ID, "/channels")
    assert "Journalists — group · 3 members · ➡️ became a supergroup" in listing.content
    assert "Journalists — group · 3 members · ✅ on" in listing.content


async def test_an_answer_about_rights_is_kept_for_a_minute(pressroom: Pressroom) -> None:
    group(pressroom)
    await in_group(pressroom, ADMIN, "/start")
    await in_group(pressroom, ADMIN, "/start")
    await in_group(pressroom, ADMIN, "/stop")
    assert len(pressroom.emulator.calls("getChatMember")) == 1


async def test_telegram_failing_the_check_asks_to_try_again_and_nothing_is_lost(
    pressroom: Pressroom,
) -> None:
    group(pressroom)
    emulator = pressroom.emulator
    emulator.fault_methods = {"getChatMember"}
    emulator.fail_rate = 1.0
    reply = await in_group(pressroom, ADMIN, "/start")
    assert reply.content == chat_texts.CHECK_FAILED.en
    assert await destination(pressroom, GROUP) is None
    # Through a restart, with Telegram answering again, the same /start works.
    emulator.fail_rate = 0.0
    await pressroom.restart()
    reply = await in_group(pressroom, ADMIN, "/start")
    assert reply.content == chat_texts.GROUP_STARTED.en.format(bot=BOT)
    stored = await destination(pressroom, GROUP)
    assert stored is not None and stored.is_on


async def test_a_429_on_the_check_is_waited_out(pressroom: Pressroom) -> None:
    group(pressroom)
    flood_once(pressroom.emulator, "getChatMember")
    reply = await in_group(pressroom, ADMIN, "/start")
    assert reply.content == chat_texts.GROUP_STARTED.en.format(bot=BOT)
    assert pressroom.emulator.status_counts[429] == 1
    assert len(pressroom.emulator.calls("getChatMember")) == 2


def flood_once(emulator: Emulator, method: str) -> None:
    """The next `method` call answers 429 "retry after 1"; later ones as usual. The emulator
    floods only sends, so this wraps its handler."""
    handlers: dict[str, Any] = emulator._handlers
    original = handlers[method]

    def flooded(call: Any) -> Any:
        handlers[method] = original
        raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)

    handlers[method] = flooded
