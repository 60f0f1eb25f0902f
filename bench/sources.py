"""Polling 500 sources: `python -m bench.sources`.

The local news site runs in its own process with 50 ms of latency on every answer and serves
500 RSS feeds of ten items each. The poller adds all 500 (their items marked seen), then a new
item appears in 5% of the feeds, and one full polling round runs: conditional GETs, 475 answers
304, 25 feeds parsed, 25 article pages fetched for their teasers and extracted. The same round
runs again (all 304s), and once more with the stored validators dropped (every feed fetched and
parsed in full, nothing new), the cost conditional GET saves. Prints a Markdown table with the
seconds, HTTP requests, peak RSS of this process and the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import aiohttp
import feedparser
import trafilatura

from bench import machine
from bot.sources.fetch import FetchConfig
from bot.sources.poller import NewItem, Poller, SourceNotice, SourcesConfig
from bot.workers import Workers
from storage import sources as stored
from storage.db import Database

ROOT = Path(__file__).resolve().parents[1]


class SiteProcess:
    """`bench._site_server` running in the background."""

    def __init__(self, feeds: int, latency: float) -> None:
        command = [
            sys.executable,
            "-m",
            "bench._site_server",
            "--feeds",
            str(feeds),
            "--latency",
            str(latency),
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline().split()
        if not line or line[0] != "SITE":
            self.process.kill()
            raise RuntimeError("the site did not start")
        self.base = line[1]

    def change(self, count: int) -> None:
        """A new first item in `count` feeds."""
        request = urllib.request.Request(
            f"{self.base}/_control/new-items?count={count}", method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            json.load(answer)

    def stop(self) -> None:
        """Stop the site."""
        self.process.terminate()
        self.process.wait(timeout=10)


async def run(feeds: int, changed: int, latency: float, concurrency: int) -> list[list[str]]:
    """Add the feeds, then time three rounds; one table row each."""
    site = SiteProcess(feeds, latency)
    taken: list[NewItem] = []

    async def on_item(item: NewItem) -> int | None:
        taken.append(item)
        return None

    async def on_notice(notice: SourceNotice) -> None:
        raise AssertionError(f"no source should fail: {notice}")

    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.sqlite3")
        config = SourcesConfig(
            fetch=FetchConfig(allow_private=True), interval=600.0, concurrency=concurrency
        )
        workers = Workers()
        poller = Poller(db, config, on_item=on_item, on_notice=on_notice, workers=workers)
        try:
            added = await asyncio.gather(
                *(poller.add_source(f"{site.base}/feeds/{n}.xml") for n in range(feeds))
            )
            assert sum(a.items for a in added) == feeds * 10
            site.change(changed)
            rounds = [
                (f"{changed / feeds:.0%} of feeds changed", False),
                ("the same round again", False),
                ("no validators stored (baseline)", True),
            ]
            for name, drop_validators in rounds:
                if drop_validators:
                    await db.write("UPDATE sources SET etag = NULL, last_modified = NULL")
                taken.clear()
                requests = poller.fetcher.requests
                started = time.perf_counter()
                results = await poller.poll_round(due_only=False)
                seconds = time.perf_counter() - started
                assert not any(result.error for result in results), results
                rows.append(
                    [
                        name,
                        f"{len(results):,}",
                        f"{poller.fetcher.requests - requests:,}",
                        f"{sum(result.not_modified for result in results):,}",
                        f"{len(taken):,}",
                        f"{seconds:.2f}",
                        f"{machine.peak_rss_mb():.0f}",
                    ]
                )
            stored_count = len(await stored.listed(db))
            assert stored_count == feeds
        finally:
            await poller.close()
            workers.close()
            await db.close()
            site.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the rounds and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--changed", type=float, default=0.05, help="share of feeds changed")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per answer")
    parser.add_argument("--concurrency", type=int, default=SourcesConfig().concurrency)
    args = parser.parse_args(argv)
    changed = round(args.feeds * args.changed)
    rows = asyncio.run(run(args.feeds, changed, args.latency, args.concurrency))
    print(
        f"{args.feeds} sources, {args.latency * 1000:.0f} ms latency per answer, "
        f"{args.concurrency} fetches at once\n"
    )
    print("| round | sources polled | HTTP requests | 304s | new items | seconds | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    print(
        machine.describe(
            f"aiohttp {aiohttp.__version__}",
            f"feedparser {feedparser.__version__}",
            f"trafilatura {trafilatura.__version__}",
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
