"""Digests on demand: /digest for readers, its pages and numbered entries; /digest_preview and
/digest_send for staff (attached under the staff router)."""

from __future__ import annotations

import time

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, LinkPreviewOptions, Message

from bot import digests, render, texts
from bot.callbacks import DigestKind, DigestOpen, DigestPage, pressed_in, pressed_on
from bot.html import Rendered
from bot.i18n import Lang, Text
from bot.sending import send_view, unchanged_ok
from bot.throttle import Throttle
from bot.turns import step_aside
from storage import releases, votes
from storage.db import Database
from storage.releases import PUBLISHED
from storage.subscribers import Subscriber

# A digest links every title; a preview of the first link would push the list down.
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def show(
    message: Message,
    db: Database,
    subscriber: Subscriber | None,
    digest_throttle: Throttle,
    lang: Lang,
) -> None:
    """The reader's digest as it stands now; their schedule does not move."""
    person = message.from_user.id if message.from_user is not None else message.chat.id
    if not digest_throttle.admit(person):
        await message.answer(texts.TOO_MANY_REQUESTS(lang))
        return
    if subscriber is None or not subscriber.is_active:
        await message.answer(texts.NOT_SUBSCRIBED(lang))
        return
    now = time.time()
    if subscriber.digest == "off":
        kind, since, nothing = DigestKind.LAST_DAY, now - digests.DAY, texts.DIGEST_NOTHING_DAY
    else:
        since = subscriber.digest_since if subscriber.digest_since is not None else now
        kind, nothing = DigestKind.SO_FAR, texts.DIGEST_NOTHING_SINCE
    await _answer_window(message, db, kind, since, now, lang, nothing)


async def _answer_window(
    message: Message,
    db: Database,
    kind: DigestKind,
    since: float,
    until: float,
    lang: Lang,
    nothing: Text,
) -> None:
    """Answer with the window's first digest page, or `nothing` when it is empty."""
    view = await digests.render_window(db, kind, since, until, lang)
    if view is None:
        await message.answer(nothing(lang))
        return
    await message.answer(view.text, reply_markup=view.keyboard, link_preview_options=NO_PREVIEW)


async def page(
    query: CallbackQuery,
    callback_data: DigestPage,
    db: Database,
    digest_throttle: Throttle,
    lang: Lang,
) -> None:
    """Turn a digest message to another page, ranked by the votes as they are now."""
    if not digest_throttle.admit(query.from_user.id):
        await query.answer(texts.TOO_MANY_REQUESTS(lang))
        return
    data = callback_data
    view = await digests.render_window(
        db, data.kind, data.since, data.until, lang, offset=data.offset
    )
    if view is None:
        view = Rendered(texts.DIGEST_ALL_RETRACTED(lang))
    message = pressed_on(query)
    if message is not None:
        # A second press on the same page edits to what the message already shows.
        await unchanged_ok(
            message.edit_text(
                view.text, reply_markup=view.keyboard, link_preview_options=NO_PREVIEW
            )
        )
    await query.answer()


async def open_release(
    query: CallbackQuery, callback_data: DigestOpen, bot: Bot, db: Database, lang: Lang
) -> None:
    """Send the release behind a digest number, with its rating row, as readers got it."""
    release = await releases.get(db, callback_data.release_id)
    if release is None or release.status not in PUBLISHED:
        await query.answer(texts.DIGEST_RELEASE_GONE(lang), show_alert=True)
        return
    my_stars = await votes.of(db, release.id, query.from_user.id)
    await query.answer()
    await send_view(bot, pressed_in(query), render.release_view(release, lang, my_stars=my_stars))


async def preview(message: Message, db: Database, lang: Lang) -> None:
    """Staff: what a daily digest reader would get if it went out now."""
    now = time.time()
    await _answer_window(
        message, db, DigestKind.PREVIEW, now - digests.DAY, now, lang, texts.DIGEST_NOTHING_DAY
    )


async def send_now(message: Message, digest_job: digests.DigestJob, lang: Lang) -> None:
    """Staff: queue the digests due now (as the hourly job would) and say how many."""
    # A slot for every subscriber takes a while: the staff member's next messages go ahead.
    step_aside()
    queued = await digest_job.run()
    await message.answer(texts.DIGESTS_QUEUED(lang, queued=queued.queued, empty=queued.empty))


def build() -> Router:
    """The readers' digest router: /digest, its pages and its numbered entries."""
    router = Router(name=__name__)
    router.message.register(show, Command("digest"))
    router.callback_query.register(page, DigestPage.filter())
    router.callback_query.register(open_release, DigestOpen.filter())
    return router


def build_staff() -> Router:
    """The staff digest commands; `handlers.staff.build` puts the staff filter over them."""
    router = Router(name=f"{__name__}.staff")
    router.message.register(preview, Command("digest_preview"))
    router.message.register(send_now, Command("digest_send"))
    return router
