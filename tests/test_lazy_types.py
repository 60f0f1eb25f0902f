"""aiogram's Bot API models are built on first use, and every one of them still builds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Run in a fresh interpreter: this process has long since imported aiogram.
PROBE = """
import json, sys
import bot.__main__
import aiogram.methods as methods
import aiogram.types as types
from pydantic import BaseModel

def models_of(module):
    found = (getattr(module, name) for name in module.__all__)
    return [item for item in found if isinstance(item, type) and issubclass(item, BaseModel)]

models = models_of(types)
report = {
    "models": len(models),
    "built_at_import": [model.__name__ for model in models if model.__pydantic_complete__],
    # VmHWM: ru_maxrss would include the pytest process this one was started from.
    "rss_mb": next(
        int(line.split()[1]) / 1024 for line in open("/proc/self/status")
        if line.startswith("VmHWM")
    ),
}
if "--build-all" in sys.argv:
    failed = []
    # Methods first: a bot calls them before it has parsed any reply into a type.
    for model in models_of(methods) + models:
        try:
            model.model_rebuild()
        except Exception as error:
            failed.append(f"{model.__name__}: {error}")
        else:
            if not model.__pydantic_complete__:
                failed.append(model.__name__)
    report["failed"] = failed
if "--first-use" in sys.argv:
    # As aiogram does it: a call, its reply parsed as `Response[Message]`, an incoming update.
    from aiogram.methods.base import Response

    def first_use():
        chat = {"id": 42, "type": "private"}
        message = {"message_id": 1, "date": 0, "chat": chat, "text": "hello"}
        call = methods.SendMessage(chat_id=42, text="hello")
        reply = Response[types.Message].model_validate({"ok": True, "result": message})
        venue = {"location": {"latitude": 59.44, "longitude": 24.77}, "title": "D",
                 "address": "Lootsi 13"}
        replied = {**message, "reply_to_message": {**message, "venue": venue}}
        update = types.Update.model_validate({"update_id": 7, "message": replied})
        return [call.text, reply.result.chat.id, update.message.reply_to_message.venue.title]

    report["first_use"] = first_use()
print(json.dumps(report))
"""


def _probe(*args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=50,
    )
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_the_bot_imports_aiogram_without_building_its_models() -> None:
    report = _probe()
    assert report["models"] > 300
    # Only what our own modules construct at import (e.g. default link-preview options).
    assert len(report["built_at_import"]) <= 5, report["built_at_import"]
    # Eagerly built, aiogram alone is over 160 MB; the whole bot imports in well under 100 MB.
    assert report["rss_mb"] < 100, report


def test_every_type_and_method_builds_from_the_namespace_aiogram_gave() -> None:
    report = _probe("--build-all")
    assert report["failed"] == []


def test_deferred_models_build_on_first_use() -> None:
    assert _probe("--first-use")["first_use"] == ["hello", 42, "D"]


AIOGRAM_FIRST = """
import json
import aiogram.types as types
import bot  # too late to defer anything: aiogram has built its models already
from bot.lazy_types import import_aiogram

import_aiogram()
print(json.dumps({
    "message_built": types.Message.__pydantic_complete__,
    "namespaces_given": sum(
        1 for name in types.__all__
        if getattr(getattr(types, name), "__pydantic_parent_namespace__", None) is not None
    ),
}))
"""


def test_aiogram_imported_before_the_bot_is_left_as_aiogram_built_it() -> None:
    result = subprocess.run(
        [sys.executable, "-c", AIOGRAM_FIRST],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=50,
    )
    assert json.loads(result.stdout) == {"message_built": True, "namespaces_given": 0}
