"""Long pastes that Telegram splits into several messages become one release body, in order,
in the /post dialog and in the quick form alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import texts
from bot.pastes import PASTE_WINDOW
from tests.emulator import Emulator
from tests.harness import STAFF_ID, Pressroom, settings_for
from tests.publishing_kit import preview_after

LINK = "https://volga.example/news/kazan-plant"
# Three pieces as Telegram cuts a 12,000-character paste: each under 4,096 characters.
PIECES = [
    " ".join(f"Part {part}, sentence {n} of the Kazan plant release." for n in range(70))
    for part in ("one", "two", "three")
]


@pytest.fixture
async def pressroom(emulator: Emulator, tmp_path: Path) -> AsyncIterator[Pressroom]:
    """The bot with the paste window it runs with in production."""
    emulator.add_user(STAFF_ID, first_name="Editor", language_code="en")
    app = Pressroom(emulator, settings_for(emulator, tmp_path), paste_window=PASTE_WINDOW)
    await app.start()
    yield app
    await app.stop()


async def test_a_paste_in_three_messages_is_one_body_with_one_link_question(
    pressroom: Pressroom,
) -> None:
    assert all(len(piece) < 4096 for piece in PIECES)
    await pressroom.say(STAFF_ID, "/post")
    await pressroom.say(STAFF_ID, "Volga Motors opens a plant")
    before = len(pressroom.emulator.messages(STAFF_ID))
    for piece in PIECES:
        await pressroom.emulator.send_text(STAFF_ID, piece)
    await pressroom.emulator.wait_for(
        lambda: len(pressroom.emulator.messages(STAFF_ID)) > before, 10
    )
    preview = await preview_after(pressroom, pressroom.emulator.send_text(STAFF_ID, LINK))

    replies = [m.content for m in pressroom.emulator.messages(STAFF_ID)[before:]]
    assert replies[0] == texts.POST_ASK_LINK.en
    assert texts.LINK_INVALID.en not in replies
    assert len(replies) == 3  # the link question, then the preview and its controls
    assert preview.release.body == "\n\n".join(PIECES)
    assert preview.release.title == "Volga Motors opens a plant"
    assert preview.release.link == LINK


async def test_the_quick_form_waits_for_the_rest_of_its_paste(pressroom: Pressroom) -> None:
    before = len(pressroom.emulator.messages(STAFF_ID))
    first, middle, last = PIECES
    pieces = [f"/post Volga Motors opens a plant\n{first}", middle, f"{last}\nSource: {LINK}"]
    for piece in pieces:
        await pressroom.emulator.send_text(STAFF_ID, piece)
    await pressroom.emulator.wait_for(
        lambda: len(pressroom.emulator.messages(STAFF_ID)) >= before + 2, 10
    )
    # Updates are handled in order: once /releases is answered, every piece has been.
    await pressroom.say(STAFF_ID, "/releases")
    replies = pressroom.emulator.messages(STAFF_ID)[before:]
    assert texts.NOT_A_COMMAND.en not in [m.content for m in replies]
    assert len(replies) == 3  # the preview, its controls, the list
    assert replies[1].buttons[0]["text"] == "Publish now"
    drafts = await pressroom.db.fetchall("SELECT title, body, link FROM releases")
    assert [tuple(row) for row in drafts] == [
        ("Volga Motors opens a plant", "\n\n".join(PIECES), LINK)
    ]
