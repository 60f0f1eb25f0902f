"""Errors of any handler: a write the database refused (disk full, read-only, I/O error) gets
a short "could not save, try again" answer to the person instead of silence; so does work a
handler left for later (a paste completed after its window, `bot.pastes`)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent

from bot import texts
from bot.config import Settings
from bot.failures import storage_failure
from bot.i18n import Lang

logger = logging.getLogger(__name__)


async def could_not_save(event: ErrorEvent, settings: Settings, **data: Any) -> None:
    """Tell the person their message or press was not saved; the write was rolled back."""
    lang: Lang = data.get("lang") or settings.default_language
    logger.warning("A write was refused, the person is asked to retry: %s", event.exception)
    update = event.update
    try:
        if update.message is not None:
            await update.message.answer(texts.COULD_NOT_SAVE(lang))
        elif update.callback_query is not None:
            await update.callback_query.answer(texts.COULD_NOT_SAVE(lang), show_alert=True)
    except TelegramAPIError as error:
        logger.warning("The refused write could not be reported: %s", error)


def answering_refusals(
    bot: Bot, chat_id: int, lang: Lang, work: Callable[[], Awaitable[None]]
) -> Callable[[], Awaitable[None]]:
    """`work`, run outside any update, with a refused write answered as `could_not_save`
    answers it in one."""

    async def guarded() -> None:
        try:
            await work()
        except sqlite3.OperationalError as error:
            if not storage_failure(error):
                raise
            logger.warning("A write was refused, the person is asked to retry: %s", error)
            await bot.send_message(chat_id, texts.COULD_NOT_SAVE(lang))

    return guarded


def build() -> Router:
    """The router for handler errors; where it is included does not matter."""
    router = Router(name=__name__)
    router.errors.register(could_not_save, lambda event: storage_failure(event.exception))
    return router
