"""Every message the bot sends is rendered here: text in Telegram HTML plus its keyboard."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.callbacks import SettingsAction, SettingsButton
from bot.html import Html
from bot.i18n import LANGUAGES, Lang, Text
from storage.subscribers import Digest, Subscriber, SubscriberCounts

# Delivery choices of /settings, in button order: (instant, digest, paused).
DELIVERY_CHOICES: tuple[tuple[Text, bool, Digest, bool], ...] = (
    (texts.BUTTON_INSTANT, True, "off", False),
    (texts.BUTTON_DAILY, False, "daily", False),
    (texts.BUTTON_WEEKLY, False, "weekly", False),
    (texts.BUTTON_PAUSED, True, "off", True),
)
HOURS_PER_ROW = 6
# "Digest too" choices for readers who take releases as they come, in button order.
EXTRA_DIGESTS: tuple[tuple[Text, Digest], ...] = (
    (texts.BUTTON_ALSO_DAILY, "daily"),
    (texts.BUTTON_ALSO_WEEKLY, "weekly"),
)
DAYS_PER_ROW = 4
ZONES_PER_ROW = 3



@dataclass(frozen=True, slots=True)
class Rendered:
    """A message ready to send: HTML text and an optional inline keyboard."""

    text: Html
    keyboard: InlineKeyboardMarkup | None = None


def _button(text: str, data: SettingsButton) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _checked(label: str, on: bool) -> str:
    return f"✓ {label}" if on else label


def mode_label(subscriber: Subscriber, lang: Lang) -> Html:
    """The reader-facing name of a subscriber's delivery mode."""
    if subscriber.paused:
        return texts.MODE_PAUSED(lang)
    parts = []
    if subscriber.instant:
        parts.append(texts.MODE_INSTANT(lang))
    if subscriber.digest == "daily":
        parts.append(texts.MODE_DAILY(lang))
    elif subscriber.digest == "weekly":
        parts.append(texts.MODE_WEEKLY(lang))
    return Html(" + ".join(parts))


def settings_summary(subscriber: Subscriber, lang: Lang, zone: str) -> Html:
    """The reader's current settings as text."""
    weekly = subscriber.digest == "weekly"
    day = texts.WEEKDAYS[subscriber.digest_weekday](lang)
    return texts.SETTINGS(
        lang,
        mode=mode_label(subscriber, lang),
        hour=f"{subscriber.digest_hour:02d}:00",
        zone=subscriber.timezone or zone,
        day=texts.SETTINGS_DAY(lang, day=day) if weekly else Html(""),
        language=texts.LANGUAGE_NAME(lang),
    )


def settings(subscriber: Subscriber, lang: Lang, zone: str) -> Rendered:
    """The /settings message: current choices and the keyboard to change them."""
    choices = [
        _button(
            _checked(label(lang), _is_choice(subscriber, instant, digest, paused)),
            SettingsButton(action=SettingsAction.MODE, value=index),
        )
        for index, (label, instant, digest, paused) in enumerate(DELIVERY_CHOICES)
    ]
    hour = texts.BUTTON_HOUR(lang, hour=f"{subscriber.digest_hour:02d}:00")
    timing = [_button(hour, SettingsButton(action=SettingsAction.HOURS))]
    if subscriber.digest == "weekly":
        day = texts.BUTTON_DAY(lang, day=texts.WEEKDAYS[subscriber.digest_weekday](lang))
        timing.append(_button(day, SettingsButton(action=SettingsAction.DAYS)))
    zone_label = texts.BUTTON_ZONE(lang, zone=subscriber.timezone or zone)
    languages = [
        _button(
            _checked(texts.LANGUAGE_NAME(code), code == lang),
            SettingsButton(action=SettingsAction.LANGUAGE, value=index),
        )
        for index, code in enumerate(LANGUAGES)
    ]
    rows = [choices[:2], choices[2:]]
    if subscriber.instant and not subscriber.paused:
        rows.append(
            [
                _button(
                    _checked(label(lang), subscriber.digest == digest),
                    SettingsButton(action=SettingsAction.ALSO, value=index),
                )
                for index, (label, digest) in enumerate(EXTRA_DIGESTS)
            ]
        )
    rows += [timing, [_button(zone_label, SettingsButton(action=SettingsAction.ZONES))]]
    rows.append(languages)
    keyboard = InlineKeyboardMarkup(inline_keyboard=rows)
    return Rendered(settings_summary(subscriber, lang, zone), keyboard)


