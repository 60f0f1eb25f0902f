"""Taking updates and stopping in order: the webhook server, and the updates being handled.

A clean stop (SIGTERM, Ctrl-C) goes: stop taking updates (end the long poll, or close the
webhook port); let the updates being handled finish (`UpdatesInFlight.finish`, at most
`UPDATE_GRACE` seconds); stop the delivery engine, whose requests on the wire finish and whose
outcomes are committed; close the database; close the HTTP session last. Closing the session
earlier would fail the sends in flight, and a send that reached Telegram but was not recorded is
sent again after the restart: a duplicate from a clean stop.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.types import TelegramObject
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot import ops
from bot.config import Settings

logger = logging.getLogger(__name__)

# How long a stop waits for updates still being handled before cancelling them.
UPDATE_GRACE: Final = 10.0

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UpdatesInFlight(BaseMiddleware):
    """Outer update middleware that knows which updates are being handled, so a stop can wait
    for them (aiogram runs each in its own task, in polling and webhook mode alike)."""

    def __init__(self) -> None:
        self._tasks: Counter[asyncio.Task[Any]] = Counter()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        with self.tracking():
            return await handler(event, data)

    @contextmanager
    def tracking(self) -> Iterator[None]:
        """Count the current task as an update being handled for the block (blocks may nest:
        `bot.turns` counts an update from when it waits for its person's turn)."""
        task = asyncio.current_task()
        if task is None:
            yield
            return
        self._tasks[task] += 1
        try:
            yield
        finally:
            self._tasks[task] -= 1
            if not self._tasks[task]:
                del self._tasks[task]

    async def finish(self, timeout: float = UPDATE_GRACE) -> None:  # noqa: ASYNC109
        """Wait for the updates being handled; cancel those still running after `timeout`."""
        # An update accepted just before the stop has its task created but not yet started.
        await asyncio.sleep(0)
        tasks = set(self._tasks)
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=timeout)
        if late:
            logger.warning(
                "%d updates still being handled after %.0f s; cancelled", len(late), timeout
            )
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)


async def serve_webhook(
    bot: Bot, dispatcher: Dispatcher, settings: Settings, stop: asyncio.Event
) -> None:
    """Start up, listen for Telegram's pushes until `stop` is set, then stop in order: close
    the port, shut down (updates, engine, database), close the HTTP session."""
    # Each update is answered 200 at once and handled in a task of its own: Telegram holds a
    # connection until the answer, and has at most `WEBHOOK_MAX_CONNECTIONS` of them.
    handler = SimpleRequestHandler(
        dispatcher,
        bot,
        handle_in_background=True,
        secret_token=settings.webhook_secret.get_secret_value(),
    )
    app = web.Application()
    # Not `handler.register(app)` with `setup_application(app)`: those close the HTTP session
    # in the app's shutdown before the dispatcher's shutdown has stopped the engine's sends.
    app.router.add_post(settings.webhook_path, handler.handle)
    ops.share_webhook_server(app, dispatcher, settings)
    workflow = {"dispatcher": dispatcher, "bot": bot, **dispatcher.workflow_data}
    try:
        await dispatcher.emit_startup(**workflow)
        try:
            await _listen(app, bot, dispatcher, settings, stop)
        finally:
            await dispatcher.emit_shutdown(**workflow)
    finally:
        await bot.session.close()


async def _listen(
    app: web.Application, bot: Bot, dispatcher: Dispatcher, settings: Settings, stop: asyncio.Event
) -> None:
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
        # Registered only now: Telegram starts pushing at once, and the port must be open.
        await bot.set_webhook(
            settings.webhook_url + settings.webhook_path,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=dispatcher.resolve_used_update_types(),
            max_connections=settings.webhook_max_connections,
        )
        me = await bot.me()
        logger.info("Pressroom @%s is receiving updates at %s", me.username, settings.webhook_url)
        await stop.wait()
    finally:
        # The port closes first; Telegram keeps what it could not push and pushes it later.
        await runner.cleanup()
