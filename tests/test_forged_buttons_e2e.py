"""Forged button data: whatever a press carries, it is answered politely, no handler fails,
and nothing is learnt about releases readers cannot see."""

from __future__ import annotations

import time

from bot import texts
from storage import releases
from tests.harness import Pressroom
from tests.publishing_kit import BODY, post, readers


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
