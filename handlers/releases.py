"""Staff managing releases: /releases, /release N, /edit N with its Title / Summary / Link
buttons (the preview's Edit summary asks the same question) and the typed answers, /retract N
with its Retract / Keep buttons.

What a release's state allows is decided in `bot.posting`; editing delivered copies and
retracting them is the delivery engine's job (`bot.delivery`).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message

from bot import posting, render, review, staff_views, texts
from bot.callbacks import ReleaseAction, ReleaseButton, pressed_in, pressed_on
from bot.config import Settings
from bot.html import Html, visible_length
from bot.i18n import Lang, number
from bot.turns import step_aside
from handlers.publishing import (
    Publishing,
    gone_or_moved_on,
    message_id,
    pressed_release,
    redraw_controls,
    replace_controls,
)
from storage import deliveries, releases, votes
from storage.db import Database
from storage.releases import KEEP, PUBLISHED, UNPUBLISHED, Release

if TYPE_CHECKING:
    from bot.delivery import DeliveryEngine

RECENT = 10


# --- /releases, /release N ----------------------------------------------------------------


async def _release_arg(
    message: Message, command: CommandObject, db: Database, lang: Lang
) -> Release | None:
    """The release named by the command's argument; answers the staff member when there is
    none (no number, not a number, no such release)."""
    name = command.command
    argument = (command.args or "").strip()
    if not argument:
        await message.answer(texts.RELEASE_USAGE(lang, command=name))
        return None
    release_id = posting.release_number(argument)
    if release_id is None:
        value = posting.fit(posting.one_line(argument), 40)
        await message.answer(texts.RELEASE_BAD_NUMBER(lang, value=value, command=name))
        return None
    release = await releases.get(db, release_id)
    if release is None:
        await message.answer(texts.RELEASE_NOT_FOUND(lang, id=release_id))
    return release


async def list_releases(message: Message, db: Database, lang: Lang) -> None:
    """/releases: the recent ones with status, delivery counts and rating."""
    recent = await releases.recent(db, RECENT)
    rows = [(release, await deliveries.stats(db, release.id)) for release in recent]
    await message.answer(staff_views.releases_list(rows, lang))


async def show_release(
    message: Message,
    command: CommandObject,
    bot: Bot,
    db: Database,
    settings: Settings,
    lang: Lang,
) -> None:
    """/release N: a draft or scheduled one shows its preview and controls again; a published
    one its delivery, rating chart and recent failures."""
    release = await _release_arg(message, command, db, lang)
    if release is None:
        return
    if release.status in UNPUBLISHED:
        await review.preview(bot, db, settings, message.chat.id, release, lang)
        return
    report = staff_views.release_report(
        release,
        await deliveries.stats(db, release.id),
        await votes.distribution(db, release.id),
        await deliveries.failures(db, release.id, limit=staff_views.FAILURES_SHOWN),
        lang,
        settings.zone,
    )
    await message.answer(report)


# --- /edit N, its buttons and the typed answers ------------------------------------------


async def edit(message: Message, command: CommandObject, db: Database, lang: Lang) -> None:
    """/edit N: ask which part to replace."""
    release = await _release_arg(message, command, db, lang)
    if release is None:
        return
    refusal = posting.edit_refusal(release)
    if refusal is not None:
        await message.answer(staff_views.refusal(refusal, release, lang))
        return
    view = staff_views.edit_choice(release, lang)
    await message.answer(view.text, reply_markup=view.keyboard)


async def _editable(
    query: CallbackQuery, callback_data: ReleaseButton, db: Database, lang: Lang
) -> Release | None:
    """The release an edit button names, if it may still change; else the staff member is
    told why not."""
    release = await pressed_release(query, callback_data, db, lang)
    if release is None:
        return None
    refusal = posting.edit_refusal(release)
    if refusal is not None:
        await query.answer(staff_views.refusal(refusal, release, lang), show_alert=True)
        return None
    return release


async def _ask(
    query: CallbackQuery, state: FSMContext, release: Release, step: State, prompt: Html
) -> None:
    """Wait for the new title, summary or link of a release."""
    await state.set_state(step)
    await state.update_data(release_id=release.id, control=message_id(pressed_on(query)))
    assert query.bot is not None
    await query.bot.send_message(pressed_in(query), prompt)
    # Answered last: when the spinner stops, the question is on screen.
    await query.answer()


async def ask_title(
    query: CallbackQuery,
    callback_data: ReleaseButton,
    state: FSMContext,
    db: Database,
    lang: Lang,
) -> None:
    """/edit's Title."""
    release = await _editable(query, callback_data, db, lang)
    if release is not None:
        prompt = texts.EDIT_ASK_TITLE(lang, id=release.id, limit=posting.TITLE_MAX)
        await _ask(query, state, release, Publishing.edit_title, prompt)


