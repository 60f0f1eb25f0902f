"""What staff read about sources: /sources rows and states, /source_check answers, notices."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot import source_views
from bot.html import visible_length
from bot.sources.poller import PollResult, SourceNotice
from storage.sources import Source

ZONE = ZoneInfo("Europe/Moscow")
NOON = datetime(2026, 3, 2, 9, 0, tzinfo=UTC).timestamp()
SOURCE = Source(
    id=4,
    url="https://volga.example/rss",
    site_url=None,
    title="Volga Motors news",
    mode="review",
    paused=False,
    etag=None,
    last_modified=None,
    failures=0,
    failing_since=None,
    last_error=None,
    last_checked_at=NOON,
    last_new_item_at=None,
    next_check_at=NOON,
    items_taken=3,
    added_by=1,
    created_at=NOON,
)


@pytest.mark.parametrize(
    ("changes", "lang", "shown"),
    [
        ({}, "en", "ok"),
        ({"failures": 2, "last_error": "HTTP 500"}, "en", "ok"),
        (
            {"failures": 3, "failing_since": NOON, "last_error": "HTTP 500"},
            "en",
            "failing since 2026-03-02 12:00: HTTP 500",
        ),
        (
            {"failures": 3, "failing_since": NOON, "last_error": "timed out after 20 s"},
            "ru",
            "ошибки с 02.03.2026 12:00: timed out after 20 s",
        ),
        ({"paused": True, "failures": 5}, "en", "paused"),
        ({"paused": True}, "ru", "на паузе"),
    ],
)
def test_state(changes: dict[str, object], lang: str, shown: str) -> None:
    source = replace(SOURCE, **changes)  # type: ignore[arg-type]
    assert source_views.state(source, ZONE, "ru" if lang == "ru" else "en") == shown


@pytest.mark.parametrize(
    ("result", "lang", "answer"),
    [
        (PollResult(4, new=2), "en", "2 new items"),
        (PollResult(4, new=1), "en", "1 new item"),
        (PollResult(4, new=1), "ru", "1 новый материал"),
        (PollResult(4, new=3), "ru", "3 новых материала"),
        (PollResult(4, new=11), "ru", "11 новых материалов"),
        (PollResult(4), "en", "nothing new"),
        (PollResult(4, not_modified=True), "ru", "ничего нового"),
        (PollResult(4, error="HTTP 500"), "en", "feed unreachable: HTTP 500"),
        (PollResult(4, duplicates=1), "en", "nothing new; already released by link: 1"),
    ],
)
def test_what_a_check_found(result: PollResult, lang: str, answer: str) -> None:
    assert source_views.found(result, "ru" if lang == "ru" else "en") == answer


def test_the_list_shows_every_field_and_splits_long_lists() -> None:
    [one] = source_views.sources_list([SOURCE], ZONE, "en")
    assert "<b>#4</b> · Volga Motors news · review · ok" in one
    assert "Last check: 2026-03-02 12:00 · last new item: never · items taken: 3" in one
    many = [replace(SOURCE, id=n, title=f"Source <{n}> " + "x" * 50) for n in range(1, 60)]
    parts = source_views.sources_list(many, ZONE, "en")
    assert len(parts) > 1 and all(visible_length(part) < 4096 for part in parts)
    assert sum(part.count("<b>#") for part in parts) == 59
    assert "&lt;7&gt;" in "".join(parts)


def test_notices_name_the_source_and_the_error() -> None:
    failing = replace(SOURCE, failures=3, failing_since=NOON, last_error="HTTP 500")
    text = source_views.notice(SourceNotice(failing, "failing", "HTTP 500"), ZONE, "en")
    assert text.startswith("⚠️ Source #4 · Volga Motors news is failing: 3 polls in a row since")
    assert "Last error: HTTP 500" in text
    back = source_views.notice(SourceNotice(SOURCE, "recovered"), ZONE, "ru")
    assert back == "✅ Источник #4 · Volga Motors news снова работает."
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq"
    lost = source_views.notice(SourceNotice(SOURCE, "item_failed", f"x {token} <b>"), ZONE, "en")
    assert "AAHdq" not in lost and "&lt;b&gt;" in lost
