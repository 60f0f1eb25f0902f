"""Every text exists in both languages with the same fields and markup."""

from __future__ import annotations

import re

import pytest

from bot import chat_texts, source_texts, texts
from bot.html import Html
from bot.i18n import Text, pick_language

ALL_TEXTS = (
    {name: value for name, value in vars(texts).items() if isinstance(value, Text)}
    | {
        f"source_texts.{name}": value
        for name, value in vars(source_texts).items()
        if isinstance(value, Text)
    }
    | {
        f"chat_texts.{name}": value
        for name, value in vars(chat_texts).items()
        if isinstance(value, Text)
    }
    | {
        f"chat_texts.{table}[{key}]": value
        for table in ("KIND", "LOST")
        for key, value in getattr(chat_texts, table).items()
    }
    | {
        f"command /{command}": text
        for command, text in texts.READER_COMMANDS + texts.STAFF_COMMANDS
    }
)
TAG = re.compile(r"</?[a-z-]+")


@pytest.mark.parametrize("name", sorted(ALL_TEXTS))
def test_text_exists_in_both_languages(name: str) -> None:
    text = ALL_TEXTS[name]
    assert text.ru.strip() and text.en.strip(), f"{name} is missing a language"
    assert text.ru != text.en or name == "LANGUAGE_NAME"
    assert text.fields("ru") == text.fields("en"), f"{name}: fields differ"
    assert TAG.findall(text.ru) == TAG.findall(text.en), f"{name}: markup differs"


def test_the_catalogue_is_not_empty() -> None:
    assert len(ALL_TEXTS) > 30


def test_values_are_escaped_unless_already_html() -> None:
    text = Text(ru="Привет, {name}! {extra}", en="Hi, {name}! {extra}")
    assert text("en", name="<b>&", extra=Html("<i>x</i>")) == "Hi, &lt;b&gt;&amp;! <i>x</i>"


@pytest.mark.parametrize(
    ("chosen", "telegram", "default", "expected"),
    [
        (None, "ru", "en", "ru"),
        (None, "uk", "en", "ru"),
        (None, "be", "en", "ru"),
        (None, "kk", "en", "ru"),
        (None, "en-GB", "ru", "en"),
        (None, "de", "ru", "en"),
        (None, None, "ru", "ru"),
        ("en", "ru", "ru", "en"),
        ("ru", "de", "en", "ru"),
    ],
)
def test_language_choice(
    chosen: str | None, telegram: str | None, default: str, expected: str
) -> None:
    assert pick_language(chosen, telegram, "ru" if default == "ru" else "en") == expected
