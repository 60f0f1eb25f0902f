"""What the Bot API emulator remembers: people, chats, messages, files, requests and flood buckets.

Tests read these objects directly (``emulator.last_message(chat_id).text``); the server turns them
into Bot API JSON with the ``to_api`` methods.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class User:
    """A Telegram account the test controls."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        """The Bot API ``User`` object."""
        user: dict[str, Any] = {
            "id": self.id,
            "is_bot": self.is_bot,
            "first_name": self.first_name,
        }
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code and not self.is_bot:
            user["language_code"] = self.language_code
        return user


@dataclass(slots=True)
class Chat:
    """A chat the bot can reach: a private chat with a ``User``, a group or a channel.

    For groups and channels it also keeps the bot's own standing (``bot_status``, ``bot_rights``:
    ChatAdministratorRights booleans), the people's roles, forum topics and, once a group became
    a supergroup, the new id; ``tests.emulator.chats`` holds the rules that read them.
    """

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    started: bool = True
    is_forum: bool = False
    member_count: int = 2
    bot_status: str = "member"
    bot_rights: dict[str, bool] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)
    topics: dict[int, str] = field(default_factory=dict)
    migrated_to: int | None = None

    def to_api(self) -> dict[str, Any]:
        """The Bot API ``Chat`` object."""
        chat: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            value = getattr(self, key)
            if value:
                chat[key] = value
        if self.is_forum:
            chat["is_forum"] = True
        return chat


@dataclass(slots=True, eq=False)
class StoredMessage:
    """One message in a chat as a person would see it, with what the bot sent to make it."""

    chat_id: int
    message_id: int
    date: int
    from_bot: bool
    sender_id: int
    method: str = ""
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    html: str | None = None
    parse_mode: str | None = None
    photo: list[dict[str, Any]] | None = None
    media: dict[str, Any] = field(default_factory=dict)
    reply_markup: dict[str, Any] | None = None
    link_preview_options: dict[str, Any] | None = None
    forward_origin: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    thread_id: int | None = None
    service: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    deleted: bool = False
    edit_count: int = 0
    edit_date: int | None = None
    edit_times: list[float] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def content(self) -> str:
        """The text or the caption, whichever the message has."""
        return self.text if self.text is not None else self.caption or ""

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Every inline keyboard button, row by row."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard") or []
        return [button for row in rows for button in row]

    def button(self, text: str) -> dict[str, Any]:
        """The inline button labelled ``text``; ``LookupError`` when there is none."""
        for button in self.buttons:
            if button.get("text") == text:
                return button
        labels = [b.get("text") for b in self.buttons]
        raise LookupError(f"no button {text!r} in message {self.message_id}; buttons: {labels}")

    def spans(self, entity_type: str) -> list[str]:
        """The pieces of text (or caption) covered by entities of ``entity_type``, e.g. "bold"."""
        entities = self.entities if self.text is not None else self.caption_entities
        encoded = self.content.encode("utf-16-le")
        return [
            encoded[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
            for e in entities
            if e["type"] == entity_type
        ]

    def snapshot(self) -> dict[str, Any]:
        """The editable state, kept in ``history`` before each edit."""
        return {
            "text": self.text,
            "entities": self.entities,
            "caption": self.caption,
            "caption_entities": self.caption_entities,
            "html": self.html,
            "reply_markup": self.reply_markup,
            "date": self.edit_date or self.date,
        }

    def to_api(self, chat: dict[str, Any], sender: dict[str, Any] | None) -> dict[str, Any]:
        """The Bot API ``Message`` object; a channel post (``sender`` None) is sent by the chat."""
        message: dict[str, Any] = {"message_id": self.message_id}
        if self.thread_id is not None:
            message["message_thread_id"] = self.thread_id
        if sender is None:
            message["sender_chat"] = chat
        else:
            message["from"] = sender
        message.update(chat=chat, date=self.date)
        if self.thread_id is not None and chat.get("is_forum"):
            message["is_topic_message"] = True
        message.update(self.service)
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if self.forward_origin is not None:
            message["forward_origin"] = self.forward_origin
        if self.text is not None:
            message["text"] = self.text
            if self.entities:
                message["entities"] = self.entities
        if self.photo is not None:
            message["photo"] = self.photo
        message.update(self.media)
        if self.caption:
            message["caption"] = self.caption
            if self.caption_entities:
                message["caption_entities"] = self.caption_entities
        if self.link_preview_options is not None:
            message["link_preview_options"] = self.link_preview_options
        if self.reply_markup is not None and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = self.reply_markup
        return message


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One Bot API call as the emulator answered it (``status`` 0: never answered, hung)."""

    method: str
    params: dict[str, Any]
    status: int
    time: float
    description: str | None = None


@dataclass(slots=True)
class CallbackAnswer:
    """How the bot answered a button press."""

    text: str | None
    show_alert: bool
    url: str | None = None


@dataclass(slots=True)
class StoredFile:
    """A file the emulator knows by ``file_id``: uploaded by the bot or sent by a user."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes


@dataclass(slots=True)
class TokenBucket:
    """A flood-control bucket: ``rate`` tokens per second up to ``capacity``."""

    tokens: float
    updated: float

    def wait(self, now: float, rate: float, capacity: float) -> float:
        """Seconds until one token is available (0 when one is available now)."""
        self.tokens = min(capacity, self.tokens + (now - self.updated) * rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / rate

    def take(self) -> None:
        """Spend one token; call only after ``wait`` returned 0."""
        self.tokens -= 1


def retry_after(seconds: float) -> int:
    """Telegram's ``retry_after``: whole seconds, at least one."""
    return max(1, math.ceil(seconds))
