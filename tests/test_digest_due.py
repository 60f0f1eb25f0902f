"""Who is due for a digest, and for which window: the pure decision, as a table."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.digests import due
from bot.hourly import run_minutes
from storage.digests import Schedule, Window

MOSCOW, BERLIN = "Europe/Moscow", "Europe/Berlin"


def local(zone: str, text: str, *, fold: int = 0) -> datetime:
    """`YYYY-MM-DD HH:MM` as a wall-clock time in `zone`."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone), fold=fold)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


CASES = [
    # (what, frequency, hour, weekday, zone, since, now, window end or None)
    ("daily at its hour", "daily", 9, 0, MOSCOW,
     local(MOSCOW, "2024-06-03 09:00"), local(MOSCOW, "2024-06-04 09:00"),
     local(MOSCOW, "2024-06-04 09:00")),
    ("a second before its hour", "daily", 9, 0, MOSCOW,
     local(MOSCOW, "2024-06-03 09:00"), local(MOSCOW, "2024-06-04 08:59:59"), None),
    ("later the same day, already sent", "daily", 9, 0, MOSCOW,
     local(MOSCOW, "2024-06-04 09:00"), local(MOSCOW, "2024-06-04 23:00"), None),
    ("midnight", "daily", 0, 0, BERLIN,
     local(BERLIN, "2024-06-01 00:00"), local(BERLIN, "2024-06-02 00:00"),
     local(BERLIN, "2024-06-02 00:00")),
    ("a minute to midnight", "daily", 0, 0, BERLIN,
     local(BERLIN, "2024-06-01 00:00"), local(BERLIN, "2024-06-01 23:59"), None),
    ("midnight in the reader's zone, afternoon in UTC", "daily", 0, 0, "Asia/Vladivostok",
     utc("2024-05-31 14:00"), utc("2024-06-01 14:00"), utc("2024-06-01 14:00")),
    ("the reader's own zone, not the press centre's", "daily", 9, 0, "America/New_York",
     utc("2024-06-03 13:00"), utc("2024-06-04 13:00"), utc("2024-06-04 13:00")),
    ("spring forward: 02:00 does not exist, comes at 03:00 CEST", "daily", 2, 0, BERLIN,
     local(BERLIN, "2024-03-30 02:00"), utc("2024-03-31 01:00"), utc("2024-03-31 01:00")),
    ("spring forward: not before the gap", "daily", 2, 0, BERLIN,
     local(BERLIN, "2024-03-30 02:00"), utc("2024-03-31 00:59"), None),
    ("spring forward: 03:00 itself", "daily", 3, 0, BERLIN,
     local(BERLIN, "2024-03-30 03:00"), local(BERLIN, "2024-03-31 03:00"),
     utc("2024-03-31 01:00")),
    ("the day after spring forward: a 23-hour window", "daily", 2, 0, BERLIN,
     utc("2024-03-31 01:00"), local(BERLIN, "2024-04-01 02:00"), utc("2024-04-01 00:00")),
    ("fall back: the first 02:00", "daily", 2, 0, BERLIN,
     local(BERLIN, "2024-10-26 02:00"), local(BERLIN, "2024-10-27 02:00"),
     utc("2024-10-27 00:00")),
    ("fall back: the repeated 02:00 sends nothing more", "daily", 2, 0, BERLIN,
     utc("2024-10-27 00:00"), local(BERLIN, "2024-10-27 02:00", fold=1), None),
    ("fall back: half an hour into the repeat", "daily", 2, 0, BERLIN,
     utc("2024-10-27 00:00"), utc("2024-10-27 01:30"), None),
    ("a `now` inside the gap counts as the instant it stands for", "daily", 3, 0, BERLIN,
     local(BERLIN, "2024-03-30 03:00"), local(BERLIN, "2024-03-31 02:30"),
     utc("2024-03-31 01:00")),
    ("fall back: 03:00 comes an hour after the second 02:00", "daily", 3, 0, BERLIN,
     local(BERLIN, "2024-10-26 03:00"), local(BERLIN, "2024-10-27 02:59", fold=1),
     None),
    ("fall back: 03:00 CET itself", "daily", 3, 0, BERLIN,
     local(BERLIN, "2024-10-26 03:00"), utc("2024-10-27 02:00"), utc("2024-10-27 02:00")),
    ("the day after fall back: a 25-hour window", "daily", 2, 0, BERLIN,
     utc("2024-10-27 00:00"), local(BERLIN, "2024-10-28 02:00"), utc("2024-10-28 01:00")),
    ("hour moved earlier, before today's send", "daily", 7, 0, MOSCOW,
     local(MOSCOW, "2024-06-03 09:00"), local(MOSCOW, "2024-06-04 07:00"),
     local(MOSCOW, "2024-06-04 07:00")),
    ("hour moved earlier, noticed late: sent at once", "daily", 7, 0, MOSCOW,
     local(MOSCOW, "2024-06-03 09:00"), local(MOSCOW, "2024-06-04 08:00"),
     local(MOSCOW, "2024-06-04 07:00")),
    ("hour moved later after today's send: not again yet", "daily", 20, 0, MOSCOW,
     local(MOSCOW, "2024-06-04 09:00"), local(MOSCOW, "2024-06-04 19:59"), None),
    ("hour moved later after today's send: at the new hour", "daily", 20, 0, MOSCOW,
     local(MOSCOW, "2024-06-04 09:00"), local(MOSCOW, "2024-06-04 20:00"),
     local(MOSCOW, "2024-06-04 20:00")),
    ("weekly on Wednesday, on Tuesday", "weekly", 9, 2, MOSCOW,
     local(MOSCOW, "2024-05-29 09:00"), local(MOSCOW, "2024-06-04 09:00"), None),
    ("weekly on Wednesday, Wednesday before the hour", "weekly", 9, 2, MOSCOW,
     local(MOSCOW, "2024-05-29 09:00"), local(MOSCOW, "2024-06-05 08:00"), None),
    ("weekly on Wednesday, Wednesday at the hour", "weekly", 9, 2, MOSCOW,
     local(MOSCOW, "2024-05-29 09:00"), local(MOSCOW, "2024-06-05 09:00"),
     local(MOSCOW, "2024-06-05 09:00")),
    ("weekly on Sunday, reached from Monday", "weekly", 18, 6, MOSCOW,
     local(MOSCOW, "2024-05-26 18:00"), local(MOSCOW, "2024-06-03 10:00"),
     local(MOSCOW, "2024-06-02 18:00")),
    ("weekly across fall back", "weekly", 2, 6, BERLIN,
     local(BERLIN, "2024-10-20 02:00"), local(BERLIN, "2024-10-27 02:00", fold=1),
     utc("2024-10-27 00:00")),
    ("missed three days: one window over the gap", "daily", 9, 0, MOSCOW,
     local(MOSCOW, "2024-06-01 09:00"), local(MOSCOW, "2024-06-04 15:00"),
     local(MOSCOW, "2024-06-04 09:00")),
    ("missed three weeks: one window over the gap", "weekly", 9, 0, MOSCOW,
     local(MOSCOW, "2024-05-13 09:00"), local(MOSCOW, "2024-06-04 15:00"),
     local(MOSCOW, "2024-06-03 09:00")),
    ("subscribed half an hour before the slot", "daily", 9, 0, MOSCOW,
     local(MOSCOW, "2024-06-04 08:30"), local(MOSCOW, "2024-06-04 09:00"),
     local(MOSCOW, "2024-06-04 09:00")),
    ("subscribed after today's slot", "daily", 9, 0, MOSCOW,
     local(MOSCOW, "2024-06-04 10:00"), local(MOSCOW, "2024-06-05 08:00"), None),
    ("switched to weekly after a daily digest", "weekly", 9, 4, MOSCOW,
     local(MOSCOW, "2024-06-04 09:00"), local(MOSCOW, "2024-06-05 09:00"), None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("frequency", "hour", "weekday", "zone", "since", "now", "end"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_due(
    frequency: str,
    hour: int,
    weekday: int,
    zone: str,
    since: datetime,
    now: datetime,
    end: datetime | None,
) -> None:
    schedule = Schedule(
        chat_id=7,
        frequency="weekly" if frequency == "weekly" else "daily",
        hour=hour,
        weekday=weekday,
        zone=zone,
        since=since.timestamp(),
    )
    windows = due([schedule], now)
    if end is None:
        assert windows == []
    else:
        assert windows == [Window(7, schedule.frequency, since.timestamp(), end.timestamp())]


def test_same_settings_share_one_slot_and_differ_by_reader() -> None:
    now = local(MOSCOW, "2024-06-04 09:00")
    since = local(MOSCOW, "2024-06-03 09:00").timestamp()
    readers = [
        Schedule(chat_id=i, frequency="daily", hour=9, weekday=i % 7, zone=MOSCOW, since=since)
        for i in range(50)
    ]
    readers.append(Schedule(51, "daily", 10, 0, MOSCOW, since + 3600))
    readers.append(Schedule(52, "daily", 9, 0, MOSCOW, now.timestamp()))
    windows = due(readers, now)
    assert [w.chat_id for w in windows] == list(range(50))
    assert {w.end for w in windows} == {now.timestamp()}


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        due([], datetime(2024, 6, 4, 9))


@pytest.mark.parametrize(
    ("zones", "minutes"),
    [
        (["Europe/Moscow", "Europe/Berlin", "America/New_York"], [0]),
        (["Europe/Moscow", "Asia/Kolkata"], [0, 30]),
        (["Asia/Kathmandu"], [45]),
    ],
)
def test_the_job_runs_when_some_zone_starts_an_hour(zones: list[str], minutes: list[int]) -> None:
    assert run_minutes(zones, 2024) == minutes
