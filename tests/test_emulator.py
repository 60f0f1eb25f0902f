"""The Bot API emulator, driven by aiogram's real Bot and HTTP session as the bot will drive it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandStart
from aiogram.methods import SendMessage
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from tests.emulator import Emulator
from tests.emulator.html import HtmlParseError, parse_html
from tests.emulator.make_spec import build, render
from tests.emulator.spec import SPEC_PATH

USER = 1001
OTHER = 1002


class FastCloseSession(AiohttpSession):
    """aiogram's real HTTP session minus the 250 ms pause its close() keeps for TLS sockets."""

    async def close(self) -> None:
        """Close the underlying aiohttp session at once: the emulator speaks plain HTTP."""
        if self._session is not None and not self._session.closed:
            await self._session.close()


def make_bot(emulator: Emulator, *, timeout: float = 60.0) -> Bot:
    """A Bot talking to ``emulator`` the way the production bot talks to Telegram."""
    session = FastCloseSession(api=TelegramAPIServer.from_base(emulator.base_url), timeout=timeout)
    return Bot(
        emulator.token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML)
    )


@pytest.fixture
async def bot(emulator: Emulator) -> AsyncIterator[Bot]:
    """A Bot for the test's emulator, with one user who has started it."""
    emulator.add_user(USER, first_name="Ann", username="ann")
    bot = make_bot(emulator)
    yield bot
    await bot.session.close()


async def raw_call(
    emulator: Emulator, method: str, data: dict[str, Any], *, as_json: bool = False
) -> tuple[int, dict[str, Any]]:
    """POST a form (or a JSON body) the way a careless client might, bypassing aiogram."""
    url = f"{emulator.base_url}/bot{emulator.token}/{method}"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=data) if as_json else session.post(url, data=data) as response,
    ):
        body: dict[str, Any] = await response.json()
        return response.status, body


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    """One row of callback buttons."""
    row = [InlineKeyboardButton(text=text, callback_data=data) for text, data in buttons]
    return InlineKeyboardMarkup(inline_keyboard=[row])


# ---------------------------------------------------------------------- the spec file


def test_committed_spec_is_what_make_spec_writes() -> None:
    api = {
        "version": "Bot API test",
        "release_date": "today",
        "methods": {
            "sendMessage": {
                "name": "sendMessage",
                "returns": ["Message"],
                "fields": [
                    {
                        "name": "text",
                        "types": ["String"],
                        "required": True,
                        "description": "Text, 1-4096 characters after entities parsing",
                    },
                    {
                        "name": "limit",
                        "types": ["Integer"],
                        "required": False,
                        "description": "Values between 1-100 are accepted.",
                    },
                ],
            }
        },
        "types": {
            "BotCommandScopeDefault": {
                "name": "BotCommandScopeDefault",
                "fields": [
                    {
                        "name": "type",
                        "types": ["String"],
                        "required": True,
                        "description": "Scope type, must be default",
                    }
                ],
            }
        },
    }
    spec = build(api)
    text = spec["methods"]["sendMessage"]["fields"]["text"]
    assert text == {
        "types": ["String"],
        "required": True,
        "min": 1,
        "max": 4096,
        "unit": "characters",
        "after_parsing": True,
    }
    assert spec["methods"]["sendMessage"]["fields"]["limit"]["max"] == 100
    assert spec["types"]["BotCommandScopeDefault"]["fields"]["type"]["const"] == "default"
    assert render(spec) == render(build(api))
    committed = SPEC_PATH.read_text(encoding="utf-8")
    assert committed.endswith("}\n")
    assert '"callback_data"' in committed


# ---------------------------------------------------------------------- HTML parse mode


