"""Storage of releases and votes: drafts, edits, scheduling, and exactly one vote per reader."""

from __future__ import annotations

import asyncio

import pytest

from storage import releases, votes
from storage.db import Database
from storage.releases import KEEP, Release


async def _draft(
    db: Database, title: str = "Plant opens", *, photo: str | None = None, language: str = "en"
) -> Release:
    return await releases.create_draft(
        db,
        title=title,
        body="The plant opened today. It employs 300 people.",
        summary="The plant opened today.",
        link="https://example.com/plant",
        photo_file_id=photo,
        language=language,
        author_id=1000,
        now=100.0,
    )


async def _published(db: Database) -> Release:
    release = await _draft(db)
    await db.write(
        "UPDATE releases SET status = 'sent', published_at = 200 WHERE id = ?", (release.id,)
    )
    published = await releases.get(db, release.id)
    assert published is not None
    return published


async def test_a_draft_keeps_every_field(db: Database) -> None:
    release = await _draft(db, photo="photo-1", language="ru")
    assert release == await releases.get(db, release.id)
    assert (release.status, release.revision, release.summary_edited) == ("draft", 1, False)
    assert (release.photo_file_id, release.language, release.author_id) == ("photo-1", "ru", 1000)
    assert release.average is None
    assert await releases.get(db, release.id + 1) is None
    assert await releases.get(db, 2**70) is None
    assert await releases.get(db, -1) is None


async def test_update_text_bumps_the_revision_only_on_change(db: Database) -> None:
    release = await _draft(db)
    same = await releases.update_text(db, release.id, title="Plant opens")
    assert same is not None and same.revision == 1
    edited = await releases.update_text(db, release.id, summary="New summary.")
    assert edited is not None
    assert (edited.summary, edited.summary_edited, edited.revision) == ("New summary.", True, 2)
    assert edited.link == "https://example.com/plant"
    no_link = await releases.update_text(db, release.id, link=None)
    assert no_link is not None and (no_link.link, no_link.revision) == (None, 3)
    kept = await releases.update_text(db, release.id, title="Plant opens early", link=KEEP)
    assert kept is not None and (kept.title, kept.link, kept.revision) == (
        "Plant opens early",
        None,
        4,
    )
    assert await releases.update_text(db, release.id + 1, title="x") is None


async def test_a_retracted_release_is_not_edited(db: Database) -> None:
    release = await _published(db)
    await db.write("UPDATE releases SET status = 'retracted' WHERE id = ?", (release.id,))
    assert await releases.update_text(db, release.id, title="Changed") is None
    stored = await releases.get(db, release.id)
    assert stored is not None and (stored.title, stored.revision) == ("Plant opens", 1)


async def test_schedule_and_due(db: Database) -> None:
    early, late, draft = await _draft(db, "A"), await _draft(db, "B"), await _draft(db, "C")
    scheduled = await releases.schedule(db, late.id, 500.0)
    assert scheduled is not None and (scheduled.status, scheduled.scheduled_at) == (
        "scheduled",
        500.0,
    )
    assert await releases.schedule(db, early.id, 300.0) is not None
    assert await releases.schedule(db, early.id, 400.0) is not None  # rescheduled
    assert [r.id for r in await releases.due_scheduled(db, 399.0)] == []
    assert [r.id for r in await releases.due_scheduled(db, 450.0)] == [early.id]
    assert [r.id for r in await releases.due_scheduled(db, 10_000.0)] == [early.id, late.id]
    assert draft.id not in [r.id for r in await releases.due_scheduled(db, 10_000.0)]
    published = await _published(db)
    assert await releases.schedule(db, published.id, 900.0) is None


async def test_discard_only_what_reached_no_one(db: Database) -> None:
    draft, published = await _draft(db), await _published(db)
    scheduled = await _draft(db)
    await releases.schedule(db, scheduled.id, 500.0)
    assert await releases.discard(db, draft.id)
    assert await releases.discard(db, scheduled.id)
    assert not await releases.discard(db, published.id)
    assert not await releases.discard(db, draft.id)
    assert [r.id for r in await releases.recent(db)] == [published.id]


async def test_recent_is_newest_first(db: Database) -> None:
    made = [await _draft(db, f"Release {n}") for n in range(5)]
    assert [r.id for r in await releases.recent(db, 3)] == [r.id for r in made[::-1][:3]]


async def test_a_vote_is_recorded_and_changed(db: Database) -> None:
    release = await _published(db)
    first = await votes.cast(db, release.id, 7, 4, now=300.0)
    assert (first.stars, first.count, first.average, first.previous) == (4, 1, 4.0, None)
    assert first.changed
    other = await votes.cast(db, release.id, 8, 5, now=301.0)
    assert (other.count, other.average) == (2, 4.5)
    changed = await votes.cast(db, release.id, 7, 2, now=302.0)
    assert (changed.count, changed.average, changed.previous) == (2, 3.5, 4)
    same = await votes.cast(db, release.id, 7, 2, now=303.0)
    assert (same.count, same.average, same.changed) == (2, 3.5, False)
    assert await votes.of(db, release.id, 7) == 2
    assert await votes.of(db, release.id, 9) is None
    assert await votes.distribution(db, release.id) == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1}
    stored = await releases.get(db, release.id)
    assert stored is not None and (stored.vote_count, stored.vote_sum, stored.average) == (
        2,
        7,
        3.5,
    )


async def test_100_concurrent_presses_by_one_reader_leave_one_row(db: Database) -> None:
    release = await _published(db)
    await votes.cast(db, release.id, 1, 5, now=1.0)  # someone else's vote stays as it is
    presses = [votes.cast(db, release.id, 42, 1 + n % 5, now=float(n)) for n in range(100)]
    tallies = await asyncio.gather(*presses)
    rows = await db.fetchall(
        "SELECT user_id, stars FROM votes WHERE release_id = ? ORDER BY user_id", (release.id,)
    )
    assert [row["user_id"] for row in rows] == [1, 42]
    final = rows[1]["stars"]
    # One press created the vote and each later one replaced the one before it: every press's
    # stars were seen as `previous` by exactly one later press, except the final vote's.
    assert sum(tally.previous is None for tally in tallies) == 1
    seen = [tally.previous for tally in tallies if tally.previous is not None]
    assert sorted([*seen, final]) == sorted(tally.stars for tally in tallies)
    stored = await releases.get(db, release.id)
    assert stored is not None
    assert (stored.vote_count, stored.vote_sum) == (2, 5 + final)
    assert all(tally.count == 2 for tally in tallies)


@pytest.mark.parametrize("stars", [0, 6, -1, 100])
async def test_stars_outside_1_to_5_are_refused(db: Database, stars: int) -> None:
    release = await _published(db)
    with pytest.raises(ValueError, match="outside 1-5"):
        await votes.cast(db, release.id, 7, stars, now=1.0)
    assert await votes.of(db, release.id, 7) is None


async def test_only_published_releases_take_votes(db: Database) -> None:
    draft = await _draft(db)
    retracted = await _published(db)
    await db.write("UPDATE releases SET status = 'retracted' WHERE id = ?", (retracted.id,))
    for release_id in (draft.id, retracted.id, 999, 2**70, 0):
        with pytest.raises(votes.NotVotable):
            await votes.cast(db, release_id, 7, 3, now=1.0)
    assert await db.fetchall("SELECT * FROM votes") == []
    assert await votes.distribution(db, 2**70) == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
