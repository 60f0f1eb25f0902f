"""Channels and groups as destinations: the bot added, removed or given other rights
(`my_chat_member`), and the staff's /channels list with its switches.

A reader blocking or unblocking the bot also comes as `my_chat_member`, in a private chat: it
is left alone here, as before (a send refused with 403 marks the reader).
"""

from __future__ import annotations

import logging
from typing import cast

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, ChatMemberUnion, ChatMemberUpdated, Message

from bot import chat_rules, chat_status, chat_texts, chat_views
from bot.callbacks import ChatSwitch, SwitchAction, pressed_on
from bot.chat_rules import Standing
from bot.config import Settings
from bot.html import Rendered
from bot.i18n import Lang
from bot.sending import unchanged_ok
from storage import chats
from storage.chats import ChatKind
from storage.db import Database

logger = logging.getLogger(__name__)

# getChatMemberCount only decorates /channels: it must not hold up the handler for long.
COUNT_TIMEOUT = 5


def standing_of(kind: ChatKind, member: ChatMemberUnion) -> Standing:
    """The bot's standing as a ChatMember object describes it."""
    return chat_rules.standing(
        kind,
        member.status,
        is_member=getattr(member, "is_member", True),
        can_post_messages=getattr(member, "can_post_messages", None),
        can_send_messages=getattr(member, "can_send_messages", None),
    )


async def member_count(bot: Bot, chat_id: int) -> int | None:
    """How many members the chat has, or None when Telegram does not say (logged)."""
    try:
        return await bot.get_chat_member_count(chat_id, request_timeout=COUNT_TIMEOUT)
    except Exception as error:
        logger.warning("Member count of chat %d not known: %s", chat_id, error)
        return None


async def membership_changed(
    event: ChatMemberUpdated, bot: Bot, db: Database, settings: Settings
) -> None:
    """The bot was added to a channel or group, removed, or its rights changed there."""
    chat, actor = event.chat, event.from_user
    kind = cast(ChatKind, chat.type)
    known = await chats.get(db, chat.id)
    decision = chat_rules.membership(
        was=standing_of(kind, event.old_chat_member),
        now=standing_of(kind, event.new_chat_member),
        known=known.status if known else None,
        by_staff=actor.id in settings.admin_ids,
    )
    if decision.act == "ignore":
        return
    if decision.act == "lost":
        assert decision.problem is not None
        await chat_status.lost(bot, db, settings, chat.id, decision.problem)
        return
    destination, _ = await chats.join(
        db,
        chat.id,
        kind=kind,
        title=chat.title or "",
        on=decision.on,
        # Only a change staff must hear of names who made it; a refresh keeps the adder.
        added_by=actor.id if decision.notice or decision.problem else None,
        # Copies there are written in the press centre's language (DEFAULT_LANGUAGE).
        telegram_language=None,
        username=chat.username,
        member_count=await member_count(bot, chat.id),
    )
    if decision.act == "join_rightless":
        await chat_status.lost(bot, db, settings, chat.id, "no_rights")
        return
    if decision.notice is None:
        return
    await chat_status.tell(
        bot,
        db,
        settings,
        NOTICES[decision.notice],
        kind=destination.kind,
        title=destination.title,
        name=actor.full_name,
    )


NOTICES = {
    "added_on": chat_texts.ADDED_ON,
    "back_on": chat_texts.BACK_ON,
    "added_off": chat_texts.ADDED_OFF,
}


# --- /channels (staff) --------------------------------------------------------------------


async def _listing(bot: Bot, db: Database, lang: Lang) -> Rendered:
    me = await bot.me()
    return chat_views.channels(await chats.listing(db), lang, bot_username=me.username or "")


async def show(message: Message, bot: Bot, db: Database, lang: Lang) -> None:
    """Every channel and group with its state, and a switch for each reachable one."""
    view = await _listing(bot, db, lang)
    await message.answer(view.text, reply_markup=view.keyboard)


async def switch_on(
    query: CallbackQuery, callback_data: ChatSwitch, bot: Bot, db: Database, lang: Lang
) -> None:
    """Post releases there from now on."""
    await _switch(query, callback_data.chat_id, True, bot, db, lang)


async def switch_off(
    query: CallbackQuery, callback_data: ChatSwitch, bot: Bot, db: Database, lang: Lang
) -> None:
    """Post nothing more there."""
    await _switch(query, callback_data.chat_id, False, bot, db, lang)


async def _switch(
    query: CallbackQuery, chat_id: int, on: bool, bot: Bot, db: Database, lang: Lang
) -> None:
    switched = await chats.switch(db, chat_id, on=on) if chat_id < 0 else None
    if switched is None:
        await query.answer(chat_texts.SWITCH_UNAVAILABLE(lang), show_alert=True)
    else:
        await query.answer(chat_texts.SWITCHED_ON(lang) if on else chat_texts.SWITCHED_OFF(lang))
    message = pressed_on(query)
    if message is None:
        return
    view = await _listing(bot, db, lang)
    # Two quick presses can draw the same state twice.
    await unchanged_ok(message.edit_text(view.text, reply_markup=view.keyboard))


def build() -> Router:
    """The membership router: the bot's own membership in channels and groups."""
    router = Router(name=__name__)
    router.my_chat_member.register(membership_changed, F.chat.type != "private")
    return router


def build_staff() -> Router:
    """/channels and its switches; `handlers.staff.build` puts the staff filter over them."""
    router = Router(name=f"{__name__}.staff")
    router.message.register(show, Command("channels"))
    router.callback_query.register(switch_on, ChatSwitch.filter(F.action == SwitchAction.ON))
    router.callback_query.register(switch_off, ChatSwitch.filter(F.action == SwitchAction.OFF))
    return router
