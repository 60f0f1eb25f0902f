"""Staff publishing: /post (a dialog or the quick form), the preview with Publish now /
Schedule / Edit summary / Cancel, /releases, /release N, /edit N, /retract N and /cancel.

Dialog steps live in aiogram's FSM storage (the Dispatcher's default MemoryStorage: a restart
forgets a half-typed dialog); a draft is a `releases` row from the moment the preview shows,
so drafts and scheduled releases survive restarts. Sending, editing delivered copies and
retracting them is the delivery engine's job (`bot.delivery`); this module decides and asks.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message

from bot import render, texts
from bot.callbacks import ReleaseAction, ReleaseButton
from bot.config import Settings
from bot.html import Html, visible_length
from bot.i18n import Lang
from bot.sending import send_view, unchanged_ok
from bot.summarize import MAX_CHARS, clean, detect_language, summarize
from bot.when import WhenError, WhenProblem, parse_when
from storage import deliveries, releases, subscribers, votes
from storage.db import Database
from storage.deliveries import NotPublishable
from storage.releases import KEEP, PUBLISHED, UNPUBLISHED, Release

if TYPE_CHECKING:
    from bot.delivery import DeliveryEngine

logger = logging.getLogger(__name__)

# Long enough for any headline, short enough to read at a glance in a chat list.
TITLE_MAX = 256
RECENT = 10
SKIP_WORDS = frozenset({"-", "—", "skip", "no", "none", "пропустить", "нет", "без ссылки"})
_SOURCE_LINE = re.compile(r"(?:source|источник)\s*:\s*(?P<url>\S+)", re.IGNORECASE)
# Longer digit runs are no id either way; this keeps int() far from its 4,300-digit limit.
_NUMBER = re.compile(r"#?(\d{1,30})")


class Publishing(StatesGroup):
    """Where a staff member is in a dialog; the release id, if any, is in the FSM data."""

    title = State()
    body = State()
    link = State()
    when = State()
    summary = State()
    edit_title = State()
    edit_link = State()


@dataclass(frozen=True, slots=True)
class QuickPost:
    """What `/post Title⏎text⏎link` says."""

    title: str
    body: str
    link: str | None


def parse_quick(text: str) -> QuickPost:
    """Split the quick form: the first line is the title, then the body; the link is a
    "Source:"/"Источник:" line, or else an address alone on the last line."""
    lines = text.strip().splitlines()
    title, rest = (lines[0], lines[1:]) if lines else ("", [])
    link = None
    for index in range(len(rest) - 1, -1, -1):
        match = _SOURCE_LINE.fullmatch(rest[index].strip())
        if match is not None and render.is_link(match["url"]):
            link = match["url"]
            del rest[index]
            break
    else:
        while rest and not rest[-1].strip():
            rest.pop()
        if rest and render.is_link(rest[-1].strip()):
            link = rest.pop().strip()
    return QuickPost(render.one_line(title), "\n".join(rest).strip(), link)


def make_summary(body: str, title: str) -> str:
    """The summary readers get: the summarizer's pick, else the start of the cleaned text."""
    summary = summarize(body, title=title, sentences=3)
    if summary:
        return summary
    return render.fit(render.one_line(clean(body)), MAX_CHARS)


def _title_problem(title: str, lang: Lang) -> Html | None:
    if not title:
        return texts.TITLE_NEEDS_TEXT(lang)
    if visible_length(title) > TITLE_MAX:
        return texts.TITLE_TOO_LONG(lang, length=visible_length(title), limit=TITLE_MAX)
    return None


async def _typed_link(message: Message, lang: Lang) -> tuple[bool, str | None]:
    """The link staff typed, None for "skip" or "-"; (False, None) once told it is no link."""
    answer = (message.text or "").strip()
    if answer.lower() in SKIP_WORDS:
        return True, None
    if render.is_link(answer):
        return True, answer
    await message.answer(texts.LINK_INVALID(lang))
    return False, None


async def _audience(db: Database) -> int:
    """Readers who would get a release at once (active, not paused, not digest-only)."""
    return (await subscribers.counts(db)).instant


