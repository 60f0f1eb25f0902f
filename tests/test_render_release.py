"""What a release looks like to readers and staff: escaping, limits, the photo rule, the stars.

Every rendered text goes through the emulator's copy of Telegram's HTML parser, so "passes"
means Telegram would accept it and a person would see at most 4096 (1024 caption) characters.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.types import InlineKeyboardMarkup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import posting, render, staff_views, texts
from bot.callbacks import Rate, ReleaseAction, ReleaseButton
from bot.html import Html
from bot.i18n import LANGUAGES, Lang
from storage.deliveries import DeliveryStats, Failure
from storage.releases import MAX_ID, Release
from tests.emulator.html import ParsedText, parse_html, utf16_len

ZONE = ZoneInfo("Europe/Moscow")


def release(**changes: Any) -> Release:
    base = Release(
        id=12,
        title="Plant opens in Kazan",
        body="",
        summary="The plant opened today. It employs 300 people.",
        summary_edited=False,
        link="https://www.example.com/news/plant",
        photo_file_id=None,
        language="en",
        status="sent",
        author_id=1000,
        created_at=1_780_000_000.0,
        scheduled_at=None,
        published_at=1_780_000_600.0,
        retracted_at=None,
        revision=1,
        vote_count=0,
        vote_sum=0,
        report_chat_id=None,
        report_message_id=None,
    )
    return dataclasses.replace(base, **changes)


def parsed(text: Html, limit: int = render.TEXT_LIMIT) -> ParsedText:
    """Parse as Telegram would and check the length rule; return what a person sees."""
    result = parse_html(text)
    assert 1 <= utf16_len(result.text) <= limit, utf16_len(result.text)
    return result


def labels(keyboard: InlineKeyboardMarkup | None) -> list[str]:
    assert keyboard is not None
    return [button.text for row in keyboard.inline_keyboard for button in row]


def data_sizes(keyboard: InlineKeyboardMarkup) -> list[int]:
    return [
        len((button.callback_data or "").encode())
        for row in keyboard.inline_keyboard
        for button in row
    ]


# --- The reader's message -----------------------------------------------------------------


def test_title_summary_link_and_stars() -> None:
    view = render.release_view(release(), "en")
    seen = parsed(view.text)
    assert seen.text == (
        "Plant opens in Kazan\n\nThe plant opened today. It employs 300 people.\n\n"
        "Full text: example.com"
    )
    bold = [e for e in seen.entities if e["type"] == "bold"]
    links = [e for e in seen.entities if e["type"] == "text_link"]
    assert [(e["offset"], e["length"]) for e in bold] == [(0, len("Plant opens in Kazan"))]
    assert [e["url"] for e in links] == ["https://www.example.com/news/plant"]
    assert labels(view.keyboard) == ["1 ★", "2 ★", "3 ★", "4 ★", "5 ★"]
    assert (view.photo, view.short_caption) == (None, None)


def test_the_readers_choice_is_marked_in_their_language() -> None:
    view = render.release_view(release(), "ru", my_stars=4)
    assert labels(view.keyboard) == ["1 ★", "2 ★", "3 ★", "✓ 4 ★", "5 ★"]
    assert parsed(view.text).text.endswith("Полный текст: example.com")
    first = view.keyboard.inline_keyboard[0][0].callback_data
    assert Rate.unpack(first or "") == Rate(release_id=12, stars=1)


def test_user_text_is_escaped() -> None:
    view = render.release_view(
        release(title="<b>Tom & Jerry</b>", summary="1 < 2 & 3 > 2; &amp; stays", link=None),
        "en",
    )
    assert parsed(view.text).text == "<b>Tom & Jerry</b>\n\n1 < 2 & 3 > 2; &amp; stays"


def test_no_summary_no_link_still_a_message() -> None:
    view = render.release_view(release(summary="   ", link=None, title=" \n "), "en")
    assert parsed(view.text).text == "#12"


def test_a_link_that_is_not_http_is_left_out() -> None:
    view = render.release_view(release(link="javascript:alert(1)"), "en")
    assert "Full text" not in parsed(view.text).text


def test_a_photo_carries_the_text_when_it_fits_a_caption() -> None:
    view = render.release_view(release(photo_file_id="AgAD"), "en")
    assert view.photo == "AgAD" and view.short_caption is None
    parsed(view.text, render.CAPTION_LIMIT)


def test_a_long_text_follows_the_photo_with_the_title_as_caption() -> None:
    long = "A sentence about the plant. " * 60
    view = render.release_view(release(photo_file_id="AgAD", summary=long), "en")
    assert view.short_caption is not None
    assert parsed(view.short_caption, render.CAPTION_LIMIT).text == "Plant opens in Kazan"
    assert utf16_len(parsed(view.text).text) > render.CAPTION_LIMIT


def test_a_giant_title_and_summary_are_cut_at_boundaries() -> None:
    title = "Headline word " * 200
    summary = "First sentence is here. " * 400
    seen = parsed(render.release_view(release(title=title, summary=summary), "en").text).text
    heading, body, link = seen.split("\n\n")
    assert heading.endswith("word…") and utf16_len(heading) <= render.TITLE_LIMIT
    assert body.endswith("here. …")
    assert link == "Full text: example.com"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_summary_that_fits_the_room_is_never_cut(lang: Lang) -> None:
    item = release(title="T" * 200, link="https://volga.example/" + "x" * 3000)
    room = render.summary_room(item)
    summary = "Word. " * (room // 6) + "w" * (room % 6)
    view = render.release_view(dataclasses.replace(item, summary=summary), lang)
    assert summary.strip() in parsed(view.text).text
    longer = render.release_view(dataclasses.replace(item, summary=summary + "more"), lang)
    assert parsed(longer.text).text.count(posting.ELLIPSIS) == 1


@pytest.mark.parametrize("release_id", [1, 2**31, MAX_ID])
def test_button_data_fits_64_bytes(release_id: int) -> None:
    keyboard = render.rating_keyboard(release_id, 5)
    assert max(data_sizes(keyboard)) <= 64
    for action in ReleaseAction:
        assert len(ReleaseButton(action=action, release_id=release_id).pack().encode()) <= 64


def test_rating_notice_like_the_site_widget() -> None:
    assert render.rating_notice(4, 17, 4.2, "en") == "Your rating: 4 ★ · Total: 17 · Average: 4.2"
    assert render.rating_notice(4, 1234, 4.25, "ru") == (
        "Ваша оценка: 4 ★ · Всего: 1\u00a0234 · Средняя: 4,2"
    )


# --- Staff views ----------------------------------------------------------------------------


def test_preview_controls_in_both_languages() -> None:
    draft = release(status="draft", published_at=None)
    en = staff_views.release_controls(draft, 1234, "en", ZONE)
    assert labels(en.keyboard) == ["Publish now", "Schedule", "Edit summary", "Cancel"]
    assert "Release #12 · draft" in parsed(en.text).text and "1,234" in en.text
    ru = staff_views.release_controls(draft, 1234, "ru", ZONE)
    assert labels(ru.keyboard) == [
        "Опубликовать сейчас",
        "Запланировать",
        "Изменить краткое содержание",
        "Отменить",
    ]
    scheduled = dataclasses.replace(draft, status="scheduled", scheduled_at=1_780_300_000.0)
    assert (
        "01.06.2026 10:46 (Europe/Moscow)"
        in parsed(staff_views.release_controls(scheduled, 0, "ru", ZONE).text).text
    )
    missing = staff_views.release_controls(dataclasses.replace(draft, summary=""), 0, "en", ZONE)
    assert "No summary could be made" in parsed(missing.text).text
    assert en.keyboard is not None and max(data_sizes(en.keyboard)) <= 64


def test_release_report_with_rating_chart() -> None:
    rated = release(vote_count=17, vote_sum=71)
    stats = DeliveryStats(sent=1200, failed=3, blocked=2, pending=5)
    stars = {1: 1, 2: 0, 3: 2, 4: 4, 5: 10}
    failures = [Failure(chat_id=42, error="Telegram server says - Bad Gateway <502>")]
    seen = parsed(staff_views.release_report(rated, stats, stars, failures, "en", ZONE)).text
    assert "Ratings: average 4.2 from 17 votes" in seen
    assert "5 ★ ████████████ 10" in seen
    assert "4 ★ █████ 4" in seen
    assert "2 ★  0" in seen
    assert "delivered 1,200 of 1,210" in seen
    assert "42: Telegram server says - Bad Gateway <502>" in seen
    assert "/retract 12" in seen
    ru = parsed(staff_views.release_report(rated, stats, stars, [], "ru", ZONE)).text
    assert "средняя 4,2, всего 17" in ru and "доставлено 1\u00a0200 из 1\u00a0210" in ru


def test_releases_list() -> None:
    rows = [
        (release(id=3, status="draft", title="<Draft> & co"), DeliveryStats()),
        (release(vote_count=2, vote_sum=9), DeliveryStats(sent=10, failed=1)),
    ]
    seen = parsed(staff_views.releases_list(rows, "en")).text
    assert "#3 · draft · <Draft> & co" in seen
    assert "#12 · sent · Plant opens in Kazan\n    delivered 10 · failed 1 · ★ 4.5 (2 votes)" in (
        seen
    )
    assert staff_views.releases_list([], "ru") == texts.RELEASES_EMPTY.ru


# --- Properties -------------------------------------------------------------------------------

PIECES = st.sampled_from(
    ["<", ">", "&", "&amp;", "<b>", "</a>", '"', "😀", "👨‍👩‍👧", "שלום", "مرحبا", "\u202e", "\n",
     " ", ". ", "\t", "\x00", "\r\n", "𝕏"]
)  # fmt: skip
CHUNK = st.lists(st.one_of(PIECES, st.text(max_size=20)), max_size=12).map("".join)
# Hypothesis draws short strings; repetition makes the huge ones (up to ~25,000 characters).
TEXT = st.one_of(CHUNK, st.builds(lambda chunk, times: chunk * times, CHUNK, st.integers(1, 2000)))
URL = st.builds(
    lambda host, path: f"https://{host}.example.com/{path}",
    st.from_regex(r"[a-z0-9-]{1,80}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9/?=&%._~-]{0,200}", fullmatch=True).map(lambda p: p * 20),
)
RELEASES = st.builds(
    release,
    id=st.integers(1, MAX_ID),
    title=TEXT,
    summary=TEXT,
    link=st.one_of(st.none(), URL, TEXT),
    photo_file_id=st.one_of(st.none(), st.just("AgADphoto")),
    status=st.sampled_from(["draft", "scheduled", "sending", "sent", "retracted"]),
    vote_count=st.integers(0, 10**6),
    vote_sum=st.integers(0, 5 * 10**6),
)
LANGS = st.sampled_from(LANGUAGES)
QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(RELEASES, LANGS, st.one_of(st.none(), st.integers(1, 5)))
def test_every_release_view_passes_telegrams_checks(
    item: Release, lang: Lang, stars: int | None
) -> None:
    view = render.release_view(item, lang, my_stars=stars)
    seen = parsed(view.text)
    if view.photo is not None and view.short_caption is None:
        parsed(view.text, render.CAPTION_LIMIT)
    if view.short_caption is not None:
        assert view.photo is not None
        parsed(view.short_caption, render.CAPTION_LIMIT)
    assert max(data_sizes(view.keyboard)) <= 64
    assert sum(label.startswith("✓") for label in labels(view.keyboard)) == (stars is not None)
    title = posting.one_line(item.title)
    if title and utf16_len(title) <= render.TITLE_LIMIT:
        assert seen.text.startswith(title)


@QUICK
@given(RELEASES, LANGS, st.lists(st.tuples(st.integers(), TEXT), max_size=15))
def test_every_staff_view_passes_telegrams_checks(
    item: Release, lang: Lang, errors: list[tuple[int, str]]
) -> None:
    stats = DeliveryStats(sent=item.vote_count, failed=len(errors))
    stars = dict.fromkeys(range(1, 6), item.vote_count // 5)
    failures = [Failure(chat_id=chat, error=error) for chat, error in errors]
    parsed(staff_views.release_report(item, stats, stars, failures, lang, ZONE))
    parsed(staff_views.releases_list([(item, stats)] * 10, lang))
    for view in (
        staff_views.release_controls(item, 10**7, lang, ZONE),
        staff_views.edit_choice(item, lang),
        staff_views.retract_question(item, lang),
    ):
        parsed(view.text)
        assert max(data_sizes(view.keyboard or InlineKeyboardMarkup(inline_keyboard=[]))) <= 64
