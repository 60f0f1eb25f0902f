"""Polling sources: fetch a feed, find the items never seen, hand each over once, keep score.

`Poller` knows nothing of Telegram. It is given the database, its limits and two callbacks:
`on_item` receives a `NewItem` ready to become a release (full text, link, image) and returns
the new release's id; `on_notice` receives what staff should hear (a source failing, recovering,
an item that could not be made a release). Whatever a source sends, a poll ends in a
`PollResult` and a stored state; other sources never wait on it beyond the bounded number of
fetches at once.

Nothing is dropped and nothing is taken twice: a new item's key is not stored before
`on_item` runs; `on_item` stores it in the same transaction as the draft it makes
(`storage.sources.take_item`, which also refuses a key another poll took meanwhile). A crash
before that commit leaves the item unseen, taken at the next poll; after it, the draft's pending
step (preview or publish) runs again at start-up. An item `on_item` fails on is marked seen and
staff are told, so one broken item is reported once, not at every poll.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from bot.sources import policy
from bot.sources.feeds import Feed, FeedItem, NotAFeed, is_teaser, parse_feed
from bot.sources.fetch import ACCEPT_PAGE, FetchConfig, Fetcher, FetchResult
from bot.sources.pages import Article, canonical_form, discover_feeds, extract_article
from bot.summarize import clean
from storage import sources as stored
from storage.db import Database
from storage.sources import Source

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.workers import Workers

__all__ = [
    "Added",
    "CannotAdd",
    "CannotFetch",
    "NewItem",
    "PollResult",
    "Poller",
    "SourceNotice",
    "SourcesConfig",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SourcesConfig:
    """Fetch limits, the polling interval and how many fetches may run at once."""

    fetch: FetchConfig = field(default_factory=FetchConfig)
    interval: float = 600.0
    concurrency: int = 10

    @classmethod
    def from_settings(cls, settings: Settings) -> SourcesConfig:
        """`FETCH_TIMEOUT`, `FETCH_MAX_BYTES`, `FETCH_ALLOW_PRIVATE` and `FEED_INTERVAL`."""
        return cls(
            fetch=FetchConfig(
                timeout=settings.fetch_timeout,
                max_bytes=settings.fetch_max_bytes,
                allow_private=settings.fetch_allow_private,
            ),
            interval=float(settings.feed_interval),
        )


@dataclass(frozen=True, slots=True)
class NewItem:
    """A feed item never seen before, with its full text, ready to become a release.

    `source.mode` says what to do with it: "review" makes a draft previewed to staff, "auto"
    publishes it at once. `link` is the item's page, the release's link.
    """

    source: Source
    key: str
    title: str
    text: str
    link: str | None
    canonical_link: str | None
    image: str | None
    published: datetime | None


@dataclass(frozen=True, slots=True)
class SourceNotice:
    """Something staff should hear about a source, once."""

    source: Source
    kind: Literal["failing", "recovered", "item_failed"]
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one poll found: `new` items handed over, or the error that stopped it."""

    source_id: int
    new: int = 0
    error: str | None = None
    not_modified: bool = False
    missing: bool = False
    duplicates: int = 0


@dataclass(frozen=True, slots=True)
class Added:
    """A source `/source_add` created (or found already there) and how many items it holds."""

    source: Source
    items: int
    existing: bool = False


class CannotAdd(Exception):
    """The address is not a feed and names none; the message says why, for staff."""


class CannotFetch(Exception):
    """A page could not be fetched or read; the message says why, for staff."""


# Makes the item a draft, storing its key in the same transaction (`stored.take_item`), and
# returns the draft's id; None when the key was taken already.
ItemHandler = Callable[[NewItem], Awaitable[int | None]]
NoticeHandler = Callable[[SourceNotice], Awaitable[None]]


