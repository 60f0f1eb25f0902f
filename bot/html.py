"""Telegram HTML: the one escaping function, a marker type for markup that is already safe,
and a message ready to send."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram.types import InlineKeyboardMarkup


class Html(str):
    """A string of Telegram HTML that is already escaped; `escape()` passes it through."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message ready to send: HTML text and an optional inline keyboard."""

    text: Html
    keyboard: InlineKeyboardMarkup | None = None


def escape(value: object) -> Html:
    """Escape any value for Telegram's HTML parse mode (leaves `Html` untouched)."""
    if isinstance(value, Html):
        return value
    return Html(html.escape(str(value), quote=True))


def bold(value: object) -> Html:
    """`<b>` around escaped text."""
    return Html(f"<b>{escape(value)}</b>")


def link(url: str, label: object) -> Html:
    """An `<a href>` link with escaped URL and label."""
    return Html(f'<a href="{escape(url)}">{escape(label)}</a>')


def visible_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units of the text a reader sees."""
    return len(text.encode("utf-16-le")) // 2
