"""The one line every bench prints about the machine its numbers come from."""

from __future__ import annotations

import os
import platform
import resource
import sqlite3
from pathlib import Path


def _field(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def describe(*extra: str) -> str:
    """CPU, cores, memory, OS, Python and SQLite, plus any `extra` pieces (library versions)."""
    cpu = _field("/proc/cpuinfo", "model name") or platform.processor() or platform.machine()
    memory = _field("/proc/meminfo", "MemTotal")
    ram = f", {int(memory.split()[0]) / 1024**2:.1f} GiB RAM" if memory else ""
    pieces = [f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version}", *extra]
    return (
        f"machine: {cpu}, {os.cpu_count()} cores{ram}, {platform.system()} "
        f"{platform.release()}; {', '.join(pieces)}"
    )


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB.

    Read from `VmHWM`, not `ru_maxrss`: Linux carries the parent's resident size over fork and
    exec into a child's `ru_maxrss`, so a child started by a 120 MB parent reports 120 MB before
    it has done anything.
    """
    peak = _field("/proc/self/status", "VmHWM")
    if peak is not None:
        return int(peak.split()[0]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
