"""What importing the bot costs: `python -m bench.imports [--runs 3]`.

Imports what `python -m bot` imports (`bot.app`: every handler, the engine, aiogram) in fresh
interpreters, once with aiogram imported lean by `bot.lazy_types.import_aiogram()` as the bot
does, once as aiogram imports itself (every Bot API model built at import). Prints a Markdown
table, median of `--runs`: peak RSS, import time, and how many Bot API types were built.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiogram

from bench import machine

ROOT = Path(__file__).resolve().parents[1]

# Not `-m bench...`: the `bench` package imports aiogram lean, and one of the two must not.
CHILD = """
import json, sys, time
started = time.perf_counter()
if sys.argv[1] == "lean":
    from bot.lazy_types import import_aiogram
    import_aiogram()
import bot.app
seconds = time.perf_counter() - started
import aiogram.types as types
models = [getattr(types, name) for name in types.__all__]
models = [model for model in models if hasattr(model, "__pydantic_complete__")]
print(json.dumps({
    "seconds": seconds,
    "models": len(models),
    "built": sum(1 for model in models if model.__pydantic_complete__),
    # VmHWM: ru_maxrss would include the process this one was started from.
    "rss_mb": next(
        int(line.split()[1]) / 1024 for line in open("/proc/self/status")
        if line.startswith("VmHWM")
    ),
}))
"""

WAYS = {
    "lean": "lean: `import_aiogram()` first, as `python -m bot`",
    "eager": "as aiogram imports itself",
}


def measure(way: str, runs: int) -> dict[str, Any]:
    """The median of `runs` fresh imports the `way` given."""
    reports = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", CHILD, way],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        reports.append(json.loads(done.stdout))
    return {
        key: statistics.median(report[key] for report in reports)
        for key in ("seconds", "models", "built", "rss_mb")
    }


def main() -> None:
    """Print the table and the machine."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print("| aiogram imported | peak RSS | import time | Bot API types built at import |")
    print("|---|---:|---:|---:|")
    for way, label in WAYS.items():
        result = measure(way, args.runs)
        print(
            f"| {label} | {result['rss_mb']:.0f} MB | {result['seconds']:.2f} s "
            f"| {result['built']:.0f} of {result['models']:.0f} |"
        )
    print()
    print(machine.describe(f"aiogram {aiogram.__version__}"))
    print(f"Each row: the median of {args.runs} fresh interpreters importing `bot.app`.")


if __name__ == "__main__":
    main()
