"""Settings: defaults, parsing, and one-line messages naming the bad key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import Settings, describe_error

TOKEN = "123456789:" + "A" * 35


def _error(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None)
    return describe_error(caught.value)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in Settings.model_fields:
        monkeypatch.delenv(key.upper(), raising=False)


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    settings = Settings(_env_file=None)
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.database_path == Path("data/pressroom.sqlite3")
    assert settings.timezone == "UTC"
    assert settings.admin_ids == frozenset()
    assert settings.send_rate == 25
    assert not settings.paid_broadcast
    assert not settings.use_webhook
    assert settings.fetch_timeout == 20
    assert settings.fetch_max_bytes == 5 * 1024 * 1024
    assert not settings.fetch_allow_private
    assert settings.feed_interval == 600


def test_values_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {
        "BOT_TOKEN": TOKEN,
        "ADMIN_IDS": "1, 22,333",
        "TIMEZONE": "Europe/Moscow",
        "TELEGRAM_API_URL": "http://127.0.0.1:8081/",
        "DEFAULT_LANGUAGE": "ru",
        "PAID_BROADCAST": "true",
        "WEBHOOK_URL": "https://press.example.org",
        "WEBHOOK_SECRET": "s3cret_-",
    }.items():
        monkeypatch.setenv(key, value)
    settings = Settings(_env_file=None)
    assert settings.admin_ids == {1, 22, 333}
    assert settings.zone.key == "Europe/Moscow"
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert settings.default_language == "ru"
    assert settings.paid_broadcast and settings.use_webhook


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "BOT_TOKEN is not set: get a token from @BotFather"),
        ({"BOT_TOKEN": "hello"}, "BOT_TOKEN is invalid: does not look like a token"),
        ({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "1,two"}, "ADMIN_IDS is invalid: must be comma"),
        ({"BOT_TOKEN": TOKEN, "TIMEZONE": "Moscow"}, "TIMEZONE is invalid: unknown IANA"),
        ({"BOT_TOKEN": TOKEN, "SEND_RATE": "0"}, "SEND_RATE is invalid"),
        ({"BOT_TOKEN": TOKEN, "DEFAULT_LANGUAGE": "de"}, "DEFAULT_LANGUAGE is invalid"),
        ({"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": "localhost"}, "TELEGRAM_API_URL is invalid"),
        ({"BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://x.org"}, "WEBHOOK_SECRET must be"),
        (
            {"BOT_TOKEN": TOKEN, "FEED_INTERVAL": "59"},
            "FEED_INTERVAL is invalid: must be at least 60",
        ),
        ({"BOT_TOKEN": TOKEN, "FEED_INTERVAL": "ten"}, "FEED_INTERVAL is invalid"),
        ({"BOT_TOKEN": TOKEN, "FETCH_TIMEOUT": "0"}, "FETCH_TIMEOUT is invalid: must be 1-300"),
        ({"BOT_TOKEN": TOKEN, "FETCH_MAX_BYTES": "100"}, "FETCH_MAX_BYTES is invalid: must be"),
        ({"BOT_TOKEN": TOKEN, "FETCH_ALLOW_PRIVATE": "perhaps"}, "FETCH_ALLOW_PRIVATE is invalid"),
    ],
)
def test_bad_values_name_the_key(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    assert _error(monkeypatch, **env).startswith(message)


def test_run_without_a_token_says_what_to_set(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[1])},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "BOT_TOKEN" in lines[0] and "@BotFather" in lines[0]
