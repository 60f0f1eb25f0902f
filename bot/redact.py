"""One redaction for every error text Pressroom stores, shows or logs.

The bot token is part of every Bot API URL (`https://api.telegram.org/bot<TOKEN>/sendMessage`),
and aiohttp puts the URL into the text of some errors, e.g. for a malformed answer::

    400, message="Bad status line: ...", url='http://host/bot123456789:AAH.../sendMessage'

`redact` replaces the configured token wherever it appears, the secret half of anything in the
`/bot<digits>:<secret>` shape of a URL, and any other text shaped like a token from @BotFather.
The bot's numeric id stays readable (it is public: it is the bot's user id). `RedactingFilter`
applies it to log records (message, arguments, traceback, stack) and `install` puts that filter
on the root logger's handlers, which every Pressroom, aiogram and aiohttp logger reaches.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Final

REDACTED: Final = "<redacted>"
# `/bot<id>:<secret>` in a URL, whatever the secret's length (`%3A` if the colon was quoted).
_IN_URL: Final = re.compile(r"/bot(\d+)(?::|%3[Aa])[^/\s'\"?#<>]+")
# A token anywhere: bot id, colon, 30+ url-safe characters. The look-behinds make each match
# start at the beginning of a run, so a long run of digits or letters costs linear time.
_TOKEN_SHAPED: Final = re.compile(r"(?<![\w-])(\d{5,}):[A-Za-z0-9_-]{30,}")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` without the `secrets` (the bot token) or anything shaped like a bot token."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        if secret in text:
            bot_id, colon, _ = secret.partition(":")
            text = text.replace(secret, f"{bot_id}:{REDACTED}" if colon else REDACTED)
    text = _IN_URL.sub(rf"/bot\1:{REDACTED}", text)
    return _TOKEN_SHAPED.sub(rf"\1:{REDACTED}", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record so that no handler can print the secrets: the message is formatted
    and redacted once, the traceback and stack are rendered as text and redacted."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = tuple(secrets)
        self._formatter = logging.Formatter()

    def redact(self, text: str) -> str:
        """The text with this filter's secrets and token-shaped strings redacted."""
        return redact(text, self._secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; never drops it."""
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = self._formatter.formatException(record.exc_info)
            # The exception object itself still holds the token: no handler may see it.
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install(secrets: Iterable[str], logger: logging.Logger | None = None) -> RedactingFilter:
    """Put one `RedactingFilter` on every handler of `logger` (the root logger by default)."""
    log_filter = RedactingFilter(secrets)
    for handler in (logger or logging.getLogger()).handlers:
        handler.addFilter(log_filter)
    return log_filter
