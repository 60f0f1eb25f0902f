"""Per-update work: find who is writing and which language to answer in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Chat, TelegramObject, Update, User

from bot.callbacks import star_press
from bot.config import Settings
from bot.i18n import pick_language
from storage import subscribers
from storage.db import Database
from storage.subscribers import ChosenLanguages

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class ReaderMiddleware(BaseMiddleware):
    """Puts `subscriber` (or None) and `lang` into the handler data of every update.

    In a group or channel `subscriber` is None: a member's private subscription is nobody's
    business there. The language is then the writer's Telegram language, read without a
    database lookup (with privacy mode off every group message comes this way).

    A star press (`Rate`, `Totals`) gets `lang` alone, its reader's choice taken from memory
    (`ChosenLanguages`): in a rating storm each press would otherwise wait for a hand-off to the
    database thread and back before its vote. No handler such a press reaches (the ratings
    router takes every `r:` and `rt:` press; then only the failures router) asks for
    `subscriber`, so it is left out: a handler that did would fail loudly, not see None.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        settings: Settings = data["settings"]
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        private = chat is None or chat.type == "private"
        query = event.callback_query if isinstance(event, Update) else None
        if query is not None and star_press(query.data):
            languages: ChosenLanguages = data["languages"]
            choice = languages.get(user.id) if user and private else None
        else:
            db: Database = data["db"]
            subscriber = await subscribers.get(db, user.id) if user and private else None
            data["subscriber"] = subscriber
            choice = subscriber.language if subscriber else None
        data["lang"] = pick_language(
            choice, user.language_code if user else None, settings.default_language
        )
        return await handler(event, data)
