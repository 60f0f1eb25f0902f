"""The bot in groups, supergroups and channels: first in line, so nothing personal or staff-only
ever answers there.

In a group it answers only commands meant for it (`bot.chat_rules.group_command`): /start and
/stop from the group's administrators subscribe and unsubscribe the group (or a forum topic),
/help explains, personal commands point to the private chat. Chatter, other bots' commands and
unknown commands get nothing. A supergroup migration moves the destination. Buttons pressed
under the bot's messages in groups and channels reach only the star handler; any other data
there gets the stale-button answer (a forged settings or digest press must not show a reader's
settings or post into the group).
"""

from __future__ import annotations

import logging
from typing import cast

from aiogram import Bot, F, Router
from aiogram.filters import BaseFilter
from aiogram.types import CallbackQuery, Message

from bot import chat_rules, chat_status, chat_texts, texts
from bot.callbacks import star_press
from bot.chat_rules import GroupCommand
from bot.config import Settings
from bot.group_admins import CheckFailed, GroupAdmins
from bot.i18n import Lang, Text
from handlers.chats import member_count
from storage import chats
from storage.chats import ChatKind
from storage.db import Database

logger = logging.getLogger(__name__)

STAFF_COMMANDS = frozenset(name for name, _ in texts.STAFF_COMMANDS)


class Addressed(BaseFilter):
    """A group message that asks `action` of this bot (see `chat_rules.group_command`)."""

    def __init__(self, action: GroupCommand) -> None:
        self.action = action

    async def __call__(self, message: Message, bot: Bot, settings: Settings) -> bool:
        me = await bot.me()
        user = message.from_user
        action = chat_rules.group_command(
            message.text,
            bot_username=me.username or "",
            staff_commands=STAFF_COMMANDS,
            by_staff=user is not None and user.id in settings.admin_ids,
        )
        return action == self.action


async def _username(bot: Bot) -> str:
    me = await bot.me()
    return me.username or ""


async def _may_manage(message: Message, bot: Bot, group_admins: GroupAdmins, lang: Lang) -> bool:
    """The writer administers the group; otherwise they are told why nothing happened."""
    chat = message.chat
    # An anonymous administrator writes as the group itself.
    if message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    user = message.from_user
    if user is None:
        return False

    async def status(chat_id: int, user_id: int) -> str:
        member = await bot.get_chat_member(chat_id, user_id)
        return member.status

    try:
        admin = await group_admins.is_admin(chat.id, user.id, status)
    except CheckFailed as failure:
        logger.warning("Rights of %d in chat %d not checked: %s", user.id, chat.id, failure)
        await message.answer(chat_texts.CHECK_FAILED(lang))
        return False
    if not admin:
        await message.answer(chat_texts.ADMINS_ONLY(lang))
    return admin


STARTED: dict[chat_rules.StartOutcome, Text] = {
    "started": chat_texts.GROUP_STARTED,
    "started_topic": chat_texts.GROUP_STARTED_TOPIC,
    "moved": chat_texts.GROUP_MOVED,
    "already": chat_texts.GROUP_ALREADY,
    "already_topic": chat_texts.GROUP_ALREADY_TOPIC,
}


async def start(
    message: Message,
    bot: Bot,
    db: Database,
    settings: Settings,
    group_admins: GroupAdmins,
    lang: Lang,
) -> None:
    """An administrator subscribes the group, or the forum topic they write in."""
    if not await _may_manage(message, bot, group_admins, lang):
        return
    chat = message.chat
    topic = chat_rules.topic_of(
        is_forum=bool(chat.is_forum),
        is_topic_message=bool(message.is_topic_message),
        thread_id=message.message_thread_id,
    )
    known = await chats.get(db, chat.id)
    outcome = chat_rules.group_start(
        known=known.status if known else None,
        thread_id=known.thread_id if known else None,
        topic=topic,
    )
    user = message.from_user
    await chats.join(
        db,
        chat.id,
        kind=cast(ChatKind, chat.type),
        title=chat.title or "",
        on=True,
        added_by=user.id if user else None,
        # Copies there are written in the press centre's language (DEFAULT_LANGUAGE).
        telegram_language=None,
        username=chat.username,
        thread_id=topic,
        member_count=await member_count(bot, chat.id),
    )
    if topic is None:
        # `join` keeps a topic it is not given: /start in the General topic moves back there.
        await chats.set_thread(db, chat.id, None)
    await message.answer(STARTED[outcome](lang, bot=await _username(bot)))
    if outcome in ("started", "started_topic"):
        await _tell_staff(bot, db, settings, chat_texts.GROUP_ON_NOTICE, message)


