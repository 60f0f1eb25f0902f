"""End to end, people first: a press is answered before its star row is redrawn, quick presses
on one copy end showing the last vote, and 429s on replies and redraws are waited out so every
reply arrives (late, not lost). Order and outcomes are asserted, never wall-clock times."""

from __future__ import annotations

import asyncio
from pathlib import Path

from storage import subscribers, votes
from tests.emulator import Emulator
from tests.emulator.state import StoredMessage
from tests.harness import STAFF_ID, Pressroom, settings_for
from tests.publishing_kit import BODY, publish, readers


def labels(pressroom: Pressroom, message: StoredMessage) -> list[str]:
    """The star row of the message as it is now."""
    return [button["text"] for button in pressroom.current(message).buttons]


async def test_a_press_is_answered_before_its_star_row_is_redrawn(pressroom: Pressroom) -> None:
    (reader,) = await readers(pressroom, 201)
    _, got = await publish(pressroom, f"Plant opens\n{BODY}", reader)
    emulator = pressroom.emulator
    # A round trip of its own for each call, as Telegram has.
    emulator.latency = 0.05
    query_id = await emulator.press_button(
        reader, reader, got[reader].message_id, got[reader].button("3 ★")["callback_data"]
    )
    await emulator.wait_for(lambda: "✓ 3 ★" in labels(pressroom, got[reader]), 10)
    log = [
        record.method
        for record in emulator.requests
        if record.params.get("callback_query_id") == query_id
        or (
            record.method == "editMessageReplyMarkup"
            and str(record.params.get("chat_id")) == str(reader)
        )
    ]
    assert log == ["answerCallbackQuery", "editMessageReplyMarkup"]
    assert emulator.callback_answers[query_id].text == "Your rating: 3 ★ · Total: 1 · Average: 3.0"


async def test_quick_presses_on_one_copy_end_showing_the_last_vote(pressroom: Pressroom) -> None:
    (reader,) = await readers(pressroom, 202)
    release, got = await publish(pressroom, f"Plant opens\n{BODY}", reader)
    emulator = pressroom.emulator
    emulator.latency = 0.1
    message = got[reader]
    presses = [
        await emulator.press_button(
            reader, reader, message.message_id, message.button(f"{stars} ★")["callback_data"]
        )
        for stars in (1, 2, 3, 4, 5, 2)
    ]
    await emulator.wait_for(lambda: all(q in emulator.callback_answers for q in presses), 10)
    await emulator.wait_for(lambda: "✓ 2 ★" in labels(pressroom, message), 10)
    assert await votes.of(pressroom.db, release.id, reader) == 2
    # Redraws of one message coalesce: fewer edits than presses, the last vote shown last.
    edits = emulator.calls("editMessageReplyMarkup")
    assert 1 <= len(edits) < len(presses)
    assert labels(pressroom, message) == ["1 ★", "✓ 2 ★", "3 ★", "4 ★", "5 ★"]
    answers = [emulator.callback_answers[q].text for q in presses]
    assert answers[-1] == "Your rating: 2 ★ · Total: 1 · Average: 2.0"


async def test_a_flood_of_help_gets_every_reply_late_not_lost(pressroom: Pressroom) -> None:
    emulator = pressroom.emulator
    flood = await readers(pressroom, *range(300, 330))
    # Far below the lane's pace: most replies meet a 429 first and are sent again after it.
    emulator.global_rate = 10
    before = {reader: len(emulator.messages(reader)) for reader in flood}
    for reader in flood:
        await emulator.send_text(reader, "/help")
    await emulator.wait_for(lambda: all(len(emulator.messages(r)) > before[r] for r in flood), 40)
    assert emulator.status_counts[429] > 0
    for reader in flood:
        assert len(emulator.messages(reader)) == before[reader] + 1
        assert "/settings" in emulator.last_message(reader).content


async def test_redraws_wait_out_429s_and_every_row_ends_marked(pressroom: Pressroom) -> None:
    emulator = pressroom.emulator
    crowd = await readers(pressroom, *range(400, 412))
    _, got = await publish(pressroom, f"Plant opens\n{BODY}", *crowd)
    emulator.global_rate = 3
    presses = [
        await emulator.press_button(
            reader, reader, got[reader].message_id, got[reader].button("5 ★")["callback_data"]
        )
        for reader in crowd
    ]
    await emulator.wait_for(lambda: all(q in emulator.callback_answers for q in presses), 10)
    await emulator.wait_for(lambda: all("✓ 5 ★" in labels(pressroom, got[r]) for r in crowd), 40)
    assert emulator.status_counts[429] > 0
    totals = sorted(emulator.callback_answers[q].text or "" for q in presses)
    assert totals == sorted(
        f"Your rating: 5 ★ · Total: {n} · Average: 5.0" for n in range(1, len(crowd) + 1)
    )


async def test_help_during_a_broadcast_gets_every_reply_within_telegrams_limits(
    emulator: Emulator, tmp_path: Path
) -> None:
    emulator.add_user(STAFF_ID, first_name="Editor", language_code="en")
    pressroom = Pressroom(emulator, settings_for(emulator, tmp_path, paid_broadcast=True))
    await pressroom.start()
    try:
        crowd = [pressroom.user(reader) for reader in range(2000, 2600)]
        for reader in crowd:
            await subscribers.subscribe(
                pressroom.db, reader, first_name="Reader", username=None, telegram_language="en"
            )
        emulator.enable_telegram_limits()
        since = len(emulator.requests)
        publishing = asyncio.create_task(publish(pressroom, f"Plant opens\n{BODY}", *crowd))
        # Twice the free budget's burst asks for /help as their copies land, while the others'
        # are still coming: the replies wait their turn instead of meeting a 429.
        asking = crowd[:60]
        for reader in asking:
            await emulator.wait_for_messages(reader, 1, timeout=10)
            await emulator.send_text(reader, "/help")
        await publishing
        await emulator.wait_for(lambda: all(len(emulator.messages(r)) == 2 for r in asking), 15)
    finally:
        await pressroom.stop()
    for reader in crowd:
        seen = [message.content for message in emulator.messages(reader)]
        assert "Plant opens" in seen[0]
        if reader in asking:
            assert len(seen) == 2 and "/settings" in seen[1]
        else:
            assert len(seen) == 1
    sends = [r for r in emulator.requests[since:] if r.method == "sendMessage"]
    replies = [i for i, r in enumerate(sends) if "/settings" in str(r.params["text"])]
    copies = [i for i, r in enumerate(sends) if "Plant opens" in str(r.params["text"])]
    # One attempt a reply, none refused; the first went out before the last copy.
    assert len(replies) == len(asking)
    assert all(sends[i].status == 200 for i in replies)
    assert replies[0] < copies[-1]
