"""Inline buttons: one `CallbackData` factory per kind of button, each well within 64 bytes,
and where a press came from."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InaccessibleMessage, Message
from pydantic import Field

# aiogram unpacks any run of digits into an int. Numbers that go into SQL as they are must fit
# SQLite's integers; past them the press is no button of ours, and gets the catch-all's polite
# answer instead of "OverflowError: Python int too large to convert to SQLite INTEGER".
SqlInt = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]


def pressed_in(query: CallbackQuery) -> int:
    """The chat a button was pressed in; the presser's own chat when Telegram leaves the
    message out (it does for buttons under messages in inline mode)."""
    return query.message.chat.id if query.message is not None else query.from_user.id


def pressed_on(query: CallbackQuery) -> Message | None:
    """The message a button is under, or None when the bot cannot edit it (Telegram sends an
    `InaccessibleMessage` for one deleted or otherwise out of the bot's reach)."""
    message = query.message
    return None if message is None or isinstance(message, InaccessibleMessage) else message


class SettingsAction(StrEnum):
    """What a /settings button does."""

    MODE = "m"
    HOURS = "h"
    HOUR = "H"
    LANGUAGE = "l"
    BACK = "b"
    ALSO = "a"
    DAYS = "d"
    DAY = "D"
    ZONES = "z"
    ZONE = "Z"


class SettingsButton(CallbackData, prefix="set"):
    """A button of the /settings keyboard."""

    action: SettingsAction
    value: int = 0


class Rate(CallbackData, prefix="r"):
    """A star under a release: the reader gives it `stars` (1-5)."""

    release_id: int
    stars: int


class Totals(CallbackData, prefix="rt"):
    """The live counter under a channel or group copy: pressed, it tells the totals."""

    release_id: int


# Everything the ratings router takes (well-formed or not): the factories' packed prefixes.
_STAR_PREFIXES = tuple(f"{kind.__prefix__}{kind.__separator__}" for kind in (Rate, Totals))


def star_press(data: str | None) -> bool:
    """Whether button data is a star's or a live counter's: such a press needs the presser's
    language and nothing else of theirs."""
    return data is not None and data.startswith(_STAR_PREFIXES)


class ReleaseAction(StrEnum):
    """What a staff button under a preview, an /edit or a /retract question does."""

    PUBLISH = "p"
    SCHEDULE = "s"
    SUMMARY = "m"
    CANCEL = "c"
    EDIT_TITLE = "t"
    EDIT_SUMMARY = "e"
    EDIT_LINK = "l"
    RETRACT = "r"
    KEEP = "k"


class ReleaseButton(CallbackData, prefix="rel"):
    """A staff-only button acting on one release."""

    action: ReleaseAction
    release_id: int


class DigestKind(StrEnum):
    """Which digest a page belongs to: it decides the heading."""

    DAILY = "d"
    WEEKLY = "w"
    SO_FAR = "n"
    LAST_DAY = "l"
    PREVIEW = "p"


class DigestPage(CallbackData, prefix="dgp"):
    """A digest's other page: releases published in (`since`, `until`], from `offset`."""

    kind: DigestKind
    since: SqlInt
    until: SqlInt
    offset: SqlInt


class DigestOpen(CallbackData, prefix="dgo"):
    """A numbered digest entry: open that release with its rating row."""

    release_id: int


class SwitchAction(StrEnum):
    """What a /channels button does to a channel or group."""

    ON = "1"
    OFF = "0"


class ChatSwitch(CallbackData, prefix="chs"):
    """A staff-only /channels button: switch posting to the chat `chat_id` on or off."""

    action: SwitchAction
    chat_id: SqlInt
