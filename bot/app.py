"""Assembly: the Bot, the Dispatcher with its routers and long-lived objects, and the runners."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from typing import Final

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

import handlers
from bot import digests, ops, texts
from bot.answers import Answers
from bot.config import Settings
from bot.counters import LiveCounters
from bot.delivery import DeliveryEngine
from bot.group_admins import GroupAdmins
from bot.i18n import LANGUAGES, Text
from bot.lane import PeopleLane, warm_up
from bot.middleware import ReaderMiddleware
from bot.pacing import connection_limit
from bot.pastes import PASTE_WINDOW, PasteWindows
from bot.redraws import Redraws
from bot.serving import UpdatesInFlight, serve_webhook
from bot.source_intake import SourceIntake
from bot.sources.jobs import SourceJobs
from bot.sources.poller import Poller, SourcesConfig
from bot.telemetry import UpdateTimer
from bot.throttle import Throttle
from bot.turns import UserTurns
from bot.voting import VoteWriter
from bot.workers import Workers
from storage.db import Database
from storage.dialogs import DialogStorage
from storage.subscribers import ChosenLanguages

logger = logging.getLogger(__name__)

# New objects between two passes of the garbage collector (CPython's default: 700).
YOUNG_OBJECTS: Final = 50_000


def build_bot(settings: Settings) -> Bot:
    """A Bot that talks to `TELEGRAM_API_URL` and sends HTML by default."""
    # Enough connections that every send the engine keeps in flight has its own.
    session = AiohttpSession(
        api=TelegramAPIServer.from_base(settings.telegram_api_url),
        limit=connection_limit(settings),
    )
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def build_dispatcher(
    settings: Settings,
    *,
    paste_window: float = PASTE_WINDOW,
    digest_throttle: Throttle | None = None,
) -> Dispatcher:
    """The Dispatcher with routers, middleware and start-up/shutdown hooks; `paste_window` is
    how long a paste split into several messages waits for its next piece, `digest_throttle`
    how often one person may read a digest (by default once in 2 s)."""
    # Staff dialogs live in SQLite (attached at start-up), so a restart mid-dialog keeps them.
    dialogs = DialogStorage()
    updates = UpdatesInFlight()
    # Each person's updates one at a time, in order: the pieces of a paste stay in sequence.
    turns = UserTurns(updates)
    dispatcher = Dispatcher(
        storage=dialogs,
        events_isolation=turns,
        settings=settings,
        dialogs=dialogs,
        updates=updates,
        pastes=PasteWindows(turns, paste_window),
        digest_throttle=digest_throttle or Throttle(),
        group_admins=GroupAdmins(),
    )
    # Outermost, so that a stop waits for everything an update does.
    dispatcher.update.outer_middleware(updates)
    dispatcher.update.outer_middleware(UpdateTimer())
    dispatcher.update.outer_middleware(ReaderMiddleware())
    dispatcher.include_routers(*handlers.routers())
    dispatcher.startup.register(on_startup)
    dispatcher.shutdown.register(on_shutdown)
    return dispatcher


def freeze_imports() -> tuple[int, int, int]:
    """Take what start-up created out of the garbage collector's sight for good, and let it
    pass over new objects less often; returns the thresholds it had.

    Imports leave some 100,000 long-lived objects (aiogram's API method models, our modules)
    that each full collection would walk again, pausing the event loop (and every send) for
    tens of milliseconds at a time. They live as long as the process: nothing to collect.

    Handling an update makes and drops a few hundred objects (aiogram's models of it), freed by
    their reference counts, not by the collector. With CPython's default of a pass every 700
    new objects, a rating storm ran a full collection every few hundred presses over every
    update in flight: 0.25 ms of CPU per press of 0.9 (bench.press_cpu). Passes every
    `YOUNG_OBJECTS` cost the same per object and come rarely enough that full ones are rare.
    """
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, thresholds[1], thresholds[2])
    return thresholds


async def on_startup(
    dispatcher: Dispatcher,
    bot: Bot,
    settings: Settings,
    dialogs: DialogStorage,
    updates: UpdatesInFlight,
    pastes: PasteWindows,
) -> None:
    """Open the database, publish the command menus, start background work; if any of it
    fails, stop what started and close the database (no shutdown hook follows a failed start)."""
    try:
        await _start(dispatcher, bot, settings, dialogs)
    except BaseException:
        await on_shutdown(dispatcher, updates, pastes)
        raise


async def _start(
    dispatcher: Dispatcher, bot: Bot, settings: Settings, dialogs: DialogStorage
) -> None:
    warm_up()
    dispatcher["collector_thresholds"] = freeze_imports()
    operations = dispatcher["ops"] = ops.Operations(bot, settings)
    telemetry = dispatcher["telemetry"] = operations.telemetry
    dispatcher["db"] = await Database.open(settings.database_path)
    await dialogs.attach(dispatcher["db"])
    # Readers' own language choices in memory: a star press reads nothing before its vote.
    dispatcher["languages"] = await ChosenLanguages.load(dispatcher["db"])
    dispatcher["workers"] = Workers()
    dispatcher["delivery"] = DeliveryEngine(bot, dispatcher["db"], settings, telemetry=telemetry)
    await dispatcher["delivery"].start()
    # People before broadcasts: votes in group commits, replies and redraws in their own lane.
    dispatcher["ballots"] = VoteWriter(dispatcher["db"])
    dispatcher["ballots"].start()
    dispatcher["lane"] = PeopleLane(in_use=dispatcher["delivery"].free_rate_in_use)
    dispatcher["lane"].attach(bot)
    dispatcher["redraws"] = Redraws(bot)
    dispatcher["answers"] = Answers(bot)
    dispatcher["redraws"].start()
    # Channel and group copies' counters: touched by every vote, and by the engine when chat
    # copies are sent or edited (votes cast meanwhile).
    counters = dispatcher["counters"] = LiveCounters(bot, dispatcher["db"], settings)
    dispatcher["delivery"].on_chat_copies = counters.touch
    await counters.start()
    digest_job = digests.DigestJob(
        dispatcher["db"],
        default_zone=settings.timezone,
        engine=dispatcher["delivery"],
        on_run=telemetry.digest_ran,
    )
    dispatcher["digest_job"] = digest_job
    digest_job.start()
    intake = dispatcher["source_intake"] = SourceIntake(
        bot, dispatcher["db"], settings, dispatcher["workers"], dispatcher["delivery"]
    )
    poller = dispatcher["poller"] = Poller(
        dispatcher["db"],
        SourcesConfig.from_settings(settings),
        on_item=intake.on_item,
        on_notice=intake.on_notice,
        workers=dispatcher["workers"],
    )
    dispatcher["source_jobs"] = SourceJobs(dispatcher["db"], poller)
    await dispatcher["source_jobs"].start()
    intake.start()
    await operations.start(dispatcher["db"])
    await publish_commands(bot, settings)
    if not settings.use_webhook:
        # The webhook itself is registered once the server listens (see bot.serving.serve_webhook).
        await bot.delete_webhook()
        me = await bot.me()
        logger.info("Pressroom @%s is polling for updates", me.username)


async def on_shutdown(
    dispatcher: Dispatcher, updates: UpdatesInFlight, pastes: PasteWindows
) -> None:
    """Let the updates being handled finish and pastes waiting for their next piece complete,
    stop background work (sends in flight finish and are committed), close the database.
    Updates have stopped coming; the session closes after."""
    await updates.finish()
    await pastes.finish()
    redraws: Redraws | None = dispatcher.workflow_data.pop("redraws", None)
    if redraws is not None:
        await redraws.stop()
    counters: LiveCounters | None = dispatcher.workflow_data.pop("counters", None)
    if counters is not None:
        await counters.stop()
    dispatcher.workflow_data.pop("answers", None)
    lane: PeopleLane | None = dispatcher.workflow_data.pop("lane", None)
    if lane is not None:
        lane.detach()
    ballots: VoteWriter | None = dispatcher.workflow_data.pop("ballots", None)
    if ballots is not None:
        await ballots.stop()
    operations: ops.Operations | None = dispatcher.workflow_data.pop("ops", None)
    if operations is not None:
        await operations.stop()
    digest_job: digests.DigestJob | None = dispatcher.workflow_data.pop("digest_job", None)
    if digest_job is not None:
        await digest_job.stop()
    # Polls in progress publish and preview through the engine and the workers: stop them first.
    source_jobs: SourceJobs | None = dispatcher.workflow_data.pop("source_jobs", None)
    if source_jobs is not None:
        await source_jobs.stop()
    dispatcher.workflow_data.pop("poller", None)
    intake: SourceIntake | None = dispatcher.workflow_data.pop("source_intake", None)
    if intake is not None:
        await intake.stop()
    workers: Workers | None = dispatcher.workflow_data.pop("workers", None)
    if workers is not None:
        workers.close()
    delivery: DeliveryEngine | None = dispatcher.workflow_data.pop("delivery", None)
    if delivery is not None:
        await delivery.stop()
    dispatcher.workflow_data.pop("languages", None)
    db: Database | None = dispatcher.workflow_data.pop("db", None)
    if db is not None:
        await db.close()
    gc.unfreeze()
    thresholds: tuple[int, int, int] | None = dispatcher.workflow_data.pop(
        "collector_thresholds", None
    )
    if thresholds is not None:
        gc.set_threshold(*thresholds)
    logger.info("Pressroom stopped; database closed")


def _commands(entries: tuple[tuple[str, Text], ...], lang: str) -> list[BotCommand]:
    return [BotCommand(command=name, description=text(lang)) for name, text in entries]


async def publish_commands(bot: Bot, settings: Settings) -> None:
    """Reader commands for everyone; reader and staff commands in each admin's chat."""
    for lang in LANGUAGES:
        # Telegram shows the menu for the user's language code, or the one without a code.
        code = None if lang == settings.default_language else lang
        await bot.set_my_commands(
            _commands(texts.READER_COMMANDS, lang),
            scope=BotCommandScopeDefault(),
            language_code=code,
        )
        staff = _commands(texts.READER_COMMANDS + texts.STAFF_COMMANDS, lang)
        for admin_id in sorted(settings.admin_ids):
            try:
                await bot.set_my_commands(
                    staff, scope=BotCommandScopeChat(chat_id=admin_id), language_code=code
                )
            except TelegramAPIError as error:
                # "chat not found" until that admin has written to the bot once.
                logger.warning("Staff menu for %s not set: %s", admin_id, error.message)


async def serve(
    bot: Bot, dispatcher: Dispatcher, settings: Settings, stop: asyncio.Event | None = None
) -> None:
    """Run until `stop` is set (by default: SIGINT/SIGTERM): long polling, or the webhook
    server when `WEBHOOK_URL` is set. Shutdown hooks run and the session closes either way."""
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
    if settings.use_webhook:
        await serve_webhook(bot, dispatcher, settings, stop)
        return
    polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False))
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({polling, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if not polling.done():
        await dispatcher.stop_polling()
    stopping.cancel()
    await polling


async def main(settings: Settings) -> None:
    """Build everything from `settings` and serve until stopped."""
    bot = build_bot(settings)
    try:
        await serve(bot, build_dispatcher(settings), settings)
    finally:
        # aiogram closes it after a stop, not after a failed start.
        await bot.session.close()