async def _show_preview(
    bot: Bot, chat_id: int, release: Release, db: Database, settings: Settings, lang: Lang
) -> None:
    """The release exactly as readers get it, then the staff-only controls under it."""
    await send_view(bot, chat_id, render.release_view(release, lang))
    controls = render.release_controls(release, await _audience(db), lang, settings.zone)
    await bot.send_message(chat_id, controls.text, reply_markup=controls.keyboard)


async def _draft(
    message: Message,
    bot: Bot,
    db: Database,
    settings: Settings,
    lang: Lang,
    post: QuickPost,
    photo: str | None,
) -> None:
    """Save the post as a draft and show its preview."""
    assert message.from_user is not None
    release = await releases.create_draft(
        db,
        title=post.title,
        body=post.body,
        summary=make_summary(post.body, post.title),
        link=post.link,
        photo_file_id=photo,
        language=detect_language(clean(post.body) or post.title),
        author_id=message.from_user.id,
        now=time.time(),
    )
    await _show_preview(bot, message.chat.id, release, db, settings, lang)


def _photo(message: Message) -> str | None:
    return message.photo[-1].file_id if message.photo else None


# --- /post --------------------------------------------------------------------------------


async def post(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    lang: Lang,
) -> None:
    """Start the dialog, or with text after the command, make the draft at once."""
    await state.clear()
    if not (command.args or "").strip():
        await state.set_state(Publishing.title)
        # A photo captioned just "/post" is kept for the release the dialog makes.
        await state.update_data(photo=_photo(message))
        await message.answer(texts.POST_ASK_TITLE(lang))
        return
    quick = parse_quick(command.args or "")
    problem = _title_problem(quick.title, lang)
    if problem is not None:
        await message.answer(problem)
        return
    await _draft(message, bot, db, settings, lang, quick, _photo(message))


async def got_title(message: Message, state: FSMContext, lang: Lang) -> None:
    """Dialog step 1: the title."""
    title = render.one_line(message.text or "")
    problem = _title_problem(title, lang)
    if problem is not None:
        await message.answer(problem)
        return
    await state.update_data(title=title)
    await state.set_state(Publishing.body)
    await message.answer(texts.POST_ASK_BODY(lang))


async def got_body(message: Message, state: FSMContext, lang: Lang) -> None:
    """Dialog step 2: pasted text, a photo with its caption, or a forwarded message."""
    body = message.text or message.caption or ""
    photo = _photo(message) or (await state.get_data()).get("photo")
    if not body.strip() and photo is None:
        await message.answer(texts.BODY_INVALID(lang))
        return
    await state.update_data(body=body.strip(), photo=photo)
    await state.set_state(Publishing.link)
    await message.answer(texts.POST_ASK_LINK(lang))


async def got_link(
    message: Message,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    lang: Lang,
) -> None:
    """Dialog step 3: the link or "skip"; then the draft and its preview."""
    given, link = await _typed_link(message, lang)
    if not given:
        return
    data = await state.get_data()
    await state.clear()
    quick = QuickPost(data["title"], data["body"], link)
    await _draft(message, bot, db, settings, lang, quick, data["photo"])


async def not_in_dialog_form(message: Message, state: FSMContext, lang: Lang) -> None:
    """A sticker, a voice message or the like where the dialog waits for something else."""
    current = await state.get_state()
    if current in (Publishing.title.state, Publishing.edit_title.state):
        await message.answer(texts.TITLE_NEEDS_TEXT(lang))
    elif current == Publishing.body.state:
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


# --- The preview's buttons, /edit's and /retract's ----------------------------------------


