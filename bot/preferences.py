"""What a /settings button changes: the reader's delivery (as they come, a digest, both,
paused), digest hour and day, time zone and interface language. Pure functions of the
subscriber and the button's value; `handlers.settings` stores what they return."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot import texts
from bot.i18n import LANGUAGES, Lang
from storage.subscribers import DigestChoice, Subscriber

HOURS = 24


@dataclass(frozen=True, slots=True)
class Delivery:
    """How releases reach a reader: as they come, in a digest, or both; paused or not."""

    instant: bool
    digest: DigestChoice
    paused: bool


class Choice(StrEnum):
    """A delivery button of /settings."""

    INSTANT = "instant"
    DAILY = "daily"
    WEEKLY = "weekly"
    PAUSED = "paused"
    ALSO_DAILY = "also daily"
    ALSO_WEEKLY = "also weekly"


# The value of a "mode" button is its place here, of a "digest too" button its place in EXTRAS.
MODES: tuple[Choice, ...] = (Choice.INSTANT, Choice.DAILY, Choice.WEEKLY, Choice.PAUSED)
# Offered to readers who take releases as they come.
EXTRAS: tuple[Choice, ...] = (Choice.ALSO_DAILY, Choice.ALSO_WEEKLY)
_MODE_DIGEST: dict[Choice, DigestChoice] = {Choice.DAILY: "daily", Choice.WEEKLY: "weekly"}
_EXTRA_DIGEST: dict[Choice, DigestChoice] = {
    Choice.ALSO_DAILY: "daily",
    Choice.ALSO_WEEKLY: "weekly",
}


def pick(choices: tuple[Choice, ...], value: int) -> Choice | None:
    """The choice a button's value names, or None for a value from no keyboard of ours."""
    return choices[value] if 0 <= value < len(choices) else None


def mode_of(subscriber: Subscriber) -> Choice:
    """Which of `MODES` a reader's settings show as chosen."""
    if subscriber.paused:
        return Choice.PAUSED
    if subscriber.instant:
        return Choice.INSTANT
    return Choice.WEEKLY if subscriber.digest == "weekly" else Choice.DAILY


def extra_of(subscriber: Subscriber) -> Choice | None:
    """Which of `EXTRAS` a reader's settings show as chosen, if any."""
    for choice, digest in _EXTRA_DIGEST.items():
        if subscriber.digest == digest:
            return choice
    return None


def offers_extras(subscriber: Subscriber) -> bool:
    """Whether "digest too" applies: only to readers taking releases as they come."""
    return subscriber.instant and not subscriber.paused


def delivery_after(subscriber: Subscriber, choice: Choice) -> Delivery | None:
    """The reader's delivery once `choice` is pressed; None when the button no longer applies
    (a "digest too" button still on screen after the reader stopped taking releases as they
    come)."""
    current = Delivery(subscriber.instant, subscriber.digest, subscriber.paused)
    if choice is Choice.PAUSED:
        return Delivery(current.instant, current.digest, paused=True)
    if choice is Choice.INSTANT:
        # "As they come" again (or to resume) keeps a digest taken on top of it.
        digest = current.digest if current.instant else "off"
        return Delivery(instant=True, digest=digest, paused=False)
    if choice in (Choice.DAILY, Choice.WEEKLY):
        return Delivery(instant=False, digest=_MODE_DIGEST[choice], paused=False)
    if not offers_extras(subscriber):
        return None
    extra = _EXTRA_DIGEST[choice]
    # The same button again takes the digest off: back to releases as they come only.
    return Delivery(instant=True, digest="off" if current.digest == extra else extra, paused=False)


def digest_hour(value: int) -> int | None:
    """The local hour a button names (0-23), or None."""
    return value if 0 <= value < HOURS else None


def digest_weekday(value: int) -> int | None:
    """The weekday a button names (0 = Monday), or None."""
    return value if 0 <= value < len(texts.WEEKDAYS) else None


def zone(value: int) -> tuple[bool, str | None]:
    """The time zone a button names: (True, one of `texts.TIME_ZONES`), (True, None) for the
    press centre's (value 0), or (False, None) for a value from no keyboard of ours."""
    if value == 0:
        return True, None
    if 0 < value <= len(texts.TIME_ZONES):
        return True, texts.TIME_ZONES[value - 1][0]
    return False, None


def language(value: int) -> Lang | None:
    """The interface language a button names, or None."""
    return LANGUAGES[value] if 0 <= value < len(LANGUAGES) else None
