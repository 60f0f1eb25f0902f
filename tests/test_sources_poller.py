"""The poller and its jobs against the local website and a real SQLite file."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.sources.fetch import FetchConfig
from bot.sources.jobs import SourceJobs, job_id
from bot.sources.poller import CannotAdd, CannotFetch, NewItem, Poller, SourceNotice, SourcesConfig
from bot.workers import Workers
from storage import releases
from storage import sources as stored
from storage.db import Database
from tests.site import ARTICLE_BODY, Entry, Site, serve

CONFIG = SourcesConfig(
    fetch=FetchConfig(timeout=2.0, allow_private=True), interval=600.0, concurrency=4
)


class Staff:
    """Plays the wiring: makes a draft per new item, keeps every notice."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.workers = Workers()
        self.items: list[NewItem] = []
        self.notices: list[SourceNotice] = []
        self.fail_on: str | None = None

    async def on_item(self, item: NewItem) -> int | None:
        if self.fail_on is not None and item.title == self.fail_on:
            raise RuntimeError("the summary broke")
        self.items.append(item)
        draft = stored.DraftFields(
            title=item.title,
            body=item.text,
            summary="",
            link=item.link,
            photo=None,
            language="en",
            author_id=0,
        )
        return await stored.take_item(
            self.db,
            item.source.id,
            item.key,
            draft,
            canonical_link=item.canonical_link,
            pending="preview",
            now=time.time(),
        )

    async def on_notice(self, notice: SourceNotice) -> None:
        self.notices.append(notice)

    def poller(self, config: SourcesConfig = CONFIG) -> Poller:
        return Poller(
            self.db,
            config,
            on_item=self.on_item,
            on_notice=self.on_notice,
            workers=self.workers,
            jitter=lambda: 0.5,
        )


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    async with serve() as running:
        yield running


@pytest.fixture
def staff(db: Database) -> Staff:
    return Staff(db)


@pytest.fixture
async def poller(staff: Staff) -> AsyncIterator[Poller]:
    poller = staff.poller()
    yield poller
    await poller.close()
    staff.workers.close()


def _entries(*guids: str, teaser: str = "The Kazan plant opened...") -> list[Entry]:
    return [Entry(guid, f"Release {guid}", teaser) for guid in guids]


async def test_adding_a_feed_marks_what_it_holds_seen(
    site: Site, poller: Poller, staff: Staff
) -> None:
    site.feeds["a"] = _entries("1", "2", "3")
    added = await poller.add_source(site.url("/feeds/a.xml"), added_by=7)
    assert (added.items, added.existing) == (3, False)
    assert (added.source.title, added.source.mode, added.source.added_by) == (
        "Feed a",
        "review",
        7,
    )
    assert added.source.etag is not None
    result = await poller.poll(added.source.id)
    assert (result.new, result.error, result.not_modified) == (0, None, True)
    assert staff.items == []
    again = await poller.add_source(site.url("/feeds/a.xml"))
    assert again.existing and again.source.id == added.source.id and again.items == 3


async def test_a_news_page_is_added_by_the_feed_it_names(site: Site, poller: Poller) -> None:
    added = await poller.add_source(site.url("/news"))
    assert added.source.url == site.url("/rss-1251.xml")
    assert added.source.title == "Новости «Волга Моторс»"
    assert added.source.site_url == site.url("/")
    assert added.items == 2


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/html-as-feed.xml", "is an HTML page, not a feed, and names no feed"),
        ("/status/500", "cannot be fetched: HTTP 500"),
        ("/loop/a", "cannot be fetched: more than 5 redirects"),
        ("/empty.xml", "is an empty answer, and names no feed"),
    ],
)
async def test_what_cannot_be_added_says_why(
    site: Site, poller: Poller, path: str, message: str
) -> None:
    with pytest.raises(CannotAdd, match=message):
        await poller.add_source(site.url(path))
    assert await stored.listed(poller._db) == []


async def test_a_permanent_move_is_followed_when_adding_a_temporary_one_is_not(
    site: Site, poller: Poller
) -> None:
    moved = await poller.add_source(site.url("/moved.xml"))
    assert moved.source.url == site.url("/atom.xml")
    temporary = await poller.add_source(site.url("/temporary.xml"))
    assert temporary.existing is False and temporary.source.url == site.url("/temporary.xml")


