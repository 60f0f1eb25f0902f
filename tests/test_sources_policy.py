"""Polling decisions: next poll, back-off, start-up spread, failure notices, state."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from bot.sources.policy import after_poll, first_poll, next_poll, spread, state_of

NOW = datetime(2025, 3, 30, 0, 30, tzinfo=UTC)  # the night Europe's clocks go forward
HOUR = 3600.0


@pytest.mark.parametrize(
    ("interval", "failures", "max_age", "ttl", "jitter", "seconds"),
    [
        (600, 0, None, None, 0.5, 600),
        (600, 0, None, None, 0.0, 540),
        (600, 0, None, None, 1.0, 660),
        (600, 0, 300, None, 0.5, 600),  # a shorter max-age does not shorten the interval
        (600, 0, 1800, None, 0.5, 1800),
        (600, 0, None, 3600, 0.5, 3600),  # <ttl>60</ttl>
        (600, 0, 1800, 3600, 0.5, 3600),
        (600, 0, 10 * 24 * HOUR, None, 0.5, 24 * HOUR),  # hints count up to a day
        (600, 1, 3600, None, 0.5, 1200),  # failing: back-off, not the hint
        (600, 2, None, None, 0.5, 2400),
        (600, 5, None, None, 0.5, 19200),
        (600, 6, None, None, 0.5, 6 * HOUR),
        (600, 6, None, None, 1.0, 6 * HOUR),  # jitter never passes the cap
        (600, 500, None, None, 0.5, 6 * HOUR),
        (60, 1, None, None, 0.5, 120),
        (86400, 3, None, None, 0.5, 86400),  # never polled more often when failing
    ],
)
def test_next_poll(
    interval: float,
    failures: int,
    max_age: float | None,
    ttl: float | None,
    jitter: float,
    seconds: float,
) -> None:
    when = next_poll(
        NOW, interval=interval, failures=failures, max_age=max_age, ttl=ttl, jitter=jitter
    )
    assert when - NOW == timedelta(seconds=seconds)
    assert when.tzinfo is UTC


@pytest.mark.parametrize(
    ("due_in", "source_id", "interval", "starts_in"),
    [
        (120, 1, 600, 120),  # due later: then
        (-5, 1, 600, 600 * spread(1)),  # overdue: its own place in the next interval
        (-86400, 2, 600, 600 * spread(2)),
        (0, 3, 600, 600 * spread(3)),
        (10 * 86400, 4, 600, 6 * HOUR),  # a time far ahead (clock change) is pulled in
    ],
)
def test_first_poll(due_in: float, source_id: int, interval: float, starts_in: float) -> None:
    due = NOW + timedelta(seconds=due_in)
    when = first_poll(NOW, source_id=source_id, interval=interval, due=due)
    assert when - NOW == timedelta(seconds=starts_in)


def test_overdue_sources_are_spread_over_the_interval() -> None:
    offsets = sorted(spread(source_id) for source_id in range(1, 501))
    gaps = [b - a for a, b in itertools.pairwise(offsets)]
    assert offsets[0] >= 0 and offsets[-1] < 1
    assert max(gaps) < 5 / 500  # no more than a few sources share any stretch of time


SINCE = NOW - timedelta(hours=1)


@pytest.mark.parametrize(
    ("failures", "since", "succeeded", "expected"),
    [
        (0, None, True, (0, None, None)),
        (0, None, False, (1, NOW, None)),
        (1, SINCE, False, (2, SINCE, None)),
        (2, SINCE, False, (3, SINCE, "failing")),  # the third failure in a row: told once
        (3, SINCE, False, (4, SINCE, None)),
        (9, SINCE, False, (10, SINCE, None)),
        (2, SINCE, True, (0, None, None)),  # recovered before anyone was told: silence
        (3, SINCE, True, (0, None, "recovered")),
        (10, SINCE, True, (0, None, "recovered")),
    ],
)
def test_after_poll(
    failures: int,
    since: datetime | None,
    succeeded: bool,
    expected: tuple[int, datetime | None, str | None],
) -> None:
    health = after_poll(failures, since, succeeded=succeeded, now=NOW)
    assert (health.failures, health.failing_since, health.notice) == expected


@pytest.mark.parametrize(
    ("paused", "failures", "state"),
    [(False, 0, "ok"), (False, 2, "ok"), (False, 3, "failing"), (True, 5, "paused")],
)
def test_state_of(paused: bool, failures: int, state: str) -> None:
    assert state_of(paused=paused, failures=failures) == state
