"""Answers to presses posted as JSON: a 429 is waited out and the answer sent again; a refusal
or a dead server is logged, not raised (the vote behind the answer is stored already)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from bot.answers import Answers
from tests.emulator.server import DEFAULT_TOKEN


class Telegram:
    """A server that answers answerCallbackQuery from a script of replies."""

    def __init__(self, replies: list[dict[str, Any]]) -> None:
        self.replies = replies
        self.bodies: list[dict[str, Any]] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.bodies.append(await request.json())
        reply = self.replies.pop(0)
        return web.json_response(reply, status=int(reply.get("error_code", 200)))


@pytest.fixture
async def telegram() -> AsyncIterator[tuple[Telegram, Bot]]:
    """A scripted server and a bot pointed at it."""
    server = Telegram([])
    app = web.Application()
    app.router.add_post("/bot{token}/answerCallbackQuery", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    session = AiohttpSession(api=TelegramAPIServer.from_base(f"http://127.0.0.1:{port}"))
    bot = Bot(DEFAULT_TOKEN, session=session)
    try:
        yield server, bot
    finally:
        await bot.session.close()
        await runner.cleanup()


FLOOD = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 2"}


async def test_a_429_is_waited_out_and_the_answer_sent_again(
    telegram: tuple[Telegram, Bot],
) -> None:
    server, bot = telegram
    server.replies = [{**FLOOD, "parameters": {"retry_after": 2}}] * 2 + [{"ok": True}]
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    answers = Answers(bot, sleep=sleep)
    assert await answers.notice("17", "Your rating: 4 ★ · Total: 1 · Average: 4,0")
    assert waited == [2.0, 2.0]
    assert (
        server.bodies
        == [{"callback_query_id": "17", "text": "Your rating: 4 ★ · Total: 1 · Average: 4,0"}] * 3
    )


async def test_a_refused_answer_is_logged_not_raised(
    telegram: tuple[Telegram, Bot], caplog: pytest.LogCaptureFixture
) -> None:
    server, bot = telegram
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    server.replies = [{"ok": False, "error_code": 400, "description": too_old}]
    assert not await Answers(bot).notice("18", "Your rating: 1 ★")
    assert too_old in caplog.text


async def test_an_unreachable_server_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base("http://127.0.0.1:9"))
    bot = Bot(DEFAULT_TOKEN, session=session)
    try:
        assert not await Answers(bot).notice("19", "Your rating: 2 ★")
    finally:
        await bot.session.close()
    assert "Press 19 not answered: ClientConnectorError" in caplog.text
