"""The local news site in a process of its own, for `bench.sources`.

`python -m bench._site_server --feeds N [--latency S]` serves `/feeds/0.xml` ... with ten items
each, prints one line `SITE <base url>` once it serves, and runs until SIGTERM. Its CPU and
memory are not the poller's.
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from tests.site import Entry, Site


async def serve(args: argparse.Namespace) -> None:
    """Start the site; stop on SIGTERM or SIGINT."""
    site = Site(latency=args.latency)
    for n in range(args.feeds):
        site.feeds[str(n)] = [
            Entry(f"{n}-{i}", f"Release {i} of feed {n}") for i in range(10, 0, -1)
        ]
    await site.start()
    print(f"SITE {site.base}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await site.stop()


def main() -> None:
    """Parse the knobs and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.0)
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
