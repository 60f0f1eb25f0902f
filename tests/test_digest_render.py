"""How a digest reads: entries, ratings in both languages, pages, and the 4096 limit."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.callbacks import DigestKind, DigestOpen, DigestPage, SettingsAction, SettingsButton
from bot.i18n import Lang
from bot.render import DIGEST_PAGE_SIZE, TEXT_LIMIT, DigestItem, digest_page, digest_rating
from storage.releases import MAX_ID
from tests.emulator.html import parse_html, utf16_len

SINCE, UNTIL = 1_717_394_400, 1_717_480_800


def item(number: int, **changes: object) -> DigestItem:
    values: dict[str, object] = {
        "release_id": number,
        "title": f"Release {number}",
        "line": f"What happened in release {number}.",
        "link": f"https://example.org/{number}",
        "vote_count": number,
        "average": 4.0,
    }
    values.update(changes)
    return DigestItem(**values)  # type: ignore[arg-type]


def seen(html: str) -> str:
    """The text a reader sees once Telegram has parsed the HTML."""
    return parse_html(html).text


@pytest.mark.parametrize(
    ("count", "ru", "en"),
    [
        (1, "★ 4,3 · 1 оценка", "★ 4.3 · 1 vote"),
        (2, "★ 4,3 · 2 оценки", "★ 4.3 · 2 votes"),
        (4, "★ 4,3 · 4 оценки", "★ 4.3 · 4 votes"),
        (5, "★ 4,3 · 5 оценок", "★ 4.3 · 5 votes"),
        (11, "★ 4,3 · 11 оценок", "★ 4.3 · 11 votes"),
        (12, "★ 4,3 · 12 оценок", "★ 4.3 · 12 votes"),
        (14, "★ 4,3 · 14 оценок", "★ 4.3 · 14 votes"),
        (17, "★ 4,3 · 17 оценок", "★ 4.3 · 17 votes"),
        (21, "★ 4,3 · 21 оценка", "★ 4.3 · 21 votes"),
        (22, "★ 4,3 · 22 оценки", "★ 4.3 · 22 votes"),
        (101, "★ 4,3 · 101 оценка", "★ 4.3 · 101 votes"),
        (111, "★ 4,3 · 111 оценок", "★ 4.3 · 111 votes"),
        (1_000_000, "★ 4,3 · 1\u00a0000\u00a0000 оценок", "★ 4.3 · 1,000,000 votes"),
    ],
)
def test_rating_with_plural_forms(count: int, ru: str, en: str) -> None:
    assert digest_rating(count, 4.3, "ru") == ru
    assert digest_rating(count, 4.3, "en") == en


def test_no_votes_yet() -> None:
    assert digest_rating(0, None, "en") == "☆ no ratings yet"
    assert digest_rating(0, None, "ru") == "☆ оценок пока нет"


def test_an_entry_shows_title_link_line_and_rating() -> None:
    view = digest_page(
        [item(1, title="Tom & <Jerry>", vote_count=17, average=4.3), item(2, link=None)],
        "en",
        kind=DigestKind.DAILY,
        since=SINCE,
        until=UNTIL,
    )
    parsed = parse_html(view.text)
    assert parsed.text.splitlines()[:5] == [
        "Your daily digest · 2 new releases",
        "",
        "1. Tom & <Jerry>",
        "What happened in release 1.",
        "★ 4.3 · 17 votes",
    ]
    links = [e for e in parsed.entities if e["type"] == "text_link"]
    assert [link["url"] for link in links] == ["https://example.org/1"]
    assert "2. Release 2" in parsed.text  # no link: the title is in bold instead
    assert parsed.text.endswith("Tap a number to open a release and rate it.")
    assert view.keyboard is not None
    [numbers] = view.keyboard.inline_keyboard
    assert [button.text for button in numbers] == ["1", "2"]
    assert numbers[0].callback_data == DigestOpen(release_id=1).pack()


def test_a_link_that_is_not_http_is_not_linked() -> None:
    view = digest_page(
        [item(1, link="javascript:alert(1)")], "en", kind=DigestKind.DAILY, since=0, until=1
    )
    assert "javascript" not in view.text and "<b>Release 1</b>" in view.text


def test_pages_of_ten_with_and_n_more() -> None:
    items = [item(n) for n in range(1, 26)]
    first = digest_page(items, "en", kind=DigestKind.WEEKLY, since=SINCE, until=UNTIL)
    text = seen(first.text)
    assert "Your weekly digest · 25 new releases" in text
    assert "Releases 1–10 of 25" in text
    assert "10. Release 10" in text and "11. Release 11" not in text
    assert "…and 15 more" in text
    assert first.keyboard is not None
    rows = first.keyboard.inline_keyboard
    assert [[b.text for b in row] for row in rows] == [
        ["1", "2", "3", "4", "5"],
        ["6", "7", "8", "9", "10"],
        ["15 more ›"],
    ]
    more = DigestPage.unpack(rows[-1][0].callback_data or "")
    assert (more.kind, more.since, more.until, more.offset) == (
        DigestKind.WEEKLY,
        SINCE,
        UNTIL,
        DIGEST_PAGE_SIZE,
    )

    second = digest_page(items, "ru", kind=DigestKind.WEEKLY, since=SINCE, until=UNTIL, offset=10)
    text = seen(second.text)
    assert "Релизы 11–20 из 25" in text and "…и ещё 5" in text
    assert "11. Release 11" in text and "10. Release 10" not in text
    assert second.keyboard is not None
    assert [b.text for b in second.keyboard.inline_keyboard[-1]] == ["« Назад", "Ещё 5 ›"]

    last = digest_page(items, "en", kind=DigestKind.WEEKLY, since=SINCE, until=UNTIL, offset=20)
    assert "…and" not in seen(last.text) and "25. Release 25" in seen(last.text)
    assert last.keyboard is not None
    assert [b.text for b in last.keyboard.inline_keyboard[-1]] == ["« Back"]
    # Asked for a page past the end (releases retracted since): the last page.
    beyond = digest_page(items[:12], "en", kind=DigestKind.WEEKLY, since=0, until=1, offset=20)
    assert "Releases 11–12 of 12" in seen(beyond.text)


@pytest.mark.parametrize(
    ("count", "lang", "heading"),
    [
        (1, "ru", "1 новый релиз"),
        (3, "ru", "3 новых релиза"),
        (5, "ru", "5 новых релизов"),
        (21, "ru", "21 новый релиз"),
        (1, "en", "1 new release"),
        (3, "en", "3 new releases"),
    ],
)
def test_heading_counts_releases(count: int, lang: Lang, heading: str) -> None:
    view = digest_page(
        [item(n) for n in range(1, count + 1)], lang, kind=DigestKind.DAILY, since=0, until=1
    )
    assert heading in seen(view.text)


# utf-8 leaves out lone surrogates, which no Telegram text can hold.
titles = st.text(st.characters(codec="utf-8"), max_size=600)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(titles, titles, st.integers(0, 10**9), st.booleans()), min_size=1, max_size=40
    ),
    st.sampled_from(list(DigestKind)),
    st.sampled_from(["ru", "en"]),
    st.integers(0, 40),
)
def test_a_digest_page_never_exceeds_telegrams_limit(
    entries: list[tuple[str, str, int, bool]], kind: DigestKind, lang: Lang, offset: int
) -> None:
    items = [
        item(
            number,
            title=title,
            line=line,
            vote_count=votes,
            average=4.99 if votes else None,
            link=f"https://example.org/{'x' * 500}" if linked else None,
        )
        for number, (title, line, votes, linked) in enumerate(entries, start=1)
    ]
    view = digest_page(items, lang, kind=kind, since=0, until=2**40, offset=offset)
    parsed = parse_html(view.text)
    assert 0 < utf16_len(parsed.text) <= TEXT_LIMIT
    assert view.keyboard is not None
    for row in view.keyboard.inline_keyboard:
        for button in row:
            assert len((button.callback_data or "").encode()) <= 64


def test_button_data_fits_64_bytes() -> None:
    biggest = [
        DigestPage(kind=DigestKind.PREVIEW, since=-(2**63), until=2**63 - 1, offset=10**9),
        DigestOpen(release_id=MAX_ID),
        *(SettingsButton(action=action, value=10**6) for action in SettingsAction),
    ]
    for data in biggest:
        assert len(data.pack().encode()) <= 64, data
