"""What staff see about channels and groups: the /channels list with a switch per destination
that can still be posted to."""

from __future__ import annotations

from typing import Final

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot import chat_texts
from bot.callbacks import ChatSwitch, SwitchAction
from bot.html import Html, Rendered, escape
from bot.i18n import Lang, Text, number, plural
from bot.posting import fit, one_line
from storage.chats import Destination

# A message holds this many rows well within Telegram's 4096 characters (and its buttons).
SHOWN: Final = 30
TITLE_LIMIT: Final = 60
BUTTONS_PER_ROW: Final = 2


def state(destination: Destination) -> Text:
    """On, off, or why nothing can be posted there."""
    if destination.problem == "migrated" or destination.status == "gone":
        return chat_texts.STATE_MIGRATED
    if destination.problem == "no_rights":
        return chat_texts.STATE_NO_RIGHTS
    if destination.status == "blocked":
        return chat_texts.STATE_REMOVED
    return chat_texts.STATE_ON if destination.is_on else chat_texts.STATE_OFF


def _row(n: int, destination: Destination, lang: Lang) -> Html:
    details = [escape(chat_texts.KIND[destination.kind](lang).lower())]
    if destination.member_count is not None:
        count = destination.member_count
        details.append(
            plural(
                lang,
                count,
                chat_texts.MEMBERS_ONE,
                chat_texts.MEMBERS_FEW,
                chat_texts.MEMBERS_MANY,
                count=number(count, lang),
            )
        )
    if destination.thread_id is not None:
        details.append(chat_texts.TOPIC(lang, id=destination.thread_id))
    details.append(state(destination)(lang))
    title = fit(one_line(destination.title), TITLE_LIMIT) or str(destination.chat_id)
    return Html(f"{n}. <b>{escape(title)}</b> — {' · '.join(details)}")


def _switch(n: int, destination: Destination, lang: Lang) -> InlineKeyboardButton:
    if destination.is_on:
        label, action = chat_texts.BUTTON_SWITCH_OFF, SwitchAction.OFF
    else:
        label, action = chat_texts.BUTTON_SWITCH_ON, SwitchAction.ON
    data = ChatSwitch(action=action, chat_id=destination.chat_id).pack()
    return InlineKeyboardButton(text=label(lang, n=n), callback_data=data)


def channels(destinations: list[Destination], lang: Lang, *, bot_username: str) -> Rendered:
    """Every channel and group, numbered, with a switch for each one the bot can post to."""
    if not destinations:
        return Rendered(chat_texts.CHANNELS_EMPTY(lang, bot=bot_username))
    shown = destinations[:SHOWN]
    lines = [chat_texts.CHANNELS_HEADER(lang, count=number(len(destinations), lang)), ""]
    lines += [_row(n, destination, lang) for n, destination in enumerate(shown, start=1)]
    if len(destinations) > SHOWN:
        lines.append(chat_texts.CHANNELS_MORE(lang, count=number(len(destinations) - SHOWN, lang)))
    lines += ["", chat_texts.CHANNELS_FOOTER(lang)]
    buttons = [
        _switch(n, destination, lang)
        for n, destination in enumerate(shown, start=1)
        if destination.is_reachable
    ]
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    keyboard = InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
    return Rendered(Html("\n".join(lines)), keyboard)
