"""/settings: delivery mode, digest too, digest hour, day and time zone, interface language,
edited in place."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from bot import render, texts
from bot.callbacks import SettingsAction, SettingsButton
from bot.config import Settings
from bot.i18n import LANGUAGES, Lang, pick_language
from bot.sending import unchanged_ok
from storage import subscribers
from storage.db import Database
from storage.subscribers import Subscriber

# Buttons that only move between the settings and a picker: nothing to save.
NAVIGATION = frozenset(
    {SettingsAction.HOURS, SettingsAction.DAYS, SettingsAction.ZONES, SettingsAction.BACK}
)


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
        elif instant and subscriber.instant:
            # "As they come" again (or to resume) keeps a digest taken on top of it.
            digest = subscriber.digest
        changed = await subscribers.set_delivery(
            db, chat_id, instant=instant, digest=digest, paused=paused
        )
    elif action is SettingsAction.ALSO and 0 <= value < len(render.EXTRA_DIGESTS):
        if not subscriber.instant or subscriber.paused:
            await query.answer(texts.STALE_BUTTON(lang), show_alert=True)
            return
        _, extra = render.EXTRA_DIGESTS[value]
        # The same button again takes the digest off: back to releases as they come only.
        digest = "off" if subscriber.digest == extra else extra
        changed = await subscribers.set_delivery(
            db, chat_id, instant=True, digest=digest, paused=False
        )
    elif action is SettingsAction.HOUR and 0 <= value <= 23:
        changed = await subscribers.set_digest_time(db, chat_id, hour=value)
    elif action is SettingsAction.DAY and 0 <= value < len(texts.WEEKDAYS):
        changed = await subscribers.set_digest_time(db, chat_id, weekday=value)
    elif action is SettingsAction.ZONE and 0 <= value <= len(texts.TIME_ZONES):
        zone = texts.TIME_ZONES[value - 1][0] if value else None
        changed = await subscribers.set_timezone(db, chat_id, zone)
    elif action is SettingsAction.LANGUAGE and 0 <= value < len(LANGUAGES):
        changed = await subscribers.set_language(db, chat_id, LANGUAGES[value])
    elif action not in NAVIGATION:
        await query.answer(texts.STALE_BUTTON(lang), show_alert=True)
        return
    # Unchanged, the row the middleware read for this update is still the current one.
    updated = await subscribers.get(db, chat_id) if changed else subscriber
    assert updated is not None
    lang = pick_language(updated.language, updated.telegram_language, settings.default_language)
    navigation = action in NAVIGATION
    if action is SettingsAction.HOURS:
        await _redraw(query, render.hour_picker(updated, lang, settings.timezone))
    elif action is SettingsAction.DAYS:
        await _redraw(query, render.day_picker(updated, lang))
    elif action is SettingsAction.ZONES:
        await _redraw(query, render.zone_picker(updated, lang, settings.timezone))
    elif navigation or changed:
        await _redraw(query, render.settings(updated, lang, settings.timezone))
    # Answered after the redraw, so the reader's spinner stops once the message shows the change.
    await query.answer(None if navigation else texts.SAVED(lang))


async def _redraw(query: CallbackQuery, view: render.Rendered) -> None:
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        return
    # Two quick presses can redraw the same state twice.
    await unchanged_ok(query.message.edit_text(view.text, reply_markup=view.keyboard))


def build() -> Router:
    """The /settings router."""
    router = Router(name=__name__)
    router.message.register(show, Command("settings"))
    router.callback_query.register(change, SettingsButton.filter())
    return router
