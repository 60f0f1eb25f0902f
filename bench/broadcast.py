"""Broadcast throughput: `python -m bench.broadcast [--n 10000] [--rss-n 100000]`.

Sends one release to N subscribers through the Bot API emulator under three settings, each in
fresh processes (the emulator in one, the sender in another, so the sender's peak RSS and CPU
are its own), beside the naive `for chat in chats: await bot.send_message(...)` loop:

1. Telegram-like: 100 ms latency, Telegram's limits (30/s, 1/s per chat), SEND_RATE default.
2. Paid broadcast: 100 ms latency, the 1000/s paid limit, PAID_BROADCAST=true.
3. No limits, no latency, emulator checks off, pacing off: the engine's own cost.

At 25/s (and 10/s for a naive loop waiting 100 ms per send) a full N takes long, so settings 1
and 2 use smaller N, stated in each row. Prints a Markdown table and the machine it ran on.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiogram
import aiohttp
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError

from bench import machine
from bot import render
from bot.app import build_bot, build_dispatcher, freeze_imports, serve
from bot.config import Settings
from bot.delivery import DeliveryEngine
from bot.pacing import in_flight_limit
from storage import releases
from storage.db import Database

ROOT = Path(__file__).resolve().parent.parent
TITLE = "Port of Tallinn opens a new passenger terminal"
SUMMARY = (
    "The new terminal doubles the harbour's passenger capacity and opens on Monday. "
    "It cost 42 million euros and took two years to build. "
    "Ferries to Helsinki will dock there from the first week."
)
LINK = "https://port.example/news/terminal"
# The emulator's bot token (any well-formed token would do; the emulator checks it).
DEFAULT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq"


@contextlib.asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[Dispatcher]:
    """The whole bot (`bot.app.serve`: Dispatcher, updates, delivery engine) in this process,
    from the moment its start-up hook has run and its first poll (or webhook) is up; stopped in
    order on leaving."""
    bot = build_bot(settings)
    dispatcher = build_dispatcher(settings)
    stop, ready = asyncio.Event(), asyncio.Event()

    async def on_ready() -> None:
        ready.set()

    dispatcher.startup.register(on_ready)
    serving = asyncio.create_task(serve(bot, dispatcher, settings, stop))
    await ready.wait()
    # The first long poll is on the wire (or the webhook registered) by now.
    await asyncio.sleep(0.5)
    try:
        yield dispatcher
    finally:
        stop.set()
        await serving


@dataclass(frozen=True, slots=True)
class Setting:
    """One row pair of the table: the emulator's knobs and how the engine is configured."""

    number: int
    name: str
    latency: float
    telegram_limits: bool
    checks: bool
    mode: str  # "default", "paid" or "unpaced"
    configured: float | None  # the rate the engine is set to, None when unpaced


SETTINGS = (
    Setting(1, "Telegram-like", 0.1, True, True, "default", 25.0),
    Setting(2, "Paid broadcast", 0.1, True, True, "paid", 1000.0),
    Setting(3, "No limits", 0.0, False, False, "unpaced", None),
)


# --- Child processes: the sender under test -------------------------------------------------


def _percentiles(seconds: list[float]) -> tuple[float, float]:
    if len(seconds) < 2:
        only = seconds[0] if seconds else 0.0
        return only, only
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return cuts[49], cuts[98]


