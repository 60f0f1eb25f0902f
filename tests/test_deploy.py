"""Deployment files, checked without systemd running or a container engine: the systemd unit
(parsed for what it must say, and `systemd-analyze verify` where that tool is installed), the
Dockerfile and compose.yaml (what they copy exists, the command, the health check's path)."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from aiohttp import web

from bot.ops import routes

ROOT = Path(__file__).parents[1]
UNIT = ROOT / "deploy" / "pressroom.service"
# The engine's stop waits up to its request timeout (10 s) plus one for sends on the wire.
SHUTDOWN_SECONDS = 11


def _unit(text: str) -> dict[str, dict[str, list[str]]]:
    """A unit file as sections of keys, each with every value it was given."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"a key outside any section: {line}"
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def test_the_systemd_unit_says_what_an_unattended_service_needs() -> None:
    unit = _unit(UNIT.read_text())
    service = unit["Service"]

    def one(key: str) -> str:
        assert key in service, f"[Service] has no {key}="
        return service[key][-1]

    assert one("User") not in ("", "root")
    assert one("WorkingDirectory").startswith("/")
    assert one("EnvironmentFile").startswith("/")
    command = shlex.split(one("ExecStart"))
    assert command[0].endswith("/python") and command[1:] == ["-m", "bot"]
    assert one("Restart") == "on-failure"
    assert one("RestartPreventExitStatus") == "2"  # a bad setting: restarting cannot help
    assert one("KillSignal") == "SIGTERM"
    assert int(one("TimeoutStopSec")) >= 3 * SHUTDOWN_SECONDS
    assert one("ProtectSystem") == "strict"
    assert one("NoNewPrivileges") == "true"
    data = one("ReadWritePaths")
    assert data == f"/var/lib/{one('StateDirectory')}"
    assert "DATABASE_PATH=" + data in UNIT.read_text()
    assert "network-online.target" in unit["Unit"]["After"][0]
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]


def test_systemd_analyze_finds_nothing_wrong_with_the_unit(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        # No systemd here: the keys were checked by parsing in the test above.
        assert _unit(UNIT.read_text())["Service"]
        return
    # verify checks that ExecStart exists: point it at this interpreter.
    text = UNIT.read_text().replace("/opt/pressroom/.venv/bin/python", sys.executable)
    copy = tmp_path / "pressroom.service"
    copy.write_text(text)
    result = subprocess.run(
        [tool, "verify", "--man=no", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # verify exits 0 even for unknown keys and bad values; it says so on stderr.
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def _instructions(text: str) -> list[tuple[str, str]]:
    """Dockerfile instructions with continuation lines joined."""
    joined = re.sub(r"\\\n", " ", text)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def _served_paths() -> set[str]:
    app = web.Application()
    app.add_routes(routes(lambda: None))
    return {
        info["path"]
        for resource in app.router.resources()
        for info in [resource.get_info()]
        if "path" in info
    }


def test_the_dockerfile_builds_from_what_exists_and_checks_health() -> None:
    steps = _instructions((ROOT / "Dockerfile").read_text())
    words = [word for word, _ in steps]
    assert steps[0][0] == "FROM" and re.fullmatch(r"python:3\.11-slim\S*", steps[0][1])
    for word, rest in steps:
        if word == "COPY" and "--from" not in rest:
            *sources, _ = shlex.split(rest)
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: no such file"
    user = next(rest for word, rest in steps if word == "USER")
    assert user not in ("root", "0")
    assert words.index("USER") > words.index("RUN")  # installed as root, run as the user
    assert json.loads(next(rest for word, rest in steps if word == "VOLUME")) == ["/data"]
    env = " ".join(rest for word, rest in steps if word == "ENV")
    assert "DATABASE_PATH=/data/" in env and "BACKUP_DIR=/data/" in env
    port = re.search(r"METRICS_PORT=(\d+)", env)
    assert port is not None
    assert "METRICS_HOST=0.0.0.0" in env  # reachable through the container's published port
    check = next(rest for word, rest in steps if word == "HEALTHCHECK")
    assert "/healthz" in check and "/healthz" in _served_paths()
    assert port.group(1) in check
    assert json.loads(next(rest for word, rest in steps if word == "CMD")) == [
        "python",
        "-m",
        "bot",
    ]
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", "data"} <= set(ignored)


def test_compose_runs_the_image_with_a_data_volume_and_an_optional_local_bot_api() -> None:
    text = (ROOT / "compose.yaml").read_text()
    services = re.split(r"\n  (?=[a-z-]+:\n)", text.split("\nservices:\n", 1)[1])
    by_name = {block.split(":", 1)[0].strip(): block for block in services}
    bot, api = by_name["pressroom"], by_name["telegram-bot-api"]
    assert "build: ." in bot and "env_file: .env" in bot
    assert re.search(r"- [\w-]+:/data\n", bot)
    assert "DATABASE_PATH: /data/" in bot and "BACKUP_DIR: /data/" in bot
    assert '"127.0.0.1:9100:9100"' in bot and 'METRICS_PORT: "9100"' in bot
    assert "profiles:" not in bot
    assert 'profiles: ["local-api"]' in api
    assert "image: aiogram/telegram-bot-api" in api
    assert "required: false" in bot  # the bot starts without the optional server
