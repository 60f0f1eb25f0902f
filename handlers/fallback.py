"""Last in line: unknown commands, other messages and stale buttons get a clear answer."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot import texts
from bot.i18n import Lang


async def unknown_command(message: Message, lang: Lang) -> None:
    """A command this reader cannot use: the same answer whether or not it exists for staff."""
    await message.answer(texts.UNKNOWN_COMMAND(lang))


async def not_a_command(message: Message, lang: Lang) -> None:
    """Anything else a reader writes."""
    await message.answer(texts.NOT_A_COMMAND(lang))


async def stale_button(query: CallbackQuery, lang: Lang) -> None:
    """A button no handler knows (old keyboard or forged data)."""
    await query.answer(texts.STALE_BUTTON(lang), show_alert=True)


def build() -> Router:
    """The catch-all router; it must be the last one."""
    router = Router(name=__name__)
    router.message.register(unknown_command, F.text.startswith("/"))
    router.message.register(not_a_command)
    router.callback_query.register(stale_button)
    return router
