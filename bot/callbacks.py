"""Inline button data: one `CallbackData` factory per kind of button, each well within 64 bytes."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class SettingsAction(StrEnum):
    """What a /settings button does."""

    MODE = "m"
    HOURS = "h"
    HOUR = "H"
    LANGUAGE = "l"
    BACK = "b"


class SettingsButton(CallbackData, prefix="set"):
    """A button of the /settings keyboard."""

    action: SettingsAction
    value: int = 0
