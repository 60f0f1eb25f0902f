"""What a /settings button changes, as a table: the reader's settings and the button pressed in,
their delivery after it out."""

from __future__ import annotations

from typing import Any

import pytest

from bot import preferences, texts
from bot.preferences import EXTRAS, MODES, Choice, Delivery
from storage.subscribers import Subscriber


def reader(instant: bool = True, digest: Any = "off", paused: bool = False) -> Subscriber:
    return Subscriber(
        chat_id=1,
        first_name="Anna",
        username=None,
        telegram_language="en",
        language=None,
        status="active",
        instant=instant,
        digest=digest,
        paused=paused,
        digest_hour=9,
        digest_weekday=0,
        timezone=None,
        digest_since=None,
        created_at=0.0,
        updated_at=0.0,
    )


INSTANT = reader()
INSTANT_DAILY = reader(digest="daily")
DAILY = reader(instant=False, digest="daily")
WEEKLY = reader(instant=False, digest="weekly")
PAUSED = reader(paused=True)
PAUSED_DAILY_ONLY = reader(instant=False, digest="daily", paused=True)
PAUSED_INSTANT_WEEKLY = reader(digest="weekly", paused=True)


@pytest.mark.parametrize(
    ("before", "choice", "after"),
    [
        # Mode buttons.
        (INSTANT, Choice.INSTANT, Delivery(True, "off", False)),
        (INSTANT, Choice.DAILY, Delivery(False, "daily", False)),
        (INSTANT, Choice.WEEKLY, Delivery(False, "weekly", False)),
        (DAILY, Choice.INSTANT, Delivery(True, "off", False)),
        (DAILY, Choice.WEEKLY, Delivery(False, "weekly", False)),
        (INSTANT_DAILY, Choice.DAILY, Delivery(False, "daily", False)),
        # "As they come" again keeps a digest taken on top of it.
        (INSTANT_DAILY, Choice.INSTANT, Delivery(True, "daily", False)),
        # Pausing keeps what resuming goes back to.
        (INSTANT_DAILY, Choice.PAUSED, Delivery(True, "daily", True)),
        (DAILY, Choice.PAUSED, Delivery(False, "daily", True)),
        (PAUSED, Choice.PAUSED, Delivery(True, "off", True)),
        # Resuming: "as they come" keeps the digest taken on top, not a digest-only one.
        (PAUSED_INSTANT_WEEKLY, Choice.INSTANT, Delivery(True, "weekly", False)),
        (PAUSED_DAILY_ONLY, Choice.INSTANT, Delivery(True, "off", False)),
        (PAUSED_DAILY_ONLY, Choice.DAILY, Delivery(False, "daily", False)),
        # "Digest too" buttons, for readers who take releases as they come.
        (INSTANT, Choice.ALSO_DAILY, Delivery(True, "daily", False)),
        (INSTANT, Choice.ALSO_WEEKLY, Delivery(True, "weekly", False)),
        (INSTANT_DAILY, Choice.ALSO_WEEKLY, Delivery(True, "weekly", False)),
        # The same button again takes the digest off.
        (INSTANT_DAILY, Choice.ALSO_DAILY, Delivery(True, "off", False)),
        # Left on screen after the reader moved on: no longer applies.
        (DAILY, Choice.ALSO_DAILY, None),
        (WEEKLY, Choice.ALSO_WEEKLY, None),
        (PAUSED, Choice.ALSO_DAILY, None),
    ],
)
def test_delivery_after_a_press(
    before: Subscriber, choice: Choice, after: Delivery | None
) -> None:
    assert preferences.delivery_after(before, choice) == after


@pytest.mark.parametrize(
    ("subscriber", "mode", "extra"),
    [
        (INSTANT, Choice.INSTANT, None),
        (INSTANT_DAILY, Choice.INSTANT, Choice.ALSO_DAILY),
        (DAILY, Choice.DAILY, Choice.ALSO_DAILY),
        (WEEKLY, Choice.WEEKLY, Choice.ALSO_WEEKLY),
        (PAUSED, Choice.PAUSED, None),
        (PAUSED_DAILY_ONLY, Choice.PAUSED, Choice.ALSO_DAILY),
    ],
)
def test_what_the_keyboard_marks(
    subscriber: Subscriber, mode: Choice, extra: Choice | None
) -> None:
    assert preferences.mode_of(subscriber) is mode
    assert preferences.extra_of(subscriber) is extra


@pytest.mark.parametrize(
    ("choices", "value", "expected"),
    [
        (MODES, 0, Choice.INSTANT),
        (MODES, 3, Choice.PAUSED),
        (MODES, 4, None),
        (MODES, -1, None),
        (EXTRAS, 1, Choice.ALSO_WEEKLY),
        (EXTRAS, 2, None),
    ],
)
def test_button_values(choices: tuple[Choice, ...], value: int, expected: Choice | None) -> None:
    assert preferences.pick(choices, value) is expected


@pytest.mark.parametrize(
    ("value", "hour", "weekday", "language"),
    [
        (0, 0, 0, "ru"),
        (1, 1, 1, "en"),
        (2, 2, 2, None),
        (6, 6, 6, None),
        (7, 7, None, None),
        (23, 23, None, None),
        (24, None, None, None),
        (-1, None, None, None),
    ],
)
def test_hour_day_and_language_values(
    value: int, hour: int | None, weekday: int | None, language: str | None
) -> None:
    assert preferences.digest_hour(value) == hour
    assert preferences.digest_weekday(value) == weekday
    assert preferences.language(value) == language


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, (True, None)),
        (1, (True, texts.TIME_ZONES[0][0])),
        (len(texts.TIME_ZONES), (True, texts.TIME_ZONES[-1][0])),
        (len(texts.TIME_ZONES) + 1, (False, None)),
        (-1, (False, None)),
    ],
)
def test_zone_values(value: int, expected: tuple[bool, str | None]) -> None:
    assert preferences.zone(value) == expected
