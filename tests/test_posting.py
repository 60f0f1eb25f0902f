"""What staff type and what a release's state allows: the /post quick form, titles, links,
release numbers, cutting text to fit, the summary made from a body of any size, and which
steps a release may still take."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import posting, render, texts
from bot.posting import QuickPost, Refusal, make_summary, parse_quick
from storage.releases import Status
from tests.emulator.html import parse_html, utf16_len
from tests.test_render_release import QUICK, TEXT, release

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


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Short.", 10, "Short."),
        ("One two three. Four five six.", 20, "One two three. …"),
        ("One two. Three four five six.", 20, "One two. Three…"),
        ("One two three four five six", 20, "One two three four…"),
        ("Onetwothreefourfivesix", 10, "Onetwothr…"),
        ("😀😀😀😀😀", 6, "😀😀…"),
        ("x" * 10, 1, "…"),
        ("x" * 10, 0, ""),
    ],
)
def test_fit(text: str, limit: int, expected: str) -> None:
    assert posting.fit(text, limit) == expected
    assert utf16_len(posting.fit(text, limit)) <= limit


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Plant opens", None),
        ("", texts.TITLE_NEEDS_TEXT.en),
        ("x" * posting.TITLE_MAX, None),
        ("x" * (posting.TITLE_MAX + 1), texts.TITLE_TOO_LONG("en", length=257, limit=256)),
        # Counted as Telegram counts: an emoji is two UTF-16 units.
        ("😀" * 129, texts.TITLE_TOO_LONG("en", length=258, limit=256)),
    ],
)
def test_title_rules(title: str, expected: str | None) -> None:
    assert posting.title_problem(title, "en") == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (LINK, (True, LINK)),
        (f"  {LINK}\n", (True, LINK)),
        ("-", (True, None)),
        ("Skip", (True, None)),
        ("без ссылки", (True, None)),
        ("volga.example/news/1", (False, None)),
        ("https://localhost/x", (False, None)),
        (f"{LINK} and more", (False, None)),
        ("https://volga.example/" + "x" * 2048, (False, None)),
    ],
)
def test_link_rules(answer: str, expected: tuple[bool, str | None]) -> None:
    assert posting.typed_link(answer) == expected


@pytest.mark.parametrize(
    ("argument", "expected"),
    [("12", 12), ("#12", 12), (" 7 ", 7), ("twelve", None), ("-3", None), ("1" * 31, None)],
)
def test_release_number(argument: str, expected: int | None) -> None:
    assert posting.release_number(argument) == expected


@pytest.mark.parametrize(
    ("status", "summary", "send", "discard", "edit"),
    [
        ("draft", "Text.", None, None, None),
        ("scheduled", "Text.", None, None, None),
        ("draft", "  ", Refusal.NEEDS_SUMMARY, None, None),
        ("sending", "Text.", Refusal.WRONG_STATE, Refusal.WRONG_STATE, None),
        ("sent", "Text.", Refusal.WRONG_STATE, Refusal.WRONG_STATE, None),
        ("retracted", "Text.", Refusal.WRONG_STATE, Refusal.WRONG_STATE, Refusal.NOT_EDITABLE),
    ],
)  # fmt: skip
def test_what_a_state_allows(
    status: Status,
    summary: str,
    send: Refusal | None,
    discard: Refusal | None,
    edit: Refusal | None,
) -> None:
    item = release(status=status, summary=summary)
    assert posting.send_refusal(item) == send
    assert posting.discard_refusal(item) == discard
    assert posting.edit_refusal(item) == edit


@pytest.mark.parametrize(
    ("status", "sent_copies", "expected"),
    [
        ("draft", 0, Refusal.NOT_PUBLISHED),
        ("scheduled", 0, Refusal.NOT_PUBLISHED),
        ("sending", 0, None),
        ("sending", 40, None),
        ("sent", 0, None),
        # Again, while copies a first attempt could not delete are left.
        ("retracted", 3, None),
        ("retracted", 0, Refusal.ALREADY_RETRACTED),
    ],
)
def test_what_may_be_retracted(status: Status, sent_copies: int, expected: Refusal | None) -> None:
    item = release(status=status)
    assert posting.retract_refusal(item, sent_copies) == expected


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


@QUICK
@given(TEXT, st.integers(0, 5000))
def test_fit_never_exceeds_the_limit(text: str, limit: int) -> None:
    cut = posting.fit(text, limit)
    assert utf16_len(cut) <= limit
    assert cut == text or cut.endswith(posting.ELLIPSIS) or not cut
