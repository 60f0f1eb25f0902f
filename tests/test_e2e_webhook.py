"""Webhook mode: Telegram pushes updates with the secret header; anything else gets 401."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from storage import subscribers
from tests.emulator import Emulator
from tests.harness import Pressroom, free_port, settings_for

SECRET = "webhook_secret-123"


@pytest.fixture
async def hooked(emulator: Emulator, tmp_path: Path) -> AsyncIterator[Pressroom]:
    port = free_port()
    settings = settings_for(
        emulator,
        tmp_path,
        webhook_url=f"http://127.0.0.1:{port}",
        webhook_secret=SECRET,
        webhook_port=port,
        webhook_path="/tg",
        webhook_max_connections=7,
    )
    app = Pressroom(emulator, settings)
    await app.start()
    yield app
    await app.stop()


def _update(update_id: int, user_id: int) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Eve"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Eve"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_updates_arrive_through_the_webhook(hooked: Pressroom) -> None:
    [registered] = hooked.emulator.calls("setWebhook")
    assert registered.params["url"] == hooked.settings.webhook_url + "/tg"
    assert registered.params["secret_token"] == SECRET
    assert hooked.emulator.webhook_max_connections == 7
    reader = hooked.user(21, language="ru", name="Ольга")
    reply = await hooked.say(reader, "/start")
    assert "Вы подписаны" in reply.content


@pytest.mark.parametrize("header", [None, "wrong", SECRET + "x"])
async def test_a_request_without_the_right_secret_is_refused(
    hooked: Pressroom, header: str | None
) -> None:
    hooked.user(31)
    hooked.user(32)
    headers = {} if header is None else {"X-Telegram-Bot-Api-Secret-Token": header}
    url = hooked.settings.webhook_url + "/tg"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=_update(9001, 31), headers=headers) as response,
    ):
        assert response.status == 401
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url, json=_update(9002, 32), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        ) as response,
    ):
        assert response.status == 200
    # The accepted update was handled; the refused one never was.
    await hooked.emulator.wait_for(lambda: hooked.emulator.messages(32) != [], timeout=5)
    assert await subscribers.get(hooked.db, 32) is not None
    assert await subscribers.get(hooked.db, 31) is None
    assert hooked.emulator.messages(31) == []
