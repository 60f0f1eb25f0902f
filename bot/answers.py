"""The toast a star press gets, posted as prepared JSON on the people's connections.

In a rating storm a bot answers hundreds of presses a second; through aiogram each answer builds
a request model, a form and a response model (about 0.26 ms of CPU more than posting the JSON,
measured). `Answers` posts `answerCallbackQuery` directly through aiogram's aiohttp session (the
one that serves people, not the broadcast's), waits out a 429 and sends it again, and logs what
else goes wrong: the vote behind an answer is stored either way.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Final

import aiohttp
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession

from bot.lane import MAX_FLOOD_WAITS

logger = logging.getLogger(__name__)

# Telegram drops a press's answer after about 15 seconds anyway.
TIMEOUT: Final = 10.0


class Answers:
    """Answers presses with a notice (a toast, not an alert)."""

    def __init__(
        self, bot: Bot, *, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    ) -> None:
        if not isinstance(bot.session, AiohttpSession):
            raise TypeError("answers need aiogram's AiohttpSession")
        self._session = bot.session
        self._url = bot.session.api.api_url(token=bot.token, method="answerCallbackQuery")
        self._headers = {"Content-Type": "application/json"}
        self._timeout = aiohttp.ClientTimeout(total=TIMEOUT)
        self._sleep = sleep

    async def notice(self, query_id: str, text: str) -> bool:
        """Show `text` to whoever pressed; False (logged) if Telegram would not take it."""
        body = json.dumps(
            {"callback_query_id": query_id, "text": text}, ensure_ascii=False
        ).encode()
        for waits in range(MAX_FLOOD_WAITS + 1):
            client = await self._session.create_session()
            try:
                async with client.post(
                    self._url, data=body, headers=self._headers, timeout=self._timeout
                ) as response:
                    answer = json.loads(await response.read())
            except (aiohttp.ClientError, TimeoutError, ValueError) as error:
                logger.warning(
                    "Press %s not answered: %s: %s", query_id, type(error).__name__, error
                )
                return False
            if not isinstance(answer, dict):
                logger.warning("Press %s not answered: unexpected answer", query_id)
                return False
            if answer.get("ok"):
                return True
            retry_after = (answer.get("parameters") or {}).get("retry_after")
            if answer.get("error_code") == 429 and retry_after and waits < MAX_FLOOD_WAITS:
                logger.warning("answerCallbackQuery got 429; again in %s s", retry_after)
                await self._sleep(float(retry_after))
                continue
            logger.warning("Press %s not answered: %s", query_id, answer.get("description"))
            return False
        return False
