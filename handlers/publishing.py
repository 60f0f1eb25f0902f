"""Staff posting: /post (a dialog or the quick form), the preview's Publish now, Schedule and
Cancel buttons, the answer to Schedule, and /cancel.

A dialog's step and what was typed so far are aiogram FSM state kept in SQLite
(`storage.dialogs`), so a restart mid-dialog loses nothing; a draft is a `releases` row from the
moment the preview shows. What staff may type and what a release's state allows is decided in
`bot.posting`; publishing is the delivery engine's job (`bot.delivery`), one message is sent with
`bot.sending`. The preview's Edit summary, /edit, /retract and the release reports are in
`handlers.releases`.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot import posting, review, staff_views, texts
from bot.callbacks import ReleaseAction, ReleaseButton, pressed_in, pressed_on
from bot.config import Settings
from bot.html import Html
from bot.i18n import Lang, number
from bot.pastes import Close, PasteWindows
from bot.posting import QuickPost
from bot.sending import unchanged_ok
from bot.when import WhenError, WhenProblem, parse_when
from handlers.failures import answering_refusals
from storage import releases, subscribers
from storage.db import Database
from storage.deliveries import NotPublishable
from storage.releases import Release

if TYPE_CHECKING:
    from bot.delivery import DeliveryEngine
    from bot.workers import Workers

logger = logging.getLogger(__name__)


class Publishing(StatesGroup):
    """Where a staff member is in a dialog; the release id, if any, is in the FSM data."""

    title = State()
    body = State()
    # The quick form's window for the rest of a paste Telegram split (`bot.pastes`).
    quick = State()
    link = State()
    when = State()
    summary = State()
    edit_title = State()
    edit_link = State()


async def gone_or_moved_on(db: Database, release_id: int, lang: Lang) -> Html:
    """Why a release the dialog was about can no longer take that step."""
    release = await releases.get(db, release_id)
    if release is None:
        return texts.RELEASE_NOT_FOUND(lang, id=release_id)
    if release.status == "retracted":
        return texts.NOT_EDITABLE(lang, id=release_id)
    return staff_views.refusal(posting.Refusal.WRONG_STATE, release, lang)


async def pressed_release(
    query: CallbackQuery, callback_data: ReleaseButton, db: Database, lang: Lang
) -> Release | None:
    """The release a staff button acts on; None, with the staff member told, if it is gone."""
    release = await releases.get(db, callback_data.release_id)
    if release is None:
        await query.answer(
            texts.RELEASE_NOT_FOUND(lang, id=callback_data.release_id), show_alert=True
        )
    return release


def message_id(message: Message | None) -> int | None:
    """The id of a control message to redraw later, if there is one."""
    return message.message_id if message is not None else None


async def replace_controls(bot: Bot, message: Message | None, text: Html) -> None:
    """Turn a control message into a plain note, its buttons gone."""
    if message is not None:
        await redraw_controls(bot, message.chat.id, message.message_id, text)


async def redraw_controls(
    bot: Bot,
    chat_id: int,
    message_id: int,
    text: Html | None = None,
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """Edit a staff control message (only its buttons when `text` is None). It is a courtesy:
    the release's state is already stored, so a failed edit is logged, not raised."""
    try:
        # A double press edits twice; the second edit changes nothing and is fine.
        if text is None:
            await unchanged_ok(
                bot.edit_message_reply_markup(
                    chat_id=chat_id, message_id=message_id, reply_markup=keyboard
                )
            )
        else:
            await unchanged_ok(
                bot.edit_message_text(
                    text, chat_id=chat_id, message_id=message_id, reply_markup=keyboard
                )
            )
    except TelegramBadRequest as error:
        # Staff may have deleted the message: "message to edit not found".
        logger.warning("Staff message %s not updated: %s", message_id, error.message)


async def leave_dialog_about(state: FSMContext, release_id: int) -> None:
    """Close a dialog step about a release that was just published or cancelled."""
    if (await state.get_data()).get("release_id") == release_id:
        await state.clear()


# --- /post --------------------------------------------------------------------------------


def _photo(message: Message) -> str | None:
    return message.photo[-1].file_id if message.photo else None


