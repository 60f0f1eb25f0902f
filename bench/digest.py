"""Digest scheduling at scale: `python -m bench.digest`.

Builds a real SQLite file per size (half the subscribers on a daily digest, a quarter weekly, a
quarter taking releases as they come; 300 releases over the past week; five votes per
subscriber, so 500,000 at 100,000) and times, in a fresh process, one hour's run of the digest
job: load every schedule, decide who is due, queue their digests. The child process reports its
own peak RSS, so building the file does not count. Prints a Markdown table and the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench import machine
from bot import digests
from bot.texts import TIME_ZONES
from bot.when import last_slot
from storage import digests as stored
from storage.db import Database

SIZES = (10_000, 30_000, 100_000)
RELEASES = 300
VOTES_PER_SUBSCRIBER = 5
PRESS_ZONE = "Europe/Moscow"
# A Wednesday, 09:00 in Moscow: the default hour, so every daily reader in the press centre's
# zone is due in this one run (the worst hour of the day).
NOW = datetime(2025, 3, 12, 9, tzinfo=ZoneInfo(PRESS_ZONE))
SEED = 20250312
SAMPLE_RENDERS = 50
WORDS = [
    "ministry",
    "announces",
    "regional",
    "programme",
    "support",
    "investment",
    "schools",
    "hospitals",
    "transport",
    "energy",
    "council",
    "budget",
    "agreement",
    "results",
    "quarter",
    "growth",
    "report",
    "digital",
    "service",
    "citizens",
    "project",
    "opening",
    "construction",
    "festival",
    "grant",
    "research",
    "university",
    "partnership",
    "export",
]


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _subscribers(count: int, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    """Rows for `subscribers`: the last window of each digest reader ended at its last slot."""
    zones = [zone for zone, _ in TIME_ZONES if zone != PRESS_ZONE]
    for chat_id in range(1, count + 1):
        kind = chat_id % 4
        instant, digest = (1, "off") if kind == 3 else (0, "weekly" if kind == 2 else "daily")
        weekday = rng.randrange(7)
        # One reader in ten has set their own zone; the rest follow the press centre.
        zone = rng.choice(zones) if rng.random() < 0.1 else None
        # Steady state: each reader got their latest digest, except those due right now.
        frequency = "weekly" if digest == "weekly" else "daily"
        last = last_slot(frequency, 9, weekday, ZoneInfo(zone or PRESS_ZONE), NOW)
        period = timedelta(days=7 if frequency == "weekly" else 1)
        since = (last - period if last == NOW else last).timestamp()
        yield (chat_id, f"Reader {chat_id}", "ru", instant, digest, weekday, zone, since, 0.0, 0.0)


def _votes(count: int, rng: random.Random, totals: list[list[int]]) -> Iterator[tuple[Any, ...]]:
    """Five distinct releases rated per subscriber; `totals` collects count and sum per release."""
    for user_id in range(1, count + 1):
        for index in rng.sample(range(RELEASES), VOTES_PER_SUBSCRIBER):
            stars = rng.choices((1, 2, 3, 4, 5), weights=(1, 1, 2, 4, 4))[0]
            totals[index][0] += 1
            totals[index][1] += stars
            yield (index + 1, user_id, stars, 0.0, 0.0)


async def build(path: Path, count: int) -> None:
    """A database with `count` subscribers, a week of releases and their votes."""
    rng = random.Random(SEED + count)
    db = await Database.open(path)
    try:
        await db.write_many(
            "INSERT INTO subscribers (chat_id, first_name, telegram_language, instant, digest, "
            "digest_weekday, timezone, digest_since, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _subscribers(count, rng),
        )
        week = 7 * 24 * 3600
        start = NOW.timestamp() - week
        await db.write_many(
            "INSERT INTO releases (id, title, body, summary, language, status, author_id, "
            "created_at, published_at, link) VALUES (?, ?, '', ?, 'en', 'sent', 1, ?, ?, ?)",
            (
                (
                    i,
                    _sentence(rng, 12),
                    " ".join(_sentence(rng, 18) for _ in range(3)),
                    at,
                    at,
                    f"https://press.example.org/releases/{i}",
                )
                for i in range(1, RELEASES + 1)
                for at in [start + week * i / (RELEASES + 1)]
            ),
        )
        totals = [[0, 0] for _ in range(RELEASES)]
        await db.write_many(
            "INSERT INTO votes (release_id, user_id, stars, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            _votes(count, rng, totals),
        )
        await db.write_many(
            "UPDATE releases SET vote_count = ?, vote_sum = ? WHERE id = ?",
            ((n, total, i + 1) for i, (n, total) in enumerate(totals)),
        )
    finally:
        await db.close()


async def run_hour(path: Path) -> dict[str, float]:
    """One run of the digest job at `NOW`, timed step by step; then the same hour again."""
    baseline_mb = machine.peak_rss_mb()
    db = await Database.open(path)
    try:
        started = time.perf_counter()
        # The job's own steps (`digests.send_due`), timed apart: load a page, decide on it.
        windows: list[stored.Window] = []
        loading = deciding = 0.0
        readers = after = 0
        while True:
            mark = time.perf_counter()
            page = await stored.schedules(db, default_zone=PRESS_ZONE, after=after)
            loading += time.perf_counter() - mark
            if not page:
                break
            mark = time.perf_counter()
            windows += digests.due(page, NOW)
            deciding += time.perf_counter() - mark
            readers += len(page)
            after = page[-1].chat_id
        decided = time.perf_counter()
        queued = await stored.queue(db, windows, now=NOW.timestamp())
        done = time.perf_counter()
        again = await digests.send_due(db, default_zone=PRESS_ZONE, wake=lambda: None, now=NOW)
        repeated = time.perf_counter()
        rows = await db.fetchall("SELECT id FROM digests ORDER BY id LIMIT ?", (SAMPLE_RENDERS,))
        render_started = time.perf_counter()
        for row in rows:
            await digests.render_digest(db, row["id"], "ru")
        rendered = time.perf_counter()
    finally:
        await db.close()
    peak_mb = machine.peak_rss_mb()
    return {
        "subscribers": readers,
        "due": len(windows),
        "queued": queued.queued,
        "empty": queued.empty,
        "again": again.queued,
        "load": loading,
        "decide": deciding,
        "queue": done - decided,
        "total": done - started,
        "second": repeated - done,
        "render_ms": 1000 * (rendered - render_started) / max(1, len(rows)),
        "rss_mb": peak_mb,
        "baseline_mb": baseline_mb,
    }


def main(argv: list[str] | None = None) -> int:
    """Build each size, time one hour's run in a child process, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run is not None:
        print(json.dumps(asyncio.run(run_hour(args.run))))
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="pressroom-bench-") as folder:
        for count in args.sizes:
            path = Path(folder) / f"digest-{count}.sqlite3"
            started = time.perf_counter()
            asyncio.run(build(path, count))
            built = time.perf_counter() - started
            child = subprocess.run(
                [sys.executable, "-m", "bench.digest", "--run", str(path)],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(child.stdout)
            result["count"], result["build"] = count, built
            result["size_mb"] = path.stat().st_size / 1024**2
            results.append(result)
            print(f"{count:,} subscribers: {result['total']:.2f} s", file=sys.stderr)
    print(
        f"One hour's digest run at {NOW:%Y-%m-%d %H:%M} {PRESS_ZONE} (everyone's default hour), "
        f"{RELEASES} releases over the past week, {VOTES_PER_SUBSCRIBER} votes per subscriber.\n"
    )
    print(
        "| subscribers | votes | digest readers | due now | queued | load s | decide s "
        "| queue s | **total s** | µs/subscriber | same hour again s | render one ms "
        "| peak RSS MB (imports alone) |"
    )
    print("|" + "---:|" * 13)
    for r in results:
        print(
            f"| {r['count']:,} | {r['count'] * VOTES_PER_SUBSCRIBER:,} | {r['subscribers']:,} "
            f"| {r['due']:,} | {r['queued']:,} | {r['load']:.2f} | {r['decide']:.2f} "
            f"| {r['queue']:.2f} | **{r['total']:.2f}** | {1e6 * r['total'] / r['count']:.1f} "
            f"| {r['second']:.2f} ({r['again']} queued) | {r['render_ms']:.1f} "
            f"| {r['rss_mb']:.0f} ({r['baseline_mb']:.0f}) |"
        )
    print()
    print(machine.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
