"""Telling staff about drafts and sources: a draft's preview to one or every staff member, the
others' controls once one of them acts, and notes and notices sent to all of them.

Every staff message goes through `staff_call`: a 429 waits `retry_after`, a 5xx or a network
error is tried again a few times, and a staff member who blocked the bot or never opened a chat
with it is skipped (logged) rather than holding up the others. A release whose photo is a web
address (a page's `og:image`) is previewed by giving Telegram the address: the file id Telegram
returns replaces it, so readers' copies reuse the uploaded photo; if Telegram cannot fetch it,
the release goes on without a photo.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar

from aiogram import Bot
from aiogram.methods import SendMessage, SendPhoto
from aiogram.types import Message, User

from bot import render, source_texts, staff_views
from bot.config import Settings
from bot.html import Html
from bot.i18n import Lang, Text, pick_language
from bot.pacing import SendFailure, failure_of
from bot.sending import release_calls
from storage import previews, releases, subscribers
from storage.db import Database
from storage.releases import UNPUBLISHED, Release

logger = logging.getLogger(__name__)

T = TypeVar("T")

ATTEMPTS: Final = 4
# A 429 asks for a pause; longer than this and the message waits for the next try instead.
MAX_WAIT: Final = 30.0


class TryLater(Exception):
    """Telegram kept failing (5xx, timeouts, 429s): the message was not sent, try again later."""


async def staff_call(call: Callable[[], Awaitable[T]], *, attempts: int = ATTEMPTS) -> T | None:
    """One Bot API call to a staff chat, retried through 429s and transient errors; None when
    the chat cannot be reached (blocked, not found). Raises `TryLater`, or `SendFailure` for a
    request Telegram refuses for good."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except Exception as error:
            failure = failure_of(error)
        if failure.kind in ("blocked", "gone"):
            logger.warning("A staff chat cannot be reached: %s", failure.error)
            return None
        if failure.kind in ("permanent", "rightless", "migrated"):
            raise failure
        if attempt == attempts or failure.retry_after > MAX_WAIT:
            raise TryLater(failure.error)
        wait = failure.retry_after if failure.kind == "flood" else 0.5 * 2 ** (attempt - 1)
        await asyncio.sleep(wait)
    raise TryLater("no attempts")


async def staff_lang(db: Database, settings: Settings, chat_id: int) -> Lang:
    """A staff member's interface language: their choice, their Telegram's, or the default."""
    reader = await subscribers.get(db, chat_id)
    return pick_language(
        reader.language if reader else None,
        reader.telegram_language if reader else None,
        settings.default_language,
    )


def _web(photo: str | None) -> bool:
    return photo is not None and photo.startswith(("http://", "https://"))


async def send_release(
    bot: Bot, db: Database, chat_id: int, release: Release, lang: Lang
) -> Release | None:
    """The release exactly as readers get it; returns it as stored now (its photo a file id, or
    gone if Telegram could not fetch the address), or None if the chat cannot be reached."""
    view = render.release_view(release, lang)
    plan = release_calls(view)
    for method, fields in plan.calls:
        if method != "sendPhoto":
            sent = await staff_call(functools.partial(bot, SendMessage(chat_id=chat_id, **fields)))
            if sent is None:
                return None
            continue
        try:
            photo = await staff_call(functools.partial(bot, SendPhoto(chat_id=chat_id, **fields)))
        except SendFailure as failure:
            if not _web(release.photo_file_id):
                raise
            # "Bad Request: wrong file identifier/HTTP URL specified", "failed to get HTTP URL
            # content": the page's image is out of Telegram's reach; the text goes alone.
            logger.warning("Release %d: photo %s dropped: %s", release.id, view.photo, failure)
            await releases.set_photo(db, release.id, None)
            alone = dataclasses.replace(release, photo_file_id=None)
            return await send_release(bot, db, chat_id, alone, lang)
        if photo is None:
            return None
        release = await _keep_file_id(db, release, photo)
    return release


async def _keep_file_id(db: Database, release: Release, message: Message) -> Release:
    if not _web(release.photo_file_id) or not message.photo:
        return release
    file_id = message.photo[-1].file_id
    await releases.set_photo(db, release.id, file_id)
    return dataclasses.replace(release, photo_file_id=file_id)


async def preview(
    bot: Bot,
    db: Database,
    settings: Settings,
    chat_id: int,
    release: Release,
    lang: Lang,
    *,
    heading: Html | None = None,
) -> int | None:
    """The preview and the staff controls under it; the controls' message id, or None if the
    chat cannot be reached."""
    shown = await send_release(bot, db, chat_id, release, lang)
    if shown is None:
        return None
    audience = (await subscribers.counts(db)).instant
    controls = staff_views.release_controls(shown, audience, lang, settings.zone)
    text = controls.text if heading is None else Html(heading + "\n" + controls.text)
    message = await staff_call(
        functools.partial(bot.send_message, chat_id, text, reply_markup=controls.keyboard)
    )
    return None if message is None else message.message_id


