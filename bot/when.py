"""Time rules: the date and time staff type to schedule a release, read in the press centre's
time zone, and the latest daily or weekly slot (digests, backups) before a moment.

Accepted (any case, extra spaces ignored, an optional "at"/"в" before the time):
``2026-12-01 09:30``, ``01.12.2026 9:30``, ``today 18:00`` / ``сегодня 18:00``,
``tomorrow 9:00`` / ``завтра 9:00``, and a bare ``9:00`` meaning its next occurrence.
A wall time that happens twice when clocks go back means the first of the two; one that does
not exist because clocks go forward is refused, as is anything not in the future.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from enum import StrEnum
from zoneinfo import ZoneInfo

# Far enough for any embargo; further out is almost surely a typo in the year.
HORIZON = timedelta(days=366)

_TIME = r"(?:(?:at|в|во)\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})"
_ISO = re.compile(rf"(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})(?:\s+|t){_TIME}")
_DOTTED = re.compile(rf"(?P<day>\d{{1,2}})\.(?P<month>\d{{1,2}})\.(?P<year>\d{{4}}),?\s+{_TIME}")
_RELATIVE = re.compile(rf"(?P<word>today|tomorrow|сегодня|завтра),?\s+{_TIME}")
_BARE = re.compile(_TIME)
_DAYS_AHEAD = {"today": 0, "сегодня": 0, "tomorrow": 1, "завтра": 1}


class WhenProblem(StrEnum):
    """Why a date and time cannot be used."""

    UNREADABLE = "unreadable"
    NO_SUCH_DATE = "no_such_date"
    NO_SUCH_TIME = "no_such_time"
    PAST = "past"
    TOO_FAR = "too_far"


class WhenError(ValueError):
    """The text is not a usable moment; `problem` says why, `moment` is what it was read as."""

    def __init__(self, problem: WhenProblem, moment: datetime | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.moment = moment


def parse_when(text: str, *, now: datetime, zone: ZoneInfo) -> datetime:
    """The future moment `text` names in `zone` (aware, in `zone`), or raise `WhenError`."""
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    # Compare instants in UTC: Python compares two datetimes sharing a tzinfo by wall time,
    # which is wrong for the hour that happens twice when clocks go back.
    utc_now = now.astimezone(UTC)
    local_now = now.astimezone(zone)
    words = " ".join(text.lower().split())
    if match := _ISO.fullmatch(words) or _DOTTED.fullmatch(words):
        day = _date(int(match["year"]), int(match["month"]), int(match["day"]))
        moment = _local(day, match, zone)
    elif match := _RELATIVE.fullmatch(words):
        day = local_now.date() + timedelta(days=_DAYS_AHEAD[match["word"]])
        moment = _local(day, match, zone)
    elif match := _BARE.fullmatch(words):
        moment = _local(local_now.date(), match, zone)
        if moment.astimezone(UTC) <= utc_now:
            moment = _local(local_now.date() + timedelta(days=1), match, zone)
    else:
        raise WhenError(WhenProblem.UNREADABLE)
    if moment.astimezone(UTC) <= utc_now:
        raise WhenError(WhenProblem.PAST, moment)
    if moment.astimezone(UTC) - utc_now > HORIZON:
        raise WhenError(WhenProblem.TOO_FAR, moment)
    return moment


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise WhenError(WhenProblem.NO_SUCH_DATE) from None


def _local(day: date, match: re.Match[str], zone: ZoneInfo) -> datetime:
    """That wall-clock time on `day` in `zone`; refuses times skipped when clocks go forward."""
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        raise WhenError(WhenProblem.UNREADABLE)
    wall = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
    # zoneinfo happily builds a time inside a spring-forward gap; a round trip through UTC
    # lands on a different wall time exactly when that time never happens.
    if wall.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise WhenError(WhenProblem.NO_SUCH_TIME, wall)
    return wall


DAYS_PER_WEEK = 7


def last_slot(frequency: str, hour: int, weekday: int, zone: ZoneInfo, now: datetime) -> datetime:
    """The latest digest time at or before `now`: `hour`:00 local, every day or on `weekday`.

    An hour the clocks skip (spring forward) falls on the first moment after the gap, and an
    hour that happens twice (fall back) counts once, at its first occurrence: both follow
    from `fold=0`, which `datetime.combine` sets.
    """
    # Compared in UTC: Python compares two times of the same zone by wall clock alone, which
    # is wrong across a change of offset.
    instant = now.astimezone(UTC)
    day = instant.astimezone(zone).date()
    step = DAYS_PER_WEEK if frequency == "weekly" else 1
    if frequency == "weekly":
        day -= timedelta(days=(day.weekday() - weekday) % DAYS_PER_WEEK)
    slot = _at(day, hour, zone)
    if slot > instant:
        slot = _at(day - timedelta(days=step), hour, zone)
    return slot


def _at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock_time(hour), tzinfo=zone)
