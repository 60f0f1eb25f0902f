"""Star buttons under releases: record or change the reader's vote and show it like the site
widget does; stale or forged buttons get a polite notice and store nothing."""

from __future__ import annotations

import logging
import time

from aiogram import F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, InlineKeyboardMarkup

from bot import render, texts
from bot.callbacks import Rate, pressed_on
from bot.config import Settings
from bot.i18n import Lang
from bot.sending import unchanged_ok
from storage import releases, votes
from storage.db import Database
from storage.releases import UNPUBLISHED

logger = logging.getLogger(__name__)


async def rate(
    query: CallbackQuery, callback_data: Rate, db: Database, settings: Settings, lang: Lang
) -> None:
    """Record the press, mark the reader's choice on their message, answer with the totals."""
    release_id, stars = callback_data.release_id, callback_data.stars
    if stars not in votes.STARS or not releases.valid_id(release_id):
        await query.answer(texts.RATE_INVALID(lang), show_alert=True)
        return
    try:
        tally = await votes.cast(db, release_id, query.from_user.id, stars, time.time())
    except votes.NotVotable:
        staff = query.from_user.id in settings.admin_ids
        await query.answer(await _refusal(db, release_id, lang, staff=staff), show_alert=True)
        return
    await _mark_choice(query, release_id, stars)
    await query.answer(render.rating_notice(tally.stars, tally.count, tally.average, lang))


async def _refusal(db: Database, release_id: int, lang: Lang, *, staff: bool) -> str:
    """Why this release cannot be rated, in words a reader understands. Only staff learn that
    a draft or scheduled release is behind the number; to readers it does not exist."""
    release = await releases.get(db, release_id)
    if release is None or (release.status in UNPUBLISHED and not staff):
        return texts.RATE_INVALID(lang)
    if release.status == "retracted":
        return texts.RATE_WITHDRAWN(lang)
    return texts.RATE_NOT_YET(lang)


async def _mark_choice(query: CallbackQuery, release_id: int, stars: int) -> None:
    """Show the reader's choice on the message pressed, unless it shows it already."""
    message = pressed_on(query)
    if message is None:
        return
    current = message.reply_markup
    # Only a rating row for this very release is redrawn: a forged press naming another
    # release must not swap the buttons of the message it came from.
    if current is None or not _rates(current, release_id):
        return
    wanted = render.rating_keyboard(release_id, stars)
    if _labels(current) == _labels(wanted):
        return
    try:
        # Two quick presses of the same star both see the old keyboard; the second edit
        # changes nothing.
        await unchanged_ok(message.edit_reply_markup(reply_markup=wanted))
    except TelegramAPIError as error:
        # The vote is stored; a keyboard that stays unmarked is not worth failing the press.
        logger.warning("Rating row of release %s not redrawn: %s", release_id, error)


def _rates(keyboard: InlineKeyboardMarkup, release_id: int) -> bool:
    for row in keyboard.inline_keyboard:
        for button in row:
            try:
                data = Rate.unpack(button.callback_data or "")
            except (TypeError, ValueError):
                continue
            if data.release_id == release_id:
                return True
    return False


def _labels(keyboard: InlineKeyboardMarkup) -> list[list[tuple[str, str | None]]]:
    return [[(b.text, b.callback_data) for b in row] for row in keyboard.inline_keyboard]


async def malformed(query: CallbackQuery, lang: Lang) -> None:
    """Rating data that does not even unpack: crafted by hand or from a future version."""
    await query.answer(texts.RATE_INVALID(lang), show_alert=True)


def build() -> Router:
    """The ratings router; it must come before the fallback, which answers unknown buttons."""
    router = Router(name=__name__)
    router.callback_query.register(rate, Rate.filter())
    router.callback_query.register(malformed, F.data.startswith(f"{Rate.__prefix__}:"))
    return router