async def _draft(
    message: Message,
    bot: Bot,
    db: Database,
    settings: Settings,
    lang: Lang,
    workers: Workers,
    post: QuickPost,
    photo: str | None,
    state: FSMContext,
) -> None:
    """Save the post as a draft, end the dialog that made it and show the preview; the summary
    is made off the event loop. The dialog ends only once the draft is stored: a write the
    database refuses leaves what was typed for another try."""
    assert message.from_user is not None
    text = await workers.draft_text(post.body, post.title)
    release = await releases.create_draft(
        db,
        title=post.title,
        body=text.body,
        summary=text.summary,
        link=post.link,
        photo_file_id=photo,
        language=text.language,
        author_id=message.from_user.id,
        now=time.time(),
    )
    await state.clear()
    if text.cut:
        await message.answer(
            texts.BODY_CUT(
                lang, limit=number(posting.BODY_LIMIT, lang), length=number(len(post.body), lang)
            )
        )
    await review.preview(bot, db, settings, message.chat.id, release, lang)


async def post(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    workers: Workers,
    pastes: PasteWindows,
    lang: Lang,
) -> None:
    """Start the dialog, or with text after the command, make the draft once the rest of the
    paste (if Telegram split it) has come."""
    await state.clear()
    if not (command.args or "").strip():
        await state.set_state(Publishing.title)
        # A photo captioned just "/post" is kept for the release the dialog makes.
        await state.update_data(photo=_photo(message))
        await message.answer(texts.POST_ASK_TITLE(lang))
        return
    quick = posting.parse_quick(command.args or "")
    problem = posting.title_problem(quick.title, lang)
    if problem is not None:
        await message.answer(problem)
        return
    await state.set_data({"pieces": [command.args or ""], "photo": _photo(message)})
    await state.set_state(Publishing.quick)
    pastes.extend(state.key, _quick_draft(message, state, bot, db, settings, workers, lang))


async def more_quick(
    message: Message,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    workers: Workers,
    pastes: PasteWindows,
    lang: Lang,
) -> None:
    """The next piece of a quick-form paste."""
    pieces = (await state.get_data()).get("pieces", [])
    await state.update_data(pieces=[*pieces, message.text or ""])
    pastes.extend(state.key, _quick_draft(message, state, bot, db, settings, workers, lang))


def _quick_draft(
    message: Message,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    workers: Workers,
    lang: Lang,
) -> Close:
    """What the quick form does when its paste is complete: the draft from all its pieces."""

    async def close() -> None:
        if await state.get_state() != Publishing.quick.state:
            return  # /cancel or another /post came first
        data = await state.get_data()
        quick = posting.parse_quick(posting.joined(data.get("pieces", [])))
        await _draft(message, bot, db, settings, lang, workers, quick, data.get("photo"), state)

    return answering_refusals(bot, message.chat.id, lang, close)


async def got_title(message: Message, state: FSMContext, lang: Lang) -> None:
    """Dialog step 1: the title."""
    title = posting.one_line(message.text or "")
    problem = posting.title_problem(title, lang)
    if problem is not None:
        await message.answer(problem)
        return
    await state.update_data(title=title)
    await state.set_state(Publishing.body)
    await message.answer(texts.POST_ASK_BODY(lang))


async def got_body(
    message: Message, state: FSMContext, bot: Bot, pastes: PasteWindows, lang: Lang
) -> None:
    """Dialog step 2: pasted text (in one message or, split by Telegram, several), a photo
    with its caption, or a forwarded message. The link question comes once the paste is
    complete."""
    piece = (message.text or message.caption or "").strip()
    data = await state.get_data()
    photo = _photo(message) or data.get("photo")
    if not piece and photo is None:
        await message.answer(texts.BODY_INVALID(lang))
        return
    pieces = [*data.get("pieces", []), piece] if piece else data.get("pieces", [])
    await state.update_data(pieces=pieces, photo=photo)
    pastes.extend(state.key, _ask_link(message.chat.id, state, bot, lang))