async def test_new_items_are_handed_over_once_with_the_article_text(
    site: Site, poller: Poller, staff: Staff, db: Database
) -> None:
    site.feeds["a"] = _entries("1")
    source = (await poller.add_source(site.url("/feeds/a.xml"))).source
    site.feeds["a"] = [*_entries("kazan-plant", "3"), *site.feeds["a"]]
    result = await poller.poll(source.id)
    assert (result.new, result.error) == (2, None)
    first, second = staff.items
    # Oldest first, as they were published; the teaser was replaced by the article page.
    assert (first.key, second.key) == ("id:3", "id:kazan-plant")
    assert second.title == "Release kazan-plant"
    assert second.text.startswith(ARTICLE_BODY[0])
    assert "Related" not in second.text and "Facebook" not in second.text
    assert second.link == site.url("/articles/kazan-plant")
    assert second.canonical_link == site.url("/articles/kazan-plant")
    assert second.image == site.url("/images/kazan-plant.jpg")
    assert second.source.id == source.id and second.source.mode == "review"
    after = await stored.get(db, source.id)
    assert after is not None and after.items_taken == 2 and after.last_new_item_at is not None
    row = await db.fetchone(
        "SELECT source_id, item_key, canonical_link FROM releases WHERE title = ?",
        ("Release kazan-plant",),
    )
    assert row is not None and tuple(row) == (
        source.id,
        "id:kazan-plant",
        site.url("/articles/kazan-plant"),
    )
    assert (await poller.poll(source.id)).not_modified
    assert len(staff.items) == 2


async def test_full_feed_content_is_used_as_it_is(
    site: Site, poller: Poller, staff: Staff, db: Database
) -> None:
    added = await stored.add(
        db, url=site.url("/atom.xml"), site_url=None, title="A", keys=[], next_check_at=0, now=0
    )
    assert added is not None
    await poller.poll(added.id)
    long_one = next(item for item in staff.items if item.key == "id:urn:atom:1")
    assert long_one.text.startswith(ARTICLE_BODY[0])
    # The full entry needed no page; the two-word one was a teaser, so its page was read.
    assert site.requests["/articles/atom-1"] == 0
    assert site.requests["/articles/atom-2"] == 1


async def test_a_restart_between_polls_reports_nothing_again(
    site: Site, staff: Staff, db: Database
) -> None:
    site.feeds["a"] = _entries("1")
    first = staff.poller()
    source = (await first.add_source(site.url("/feeds/a.xml"))).source
    site.feeds["a"] = [*_entries("2"), *site.feeds["a"]]
    assert (await first.poll(source.id)).new == 1
    await first.close()
    # A new process: nothing in memory, the same file. Even without the ETag, nothing is new.
    await db.write("UPDATE sources SET etag = NULL, last_modified = NULL")
    second = staff.poller()
    try:
        result = await second.poll(source.id)
        assert (result.new, result.not_modified, result.error) == (0, False, None)
        site.feeds["a"] = [*_entries("3"), *site.feeds["a"]]
        assert (await second.poll(source.id)).new == 1
    finally:
        await second.close()
    assert [item.key for item in staff.items] == ["id:2", "id:3"]


async def test_an_item_that_comes_back_or_changes_its_title_is_not_new(
    site: Site, poller: Poller, staff: Staff
) -> None:
    site.feeds["a"] = _entries("1", "2")
    source = (await poller.add_source(site.url("/feeds/a.xml"))).source
    site.feeds["a"] = _entries("2")  # 1 drops out of the feed
    assert (await poller.poll(source.id)).new == 0
    site.feeds["a"] = [Entry("1", "Release 1, corrected title"), *_entries("2")]
    assert (await poller.poll(source.id)).new == 0
    assert staff.items == []


async def test_an_item_already_posted_by_link_is_not_taken_again(
    site: Site, poller: Poller, staff: Staff, db: Database
) -> None:
    article = await poller.fetch_article(site.url("/articles/kazan-plant?utm_source=telegram"))
    draft = await releases.create_draft(
        db,
        title=article.title,
        body=article.text,
        summary="",
        link=site.url("/articles/kazan-plant"),
        photo_file_id=None,
        language="en",
        author_id=1,
        now=1.0,
    )
    await stored.set_canonical_link(db, draft.id, article.canonical_link)
    site.feeds["a"] = []
    source = (await poller.add_source(site.url("/feeds/a.xml"))).source
    site.feeds["a"] = _entries("kazan-plant")
    result = await poller.poll(source.id)
    assert (result.new, result.duplicates) == (0, 1)
    assert staff.items == []