@pytest.mark.parametrize(
    ("html", "text", "entities"),
    [
        ("<b>Title</b>\nbody", "Title\nbody", [{"type": "bold", "offset": 0, "length": 5}]),
        (
            '<a href="https://example.com/a?b=1&amp;c=2">link</a>',
            "link",
            [
                {
                    "type": "text_link",
                    "offset": 0,
                    "length": 4,
                    "url": "https://example.com/a?b=1&c=2",
                }
            ],
        ),
        (
            '<pre><code class="language-python">x = 1</code></pre>',
            "x = 1",
            [{"type": "pre", "offset": 0, "length": 5, "language": "python"}],
        ),
        (
            "<blockquote expandable>q</blockquote><tg-spoiler>s</tg-spoiler>",
            "qs",
            [
                {"type": "expandable_blockquote", "offset": 0, "length": 1},
                {"type": "spoiler", "offset": 1, "length": 1},
            ],
        ),
        ("😀<i>é</i>", "😀é", [{"type": "italic", "offset": 2, "length": 1}]),
        ("&lt;&gt;&amp;&quot;&#65;&#x42;", '<>&"AB', []),
        ("  <b> padded </b>\n", "padded", [{"type": "bold", "offset": 0, "length": 6}]),
    ],
)
def test_html_is_parsed_like_telegram(
    html: str, text: str, entities: list[dict[str, Any]]
) -> None:
    parsed = parse_html(html)
    assert (parsed.text, parsed.entities) == (text, entities)


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("é<b>x</i>", 'Unmatched end tag at byte offset 6, expected "</b>", found "</i>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("&nbsp;", 'Unsupported HTML entity "&nbsp;" at byte offset 0'),
        ("AT & T", "Character entity expected at byte offset 3"),
        (
            "&#xD800;",
            "Text contains invalid Unicode characters after decoding HTML entities, check for "
            "unmatched surrogate code units",
        ),
    ],
)
def test_bad_html_is_rejected_with_telegrams_words(html: str, error: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(html)
    assert str(caught.value) == error


async def test_bad_html_through_the_api_is_a_400_and_a_violation(
    emulator: Emulator, bot: Bot
) -> None:
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(USER, "<p>Hello</p>")
    assert caught.value.message == (
        'Bad Request: can\'t parse entities: Unsupported start tag "p" at byte offset 0'
    )
    assert emulator.take_violations() == [
        'sendMessage.text: can\'t parse entities: Unsupported start tag "p" at byte offset 0'
    ]
    assert emulator.delivered_count(USER) == 0


# ---------------------------------------------------------------------- messages


async def test_send_edit_delete_keep_what_a_person_sees(emulator: Emulator, bot: Bot) -> None:
    sent = await bot.send_message(
        USER, "<b>Rates up</b>\nThe bank said so.", reply_markup=keyboard(("👍", "rate:1:up"))
    )
    stored = emulator.last_message(USER)
    assert (sent.message_id, sent.text) == (stored.message_id, "Rates up\nThe bank said so.")
    assert stored.spans("bold") == ["Rates up"]
    assert stored.html == "<b>Rates up</b>\nThe bank said so."
    assert stored.button("👍")["callback_data"] == "rate:1:up"

    await bot.edit_message_text(text="<i>Rates up</i>", chat_id=USER, message_id=sent.message_id)
    assert (stored.text, stored.spans("italic"), stored.edit_count) == (
        "Rates up",
        ["Rates up"],
        1,
    )
    assert stored.reply_markup is None, "an edit without reply_markup drops the keyboard"
    assert stored.history[0]["text"] == "Rates up\nThe bank said so."

    await bot.edit_message_reply_markup(
        chat_id=USER, message_id=sent.message_id, reply_markup=keyboard(("👎", "rate:1:down"))
    )
    assert stored.buttons == [{"text": "👎", "callback_data": "rate:1:down"}]

    assert await bot.delete_message(USER, sent.message_id)
    assert stored.deleted
    assert emulator.messages(USER) == []
    assert emulator.delivered_count(USER) == 1
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER, sent.message_id)


