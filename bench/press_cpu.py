"""CPU per star press and per broadcast send, load-independent:
`python -m bench.press_cpu [--readers 3000] [--rounds 3] [--baseline DIR]`.

The wall-clock benches (`bench.storm`) swing with the machine's load; the CPU a press or a send
costs the bot does much less. The Bot API emulator runs in its own process with no latency and
its checks off; the whole bot (`bot.app`: Dispatcher, delivery engine, long polling, with
`PAID_BROADCAST=true`) runs in another, on a database seeded with N readers and one release:

1. **Sends.** The release is published to the N readers (paced at the paid 1,000/s): CPU of
   the bot's process from publishing to the last outcome committed, over N.
2. **Presses.** Every reader then presses a random star under their copy at once, as Telegram
   would send it (a `callback_query` carrying the message and its star row); the bot takes them
   by long polling, 100 a round trip, exactly as in production. CPU from the presses injected
   to the last one answered, over N. The star-row redraws they queue are not sent (the redraw
   workers are stopped first): Telegram lets them out at 28 a second whatever they cost, so in
   a window of a few seconds they would only add noise.

Both are measured as the process's CPU time (the database thread included) and as the event
loop thread's alone, the one that saturates in a storm. `--baseline DIR` runs the same
measurement, round for round, against another checkout (e.g. `git archive <rev> | tar -x -C
DIR`), so both columns share the machine's mood. Prints a Markdown table and the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOTAL = re.compile(r"Total: ([\d,]+)")
# Runs this file as __main__ without putting bench/ itself on the path.
CHILD = "import runpy, sys; runpy.run_path(sys.argv.pop(1), run_name='__main__')"


def _cpu() -> tuple[float, float]:
    """(process CPU seconds, this thread's CPU seconds)."""
    return time.process_time(), time.thread_time()


async def run_bot(url: str, control: str, db_path: Path) -> dict[str, Any]:
    """The whole bot by long polling: publish release 1, then have every reader press a star;
    the CPU each took."""
    from bench.broadcast import DEFAULT_TOKEN, ask_control
    from bot.app import build_bot, build_dispatcher, serve
    from bot.config import Settings

    settings = Settings(
        _env_file=None,
        bot_token=DEFAULT_TOKEN,
        telegram_api_url=url,
        database_path=db_path,
        paid_broadcast=True,
    )
    bot = build_bot(settings)
    dispatcher = build_dispatcher(settings)
    stop, ready = asyncio.Event(), asyncio.Event()

    async def on_ready() -> None:
        ready.set()

    dispatcher.startup.register(on_ready)
    serving = asyncio.create_task(serve(bot, dispatcher, settings, stop))
    await ready.wait()
    await asyncio.sleep(0.5)
    await dispatcher["redraws"].stop()

    engine = dispatcher["delivery"]
    before = _cpu()
    sent = await engine.publish(1, report_chat_id=None)
    await engine.wait_sent(1)
    after_sends = _cpu()

    await asyncio.sleep(0.5)
    before_presses = _cpu()
    pressed = (await asyncio.to_thread(ask_control, control, "/press-all"))["pressed"]
    while True:
        storm = await asyncio.to_thread(ask_control, control, "/storm")
        if storm["answered"] >= pressed:
            break
        await asyncio.sleep(0.1)
    after_presses = _cpu()
    stop.set()
    await serving
    totals = sorted(
        int(match.group(1).replace(",", ""))
        for text in storm["answer_texts"]
        if (match := TOTAL.search(text)) is not None
    )
    return {
        "sent": sent,
        "pressed": pressed,
        "exact": totals == list(range(1, pressed + 1)),
        "send": [b - a for a, b in zip(before, after_sends, strict=True)],
        "press": [b - a for a, b in zip(before_presses, after_presses, strict=True)],
    }


def measure(readers: int, checkout: Path) -> dict[str, Any]:
    """One round: a fresh emulator and database, the bot of `checkout` in its own process."""
    from bench.broadcast import EmulatorProcess, _draft, _migrate, seed_rows

    emulator = EmulatorProcess(readers, "--latency", "0", "--no-checks", "--press-share", "0")
    try:
        with tempfile.TemporaryDirectory() as folder:
            db_path = Path(folder) / "bench.sqlite3"
            asyncio.run(_migrate(db_path))
            seed_rows(db_path, readers)
            asyncio.run(_draft(db_path))
            # This file run with `checkout` first on the path: its bot, storage and bench.
            command = [sys.executable, "-c", CHILD, str(Path(__file__).resolve()), "--child"]
            command += ["--url", emulator.api, "--control", emulator.control]
            command += ["--db", str(db_path)]
            environment = {**os.environ, "PYTHONPATH": str(checkout)}
            done = subprocess.run(
                command,
                cwd=checkout,
                env=environment,
                capture_output=True,
                text=True,
                check=False,
                timeout=1800,
            )
            if done.returncode != 0:
                raise RuntimeError(f"bot run failed:\n{done.stderr}")
            result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
            if Path(result["code"]) != checkout:
                raise RuntimeError(f"measured {result['code']}, not {checkout}")
        result["statuses"] = emulator.ask("/stats")["statuses"]
    finally:
        emulator.stop()
    return result


def _median(results: list[dict[str, Any]], kind: str, which: int) -> float:
    """Median CPU milliseconds per press or per send over the rounds."""
    count = "pressed" if kind == "press" else "sent"
    return float(statistics.median(r[kind][which] / r[count] * 1000 for r in results))


def row(name: str, results: list[dict[str, Any]]) -> str:
    """One Markdown table row: medians over the rounds."""
    press, press_loop = _median(results, "press", 0), _median(results, "press", 1)
    send, send_loop = _median(results, "send", 0), _median(results, "send", 1)
    exact = all(r["exact"] for r in results)
    return (
        f"| {name} | {press:.2f} | {press_loop:.2f} | {1000 / press:,.0f} | {send:.3f} | "
        f"{send_loop:.3f} | {1000 / send:,.0f} | {'yes' if exact else 'NO'} |"
    )


def main() -> None:
    """Run the rounds (or, with --child, the bot) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=3_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--baseline", type=Path, help="another checkout measured the same way, round for round"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--control", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = asyncio.run(run_bot(args.url, args.control, args.db))
        import bot as package

        result["code"] = str(Path(package.__file__).resolve().parent.parent)
        print(json.dumps(result))
        return
    from bench import machine

    checkouts = [("this checkout", ROOT)]
    if args.baseline is not None:
        checkouts.append((f"baseline ({args.baseline})", args.baseline.resolve()))
    results: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in checkouts}
    for number in range(args.rounds):
        for name, checkout in checkouts:
            print(f"round {number + 1}, {name} ...", file=sys.stderr, flush=True)
            results[name].append(measure(args.readers, checkout))
    print(
        "| code | CPU ms per press | of it, event loop | presses per CPU-second "
        "| CPU ms per send | of it, event loop | sends per CPU-second | totals exact |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, _ in checkouts:
        print(row(name, results[name]))
    print()
    print(
        f"{args.readers:,} readers, each pressing once; medians of {args.rounds} rounds; "
        "429s and other statuses: "
        + "; ".join(f"{name}: {results[name][-1]['statuses']}" for name, _ in checkouts)
    )
    print(machine.describe(f"aiogram {version('aiogram')}"))
    with open("/proc/loadavg") as load:
        print(f"load average at the end: {' '.join(load.read().split()[:3])}")


if __name__ == "__main__":
    main()