async def ask_summary(
    query: CallbackQuery,
    callback_data: ReleaseButton,
    state: FSMContext,
    db: Database,
    lang: Lang,
) -> None:
    """/edit's Summary, and the preview's Edit summary."""
    release = await _editable(query, callback_data, db, lang)
    if release is not None:
        room = number(render.summary_room(release), lang)
        prompt = texts.SUMMARY_ASK(lang, id=release.id, limit=room)
        await _ask(query, state, release, Publishing.summary, prompt)


async def ask_link(
    query: CallbackQuery,
    callback_data: ReleaseButton,
    state: FSMContext,
    db: Database,
    lang: Lang,
) -> None:
    """/edit's Link."""
    release = await _editable(query, callback_data, db, lang)
    if release is not None:
        prompt = texts.EDIT_ASK_LINK(lang, id=release.id)
        await _ask(query, state, release, Publishing.edit_link, prompt)


async def got_summary(
    message: Message,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    delivery: DeliveryEngine,
    lang: Lang,
) -> None:
    """A replacement summary, from the preview's Edit summary or from /edit N."""
    summary = posting.paragraphs(message.text or "")
    if not summary:
        await message.answer(texts.SUMMARY_NEEDS_TEXT(lang))
        return
    await _apply(message, state, bot, db, settings, delivery, lang, summary=summary)


async def got_new_title(
    message: Message,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    delivery: DeliveryEngine,
    lang: Lang,
) -> None:
    """A replacement title from /edit N."""
    title = posting.one_line(message.text or "")
    problem = posting.title_problem(title, lang)
    if problem is not None:
        await message.answer(problem)
        return
    await _apply(message, state, bot, db, settings, delivery, lang, title=title)


async def got_new_link(
    message: Message,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    delivery: DeliveryEngine,
    lang: Lang,
) -> None:
    """A replacement link from /edit N, or "-" to remove it."""
    given, link = posting.typed_link(message.text or "")
    if not given:
        await message.answer(texts.LINK_INVALID(lang))
        return
    await _apply(message, state, bot, db, settings, delivery, lang, link=link)


async def _apply(
    message: Message,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    delivery: DeliveryEngine,
    lang: Lang,
    **change: Any,
) -> None:
    """Check the change still fits one message, store it, then update what readers see."""
    data = await state.get_data()
    release = await releases.get(db, data["release_id"])
    if release is None or posting.edit_refusal(release) is not None:
        await state.clear()
        await message.answer(await gone_or_moved_on(db, data["release_id"], lang))
        return
    changed = dataclasses.replace(release, **change)
    summary = posting.paragraphs(changed.summary)
    room = render.summary_room(changed)
    if visible_length(summary) > room:
        # Staff text is never cut silently: a longer title or link can push the summary out.
        length = number(visible_length(summary), lang)
        await message.answer(texts.SUMMARY_TOO_LONG(lang, length=length, limit=number(room, lang)))
        return
    link = change.get("link", KEEP)
    updated = await releases.update_text(
        db, release.id, title=change.get("title"), summary=change.get("summary"), link=link
    )
    await state.clear()
    if updated is None:
        await message.answer(await gone_or_moved_on(db, release.id, lang))
        return
    if updated.revision == release.revision:
        await message.answer(texts.EDIT_UNCHANGED(lang, id=release.id))
        return
    if updated.status in PUBLISHED:
        copies = (await deliveries.stats(db, release.id)).delivered
        await message.answer(
            texts.EDITED(
                lang, id=release.id, revision=updated.revision, copies=number(copies, lang)
            )
        )
        # Editing every copy takes a while: the staff member's next messages go ahead.
        step_aside()
        edited = await delivery.edit(release.id)
        await message.answer(
            texts.EDIT_DONE(
                lang, id=release.id, revision=updated.revision, copies=number(edited, lang)
            )
        )
        return
    if data.get("control") is not None:
        # A newer preview follows; the old one's buttons would only confuse.
        await redraw_controls(bot, message.chat.id, data["control"])
    await message.answer(texts.EDITED_DRAFT(lang, id=release.id))
    await review.preview(bot, db, settings, message.chat.id, updated, lang)
    if message.from_user is not None:
        # A draft from a source was previewed to every staff member: theirs is out of date.
        await review.refresh(bot, db, settings, release.id, by=message.from_user)


