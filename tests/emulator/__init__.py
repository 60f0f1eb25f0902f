"""A local Telegram Bot API emulator for end-to-end tests; see ``tests.emulator.server``."""

from tests.emulator.server import ApiError, Emulator
from tests.emulator.state import CallbackAnswer, RequestRecord, StoredMessage, User

__all__ = ["ApiError", "CallbackAnswer", "Emulator", "RequestRecord", "StoredMessage", "User"]
