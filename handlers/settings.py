"""/settings: delivery mode, digest too, digest hour, day and time zone, interface language,
edited in place. What a button changes is decided by `bot.preferences`; one handler per button."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot import preferences, render, texts
from bot.callbacks import SettingsAction, SettingsButton, pressed_on
from bot.config import Settings
from bot.html import Rendered
from bot.i18n import Lang, pick_language
from bot.preferences import Delivery
from bot.sending import unchanged_ok
from storage import subscribers
from storage.db import Database
from storage.subscribers import ChosenLanguages, Subscriber


def _not_subscribed(_: Message | CallbackQuery, subscriber: Subscriber | None) -> bool:
    return subscriber is None or not subscriber.is_active


async def show(message: Message, settings: Settings, subscriber: Subscriber, lang: Lang) -> None:
    """Show the settings keyboard to a subscriber."""
    view = render.settings(subscriber, lang, settings.timezone)
    await message.answer(view.text, reply_markup=view.keyboard)


async def need_subscription(message: Message, lang: Lang) -> None:
    """/settings from someone who is not subscribed."""
    await message.answer(texts.SETTINGS_NEED_SUBSCRIPTION(lang))


async def button_needs_subscription(query: CallbackQuery, lang: Lang) -> None:
    """A settings button pressed by someone no longer subscribed."""
    await query.answer(texts.SETTINGS_NEED_SUBSCRIPTION(lang), show_alert=True)


# --- Buttons that change something ---------------------------------------------------------


async def choose_mode(
    query: CallbackQuery,
    callback_data: SettingsButton,
    db: Database,
    settings: Settings,
    subscriber: Subscriber,
    lang: Lang,
) -> None:
    """As they come, daily, weekly or paused."""
    choice = preferences.pick(preferences.MODES, callback_data.value)
    delivery = preferences.delivery_after(subscriber, choice) if choice else None
    await _set_delivery(query, db, settings, subscriber, lang, delivery)


async def choose_extra(
    query: CallbackQuery,
    callback_data: SettingsButton,
    db: Database,
    settings: Settings,
    subscriber: Subscriber,
    lang: Lang,
) -> None:
    """A daily or weekly digest on top of releases as they come, or off again."""
    choice = preferences.pick(preferences.EXTRAS, callback_data.value)
    delivery = preferences.delivery_after(subscriber, choice) if choice else None
    await _set_delivery(query, db, settings, subscriber, lang, delivery)


async def _set_delivery(
    query: CallbackQuery,
    db: Database,
    settings: Settings,
    subscriber: Subscriber,
    lang: Lang,
    delivery: Delivery | None,
) -> None:
    if delivery is None:
        await _stale(query, lang)
        return
    changed = await subscribers.set_delivery(
        db,
        subscriber.chat_id,
        instant=delivery.instant,
        digest=delivery.digest,
        paused=delivery.paused,
    )
    await _saved(query, db, settings, subscriber, changed)


async def choose_hour(
    query: CallbackQuery,
    callback_data: SettingsButton,
    db: Database,
    settings: Settings,
    subscriber: Subscriber,
    lang: Lang,
) -> None:
    """The digest hour."""
    hour = preferences.digest_hour(callback_data.value)
    if hour is None:
        await _stale(query, lang)
        return
    changed = await subscribers.set_digest_time(db, subscriber.chat_id, hour=hour)
    await _saved(query, db, settings, subscriber, changed)


async def choose_day(
    query: CallbackQuery,
    callback_data: SettingsButton,
    db: Database,
    settings: Settings,
    subscriber: Subscriber,
    lang: Lang,
) -> None:
    """The weekly digest's day."""
    weekday = preferences.digest_weekday(callback_data.value)
    if weekday is None:
        await _stale(query, lang)
        return
    changed = await subscribers.set_digest_time(db, subscriber.chat_id, weekday=weekday)
    await _saved(query, db, settings, subscriber, changed)


async def choose_zone(
    query: CallbackQuery,
    callback_data: SettingsButton,
    db: Database,
    settings: Settings,
    subscriber: Subscriber,
    lang: Lang,
) -> None:
    """The reader's own time zone, or the press centre's."""
    known, zone = preferences.zone(callback_data.value)
    if not known:
        await _stale(query, lang)
        return
    changed = await subscribers.set_timezone(db, subscriber.chat_id, zone)
    await _saved(query, db, settings, subscriber, changed)


