"""When the bot loses a channel or group: mark it and tell staff, once.

Called from the `my_chat_member` handler (the bot removed, its rights taken, the group
moved) and from the outbox (a send refused with 403 or "not enough rights"), whichever
learns it first; `storage.chats.mark_problem` makes the second call a no-op.
"""

from __future__ import annotations

from aiogram import Bot

from bot import chat_texts
from bot.config import Settings
from bot.html import Html
from bot.i18n import Lang
from bot.review import tell_staff
from storage import chats
from storage.chats import Problem
from storage.db import Database


async def lost(bot: Bot, db: Database, settings: Settings, chat_id: int, problem: Problem) -> bool:
    """Mark the destination; True (and staff told) only when this is news."""
    if not await chats.mark_problem(db, chat_id, problem):
        return False
    destination = await chats.get(db, chat_id)
    title = destination.title if destination else str(chat_id)
    kind = destination.kind if destination else "group"

    def notice(lang: Lang) -> Html:
        return chat_texts.LOST[problem](lang, kind=chat_texts.KIND[kind](lang), title=title)

    await tell_staff(bot, db, settings, notice)
    return True
