"""What becomes of a new feed item: a draft previewed to every staff member (review mode), or a
release published at once, exactly as Publish now (auto mode).

`SourceIntake.on_item` is the poller's `on_item`. The summary is made off the event loop
(`Workers.draft_text`); the draft is saved with the item's key in one transaction
(`storage.sources.take_item`) together with the step still to be done, `preview` or `publish`,
which is cleared only once done. `resume` runs the steps a stop, a crash or Telegram's failures
left undone: at start-up and then every `retry_interval`. Publishing is a conditional update
(`draft` -> `sending`), so an item is never published twice, however often it is resumed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Final

from aiogram import Bot

from bot import review, source_views
from bot import source_texts as st
from bot.config import Settings
from bot.html import Html
from bot.i18n import Lang, number
from bot.posting import TITLE_MAX, fit, one_line
from bot.sources.poller import NewItem, SourceNotice
from storage import releases
from storage import sources as stored
from storage.db import Database
from storage.deliveries import NotPublishable
from storage.sources import DraftFields

if TYPE_CHECKING:
    from bot.delivery import DeliveryEngine
    from bot.workers import Workers

logger = logging.getLogger(__name__)

RETRY_INTERVAL: Final = 60.0


def item_title(item: NewItem) -> str:
    """The release's title: the item's, else the start of its text, else its link."""
    title = fit(one_line(item.title), TITLE_MAX)
    return title or fit(one_line(item.text), 100) or item.link or "—"


class SourceIntake:
    """Turns new items into drafts or releases and tells staff about sources."""

    def __init__(
        self,
        bot: Bot,
        db: Database,
        settings: Settings,
        workers: Workers,
        delivery: DeliveryEngine,
        *,
        retry_interval: float = RETRY_INTERVAL,
    ) -> None:
        self._bot = bot
        self._db = db
        self._settings = settings
        self._workers = workers
        self._delivery = delivery
        self._retry_interval = retry_interval
        self._locks: dict[int, asyncio.Lock] = {}
        self._loop: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Run what earlier runs left undone, now and every `retry_interval`."""
        self._loop = asyncio.create_task(self._resume_forever(), name="source-intake")

    async def stop(self) -> None:
        """Stop resuming; a step cut short stays pending for the next start."""
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
            self._loop = None

    async def _resume_forever(self) -> None:
        while True:
            try:
                await self.resume()
            except Exception:
                logger.exception("Resuming drafts from sources failed")
            await asyncio.sleep(self._retry_interval)

    async def resume(self) -> None:
        """Preview or publish every draft from a source whose step is still pending."""
        for pending in await stored.pending_releases(self._db):
            await self.carry_out(pending.release_id)

    async def on_item(self, item: NewItem) -> int | None:
        """Make the item a draft (its key stored with it), then preview or publish it."""
        text = await self._workers.draft_text(item.text, item.title)
        # Readers would get a title alone: a draft without a summary waits for staff instead.
        auto = item.source.mode == "auto" and bool(text.summary.strip())
        draft = DraftFields(
            title=item_title(item),
            body=text.body,
            summary=text.summary,
            link=item.link,
            photo=item.image,
            language=text.language,
            author_id=item.source.added_by or 0,
        )
        release_id = await stored.take_item(
            self._db,
            item.source.id,
            item.key,
            draft,
            canonical_link=item.canonical_link,
            pending="publish" if auto else "preview",
            now=time.time(),
        )
        if release_id is None:
            return None
        try:
            await self.carry_out(release_id)
        except Exception:
            # The draft is stored and its step still pending: `resume` tries it again.
            logger.exception(
                "Release %d from source %d: step left pending", release_id, item.source.id
            )
        return release_id

    async def carry_out(self, release_id: int) -> None:
        """Do the draft's pending step, once even if asked twice at the same time."""
        async with self._locks.setdefault(release_id, asyncio.Lock()):
            action = await stored.pending_action(self._db, release_id)
            if action == "preview":
                await self._preview(release_id)
            elif action == "publish":
                await self._publish(release_id)

    async def _source_title(self, release_id: int) -> tuple[int, str]:
        release = await releases.get(self._db, release_id)
        source_id = release.source_id if release and release.source_id else 0
        source = await stored.get(self._db, source_id)
        return source_id, source_views.source_title(source) if source else ""

    async def _preview(self, release_id: int) -> None:
        source_id, title = await self._source_title(release_id)
        done = await review.preview_to_staff(
            self._bot,
            self._db,
            self._settings,
            release_id,
            st.FROM_SOURCE,
            source=source_id,
            title=title,
        )
        if done:
            await stored.set_pending(self._db, release_id, None)

    async def _publish(self, release_id: int) -> None:
        source_id, title = await self._source_title(release_id)
        # First to staff: a page's image address becomes a file id (or is dropped) before
        # thousands of copies depend on it.
        await review.show_to_staff(self._bot, self._db, self._settings, release_id)
        try:
            count = await self._delivery.publish(release_id, report_chat_id=None)
        except NotPublishable:
            # Published before a restart, or dropped by staff meanwhile.
            count = None
        await stored.set_pending(self._db, release_id, None)
        if count is None:
            return

        def note(lang: Lang) -> Html:
            return st.AUTO_PUBLISHED(
                lang, source=source_id, title=title, id=release_id, count=number(count, lang)
            )

        await review.tell_staff(self._bot, self._db, self._settings, note)

    async def on_notice(self, notice: SourceNotice) -> None:
        """Tell every staff member, once, that a source fails, works again, or lost an item."""
        await review.tell_staff(
            self._bot,
            self._db,
            self._settings,
            lambda lang: source_views.notice(notice, self._settings.zone, lang),
        )
