"""Votes: one 1-5 star rating per reader per release, the release's running count and sum kept
in the same transaction, so the totals always equal the rows."""

from __future__ import annotations

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


async def cast(db: Database, release_id: int, user_id: int, stars: int, now: float) -> Tally:
    """Record or change a reader's vote; raises `NotVotable` and `ValueError` for bad input."""
    if stars not in STARS:
        raise ValueError(f"{stars} stars is outside 1-5")
    if not valid_id(release_id):
        raise NotVotable(release_id)
    async with db.transaction() as connection:
        async with connection.execute(
            f"SELECT 1 FROM releases WHERE id = ? AND {PUBLISHED_SQL}", (release_id,)
        ) as cursor:
            if await cursor.fetchone() is None:
                raise NotVotable(release_id)
        async with connection.execute(
            "SELECT stars FROM votes WHERE release_id = ? AND user_id = ?", (release_id, user_id)
        ) as cursor:
            row = await cursor.fetchone()
        previous: int | None = row["stars"] if row else None
        await connection.execute(
            """
            INSERT INTO votes (release_id, user_id, stars, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (release_id, user_id) DO UPDATE SET
                stars = excluded.stars, updated_at = excluded.updated_at
            """,
            (release_id, user_id, stars, now, now),
        )
        async with connection.execute(
            "UPDATE releases SET vote_count = vote_count + ?, vote_sum = vote_sum + ? "
            "WHERE id = ? RETURNING vote_count, vote_sum",
            (int(previous is None), stars - (previous or 0), release_id),
        ) as cursor:
            totals = await cursor.fetchone()
    assert totals is not None
    count, total = int(totals["vote_count"]), int(totals["vote_sum"])
    return Tally(stars=stars, count=count, average=total / count, previous=previous)


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