async def run_engine(url: str, db_path: Path, mode: str) -> dict[str, Any]:
    """Publish release 1 with the delivery engine and wait until every delivery is settled."""
    settings = Settings(
        _env_file=None,
        bot_token=DEFAULT_TOKEN,
        telegram_api_url=url,
        database_path=db_path,
        paid_broadcast=mode == "paid",
    )
    rate: float | None = None
    bot = build_bot(settings)
    if mode == "unpaced":
        # Pacing off: SEND_RATE stops at 1000, so the engine is given an unlimited rate, and
        # the session as many connections as the engine keeps sends in flight.
        rate = math.inf
        await bot.session.close()
        session = AiohttpSession(
            api=TelegramAPIServer.from_base(url), limit=in_flight_limit(rate) + 16
        )
        bot = Bot(DEFAULT_TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    freeze_imports()
    db = await Database.open(db_path)
    engine = DeliveryEngine(bot, db, settings, rate=rate)
    await engine.start()
    started = time.perf_counter()
    queued = await engine.publish(1, report_chat_id=None)
    await engine.wait_sent(1)
    elapsed = time.perf_counter() - started
    await engine.stop()
    await db.close()
    await bot.session.close()
    p50, p99 = _percentiles(list(engine.metrics.send_seconds))
    return {
        "n": queued,
        "seconds": elapsed,
        "sent": engine.metrics.sent,
        "rate": engine.rate,
        "limit": engine.limit,
        "p50": p50,
        "p99": p99,
        "rss_mb": machine.peak_rss_mb(),
    }


def import_floor() -> dict[str, Any]:
    """Peak RSS of a sender process that has imported everything and sent nothing."""
    return {"rss_mb": machine.peak_rss_mb()}


async def run_naive(url: str, db_path: Path, n: int) -> dict[str, Any]:
    """`for chat in chats: await bot.send_message(...)`, errors logged and skipped."""
    db = await Database.open(db_path)
    release = await releases.get(db, 1)
    await db.close()
    assert release is not None
    view = render.release_view(release, "en")
    bot = Bot(
        DEFAULT_TOKEN,
        session=AiohttpSession(api=TelegramAPIServer.from_base(url)),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    seconds: list[float] = []
    started = time.perf_counter()
    for chat in range(1, n + 1):
        sent = time.perf_counter()
        try:
            await bot.send_message(chat, view.text, reply_markup=view.keyboard)
        except TelegramAPIError as error:
            print(f"chat {chat}: {error}", file=sys.stderr)
        seconds.append(time.perf_counter() - sent)
    elapsed = time.perf_counter() - started
    await bot.session.close()
    p50, p99 = _percentiles(seconds)
    return {"n": n, "seconds": elapsed, "p50": p50, "p99": p99, "rss_mb": machine.peak_rss_mb()}


# --- The parent: fresh emulator, seeded database, one child per row ------------------------


def ask_control(control: str, path: str) -> dict[str, Any]:
    """A JSON answer of the emulator's control server at `control`."""
    with urllib.request.urlopen(f"{control}{path}", timeout=120) as response:
        answer: dict[str, Any] = json.load(response)
        return answer


class EmulatorProcess:
    """`bench._emulator_server` running in the background, with its command-line `options`."""

    def __init__(self, users: int, *options: str) -> None:
        command = [sys.executable, "-m", "bench._emulator_server", "--users", str(users)]
        command += options
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        words = self.process.stdout.readline().split()
        if len(words) != 4:
            self.process.kill()
            raise RuntimeError("the emulator did not start")
        self.api, self.control = words[1], words[3]

    def ask(self, path: str) -> dict[str, Any]:
        """A JSON answer of its control server, e.g. `/stats`: what readers received."""
        return ask_control(self.control, path)

    def stop(self) -> None:
        """Stop it and wait."""
        self.process.terminate()
        self.process.wait(timeout=60)


async def _migrate(db_path: Path) -> None:
    db = await Database.open(db_path)
    await db.close()


def seed_rows(db_path: Path, users: int) -> None:
    """Insert the subscribers in one transaction (the schema exists by now)."""
    with sqlite3.connect(db_path) as connection:
        connection.executemany(
            "INSERT INTO subscribers (chat_id, first_name, telegram_language, created_at, "
            "updated_at) VALUES (?, ?, 'en', 0, 0)",
            ((chat, f"Reader {chat}") for chat in range(1, users + 1)),
        )


def measure(setting: Setting, sender: str, n: int) -> dict[str, Any]:
    """One row: a fresh emulator and database, the sender in its own process."""
    print(f"setting {setting.number}, {sender}, N={n:,} ...", file=sys.stderr, flush=True)
    options = ["--latency", str(setting.latency)]
    if setting.telegram_limits:
        options.append("--telegram-limits")
    if not setting.checks:
        options.append("--no-checks")
    emulator = EmulatorProcess(n, *options)
    try:
        with tempfile.TemporaryDirectory() as folder:
            db_path = Path(folder) / "bench.sqlite3"
            asyncio.run(_migrate(db_path))
            seed_rows(db_path, n)
            asyncio.run(_draft(db_path))
            command = [sys.executable, "-m", "bench.broadcast", "--child", sender]
            command += ["--url", emulator.api, "--db", str(db_path), "--mode", setting.mode]
            command += ["--n", str(n)]
            done = subprocess.run(
                command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=3600
            )
            if done.returncode != 0:
                raise RuntimeError(f"{sender} run failed:\n{done.stderr}")
            result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        result.update(emulator.ask("/stats"))
    finally:
        emulator.stop()
    result.update(setting=setting, sender=sender)
    return result


async def _draft(db_path: Path) -> None:
    db = await Database.open(db_path)
    await releases.create_draft(
        db,
        title=TITLE,
        body=SUMMARY,
        summary=SUMMARY,
        link=LINK,
        photo_file_id=None,
        language="en",
        author_id=1,
        now=time.time(),
    )
    await db.close()


def row(result: dict[str, Any]) -> str:
    """One Markdown table row."""
    setting: Setting = result["setting"]
    rate = result["n"] / result["seconds"]
    share = f"{rate / setting.configured:.0%}" if setting.configured else "unpaced"
    sender = "engine" if result["sender"] == "engine" else "naive loop"
    return (
        f"| {setting.number}. {setting.name} | {sender} | {result['n']:,} | {rate:,.0f} | "
        f"{share} | {result['statuses'].get('429', 0):,} | "
        f"{result['p50'] * 1000:.0f} / {result['p99'] * 1000:.0f} ms | "
        f"{result['rss_mb']:.0f} MB | {result['lost']:,} |"
    )


def main() -> None:
    """Run every row (or, with --child, one sender) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000, help="N for setting 3")
    parser.add_argument("--n1", type=int, default=1_500, help="N for setting 1 (25/s)")
    parser.add_argument("--n2", type=int, default=10_000, help="N for setting 2 (1000/s)")
    parser.add_argument(
        "--naive-n", type=int, default=300, help="N for the naive loop under 100 ms latency"
    )
    parser.add_argument("--rss-n", type=int, default=100_000, help="0 to skip the RSS run")
    parser.add_argument(
        "--settings", default="1,2,3", help="which settings to run, e.g. 3 or 1,2 (default all)"
    )
    parser.add_argument("--child", choices=("engine", "naive", "floor"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "engine":
        print(json.dumps(asyncio.run(run_engine(args.url, args.db, args.mode))))
        return
    if args.child == "naive":
        print(json.dumps(asyncio.run(run_naive(args.url, args.db, args.n))))
        return
    if args.child == "floor":
        print(json.dumps(import_floor()))
        return

    one, two, three = SETTINGS
    plan = [
        (one, "engine", args.n1),
        (one, "naive", args.naive_n),
        (two, "engine", args.n2),
        (two, "naive", args.naive_n),
        (three, "engine", args.n),
        (three, "naive", args.n),
    ]
    if args.rss_n:
        plan.append((three, "engine", args.rss_n))
    chosen = {int(number) for number in args.settings.split(",")}
    plan = [step for step in plan if step[0].number in chosen]
    results = [measure(setting, sender, n) for setting, sender, n in plan]
    floor = subprocess.run(
        [sys.executable, "-m", "bench.broadcast", "--child", "floor"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    floor_mb = json.loads(floor.stdout)["rss_mb"]
    print(
        "| Setting | Sender | N | msgs/s | share of configured rate | 429s | p50 / p99 per send "
        "| peak RSS | lost |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for result in results:
        print(row(result))
    print()
    print(machine.describe(f"aiogram {aiogram.__version__}", f"aiohttp {aiohttp.__version__}"))
    print(
        "Configured rates: setting 1 SEND_RATE=25 (default), setting 2 PAID_BROADCAST=true "
        "(1000/s), setting 3 pacing off. The emulator runs in its own process; each sender "
        "runs in a fresh process whose peak RSS is shown. Extra copies seen by the emulator, "
        "row by row: " + ", ".join(str(result["duplicates"]) for result in results) + "."
    )
    print(
        f"Peak RSS of the same process after its imports, before sending anything: "
        f"{floor_mb:.0f} MB (aiogram imported as `python -m bot` does: see bot/lazy_types.py)."
    )


if __name__ == "__main__":
    main()
