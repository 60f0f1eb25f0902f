"""Group commits of votes: a star press never queues alone behind the delivery engine's writes.

Every press that arrives while a batch is being written waits for the next one, and each batch
is one transaction (`storage.votes.cast_many`), so 300 presses a second take a handful of
transactions instead of 300, each behind the outbox's commits. Each caller still gets the exact
totals right after its own vote.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Final

from storage import votes
from storage.db import Database
from storage.votes import Cast, NotVotable, Tally

logger = logging.getLogger(__name__)

# Presses in one transaction at most (two SQL parameters each in one statement).
BATCH_LIMIT: Final = 500


class VoteWriter:
    """Records presses in batches, one transaction each, in the order they came."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._waiting: list[tuple[Cast, asyncio.Future[Tally]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start writing (inside the running loop)."""
        self._task = asyncio.create_task(self._run(), name="vote-writer")

    async def stop(self) -> None:
        """Write what is waiting, then stop."""
        if self._task is None:
            return
        await self._write_waiting()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def cast(self, release_id: int, user_id: int, stars: int, now: float) -> Tally:
        """Record or change a reader's vote with the next batch; raises `NotVotable` and
        `ValueError` like `storage.votes.cast`."""
        if stars not in votes.STARS:
            raise ValueError(f"{stars} stars is outside 1-5")
        future: asyncio.Future[Tally] = asyncio.get_running_loop().create_future()
        self._waiting.append((Cast(release_id, user_id, stars, now), future))
        self._wake.set()
        return await future

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._write_waiting()

    async def _write_waiting(self) -> None:
        while self._waiting:
            batch = self._waiting[:BATCH_LIMIT]
            del self._waiting[:BATCH_LIMIT]
            try:
                results = await votes.cast_many(self._db, [cast for cast, _ in batch])
            except Exception as error:
                logger.exception("Could not record %d votes", len(batch))
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                # A caller that stopped waiting (its update was cancelled) still voted.
                if future.done():
                    continue
                if isinstance(result, NotVotable):
                    future.set_exception(result)
                else:
                    future.set_result(result)
