"""A channel post under a rating storm: `python -m bench.channels [--seconds 60] [--rate 100]`.

The Bot API emulator runs in its own process with 100 ms of latency and Telegram's limits (the
free 30/s bucket; in a channel 20 messages a minute and 20 edits a minute with a burst of 3,
answered 429 beyond). The whole bot (`bot.app`: Dispatcher, long polling, the delivery engine,
the live counters) runs in another and publishes one release to a channel. Once the post lands,
`--rate` distinct people a second press a random star on it for `--seconds`. Measured:

- edits of the post's counter, and the most in any 60 s window (Telegram's limit: 20);
- from the last press until the post's counter shows the final totals;
- presses answered of presses sent, and each answer's latency (press injected to the bot's
  answerCallbackQuery reaching the emulator), p50 and p99;
- 429s the emulator answered (any method).

Prints a Markdown table and the machine it ran on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiogram

from bench import machine
from bench.broadcast import (
    DEFAULT_TOKEN,
    EmulatorProcess,
    _draft,
    _migrate,
    ask_control,
    running_bot,
)
from bot.config import Settings
from bot.delivery import DeliveryEngine
from storage import chats
from storage.db import Database

ROOT = Path(__file__).resolve().parent.parent
CHANNEL = -1001234500001
LATENCY = 0.1
# How long after the last press the counter may take to show the final totals before giving up.
SETTLE = 30.0


async def _channel(db_path: Path) -> None:
    db = await Database.open(db_path)
    await chats.join(
        db,
        CHANNEL,
        kind="channel",
        title="Press centre",
        on=True,
        added_by=1,
        telegram_language="en",
    )
    await db.close()


async def run_bot(url: str, control: str, db_path: Path) -> dict[str, Any]:
    """Run the whole bot, publish release 1 to the channel, wait until the storm has passed
    and the counter shows the final totals (or `SETTLE` seconds more)."""
    settings = Settings(
        _env_file=None, bot_token=DEFAULT_TOKEN, telegram_api_url=url, database_path=db_path
    )
    async with running_bot(settings) as dispatcher:
        engine: DeliveryEngine = dispatcher["delivery"]
        await engine.publish(1, report_chat_id=None)
        await engine.wait_sent(1)
        deadline: float | None = None
        while True:
            await asyncio.sleep(0.25)
            report = await asyncio.to_thread(ask_control, control, "/channel")
            if not report["done"]:
                continue
            deadline = deadline or time.monotonic() + SETTLE
            shown = report["shown"]
            final = bool(shown) and shown[-1][1] == report["final"]
            answered = report["answered"] >= report["pressed"]
            if (final and answered) or time.monotonic() > deadline:
                break
    return {"rss_mb": machine.peak_rss_mb()}


def most_in_a_minute(times: list[float]) -> int:
    """The most edits in any 60 s window."""
    return max((sum(1 for t in times if start <= t < start + 60.0) for start in times), default=0)


def _ms(seconds: list[float], share: float) -> str:
    if not seconds:
        return "—"
    if len(seconds) < 2:
        return f"{seconds[0] * 1000:,.0f}"
    cut = statistics.quantiles(seconds, n=100, method="inclusive")[int(share * 100) - 1]
    return f"{cut * 1000:,.0f}"


def measure(rate: float, seconds: float) -> dict[str, Any]:
    """One run: a fresh emulator and database, the bot in its own process."""
    print(f"{rate:g} votes a second for {seconds:g} s ...", file=sys.stderr, flush=True)
    emulator = EmulatorProcess(
        0,
        "--latency",
        str(LATENCY),
        "--telegram-limits",
        "--channel",
        str(CHANNEL),
        "--channel-votes",
        str(rate),
        "--channel-seconds",
        str(seconds),
    )
    try:
        with tempfile.TemporaryDirectory() as folder:
            db_path = Path(folder) / "bench.sqlite3"
            asyncio.run(_migrate(db_path))
            asyncio.run(_channel(db_path))
            asyncio.run(_draft(db_path))
            command = [sys.executable, "-m", "bench.channels", "--child"]
            command += ["--url", emulator.api, "--control", emulator.control, "--db", str(db_path)]
            done = subprocess.run(
                command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=3600
            )
            if done.returncode != 0:
                raise RuntimeError(f"bot run failed:\n{done.stderr}")
            result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        result["channel"] = emulator.ask("/channel")
    finally:
        emulator.stop()
    result["rate"], result["seconds"] = rate, seconds
    return result


def row(result: dict[str, Any]) -> str:
    """One Markdown table row."""
    channel = result["channel"]
    edits = channel["edits"]
    final = [at for at, line in channel["shown"] if line == channel["final"]]
    # The first edit showing the final totals after the last press.
    caught_up = [at for at in final if at >= channel["last_press"]]
    lag = f"{caught_up[0] - channel['last_press']:.1f} s" if caught_up else "never"
    latencies = channel["latencies"]
    return (
        f"| {result['rate']:g}/s × {result['seconds']:g} s | {len(edits)} | "
        f"{most_in_a_minute(edits)} | {lag} | {channel['final']} | "
        f"{channel['answered']:,} of {channel['pressed']:,} | "
        f"{_ms(latencies, 0.5)} / {_ms(latencies, 0.99)} | "
        f"{channel['statuses'].get('429', 0):,} | {result['rss_mb']:.0f} MB |"
    )


def main() -> None:
    """Run the storm on one channel post (or, with --child, the bot) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the votes come")
    parser.add_argument("--rate", type=float, default=100.0, help="votes a second")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--control", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(run_bot(args.url, args.control, args.db))))
        return
    result = measure(args.rate, args.seconds)
    print(
        "| votes | edits to the post | most edits in any 60 s | last vote → final total "
        "shown | final counter | presses answered | answer p50 / p99 ms | 429s "
        "| bot peak RSS |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|")
    print(row(result))
    print()
    print(machine.describe(f"aiogram {aiogram.__version__}"))
    with open("/proc/loadavg") as load:
        print(f"load average at the end: {' '.join(load.read().split()[:3])}")


if __name__ == "__main__":
    main()
