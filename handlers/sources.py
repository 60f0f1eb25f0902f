"""Staff and sources: `/post <link>` and a link alone in /post's body step (a release made from
the page), and the source commands /source_add, /sources, /source_check, /source_mode,
/source_pause, /source_resume, /source_remove.

Fetching and polling are `bot.sources`' job (`Poller`, `SourceJobs`); what becomes of a new
item is `bot.source_intake`'s; the answers are rendered by `bot.source_views`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot import posting, review, source_views, staff_views, texts
from bot import source_texts as st
from bot.config import Settings
from bot.i18n import Lang, number
from bot.sources.jobs import SourceJobs
from bot.sources.poller import CannotAdd, CannotFetch, Poller, PollResult
from handlers.publishing import Publishing
from storage import releases
from storage import sources as stored
from storage.db import Database
from storage.sources import MODES, DraftFields, Mode, Source

if TYPE_CHECKING:
    from bot.workers import Workers


def single_link(text: str | None) -> bool:
    """Whether a message or a command's argument is one web address and nothing else."""
    return text is not None and posting.is_link(text.strip())


# --- /post <link> ---------------------------------------------------------------------------


async def _release_from_page(
    message: Message,
    url: str,
    bot: Bot,
    db: Database,
    settings: Settings,
    workers: Workers,
    poller: Poller,
    lang: Lang,
    *,
    title: str | None = None,
) -> None:
    """Fetch the page, make a draft of its article and preview it; a page already released
    (same canonical link, from a feed or an earlier /post) is named instead."""
    assert message.from_user is not None
    try:
        article = await poller.fetch_article(url)
    except CannotFetch as failure:
        shown = posting.fit(url, 200)
        await message.answer(st.LINK_FAILED(lang, url=shown, reason=str(failure)))
        return
    release_id, known = None, await stored.release_for_link(db, article.canonical_link)
    if known is None:
        name = posting.fit(posting.one_line(title or article.title), posting.TITLE_MAX)
        name = name or posting.fit(posting.one_line(article.text), 100) or article.canonical_link
        text = await workers.draft_text(article.text, name)
        draft = DraftFields(
            title=name,
            body=text.body,
            summary=text.summary,
            link=article.canonical_link,
            photo=article.image,
            language=text.language,
            author_id=message.from_user.id,
        )
        # Checked again in the transaction: the same page may arrive by feed meanwhile.
        release_id, known = await stored.create_linked_draft(
            db, draft, canonical_link=article.canonical_link, now=time.time()
        )
        if release_id is not None and text.cut:
            limit, length = number(posting.BODY_LIMIT, lang), number(len(article.text), lang)
            await message.answer(st.LINK_CUT(lang, limit=limit, length=length))
    release = await releases.get(db, release_id or known or 0)
    if release is None:
        # Made and dropped again by another staff member in the meantime.
        await message.answer(texts.RELEASE_NOT_FOUND(lang, id=release_id or known or 0))
    elif release_id is None:
        status = staff_views.status_name(release, lang)
        await message.answer(st.LINK_ALREADY(lang, id=release.id, status=status))
    else:
        await review.preview(bot, db, settings, message.chat.id, release, lang)


async def post_link(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    workers: Workers,
    poller: Poller,
    lang: Lang,
) -> None:
    """/post <link>: the release made from that page."""
    await state.clear()
    url = (command.args or "").strip()
    await _release_from_page(message, url, bot, db, settings, workers, poller, lang)


async def link_as_body(
    message: Message,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    workers: Workers,
    poller: Poller,
    lang: Lang,
) -> None:
    """A link alone in /post's body step: the text, image and link come from the page; the
    title staff typed in step 1 stays."""
    title = (await state.get_data()).get("title")
    await state.clear()
    url = (message.text or "").strip()
    await _release_from_page(message, url, bot, db, settings, workers, poller, lang, title=title)


# --- Source commands --------------------------------------------------------------------------


async def _source_arg(
    message: Message, argument: str, command: str, db: Database, lang: Lang
) -> Source | None:
    """The source a command names by number; the staff member is told when there is none."""
    source_id = posting.release_number(argument)
    if source_id is None:
        await message.answer(st.USAGE(lang, command=command))
        return None
    source = await stored.get(db, source_id)
    if source is None:
        await message.answer(st.NOT_FOUND(lang, id=source_id))
    return source


