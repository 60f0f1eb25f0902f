"""Storage of sources: seen keys kept for good, polling state, releases linked to their item."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage import releases
from storage import sources as stored
from storage.db import Database
from storage.schema import MIGRATIONS


async def _source(
    db: Database, url: str = "https://example.org/feed", keys: tuple[str, ...] = ()
) -> stored.Source:
    source = await stored.add(
        db, url=url, site_url=None, title="Example", keys=keys, next_check_at=100.0, now=1.0
    )
    assert source is not None
    return source


async def _draft(db: Database, title: str = "Plant opens") -> releases.Release:
    return await releases.create_draft(
        db,
        title=title,
        body="",
        summary="",
        link=None,
        photo_file_id=None,
        language="en",
        author_id=1,
        now=1.0,
    )


async def test_a_new_source_has_its_current_items_seen(db: Database) -> None:
    source = await _source(db, keys=("a", "b", "a"))
    assert (source.title, source.mode, source.paused, source.failures) == (
        "Example",
        "review",
        False,
        0,
    )
    assert await stored.seen_count(db, source.id) == 2
    assert await stored.remember(db, source.id, ["b", "c", "a", "d", "c"], now=2.0) == ["c", "d"]
    assert await stored.remember(db, source.id, ["c", "d"], now=3.0) == []
    assert await stored.seen_count(db, source.id) == 4


async def test_every_key_is_kept_however_many(db: Database) -> None:
    source = await _source(db)
    keys = [f"guid-{n}" for n in range(1_200)]
    assert len(await stored.remember(db, source.id, keys, now=2.0)) == 1_200
    # An item that dropped out of the feed long ago and comes back is still known.
    assert await stored.remember(db, source.id, ["guid-0", "guid-1199", "new"], 3.0) == ["new"]


async def test_the_same_address_is_one_source(db: Database) -> None:
    first = await _source(db)
    assert (
        await stored.add(
            db, url=first.url, site_url=None, title="Again", keys=(), next_check_at=0, now=0
        )
        is None
    )
    assert await stored.by_url(db, first.url) == first


async def test_mode_pause_and_removal(db: Database) -> None:
    source = await _source(db, keys=("a",))
    auto = await stored.set_mode(db, source.id, "auto")
    assert auto is not None and auto.mode == "auto"
    with pytest.raises(ValueError, match="not review or auto"):
        await stored.set_mode(db, source.id, "loud")  # type: ignore[arg-type]
    paused = await stored.set_paused(db, source.id, True)
    assert paused is not None and paused.paused and paused.next_check_at == 100.0
    assert [s.id for s in await stored.active(db)] == []
    resumed = await stored.set_paused(db, source.id, False, next_check_at=50.0)
    assert resumed is not None and not resumed.paused and resumed.next_check_at == 50.0
    assert await stored.set_mode(db, 999, "auto") is None
    assert await stored.set_paused(db, -1, True) is None
    assert await stored.remove(db, source.id)
    assert not await stored.remove(db, source.id)
    assert await stored.remember(db, source.id, ["x"], now=2.0) == []
    row = await db.fetchone("SELECT COUNT(*) FROM source_items")
    assert row is not None and row[0] == 0


async def test_save_poll_and_a_move_to_a_taken_address(db: Database) -> None:
    source = await _source(db)
    other = await _source(db, url="https://example.org/other")
    saved = await stored.save_poll(
        db,
        source.id,
        checked_at=10.0,
        next_check_at=610.0,
        failures=0,
        failing_since=None,
        last_error=None,
        etag='"v2"',
        last_modified="Wed, 01 Jan 2025 00:00:00 GMT",
        new_item_at=10.0,
        moved_to="https://example.org/feed.xml",
    )
    assert saved is not None
    assert (saved.url, saved.etag, saved.last_new_item_at) == (
        "https://example.org/feed.xml",
        '"v2"',
        10.0,
    )
    failing = await stored.save_poll(
        db,
        source.id,
        checked_at=20.0,
        next_check_at=1_220.0,
        failures=1,
        failing_since=20.0,
        last_error="HTTP 500",
        etag='"v2"',
        last_modified=None,
        moved_to=other.url,
    )
    assert failing is not None
    # The other source keeps its address; this one keeps its own and its last new item.
    assert (failing.url, failing.failures, failing.last_error, failing.last_new_item_at) == (
        "https://example.org/feed.xml",
        1,
        "HTTP 500",
        10.0,
    )
    assert (
        await stored.save_poll(
            db,
            999,
            checked_at=0,
            next_check_at=0,
            failures=0,
            failing_since=None,
            last_error=None,
            etag=None,
            last_modified=None,
        )
        is None
    )


async def test_a_release_made_from_an_item_is_linked_and_counted(db: Database) -> None:
    source = await _source(db)
    [key] = await stored.remember(db, source.id, ["guid-1"], now=2.0)
    draft = await _draft(db)
    await stored.record_release(
        db, source.id, key, draft.id, canonical_link="https://example.org/news/1"
    )
    again = await stored.get(db, source.id)
    assert again is not None and again.items_taken == 1
    assert await stored.release_for_link(db, "https://example.org/news/1") == draft.id
    assert await stored.release_for_link(db, "https://example.org/news/2") is None
    # One item, one release: a second release for the same item is refused by the schema.
    second = await _draft(db, "Again")
    with pytest.raises(sqlite3.IntegrityError):
        await stored.record_release(db, source.id, key, second.id, canonical_link=None)
    # Discarding the draft leaves the key seen.
    assert await releases.discard(db, draft.id)
    assert await stored.remember(db, source.id, ["guid-1"], now=3.0) == []
    assert await stored.release_for_link(db, "https://example.org/news/1") is None


async def test_a_posted_link_is_found_again_unless_retracted(db: Database) -> None:
    draft = await _draft(db)
    assert await stored.set_canonical_link(db, draft.id, "https://example.org/a")
    assert not await stored.set_canonical_link(db, 999, "https://example.org/a")
    assert await stored.release_for_link(db, "https://example.org/a") == draft.id
    await db.write("UPDATE releases SET status = 'retracted' WHERE id = ?", (draft.id,))
    assert await stored.release_for_link(db, "https://example.org/a") is None


async def test_removing_a_source_keeps_its_releases(db: Database) -> None:
    source = await _source(db)
    draft = await _draft(db)
    await stored.record_release(db, source.id, "k", draft.id, canonical_link=None)
    assert await stored.remove(db, source.id)
    kept = await db.fetchone("SELECT source_id, item_key FROM releases WHERE id = ?", (draft.id,))
    assert kept is not None and kept["source_id"] is None and kept["item_key"] == "k"


async def test_version_4_file_gains_sources_and_keeps_releases(tmp_path: Path) -> None:
    path = tmp_path / "v4.sqlite3"
    connection = sqlite3.connect(path)
    for script in MIGRATIONS[:4]:
        connection.executescript(script)
    connection.execute("PRAGMA user_version = 4")
    connection.execute(
        "INSERT INTO releases (title, author_id, created_at, link) "
        "VALUES ('Old', 1, 1.0, 'https://example.org/old')"
    )
    connection.commit()
    connection.close()
    db = await Database.open(path)
    try:
        assert await db.version() == len(MIGRATIONS)
        old = await db.fetchone("SELECT title, source_id, item_key, canonical_link FROM releases")
        assert old is not None and tuple(old) == ("Old", None, None, None)
        source = await _source(db)
        assert await stored.listed(db) == [source]
    finally:
        await db.close()
