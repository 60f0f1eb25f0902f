"""What staff type: the /post quick form and the summary made from a body of any size."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import render
from handlers.publishing import QuickPost, make_summary, parse_quick
from tests.emulator.html import parse_html, utf16_len
from tests.test_render_release import release

LINK = "https://volga.example/news/1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Title", QuickPost("Title", "", None)),
        ("  Title  \n\n", QuickPost("Title", "", None)),
        ("Title\nBody one.\nBody two.", QuickPost("Title", "Body one.\nBody two.", None)),
        (f"Title\nBody.\n{LINK}", QuickPost("Title", "Body.", LINK)),
        (f"Title\nBody.\n{LINK}\n\n", QuickPost("Title", "Body.", LINK)),
        (f"Title\nBody.\nSource: {LINK}", QuickPost("Title", "Body.", LINK)),
        (f"T\nBody.\nsource:{LINK}\nMore body.", QuickPost("T", "Body.\nMore body.", LINK)),
        (f"Заголовок\nТекст.\nИсточник: {LINK}", QuickPost("Заголовок", "Текст.", LINK)),
        # A link inside a sentence stays in the body; so does a "Source:" that is no link.
        (f"Title\nRead {LINK} now.", QuickPost("Title", f"Read {LINK} now.", None)),
        ("T\nBody.\nSource: the ministry", QuickPost("T", "Body.\nSource: the ministry", None)),
        ("T\nBody.\nftp://volga.example/x", QuickPost("T", "Body.\nftp://volga.example/x", None)),
        ("Ti\ttle  with   spaces\nBody.", QuickPost("Ti tle with spaces", "Body.", None)),
    ],
)  # fmt: skip
def test_quick_form(text: str, expected: QuickPost) -> None:
    assert parse_quick(text) == expected


def test_summary_is_the_summarizers_pick() -> None:
    body = (
        "The Kazan plant of Volga Motors opened on Monday after two years of construction. "
        "It will build 40,000 electric vans a year. Production starts in March."
    )
    assert make_summary(body, "Plant opens") == body


def test_noise_only_body_has_no_summary() -> None:
    assert make_summary("Фото: ТАСС\nShare\nSubscribe", "Plant opens") == ""
    assert make_summary("", "Plant opens") == ""


PIECES = st.sampled_from(
    ["<", "&", "😀", "שלום", "مرحبا", ". ", "\n", "Фото: ТАСС\n", "http://x.io "]
)
CHUNK = st.lists(st.one_of(PIECES, st.text(max_size=30)), max_size=10).map("".join)
BODIES = st.builds(lambda chunk, times: chunk * times, CHUNK, st.integers(1, 700))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BODIES, CHUNK)
def test_any_body_gives_a_summary_that_renders(body: str, title: str) -> None:
    summary = make_summary(body, title)
    view = render.release_view(dataclasses.replace(release(), summary=summary), "en")
    assert 1 <= utf16_len(parse_html(view.text).text) <= render.TEXT_LIMIT


def test_a_20000_character_body() -> None:
    sentence = "The plant <Kazan> & its 1,200 workers 😀 build vans for مرحبا markets. "
    body = sentence * 300
    assert len(body) > 20_000
    summary = make_summary(body, "Plant")
    assert 0 < len(summary) < 1000
    view = render.release_view(dataclasses.replace(release(), summary=summary), "ru")
    assert "<Kazan> & its" in parse_html(view.text).text