async def test_fetch_article_for_post_link(site: Site, poller: Poller) -> None:
    article = await poller.fetch_article(site.url("/articles/kazan-plant"))
    assert article.title == "Volga Motors opens a plant in Kazan"
    assert article.image == site.url("/images/kazan-plant.jpg")
    with pytest.raises(CannotFetch, match="HTTP 404"):
        await poller.fetch_article(site.url("/status/404"))
    small = SourcesConfig(fetch=FetchConfig(timeout=2.0, max_bytes=65536, allow_private=True))
    poller_workers = Workers(threads=1)
    capped = Poller(
        poller._db,
        small,
        on_item=poller._on_item,
        on_notice=poller._on_notice,
        workers=poller_workers,
    )
    try:
        with pytest.raises(CannotFetch, match=r"larger than 0\.0625 MB"):
            await capped.fetch_article(site.url("/huge"))
    finally:
        await capped.close()
        poller_workers.close()


async def test_a_permanent_redirect_updates_the_stored_address(
    site: Site, poller: Poller, db: Database
) -> None:
    source = await stored.add(
        db, url=site.url("/moved.xml"), site_url=None, title="M", keys=[], next_check_at=0, now=0
    )
    assert source is not None
    assert (await poller.poll(source.id)).error is None
    moved = await stored.get(db, source.id)
    assert moved is not None and moved.url == site.url("/atom.xml")


async def test_failing_is_told_once_after_three_and_recovery_once(
    site: Site, poller: Poller, staff: Staff, db: Database
) -> None:
    source = (await poller.add_source(site.url("/flaky.xml"))).source
    site.failing = True
    delays = []
    for _ in range(5):
        before = time.time()
        result = await poller.poll(source.id)
        assert result.error == "HTTP 500"
        state = await stored.get(db, source.id)
        assert state is not None
        delays.append(round((state.next_check_at - before) / 600))
    assert delays == [2, 4, 8, 16, 32]
    assert [(n.kind, n.detail) for n in staff.notices] == [("failing", "HTTP 500")]
    failing = await stored.get(db, source.id)
    assert failing is not None and failing.failures == 5 and failing.last_error == "HTTP 500"
    assert failing.failing_since is not None
    site.failing = False
    assert (await poller.poll(source.id)).error is None
    assert (await poller.poll(source.id)).error is None
    assert [n.kind for n in staff.notices] == ["failing", "recovered"]
    healthy = await stored.get(db, source.id)
    assert healthy is not None and (healthy.failures, healthy.failing_since) == (0, None)
    assert healthy.last_error is None


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/broken.xml", None),
        ("/html-as-feed.xml", "not a feed: an HTML page, not a feed"),
        ("/endless", "larger than 0.25 MB"),
        ("/slow", "timed out after 1 s"),
        ("/loop/a", "more than 5 redirects"),
        ("/empty.xml", "not a feed: an empty answer"),
    ],
)
async def test_whatever_a_source_sends_ends_in_a_recorded_result(
    site: Site, staff: Staff, db: Database, path: str, error: str | None
) -> None:
    config = SourcesConfig(
        fetch=FetchConfig(timeout=1.0, max_bytes=256 * 1024, allow_private=True)
    )
    poller = staff.poller(config)
    source = await stored.add(
        db, url=site.url(path), site_url=None, title="X", keys=[], next_check_at=0, now=0
    )
    assert source is not None
    try:
        assert (await poller.poll(source.id)).error == error
    finally:
        await poller.close()
    state = await stored.get(db, source.id)
    assert state is not None and state.last_error == error


async def test_a_slow_source_does_not_hold_up_the_round(
    site: Site, staff: Staff, db: Database
) -> None:
    config = SourcesConfig(
        fetch=FetchConfig(timeout=1.5, allow_private=True), interval=600.0, concurrency=2
    )
    poller = staff.poller(config)
    site.feeds.update({name: _entries(f"{name}-1") for name in "abcdef"})
    for path in ["/slow", *(f"/feeds/{name}.xml" for name in "abcdef")]:
        await stored.add(
            db, url=site.url(path), site_url=None, title=path, keys=[], next_check_at=0, now=0
        )
    started = time.monotonic()
    try:
        results = await poller.poll_round()
    finally:
        await poller.close()
    assert time.monotonic() - started < 3.0
    assert sorted(result.error or "ok" for result in results) == ["ok"] * 6 + [
        "timed out after 1.5 s"
    ]
    assert len(staff.items) == 6


async def test_an_item_that_fails_is_told_and_the_others_go_on(
    site: Site, poller: Poller, staff: Staff
) -> None:
    site.feeds["a"] = []
    source = (await poller.add_source(site.url("/feeds/a.xml"))).source
    site.feeds["a"] = _entries("1", "2")
    staff.fail_on = "Release 2"
    result = await poller.poll(source.id)
    assert (result.new, result.error) == (1, None)
    assert [(n.kind, n.detail) for n in staff.notices] == [
        ("item_failed", "Release 2: the summary broke")
    ]
    # Told once and marked seen: the failed item is not tried (nor reported) again.
    staff.fail_on = None
    site.feeds["a"] = _entries("1", "2", "3")
    assert (await poller.poll(source.id)).new == 1