class Poller:
    """Polls sources and reads pages through one `Fetcher`, a bounded number at once."""

    def __init__(
        self,
        db: Database,
        config: SourcesConfig,
        *,
        on_item: ItemHandler,
        on_notice: NoticeHandler,
        workers: Workers,
        fetcher: Fetcher | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._db = db
        self.config = config
        self._on_item = on_item
        self._on_notice = on_notice
        # Parsing feeds and pages shares the summaries' thread pool and its time budget.
        self._run = workers.run
        self.fetcher = fetcher or Fetcher(config.fetch)
        self._clock = clock
        self._jitter = jitter
        self._slots = asyncio.Semaphore(config.concurrency)
        self._locks: dict[int, asyncio.Lock] = {}

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.fetcher.close()

    async def _fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        async with self._slots:
            return await self.fetcher.fetch(url, etag=etag, last_modified=last_modified)

    async def fetch_article(self, url: str) -> Article:
        """The article at `url` for `/post <link>`; raises `CannotFetch` with the reason."""
        result = await self._fetch_page(url)
        if result.error is not None:
            raise CannotFetch(result.error)
        try:
            article = await self._run(
                extract_article, result.body, result.content_type, result.final_url
            )
        except Exception as error:
            logger.warning("Cannot read the page %s", url, exc_info=True)
            raise CannotFetch(f"the page cannot be read ({type(error).__name__})") from None
        if not article.title and not article.text:
            raise CannotFetch("the page has no article text")
        return article

    async def _fetch_page(self, url: str) -> FetchResult:
        async with self._slots:
            return await self.fetcher.fetch(url, accept=ACCEPT_PAGE)

    async def add_source(self, url: str, *, added_by: int | None = None) -> Added:
        """Start polling the feed at `url`, or the feed the page at `url` names.

        The items it holds now are marked seen and never sent. Raises `CannotAdd`.
        """
        address = url.strip()
        existing = await stored.by_url(self._db, address)
        if existing is not None:
            return Added(existing, await stored.seen_count(self._db, existing.id), existing=True)
        result = await self._fetch(address)
        if result.error is not None:
            raise CannotAdd(f"{address} cannot be fetched: {result.error}")
        # A permanent redirect moves the source; a temporary one leaves the address as given.
        feed_url = result.moved_to or address
        try:
            feed = await self._run(parse_feed, result.body, result.content_type, result.final_url)
        except NotAFeed as not_a_feed:
            found = await self._discover(result)
            if found is None:
                raise CannotAdd(f"{address} is {not_a_feed}, and names no feed") from None
            result, feed = found
            feed_url = result.moved_to or result.url
        except Exception as error:
            logger.warning("Cannot read the feed %s", address, exc_info=True)
            raise CannotAdd(f"{address} cannot be read ({type(error).__name__})") from None
        existing = await stored.by_url(self._db, feed_url)
        if existing is not None:
            return Added(existing, await stored.seen_count(self._db, existing.id), existing=True)
        now = self._clock()
        source = await stored.add(
            self._db,
            url=feed_url,
            site_url=feed.link or (address if address != feed_url else None),
            title=feed.title or feed.link or feed_url,
            keys=[item.key for item in feed.items],
            next_check_at=self._next(now, 0, result, feed).timestamp(),
            now=now.timestamp(),
            added_by=added_by,
            etag=result.etag,
            last_modified=result.last_modified,
        )
        if source is None:  # another staff member added it a moment ago
            source = await stored.by_url(self._db, feed_url)
            assert source is not None
            return Added(source, await stored.seen_count(self._db, source.id), existing=True)
        return Added(source, len({item.key for item in feed.items}))

    async def _discover(self, page: FetchResult) -> tuple[FetchResult, Feed] | None:
        """The first feed named by an HTML page that fetches and parses."""
        try:
            candidates = await self._run(
                discover_feeds, page.body, page.content_type, page.final_url
            )
        except Exception:
            logger.warning("Cannot look for feeds in %s", page.final_url, exc_info=True)
            return None
        for candidate in candidates[:3]:
            result = await self._fetch(candidate)
            if result.error is not None:
                continue
            try:
                feed = await self._run(
                    parse_feed, result.body, result.content_type, result.final_url
                )
            except Exception:
                continue
            return result, feed
        return None

    async def poll(self, source_id: int, *, even_paused: bool = False) -> PollResult:
        """Poll one source now; never raises for anything the source sends."""
        # A scheduled poll and /source_check of the same source take turns.
        async with self._locks.setdefault(source_id, asyncio.Lock()):
            return await self._poll(source_id, even_paused=even_paused)

    async def poll_round(self, *, due_only: bool = True) -> list[PollResult]:
        """Poll every active source (only those due, by default), a bounded number at once."""
        now = self._clock().timestamp()
        chosen = [
            source
            for source in await stored.active(self._db)
            if not due_only or source.next_check_at <= now
        ]
        return list(await asyncio.gather(*(self.poll(source.id) for source in chosen)))

    async def _poll(self, source_id: int, *, even_paused: bool) -> PollResult:
        source = await stored.get(self._db, source_id)
        if source is None or (source.paused and not even_paused):
            return PollResult(source_id, missing=True)
        try:
            result = await self._fetch(
                source.url, etag=source.etag, last_modified=source.last_modified
            )
        except Exception as bug:
            # The fetcher turns what servers do into results; this is a bug of ours.
            logger.exception("Fetching source %s failed", source.id)
            result = FetchResult(source.url, source.url, 0, error=type(bug).__name__)
        feed: Feed | None = None
        error = result.error
        if result.ok:
            try:
                feed = await self._run(
                    parse_feed, result.body, result.content_type, result.final_url
                )
            except NotAFeed as not_a_feed:
                error = f"not a feed: {not_a_feed}"
            except Exception as failure:
                logger.warning("Cannot parse source %s", source.id, exc_info=True)
                error = f"the feed cannot be read ({type(failure).__name__})"
        new, duplicates = 0, 0
        if feed is not None:
            new, duplicates = await self._take_new(source, feed)
        return await self._finish(source, result, feed, error, new, duplicates)

    async def _take_new(self, source: Source, feed: Feed) -> tuple[int, int]:
        fresh = set(await stored.unseen(self._db, source.id, [i.key for i in feed.items]))
        # Feeds list the newest first; releases should appear in the order they were published.
        items = [item for item in reversed(feed.items) if item.key in fresh]
        taken, duplicates = 0, 0
        for item in items:
            try:
                new_item = await self._full_item(source, item)
                if new_item.canonical_link and await stored.release_for_link(
                    self._db, new_item.canonical_link
                ):
                    await self._seen(source, item)
                    duplicates += 1
                    continue
                release_id = await self._on_item(new_item)
            except Exception as error:
                logger.exception("Item %s of source %s failed", item.key, source.id)
                await self._seen(source, item)
                await self._notify(
                    SourceNotice(source, "item_failed", f"{item.title or item.link}: {error}")
                )
                continue
            if release_id is None:
                # Taken by another poll, or found to be a page released already: seen either way.
                await self._seen(source, item)
            else:
                taken += 1
        return taken, duplicates

    async def _seen(self, source: Source, item: FeedItem) -> None:
        await stored.remember(self._db, source.id, [item.key], self._clock().timestamp())

    async def _full_item(self, source: Source, item: FeedItem) -> NewItem:
        """The item with its article text: the feed's own, or the page's if that is a teaser."""
        text = await self._run(clean, item.content)
        title, image = item.title, item.image
        canonical = canonical_form(item.link) if item.link else None
        if item.link and is_teaser(text):
            result = await self._fetch_page(item.link)
            if result.ok:
                try:
                    article = await self._run(
                        extract_article, result.body, result.content_type, result.final_url
                    )
                except Exception:
                    logger.warning("Cannot read the page %s", item.link, exc_info=True)
                else:
                    if len(article.text) > len(text):
                        text = article.text
                    title = title or article.title
                    image = image or article.image
                    canonical = article.canonical_link
        return NewItem(
            source=source,
            key=item.key,
            title=title,
            text=text,
            link=item.link,
            canonical_link=canonical,
            image=image,
            published=item.published,
        )

    async def _finish(
        self,
        source: Source,
        result: FetchResult,
        feed: Feed | None,
        error: str | None,
        new: int,
        duplicates: int,
    ) -> PollResult:
        now = self._clock()
        since = datetime.fromtimestamp(source.failing_since, UTC) if source.failing_since else None
        health = policy.after_poll(source.failures, since, succeeded=error is None, now=now)
        keep_old = error is not None or result.not_modified
        saved = await stored.save_poll(
            self._db,
            source.id,
            checked_at=now.timestamp(),
            next_check_at=self._next(now, health.failures, result, feed).timestamp(),
            failures=health.failures,
            failing_since=health.failing_since.timestamp() if health.failing_since else None,
            last_error=error,
            etag=(result.etag or source.etag) if keep_old else result.etag,
            last_modified=(result.last_modified or source.last_modified)
            if keep_old
            else result.last_modified,
            new_item_at=now.timestamp() if new else None,
            moved_to=result.moved_to if error is None and result.moved_to else None,
        )
        if saved is not None and health.notice is not None:
            await self._notify(SourceNotice(saved, health.notice, error or source.last_error))
        return PollResult(
            source.id,
            new=new,
            error=error,
            not_modified=result.not_modified,
            missing=saved is None,
            duplicates=duplicates,
        )

    def _next(
        self, now: datetime, failures: int, result: FetchResult, feed: Feed | None
    ) -> datetime:
        return policy.next_poll(
            now,
            interval=self.config.interval,
            failures=failures,
            max_age=result.max_age,
            ttl=feed.ttl if feed else None,
            jitter=self._jitter(),
        )

    async def _notify(self, notice: SourceNotice) -> None:
        try:
            await self._on_notice(notice)
        except Exception:
            logger.exception("Telling staff about source %s failed", notice.source.id)