async def preview_to_staff(
    bot: Bot, db: Database, settings: Settings, release_id: int, heading: Text, **values: object
) -> bool:
    """Preview a draft to every staff member who has not had it yet (each control message is
    remembered); True once all have it or cannot be reached, False if some should be tried again
    later. Stops early, True, once the draft is published, scheduled away or dropped."""
    done = {entry.chat_id for entry in await previews.of_release(db, release_id)}
    complete = True
    for chat_id in sorted(settings.admin_ids - done):
        release = await releases.get(db, release_id)
        if release is None or release.status not in UNPUBLISHED:
            return True
        lang = await staff_lang(db, settings, chat_id)
        try:
            message_id = await preview(
                bot, db, settings, chat_id, release, lang, heading=heading(lang, **values)
            )
        except TryLater as later:
            logger.warning("Preview of release %d to %d: later (%s)", release_id, chat_id, later)
            complete = False
            continue
        except SendFailure as failure:
            logger.error("Preview of release %d to %d refused: %s", release_id, chat_id, failure)
            message_id = None
        await previews.record(db, release_id, chat_id, message_id)
    return complete


async def show_to_staff(bot: Bot, db: Database, settings: Settings, release_id: int) -> None:
    """The release as readers will get it, to every staff member (no controls): what an
    auto-published source item looks like. A courtesy: failures are logged."""
    for chat_id in sorted(settings.admin_ids):
        release = await releases.get(db, release_id)
        if release is None:
            return
        lang = await staff_lang(db, settings, chat_id)
        try:
            await send_release(bot, db, chat_id, release, lang)
        except (TryLater, SendFailure) as failure:
            logger.warning("Release %d not shown to %d: %s", release_id, chat_id, failure)


async def tell_staff(
    bot: Bot, db: Database, settings: Settings, text: Callable[[Lang], Html]
) -> None:
    """Send every staff member a message in their language; failures are logged."""
    for chat_id in sorted(settings.admin_ids):
        message = text(await staff_lang(db, settings, chat_id))
        try:
            await staff_call(functools.partial(bot.send_message, chat_id, message))
        except (TryLater, SendFailure) as failure:
            logger.warning("Staff notice to %d not sent: %s", chat_id, failure)


async def settle(
    bot: Bot, db: Database, settings: Settings, release_id: int, *, by: User, outcome: Text
) -> None:
    """After one staff member acted on a draft previewed to all: the others' controls lose
    their buttons and say who did what ("Release #12 was published by Anna")."""
    for entry in await previews.take_all(db, release_id):
        if entry.chat_id == by.id or entry.message_id is None:
            continue
        lang = await staff_lang(db, settings, entry.chat_id)
        text = outcome(lang, id=release_id, name=by.full_name)
        edit = functools.partial(
            bot.edit_message_text, text, chat_id=entry.chat_id, message_id=entry.message_id
        )
        try:
            await staff_call(edit, attempts=2)
        except (TryLater, SendFailure) as failure:
            logger.warning(
                "Controls of %d for release %d kept: %s", entry.chat_id, release_id, failure
            )


async def refresh(
    bot: Bot, db: Database, settings: Settings, release_id: int, *, by: User
) -> None:
    """After one staff member edited a draft previewed to all: each of the others gets the new
    preview, headed with who edited it, and their old controls say it was superseded (without
    buttons). Their new controls are remembered, so the first to act later settles those."""
    for entry in await previews.of_release(db, release_id):
        if entry.chat_id == by.id:
            continue
        release = await releases.get(db, release_id)
        if release is None or release.status not in UNPUBLISHED:
            return
        lang = await staff_lang(db, settings, entry.chat_id)
        if entry.message_id is not None:
            old = functools.partial(
                bot.edit_message_text,
                source_texts.SUPERSEDED(lang, id=release_id),
                chat_id=entry.chat_id,
                message_id=entry.message_id,
            )
            try:
                await staff_call(old, attempts=2)
            except (TryLater, SendFailure) as failure:
                logger.warning("Old controls of %d kept: %s", entry.chat_id, failure)
        heading = source_texts.EDITED_BY(lang, id=release_id, name=by.full_name)
        try:
            message_id = await preview(
                bot, db, settings, entry.chat_id, release, lang, heading=heading
            )
        except (TryLater, SendFailure) as failure:
            logger.warning(
                "New preview of %d to %d not sent: %s", release_id, entry.chat_id, failure
            )
            continue
        await previews.record(db, release_id, entry.chat_id, message_id)


SETTLED: Final = {
    "publish": source_texts.SETTLED_PUBLISHED,
    "schedule": source_texts.SETTLED_SCHEDULED,
    "discard": source_texts.SETTLED_DISCARDED,
}
