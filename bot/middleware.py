"""Per-update work: find who is writing and which language to answer in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Chat, TelegramObject, User

from bot.config import Settings
from bot.i18n import pick_language
from storage import subscribers
from storage.db import Database

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class ReaderMiddleware(BaseMiddleware):
    """Puts `subscriber` (or None) and `lang` into the handler data of every update.

    In a group or channel `subscriber` is None: a member's private subscription is nobody's
    business there. The language is then the writer's Telegram language, read without a
    database lookup (with privacy mode off every group message comes this way).
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        settings: Settings = data["settings"]
        db: Database = data["db"]
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        private = chat is None or chat.type == "private"
        subscriber = await subscribers.get(db, user.id) if user and private else None
        data["subscriber"] = subscriber
        data["lang"] = pick_language(
            subscriber.language if subscriber else None,
            user.language_code if user else None,
            settings.default_language,
        )
        return await handler(event, data)
