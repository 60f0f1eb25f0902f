"""Reader commands: /start subscribes, /stop unsubscribes, /help explains."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from bot import render, texts
from bot.config import Settings
from bot.i18n import Lang
from storage import subscribers
from storage.db import Database
from storage.subscribers import Subscriber


async def start(message: Message, db: Database, settings: Settings, lang: Lang) -> None:
    """Subscribe, or reactivate a subscription with the reader's settings kept."""
    user = message.from_user
    assert user is not None
    subscriber, previous = await subscribers.subscribe(
        db,
        message.chat.id,
        first_name=user.first_name,
        username=user.username,
        telegram_language=user.language_code,
    )
    summary = render.settings_summary(subscriber, lang, settings.timezone)
    if previous is None:
        await message.answer(texts.GREETING(lang, name=user.first_name))
    elif previous == "active":
        await message.answer(texts.ALREADY_SUBSCRIBED(lang, settings=summary))
    else:
        await message.answer(texts.WELCOME_BACK(lang, name=user.first_name, settings=summary))


async def stop(message: Message, db: Database, subscriber: Subscriber | None, lang: Lang) -> None:
    """Unsubscribe; the settings stay for a later /start."""
    if subscriber is None or not subscriber.is_active:
        await message.answer(texts.NOT_SUBSCRIBED(lang))
        return
    await subscribers.set_status(db, message.chat.id, "unsubscribed")
    await message.answer(texts.STOPPED(lang))


async def help_(message: Message, lang: Lang) -> None:
    """List the reader commands."""
    await message.answer(texts.HELP(lang))


def build() -> Router:
    """The reader commands' router."""
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(stop, Command("stop"))
    router.message.register(help_, Command("help"))
    return router