async def button(
    query: CallbackQuery,
    callback_data: ReleaseButton,
    state: FSMContext,
    bot: Bot,
    db: Database,
    settings: Settings,
    delivery: DeliveryEngine,
    lang: Lang,
) -> None:
    """One press of a staff button: check the release's state, then act."""
    action = callback_data.action
    release = await releases.get(db, callback_data.release_id)
    message = query.message
    chat_id = message.chat.id if message is not None else query.from_user.id
    control = None if message is None or isinstance(message, InaccessibleMessage) else message
    if release is None:
        await query.answer(
            texts.RELEASE_NOT_FOUND(lang, id=callback_data.release_id), show_alert=True
        )
        return
    if action is ReleaseAction.KEEP:
        await _replace(bot, control, texts.RETRACT_KEPT(lang, id=release.id))
        await query.answer()
    elif action is ReleaseAction.RETRACT:
        await _retract(query, control, bot, db, release, delivery, lang)
    elif action in _EDITS:
        await _ask_edit(query, state, release, action, lang, control=_message_id(control))
    elif release.status not in UNPUBLISHED:
        status = render.status_name(release, lang)
        await query.answer(texts.WRONG_STATE(lang, id=release.id, status=status), show_alert=True)
    elif action is not ReleaseAction.CANCEL and not release.summary.strip():
        # Neither now nor later: readers would get a title and nothing else.
        await query.answer(texts.NEED_SUMMARY(lang, id=release.id), show_alert=True)
    elif action is ReleaseAction.PUBLISH:
        try:
            count = await delivery.publish(release.id, report_chat_id=chat_id)
        except NotPublishable:
            # Another press (or the schedule) published it a moment ago.
            await query.answer(await _gone_or_moved_on(db, release.id, lang), show_alert=True)
            return
        await _leave_dialog_about(state, release.id)
        await _replace(bot, control, texts.PUBLISHING(lang, id=release.id, count=count))
        await query.answer()
    elif action is ReleaseAction.SCHEDULE:
        await state.set_state(Publishing.when)
        await state.update_data(release_id=release.id, control=_message_id(control))
        await bot.send_message(
            chat_id, texts.SCHEDULE_ASK(lang, id=release.id, zone=settings.timezone)
        )
        await query.answer()
    elif action is ReleaseAction.CANCEL:
        if not await releases.discard(db, release.id):
            status = render.status_name(release, lang)
            await query.answer(
                texts.WRONG_STATE(lang, id=release.id, status=status), show_alert=True
            )
            return
        await _leave_dialog_about(state, release.id)
        await _replace(bot, control, texts.DISCARDED(lang, id=release.id))
        await query.answer()


_EDITS = frozenset(
    {
        ReleaseAction.SUMMARY,
        ReleaseAction.EDIT_TITLE,
        ReleaseAction.EDIT_SUMMARY,
        ReleaseAction.EDIT_LINK,
    }
)


async def _leave_dialog_about(state: FSMContext, release_id: int) -> None:
    """Close a dialog step about a release that was just published or cancelled."""
    if (await state.get_data()).get("release_id") == release_id:
        await state.clear()


def _message_id(message: Message | None) -> int | None:
    return message.message_id if message is not None else None


async def _replace(bot: Bot, message: Message | None, text: Html) -> None:
    """Turn a control message into a plain note, its buttons gone."""
    if message is not None:
        await _redraw(bot, message.chat.id, message.message_id, text)


