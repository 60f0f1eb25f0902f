"""/settings: delivery mode, digest hour and interface language, edited in place."""

from __future__ import annotations

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from bot import render, texts
from bot.callbacks import SettingsAction, SettingsButton
from bot.config import Settings
from bot.i18n import LANGUAGES, Lang, pick_language
from storage import subscribers
from storage.db import Database
from storage.subscribers import Subscriber


async def show(
    message: Message, settings: Settings, subscriber: Subscriber | None, lang: Lang
) -> None:
    """Show the settings keyboard to a subscriber."""
    if subscriber is None or subscriber.status != "active":
        await message.answer(texts.SETTINGS_NEED_SUBSCRIPTION(lang))
        return
    view = render.settings(subscriber, lang, settings.timezone)
    await message.answer(view.text, reply_markup=view.keyboard)


async def change(
    query: CallbackQuery,
    callback_data: SettingsButton,
    db: Database,
    settings: Settings,
    subscriber: Subscriber | None,
    lang: Lang,
) -> None:
    """Apply one button press and redraw the settings message."""
    if subscriber is None or subscriber.status != "active":
        await query.answer(texts.SETTINGS_NEED_SUBSCRIPTION(lang), show_alert=True)
        return
    action, value = callback_data.action, callback_data.value
    chat_id = subscriber.chat_id
    changed = False
    if action is SettingsAction.MODE and 0 <= value < len(render.DELIVERY_CHOICES):
        _, instant, digest, paused = render.DELIVERY_CHOICES[value]
        if paused:
            instant, digest = subscriber.instant, subscriber.digest
        changed = await subscribers.set_delivery(
            db, chat_id, instant=instant, digest=digest, paused=paused
        )
    elif action is SettingsAction.HOUR and 0 <= value <= 23:
        changed = await subscribers.set_digest_time(db, chat_id, hour=value)
    elif action is SettingsAction.LANGUAGE and 0 <= value < len(LANGUAGES):
        changed = await subscribers.set_language(db, chat_id, LANGUAGES[value])
    elif action not in (SettingsAction.HOURS, SettingsAction.BACK):
        await query.answer(texts.STALE_BUTTON(lang), show_alert=True)
        return
    updated = await subscribers.get(db, chat_id)
    assert updated is not None
    lang = pick_language(updated.language, updated.telegram_language, settings.default_language)
    navigation = action in (SettingsAction.HOURS, SettingsAction.BACK)
    if action is SettingsAction.HOURS:
        await _redraw(query, render.hour_picker(updated, lang, settings.timezone))
    elif navigation or changed:
        await _redraw(query, render.settings(updated, lang, settings.timezone))
    # Answered after the redraw, so the reader's spinner stops once the message shows the change.
    await query.answer(None if navigation else texts.SAVED(lang))


async def _redraw(query: CallbackQuery, view: render.Rendered) -> None:
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        return
    try:
        await query.message.edit_text(view.text, reply_markup=view.keyboard)
    except TelegramBadRequest as error:
        # Two quick presses can redraw the same state twice; Telegram then answers
        # "message is not modified", which means the message already shows it.
        if "message is not modified" not in error.message:
            raise


def build() -> Router:
    """The /settings router."""
    router = Router(name=__name__)
    router.message.register(show, Command("settings"))
    router.callback_query.register(change, SettingsButton.filter())
    return router
