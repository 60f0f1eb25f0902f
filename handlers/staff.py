"""Staff commands. The router's filter admits only `ADMIN_IDS`; anyone else falls through
to the fallback router and gets the unknown-command answer, so nothing about staff leaks."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import BaseFilter, Command
from aiogram.types import CallbackQuery, Message

from bot import staff_views, texts
from bot.config import Settings
from bot.i18n import Lang
from bot.ops import Operations
from bot.status import status_text
from storage import subscribers
from storage.db import Database


def in_private(event: Message | CallbackQuery) -> bool:
    """Written or pressed in a private chat with the bot (a press with no message is one
    made in the presser's own chat or inline)."""
    message = event if isinstance(event, Message) else event.message
    return message is None or message.chat.type == "private"


class IsStaff(BaseFilter):
    """True for updates from a user listed in `ADMIN_IDS`."""

    async def __call__(self, event: Message | CallbackQuery, settings: Settings) -> bool:
        return event.from_user is not None and event.from_user.id in settings.admin_ids


async def admin(message: Message, lang: Lang) -> None:
    """List the staff commands."""
    await message.answer(texts.ADMIN(lang))


async def subscriber_counts(message: Message, db: Database, lang: Lang) -> None:
    """Subscribers by status and delivery mode."""
    await message.answer(staff_views.subscriber_counts(await subscribers.counts(db), lang))


async def status(message: Message, ops: Operations, settings: Settings, lang: Lang) -> None:
    """Version, uptime, mode, backlog, the last digest run and backup, recent errors."""
    await message.answer(status_text(await ops.status_facts(), lang, settings.zone))


def build(*features: Router) -> Router:
    """The staff router: the staff filter once, over its own commands and `features`."""
    router = Router(name=__name__)
    # Staff commands and buttons work only in the private chat: never in a group.
    router.message.filter(IsStaff(), in_private)
    router.callback_query.filter(IsStaff(), in_private)
    router.message.register(admin, Command("admin"))
    router.message.register(subscriber_counts, Command("subscribers"))
    router.message.register(status, Command("status"))
    for feature in features:
        router.include_router(feature)
    return router
