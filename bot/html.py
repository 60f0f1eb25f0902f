"""Telegram HTML: the one escaping function and a marker type for markup that is already safe."""

from __future__ import annotations

import html


class Html(str):
    """A string of Telegram HTML that is already escaped; `escape()` passes it through."""

    __slots__ = ()


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