def _ask_link(chat_id: int, state: FSMContext, bot: Bot, lang: Lang) -> Close:
    """What the body step does when its paste is complete: keep it whole, ask for the link."""

    async def close() -> None:
        if await state.get_state() != Publishing.body.state:
            return  # /cancel or /post came first
        data = await state.get_data()
        body = posting.joined(data.pop("pieces", []))
        await state.set_data({**data, "body": body})
        await state.set_state(Publishing.link)
        await bot.send_message(chat_id, texts.POST_ASK_LINK(lang))

    return answering_refusals(bot, chat_id, lang, close)


async def got_link(
    message: Message,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    workers: Workers,
    lang: Lang,
) -> None:
    """Dialog step 3: the link or "skip"; then the draft and its preview."""
    given, link = posting.typed_link(message.text or "")
    if not given:
        await message.answer(texts.LINK_INVALID(lang))
        return
    data = await state.get_data()
    quick = QuickPost(data["title"], data["body"], link)
    await _draft(message, bot, db, settings, lang, workers, quick, data["photo"], state)


async def not_in_dialog_form(message: Message, state: FSMContext, lang: Lang) -> None:
    """A sticker, a voice message or the like where a dialog (this module's or an edit
    question of `handlers.releases`) waits for something else."""
    current = await state.get_state()
    if current in (Publishing.title.state, Publishing.edit_title.state):
        await message.answer(texts.TITLE_NEEDS_TEXT(lang))
    elif current in (Publishing.body.state, Publishing.quick.state):
        await message.answer(texts.BODY_INVALID(lang))
    elif current in (Publishing.link.state, Publishing.edit_link.state):
        await message.answer(texts.LINK_INVALID(lang))
    elif current == Publishing.summary.state:
        await message.answer(texts.SUMMARY_NEEDS_TEXT(lang))
    else:
        await message.answer(texts.WHEN_NEEDS_TEXT(lang))


async def cancel(message: Message, state: FSMContext, lang: Lang) -> None:
    """Leave whatever dialog is open; a saved draft stays as it is."""
    if await state.get_state() is None:
        await message.answer(texts.NO_DIALOG(lang))
        return
    release_id = (await state.get_data()).get("release_id")
    await state.clear()
    if release_id is None:
        await message.answer(texts.DIALOG_LEFT(lang))
    else:
        await message.answer(texts.DIALOG_LEFT_RELEASE(lang, id=release_id))


# --- The preview's buttons ------------------------------------------------------------------
# Answered last, throughout: when the spinner stops, what the press caused is on screen.


async def publish(
    query: CallbackQuery,
    callback_data: ReleaseButton,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    delivery: DeliveryEngine,
    lang: Lang,
) -> None:
    """Publish now: send the release to every reader who takes releases as they come."""
    release = await pressed_release(query, callback_data, db, lang)
    if release is None:
        return
    refusal = posting.send_refusal(release)
    if refusal is not None:
        await query.answer(staff_views.refusal(refusal, release, lang), show_alert=True)
        return
    try:
        count = await delivery.publish(release.id, report_chat_id=pressed_in(query))
    except NotPublishable:
        # Another press (or the schedule) published it a moment ago.
        await query.answer(await gone_or_moved_on(db, release.id, lang), show_alert=True)
        return
    await leave_dialog_about(state, release.id)
    await replace_controls(
        bot, pressed_on(query), texts.PUBLISHING(lang, id=release.id, count=count)
    )
    # A draft previewed to every staff member: the others' previews say who published it.
    outcome = review.SETTLED["publish"]
    await review.settle(bot, db, settings, release.id, by=query.from_user, outcome=outcome)
    await query.answer()


async def schedule(
    query: CallbackQuery,
    callback_data: ReleaseButton,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    lang: Lang,
) -> None:
    """Schedule: ask when."""
    release = await pressed_release(query, callback_data, db, lang)
    if release is None:
        return
    refusal = posting.send_refusal(release)
    if refusal is not None:
        await query.answer(staff_views.refusal(refusal, release, lang), show_alert=True)
        return
    await state.set_state(Publishing.when)
    await state.update_data(release_id=release.id, control=message_id(pressed_on(query)))
    await bot.send_message(
        pressed_in(query), texts.SCHEDULE_ASK(lang, id=release.id, zone=settings.timezone)
    )
    await query.answer()