async def _redraw(
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


async def _ask_edit(
    query: CallbackQuery,
    state: FSMContext,
    release: Release,
    action: ReleaseAction,
    lang: Lang,
    *,
    control: int | None = None,
) -> None:
    """Wait for the new title, summary or link of a release."""
    if release.status == "retracted":
        await query.answer(texts.NOT_EDITABLE(lang, id=release.id), show_alert=True)
        return
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    await state.set_state(
        {
            ReleaseAction.EDIT_TITLE: Publishing.edit_title,
            ReleaseAction.EDIT_LINK: Publishing.edit_link,
        }.get(action, Publishing.summary)
    )
    await state.update_data(release_id=release.id, control=control)
    if action is ReleaseAction.EDIT_TITLE:
        prompt = texts.EDIT_ASK_TITLE(lang, id=release.id, limit=TITLE_MAX)
    elif action is ReleaseAction.EDIT_LINK:
        prompt = texts.EDIT_ASK_LINK(lang, id=release.id)
    else:
        room = render.summary_room(release)
        prompt = texts.SUMMARY_ASK(lang, id=release.id, limit=render.number(room, lang))
    assert query.bot is not None
    await query.bot.send_message(chat_id, prompt)
    # Answered last, throughout: when the spinner stops, what the press caused is on screen.
    await query.answer()


async def _retract(
    query: CallbackQuery,
    control: Message | None,
    bot: Bot,
    db: Database,
    release: Release,
    delivery: DeliveryEngine,
    lang: Lang,
) -> None:
    if not await _retractable(db, release):
        await query.answer(_not_retractable(release, lang), show_alert=True)
        return
    await _replace(bot, control, texts.RETRACTING(lang, id=release.id))
    await query.answer()
    result = await delivery.retract(release.id)
    done = texts.RETRACTED(
        lang,
        id=release.id,
        deleted=render.number(result.deleted, lang),
        too_old=render.number(result.expired, lang),
        unreachable=render.number(result.unreachable, lang),
        cancelled=render.number(result.cancelled, lang),
    )
    if result.failed:
        failed = render.number(result.failed, lang)
        done = Html(done + "\n" + texts.RETRACT_FAILED(lang, id=release.id, failed=failed))
    if control is None:
        await bot.send_message(query.from_user.id, done)
    else:
        await _replace(bot, control, done)


async def _retractable(db: Database, release: Release) -> bool:
    """Published, or retracted with copies left that a first attempt could not delete."""
    if release.status in PUBLISHED:
        return True
    return release.status == "retracted" and (await deliveries.stats(db, release.id)).sent > 0


def _not_retractable(release: Release, lang: Lang) -> Html:
    if release.status == "retracted":
        return texts.ALREADY_RETRACTED(lang, id=release.id)
    status = render.status_name(release, lang)
    return texts.NOT_PUBLISHED(lang, id=release.id, status=status)


# --- Typed answers to the questions the buttons asked ------------------------------------


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
        await message.answer(await _gone_or_moved_on(db, data["release_id"], lang))
        return
    delivery.wake()
    if data.get("control") is not None:
        controls = render.release_controls(release, await _audience(db), lang, zone)
        await _redraw(bot, message.chat.id, data["control"], controls.text, controls.keyboard)
    when = render.moment(at.timestamp(), zone, lang)
    await message.answer(texts.SCHEDULED(lang, id=release.id, when=when, zone=zone.key))


def _when_problem(error: WhenError, text: str, settings: Settings, lang: Lang) -> Html:
    zone = settings.zone
    when = render.moment(error.moment.timestamp(), zone, lang) if error.moment else ""
    if error.problem is WhenProblem.NO_SUCH_DATE:
        return texts.WHEN_NO_SUCH_DATE(lang, text=render.fit(text, 100))
    if error.problem is WhenProblem.NO_SUCH_TIME and error.moment is not None:
        wall = render.wall_clock(error.moment, lang)
        return texts.WHEN_NO_SUCH_TIME(lang, when=wall, zone=zone.key)
    if error.problem is WhenProblem.PAST:
        return texts.WHEN_PAST(lang, when=when, zone=zone.key)
    if error.problem is WhenProblem.TOO_FAR:
        return texts.WHEN_TOO_FAR(lang, when=when)
    return texts.WHEN_UNREADABLE(lang, text=render.fit(render.one_line(text), 100))


async def _gone_or_moved_on(db: Database, release_id: int, lang: Lang) -> Html:
    """Why a release the dialog was about can no longer take that step."""
    release = await releases.get(db, release_id)
    if release is None:
        return texts.RELEASE_NOT_FOUND(lang, id=release_id)
    if release.status == "retracted":
        return texts.NOT_EDITABLE(lang, id=release_id)
    return texts.WRONG_STATE(lang, id=release_id, status=render.status_name(release, lang))


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
    summary = render.paragraphs(message.text or "")
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
    title = render.one_line(message.text or "")
    problem = _title_problem(title, lang)
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
    given, link = await _typed_link(message, lang)
    if not given:
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
    if release is None or release.status == "retracted":
        await state.clear()
        await message.answer(await _gone_or_moved_on(db, data["release_id"], lang))
        return
    changed = dataclasses.replace(release, **change)
    summary = render.paragraphs(changed.summary)
    room = render.summary_room(changed)
    if visible_length(summary) > room:
        # Staff text is never cut silently: a longer title or link can push the summary out.
        length = render.number(visible_length(summary), lang)
        limit = render.number(room, lang)
        await message.answer(texts.SUMMARY_TOO_LONG(lang, length=length, limit=limit))
        return
    link = change.get("link", KEEP)
    updated = await releases.update_text(
        db, release.id, title=change.get("title"), summary=change.get("summary"), link=link
    )
    await state.clear()
    if updated is None:
        await message.answer(await _gone_or_moved_on(db, release.id, lang))
        return
    if updated.revision == release.revision:
        await message.answer(texts.EDIT_UNCHANGED(lang, id=release.id))
        return
    if updated.status in PUBLISHED:
        copies = (await deliveries.stats(db, release.id)).delivered
        await message.answer(
            texts.EDITED(
                lang, id=release.id, revision=updated.revision, copies=render.number(copies, lang)
            )
        )
        edited = await delivery.edit(release.id)
        await message.answer(
            texts.EDIT_DONE(
                lang, id=release.id, revision=updated.revision, copies=render.number(edited, lang)
            )
        )
        return
    if data.get("control") is not None:
        # A newer preview follows; the old one's buttons would only confuse.
        await _redraw(bot, message.chat.id, data["control"])
    await message.answer(texts.EDITED_DRAFT(lang, id=release.id))
    await _show_preview(bot, message.chat.id, updated, db, settings, lang)


# --- /releases, /release N, /edit N, /retract N -------------------------------------------


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
    match = _NUMBER.fullmatch(argument)
    if match is None:
        value = render.fit(render.one_line(argument), 40)
        await message.answer(texts.RELEASE_BAD_NUMBER(lang, value=value, command=name))
        return None
    release = await releases.get(db, int(match[1]))
    if release is None:
        await message.answer(texts.RELEASE_NOT_FOUND(lang, id=int(match[1])))
    return release


async def list_releases(message: Message, db: Database, lang: Lang) -> None:
    """/releases: the recent ones with status, delivery counts and rating."""
    recent = await releases.recent(db, RECENT)
    rows = [(release, await deliveries.stats(db, release.id)) for release in recent]
    await message.answer(render.releases_list(rows, lang))


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
        await _show_preview(bot, message.chat.id, release, db, settings, lang)
        return
    report = render.release_report(
        release,
        await deliveries.stats(db, release.id),
        await votes.distribution(db, release.id),
        await deliveries.failures(db, release.id, limit=render.FAILURES_SHOWN),
        lang,
        settings.zone,
    )
    await message.answer(report)


async def edit(message: Message, command: CommandObject, db: Database, lang: Lang) -> None:
    """/edit N: ask which part to replace."""
    release = await _release_arg(message, command, db, lang)
    if release is None:
        return
    if release.status == "retracted":
        await message.answer(texts.NOT_EDITABLE(lang, id=release.id))
        return
    view = render.edit_choice(release, lang)
    await message.answer(view.text, reply_markup=view.keyboard)


async def retract(message: Message, command: CommandObject, db: Database, lang: Lang) -> None:
    """/retract N: ask for confirmation first."""
    release = await _release_arg(message, command, db, lang)
    if release is None:
        return
    if not await _retractable(db, release):
        await message.answer(_not_retractable(release, lang))
        return
    view = render.retract_question(release, lang)
    await message.answer(view.text, reply_markup=view.keyboard)


def build() -> Router:
    """The publishing router; `handlers.staff.build` puts the staff filter over it."""
    router = Router(name=__name__)
    # Commands first and in any state: /releases in the middle of a dialog just works.
    router.message.register(post, Command("post"))
    router.message.register(cancel, Command("cancel"))
    router.message.register(list_releases, Command("releases"))
    router.message.register(show_release, Command("release"))
    router.message.register(edit, Command("edit"))
    router.message.register(retract, Command("retract"))
    router.callback_query.register(button, ReleaseButton.filter())
    # An unknown /command inside a dialog goes on to the fallback's answer, not into a field.
    typed = F.text & ~F.text.startswith("/")
    router.message.register(got_title, Publishing.title, typed)
    router.message.register(got_body, Publishing.body, typed | F.photo)
    router.message.register(got_link, Publishing.link, typed)
    router.message.register(got_when, Publishing.when, typed)
    router.message.register(got_summary, Publishing.summary, typed)
    router.message.register(got_new_title, Publishing.edit_title, typed)
    router.message.register(got_new_link, Publishing.edit_link, typed)
    router.message.register(not_in_dialog_form, StateFilter(Publishing), ~F.text.startswith("/"))
    return router
