"""How often one person may read a whole digest: /digest and each press of a digest's page
buttons rank every release of the window, so a finger held on the button (or a script) is
slowed down to one read per interval. The decision is a pure function of the last read and
now; `Throttle` only remembers when each person last got through."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final

# One digest read per person per this many seconds.
DIGEST_INTERVAL: Final = 2.0
# Past this many people remembered, those whose interval is over are forgotten.
_PRUNE_AT: Final = 10_000


def wait_left(last: float | None, now: float, interval: float) -> float:
    """Seconds until someone who last got through at `last` may again; 0 means now. A clock
    that went back (`now` before `last`) lets them through."""
    if last is None or now < last or now - last >= interval:
        return 0.0
    return interval - (now - last)


class Throttle:
    """At most one read per person per `interval` seconds; refused reads do not count."""

    def __init__(
        self, interval: float = DIGEST_INTERVAL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval = interval
        self.clock = clock
        self._last: dict[int, float] = {}

    def admit(self, person: int) -> bool:
        """Whether `person` may read now; if so, now is noted as their last read."""
        now = self.clock()
        if wait_left(self._last.get(person), now, self.interval) > 0:
            return False
        self._last[person] = now
        if len(self._last) > _PRUNE_AT:
            self._last = {p: t for p, t in self._last.items() if now - t < self.interval}
        return True