async def discard(
    query: CallbackQuery,
    callback_data: ReleaseButton,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    lang: Lang,
) -> None:
    """Cancel: drop the draft (or the scheduled release) unsent."""
    release = await pressed_release(query, callback_data, db, lang)
    if release is None:
        return
    refusal = posting.discard_refusal(release)
    if refusal is None and not await releases.discard(db, release.id):
        # Published or dropped by another press a moment ago.
        refusal = posting.Refusal.WRONG_STATE
    if refusal is not None:
        await query.answer(staff_views.refusal(refusal, release, lang), show_alert=True)
        return
    await leave_dialog_about(state, release.id)
    await replace_controls(bot, pressed_on(query), texts.DISCARDED(lang, id=release.id))
    outcome = review.SETTLED["discard"]
    await review.settle(bot, db, settings, release.id, by=query.from_user, outcome=outcome)
    await query.answer()


async def got_when(
    message: Message,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    delivery: DeliveryEngine,
    lang: Lang,
) -> None:
    """The date and time for Schedule."""
    text = message.text or ""
    zone = settings.zone
    try:
        at = parse_when(text, now=datetime.now(UTC), zone=zone)
    except WhenError as error:
        await message.answer(_when_problem(error, text, settings, lang))
        return
    data = await state.get_data()
    release = await releases.schedule(
        db, data["release_id"], at.timestamp(), report_chat_id=message.chat.id
    )
    await state.clear()
    if release is None:
        await message.answer(await gone_or_moved_on(db, data["release_id"], lang))
        return
    delivery.wake()
    if message.from_user is not None:
        outcome = review.SETTLED["schedule"]
        await review.settle(bot, db, settings, release.id, by=message.from_user, outcome=outcome)
    if data.get("control") is not None:
        audience = (await subscribers.counts(db)).instant
        controls = staff_views.release_controls(release, audience, lang, zone)
        await redraw_controls(
            bot, message.chat.id, data["control"], controls.text, controls.keyboard
        )
    when = staff_views.moment(at.timestamp(), zone, lang)
    await message.answer(texts.SCHEDULED(lang, id=release.id, when=when, zone=zone.key))


def _when_problem(error: WhenError, text: str, settings: Settings, lang: Lang) -> Html:
    zone = settings.zone
    when = staff_views.moment(error.moment.timestamp(), zone, lang) if error.moment else ""
    if error.problem is WhenProblem.NO_SUCH_DATE:
        return texts.WHEN_NO_SUCH_DATE(lang, text=posting.fit(text, 100))
    if error.problem is WhenProblem.NO_SUCH_TIME and error.moment is not None:
        wall = staff_views.wall_clock(error.moment, lang)
        return texts.WHEN_NO_SUCH_TIME(lang, when=wall, zone=zone.key)
    if error.problem is WhenProblem.PAST:
        return texts.WHEN_PAST(lang, when=when, zone=zone.key)
    if error.problem is WhenProblem.TOO_FAR:
        return texts.WHEN_TOO_FAR(lang, when=when)
    return texts.WHEN_UNREADABLE(lang, text=posting.fit(posting.one_line(text), 100))


def build() -> Router:
    """The posting router; `handlers.staff.build` puts the staff filter over it, after the
    releases router (this one's catch-all answers non-text in their edit questions too)."""
    router = Router(name=__name__)
    # Commands first and in any state: /post in the middle of a dialog just works.
    router.message.register(post, Command("post"))
    router.message.register(cancel, Command("cancel"))
    button = ReleaseButton.filter
    router.callback_query.register(publish, button(F.action == ReleaseAction.PUBLISH))
    router.callback_query.register(schedule, button(F.action == ReleaseAction.SCHEDULE))
    router.callback_query.register(discard, button(F.action == ReleaseAction.CANCEL))
    # An unknown /command inside a dialog goes on to the fallback's answer, not into a field.
    typed = F.text & ~F.text.startswith("/")
    router.message.register(got_title, Publishing.title, typed)
    router.message.register(got_body, Publishing.body, typed | F.photo)
    router.message.register(more_quick, Publishing.quick, typed)
    router.message.register(got_link, Publishing.link, typed)
    router.message.register(got_when, Publishing.when, typed)
    router.message.register(not_in_dialog_form, StateFilter(Publishing), ~F.text.startswith("/"))
    return router
