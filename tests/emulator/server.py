"""A local Telegram Bot API server for end-to-end tests, checking every request against the spec.

``Emulator`` is an aiohttp server on 127.0.0.1 that answers ``POST {base}/bot{token}/{method}``
(form, multipart or JSON, as aiogram's ``AiohttpSession`` sends them) with Telegram-shaped JSON and
Telegram's own error texts, keeps the chats a person would see, and fails loudly on anything the
official reference forbids: each spec violation is answered with a 400 and appended to
``emulator.violations``, which the ``emulator`` fixture requires to be empty after every test.

Test-side API (async where it touches the network or the update queue):

- ``await start()`` / ``await stop()``; ``base_url``; ``token``; ``bot_user``.
- People and chats: ``add_user(user_id, *, first_name, last_name, language_code, username,
  started)``, ``add_group(chat_id, *, title="Test group", type="group", username=None,
  is_forum=False, member_count=3, bot_status=None, bot_rights=None)`` (see below).
- Updates from people: ``await send_text(user_id, text, *, chat_id=None, thread_id=None)``
  (``/command`` and ``/command@any_bot`` get a ``bot_command`` entity; in a channel it is a
  ``channel_post``), ``await send_photo(user_id, *, caption=None, chat_id=None)``,
  ``await send_forward(user_id, text, *, from_chat_title=...)``,
  ``await press_button(user_id, chat_id, message_id, callback_data, *, forge=False)`` returning
  the callback query id (``chat_instance`` differs per chat), ``await block_bot(user_id)`` /
  ``await unblock_bot(user_id)``. Writing or pressing in a group starts no private chat.
- Groups and channels (rules in ``tests.emulator.chats``): ``add_group`` creates a chat the bot
  is already in, no update pushed; ``bot_status`` defaults to "administrator" in a channel (every
  right: post, edit, ...) and "member" elsewhere; ``bot_rights`` overrides single
  ChatAdministratorRights booleans. ``set_role(chat_id, user_id, status)`` ("creator",
  "administrator", "member", "left", "kicked", "restricted") is what getChatMember answers; a
  person who wrote there is a "member", anyone else "left", an unknown user id 400 "Bad Request:
  user not found". ``await add_bot(chat_id, by_user_id, *, status="administrator",
  rights=None)`` (adding again changes the rights; the adder becomes an administrator) and
  ``await remove_bot(chat_id, by_user_id, *, kicked=True)`` push ``my_chat_member``.
  ``restrict_bot(chat_id, restricted=True)`` takes the bot's right to send in a group.
  ``add_topic(chat_id, thread_id, name)`` opens a forum topic; ``send_text(...,
  thread_id=)`` opens unknown ones. ``await migrate_group(chat_id, new_chat_id)`` upgrades a
  group: a supergroup with the same title, roles and bot rights, a service message with
  ``migrate_to_chat_id`` in the old chat and one with ``migrate_from_chat_id`` in the new, from
  the creator (``missed=True``: never pushed to the bot); any call naming the old id then
  answers 400 "Bad Request: group chat was upgraded to a supergroup chat" with
  ``parameters.migrate_to_chat_id``. Answered for real:
  getChatMember, getChatAdministrators (creator first, the bot last when it is an admin),
  getChatMemberCount, getChat (``is_forum``), leaveChat (the bot is "left", a ``my_chat_member``
  from the bot itself follows).
- Refusals in groups and channels: the bot left: 403 "Forbidden: bot is not a member of the
  {group|supergroup|channel} chat"; removed: 403 "Forbidden: bot was kicked from the {...} chat"
  (sends, edits and deletes). Channel sends without ``can_post_messages``: 400 "Bad Request: need
  administrator rights in the channel chat"; channel edits without ``can_edit_messages``: 400
  "Bad Request: not enough rights to edit messages in the chat" (the emulator's wording). A
  restricted bot: 400 "Bad Request: not enough rights to send text messages to the chat"
  ("photos" for sendPhoto). ``message_thread_id`` outside a forum or naming no known topic: 400
  "Bad Request: message thread not found". The bot's channel posts carry ``sender_chat`` (the
  channel) and no ``from``; group messages have ``from`` = the bot; topic messages carry
  ``message_thread_id`` and ``is_topic_message``.
- What the bot did: ``messages(chat_id, *, include_deleted=False)``, ``last_message(chat_id)``,
  ``message(chat_id, message_id)``, ``edit_times(chat_id, message_id=None)`` (when each
  successful edit happened, in ``now()`` time, sorted), ``delivered_count(chat_id=None)``,
  ``sent_count(method="sendMessage")``, ``callback_answers[query_id]``, ``commands(scope=None,
  language_code="")``, ``chat_actions``, ``requests`` (``RequestRecord`` log), ``calls(method)``,
  ``status_counts`` (e.g. ``status_counts[429]``), ``violations``, ``take_violations()``.
- Waiting: ``await wait_for(predicate, timeout=5.0)``, ``await wait_for_messages(chat_id, count,
  timeout=5.0)``.
- Time: ``now()``, ``clock_offset``, ``advance(seconds)`` age messages (the 48-hour delete rule)
  without waiting; flood buckets run on the real monotonic clock.

A ``StoredMessage`` keeps what a person sees and what the bot sent: ``text``/``caption`` after
parsing, ``entities``, ``spans("bold")``, ``html`` (the raw text sent), ``buttons``,
``button(label)``, ``reply_markup``, ``photo``, ``link_preview_options``, ``deleted``,
``edit_count``, ``edit_times``, ``history`` (the state before each edit), ``date``, ``params``,
``thread_id`` (``message_thread_id``), ``service`` (e.g. ``migrate_to_chat_id``).

Violations are: an unknown method, parameter or object field, a missing required one, a wrong
type, a value outside the reference's limits (text 1-4096 and captions 0-1024 UTF-16 units after
entity parsing, callback_data 1-64 bytes, ...), HTML Telegram cannot parse, an invalid bot
command. A test that provokes one on purpose clears it with ``take_violations()``.

Knobs (all off by default): ``checks`` (spec validation; off for raw benchmarks), ``latency``
(seconds added to every request, concurrently, once it has been read: a client that stops
waiting loses the answer, not the request), ``global_rate`` (messages/s across chats, token
bucket), ``per_chat_rate`` with ``per_chat_burst`` (private chats), ``group_per_minute``
(sends to a group or channel), ``group_edits_per_minute`` with ``group_edit_burst`` (default 3:
editMessageText/Caption/ReplyMarkup per group or channel, shared by all its messages; 0 = off),
``paid_broadcast_rate`` (replaces ``global_rate`` for ``allow_paid_broadcast=true``),
``enable_telegram_limits()`` (30/s, 1/s burst 3, 20/min sends and 20/min edits burst 3 per
group, 1000/s paid), ``blocked`` and
``deactivated`` (sets of user ids answered 403), ``fail_rate`` (injected 500/502, seeded by
``seed``), ``hang_rate`` and ``hang_next(n, deliver=False)`` (requests never answered until
``stop()``; with ``deliver=True`` the message is created and only the answer is lost),
``malformed_next(n)`` (the next ``n`` requests are answered with a malformed HTTP status line
and the connection closed: aiohttp raises ``ClientResponseError`` whose text holds the request
URL, token included; recorded with status 0 and description ``"malformed"``),
``fault_methods`` (methods faults hit; default: all but getUpdates, getMe and webhook setup),
``strict_html_entities`` (see ``tests.emulator.html``), ``log_requests``, ``unfetchable_urls``
(photo addresses Telegram "cannot fetch": 400 "failed to get HTTP URL content"),
``webhook_retry_delay`` (pause before pushing an update again after the bot refused it).
Webhook pushes go over up to ``max_connections`` (setWebhook's, default 40) connections at
once, one update at a time per chat (as Telegram's own server keeps a queue per chat), in any
order across chats; each push travels ``latency`` before it reaches the bot, like every answer,
and is pushed again until the bot accepts it.
Hooks for benchmarks: ``on_arrival(method, params)`` runs when a request has been read (before
the latency), ``on_result(method, params, result)`` after a call succeeded.
Sends, copies and forwards count against the flood limits; edits count against the global bucket
and, in groups and channels, the per-chat edit bucket (a 429 with ``parameters.retry_after``).
A request answered 429, 403, 5xx, malformed or left hanging creates no message.

Injecting a command and reading the reply::

    emulator.add_user(42, first_name="Ann")
    await emulator.send_text(42, "/start")
    reply = (await emulator.wait_for_messages(42, 1))[0]
    assert reply.spans("bold") == ["Welcome"]
    data = reply.button("Read").get("callback_data", "")
    query_id = await emulator.press_button(42, 42, reply.message_id, data)
    await emulator.wait_for(lambda: query_id in emulator.callback_answers)
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import re
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.emulator import chats
from tests.emulator.html import HtmlParseError, ParsedText, parse_html, plain_text, utf16_len
from tests.emulator.spec import BotApiSpec, EntrySpec, SpecViolation, Upload
from tests.emulator.state import (
    CallbackAnswer,
    Chat,
    RequestRecord,
    StoredFile,
    StoredMessage,
    TokenBucket,
    User,
    retry_after,
)

DEFAULT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DELETE_WINDOW = 48 * 3600
# Telegram leaves these out unless a bot asks for them in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# The bot's own plumbing: fault injection leaves it alone unless fault_methods names it.
_PLUMBING = frozenset(
    {"getUpdates", "getMe", "getWebhookInfo", "setWebhook", "deleteWebhook", "logOut", "close"}
)
_NOT_MESSAGES = frozenset({"sendChatAction", "sendMessageDraft"})
_COPIES = frozenset({"copyMessage", "copyMessages", "forwardMessage", "forwardMessages"})
_BOT_COMMAND = re.compile(r"(?<!\S)/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?")
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_QUERY_INVALID = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)


class ApiError(Exception):
    """A Telegram error answer; ``violation`` is set when the request also breaks the spec."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        violation: str | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id
        self.violation = violation

    def body(self) -> dict[str, Any]:
        """The JSON Telegram answers with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        if self.migrate_to_chat_id is not None:
            body["parameters"] = {"migrate_to_chat_id": self.migrate_to_chat_id}
        return body


class _Hung(Exception):
    """The request was held until stop(); its client has given up by then."""


@dataclass(slots=True)
class _Call:
    method: str
    spec: EntrySpec
    values: dict[str, Any]
    params: dict[str, Any]
    formatted: dict[str, ParsedText] = field(default_factory=dict)
    chat: Chat | None = None


def _queue_of(update: dict[str, Any]) -> int:
    """The chat (or, without one, the person) whose updates are pushed one at a time."""
    for key, payload in update.items():
        if key == "update_id" or not isinstance(payload, dict):
            continue
        for source in (payload.get("chat"), payload.get("message"), payload.get("from")):
            if isinstance(source, dict):
                chat = source.get("chat", source)
                if isinstance(chat, dict) and isinstance(chat.get("id"), int):
                    return int(chat["id"])
    # Updates with neither (polls, for one) are queued alone.
    return -int(update["update_id"]) - (1 << 53)


def _is_message_method(method: str) -> bool:
    return (method.startswith("send") and method not in _NOT_MESSAGES) or method in _COPIES


def _violation_description(violation: SpecViolation, method: str) -> str:
    """Telegram's wording for a spec violation where Telegram has one."""
    if violation.kind == "missing" and violation.owner == method:
        if violation.field == "chat_id":
            return "Bad Request: chat_id is empty"
        if violation.field == "text":
            return "Bad Request: message text is empty"
        return f'Bad Request: parameter "{violation.field}" is required'
    if violation.kind == "limit" and (violation.owner, violation.field) == (
        "InlineKeyboardButton",
        "callback_data",
    ):
        return "Bad Request: BUTTON_DATA_INVALID"
    if violation.kind == "limit" and (violation.owner, violation.field) == (
        "answerCallbackQuery",
        "text",
    ):
        return "Bad Request: MESSAGE_TOO_LONG"
    if violation.path == f"{method}.reply_markup":
        return "Bad Request: can't parse reply keyboard markup JSON object"
    return f"Bad Request: {violation}"