# --- /retract N and its buttons ------------------------------------------------------------


async def _retract_refusal(db: Database, release: Release) -> posting.Refusal | None:
    sent = (await deliveries.stats(db, release.id)).sent
    return posting.retract_refusal(release, sent_copies=sent)


async def retract(message: Message, command: CommandObject, db: Database, lang: Lang) -> None:
    """/retract N: ask for confirmation first."""
    release = await _release_arg(message, command, db, lang)
    if release is None:
        return
    refusal = await _retract_refusal(db, release)
    if refusal is not None:
        await message.answer(staff_views.refusal(refusal, release, lang))
        return
    view = staff_views.retract_question(release, lang)
    await message.answer(view.text, reply_markup=view.keyboard)


async def confirm_retract(
    query: CallbackQuery,
    callback_data: ReleaseButton,
    bot: Bot,
    db: Database,
    delivery: DeliveryEngine,
    lang: Lang,
) -> None:
    """Retract: delete the delivered copies, then say how it went."""
    release = await pressed_release(query, callback_data, db, lang)
    if release is None:
        return
    refusal = await _retract_refusal(db, release)
    if refusal is not None:
        await query.answer(staff_views.refusal(refusal, release, lang), show_alert=True)
        return
    control = pressed_on(query)
    await replace_controls(bot, control, texts.RETRACTING(lang, id=release.id))
    await query.answer()
    # Deleting every copy takes a while: the staff member's next presses go ahead.
    step_aside()
    result = await delivery.retract(release.id)
    done = texts.RETRACTED(
        lang,
        id=release.id,
        deleted=number(result.deleted, lang),
        too_old=number(result.expired, lang),
        unreachable=number(result.unreachable, lang),
        cancelled=number(result.cancelled, lang),
    )
    if result.failed:
        failed = number(result.failed, lang)
        done = Html(done + "\n" + texts.RETRACT_FAILED(lang, id=release.id, failed=failed))
    if control is None:
        await bot.send_message(query.from_user.id, done)
    else:
        await replace_controls(bot, control, done)


async def keep(
    query: CallbackQuery, callback_data: ReleaseButton, bot: Bot, db: Database, lang: Lang
) -> None:
    """Keep: the release stays with readers."""
    release = await pressed_release(query, callback_data, db, lang)
    if release is None:
        return
    await replace_controls(bot, pressed_on(query), texts.RETRACT_KEPT(lang, id=release.id))
    await query.answer()


def build() -> Router:
    """The releases router; `handlers.staff.build` puts the staff filter over it, before the
    posting router."""
    router = Router(name=__name__)
    # Commands first and in any state: /releases in the middle of a dialog just works.
    router.message.register(list_releases, Command("releases"))
    router.message.register(show_release, Command("release"))
    router.message.register(edit, Command("edit"))
    router.message.register(retract, Command("retract"))
    button = ReleaseButton.filter
    router.callback_query.register(ask_title, button(F.action == ReleaseAction.EDIT_TITLE))
    router.callback_query.register(
        ask_summary,
        button(F.action.in_({ReleaseAction.SUMMARY, ReleaseAction.EDIT_SUMMARY})),
    )
    router.callback_query.register(ask_link, button(F.action == ReleaseAction.EDIT_LINK))
    router.callback_query.register(confirm_retract, button(F.action == ReleaseAction.RETRACT))
    router.callback_query.register(keep, button(F.action == ReleaseAction.KEEP))
    # An unknown /command inside a dialog goes on to the fallback's answer, not into a field.
    typed = F.text & ~F.text.startswith("/")
    router.message.register(got_summary, Publishing.summary, typed)
    router.message.register(got_new_title, Publishing.edit_title, typed)
    router.message.register(got_new_link, Publishing.edit_link, typed)
    return router