def _is_choice(subscriber: Subscriber, instant: bool, digest: str, paused: bool) -> bool:
    if paused or subscriber.paused:
        return paused and subscriber.paused
    return subscriber.instant == instant and (instant or subscriber.digest == digest)


def hour_picker(subscriber: Subscriber, lang: Lang, zone: str) -> Rendered:
    """A grid of the 24 hours for the digest, the current one marked."""
    buttons = [
        _button(
            _checked(f"{hour:02d}", hour == subscriber.digest_hour),
            SettingsButton(action=SettingsAction.HOUR, value=hour),
        )
        for hour in range(24)
    ]
    rows = [buttons[i : i + HOURS_PER_ROW] for i in range(0, 24, HOURS_PER_ROW)]
    rows.append(_back(lang))
    text = texts.CHOOSE_HOUR(lang, zone=subscriber.timezone or zone)
    return Rendered(text, InlineKeyboardMarkup(inline_keyboard=rows))


def _back(lang: Lang) -> list[InlineKeyboardButton]:
    return [_button(texts.BUTTON_BACK(lang), SettingsButton(action=SettingsAction.BACK))]


def day_picker(subscriber: Subscriber, lang: Lang) -> Rendered:
    """The seven weekdays for a weekly digest, the current one marked."""
    buttons = [
        _button(
            _checked(name(lang), day == subscriber.digest_weekday),
            SettingsButton(action=SettingsAction.DAY, value=day),
        )
        for day, name in enumerate(texts.WEEKDAYS)
    ]
    rows = [buttons[i : i + DAYS_PER_ROW] for i in range(0, len(buttons), DAYS_PER_ROW)]
    rows.append(_back(lang))
    return Rendered(texts.CHOOSE_DAY(lang), InlineKeyboardMarkup(inline_keyboard=rows))


def zone_picker(subscriber: Subscriber, lang: Lang, zone: str) -> Rendered:
    """Common time zones as buttons (value = index + 1), and the press centre's (value 0)."""
    buttons = [
        _button(
            _checked(name(lang), key == subscriber.timezone),
            SettingsButton(action=SettingsAction.ZONE, value=index),
        )
        for index, (key, name) in enumerate(texts.TIME_ZONES, start=1)
    ]
    rows = [buttons[i : i + ZONES_PER_ROW] for i in range(0, len(buttons), ZONES_PER_ROW)]
    own = _checked(texts.BUTTON_PRESS_ZONE(lang, zone=zone), subscriber.timezone is None)
    rows.append([_button(own, SettingsButton(action=SettingsAction.ZONE, value=0))])
    rows.append(_back(lang))
    text = texts.CHOOSE_ZONE(lang, zone=subscriber.timezone or zone)
    return Rendered(text, InlineKeyboardMarkup(inline_keyboard=rows))


def subscriber_counts(counts: SubscriberCounts, lang: Lang) -> Html:
    """The /subscribers report for staff."""
    status, mode = counts.by_status, counts.by_mode
    return texts.SUBSCRIBERS(
        lang,
        total=counts.total,
        active=status["active"],
        unsubscribed=status["unsubscribed"],
        blocked=status["blocked"],
        gone=status["gone"],
        instant=mode["instant"] + mode["instant+daily"] + mode["instant+weekly"],
        instant_digest=mode["instant+daily"] + mode["instant+weekly"],
        daily=mode["daily"],
        weekly=mode["weekly"],
        paused=mode["paused"],
    )
