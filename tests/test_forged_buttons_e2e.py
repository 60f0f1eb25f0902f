"""Forged button data: whatever a press carries, it is answered politely, no handler fails,
and nothing is learnt about releases readers cannot see."""

from __future__ import annotations

import logging
import time
from enum import Enum
from itertools import product
from typing import TypeGuard

import pytest
from aiogram.filters.callback_data import CallbackData

from bot import texts
from bot.callbacks import (
    ChatSwitch,
    DigestOpen,
    DigestPage,
    Rate,
    ReleaseButton,
    SettingsButton,
    Totals,
)
from storage import releases
from tests.harness import STAFF_ID, Pressroom
from tests.publishing_kit import BODY, post, publish, readers


async def test_a_star_on_a_draft_or_scheduled_number_answers_as_for_no_release(
    pressroom: Pressroom,
) -> None:
    draft = await post(pressroom, f"Plant opens\n{BODY}")
    scheduled = await post(pressroom, f"Second plant\n{BODY}")
    await releases.schedule(pressroom.db, scheduled.release.id, time.time() + 3600)
    reader = (await readers(pressroom, 141))[0]
    greeting = pressroom.emulator.messages(reader)[0]

    answers = []
    for release_id in (draft.release.id, scheduled.release.id, 999):
        data = f"r:{release_id}:4"
        answer = await pressroom.press_data(reader, greeting, data, forge=True)
        answers.append((answer.text, answer.show_alert))
    assert answers == [(texts.RATE_INVALID.en, True)] * 3
    for release in (draft.release, scheduled.release):
        stored = await releases.get(pressroom.db, release.id)
        assert stored is not None and stored.status in ("draft", "scheduled")


# Past 64 bits, at the edges of 64 bits, negative and zero: what a hand-made press may carry.
ABSURD = [0, -1, -(2**63) - 1, 2**63, 2**64, 10**40]
FACTORIES: list[type[CallbackData]] = [
    SettingsButton,
    Rate,
    ReleaseButton,
    DigestPage,
    DigestOpen,
    Totals,
    ChatSwitch,
]


def forged(factory: type[CallbackData]) -> list[str]:
    """Packed data for every choice of each enum field and every absurd value of each number
    field, the other numbers being 1; each within Telegram's 64 bytes."""
    fields = factory.model_fields
    enums = {name: list(f.annotation) for name, f in fields.items() if _is_enum(f.annotation)}
    numbers = [name for name, f in fields.items() if not _is_enum(f.annotation)]
    assert numbers, factory
    choices = [dict(zip(enums, values, strict=True)) for values in product(*enums.values())]
    packed = []
    for choice, name, value in product(choices, numbers, ABSURD):
        parts = {field: choice.get(field, 1) for field in fields} | {name: value}
        data = ":".join([factory.__prefix__, *(str(parts[field]) for field in fields)])
        assert len(data.encode()) <= 64, data
        packed.append(data)
    return packed


def _is_enum(annotation: object) -> TypeGuard[type[Enum]]:
    return isinstance(annotation, type) and issubclass(annotation, Enum)


@pytest.mark.parametrize("factory", FACTORIES, ids=[f.__name__ for f in FACTORIES])
async def test_every_button_with_absurd_numbers_gets_a_polite_answer(
    pressroom: Pressroom, factory: type[CallbackData], caplog: pytest.LogCaptureFixture
) -> None:
    await pressroom.say(STAFF_ID, "/start")
    # Release 1 is out (digest windows hold it, its stars and number work), release 2 a draft.
    await publish(pressroom, f"Plant opens\n{BODY}")
    await post(pressroom, f"Second plant\n{BODY}")
    staff_chat = pressroom.emulator.messages(STAFF_ID)[0]
    for number, data in enumerate(forged(factory)):
        # A reader of their own for each press, so no throttle stands in for the handler.
        reader = pressroom.user(20_000 + number)
        greeting = await pressroom.say(reader, "/start")
        for person, message in ((reader, greeting), (STAFF_ID, staff_chat)):
            # Returns once the emulator has recorded the bot's answer to the press; a handler
            # that fails answers nothing, and this times out.
            await pressroom.press_data(person, message, data, forge=True)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
