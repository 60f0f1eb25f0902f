"""When the bot loses a channel or group, or a group moves to its supergroup: staff are told,
once.

Called from the handlers (`my_chat_member`: the bot removed or its rights taken; the
`migrate_to_chat_id` service message) and from the delivery engine (a send, edit or deletion
refused with 403 or "not enough rights"; a send answered "group chat was upgraded"),
whichever learns it first: `storage.chats` makes the second call a no-op.

`tell` is how every notice about a channel or group reaches staff, named by kind and title.
"""

from __future__ import annotations

from aiogram import Bot

from bot import chat_texts
from bot.config import Settings
from bot.html import Html
from bot.i18n import Lang, Text
from bot.pacing import SendFailure
from bot.review import tell_staff
from storage import chats
from storage.chats import ChatKind, Destination, Problem
from storage.db import Database


def problem_of(failure: SendFailure) -> Problem:
    """What a channel's or group's refusal says (`rightless`: no rights to post or edit there;
    any other: the bot was removed)."""
    return "no_rights" if failure.kind == "rightless" else "removed"


async def tell(
    bot: Bot,
    db: Database,
    settings: Settings,
    text: Text,
    *,
    kind: ChatKind,
    title: str,
    **values: object,
) -> None:
    """Tell every staff member, in their language, `text` about the chat (its `{kind}` and
    `{title}` filled in, and `values`)."""

    def notice(lang: Lang) -> Html:
        return text(lang, kind=chat_texts.KIND[kind](lang), title=title, **values)

    await tell_staff(bot, db, settings, notice)


async def lost(bot: Bot, db: Database, settings: Settings, chat_id: int, problem: Problem) -> bool:
    """Mark the destination; True (and staff told) only when this is news."""
    if not await chats.mark_problem(db, chat_id, problem):
        return False
    destination = await chats.get(db, chat_id)
    title = destination.title if destination else str(chat_id)
    kind: ChatKind = destination.kind if destination else "group"
    await tell(bot, db, settings, chat_texts.LOST[problem], kind=kind, title=title)
    return True


async def moved(
    bot: Bot, db: Database, settings: Settings, chat_id: int, new_chat_id: int
) -> Destination | None:
    """The group became a supergroup: move its destination to the new id (on or off, topic
    kept) and tell staff; None when it had moved already."""
    destination = await chats.migrate(db, chat_id, new_chat_id)
    if destination is None:
        return None
    await tell(
        bot, db, settings, chat_texts.LOST["migrated"], kind="group", title=destination.title
    )
    return destination
