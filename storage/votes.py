"""Votes: one 1-5 star rating per reader per release, the release's running count and sum kept
in the same transaction, so the totals always equal the rows. `cast_many` records a batch of
presses in one transaction (see `bot.voting`), each with the totals exactly as they were
right after it."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from storage.db import Database
from storage.releases import PUBLISHED_SQL, valid_id

STARS = range(1, 6)


class NotVotable(LookupError):
    """The release does not exist, or readers cannot rate it (not published, or retracted)."""


@dataclass(frozen=True, slots=True)
class Tally:
    """What a vote left behind: the reader's stars, the release's totals, the earlier vote."""

    stars: int
    count: int
    average: float
    previous: int | None = None

    @property
    def changed(self) -> bool:
        """Whether this vote differs from what the reader had chosen before."""
        return self.previous != self.stars


@dataclass(frozen=True, slots=True)
class Cast:
    """One press to record: a reader's stars for a release, at `now`."""

    release_id: int
    user_id: int
    stars: int
    now: float


async def cast(db: Database, release_id: int, user_id: int, stars: int, now: float) -> Tally:
    """Record or change a reader's vote; raises `NotVotable` and `ValueError` for bad input."""
    if stars not in STARS:
        raise ValueError(f"{stars} stars is outside 1-5")
    (result,) = await cast_many(db, [Cast(release_id, user_id, stars, now)])
    if isinstance(result, NotVotable):
        raise result
    return result


async def cast_many(db: Database, casts: Sequence[Cast]) -> list[Tally | NotVotable]:
    """Record many votes in one transaction, in order; each gets the exact totals right after
    it (as if cast alone), or `NotVotable`. Stars must be within 1-5."""
    if any(c.stars not in STARS for c in casts):
        raise ValueError("stars outside 1-5")
    wanted = sorted({c.release_id for c in casts if valid_id(c.release_id)})
    if not wanted:
        return [NotVotable(c.release_id) for c in casts]
    # Urgent: a reader waits for the answer; outbox batches can wait one transaction more.
    return await db.run(lambda connection: _cast_many(connection, wanted, casts), urgent=True)


def _cast_many(
    connection: sqlite3.Connection, wanted: list[int], casts: Sequence[Cast]
) -> list[Tally | NotVotable]:
    totals = {
        int(row["id"]): [int(row["vote_count"]), int(row["vote_sum"])]
        for row in connection.execute(
            f"SELECT id, vote_count, vote_sum FROM releases "
            f"WHERE id IN ({', '.join(['?'] * len(wanted))}) AND {PUBLISHED_SQL}",
            wanted,
        )
    }
    open_casts = [c for c in casts if c.release_id in totals]
    chosen: dict[tuple[int, int], int] = {}
    if open_casts:
        pairs = sorted({(c.release_id, c.user_id) for c in open_casts})
        for row in connection.execute(
            "SELECT release_id, user_id, stars FROM votes WHERE (release_id, user_id) IN "
            f"(VALUES {', '.join(['(?, ?)'] * len(pairs))})",
            [value for pair in pairs for value in pair],
        ):
            chosen[(int(row["release_id"]), int(row["user_id"]))] = int(row["stars"])
    results: list[Tally | NotVotable] = []
    for c in casts:
        if c.release_id not in totals:
            results.append(NotVotable(c.release_id))
            continue
        # In order, as if each ran alone: a second press in the batch sees the first.
        previous = chosen.get((c.release_id, c.user_id))
        chosen[(c.release_id, c.user_id)] = c.stars
        running = totals[c.release_id]
        running[0] += int(previous is None)
        running[1] += c.stars - (previous or 0)
        results.append(Tally(c.stars, running[0], running[1] / running[0], previous))
    connection.executemany(
        """
        INSERT INTO votes (release_id, user_id, stars, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (release_id, user_id) DO UPDATE SET
            stars = excluded.stars, updated_at = excluded.updated_at
        """,
        [(c.release_id, c.user_id, c.stars, c.now, c.now) for c in open_casts],
    )
    connection.executemany(
        "UPDATE releases SET vote_count = ?, vote_sum = ? WHERE id = ?",
        [(count, total, release_id) for release_id, (count, total) in totals.items()],
    )
    return results


async def of(db: Database, release_id: int, user_id: int) -> int | None:
    """The stars this reader gave this release, or None."""
    if not valid_id(release_id):
        return None
    row = await db.fetchone(
        "SELECT stars FROM votes WHERE release_id = ? AND user_id = ?", (release_id, user_id)
    )
    return int(row["stars"]) if row else None


async def distribution(db: Database, release_id: int) -> dict[int, int]:
    """How many readers gave each number of stars, 1 to 5 (zeros included)."""
    counts = dict.fromkeys(STARS, 0)
    if not valid_id(release_id):
        return counts
    rows = await db.fetchall(
        "SELECT stars, COUNT(*) AS n FROM votes WHERE release_id = ? GROUP BY stars",
        (release_id,),
    )
    for row in rows:
        counts[int(row["stars"])] = int(row["n"])
    return counts
