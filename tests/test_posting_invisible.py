"""Zero-width and direction-changing characters leave titles and typed summaries before their
length is checked (`bot.posting`), in the quick form, the dialog and Edit summary alike."""

from __future__ import annotations

import pytest

from bot import posting, texts
from tests.harness import STAFF_ID, Pressroom
from tests.publishing_kit import BODY, post

HIDDEN = [chr(c) for c in (*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A))]


@pytest.mark.parametrize("hidden", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Plant{h} opens", "Plant opens"),
        ("{h}{h}{h}", ""),
        ("Завод{h}  открыт{h}", "Завод открыт"),
    ],
)
def test_one_line_and_paragraphs_drop_hidden_characters(
    hidden: str, typed: str, kept: str
) -> None:
    text = typed.format(h=hidden)
    assert posting.one_line(text) == kept
    assert posting.paragraphs(f"{text}\n{text}") == (f"{kept}\n{kept}" if kept else "")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("\U0001f469\u200d\U0001f4bb team", "\U0001f469\u200d\U0001f4bb team"),
        ("\U0001f3f3\ufe0f\u200d\U0001f308 flag", "\U0001f3f3\ufe0f\u200d\U0001f308 flag"),
        ("\u2764\ufe0f\u200d\U0001f525", "\u2764\ufe0f\u200d\U0001f525"),
        ("\U0001f469\u200d team", "\U0001f469 team"),
        ("team \u200d\U0001f4bb", "team \U0001f4bb"),
        ("\u200d\u200d\U0001f4bb", "\U0001f4bb"),
    ],
)
def test_the_joiner_stays_only_inside_an_emoji_sequence(typed: str, kept: str) -> None:
    assert posting.one_line(typed) == kept
    assert posting.paragraphs(typed) == kept


@pytest.mark.parametrize("hidden", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
def test_hidden_characters_neither_pad_a_title_past_the_limit_nor_pass_for_one(
    hidden: str,
) -> None:
    padded = posting.one_line("x" * posting.TITLE_MAX + hidden * 50)
    assert padded == "x" * posting.TITLE_MAX
    assert posting.title_problem(padded, "en") is None
    assert posting.title_problem(posting.one_line(hidden * 5), "en") == texts.TITLE_NEEDS_TEXT.en
    quick = posting.parse_quick(f"\u202eTitle{hidden}\n{BODY}")
    assert quick.title == "Title"


async def test_titles_and_typed_summaries_are_stored_without_them(pressroom: Pressroom) -> None:
    preview = await post(pressroom, f"\u202eVolga\u200b Motors\u2066 opens a plant\u2069\n{BODY}")
    assert preview.release.title == "Volga Motors opens a plant"
    await pressroom.new_messages(
        STAFF_ID, pressroom.press(STAFF_ID, preview.controls, "Edit summary"), 1
    )
    await pressroom.new_messages(
        STAFF_ID,
        pressroom.emulator.send_text(STAFF_ID, "\u200fA new\u200d summary.\u202c\n\u2067Second."),
        3,
    )
    stored = await pressroom.db.fetchone("SELECT summary FROM releases")
    assert stored is not None and stored["summary"] == "A new summary.\nSecond."
