"""CPU work off the event loop: cleaning and summarizing a pasted or fetched text.

The summarizer runs in linear time, but a 200,000-character paste still takes a noticeable share
of a second; run on the event loop it would hold every reader's reply and the delivery engine.
`Workers` runs it in a small thread pool, so the loop keeps answering while it works, and gives
it a time budget: past the budget the caller gets a plain summary (the start of the text) at
once, and the thread's late result is dropped.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Final, ParamSpec, TypeVar

from bot import posting

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

# Generous for a 200,000-character body (about 0.5 s on a busy 2-core machine).
SUMMARY_BUDGET: Final = 10.0


class Workers:
    """A small thread pool for CPU work, created in the start-up hook and closed on shutdown."""

    def __init__(self, *, threads: int = 2, budget: float = SUMMARY_BUDGET) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="pressroom-cpu")
        self.budget = budget

    async def run(self, work: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`work(*args, **kwargs)` in a worker thread; TimeoutError past the budget."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool, functools.partial(work, *args, **kwargs))
        async with asyncio.timeout(self.budget):
            return await future

    async def draft_text(self, body: str, title: str) -> posting.DraftText:
        """The body's summary and language, worked out off the event loop."""
        try:
            return await self.run(posting.draft_text, body, title)
        except TimeoutError:
            logger.warning(
                "Summarizing %d characters took over %.0f s; the start of the text stands in",
                len(body),
                self.budget,
            )
            return posting.plain_draft_text(body, title)

    def close(self) -> None:
        """Drop queued work; a thread still running finishes on its own."""
        self._pool.shutdown(wait=False, cancel_futures=True)
