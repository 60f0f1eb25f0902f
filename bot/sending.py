"""A view as Bot API calls, and one send or edit of it: what handlers need to show a message.

`view_calls` is the one place that decides a message's shape: the text alone, a photo with the
text as its caption, or a photo with a short caption followed by the text. The delivery engine
posts those calls encoded (`bot.pacing`); `send_view` sends them through aiogram (a release
opened from a digest; staff previews go through `bot.review.preview`) and `edit_view` edits
copies in place.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, Final

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendMessage, SendPhoto
from aiogram.types import InlineKeyboardMarkup, Message

from bot.render import ReleaseView

NOT_MODIFIED: Final = "message is not modified"


@dataclass(frozen=True, slots=True)
class Sent:
    """Where a view landed: the message (with the rating row unless a photo precedes the text),
    the text message after a photo (`extra_message_id`), and whether the text is a caption."""

    message_id: int
    extra_message_id: int | None = None
    as_caption: bool = False


@dataclass(frozen=True, slots=True)
class Calls:
    """The calls that show a view, without the chat: `(method, fields)` in order; the last one
    carries the rating row. `as_caption` when the text rides as a photo's caption."""

    calls: tuple[tuple[str, dict[str, Any]], ...]
    as_caption: bool


def view_calls(
    text: str,
    keyboard: InlineKeyboardMarkup | None,
    *,
    photo: str | None = None,
    short_caption: str | None = None,
    paid: bool = False,
    preview: bool = True,
    thread_id: int | None = None,
) -> Calls:
    """The text alone; a photo with the text as its caption; or a photo with its short caption,
    then the text as its own message (see `render.release_view` for when); `thread_id`: into
    that forum topic."""
    common: dict[str, Any] = {"parse_mode": "HTML"}
    if paid:
        common["allow_paid_broadcast"] = True
    if thread_id is not None:
        common["message_thread_id"] = thread_id
    markup = {} if keyboard is None else {"reply_markup": _markup(keyboard)}
    no_preview = {} if preview else {"link_preview_options": {"is_disabled": True}}
    message = ("sendMessage", {"text": text, **markup, **common, **no_preview})
    if photo is None:
        return Calls((message,), as_caption=False)
    if short_caption is None:
        return Calls((("sendPhoto", {"photo": photo, "caption": text, **markup, **common}),), True)
    photo_call = ("sendPhoto", {"photo": photo, "caption": short_caption, **common})
    return Calls((photo_call, message), as_caption=False)


def release_calls(view: ReleaseView, *, paid: bool = False, thread_id: int | None = None) -> Calls:
    """`view_calls` for a release view: the shape every sender of a release uses (the
    engine, `send_view`, staff previews)."""
    return view_calls(
        view.text,
        view.keyboard,
        photo=view.photo,
        short_caption=view.short_caption,
        paid=paid,
        thread_id=thread_id,
    )


def _markup(keyboard: InlineKeyboardMarkup) -> dict[str, Any]:
    markup: dict[str, Any] = keyboard.model_dump(mode="json", exclude_none=True)
    return markup


_METHODS: Final[dict[str, type[SendMessage] | type[SendPhoto]]] = {
    "sendMessage": SendMessage,
    "sendPhoto": SendPhoto,
}


async def send_view(bot: Bot, chat_id: int, view: ReleaseView, *, paid: bool = False) -> Sent:
    """Send a release view through aiogram, in the shape `release_calls` gives the engine too."""
    plan = release_calls(view, paid=paid)
    ids = []
    for method, fields in plan.calls:
        message = await bot(_METHODS[method](chat_id=chat_id, **fields))
        ids.append(message.message_id)
    return Sent(ids[0], ids[1] if len(ids) > 1 else None, as_caption=plan.as_caption)


async def edit_view(bot: Bot, chat_id: int, sent: Sent, view: ReleaseView) -> Sent:
    """Show `view` in messages sent earlier; "message is not modified" counts as done.

    A caption copy whose new text no longer fits a caption gets the title as caption and the
    text as a new message; a copy whose text follows the photo keeps that shape, its photo
    captioned with the (maybe new) title. Returns where the view now is.
    """
    if sent.as_caption and view.short_caption is None:
        await _edit_caption(bot, chat_id, sent.message_id, view.text, view.keyboard)
        return sent
    if sent.as_caption or sent.extra_message_id is not None:
        await _edit_caption(bot, chat_id, sent.message_id, view.title)
    if sent.as_caption:
        text = await bot.send_message(
            chat_id, view.text, parse_mode=ParseMode.HTML, reply_markup=view.keyboard
        )
        return Sent(sent.message_id, text.message_id)
    target = sent.message_id if sent.extra_message_id is None else sent.extra_message_id
    await unchanged_ok(
        bot.edit_message_text(
            text=view.text,
            chat_id=chat_id,
            message_id=target,
            parse_mode=ParseMode.HTML,
            reply_markup=view.keyboard,
        )
    )
    return sent


async def _edit_caption(
    bot: Bot,
    chat_id: int,
    message_id: int,
    caption: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    await unchanged_ok(
        bot.edit_message_caption(
            chat_id=chat_id,
            message_id=message_id,
            caption=caption,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
        )
    )


async def unchanged_ok(call: Awaitable[Message | bool]) -> None:
    """Await an edit; Telegram's "message is not modified" means it already shows it."""
    try:
        await call
    except TelegramBadRequest as error:
        # "Bad Request: message is not modified: specified new message content and reply
        # markup are exactly the same as a current content and reply markup of the message"
        if NOT_MODIFIED not in error.message:
            raise
