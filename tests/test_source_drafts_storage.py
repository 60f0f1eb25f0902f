"""Storage of drafts from sources: an item's key and its draft in one transaction, the step
still pending, de-duplication by canonical link, and the staff previews of a draft."""

from __future__ import annotations

import asyncio

from storage import previews, releases
from storage import sources as stored
from storage.db import Database

DRAFT = stored.DraftFields(
    title="Plant opens",
    body="The plant opened.",
    summary="The plant opened.",
    link="https://example.org/news/1",
    photo="https://example.org/lead.jpg",
    language="en",
    author_id=7,
)
PAGE = "https://example.org/news/1"


async def _source(db: Database) -> stored.Source:
    source = await stored.add(
        db,
        url="https://example.org/feed",
        site_url=None,
        title="Example",
        keys=["old"],
        next_check_at=100.0,
        now=1.0,
    )
    assert source is not None
    return source


async def test_an_item_is_taken_once_with_its_draft_and_pending_step(db: Database) -> None:
    source = await _source(db)
    release_id = await stored.take_item(
        db, source.id, "id:1", DRAFT, canonical_link=PAGE, pending="publish", now=2.0
    )
    assert release_id is not None
    release = await releases.get(db, release_id)
    assert release is not None and release.status == "draft" and release.source_id == source.id
    assert release.photo_file_id == DRAFT.photo and release.author_id == 7
    assert await stored.unseen(db, source.id, ["id:1", "id:2"]) == ["id:2"]
    assert await stored.pending_releases(db) == [stored.PendingRelease(release_id, "publish")]
    again = await stored.take_item(
        db, source.id, "id:1", DRAFT, canonical_link=None, pending="preview", now=3.0
    )
    assert again is None
    assert (await stored.get(db, source.id)).items_taken == 1  # type: ignore[union-attr]
    await stored.set_pending(db, release_id, None)
    assert await stored.pending_action(db, release_id) is None
    assert await stored.pending_releases(db) == []


async def test_two_polls_taking_the_same_item_at_once_make_one_draft(db: Database) -> None:
    source = await _source(db)
    taken = await asyncio.gather(
        *(
            stored.take_item(
                db, source.id, "id:1", DRAFT, canonical_link=None, pending="preview", now=2.0
            )
            for _ in range(5)
        )
    )
    assert sum(release_id is not None for release_id in taken) == 1
    assert len(await releases.recent(db, 10)) == 1


async def test_a_page_released_already_is_seen_but_not_taken(db: Database) -> None:
    source = await _source(db)
    first, existing = await stored.create_linked_draft(db, DRAFT, canonical_link=PAGE, now=1.0)
    assert first is not None and existing is None
    assert await stored.create_linked_draft(db, DRAFT, canonical_link=PAGE, now=2.0) == (
        None,
        first,
    )
    feed_copy = await stored.take_item(
        db, source.id, "id:9", DRAFT, canonical_link=PAGE, pending="preview", now=3.0
    )
    assert feed_copy is None and await stored.unseen(db, source.id, ["id:9"]) == []
    assert [r.id for r in await releases.recent(db, 10)] == [first]


async def test_a_removed_source_takes_nothing(db: Database) -> None:
    source = await _source(db)
    await stored.remove(db, source.id)
    assert (
        await stored.take_item(
            db, source.id, "id:1", DRAFT, canonical_link=None, pending="preview", now=2.0
        )
        is None
    )
    assert await releases.recent(db, 10) == []
    assert await stored.unseen(db, source.id, ["id:1"]) == []


async def test_staff_previews_are_settled_once(db: Database) -> None:
    await previews.record(db, 5, 1001, 40)
    await previews.record(db, 5, 1000, 12)
    await previews.record(db, 5, 1002, None)
    await previews.record(db, 6, 1000, 13)
    assert [p.chat_id for p in await previews.of_release(db, 5)] == [1000, 1001, 1002]
    first, second = await asyncio.gather(previews.take_all(db, 5), previews.take_all(db, 5))
    assert sorted([len(first), len(second)]) == [0, 3]
    assert await previews.of_release(db, 6) == [previews.StaffPreview(1000, 13)]