class Emulator:
    """A Telegram Bot API server on 127.0.0.1 for one test; see the module docstring."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "pressroom_bot",
        bot_name: str = "Pressroom",
        checks: bool = True,
        seed: int = 0,
    ) -> None:
        self.token = token
        self.spec = BotApiSpec.load()
        self.bot_user = User(
            id=int(token.split(":", 1)[0]),
            first_name=bot_name,
            username=bot_username,
            language_code=None,
            is_bot=True,
        )
        self.checks = checks
        self.strict_html_entities = True
        self.log_requests = True
        self.latency = 0.0
        self.global_rate: float | None = None
        self.per_chat_rate: float | None = None
        self.per_chat_burst = 3
        self.group_per_minute: float | None = None
        self.group_edits_per_minute = 0.0
        self.group_edit_burst = 3
        self.paid_broadcast_rate: float | None = None
        self.blocked: set[int] = set()
        self.deactivated: set[int] = set()
        self.fail_rate = 0.0
        self.hang_rate = 0.0
        self.fault_methods: set[str] | None = None
        self.unfetchable_urls: set[str] = set()
        self.rng = random.Random(seed)
        self.clock_offset = 0.0
        self.webhook_retry_delay = 0.05
        self.on_arrival: Callable[[str, dict[str, Any]], None] | None = None
        self.on_result: Callable[[str, dict[str, Any], Any], None] | None = None

        self.violations: list[str] = []
        self.requests: list[RequestRecord] = []
        self.status_counts: Counter[int] = Counter()
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self._file_paths: dict[str, StoredFile] = {}
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.webhook_error: str | None = None
        self.webhook_error_date: int | None = None
        self.webhook_max_connections = 40

        self._ok_counts: Counter[str] = Counter()
        self._delivered: Counter[int] = Counter()
        self._delivered_total = 0
        self._history: dict[int, list[StoredMessage]] = {}
        self._chat_api: dict[int, dict[str, Any]] = {}
        self._usernames: dict[str, int] = {}
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._queries: set[str] = set()
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        update_fields = self.spec.types["Update"].fields
        self._update_types = frozenset(update_fields) - {"update_id"}
        self._allowed_updates = self._update_types - _OPT_IN_UPDATES
        self._updates: deque[dict[str, Any]] = deque()
        self._next_update_id = 1
        self._update_event = asyncio.Event()
        self._poll_generation = 0
        self._hang_queue: deque[bool] = deque()
        self._malformed_left = 0
        self._released = asyncio.Event()
        self._stopping = False
        self._global_bucket: TokenBucket | None = None
        self._paid_bucket: TokenBucket | None = None
        self._chat_buckets: dict[int, TokenBucket] = {}
        self._edit_buckets: dict[int, TokenBucket] = {}
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._pushes: set[asyncio.Task[None]] = set()
        # The chats (or people) with an update on the wire to the webhook.
        self._pushing: set[int] = set()
        self._port = 0
        self._handlers: dict[str, Callable[[_Call], Any]] = {
            "getMe": self._get_me,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "getChatMemberCount": self._get_chat_member_count,
            "leaveChat": self._leave_chat,
            "sendChatAction": self._send_chat_action,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "getFile": self._get_file,
        }

    # ----------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        """The server's root, for ``TelegramAPIServer.from_base``."""
        return f"http://127.0.0.1:{self._port}"

    async def start(self) -> None:
        """Serve on a free port of 127.0.0.1."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        self._client = aiohttp.ClientSession()

    async def stop(self) -> None:
        """Release hung requests and long polls, stop webhook pushes and the server."""
        self._stopping = True
        self._released.set()
        self._wake_pollers()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            await asyncio.gather(self._webhook_task, return_exceptions=True)
        for push in list(self._pushes):
            push.cancel()
        await asyncio.gather(*self._pushes, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._client is not None:
            await self._client.close()
            self._client = None

    # ----------------------------------------------------------------- knobs

    def enable_telegram_limits(self) -> None:
        """Turn on Telegram's published flood limits."""
        self.global_rate = 30
        self.per_chat_rate = 1
        self.per_chat_burst = 3
        self.group_per_minute = 20
        self.group_edits_per_minute = 20
        self.paid_broadcast_rate = 1000

    def hang_next(self, count: int = 1, *, deliver: bool = False) -> None:
        """Leave the next ``count`` fault-eligible requests unanswered until ``stop()``."""
        self._hang_queue.extend([deliver] * count)

    def malformed_next(self, count: int = 1) -> None:
        """Answer the next ``count`` fault-eligible requests with a malformed status line."""
        self._malformed_left += count

    def now(self) -> float:
        """The emulator's wall clock: real time plus ``clock_offset``."""
        return time.time() + self.clock_offset

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock forward, e.g. to age messages past the delete window."""
        self.clock_offset += seconds

    # ----------------------------------------------------------------- people and chats

    def add_user(
        self,
        user_id: int,
        *,
        first_name: str = "Test",
        last_name: str | None = None,
        language_code: str | None = "en",
        username: str | None = None,
        started: bool = True,
    ) -> User:
        """Create a person and the private chat with the bot (``started``: they pressed Start)."""
        user = User(user_id, first_name, last_name, username, language_code)
        self.users[user_id] = user
        chat = Chat(user_id, "private", None, username, first_name, last_name, started)
        self._add_chat(chat)
        return user

    def add_group(
        self,
        chat_id: int,
        *,
        title: str = "Test group",
        type: str = "group",
        username: str | None = None,
        is_forum: bool = False,
        member_count: int = 3,
        bot_status: str | None = None,
        bot_rights: dict[str, bool] | None = None,
    ) -> Chat:
        """Create a group, supergroup or channel the bot is already in (no update is pushed).

        ``bot_status`` defaults to "administrator" (all rights) in a channel and "member"
        elsewhere; ``bot_rights`` overrides single ChatAdministratorRights of an administrator.
        """
        if type not in ("group", "supergroup", "channel"):
            raise AssertionError(f"unknown chat type {type!r}")
        status = bot_status or ("administrator" if type == "channel" else "member")
        if status not in chats.STATUSES:
            raise AssertionError(f"unknown chat member status {status!r}")
        chat = Chat(chat_id, type, title, username, is_forum=is_forum, member_count=member_count)
        chat.bot_status = status
        chat.bot_rights = chats.admin_rights(type, bot_rights)
        self._add_chat(chat)
        return chat

    def set_role(self, chat_id: int, user_id: int, status: str) -> None:
        """What getChatMember answers for a person: creator, administrator, member, left,
        kicked (or restricted)."""
        chat = self._group(chat_id)
        if status not in chats.STATUSES:
            raise AssertionError(f"unknown chat member status {status!r}")
        self._user(user_id, private=False)
        chat.roles[user_id] = status

    def restrict_bot(self, chat_id: int, restricted: bool = True) -> None:
        """Take the bot's right to send in a group (or give it back); no update is pushed."""
        chat = self._group(chat_id)
        chat.bot_status = "restricted" if restricted else "member"

    def add_topic(self, chat_id: int, thread_id: int, name: str = "Topic") -> None:
        """Open a topic in a forum; ``send_text(..., thread_id=)`` opens unknown ones itself."""
        chat = self._group(chat_id)
        if not chat.is_forum:
            raise AssertionError(f"chat {chat_id} is not a forum; add_group(is_forum=True)")
        chat.topics[thread_id] = name

    async def add_bot(
        self,
        chat_id: int,
        by_user_id: int,
        *,
        status: str = "administrator",
        rights: dict[str, bool] | None = None,
    ) -> None:
        """A person adds the bot to an existing chat or changes its rights: a my_chat_member
        update; adding it as an administrator makes that person one too if they were not."""
        chat = self._group(chat_id)
        if status not in ("administrator", "member"):
            raise AssertionError(f"add_bot status must be administrator or member, not {status!r}")
        if status == "administrator" and chats.role(chat, by_user_id) != "creator":
            self.set_role(chat_id, by_user_id, "administrator")
        self._change_bot(chat, by_user_id, status, chats.admin_rights(chat.type, rights))

    async def remove_bot(self, chat_id: int, by_user_id: int, *, kicked: bool = True) -> None:
        """A person removes the bot (``kicked``) or the bot is made to leave: my_chat_member."""
        chat = self._group(chat_id)
        self._change_bot(chat, by_user_id, "kicked" if kicked else "left", chat.bot_rights)

    def _change_bot(
        self, chat: Chat, by_user_id: int, status: str, rights: dict[str, bool]
    ) -> None:
        by_bot = by_user_id == self.bot_user.id
        user = self.bot_user if by_bot else self._user(by_user_id, private=False)
        old = chats.bot_member(chat, self.bot_user.to_api())
        chat.bot_status, chat.bot_rights = status, rights
        self._push_update(
            "my_chat_member",
            {
                "chat": self._chat_api[chat.id],
                "from": user.to_api(),
                "date": int(self.now()),
                "old_chat_member": old,
                "new_chat_member": chats.bot_member(chat, self.bot_user.to_api()),
            },
        )

    async def migrate_group(self, chat_id: int, new_chat_id: int, *, missed: bool = False) -> Chat:
        """A group becomes a supergroup with a new id, as Telegram does on upgrade: service
        messages in both chats; calls to the old id then answer 400 with migrate_to_chat_id.
        `missed`: the bot never gets the service messages (it was down for longer than
        Telegram keeps updates), so it learns of the move only from that 400."""
        old = self._group(chat_id)
        if old.type != "group":
            raise AssertionError(f"only a group can be upgraded, chat {chat_id} is {old.type}")
        new = self.add_group(
            new_chat_id,
            title=old.title or "",
            type="supergroup",
            member_count=old.member_count,
            bot_status=old.bot_status,
        )
        new.bot_rights = chats.admin_rights("supergroup", old.bot_rights)
        new.roles = dict(old.roles)
        creators = [u for u, r in old.roles.items() if r == "creator"]
        owner = next(iter(creators or old.roles or self.users), None)
        if owner is None:
            raise AssertionError("nobody to upgrade the group: set_role() its creator first")
        for chat, service in (
            (old, {"migrate_to_chat_id": new_chat_id}),
            (new, {"migrate_from_chat_id": chat_id}),
        ):
            message = self._store(
                chat.id, from_bot=False, sender_id=owner, method="", service=service
            )
            if not missed:
                self._push_update("message", self._message_api(message))
        old.migrated_to = new_chat_id
        return new

    def _group(self, chat_id: int) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None or chat.type == "private":
            raise AssertionError(f"group or channel {chat_id} does not exist; add_group() it")
        return chat

    def _add_chat(self, chat: Chat) -> None:
        self.chats[chat.id] = chat
        self._chat_api[chat.id] = chat.to_api()
        self._history.setdefault(chat.id, [])
        if chat.username and chat.type != "private":
            self._usernames[chat.username.lower()] = chat.id

    def _user(self, user_id: int, *, private: bool = True) -> User:
        """A person, created if new; writing privately to the bot starts their chat with it."""
        user = self.users.get(user_id)
        if user is None:
            user = self.add_user(user_id, started=private)
        if private:
            self.chats[user_id].started = True
        return user

    # ----------------------------------------------------------------- updates from people

    async def send_text(
        self, user_id: int, text: str, *, chat_id: int | None = None, thread_id: int | None = None
    ) -> StoredMessage:
        """A person writes ``text`` to the bot (privately, or in the group ``chat_id``, in the
        forum topic ``thread_id``, opened if new)."""
        entities = [
            {
                "type": "bot_command",
                "offset": utf16_len(text[: m.start()]),
                "length": utf16_len(m.group()),
            }
            for m in _BOT_COMMAND.finditer(text)
        ]
        return self._incoming(user_id, chat_id, thread_id, text=text, entities=entities)

    async def send_photo(
        self, user_id: int, *, caption: str | None = None, chat_id: int | None = None
    ) -> StoredMessage:
        """A person sends a photo, optionally with a caption."""
        photo = self._photo_sizes(b"\xff\xd8photo")
        return self._incoming(user_id, chat_id, None, photo=photo, caption=caption)

    async def send_forward(
        self,
        user_id: int,
        text: str,
        *,
        from_chat_title: str = "News channel",
        from_chat_id: int = -1001234567890,
        chat_id: int | None = None,
    ) -> StoredMessage:
        """A person forwards a channel post with ``text`` to the bot."""
        origin = {
            "type": "channel",
            "chat": {"id": from_chat_id, "type": "channel", "title": from_chat_title},
            "message_id": 1,
            "date": int(self.now()) - 60,
        }
        return self._incoming(user_id, chat_id, None, text=text, forward_origin=origin)

    async def press_button(
        self,
        user_id: int,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        forge: bool = False,
    ) -> str:
        """A person presses the inline button with ``callback_data``; returns the query id.

        Fails when the message has no such button, unless ``forge`` is set to simulate a crafted
        or stale callback.
        """
        user = self._user(user_id, private=chat_id == user_id)
        message = self.message(chat_id, message_id)
        if not forge:
            if message is None or message.deleted:
                raise AssertionError(f"message {message_id} in chat {chat_id} does not exist")
            data = [b.get("callback_data") for b in message.buttons]
            if callback_data not in data:
                raise AssertionError(
                    f"message {message_id} has no button with callback_data {callback_data!r}; "
                    f"it has {data}"
                )
        query_id = str(next(self._query_ids))
        query: dict[str, Any] = {
            "id": query_id,
            "from": user.to_api(),
            "chat_instance": str(chat_id),
            "data": callback_data,
        }
        if message is not None and not message.deleted:
            query["message"] = self._message_api(message)
        self._queries.add(query_id)
        self._push_update("callback_query", query)
        return query_id

    async def block_bot(self, user_id: int) -> None:
        """A person blocks the bot: sends now fail with 403, and a my_chat_member update comes."""
        self.blocked.add(user_id)
        self._member_update(user_id, "member", "kicked")

    async def unblock_bot(self, user_id: int) -> None:
        """A person unblocks the bot."""
        self.blocked.discard(user_id)
        self._member_update(user_id, "kicked", "member")

    def _member_update(self, user_id: int, old: str, new: str) -> None:
        user = self._user(user_id)
        bot = self.bot_user.to_api()

        def member(status: str) -> dict[str, Any]:
            return {
                "status": status,
                "user": bot,
                **({"until_date": 0} if status == "kicked" else {}),
            }

        self._push_update(
            "my_chat_member",
            {
                "chat": self._chat_api[user_id],
                "from": user.to_api(),
                "date": int(self.now()),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )

    def _incoming(
        self, user_id: int, chat_id: int | None, thread_id: int | None, **content: Any
    ) -> StoredMessage:
        if chat_id is None or chat_id == user_id:
            user = self._user(user_id)
            chat = self.chats[user_id]
        else:
            chat = self._group(chat_id)
            user = self._user(user_id, private=False)
            chat.roles.setdefault(user_id, "member")
        if thread_id is not None:
            if not chat.is_forum:
                raise AssertionError(f"chat {chat.id} is not a forum; add_group(is_forum=True)")
            chat.topics.setdefault(thread_id, f"Topic {thread_id}")
        message = self._store(
            chat.id, from_bot=False, sender_id=user.id, method="", thread_id=thread_id, **content
        )
        kind = "channel_post" if chat.type == "channel" else "message"
        self._push_update(kind, self._message_api(message))
        return message

    # ----------------------------------------------------------------- reading what the bot did

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[StoredMessage]:
        """The bot's messages in a chat, oldest first."""
        return [
            m
            for m in self._history.get(chat_id, [])
            if m.from_bot and (include_deleted or not m.deleted)
        ]

    def last_message(self, chat_id: int) -> StoredMessage:
        """The bot's latest visible message in a chat; ``LookupError`` when there is none."""
        for message in reversed(self._history.get(chat_id, [])):
            if message.from_bot and not message.deleted:
                return message
        raise LookupError(f"the bot has no visible message in chat {chat_id}")

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        """Any message of a chat (the bot's or a person's) by id, deleted ones included."""
        history = self._history.get(chat_id)
        if history is None or not 0 < message_id <= len(history):
            return None
        return history[message_id - 1]

    def edit_times(self, chat_id: int, message_id: int | None = None) -> list[float]:
        """When the bot's edits in a chat (or of one message) succeeded, in ``now()`` time."""
        history = self._history.get(chat_id, [])
        edited = [m for m in history if message_id is None or m.message_id == message_id]
        return sorted(t for m in edited for t in m.edit_times)

    def delivered_count(self, chat_id: int | None = None) -> int:
        """Messages the bot created in a chat (or in all chats), deleted ones included."""
        return self._delivered_total if chat_id is None else self._delivered[chat_id]

    def sent_count(self, method: str = "sendMessage") -> int:
        """Successful calls of ``method``."""
        return self._ok_counts[method]

    def calls(self, method: str) -> list[RequestRecord]:
        """Logged requests of ``method``, answered or not."""
        return [r for r in self.requests if r.method == method]

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """The command list the bot set for exactly this scope and language."""
        return list(self._commands.get((self._scope_key(scope), language_code), []))

    def take_violations(self) -> list[str]:
        """Return and forget the recorded violations (for tests that provoke them on purpose)."""
        taken, self.violations = self.violations, []
        return taken

    # A timeout argument reads better in a test than an asyncio.timeout block around each wait.
    async def wait_for(
        self,
        predicate: Callable[[], object],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        """Wait until ``predicate()`` is truthy; ``TimeoutError`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout} s")
            await asyncio.sleep(0.005)

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[StoredMessage]:
        """Wait until the bot has at least ``count`` visible messages in a chat; return them."""
        try:
            await self.wait_for(lambda: len(self.messages(chat_id)) >= count, timeout)
        except TimeoutError:
            got = [m.content for m in self.messages(chat_id)]
            raise TimeoutError(
                f"expected {count} messages in chat {chat_id} within {timeout} s, got {got}"
            ) from None
        return self.messages(chat_id)

    # ----------------------------------------------------------------- HTTP

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        # Read before the delay: Telegram has a request once the client has sent it, and acts
        # on it even if the client stops waiting (then only the answer is lost).
        unreadable: ValueError | None = None
        try:
            params, uploads = await self._read_request(request)
        except ValueError as exc:
            unreadable = exc
        if self.on_arrival is not None and unreadable is None:
            self.on_arrival(method, params)
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        if request.match_info["token"] != self.token:
            error = ApiError(401, "Unauthorized")
            self._record(method, {}, error.status, error.description)
            return self._respond(error.status, error.body())
        if unreadable is not None:
            error = ApiError(400, f"Bad Request: {unreadable}")
            self._record(method, {}, error.status, error.description)
            return self._respond(error.status, error.body())
        if self._malformed_left and self._faults_apply(method):
            self._malformed_left -= 1
            self._record(method, params, 0, "malformed")
            return self._malformed(request)
        status, body = await self._execute(method, params, uploads)
        return self._respond(status, body)

    @staticmethod
    def _malformed(request: web.Request) -> web.Response:
        """Write a status line no HTTP client accepts and hang up; the response aiohttp then
        tries to write goes nowhere."""
        transport = request.transport
        if transport is not None:
            transport.write(b"HTTP/1.1 OK-ish garbage\r\n\r\n")
            transport.close()
        return web.Response(status=200)

    @staticmethod
    def _respond(status: int, body: dict[str, Any]) -> web.Response:
        return web.Response(
            body=json.dumps(body, ensure_ascii=False).encode(),
            status=status,
            content_type="application/json",
        )

    @staticmethod
    async def _read_request(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
        params: dict[str, Any] = dict(request.query)
        uploads: dict[str, Upload] = {}
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            params.update(body)
        elif request.body_exists:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[name] = Upload(value.filename, value.file.read())
                else:
                    params[name] = value
        return params, uploads

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401, text="Unauthorized")
        stored = self._file_paths.get(request.match_info["path"])
        if stored is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=stored.content)

    # ----------------------------------------------------------------- the request pipeline

    async def _execute(
        self, method_name: str, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> tuple[int, dict[str, Any]]:
        spec = self.spec.method(method_name)
        if spec is None:
            if self.checks:
                self.violations.append(f"{method_name}: unknown method")
            self._record(method_name, params, 404, "Not Found")
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        for name, upload in uploads.items():
            # A file part named like a parameter is that parameter; others are attach:// targets.
            if name in spec.fields and name not in params:
                params[name] = upload
        try:
            values, found = self.spec.read_params(spec, params, uploads, deep=self.checks)
            if found:
                if self.checks:
                    self.violations.extend(str(p) for p in found)
                raise ApiError(400, _violation_description(found[0], spec.name))
            call = _Call(spec.name, spec, values, params)
            self._format(call)
            deliver_then_hang = self._inject_faults(call)
            if deliver_then_hang is None:
                result = await self._dispatch(call)
            else:
                if deliver_then_hang:
                    await self._dispatch(call)
                self._record(spec.name, params, 0, "hung")
                await self._released.wait()
                raise _Hung
        except ApiError as error:
            if error.violation is not None and self.checks:
                self.violations.append(error.violation)
            self._record(spec.name, params, error.status, error.description)
            return error.status, error.body()
        except _Hung:
            return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        self._ok_counts[spec.name] += 1
        self._record(spec.name, params, 200, None)
        if self.on_result is not None:
            self.on_result(spec.name, params, result)
        return 200, {"ok": True, "result": result}

    def _record(
        self, method: str, params: dict[str, Any], status: int, description: str | None
    ) -> None:
        self.status_counts[status] += 1
        if self.log_requests:
            self.requests.append(RequestRecord(method, params, status, self.now(), description))

    def _faults_apply(self, method: str) -> bool:
        if self.fault_methods is not None:
            return method in self.fault_methods
        return method not in _PLUMBING

    def _inject_faults(self, call: _Call) -> bool | None:
        """None to go on; otherwise hang (True: after delivering). Raises injected 5xx."""
        if not self._faults_apply(call.method):
            return None
        if self._hang_queue:
            return self._hang_queue.popleft()
        if self.hang_rate and self.rng.random() < self.hang_rate:
            return False
        if self.fail_rate and self.rng.random() < self.fail_rate:
            if self.rng.random() < 0.5:
                raise ApiError(500, "Internal Server Error")
            raise ApiError(502, "Bad Gateway")
        return None

    async def _dispatch(self, call: _Call) -> Any:
        if call.method == "getUpdates":
            return await self._get_updates(call)
        call.chat = self._target_chat(call)
        self._flood_control(call, call.chat)
        handler = self._handlers.get(call.method)
        if handler is not None:
            return handler(call)
        return self._generic(call, call.chat)

    def _format(self, call: _Call) -> None:
        """Parse text and captions as Telegram does and enforce their after-parsing limits."""
        for name, spec in call.spec.fields.items():
            if not spec.after_parsing or name not in call.values:
                continue
            raw = call.values[name]
            if not isinstance(raw, str):
                # Only reachable with checks off: Telegram reads a JSON number as its digits.
                raw = json.dumps(raw)
            mode_field = (
                f"{name}_parse_mode" if f"{name}_parse_mode" in call.spec.fields else "parse_mode"
            )
            entities_field = "entities" if name == "text" else f"{name}_entities"
            mode = call.values.get(mode_field)
            if not mode:
                parsed = plain_text(raw, call.values.get(entities_field))
            elif mode.lower() == "html":
                try:
                    parsed = parse_html(raw, strict_entities=self.strict_html_entities)
                except HtmlParseError as exc:
                    raise ApiError(
                        400,
                        f"Bad Request: can't parse entities: {exc}",
                        violation=f"{call.method}.{name}: can't parse entities: {exc}",
                    ) from None
            elif mode.lower() in ("markdown", "markdownv2"):
                # Markdown is not emulated: the raw text stands in for the rendered one.
                parsed = plain_text(raw)
            else:
                raise ApiError(
                    400,
                    f"Bad Request: unsupported parse_mode {mode!r}",
                    violation=f"{call.method}.{mode_field}: unsupported parse mode {mode!r}",
                )
            length = utf16_len(parsed.text)
            low, high = spec.min or 0, spec.max if spec.max is not None else length
            if not low <= length <= high:
                if name == "text":
                    text = "message text is empty" if length < low else "message is too long"
                elif name == "caption":
                    text = "message caption is too long"
                else:
                    text = f"{name} must be {low}-{high} characters"
                raise ApiError(
                    400,
                    f"Bad Request: {text}",
                    violation=(
                        f"{call.method}.{name}: {length} characters after entities parsing, "
                        f"allowed {low}-{high}"
                    ),
                )
            for entity in parsed.entities:
                if entity["type"] == "text_mention" and entity["user"]["id"] in self.users:
                    entity["user"] = self.users[entity["user"]["id"]].to_api()
            call.formatted[name] = parsed

    def _resolve_chat(self, ref: Any) -> Chat | None:
        if isinstance(ref, str):
            if not ref.startswith("@"):
                return None
            chat_id = self._usernames.get(ref[1:].lower())
            return None if chat_id is None else self.chats[chat_id]
        return self.chats.get(ref)

    def _target_chat(self, call: _Call) -> Chat | None:
        if "chat_id" not in call.values:
            return None
        chat = self._resolve_chat(call.values["chat_id"])
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat.migrated_to is not None:
            raise ApiError(400, chats.MIGRATED, migrate_to_chat_id=chat.migrated_to)
        sends = _is_message_method(call.method) or call.method == "sendChatAction"
        edits = call.method.startswith("editMessage")
        if (sends or edits) and chat.type == "private":
            if chat.id in self.deactivated:
                raise ApiError(403, "Forbidden: user is deactivated")
            if chat.id in self.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not chat.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif chat.type != "private":
            refusal = None
            if sends:
                refusal = chats.send_refusal(chat, call.method) or chats.thread_refusal(
                    chat, call.values.get("message_thread_id")
                )
            elif edits:
                refusal = chats.edit_refusal(chat)
            elif call.method.startswith("deleteMessage"):
                refusal = chats.delete_refusal(chat)
            if refusal is not None:
                raise ApiError(*refusal)
        return chat

    def _flood_control(self, call: _Call, chat: Chat | None) -> None:
        is_message = _is_message_method(call.method)
        if not is_message and not call.method.startswith("editMessage"):
            return
        now = time.monotonic()
        checks: list[tuple[TokenBucket, float, float]] = []
        if call.values.get("allow_paid_broadcast"):
            if self.paid_broadcast_rate:
                if self._paid_bucket is None:
                    self._paid_bucket = TokenBucket(self.paid_broadcast_rate, now)
                rate = self.paid_broadcast_rate
                checks.append((self._paid_bucket, rate, rate))
        elif self.global_rate:
            if self._global_bucket is None:
                self._global_bucket = TokenBucket(max(1.0, self.global_rate), now)
            rate = self.global_rate
            checks.append((self._global_bucket, rate, max(1.0, rate)))
        if is_message and chat is not None:
            if chat.type == "private" and self.per_chat_rate:
                rate, capacity = self.per_chat_rate, float(max(1, self.per_chat_burst))
            elif chat.type != "private" and self.group_per_minute:
                rate, capacity = self.group_per_minute / 60, float(self.group_per_minute)
            else:
                rate = capacity = 0.0
            if rate:
                bucket = self._chat_buckets.get(chat.id)
                if bucket is None:
                    bucket = self._chat_buckets[chat.id] = TokenBucket(capacity, now)
                checks.append((bucket, rate, capacity))
        elif chat is not None and chat.type != "private" and self.group_edits_per_minute:
            rate = self.group_edits_per_minute / 60
            capacity = float(max(1, self.group_edit_burst))
            bucket = self._edit_buckets.get(chat.id)
            if bucket is None:
                bucket = self._edit_buckets[chat.id] = TokenBucket(capacity, now)
            checks.append((bucket, rate, capacity))
        wait = max((bucket.wait(now, rate, cap) for bucket, rate, cap in checks), default=0.0)
        if wait > 0:
            seconds = retry_after(wait)
            raise ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)
        for bucket, _, _ in checks:
            bucket.take()

    # ----------------------------------------------------------------- messages

    def _store(
        self, chat_id: int, *, from_bot: bool, sender_id: int, method: str, **content: Any
    ) -> StoredMessage:
        history = self._history.setdefault(chat_id, [])
        message = StoredMessage(
            chat_id=chat_id,
            message_id=len(history) + 1,
            date=int(self.now()),
            from_bot=from_bot,
            sender_id=sender_id,
            method=method,
            **content,
        )
        history.append(message)
        if from_bot:
            self._delivered[chat_id] += 1
            self._delivered_total += 1
        return message

    def _bot_message(self, chat: Chat, call: _Call, **content: Any) -> StoredMessage:
        values = call.values
        reply = values.get("reply_parameters")
        if isinstance(reply, dict) and "message_id" in reply:
            target = self.message(chat.id, int(reply["message_id"]))
            if target is None or target.deleted:
                if not reply.get("allow_sending_without_reply"):
                    raise ApiError(400, "Bad Request: message to be replied not found")
            else:
                content["reply_to_message_id"] = target.message_id
        content.setdefault("thread_id", values.get("message_thread_id"))
        return self._store(
            chat.id,
            from_bot=True,
            sender_id=self.bot_user.id,
            method=call.method,
            reply_markup=values.get("reply_markup"),
            params=call.params,
            **content,
        )

    def _message_api(self, message: StoredMessage) -> dict[str, Any]:
        sender: dict[str, Any] | None
        if self.chats[message.chat_id].type == "channel":
            sender = None  # a channel post is signed by the channel, even the bot's
        elif message.from_bot:
            sender = self.bot_user.to_api()
        else:
            sender = self.users[message.sender_id].to_api()
        api = message.to_api(self._chat_api[message.chat_id], sender)
        if message.reply_to_message_id is not None:
            replied = self.message(message.chat_id, message.reply_to_message_id)
            if replied is not None:
                api["reply_to_message"] = self._message_api(replied)
        return api

    def _photo_sizes(self, content: bytes) -> list[dict[str, Any]]:
        sizes = []
        for width in (90, 800):
            stored = self._new_file(content, "photos")
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": width,
                    "height": width * 3 // 4,
                    "file_size": len(content),
                }
            )
        return sizes

    def _new_file(self, content: bytes, folder: str) -> StoredFile:
        number = next(self._file_ids)
        stored = StoredFile(
            f"AgACAgIAAxk{number:08d}", f"AQAD{number:06d}", f"{folder}/file_{number}.jpg", content
        )
        self.files[stored.file_id] = stored
        self._file_paths[stored.file_path] = stored
        return stored

    def _input_photo(self, value: Any) -> list[dict[str, Any]]:
        if isinstance(value, Upload):
            return self._photo_sizes(value.content)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            if value in self.unfetchable_urls:
                raise ApiError(400, "Bad Request: failed to get HTTP URL content")
            return self._photo_sizes(b"")
        if isinstance(value, str) and value in self.files:
            stored = self.files[value]
            return [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": 800,
                    "height": 600,
                    "file_size": len(stored.content),
                }
            ]
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _editable(self, call: _Call) -> StoredMessage:
        if "inline_message_id" in call.values:
            raise ApiError(400, "Bad Request: message to edit not found")
        if "chat_id" not in call.values or "message_id" not in call.values:
            raise ApiError(
                400,
                "Bad Request: message identifier is not specified",
                violation=f"{call.method}: neither chat_id+message_id nor inline_message_id",
            )
        chat = self._resolve_chat(call.values["chat_id"])
        message = None if chat is None else self.message(chat.id, call.values["message_id"])
        if message is None or message.deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not message.from_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def _apply_edit(self, message: StoredMessage, **changes: Any) -> dict[str, Any]:
        message.history.append(message.snapshot())
        for name, value in changes.items():
            setattr(message, name, value)
        message.edit_count += 1
        message.edit_times.append(self.now())
        message.edit_date = int(message.edit_times[-1])
        return self._message_api(message)

    # ----------------------------------------------------------------- method handlers

    def _get_me(self, call: _Call) -> dict[str, Any]:
        return {
            **self.bot_user.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @staticmethod
    def _chat(call: _Call) -> Chat:
        if call.chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return call.chat

    def _send_message(self, call: _Call) -> dict[str, Any]:
        parsed = call.formatted["text"]
        message = self._bot_message(
            self._chat(call),
            call,
            text=parsed.text,
            entities=parsed.entities,
            html=call.values["text"],
            parse_mode=call.values.get("parse_mode"),
            link_preview_options=call.values.get("link_preview_options"),
        )
        return self._message_api(message)

    @staticmethod
    def _caption(call: _Call) -> dict[str, Any]:
        """Message fields for the caption a send method carried, parsed."""
        parsed = call.formatted.get("caption")
        if parsed is None:
            return {}
        return {
            "caption": parsed.text,
            "caption_entities": parsed.entities,
            "html": call.values["caption"],
            "parse_mode": call.values.get("parse_mode"),
        }

    def _send_photo(self, call: _Call) -> dict[str, Any]:
        chat = self._chat(call)
        photo = self._input_photo(call.values["photo"])
        message = self._bot_message(chat, call, photo=photo, **self._caption(call))
        return self._message_api(message)

    def _source(self, call: _Call, action: str) -> StoredMessage:
        chat = self._resolve_chat(call.values["from_chat_id"])
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        source = self.message(chat.id, call.values["message_id"])
        if source is None or source.deleted:
            raise ApiError(400, f"Bad Request: message to {action} not found")
        return source

    def _copy_content(self, source: StoredMessage) -> dict[str, Any]:
        return {
            "text": source.text,
            "entities": source.entities,
            "caption": source.caption,
            "caption_entities": source.caption_entities,
            "photo": source.photo,
            "media": source.media,
        }

    def _copy_message(self, call: _Call) -> dict[str, Any]:
        chat = self._chat(call)
        source = self._source(call, "copy")
        content = self._copy_content(source)
        if source.text is None:
            content.update(self._caption(call))
        message = self._bot_message(chat, call, **content)
        return {"message_id": message.message_id}

    def _forward_message(self, call: _Call) -> dict[str, Any]:
        chat = self._chat(call)
        source = self._source(call, "forward")
        origin = source.forward_origin
        if origin is None:
            sender = self.bot_user if source.from_bot else self.users[source.sender_id]
            origin = {"type": "user", "sender_user": sender.to_api(), "date": source.date}
        content = self._copy_content(source)
        message = self._bot_message(chat, call, forward_origin=origin, **content)
        return self._message_api(message)

    def _edit_message_text(self, call: _Call) -> dict[str, Any]:
        message = self._editable(call)
        if message.text is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        parsed = call.formatted["text"]
        markup = call.values.get("reply_markup")
        if (parsed.text, parsed.entities, markup) == (
            message.text,
            message.entities,
            message.reply_markup,
        ):
            raise ApiError(400, NOT_MODIFIED)
        return self._apply_edit(
            message,
            text=parsed.text,
            entities=parsed.entities,
            html=call.values["text"],
            reply_markup=markup,
            link_preview_options=call.values.get("link_preview_options"),
        )

    def _edit_message_caption(self, call: _Call) -> dict[str, Any]:
        message = self._editable(call)
        if message.text is not None:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        parsed = call.formatted.get("caption", ParsedText(""))
        markup = call.values.get("reply_markup")
        if (parsed.text, parsed.entities, markup) == (
            message.caption or "",
            message.caption_entities,
            message.reply_markup,
        ):
            raise ApiError(400, NOT_MODIFIED)
        return self._apply_edit(
            message,
            caption=parsed.text or None,
            caption_entities=parsed.entities,
            html=call.values.get("caption"),
            reply_markup=markup,
        )

    def _edit_message_reply_markup(self, call: _Call) -> dict[str, Any]:
        message = self._editable(call)
        markup = call.values.get("reply_markup")
        if markup == message.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        return self._apply_edit(message, reply_markup=markup)

    def _deletable(self, chat: Chat | None, message_id: int) -> StoredMessage:
        message = None if chat is None else self.message(chat.id, message_id)
        if message is None or message.deleted:
            raise ApiError(400, "Bad Request: message to delete not found")
        if self.now() - message.date > DELETE_WINDOW:
            raise ApiError(400, "Bad Request: message can't be deleted for everyone")
        return message

    def _delete_message(self, call: _Call) -> bool:
        self._deletable(self._chat(call), call.values["message_id"]).deleted = True
        return True

    def _delete_messages(self, call: _Call) -> bool:
        chat = self._chat(call)
        # Telegram skips messages that can't be found or deleted instead of failing the batch.
        for message_id in call.values["message_ids"]:
            try:
                self._deletable(chat, message_id).deleted = True
            except ApiError:
                continue
        return True

    def _answer_callback_query(self, call: _Call) -> bool:
        query_id = call.values["callback_query_id"]
        if query_id not in self._queries or query_id in self.callback_answers:
            raise ApiError(400, _QUERY_INVALID)
        self.callback_answers[query_id] = CallbackAnswer(
            text=call.values.get("text"),
            show_alert=bool(call.values.get("show_alert", False)),
            url=call.values.get("url"),
        )
        return True

    @staticmethod
    def _scope_key(scope: dict[str, Any] | None) -> str:
        return json.dumps(scope or {"type": "default"}, sort_keys=True)

    def _commands_key(self, call: _Call) -> tuple[str, str]:
        return self._scope_key(call.values.get("scope")), call.values.get("language_code", "")

    def _set_my_commands(self, call: _Call) -> bool:
        commands = call.values["commands"]
        for command in commands:
            name = str(command.get("command", ""))
            if not _COMMAND_NAME.fullmatch(name):
                raise ApiError(
                    400,
                    "Bad Request: BOT_COMMAND_INVALID",
                    violation=(
                        f"setMyCommands.commands: {name!r} is not 1-32 lowercase English letters, "
                        "digits and underscores"
                    ),
                )
        self._commands[self._commands_key(call)] = [dict(c) for c in commands]
        return True

    def _get_my_commands(self, call: _Call) -> list[dict[str, Any]]:
        return list(self._commands.get(self._commands_key(call), []))

    def _delete_my_commands(self, call: _Call) -> bool:
        self._commands.pop(self._commands_key(call), None)
        return True

    def _get_chat(self, call: _Call) -> dict[str, Any]:
        chat = self._chat(call)
        return {
            **self._chat_api[chat.id],
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _get_chat_member(self, call: _Call) -> dict[str, Any]:
        chat = self._chat(call)
        user_id = call.values["user_id"]
        if user_id == self.bot_user.id:
            if chat.type == "private":
                return chats.chat_member(chat, self.bot_user.to_api(), "member")
            return chats.bot_member(chat, self.bot_user.to_api())
        user = self.users.get(user_id)
        if user is None:
            raise ApiError(400, "Bad Request: user not found")
        if chat.type == "private":
            status = "member" if user_id == chat.id else "left"
        else:
            status = chats.role(chat, user_id)
        return chats.chat_member(chat, user.to_api(), status)

    def _get_chat_administrators(self, call: _Call) -> list[dict[str, Any]]:
        chat = self._chat(call)
        if chat.type == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        # The creator first, then the other administrators; the bot itself is listed too.
        admins = sorted(
            (
                (status != "creator", user_id, status)
                for user_id, status in chat.roles.items()
                if status in ("creator", "administrator")
            ),
        )
        found = [chats.chat_member(chat, self.users[u].to_api(), s) for _, u, s in admins]
        if chat.bot_status == "administrator":
            found.append(chats.bot_member(chat, self.bot_user.to_api()))
        return found

    def _get_chat_member_count(self, call: _Call) -> int:
        return self._chat(call).member_count

    def _leave_chat(self, call: _Call) -> bool:
        chat = self._chat(call)
        if chat.type == "private":
            raise ApiError(
                400, "Bad Request: chat member status can't be changed in private chats"
            )
        refusal = chats.delete_refusal(chat)
        if refusal is not None:
            raise ApiError(*refusal)
        self._change_bot(chat, self.bot_user.id, "left", chat.bot_rights)
        return True

    def _send_chat_action(self, call: _Call) -> bool:
        self.chat_actions.append((self._chat(call).id, call.values["action"]))
        return True

    def _get_file(self, call: _Call) -> dict[str, Any]:
        stored = self.files.get(call.values["file_id"])
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    def _generic(self, call: _Call, chat: Chat | None) -> Any:
        """Methods without a dedicated handler: a bare message for sends, ``true`` otherwise."""
        if call.spec.returns == ("Message",) and chat is not None:
            return self._message_api(self._bot_message(chat, call, **self._caption(call)))
        return True

    # ----------------------------------------------------------------- updates

    def _push_update(self, kind: str, payload: dict[str, Any]) -> None:
        if kind not in self._allowed_updates:
            return
        self._updates.append({"update_id": self._next_update_id, kind: payload})
        self._next_update_id += 1
        self._wake_pollers()

    def _wake_pollers(self) -> None:
        self._update_event.set()
        self._update_event = asyncio.Event()

    def _set_allowed_updates(self, allowed: list[str] | None) -> None:
        if allowed is None:
            return
        self._allowed_updates = (
            frozenset(allowed) & self._update_types
            if allowed
            else self._update_types - _OPT_IN_UPDATES
        )

    async def _get_updates(self, call: _Call) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        values = call.values
        offset = int(values.get("offset", 0))
        limit = min(max(int(values.get("limit", 100)), 1), 100)
        timeout = max(float(values.get("timeout", 0)), 0.0)
        self._set_allowed_updates(values.get("allowed_updates"))
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()
        if offset < 0:
            while len(self._updates) > -offset:
                self._updates.popleft()
        else:
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        deadline = time.monotonic() + timeout
        while True:
            if self._updates:
                return list(itertools.islice(self._updates, limit))
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._stopping:
                return []
            event = self._update_event
            try:
                async with asyncio.timeout(remaining):
                    await event.wait()
            except TimeoutError:
                continue

    def _set_webhook(self, call: _Call) -> bool:
        url = call.values["url"]
        secret = call.values.get("secret_token")
        if secret is not None and not _WEBHOOK_SECRET.fullmatch(secret):
            raise ApiError(
                400,
                "Bad Request: secret token contains unallowed characters",
                violation="setWebhook.secret_token: only A-Z, a-z, 0-9, _ and - are allowed",
            )
        if call.values.get("drop_pending_updates"):
            self._updates.clear()
        self._set_allowed_updates(call.values.get("allowed_updates"))
        # Out of 1-100 is a spec violation (checked before); without checks, kept in range.
        connections = min(max(int(call.values.get("max_connections", 40)), 1), 100)
        if not url:
            return self._delete_webhook(call)
        self.webhook_url = url
        self.webhook_secret = secret
        self.webhook_max_connections = connections
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._push_webhook_updates())
        self._wake_pollers()
        return True

    def _delete_webhook(self, call: _Call) -> bool:
        if call.values.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook_url = ""
        self.webhook_secret = None
        self._wake_pollers()
        return True

    def _get_webhook_info(self, call: _Call) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates) + len(self._pushes),
        }
        if self.webhook_url:
            info["max_connections"] = self.webhook_max_connections
            info["allowed_updates"] = sorted(self._allowed_updates)
        if self.webhook_error is not None and self.webhook_error_date is not None:
            info["last_error_date"] = self.webhook_error_date
            info["last_error_message"] = self.webhook_error
        return info

    async def _push_webhook_updates(self) -> None:
        """Push pending updates over up to `webhook_max_connections` connections at once, the
        oldest first whose chat has no update on the wire."""
        while self.webhook_url and not self._stopping:
            update = (
                self._next_push() if len(self._pushes) < self.webhook_max_connections else None
            )
            if update is None:
                # Woken by a new update and by a push that ended.
                await self._update_event.wait()
                continue
            queue = _queue_of(update)
            self._pushing.add(queue)
            push = asyncio.create_task(self._push(update, queue))
            self._pushes.add(push)
            push.add_done_callback(self._pushes.discard)

    def _next_push(self) -> dict[str, Any] | None:
        for index, update in enumerate(self._updates):
            if _queue_of(update) not in self._pushing:
                del self._updates[index]
                return update
        return None

    async def _push(self, update: dict[str, Any], queue: int) -> None:
        """Push one update until the bot accepts it (or the webhook goes: then it waits for
        getUpdates again, in its place)."""
        assert self._client is not None
        body = json.dumps(update, ensure_ascii=False).encode()
        reply = None
        try:
            while True:
                if not self.webhook_url:
                    self._requeue(update)
                    return
                if self.latency > 0:
                    await asyncio.sleep(self.latency)
                # A setWebhook meanwhile may have changed both.
                headers = {"Content-Type": "application/json"}
                if self.webhook_secret:
                    headers[SECRET_HEADER] = self.webhook_secret
                try:
                    async with self._client.post(
                        self.webhook_url,
                        data=body,
                        headers=headers,
                        timeout=aiohttp.ClientTimeout(total=10),
                    ) as response:
                        if not 200 <= response.status < 300:
                            reason = f"{response.status} {response.reason}"
                            raise aiohttp.ClientError(f"Wrong response from the webhook: {reason}")
                        reply = await self._webhook_reply(response)
                except (aiohttp.ClientError, TimeoutError) as exc:
                    self.webhook_error = str(exc) or type(exc).__name__
                    self.webhook_error_date = int(self.now())
                    await asyncio.sleep(self.webhook_retry_delay)
                    continue
                break
        finally:
            # Now, not in a done callback: the loop that starts pushes wakes before those run.
            current = asyncio.current_task()
            if current is not None:
                self._pushes.discard(current)
            self._pushing.discard(queue)
            self._wake_pollers()
        if reply is not None:
            await self._execute(*reply)

    def _requeue(self, update: dict[str, Any]) -> None:
        update_id = update["update_id"]
        for index, pending in enumerate(self._updates):
            if pending["update_id"] > update_id:
                self._updates.insert(index, update)
                return
        self._updates.append(update)

    @staticmethod
    async def _webhook_reply(
        response: aiohttp.ClientResponse,
    ) -> tuple[str, dict[str, Any], dict[str, Upload]] | None:
        """A method call the bot put in its webhook answer, as Telegram allows."""
        params: dict[str, Any] = {}
        uploads: dict[str, Upload] = {}
        if response.content_type == "multipart/form-data":
            reader = aiohttp.MultipartReader.from_response(response)
            while (part := await reader.next()) is not None:
                if isinstance(part, aiohttp.BodyPartReader) and part.name:
                    if part.filename:
                        uploads[part.name] = Upload(part.filename, await part.read())
                    else:
                        params[part.name] = await part.text()
        elif response.content_type == "application/json":
            body = await response.json()
            if isinstance(body, dict):
                params = body
        method = params.pop("method", None)
        if not isinstance(method, str):
            return None
        return method, params, uploads
