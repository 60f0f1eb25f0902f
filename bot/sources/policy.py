"""Polling decisions as pure functions of the state and `now`: when to poll a source next,
how failures count, when staff hear about them, and what state a source is in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

__all__ = [
    "FAILING_AFTER",
    "MAX_BACKOFF",
    "Health",
    "after_poll",
    "first_poll",
    "next_poll",
    "spread",
    "state_of",
]

# Back-off never waits longer than this between two polls of a failing source.
MAX_BACKOFF = 6 * 3600.0
# A feed's max-age or <ttl> may lengthen the interval, but never past a day.
MAX_HINT = 24 * 3600.0
# Each delay varies by up to ±10%, so sources polled together drift apart.
JITTER = 0.1
# Staff hear about a source once it has failed this many polls in a row.
FAILING_AFTER = 3
_GOLDEN = 0.6180339887498949

Notice = Literal["failing", "recovered"]
State = Literal["ok", "failing", "paused"]


@dataclass(frozen=True, slots=True)
class Health:
    """A source's failure streak after a poll, and the notice staff get now, if any."""

    failures: int
    failing_since: datetime | None
    notice: Notice | None


def spread(source_id: int) -> float:
    """A fraction in [0, 1) that places source `source_id` evenly among the others."""
    return (source_id * _GOLDEN) % 1.0


def next_poll(
    now: datetime,
    *,
    interval: float,
    failures: int = 0,
    max_age: float | None = None,
    ttl: float | None = None,
    jitter: float = 0.5,
) -> datetime:
    """When to poll next: the interval, lengthened by a longer max-age or `<ttl>` (up to a
    day); after failures, the interval doubled per failure up to 6 hours. `jitter` in [0, 1)
    scales the delay by 0.9-1.1 (0.5: exactly)."""
    if failures > 0:
        delay = max(min(interval * 2.0 ** min(failures, 30), MAX_BACKOFF), interval)
    else:
        delay = interval
        for hint in (max_age, ttl):
            if hint is not None and hint > delay:
                delay = min(hint, max(MAX_HINT, interval))
    delay *= 1 + JITTER * (2 * min(max(jitter, 0.0), 1.0) - 1)
    if failures > 0 and interval <= MAX_BACKOFF:
        delay = min(delay, MAX_BACKOFF)
    return now + timedelta(seconds=delay)


def first_poll(now: datetime, *, source_id: int, interval: float, due: datetime) -> datetime:
    """When to poll a source at start-up: when it is due, or, if that has passed while the bot
    was down, at its own place in the next interval, so overdue sources do not fire at once."""
    if due > now:
        return min(due, now + timedelta(seconds=max(interval, MAX_BACKOFF)))
    return now + timedelta(seconds=spread(source_id) * interval)


def after_poll(
    failures: int, failing_since: datetime | None, *, succeeded: bool, now: datetime
) -> Health:
    """Count a poll: success clears the streak (telling staff if they were told it failed);
    the third failure in a row tells them it is failing. Each is said once."""
    if succeeded:
        return Health(0, None, "recovered" if failures >= FAILING_AFTER else None)
    count = failures + 1
    return Health(count, failing_since or now, "failing" if count == FAILING_AFTER else None)


def state_of(*, paused: bool, failures: int) -> State:
    """What `/sources` shows: paused, failing (after `FAILING_AFTER` failures in a row) or ok."""
    if paused:
        return "paused"
    return "failing" if failures >= FAILING_AFTER else "ok"
