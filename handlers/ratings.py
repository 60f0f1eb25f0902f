"""Star buttons under releases: record or change the reader's vote and show it like the site
widget does; stale or forged buttons get a polite notice and store nothing.

A press is answered first, with the totals; the reader's choice is then marked on their copy
by the redraw queue (`bot.redraws`), so a redraw's round trip never delays the toast. A press
on a channel or group post is the presser's one vote on the release as well (votes are keyed by
person), but the shared post never shows anyone's ✓: its live counter catches up instead
(`bot.counters`), as do the counters after a private vote."""

from __future__ import annotations

import time

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup

from bot import render, texts
from bot.answers import Answers
from bot.callbacks import Rate, Totals, pressed_in, pressed_on, star_press
from bot.config import Settings
from bot.counters import LiveCounters
from bot.i18n import Lang
from bot.redraws import Redraws
from bot.voting import VoteWriter
from storage import releases, votes
from storage.db import Database
from storage.releases import PUBLISHED, UNPUBLISHED


async def rate(
    query: CallbackQuery,
    callback_data: Rate,
    db: Database,
    settings: Settings,
    lang: Lang,
    ballots: VoteWriter,
    redraws: Redraws,
    answers: Answers,
    counters: LiveCounters,
) -> None:
    """Record the press, answer with the totals, then mark the reader's choice on their copy
    (a private one; a channel or group post's counter is brought up to date instead)."""
    release_id, stars = callback_data.release_id, callback_data.stars
    if stars not in votes.STARS or not releases.valid_id(release_id):
        await query.answer(texts.RATE_INVALID(lang), show_alert=True)
        return
    try:
        tally = await ballots.cast(release_id, query.from_user.id, stars, time.time())
    except votes.NotVotable:
        staff = query.from_user.id in settings.admin_ids
        await query.answer(await _refusal(db, release_id, lang, staff=staff), show_alert=True)
        return
    # Queued in the order the votes were stored, sent only once this press is answered.
    shared = pressed_in(query) < 0
    redraw = None if shared else _mark_choice(query, release_id, stars, redraws)
    try:
        await answers.notice(
            query.id, render.rating_notice(tally.stars, tally.count, tally.average, lang)
        )
    finally:
        redraws.release(redraw)
        if tally.changed:
            counters.touch(release_id)


async def totals(
    query: CallbackQuery,
    callback_data: Totals,
    db: Database,
    settings: Settings,
    lang: Lang,
    answers: Answers,
) -> None:
    """The counter line under a channel or group post: answer with the totals it shows."""
    release_id = callback_data.release_id
    release = await releases.get(db, release_id) if releases.valid_id(release_id) else None
    if release is None or release.status not in PUBLISHED:
        staff = query.from_user.id in settings.admin_ids
        await query.answer(await _refusal(db, release_id, lang, staff=staff), show_alert=True)
        return
    await answers.notice(query.id, render.counter_line(release.vote_count, release.vote_sum, lang))


async def _refusal(db: Database, release_id: int, lang: Lang, *, staff: bool) -> str:
    """Why this release cannot be rated, in words a reader understands. Only staff learn that
    a draft or scheduled release is behind the number; to readers it does not exist."""
    release = await releases.get(db, release_id)
    if release is None or (release.status in UNPUBLISHED and not staff):
        return texts.RATE_INVALID(lang)
    if release.status == "retracted":
        return texts.RATE_WITHDRAWN(lang)
    return texts.RATE_NOT_YET(lang)


def _mark_choice(
    query: CallbackQuery, release_id: int, stars: int, redraws: Redraws
) -> tuple[int, int] | None:
    """Queue (held) the reader's choice to be shown on the message pressed."""
    message = pressed_on(query)
    if message is None:
        return None
    current = message.reply_markup
    # Only a rating row for this very release is redrawn: a forged press naming another
    # release must not swap the buttons of the message it came from.
    if current is None or not _rates(current, release_id):
        return None
    wanted = render.rating_keyboard(release_id, stars)
    return redraws.hold(
        message.chat.id, message.message_id, wanted, shown=_labels(current) == _labels(wanted)
    )


def _rates(keyboard: InlineKeyboardMarkup, release_id: int) -> bool:
    # The bot's own star rows carry exactly what it packs: found without unpacking each button.
    ours = {
        button.callback_data for button in render.rating_keyboard(release_id).inline_keyboard[0]
    }
    if any(button.callback_data in ours for row in keyboard.inline_keyboard for button in row):
        return True
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
    router.callback_query.register(totals, Totals.filter())
    router.callback_query.register(malformed, F.data.func(star_press))
    return router
