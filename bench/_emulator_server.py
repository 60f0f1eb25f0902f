"""The Bot API emulator in a process of its own, for `bench.broadcast`.

`python -m bench._emulator_server --users N [--latency S] [--telegram-limits] [--no-checks]`
prints one line `API <url> CONTROL <url>` once it serves, and runs until SIGTERM. The control
server answers `GET /stats` with what readers 1..N received: totals, readers who got nothing,
extra copies, and HTTP statuses. Its CPU and memory are not the sender's; it runs with the cyclic
garbage collector off, as Telegram's own pauses are not what the benchmark measures.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import signal
from collections import Counter

from aiohttp import web

from tests.emulator import Emulator


async def serve(args: argparse.Namespace) -> None:
    """Start the emulator and its control server; stop on SIGTERM or SIGINT."""
    # The emulator stands in for Telegram: pauses of its own cyclic garbage collector over
    # 100,000 stored messages are not the sender's cost, so it runs without one.
    gc.disable()
    emulator = Emulator(checks=not args.no_checks)
    # A log of every request would hold 100,000 records: the counters are enough here.
    emulator.log_requests = False
    emulator.latency = args.latency
    if args.telegram_limits:
        emulator.enable_telegram_limits()
    for user_id in range(1, args.users + 1):
        emulator.add_user(user_id, first_name=f"Reader {user_id}")
    await emulator.start()

    async def stats(_: web.Request) -> web.Response:
        received = Counter(emulator.delivered_count(chat) for chat in range(1, args.users + 1))
        return web.json_response(
            {
                "delivered": emulator.delivered_count(),
                "lost": received[0],
                "duplicates": sum((copies - 1) * n for copies, n in received.items() if copies),
                "statuses": {str(code): n for code, n in emulator.status_counts.items()},
                "violations": len(emulator.violations),
            }
        )

    control = web.Application()
    control.router.add_get("/stats", stats)
    runner = web.AppRunner(control, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    print(f"API {emulator.base_url} CONTROL http://127.0.0.1:{port}", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await runner.cleanup()
    await emulator.stop()


def main() -> None:
    """Parse the knobs and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--telegram-limits", action="store_true")
    parser.add_argument("--no-checks", action="store_true")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
