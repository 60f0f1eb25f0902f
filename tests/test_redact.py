"""The bot token appears in no stored error, staff message or log line, even when aiohttp puts
the request URL (token included) into an error's text."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.redact import RedactingFilter, install, redact
from storage import deliveries
from storage.db import Database
from tests.delivery_kit import add_readers, draft, running_engine, wait_status
from tests.emulator import Emulator
from tests.harness import STAFF_ID, Pressroom, settings_for

ROOT = Path(__file__).parents[1]
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq"
SECRET = TOKEN.partition(":")[2]
OTHER = "987654321:ZZZdqTcvCH1vGWJxfSeofSAs0K5PALDsawq"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"url='http://127.0.0.1:8081/bot{TOKEN}/sendMessage'",
            "url='http://127.0.0.1:8081/bot123456789:<redacted>/sendMessage'",
        ),
        (
            f"HTTP Client says - InvalidUrlClientError: http://h:99999/bot{TOKEN}/getMe",
            "HTTP Client says - InvalidUrlClientError: http://h:99999/bot123456789:<redacted>/getMe",
        ),
        # Another bot's token, and a secret too short to look like one, in a URL.
        (
            f"https://api.telegram.org/bot{OTHER}/getMe",
            "https://api.telegram.org/bot987654321:<redacted>/getMe",
        ),
        ("http://x/bot42:short-secret/getMe", "http://x/bot42:<redacted>/getMe"),
        ("http://x/bot42%3Ashort/getMe", "http://x/bot42:<redacted>/getMe"),
        # A token alone in text.
        (f"token {OTHER} rejected", "token 987654321:<redacted> rejected"),
        (f"{TOKEN}", "123456789:<redacted>"),
        # What is no token stays as it is.
        ("Bad Request: chat not found", "Bad Request: chat not found"),
        ("at 12:30:45 on 127.0.0.1:8080", "at 12:30:45 on 127.0.0.1:8080"),
        ("https://example.com/bots/about", "https://example.com/bots/about"),
        ("123456789:<redacted>", "123456789:<redacted>"),
    ],
)
def test_redact_hides_tokens_and_keeps_everything_else(text: str, expected: str) -> None:
    assert redact(text, [TOKEN]) == expected
    assert redact(expected, [TOKEN]) == expected


def test_the_configured_token_is_hidden_whatever_its_shape() -> None:
    assert redact("key 4242:tiny in text", ["4242:tiny"]) == "key 4242:<redacted> in text"


def test_a_long_run_of_digits_is_no_trap() -> None:
    text = "1" * 200_000 + " " + "2" * 100_000 + ":" + "a" * 29
    assert redact(text) == text


def test_the_log_filter_redacts_message_arguments_and_traceback() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.redact.filter")
    logger.addHandler(handler)
    logger.propagate = False
    install([TOKEN], logger)
    try:
        logger.warning("Request to %s failed", f"http://h/bot{TOKEN}/getMe")
        try:
            raise RuntimeError(f"url='http://h/bot{TOKEN}/sendMessage'")
        except RuntimeError:
            logger.exception("Delivery failed")
        logger.error("Stack at %s", f"http://h/bot{TOKEN}/x", stack_info=True)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    printed = stream.getvalue()
    assert SECRET not in printed
    assert "Request to http://h/bot123456789:<redacted>/getMe failed" in printed
    assert "Traceback" in printed
    assert "RuntimeError: url='http://h/bot123456789:<redacted>/sendMessage'" in printed


@pytest.fixture
def redacted_logs() -> Iterator[RedactingFilter]:
    """The filter `python -m bot` installs, on the root logger's handlers (caplog's too)."""
    log_filter = install([TOKEN])
    yield log_filter
    for handler in logging.getLogger().handlers:
        handler.removeFilter(log_filter)


async def test_a_malformed_answer_leaves_the_token_in_no_row_log_or_staff_message(
    emulator: Emulator,
    db: Database,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    redacted_logs: RedactingFilter,
) -> None:
    assert emulator.token == TOKEN
    caplog.set_level(logging.INFO)
    emulator.add_user(STAFF_ID, first_name="Editor")
    await add_readers(db, emulator, [7])
    release = await draft(db)
    # Every attempt to reach the reader gets an answer aiohttp cannot parse.
    emulator.fault_methods = {"sendMessage"}
    emulator.malformed_next(2)
    async with running_engine(emulator, db, tmp_path, max_attempts=2) as engine:
        await engine.publish(release.id, report_chat_id=None)
        await wait_status(db, release.id, "sent")
    assert sum(1 for r in emulator.calls("sendMessage") if r.description == "malformed") == 2
    [failure] = await deliveries.failures(db, release.id)
    assert "Bad status line" in failure.error
    assert "/bot123456789:<redacted>/sendMessage" in failure.error
    assert SECRET not in failure.error

    # The bot's first long poll gets a malformed answer too: aiogram logs the error, URL and all.
    emulator.fault_methods = {"getUpdates"}
    emulator.malformed_next(1)
    app = Pressroom(emulator, settings_for(emulator, tmp_path))
    await app.start()
    try:
        report = await app.say(STAFF_ID, f"/release {release.id}")
    finally:
        await app.stop()
    assert "Bad status line" in report.content
    assert SECRET not in report.content
    assert "Failed to fetch updates" in caplog.text
    assert "bot123456789:<redacted>/getUpdates" in caplog.text
    assert SECRET not in caplog.text
    assert all(SECRET not in record.getMessage() for record in caplog.records)


async def test_a_start_up_failure_logs_the_url_without_the_token(
    emulator: Emulator, tmp_path: Path
) -> None:
    # The first Bot API call at start-up (the command menu) gets a malformed answer.
    emulator.malformed_next(1)
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": emulator.token,
        "TELEGRAM_API_URL": emulator.base_url,
        "DATABASE_PATH": str(tmp_path / "pressroom.sqlite3"),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    printed = (out + err).decode()
    assert process.returncode == 1
    assert "Bad status line" in printed
    assert "bot123456789:<redacted>/setMyCommands" in printed
    assert SECRET not in printed
