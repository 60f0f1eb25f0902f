"""Settings from the environment and `.env`: one `Settings` object built in `main()`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.i18n import Lang

# Telegram tokens look like "123456789:AAH..." (bot id, colon, 35 url-safe characters).
TOKEN_PATTERN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")


class StorageSettings(BaseSettings):
    """What `python -m bot backup` needs: the database alone, no token."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_path: Path = Path("data/pressroom.sqlite3")


class Settings(StorageSettings):
    """Everything the bot reads from its environment."""

    bot_token: SecretStr
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    telegram_api_url: str = "https://api.telegram.org"
    timezone: str = "UTC"
    default_language: Lang = "en"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    webhook_url: str = ""
    webhook_secret: SecretStr = SecretStr("")
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_path: str = "/webhook"
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    send_rate: float = Field(default=25.0, gt=0, le=1000)
    paid_broadcast: bool = False
    fetch_timeout: float = 20.0
    fetch_max_bytes: int = 5 * 1024 * 1024
    fetch_allow_private: bool = False
    feed_interval: int = 600
    log_format: Literal["text", "json"] = "text"
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_host: str = "127.0.0.1"
    backup_dir: Path | None = None
    backup_hour: int = Field(default=3, ge=0, le=23)
    backup_keep: int = Field(default=7, ge=1, le=1000)

    @field_validator("metrics_port", "backup_dir", mode="before")
    @classmethod
    def _empty_is_off(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("bot_token")
    @classmethod
    def _token_format(cls, value: SecretStr) -> SecretStr:
        if not TOKEN_PATTERN.fullmatch(value.get_secret_value().strip()):
            raise ValueError("does not look like a token from @BotFather (digits:letters)")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(re.fullmatch(r"-?\d+", part) for part in parts):
                raise ValueError("must be comma-separated Telegram user ids, e.g. 1234,5678")
            return frozenset(int(part) for part in parts)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}, e.g. Europe/Moscow") from None
        return value

    @field_validator("telegram_api_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("fetch_timeout")
    @classmethod
    def _fetch_timeout(cls, value: float) -> float:
        if not 1 <= value <= 300:
            raise ValueError("must be 1-300 seconds for one page or feed, e.g. 20")
        return value

    @field_validator("fetch_max_bytes")
    @classmethod
    def _fetch_max_bytes(cls, value: int) -> int:
        if not 64 * 1024 <= value <= 100 * 1024 * 1024:
            raise ValueError("must be 65536-104857600 bytes (64 KB-100 MB), e.g. 5242880")
        return value

    @field_validator("feed_interval")
    @classmethod
    def _feed_interval(cls, value: int) -> int:
        if value < 60:
            raise ValueError("must be at least 60 seconds: feeds are not polled more often")
        if value > 86_400:
            raise ValueError("must be at most 86400 seconds (a day)")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with /")
        return value

    @model_validator(mode="after")
    def _webhook_secret(self) -> Settings:
        secret = self.webhook_secret.get_secret_value()
        if self.webhook_url and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ValueError(
                "WEBHOOK_SECRET must be 1-256 of A-Z a-z 0-9 _ - when WEBHOOK_URL is set"
            )
        return self

    @property
    def zone(self) -> ZoneInfo:
        """The press centre's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def use_webhook(self) -> bool:
        """Webhook mode when a public URL is set, long polling otherwise."""
        return bool(self.webhook_url)


def describe_error(error: ValidationError) -> str:
    """One line naming the first bad setting and what is wrong with it."""
    first = error.errors()[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    if not first["loc"]:
        return message
    key = str(first["loc"][0]).upper()
    if first["type"] == "missing":
        if key == "BOT_TOKEN":
            return (
                "BOT_TOKEN is not set: get a token from @BotFather in Telegram and put "
                "BOT_TOKEN=... in .env (copy .env.example) or the environment"
            )
        return f"{key} is not set"
    return f"{key} is invalid: {message}"