async def choose_language(
    query: CallbackQuery,
    callback_data: SettingsButton,
    db: Database,
    settings: Settings,
    subscriber: Subscriber,
    lang: Lang,
    languages: ChosenLanguages,
) -> None:
    """The interface language."""
    language = preferences.language(callback_data.value)
    if language is None:
        await _stale(query, lang)
        return
    changed = await languages.set(subscriber.chat_id, language)
    await _saved(query, db, settings, subscriber, changed)


async def _stale(query: CallbackQuery, lang: Lang) -> None:
    """A button whose value no keyboard of ours has, or one that no longer applies."""
    await query.answer(texts.STALE_BUTTON(lang), show_alert=True)


async def _saved(
    query: CallbackQuery, db: Database, settings: Settings, subscriber: Subscriber, changed: bool
) -> None:
    """Redraw the settings if something changed, in the language now chosen, and say so."""
    # Unchanged, the row the middleware read for this update is still the current one.
    updated = await subscribers.get(db, subscriber.chat_id) if changed else subscriber
    assert updated is not None
    lang = pick_language(updated.language, updated.telegram_language, settings.default_language)
    if changed:
        await _redraw(query, render.settings(updated, lang, settings.timezone))
    # Answered after the redraw, so the reader's spinner stops once the message shows the change.
    await query.answer(texts.SAVED(lang))


# --- Buttons that only move between the settings and a picker ------------------------------


async def show_hours(
    query: CallbackQuery, settings: Settings, subscriber: Subscriber, lang: Lang
) -> None:
    """The 24 hours to pick the digest hour from."""
    await _redraw(query, render.hour_picker(subscriber, lang, settings.timezone))
    await query.answer()


async def show_days(query: CallbackQuery, subscriber: Subscriber, lang: Lang) -> None:
    """The weekdays to pick the weekly digest's day from."""
    await _redraw(query, render.day_picker(subscriber, lang))
    await query.answer()


async def show_zones(
    query: CallbackQuery, settings: Settings, subscriber: Subscriber, lang: Lang
) -> None:
    """The time zones to pick from."""
    await _redraw(query, render.zone_picker(subscriber, lang, settings.timezone))
    await query.answer()


async def back(
    query: CallbackQuery, settings: Settings, subscriber: Subscriber, lang: Lang
) -> None:
    """From a picker back to the settings."""
    await _redraw(query, render.settings(subscriber, lang, settings.timezone))
    await query.answer()


async def _redraw(query: CallbackQuery, view: Rendered) -> None:
    message = pressed_on(query)
    if message is None:
        return
    # Two quick presses can redraw the same state twice.
    await unchanged_ok(message.edit_text(view.text, reply_markup=view.keyboard))


def build() -> Router:
    """The /settings router. Someone not subscribed gets one answer, whatever they press; the
    handlers after that filter have an active `subscriber`."""
    router = Router(name=__name__)
    router.message.register(need_subscription, Command("settings"), _not_subscribed)
    router.message.register(show, Command("settings"))
    router.callback_query.register(
        button_needs_subscription, SettingsButton.filter(), _not_subscribed
    )
    button = SettingsButton.filter
    router.callback_query.register(choose_mode, button(F.action == SettingsAction.MODE))
    router.callback_query.register(choose_extra, button(F.action == SettingsAction.ALSO))
    router.callback_query.register(choose_hour, button(F.action == SettingsAction.HOUR))
    router.callback_query.register(choose_day, button(F.action == SettingsAction.DAY))
    router.callback_query.register(choose_zone, button(F.action == SettingsAction.ZONE))
    router.callback_query.register(choose_language, button(F.action == SettingsAction.LANGUAGE))
    router.callback_query.register(show_hours, button(F.action == SettingsAction.HOURS))
    router.callback_query.register(show_days, button(F.action == SettingsAction.DAYS))
    router.callback_query.register(show_zones, button(F.action == SettingsAction.ZONES))
    router.callback_query.register(back, button(F.action == SettingsAction.BACK))
    return router
