"""aiogram's Bot API models are built on first use, every one of them still builds, and only the
explicit `import_aiogram()` imports aiogram that way. The memory this saves is measured by
`python -m bench.imports`, not asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiogram.types as types

from bot.lazy_types import import_aiogram

ROOT = Path(__file__).resolve().parents[1]

# Run in a fresh interpreter: this process has long since imported aiogram.
PROBE = """
import json, sys
import bot.__main__
from bot.lazy_types import import_aiogram

# What `python -m bot` does once its settings are read.
imported_by_the_entry_point = "aiogram" in sys.modules
import_aiogram()
import bot.app
import aiogram.methods as methods
import aiogram.types as types
from pydantic import BaseModel

def models_of(module):
    found = (getattr(module, name) for name in module.__all__)
    return [item for item in found if isinstance(item, type) and issubclass(item, BaseModel)]

models = models_of(types)
report = {
    "imported_by_the_entry_point": imported_by_the_entry_point,
    "models": len(models),
    "built_at_import": [model.__name__ for model in models if model.__pydantic_complete__],
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
    assert report["imported_by_the_entry_point"] is False
    assert report["models"] > 300
    # Only what our own modules construct at import (e.g. default link-preview options).
    assert len(report["built_at_import"]) <= 5, report["built_at_import"]


def test_every_type_and_method_builds_from_the_namespace_aiogram_gave() -> None:
    report = _probe("--build-all")
    assert report["failed"] == []


def test_deferred_models_build_on_first_use() -> None:
    assert _probe("--first-use")["first_use"] == ["hello", 42, "D"]


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=50,
    )


def test_importing_the_bot_does_not_import_aiogram() -> None:
    code = (
        "import sys, bot, bot.__main__, bot.lazy_types, bot.summarize, bot.when, bot.config\n"
        "print('aiogram' in sys.modules)"
    )
    result = _run(code)
    assert (result.returncode, result.stdout.strip()) == (0, "False"), result.stderr


def test_aiogram_imported_before_the_lean_import_is_refused_loudly() -> None:
    code = (
        "import aiogram.types as types\n"
        "from bot.lazy_types import import_aiogram\n"
        "import_aiogram()"
    )
    result = _run(code)
    assert result.returncode == 1
    assert "AiogramImportedEagerly: aiogram was imported before" in result.stderr


def test_this_suite_runs_aiogram_lean_and_a_second_call_changes_nothing() -> None:
    # tests/__init__.py made the first call; had aiogram been imported before it, that call
    # (and this one) would raise instead.
    import_aiogram()
    import_aiogram()
    # Built only by a bot that reports Telegram Passport errors: still deferred here.
    assert not types.PassportElementErrorUnspecified.__pydantic_complete__