async def test_results_conform_to_the_spec(emulator: Emulator, bot: Bot) -> None:
    spec = emulator.spec
    await bot.send_message(USER, "hello", reply_markup=keyboard(("a", "a")))
    await emulator.send_photo(USER, caption="a photo")
    await emulator.send_forward(USER, "forwarded", from_chat_title="Reuters")
    await emulator.send_text(USER, "/start deep")
    for method, params, type_name in [
        ("getMe", {}, "User"),
        (
            "sendMessage",
            {"chat_id": str(USER), "text": "<b>x</b>", "parse_mode": "HTML"},
            "Message",
        ),
        ("getChat", {"chat_id": str(USER)}, "ChatFullInfo"),
        ("getWebhookInfo", {}, "WebhookInfo"),
    ]:
        status, body = await raw_call(emulator, method, params)
        assert status == 200
        assert spec.check_object(body["result"], spec.types[type_name], type_name) == []
    status, body = await raw_call(emulator, "getUpdates", {})
    assert status == 200
    assert len(body["result"]) == 3
    for update in body["result"]:
        assert spec.check_object(update, spec.types["Update"], "Update") == []
        Update.model_validate(update, context={"bot": bot})
    command = body["result"][2]["message"]
    assert command["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert body["result"][1]["message"]["forward_origin"]["chat"]["title"] == "Reuters"


async def test_not_modified_edit_is_refused(emulator: Emulator, bot: Bot) -> None:
    sent = await bot.send_message(USER, "<b>same</b>", reply_markup=keyboard(("a", "a")))
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.edit_message_text(
            text="<strong>same</strong>",
            chat_id=USER,
            message_id=sent.message_id,
            reply_markup=keyboard(("a", "a")),
        )
    assert caught.value.message.startswith("Bad Request: message is not modified: specified new")
    assert emulator.last_message(USER).edit_count == 0


async def test_bot_messages_can_be_deleted_for_48_hours_only(emulator: Emulator, bot: Bot) -> None:
    old = await bot.send_message(USER, "old")
    emulator.advance(48 * 3600 + 1)
    fresh = await bot.send_message(USER, "fresh")
    with pytest.raises(TelegramBadRequest, match="message can't be deleted for everyone"):
        await bot.delete_message(USER, old.message_id)
    assert await bot.delete_message(USER, fresh.message_id)
    assert [m.text for m in emulator.messages(USER)] == ["old"]


async def test_photo_upload_copy_and_forward(emulator: Emulator, bot: Bot) -> None:
    photo = await bot.send_photo(
        USER, BufferedInputFile(b"\x89PNG-bytes", "chart.png"), caption="<b>Chart</b>"
    )
    assert photo.photo is not None
    assert photo.caption == "Chart"
    downloaded = await bot.download(photo.photo[-1].file_id)
    assert downloaded is not None
    assert downloaded.read() == b"\x89PNG-bytes"
    again = await bot.send_photo(USER, photo.photo[-1].file_id)
    assert again.photo is not None
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(USER, "no-such-file-id")

    said = await emulator.send_text(USER, "hello bot")
    copied = await bot.copy_message(USER, USER, said.message_id)
    forwarded = await bot.forward_message(USER, USER, said.message_id)
    assert emulator.message(USER, copied.message_id) is not None
    assert forwarded.forward_origin is not None
    assert forwarded.text == "hello bot"
    with pytest.raises(TelegramBadRequest, match="message to copy not found"):
        await bot.copy_message(USER, USER, 999)


async def test_commands_are_kept_per_scope_and_language(emulator: Emulator, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    await bot.set_my_commands(
        [BotCommand(command="digest", description="Дайджест")], language_code="ru"
    )
    await bot.set_my_commands(
        [BotCommand(command="admin", description="Admin")], scope=BotCommandScopeChat(chat_id=USER)
    )
    assert emulator.commands() == [{"command": "start", "description": "Start"}]
    assert emulator.commands(language_code="ru")[0]["command"] == "digest"
    assert emulator.commands({"type": "chat", "chat_id": USER})[0]["command"] == "admin"
    assert [c.command for c in await bot.get_my_commands(language_code="ru")] == ["digest"]
    await bot.delete_my_commands(language_code="ru")
    assert emulator.commands(language_code="ru") == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Start", description="x")])
    assert emulator.take_violations() == [
        "setMyCommands.commands: 'Start' is not 1-32 lowercase English letters, digits and "
        "underscores"
    ]


# ---------------------------------------------------------------------- limits


async def test_text_length_counts_utf16_after_parsing(emulator: Emulator, bot: Bot) -> None:
    await bot.send_message(USER, "😀" * 2048)
    await bot.send_message(USER, "<b>" + "x" * 4096 + "</b>")
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
        await bot.send_message(USER, "😀" * 2048 + "x")
    with pytest.raises(TelegramBadRequest, match="Bad Request: message text is empty"):
        await bot.send_message(USER, "<b> </b>")
    assert emulator.take_violations() == [
        "sendMessage.text: 4097 characters after entities parsing, allowed 1-4096",
        "sendMessage.text: 0 characters after entities parsing, allowed 1-4096",
    ]
    assert emulator.delivered_count(USER) == 2


async def test_caption_callback_data_and_answer_limits(emulator: Emulator, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_photo(
            USER, "https://example.com/p.jpg", caption="<i>" + "c" * 1025 + "</i>"
        )
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "x", reply_markup=keyboard(("b", "д" * 33)))
    await bot.send_message(USER, "x", reply_markup=keyboard(("b", "д" * 32)))
    query = await emulator.press_button(USER, USER, 1, "д" * 32)
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(query, text="a" * 201)
    await bot.answer_callback_query(query, text="a" * 200, show_alert=True)
    assert emulator.callback_answers[query].show_alert
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query(query)
    violations = emulator.take_violations()
    assert (
        violations[0]
        == "sendPhoto.caption: 1025 characters after entities parsing, allowed 0-1024"
    )
    button = "sendMessage.reply_markup.inline_keyboard[0][0].callback_data"
    assert violations[1] == f"{button}: 66 bytes, allowed 1-64 bytes"
    assert violations[2] == "answerCallbackQuery.text: 201 characters, allowed 0-200 characters"


async def test_pressing_a_missing_button_fails_unless_forged(emulator: Emulator, bot: Bot) -> None:
    sent = await bot.send_message(USER, "x", reply_markup=keyboard(("a", "vote:1")))
    with pytest.raises(AssertionError, match="no button with callback_data 'vote:2'"):
        await emulator.press_button(USER, USER, sent.message_id, "vote:2")
    forged = await emulator.press_button(USER, USER, sent.message_id, "vote:2", forge=True)
    updates = await bot.get_updates()
    assert updates[-1].callback_query is not None
    assert (updates[-1].callback_query.id, updates[-1].callback_query.data) == (forged, "vote:2")


# ---------------------------------------------------------------------- flood control and faults


async def test_per_chat_flood_gives_retry_after(emulator: Emulator, bot: Bot) -> None:
    emulator.per_chat_rate = 1
    for number in range(3):
        await bot.send_message(USER, f"burst {number}")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(USER, "one too many")
    assert caught.value.retry_after == 1
    assert emulator.calls("sendMessage")[-1].description == "Too Many Requests: retry after 1"
    assert emulator.delivered_count(USER) == 3
    assert emulator.status_counts[429] == 1


async def test_global_rate_and_paid_broadcast(emulator: Emulator, bot: Bot) -> None:
    emulator.global_rate = 5
    emulator.paid_broadcast_rate = 1000
    for user_id in range(2000, 2005):
        emulator.add_user(user_id)
        await bot.send_message(user_id, "news")
    emulator.add_user(2005)
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(2005, "news")
    await bot.send_message(2005, "news", allow_paid_broadcast=True)
    assert emulator.delivered_count() == 6


async def test_group_flood_limit_is_twenty_a_minute(emulator: Emulator, bot: Bot) -> None:
    emulator.add_group(-100123, title="Editors", type="supergroup", username="editors")
    emulator.group_per_minute = 20
    for number in range(20):
        await bot.send_message("@editors", f"post {number}")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(-100123, "post 21")
    assert caught.value.retry_after == 3, "one more post needs 60/20 seconds of refill"
    assert emulator.delivered_count(-100123) == 20


async def test_unreachable_chats_give_telegrams_errors(emulator: Emulator, bot: Bot) -> None:
    emulator.add_user(OTHER)
    emulator.add_user(OTHER + 1)
    emulator.add_user(OTHER + 2, started=False)
    await emulator.block_bot(OTHER)
    emulator.deactivated.add(OTHER + 1)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(OTHER, "x")
    with pytest.raises(TelegramForbiddenError, match="user is deactivated"):
        await bot.send_message(OTHER + 1, "x")
    with pytest.raises(TelegramForbiddenError, match="can't initiate conversation"):
        await bot.send_message(OTHER + 2, "x")
    with pytest.raises(TelegramBadRequest, match="Bad Request: chat not found"):
        await bot.send_message(999_999, "x")
    updates = await bot.get_updates(allowed_updates=["message", "my_chat_member"])
    blocked = updates[-1].my_chat_member
    assert blocked is not None
    assert blocked.new_chat_member.status == "kicked"
    assert emulator.delivered_count() == 0
    assert emulator.status_counts[403] == 3


async def test_injected_server_errors_create_nothing(emulator: Emulator, bot: Bot) -> None:
    emulator.fail_rate = 1.0
    for _ in range(4):
        with pytest.raises(TelegramServerError) as caught:
            await bot.send_message(USER, "x")
        assert caught.value.message in {"Internal Server Error", "Bad Gateway"}
    assert emulator.delivered_count(USER) == 0
    assert emulator.status_counts[500] + emulator.status_counts[502] == 4
    assert (await bot.get_me()).is_bot, "the bot's own plumbing is left alone by default"


async def test_hung_requests_time_out_and_deliver_only_when_asked(emulator: Emulator) -> None:
    emulator.add_user(USER)
    impatient = make_bot(emulator, timeout=0.2)
    try:
        emulator.hang_next(1)
        with pytest.raises(TelegramNetworkError):
            await impatient.send_message(USER, "lost")
        assert emulator.delivered_count(USER) == 0
        emulator.hang_next(1, deliver=True)
        with pytest.raises(TelegramNetworkError):
            await impatient.send_message(USER, "delivered, answer lost")
        assert [m.text for m in emulator.messages(USER)] == ["delivered, answer lost"]
        assert (await impatient.send_message(USER, "fine")).text == "fine"
        assert emulator.status_counts[0] == 2, "hung requests are logged with status 0"
    finally:
        await impatient.session.close()


async def test_latency_is_applied_concurrently(emulator: Emulator, bot: Bot) -> None:
    emulator.latency = 0.2
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.gather(*(bot.send_message(USER, str(n)) for n in range(10)))
    assert 0.2 <= loop.time() - started < 1.0


# ---------------------------------------------------------------------- updates


async def test_long_polling_returns_as_soon_as_an_update_arrives(
    emulator: Emulator, bot: Bot
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    await emulator.send_text(USER, "/start@pressroom_bot hi")
    updates = await poll
    assert loop.time() - started < 2
    assert updates[0].message is not None
    assert updates[0].message.text == "/start@pressroom_bot hi"
    assert updates[0].message.entities is not None
    assert updates[0].message.entities[0].length == len("/start@pressroom_bot")
    assert await bot.get_updates(offset=updates[0].update_id, timeout=0) == updates
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == []
    await emulator.send_text(USER, "filtered out")
    assert await bot.get_updates(timeout=0, allowed_updates=["callback_query"]) != []
    await emulator.send_text(USER, "now dropped")
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["filtered out"]


async def test_dispatcher_round_trip(emulator: Emulator, bot: Bot) -> None:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("<b>Welcome</b>, reader", reply_markup=keyboard(("Read", "read:1")))

    @router.callback_query(F.data == "read:1")
    async def read(query: CallbackQuery) -> None:
        await query.answer("Opened")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    try:
        await emulator.send_text(USER, "/start")
        [reply] = await emulator.wait_for_messages(USER, 1)
        assert (reply.text, reply.spans("bold")) == ("Welcome, reader", ["Welcome"])
        data = reply.button("Read").get("callback_data", "")
        query_id = await emulator.press_button(USER, USER, reply.message_id, data)
        await emulator.wait_for(lambda: query_id in emulator.callback_answers)
        assert emulator.callback_answers[query_id].text == "Opened"
    finally:
        await dispatcher.stop_polling()
        await polling


async def test_webhook_pushes_updates_with_the_secret(emulator: Emulator, bot: Bot) -> None:
    router = Router()

    @router.message()
    async def echo(message: Message) -> SendMessage:
        return message.answer(f"echo: {message.text}")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    app = web.Application()
    SimpleRequestHandler(
        dispatcher, bot, secret_token="s3cret", handle_in_background=False
    ).register(app, path="/hook")
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        await bot.set_webhook(url, secret_token="wrong")
        await emulator.send_text(USER, "first")
        await emulator.wait_for(lambda: emulator.webhook_error is not None)
        assert emulator.webhook_error == "Wrong response from the webhook: 401 Unauthorized"
        await bot.set_webhook(url, secret_token="s3cret")
        [reply] = await emulator.wait_for_messages(USER, 1)
        assert reply.text == "echo: first"
        with pytest.raises(TelegramConflictError, match="webhook is active"):
            await bot.get_updates()
        assert (await bot.get_webhook_info()).pending_update_count == 0
        assert await bot.delete_webhook()
        await emulator.send_text(USER, "polled")
        assert [u.message.text for u in await bot.get_updates() if u.message] == ["polled"]
    finally:
        await runner.cleanup()


async def test_webhook_pushes_over_max_connections_one_update_a_chat_at_a_time(
    emulator: Emulator, bot: Bot
) -> None:
    chats = [USER, 1002, 1003, 1004, 1005]
    for chat in chats[1:]:
        emulator.add_user(chat)
    gate = asyncio.Event()
    on_the_wire: list[int] = []
    overlaps: list[int] = []
    received: list[int] = []
    peak = 0
    refused: set[int] = set()

    async def hook(request: web.Request) -> web.Response:
        nonlocal peak
        update = await request.json()
        chat = update["message"]["chat"]["id"]
        if chat in on_the_wire:
            overlaps.append(chat)
        on_the_wire.append(chat)
        peak = max(peak, len(on_the_wire))
        try:
            await gate.wait()
            # The first push of each update fails: it must come again, and be taken once.
            if update["update_id"] not in refused:
                refused.add(update["update_id"])
                return web.Response(status=500)
            received.append(update["update_id"])
            return web.json_response({})
        finally:
            on_the_wire.remove(chat)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        for text in ("one", "two"):
            for chat in chats:
                await emulator.send_text(chat, text)
        emulator.webhook_retry_delay = 0.01
        assert await bot.set_webhook(url, max_connections=3)
        assert (await bot.get_webhook_info()).max_connections == 3
        await emulator.wait_for(lambda: len(on_the_wire) == 3)
        # Held at three for a while: no fourth connection opens.
        await asyncio.sleep(0.2)
        gate.set()
        await emulator.wait_for(lambda: len(received) == 2 * len(chats))
        assert (await bot.get_webhook_info()).pending_update_count == 0
    finally:
        await runner.cleanup()
    assert peak == 3
    assert overlaps == []
    assert sorted(received) == list(range(1, 2 * len(chats) + 1))
    # Across chats in any order; within a chat, in order.
    first, second = received.index(1), received.index(1 + len(chats))
    assert first < second


# ---------------------------------------------------------------------- spec violations


async def test_unknown_field_is_a_violation(emulator: Emulator, bot: Bot) -> None:
    status, body = await raw_call(
        emulator,
        "sendMessage",
        {"chat_id": str(USER), "text": "hi", "disable_web_page_preview": "1"},
    )
    assert status == 400
    assert body["ok"] is False
    assert body["error_code"] == 400
    assert emulator.take_violations() == [
        "sendMessage.disable_web_page_preview: unknown parameter "
        "(dropped from the Bot API; use link_preview_options)"
    ]
    assert emulator.delivered_count(USER) == 0


async def test_json_bodies_are_checked_with_native_types(emulator: Emulator, bot: Bot) -> None:
    body = {"chat_id": USER, "text": "<b>json</b>", "parse_mode": "HTML"}
    status, answer = await raw_call(emulator, "sendMessage", body, as_json=True)
    assert status == 200
    assert answer["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
    status, _ = await raw_call(emulator, "sendMessage", {"chat_id": USER, "text": 5}, as_json=True)
    assert status == 400
    assert emulator.take_violations() == ["sendMessage.text: expected String, got int"]


async def test_missing_required_field_and_wrong_type(emulator: Emulator, bot: Bot) -> None:
    status, body = await raw_call(emulator, "sendMessage", {"chat_id": str(USER)})
    assert (status, body["description"]) == (400, "Bad Request: message text is empty")
    status, body = await raw_call(
        emulator, "deleteMessage", {"chat_id": str(USER), "message_id": "x"}
    )
    assert status == 400
    assert emulator.take_violations() == [
        "sendMessage.text: required parameter is missing",
        "deleteMessage.message_id: expected Integer, got 'x'",
    ]


async def test_unknown_method_and_wrong_token(emulator: Emulator, bot: Bot) -> None:
    status, body = await raw_call(emulator, "sendTelepathy", {})
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    assert emulator.take_violations() == ["sendTelepathy: unknown method"]
    stranger = Bot("42:" + "x" * 35, session=FastCloseSession(api=bot.session.api))
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await stranger.get_me()
    finally:
        await stranger.session.close()


async def test_checks_off_accepts_what_telegram_ignores(emulator: Emulator, bot: Bot) -> None:
    emulator.checks = False
    status, _ = await raw_call(
        emulator, "sendMessage", {"chat_id": str(USER), "text": "hi", "unknown": "1"}
    )
    assert status == 200
    assert emulator.violations == []
    assert emulator.sent_count("sendMessage") == 1