async def test_ttl_and_max_age_lengthen_the_interval(
    site: Site, poller: Poller, db: Database
) -> None:
    site.feeds["a"] = []
    site.ttl["a"] = 60
    before = time.time()
    source = (await poller.add_source(site.url("/feeds/a.xml"))).source
    assert 3590 < source.next_check_at - before < 3610


async def test_jobs_follow_the_table(site: Site, staff: Staff, db: Database) -> None:
    site.feeds["a"] = _entries("1")
    site.feeds["b"] = _entries("1")
    now = datetime.now(UTC)
    jobs = SourceJobs(db, staff.poller(), clock=lambda: now)
    overdue = await stored.add(
        db, url=site.url("/feeds/b.xml"), site_url=None, title="B", keys=[], next_check_at=0, now=0
    )
    assert overdue is not None
    await jobs.start()
    try:
        scheduler = jobs.scheduler
        assert scheduler is not None
        job = scheduler.get_job(job_id(overdue.id))
        assert job is not None and now <= job.next_run_time <= now + timedelta(seconds=600)
        added = await jobs.add(site.url("/feeds/a.xml"))
        planned = scheduler.get_job(job_id(added.source.id))
        assert planned is not None
        assert planned.next_run_time.timestamp() == pytest.approx(added.source.next_check_at)
        site.feeds["a"] = _entries("2", "1")
        assert (await jobs.check(added.source.id)).new == 1
        assert await jobs.pause(added.source.id) is not None
        assert scheduler.get_job(job_id(added.source.id)) is None
        # /source_check works on a paused source and does not bring its job back.
        assert (await jobs.check(added.source.id)).not_modified
        assert scheduler.get_job(job_id(added.source.id)) is None
        resumed = await jobs.resume(added.source.id)
        assert resumed is not None and not resumed.paused
        assert scheduler.get_job(job_id(added.source.id)) is not None
        assert await jobs.remove(added.source.id)
        assert scheduler.get_job(job_id(added.source.id)) is None
        assert await jobs.pause(999) is None and not await jobs.remove(999)
        # The job itself: poll, then set the next poll from what was stored.
        result = await jobs.run(overdue.id)
        assert result.new == 1
        after = await stored.get(db, overdue.id)
        rerun = scheduler.get_job(job_id(overdue.id))
        assert after is not None and rerun is not None
        assert rerun.next_run_time.timestamp() == pytest.approx(after.next_check_at)
    finally:
        await jobs.stop()
    assert jobs.scheduler is None


async def test_a_scheduled_job_runs_on_time(site: Site, staff: Staff, db: Database) -> None:
    site.feeds["a"] = []
    jobs = SourceJobs(db, staff.poller())
    await jobs.start()
    try:
        added = await jobs.add(site.url("/feeds/a.xml"))
        site.feeds["a"] = _entries("1")
        await stored.set_paused(db, added.source.id, False, next_check_at=time.time())
        await jobs.resume(added.source.id)
        for _ in range(100):
            if staff.items:
                break
            await asyncio.sleep(0.05)
        assert [item.key for item in staff.items] == ["id:1"]
    finally:
        await jobs.stop()


async def test_a_poll_stopped_before_its_draft_is_stored_takes_the_item_next_time(
    site: Site, staff: Staff, db: Database
) -> None:
    site.feeds["a"] = []
    handing_over = asyncio.Event()

    async def stopped_midway(item: NewItem) -> int | None:
        handing_over.set()
        await asyncio.Event().wait()
        return None

    first = Poller(
        db, CONFIG, on_item=stopped_midway, on_notice=staff.on_notice, workers=staff.workers
    )
    source = (await first.add_source(site.url("/feeds/a.xml"))).source
    site.feeds["a"] = _entries("1")
    poll = asyncio.create_task(first.poll(source.id))
    await asyncio.wait_for(handing_over.wait(), 5)
    poll.cancel()
    await asyncio.gather(poll, return_exceptions=True)
    await first.close()
    assert await stored.unseen(db, source.id, ["id:1"]) == ["id:1"]
    second = staff.poller()
    try:
        assert (await second.poll(source.id)).new == 1
        assert (await second.poll(source.id)).new == 0
    finally:
        await second.close()
    assert [item.key for item in staff.items] == ["id:1"]