async def stop(
    message: Message,
    bot: Bot,
    db: Database,
    settings: Settings,
    group_admins: GroupAdmins,
    lang: Lang,
) -> None:
    """An administrator unsubscribes the group; its settings (the topic) stay for /start."""
    if not await _may_manage(message, bot, group_admins, lang):
        return
    known = await chats.get(db, message.chat.id)
    username = await _username(bot)
    if known is None or not known.is_on:
        await message.answer(chat_texts.GROUP_NOT_SUBSCRIBED(lang, bot=username))
        return
    await chats.switch(db, message.chat.id, on=False)
    await message.answer(chat_texts.GROUP_STOPPED(lang, bot=username))
    await _tell_staff(bot, db, settings, chat_texts.GROUP_OFF_NOTICE, message)


async def _tell_staff(
    bot: Bot, db: Database, settings: Settings, text: Text, message: Message
) -> None:
    chat, user = message.chat, message.from_user
    name = user.full_name if user else chat.title or ""
    kind = cast(ChatKind, chat.type)
    await chat_status.tell(bot, db, settings, text, kind=kind, title=chat.title or "", name=name)


async def help_(message: Message, bot: Bot, lang: Lang) -> None:
    """What the bot does in a group."""
    await message.answer(chat_texts.GROUP_HELP(lang, bot=await _username(bot)))


async def private_only(message: Message, bot: Bot, lang: Lang) -> None:
    """A personal command in a group: nobody's settings or digest are shown there."""
    await message.answer(chat_texts.PRIVATE_ONLY(lang, bot=await _username(bot)))


async def staff_only_in_private(message: Message, bot: Bot, lang: Lang) -> None:
    """A staff command typed by staff in a group: nothing about the press centre is shown."""
    await message.answer(chat_texts.STAFF_PRIVATE_ONLY(lang, bot=await _username(bot)))


async def migrated(message: Message, bot: Bot, db: Database, settings: Settings) -> None:
    """The group became a supergroup: its destination moves to the new id, on or off and its
    topic kept, and staff are told. An update seen twice (after a restart) moves nothing."""
    new_chat_id = message.migrate_to_chat_id
    assert new_chat_id is not None
    await chat_status.moved(bot, db, settings, message.chat.id, new_chat_id)


async def ignore(message: Message) -> None:
    """Chatter, other bots' commands, unknown commands, service messages: no answer."""


async def not_here(query: CallbackQuery, lang: Lang) -> None:
    """A button other than the stars and the live counter pressed in a group or channel."""
    await query.answer(texts.STALE_BUTTON(lang), show_alert=True)


def _outside_private(query: CallbackQuery) -> bool:
    return query.message is not None and query.message.chat.type != "private"


def build() -> Router:
    """The group router; it must be the first, so that group messages reach no other."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type.in_({"group", "supergroup"}))
    router.message.register(migrated, F.migrate_to_chat_id)
    router.message.register(start, Addressed("start"))
    router.message.register(stop, Addressed("stop"))
    router.message.register(help_, Addressed("help"))
    router.message.register(private_only, Addressed("private"))
    router.message.register(staff_only_in_private, Addressed("staff"))
    router.message.register(ignore)
    # The shared post's own buttons (`Rate`, `Totals`) go on to the ratings router.
    router.callback_query.register(not_here, _outside_private, ~F.data.func(star_press))
    return router