async def source_add(
    message: Message, command: CommandObject, source_jobs: SourceJobs, lang: Lang
) -> None:
    """/source_add <link>: poll that feed, or the feed the page names, from now on."""
    assert message.from_user is not None
    url = (command.args or "").strip()
    if not url:
        await message.answer(st.ADD_USAGE(lang))
        return
    try:
        added = await source_jobs.add(url, added_by=message.from_user.id)
    except CannotAdd as failure:
        await message.answer(st.CANNOT_ADD(lang, reason=posting.fit(str(failure), 400)))
        return
    await message.answer(source_views.added(added, lang))


async def list_sources(message: Message, db: Database, settings: Settings, lang: Lang) -> None:
    """/sources: every source with its mode, state, last check and items taken."""
    sources = await stored.listed(db)
    for part in source_views.sources_list(sources, settings.zone, lang):
        await message.answer(part)


async def source_check(
    message: Message, command: CommandObject, db: Database, source_jobs: SourceJobs, lang: Lang
) -> None:
    """/source_check N: poll now and say what was found."""
    source = await _source_arg(message, command.args or "", "source_check", db, lang)
    if source is None:
        return

    async def report(result: PollResult) -> None:
        if result.missing:
            await message.answer(st.NOT_FOUND(lang, id=source.id))
        else:
            await message.answer(source_views.checked(source, result, lang))

    source_jobs.check_then(source.id, report)


async def source_mode(message: Message, command: CommandObject, db: Database, lang: Lang) -> None:
    """/source_mode N review|auto."""
    parts = (command.args or "").split()
    if len(parts) != 2 or parts[1].lower() not in MODES:
        await message.answer(st.MODE_USAGE(lang))
        return
    source = await _source_arg(message, parts[0], "source_mode", db, lang)
    if source is None:
        return
    mode: Mode = "auto" if parts[1].lower() == "auto" else "review"
    changed = await stored.set_mode(db, source.id, mode)
    if changed is None:
        await message.answer(st.NOT_FOUND(lang, id=source.id))
        return
    done = st.MODE_SET_AUTO if changed.mode == "auto" else st.MODE_SET_REVIEW
    await message.answer(done(lang, id=source.id))


async def source_pause(
    message: Message, command: CommandObject, db: Database, source_jobs: SourceJobs, lang: Lang
) -> None:
    """/source_pause N: stop polling it."""
    source = await _source_arg(message, command.args or "", "source_pause", db, lang)
    if source is not None and await source_jobs.pause(source.id) is not None:
        await message.answer(st.PAUSED(lang, id=source.id))


async def source_resume(
    message: Message, command: CommandObject, db: Database, source_jobs: SourceJobs, lang: Lang
) -> None:
    """/source_resume N: poll it again, the first time now."""
    source = await _source_arg(message, command.args or "", "source_resume", db, lang)
    if source is not None and await source_jobs.resume(source.id) is not None:
        await message.answer(st.RESUMED(lang, id=source.id))


async def source_remove(
    message: Message, command: CommandObject, db: Database, source_jobs: SourceJobs, lang: Lang
) -> None:
    """/source_remove N: forget it and its seen items; its releases stay."""
    source = await _source_arg(message, command.args or "", "source_remove", db, lang)
    if source is not None and await source_jobs.remove(source.id):
        await message.answer(st.REMOVED(lang, id=source.id))


def build() -> Router:
    """The sources router; `handlers.staff.build` puts the staff filter over it, before the
    posting router, whose /post and body step take everything that is not a lone link."""
    router = Router(name=__name__)
    router.message.register(post_link, Command("post", magic=F.args.func(single_link)), ~F.photo)
    router.message.register(source_add, Command("source_add"))
    router.message.register(list_sources, Command("sources"))
    router.message.register(source_check, Command("source_check"))
    router.message.register(source_mode, Command("source_mode"))
    router.message.register(source_pause, Command("source_pause"))
    router.message.register(source_resume, Command("source_resume"))
    router.message.register(source_remove, Command("source_remove"))
    router.message.register(link_as_body, Publishing.body, F.text.func(single_link))
    return router
