"""Reading staff's "when" for Schedule: formats, next occurrence, the past, DST gaps and folds."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.when import WhenError, WhenProblem, parse_when

MOSCOW = ZoneInfo("Europe/Moscow")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# (what staff type, the zone, now in UTC, the moment expected in UTC)
ACCEPTED = [
    ("2026-12-01 09:30", MOSCOW, utc(2026, 11, 1, 12, 0), utc(2026, 12, 1, 6, 30)),
    ("2026-12-01 9:30", MOSCOW, utc(2026, 11, 1, 12, 0), utc(2026, 12, 1, 6, 30)),
    ("2026-12-01T09:30", MOSCOW, utc(2026, 11, 1, 12, 0), utc(2026, 12, 1, 6, 30)),
    ("01.12.2026 9:30", MOSCOW, utc(2026, 11, 1, 12, 0), utc(2026, 12, 1, 6, 30)),
    ("1.12.2026, 09:30", MOSCOW, utc(2026, 11, 1, 12, 0), utc(2026, 12, 1, 6, 30)),
    ("  2026-12-01   09:30 ", MOSCOW, utc(2026, 11, 1, 12, 0), utc(2026, 12, 1, 6, 30)),
    ("tomorrow 9:00", MOSCOW, utc(2026, 11, 1, 12, 0), utc(2026, 11, 2, 6, 0)),
    ("Tomorrow at 9:00", MOSCOW, utc(2026, 11, 1, 12, 0), utc(2026, 11, 2, 6, 0)),
    ("завтра 9:00", MOSCOW, utc(2026, 11, 1, 12, 0), utc(2026, 11, 2, 6, 0)),
    ("Завтра в 09:00", MOSCOW, utc(2026, 11, 1, 12, 0), utc(2026, 11, 2, 6, 0)),
    ("today 18:00", MOSCOW, utc(2026, 11, 1, 12, 0), utc(2026, 11, 1, 15, 0)),
    ("сегодня 18:00", MOSCOW, utc(2026, 11, 1, 12, 0), utc(2026, 11, 1, 15, 0)),
    # "Today" and "tomorrow" are the press centre's dates, not UTC's: 23:30 UTC is already
    # the next day in Moscow.
    ("tomorrow 9:00", MOSCOW, utc(2026, 11, 1, 23, 30), utc(2026, 11, 3, 6, 0)),
    # A bare time is its next occurrence: later today, else tomorrow.
    ("18:00", MOSCOW, utc(2026, 11, 1, 12, 0), utc(2026, 11, 1, 15, 0)),
    ("9:00", MOSCOW, utc(2026, 11, 1, 12, 0), utc(2026, 11, 2, 6, 0)),
    ("в 9:00", MOSCOW, utc(2026, 11, 1, 12, 0), utc(2026, 11, 2, 6, 0)),
    ("00:00", MOSCOW, utc(2026, 11, 1, 12, 0), utc(2026, 11, 1, 21, 0)),
    # Across the spring change in New York (8 March 2026): tomorrow 9:00 is EDT, UTC-4.
    ("tomorrow 9:00", NEW_YORK, utc(2026, 3, 7, 15, 0), utc(2026, 3, 8, 13, 0)),
    ("9:00", NEW_YORK, utc(2026, 3, 7, 15, 0), utc(2026, 3, 8, 13, 0)),
    # Across the autumn change (1 November 2026): EST, UTC-5.
    ("tomorrow 9:00", NEW_YORK, utc(2026, 10, 31, 15, 0), utc(2026, 11, 1, 14, 0)),
    # 01:30 happens twice on 1 November in New York: the first one (EDT) is meant.
    ("2026-11-01 01:30", NEW_YORK, utc(2026, 10, 31, 15, 0), utc(2026, 11, 1, 5, 30)),
    # Berlin: 03:30 on the day clocks go forward is CEST, UTC+2; 02:30 on the day they go back
    # happens twice, and the first (CEST) is meant.
    ("2026-03-29 03:30", BERLIN, utc(2026, 3, 28, 12, 0), utc(2026, 3, 29, 1, 30)),
    ("2026-10-25 02:30", BERLIN, utc(2026, 10, 24, 12, 0), utc(2026, 10, 25, 0, 30)),
]


@pytest.mark.parametrize(("text", "zone", "now", "expected"), ACCEPTED)
def test_accepted(text: str, zone: ZoneInfo, now: datetime, expected: datetime) -> None:
    moment = parse_when(text, now=now, zone=zone)
    # Compared as instants: Python never finds a wall time that happens twice equal to a UTC
    # datetime, though its timestamp is right.
    assert moment.timestamp() == expected.timestamp()
    assert moment.tzinfo is zone
    # `now` in the press centre's zone means the same instant.
    again = parse_when(text, now=now.astimezone(zone), zone=zone)
    assert again.timestamp() == expected.timestamp()


REFUSED = [
    ("", MOSCOW, utc(2026, 11, 1, 12, 0), WhenProblem.UNREADABLE),
    ("next week", MOSCOW, utc(2026, 11, 1, 12, 0), WhenProblem.UNREADABLE),
    ("2026-12-01", MOSCOW, utc(2026, 11, 1, 12, 0), WhenProblem.UNREADABLE),
    ("9", MOSCOW, utc(2026, 11, 1, 12, 0), WhenProblem.UNREADABLE),
    ("9.30", MOSCOW, utc(2026, 11, 1, 12, 0), WhenProblem.UNREADABLE),
    ("25:00", MOSCOW, utc(2026, 11, 1, 12, 0), WhenProblem.UNREADABLE),
    ("tomorrow 9:60", MOSCOW, utc(2026, 11, 1, 12, 0), WhenProblem.UNREADABLE),
    ("yesterday 9:00", MOSCOW, utc(2026, 11, 1, 12, 0), WhenProblem.UNREADABLE),
    ("2026-02-30 09:00", MOSCOW, utc(2026, 1, 1, 12, 0), WhenProblem.NO_SUCH_DATE),
    ("31.04.2026 09:00", MOSCOW, utc(2026, 1, 1, 12, 0), WhenProblem.NO_SUCH_DATE),
    ("2026-13-01 09:00", MOSCOW, utc(2026, 1, 1, 12, 0), WhenProblem.NO_SUCH_DATE),
    ("today 9:00", MOSCOW, utc(2026, 11, 1, 12, 0), WhenProblem.PAST),
    ("сегодня 15:00", MOSCOW, utc(2026, 11, 1, 12, 0), WhenProblem.PAST),
    ("2020-01-01 09:00", MOSCOW, utc(2026, 11, 1, 12, 0), WhenProblem.PAST),
    # Exactly now is not in the future.
    ("today 15:00", MOSCOW, utc(2026, 11, 1, 12, 0), WhenProblem.PAST),
    ("2062-01-01 09:00", MOSCOW, utc(2026, 11, 1, 12, 0), WhenProblem.TOO_FAR),
    # 02:30 never happens in Berlin on 29 March 2026: clocks jump from 02:00 to 03:00.
    ("2026-03-29 02:30", BERLIN, utc(2026, 3, 28, 12, 0), WhenProblem.NO_SUCH_TIME),
    ("2:30", BERLIN, utc(2026, 3, 28, 12, 0), WhenProblem.NO_SUCH_TIME),
    ("tomorrow 2:30", BERLIN, utc(2026, 3, 28, 12, 0), WhenProblem.NO_SUCH_TIME),
    ("2026-03-08 02:15", NEW_YORK, utc(2026, 3, 7, 15, 0), WhenProblem.NO_SUCH_TIME),
    # First 01:30 (EDT, 05:30 UTC) has passed at 05:45 UTC, though a second 01:30 is ahead.
    ("today 1:30", NEW_YORK, utc(2026, 11, 1, 5, 45), WhenProblem.PAST),
]


@pytest.mark.parametrize(("text", "zone", "now", "problem"), REFUSED)
def test_refused(text: str, zone: ZoneInfo, now: datetime, problem: WhenProblem) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, now=now, zone=zone)
    assert caught.value.problem is problem
    if problem in (WhenProblem.PAST, WhenProblem.TOO_FAR, WhenProblem.NO_SUCH_TIME):
        assert caught.value.moment is not None


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when("9:00", now=datetime(2026, 1, 1, 12, 0), zone=MOSCOW)
