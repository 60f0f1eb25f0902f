"""A rating storm during a paid broadcast: `python -m bench.storm [--sizes 3000 30000]
[--intake polling webhook] [--connections 100] [--help-flood]`.

The Bot API emulator runs in its own process with 100 ms of latency and Telegram's limits (paid
broadcasts at 1,000/s; the free 30/s bucket and one message a second per chat for the rest).
The whole bot (`bot.app`: Dispatcher, the delivery engine, and long polling or the webhook server
on 127.0.0.1 with `WEBHOOK_MAX_CONNECTIONS=--connections`, the emulator pushing) runs in another,
with `PAID_BROADCAST=true`, and publishes one release to N readers. As each reader's copy lands,
60% of them press a random star 0.2-2 s later (the emulator injects the press); with
`--help-flood` they send `/help` instead, and the table gives the replies delivered, their
latency (from the `/help` to the reply that was delivered reaching the emulator) and the
broadcast's rate beside the same run without it. Measured:

- the broadcast's rate (N over the time from publishing to the last delivery settled);
- each press's answer latency: from the press injected to the bot's `answerCallbackQuery`
  reaching the emulator (p50, p99, max), and how many presses got an answer;
- whether the totals are exact: the answers' "Total: k" run over 1..P exactly once for P
  readers voting once each, and the stored count is P;
- the redraws of star rows done by the end, and requests per second by method during the
  broadcast;
- the CPU of the bot and of the emulator (share of one core over the broadcast; the
  emulator's includes its start-up), and the bot's peak RSS.

Every size and intake runs twice, with the storm (or flood) and without votes, so the two
broadcast rates sit side by side. Prints a Markdown table and the machine it ran on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import resource
import socket
import sqlite3
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
    seed_rows,
)
from bot.config import Settings
from bot.delivery import DeliveryEngine

ROOT = Path(__file__).resolve().parent.parent
SHARE = 0.6
LATENCY = 0.1
# How long after the broadcast the presses may still come (the latest press delay, and slack).
PRESS_TAIL = 2.0
TOTAL = re.compile(r"Total: ([\d,]+)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def run_bot(
    url: str, control: str, db_path: Path, webhook_connections: int | None
) -> dict[str, Any]:
    """Run the whole bot, publish release 1, wait for the broadcast and every press's answer
    (or every /help's reply); with `webhook_connections`, in webhook mode on 127.0.0.1."""
    webhook: dict[str, Any] = {}
    if webhook_connections is not None:
        port = _free_port()
        webhook = {
            "webhook_url": f"http://127.0.0.1:{port}",
            "webhook_secret": "storm",
            "webhook_port": port,
            "webhook_max_connections": webhook_connections,
        }
    settings = Settings(
        _env_file=None,
        bot_token=DEFAULT_TOKEN,
        telegram_api_url=url,
        database_path=db_path,
        paid_broadcast=True,
        **webhook,
    )
    async with running_bot(settings) as dispatcher:
        engine: DeliveryEngine = dispatcher["delivery"]

        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        begun = time.time()
        started = time.perf_counter()
        queued = await engine.publish(1, report_chat_id=None)
        await engine.wait_sent(1)
        broadcast = time.perf_counter() - started
        ended = time.time()
        cpu_broadcast = resource.getrusage(resource.RUSAGE_SELF)
        # Presses come up to 2 s after the last copy; then every one of them should be answered
        # (a /help's reply may wait its turn in the free 30/s for minutes).
        deadline = time.monotonic() + PRESS_TAIL + 900
        await asyncio.sleep(PRESS_TAIL + 0.2)
        while time.monotonic() < deadline:
            storm = await asyncio.to_thread(ask_control, control, "/storm")
            if not storm or storm["answered"] + storm["replied"] >= storm["scheduled"]:
                break
            await asyncio.sleep(0.2)
        settled = time.perf_counter() - started
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (
            cpu_before.ru_utime + cpu_before.ru_stime
        )
    return {
        "n": queued,
        "broadcast_seconds": broadcast,
        "begun": begun,
        "ended": ended,
        "cpu_share": cpu / settled,
        "cpu_broadcast": (cpu_broadcast.ru_utime + cpu_broadcast.ru_stime)
        - (cpu_before.ru_utime + cpu_before.ru_stime),
        "rss_mb": machine.peak_rss_mb(),
    }


def _stored_votes(db_path: Path) -> tuple[int, int]:
    with sqlite3.connect(db_path) as connection:
        rows = connection.execute("SELECT COUNT(*) FROM votes WHERE release_id = 1").fetchone()
        count = connection.execute("SELECT vote_count FROM releases WHERE id = 1").fetchone()
    return int(rows[0]), int(count[0])


def measure(
    n: int, share: float, *, webhook: int | None = None, act: str = "press"
) -> dict[str, Any]:
    """One row: a fresh emulator and database, the bot in its own process (long polling, or
    webhook mode with `webhook` connections)."""
    intake = "polling" if webhook is None else f"webhook {webhook}"
    print(f"N={n:,}, {intake}, {act} {share:.0%} ...", file=sys.stderr, flush=True)
    press = ["--press-share", str(share), "--act", act]
    emulator = EmulatorProcess(n, "--latency", str(LATENCY), "--telegram-limits", *press)
    try:
        with tempfile.TemporaryDirectory() as folder:
            db_path = Path(folder) / "bench.sqlite3"
            asyncio.run(_migrate(db_path))
            seed_rows(db_path, n)
            asyncio.run(_draft(db_path))
            command = [sys.executable, "-m", "bench.storm", "--child"]
            command += ["--url", emulator.api, "--control", emulator.control, "--db", str(db_path)]
            if webhook is not None:
                command += ["--child-webhook", str(webhook)]
            done = subprocess.run(
                command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=3600
            )
            if done.returncode != 0:
                raise RuntimeError(f"bot run failed:\n{done.stderr}")
            result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
            result["rows"], result["count"] = _stored_votes(db_path)
        result["storm"] = emulator.ask("/storm")
        result["stats"] = emulator.ask("/stats")
    finally:
        emulator.stop()
    result["share"] = share
    result["intake"] = intake
    result["act"] = act
    return result


def _ms(seconds: list[float], share: float) -> str:
    if not seconds:
        return "—"
    if len(seconds) < 2:
        return f"{seconds[0] * 1000:,.0f}"
    cut = statistics.quantiles(seconds, n=100, method="inclusive")[int(share * 100) - 1]
    return f"{cut * 1000:,.0f}"


def _per_second(result: dict[str, Any], method: str) -> float:
    times = result["storm"]["arrivals"].get(method, [])
    begun, ended = float(result["begun"]), float(result["ended"])
    return sum(1 for t in times if begun <= t <= ended) / (ended - begun)


def consistent(result: dict[str, Any]) -> bool:
    """The answers' totals run over 1..P once each, and the database holds P votes."""
    storm = result["storm"]
    totals = sorted(
        int(match.group(1).replace(",", ""))
        for text in storm["answer_texts"]
        if (match := TOTAL.search(text)) is not None
    )
    voters = storm["answered"]
    return totals == list(range(1, voters + 1)) and result["rows"] == result["count"] == voters


def row(result: dict[str, Any]) -> str:
    """One Markdown table row of the storm table."""
    storm = result["storm"]
    latencies = storm["latencies"]
    rate = result["n"] / result["broadcast_seconds"]
    votes = "storm" if result["share"] else "no votes"
    answered = f"{storm['answered']:,} of {storm['scheduled']:,}" if result["share"] else "—"
    kinds = " · ".join(
        f"{label} {_per_second(result, method):,.0f}"
        for label, method in (
            ("send", "sendMessage"),
            ("answer", "answerCallbackQuery"),
            ("redraw", "editMessageReplyMarkup"),
            ("poll", "getUpdates"),
        )
        if method != "getUpdates" or result["intake"] == "polling"
    )
    return (
        f"| {result['n']:,} | {result['intake']} | {votes} | {rate:,.0f} | "
        f"{_ms(latencies, 0.5)} / {_ms(latencies, 0.99)} / "
        f"{(max(latencies) * 1000 if latencies else 0):,.0f} | {answered} | "
        f"{'yes' if consistent(result) or not result['share'] else 'NO'} | "
        f"{len(storm['redraws']):,} | {kinds} | {result['stats']['statuses'].get('429', 0):,} | "
        f"{_cpu(result)} |"
    )


def _cpu(result: dict[str, Any]) -> str:
    return (
        f"{result['cpu_broadcast'] / result['broadcast_seconds']:.0%} | "
        f"{result['storm']['cpu_seconds'] / result['broadcast_seconds']:.0%} | "
        f"{result['rss_mb']:.0f} MB"
    )


def help_row(result: dict[str, Any], quiet: dict[str, Any]) -> str:
    """One Markdown table row of the /help flood table, beside the run without it."""
    storm = result["storm"]
    replies = storm["reply_latencies"]
    rate = result["n"] / result["broadcast_seconds"]
    quiet_rate = quiet["n"] / quiet["broadcast_seconds"]
    failed = storm["asked"] - storm["replied"]
    return (
        f"| {result['n']:,} | {result['intake']} | {storm['replied']:,} of {storm['asked']:,} | "
        f"{failed:,} | {storm['extra_replies']:,} | "
        f"{_ms(replies, 0.5)} / {_ms(replies, 0.99)} / "
        f"{(max(replies) * 1000 if replies else 0):,.0f} | "
        f"{rate:,.0f} | {quiet_rate:,.0f} | {rate / quiet_rate:.0%} | "
        f"{result['stats']['statuses'].get('429', 0):,} | {_cpu(result)} |"
    )


def main() -> None:
    """Run every size and intake with and without votes (or, with --child, the bot) and print
    the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3_000, 30_000])
    parser.add_argument(
        "--intake", nargs="+", choices=["polling", "webhook"], default=["polling", "webhook"]
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=100,
        help="WEBHOOK_MAX_CONNECTIONS in webhook mode (default: 100)",
    )
    parser.add_argument(
        "--help-flood",
        action="store_true",
        help="readers send /help instead of pressing a star",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--control", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-webhook", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        bot_run = run_bot(args.url, args.control, args.db, args.child_webhook)
        print(json.dumps(asyncio.run(bot_run)))
        return
    act = "help" if args.help_flood else "press"
    pairs = []
    for n in args.sizes:
        for intake in args.intake:
            webhook = args.connections if intake == "webhook" else None
            pairs.append(
                (measure(n, SHARE, webhook=webhook, act=act), measure(n, 0.0, webhook=webhook))
            )
    if args.help_flood:
        print(
            "| readers | intake | replies delivered | not delivered | extra copies "
            "| reply p50 / p99 / max ms | broadcast msg/s | without /help | share "
            "| 429s | bot CPU | emulator CPU | bot peak RSS |"
        )
        print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for flood, quiet in pairs:
            print(help_row(flood, quiet))
    else:
        print(
            "| readers | intake | votes | broadcast msg/s | answer p50 / p99 / max ms "
            "| presses answered | totals exact | redraws done | requests/s during the broadcast "
            "| 429s | bot CPU | emulator CPU | bot peak RSS |"
        )
        print("|---:|---|---|---:|---:|---:|---|---:|---|---:|---:|---:|---:|")
        for pair in pairs:
            for result in pair:
                print(row(result))
    print()
    print(machine.describe(f"aiogram {aiogram.__version__}"))
    with open("/proc/loadavg") as load:
        print(f"load average at the end: {' '.join(load.read().split()[:3])}")


if __name__ == "__main__":
    main()
