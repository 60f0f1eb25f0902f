"""Helpers for the channel and group tests: chats in the emulator, what staff are told, what
a group sees, and waiting for the database."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from storage import chats
from storage.chats import Destination
from tests.emulator.state import CallbackAnswer, StoredMessage
from tests.harness import STAFF_ID, Pressroom

CHANNEL = -1001000000001
GROUP = -1001000000002
BOT = "pressroom_bot"


async def until(check: Callable[[], Awaitable[bool]], within: float = 10) -> None:
    """Wait until `check()` is true (polled every 20 ms); fail after `within` seconds."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def destination(pressroom: Pressroom, chat_id: int) -> Destination | None:
    """The stored channel or group."""
    return await chats.get(pressroom.db, chat_id)


async def press_and_redraw(
    pressroom: Pressroom, user_id: int, message: StoredMessage, label: str
) -> tuple[CallbackAnswer, StoredMessage]:
    """Press a button; return the answer and the message once the bot has redrawn it (the
    press is answered before the redraw)."""
    edits = pressroom.current(message).edit_count
    answer = await pressroom.press(user_id, message, label)
    await pressroom.emulator.wait_for(lambda: pressroom.current(message).edit_count > edits, 10)
    return answer, pressroom.current(message)


async def staff_told(pressroom: Pressroom, action: Awaitable[Any]) -> StoredMessage:
    """Run `action` and return the message it makes the bot send staff."""
    return (await pressroom.new_messages(STAFF_ID, action))[-1]


async def in_group(
    pressroom: Pressroom,
    user_id: int,
    text: str,
    *,
    chat_id: int = GROUP,
    thread_id: int | None = None,
) -> StoredMessage:
    """Write `text` in the group and return the bot's one answer there."""
    send = pressroom.emulator.send_text(user_id, text, chat_id=chat_id, thread_id=thread_id)
    got = await pressroom.new_messages(chat_id, send)
    return got[-1]


async def silent(
    pressroom: Pressroom, user_id: int, texts: list[str], *, chat_id: int = GROUP
) -> list[str]:
    """Write each of `texts` in the group, then `/help@bot`; return what the bot said in the
    group meanwhile. One person's updates are handled in order, so the answer to `/help` comes
    after whatever the earlier messages got: the list holds only the help if they got nothing."""
    emulator = pressroom.emulator
    before = len(emulator.messages(chat_id, include_deleted=True))
    for text in texts:
        await emulator.send_text(user_id, text, chat_id=chat_id)
    await emulator.send_text(user_id, f"/help@{BOT}", chat_id=chat_id)
    await emulator.wait_for(
        lambda: any(
            "I post press releases" in m.content or "Я публикую" in m.content
            for m in emulator.messages(chat_id, include_deleted=True)[before:]
        ),
        10,
    )
    # A moment for anything sent after the help (nothing should be).
    await asyncio.sleep(0.1)
    return [m.content for m in emulator.messages(chat_id, include_deleted=True)[before:]]
