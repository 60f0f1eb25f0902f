"""End to end, as readers: star presses are recorded once, can be changed, are answered like
the site widget, mark the reader's own message; stale and forged presses store nothing."""

from __future__ import annotations

from typing import Any

import pytest

from bot import texts
from storage import subscribers, votes
from storage.releases import MAX_ID
from tests.emulator.state import StoredMessage
from tests.harness import STAFF_ID, Pressroom
from tests.publishing_kit import BODY, post, publish, readers


async def showing(pressroom: Pressroom, message: StoredMessage, label: str) -> StoredMessage:
    """The message once its star row shows `label` (redraws follow the answer)."""
    await pressroom.emulator.wait_for(
        lambda: label in [b["text"] for b in pressroom.current(message).buttons], 10
    )
    return pressroom.current(message)


@pytest.mark.parametrize(
    ("language", "first", "changed", "second"),
    [
        (
            "en",
            "Your rating: 4 ★ · Total: 1 · Average: 4.0",
            "Your rating: 2 ★ · Total: 1 · Average: 2.0",
            "Your rating: 5 ★ · Total: 2 · Average: 3.5",
        ),
        (
            "ru",
            "Ваша оценка: 4 ★ · Всего: 1 · Средняя: 4,0",
            "Ваша оценка: 2 ★ · Всего: 1 · Средняя: 2,0",
            "Ваша оценка: 5 ★ · Всего: 2 · Средняя: 3,5",
        ),
    ],
)
async def test_a_vote_is_recorded_changed_and_shown(
    pressroom: Pressroom, language: str, first: str, changed: str, second: str
) -> None:
    anna, boris = await readers(pressroom, 101, 102, language=language)
    release, got = await publish(pressroom, f"Plant opens\n{BODY}", anna, boris)
    message = got[anna]

    answer = await pressroom.press(anna, message, "4 ★")
    assert answer.text == first and not answer.show_alert
    marked = await showing(pressroom, message, "✓ 4 ★")
    assert [b["text"] for b in marked.buttons] == ["1 ★", "2 ★", "3 ★", "✓ 4 ★", "5 ★"]
    assert marked.content == message.history[-1]["text"]  # only the keyboard changed
    edits = len(pressroom.emulator.calls("editMessageReplyMarkup"))

    # The same star again: counted once, and the message is left alone (no edit attempted).
    assert (await pressroom.press(anna, marked, "✓ 4 ★")).text == first
    assert len(pressroom.emulator.calls("editMessageReplyMarkup")) == edits

    assert (await pressroom.press(anna, marked, "2 ★")).text == changed
    assert (await showing(pressroom, message, "✓ 2 ★")).button("✓ 2 ★")
    assert (await pressroom.press(boris, got[boris], "5 ★")).text == second
    assert (await showing(pressroom, got[boris], "✓ 5 ★")).button("✓ 5 ★")
    assert pressroom.current(message).button("✓ 2 ★")  # Anna's message shows Anna's vote

    assert await votes.of(pressroom.db, release.id, anna) == 2
    assert await votes.distribution(pressroom.db, release.id) == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1}
    assert pressroom.emulator.violations == []


async def test_a_press_answers_in_the_language_chosen_without_reading_the_reader(
    pressroom: Pressroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []
    read = subscribers.get

    async def spy(db: Any, chat_id: int) -> subscribers.Subscriber | None:
        reads.append(chat_id)
        return await read(db, chat_id)

    monkeypatch.setattr(subscribers, "get", spy)
    (anna,) = await readers(pressroom, 121, language="en")
    view = await pressroom.say(anna, "/settings")
    await pressroom.press(anna, view, "Русский")
    assert reads.count(anna) >= 2  # the other updates still read the subscriber
    release, got = await publish(pressroom, f"Plant opens\n{BODY}", anna)

    reads.clear()
    answer = await pressroom.press(anna, got[anna], "4 ★")
    assert answer.text == "Ваша оценка: 4 ★ · Всего: 1 · Средняя: 4,0"
    assert reads == []

    await pressroom.press(anna, pressroom.current(view), "English")
    assert "Delivery: every release as it comes" in pressroom.current(view).content
    reads.clear()
    answer = await pressroom.press(anna, pressroom.current(got[anna]), "2 ★")
    assert answer.text == "Your rating: 2 ★ · Total: 1 · Average: 2.0"
    assert reads == []
    assert await votes.of(pressroom.db, release.id, anna) == 2


async def test_forged_and_stale_presses_store_nothing(pressroom: Pressroom) -> None:
    reader = (await readers(pressroom, 111))[0]
    release, got = await publish(pressroom, f"Plant opens\n{BODY}", reader)
    message = got[reader]
    forged = [
        f"r:{release.id}:0",
        f"r:{release.id}:6",
        f"r:{release.id}:-1",
        f"r:{release.id}:x",
        f"r:{release.id}:3:9",
        "r:999:3",
        f"r:{MAX_ID}:3",
        "r:99999999999999999999999:3",
        "r:0:3",
        "r:",
        # The live counter's data, malformed, is answered the same way.
        "rt:x",
        f"rt:{release.id}:9",
        "rt:",
    ]
    for data in forged:
        answer = await pressroom.press_data(reader, message, data, forge=True)
        assert (answer.text, answer.show_alert) == (texts.RATE_INVALID.en, True), data
    assert pressroom.current(message).edit_count == 0
    assert await votes.distribution(pressroom.db, release.id) == dict.fromkeys(range(1, 6), 0)


async def test_a_press_naming_another_release_does_not_swap_the_buttons(
    pressroom: Pressroom,
) -> None:
    reader = (await readers(pressroom, 121))[0]
    first, got_first = await publish(pressroom, f"Plant opens\n{BODY}", reader)
    message = got_first[reader]
    second, _ = await publish(pressroom, f"Second plant\n{BODY}", reader)
    answer = await pressroom.press_data(reader, message, f"r:{second.id}:5", forge=True)
    assert answer.text == "Your rating: 5 ★ · Total: 1 · Average: 5.0"
    assert [b["text"] for b in pressroom.current(message).buttons][4] == "5 ★"
    assert await votes.of(pressroom.db, first.id, reader) is None


async def test_a_preview_cannot_be_rated_nor_a_retracted_release(pressroom: Pressroom) -> None:
    preview = await post(pressroom, f"Plant opens\n{BODY}")
    answer = await pressroom.press(STAFF_ID, preview.view, "3 ★")
    assert (answer.text, answer.show_alert) == (texts.RATE_NOT_YET.en, True)

    reader = (await readers(pressroom, 131, language="ru"))[0]
    release, got = await publish(pressroom, f"Plant opens\n{BODY}", reader)
    await pressroom.press(reader, got[reader], "5 ★")
    question = await pressroom.say(STAFF_ID, f"/retract {release.id}")
    await pressroom.press(STAFF_ID, question, "Retract")
    await pressroom.emulator.wait_for(lambda: pressroom.current(got[reader]).deleted, 10)
    answer = await pressroom.press_data(reader, got[reader], f"r:{release.id}:1", forge=True)
    assert (answer.text, answer.show_alert) == (texts.RATE_WITHDRAWN.ru, True)
    assert await votes.of(pressroom.db, release.id, reader) == 5
