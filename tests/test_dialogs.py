"""Staff dialog state in SQLite: it survives a restart and is gone once the dialog ends."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey

from storage.db import Database
from storage.dialogs import DialogStorage

STAFF = StorageKey(bot_id=1, chat_id=1000, user_id=1000)
OTHER = StorageKey(bot_id=1, chat_id=1001, user_id=1001)


class Posting(StatesGroup):
    body = State()


async def _storage(db: Database) -> DialogStorage:
    storage = DialogStorage()
    await storage.attach(db)
    return storage


async def test_a_dialog_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "pressroom.sqlite3"
    db = await Database.open(path)
    storage = await _storage(db)
    await storage.set_state(STAFF, Posting.body)
    await storage.set_data(STAFF, {"title": "Новый терминал «Д»", "photo": None})
    await storage.set_state(OTHER, "Posting:link")
    await db.close()

    db = await Database.open(path)
    try:
        again = await _storage(db)
        assert await again.get_state(STAFF) == "Posting:body"
        assert await again.get_data(STAFF) == {"title": "Новый терминал «Д»", "photo": None}
        assert await again.get_state(OTHER) == "Posting:link"
        assert await again.get_data(OTHER) == {}
    finally:
        await db.close()


async def test_an_ended_dialog_leaves_no_row(db: Database) -> None:
    storage = await _storage(db)
    await storage.set_state(STAFF, Posting.body)
    await storage.update_data(STAFF, {"title": "Plant opens"})
    await storage.set_state(STAFF, None)
    row = await db.fetchone("SELECT state, data FROM dialogs")
    assert row is not None and row["state"] is None
    await storage.set_data(STAFF, {})
    assert await db.fetchall("SELECT key FROM dialogs") == []
    assert await storage.get_state(STAFF) is None
    assert await storage.get_data(STAFF) == {}


async def test_data_handed_out_is_a_copy(db: Database) -> None:
    storage = await _storage(db)
    await storage.set_data(STAFF, {"title": "Plant opens"})
    data = await storage.get_data(STAFF)
    data["title"] = "changed by a handler without saving"
    assert await storage.get_data(STAFF) == {"title": "Plant opens"}


async def test_data_that_is_not_json_is_refused_and_changes_nothing(db: Database) -> None:
    storage = await _storage(db)
    await storage.set_data(STAFF, {"title": "Plant opens"})
    with pytest.raises(TypeError):
        await storage.set_data(STAFF, {"when": object()})
    assert await storage.get_data(STAFF) == {"title": "Plant opens"}


async def test_using_it_before_the_database_is_attached_fails_loudly() -> None:
    with pytest.raises(RuntimeError, match="attach"):
        await DialogStorage().set_state(STAFF, Posting.body)
