"""Staff dialogs (aiogram's FSM state and data) kept in SQLite, so a restart mid-dialog keeps
what was typed: the title given before a deploy is still there when the body arrives after it.

Every update asks for its chat's state, so reads come from memory; each change is written
through at once, before memory changes: what memory holds was stored. Dialogs are few (one per
staff member at most), so all of them are loaded when the database is attached.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from storage.db import Database


class DialogStorage(BaseStorage):
    """aiogram FSM storage over the `dialogs` table; `attach` it to the open database."""

    def __init__(self) -> None:
        self._db: Database | None = None
        self._states: dict[str, str] = {}
        self._data: dict[str, dict[str, Any]] = {}

    async def attach(self, db: Database) -> None:
        """Use `db` from now on and load the dialogs a previous run left open."""
        self._db = db
        self._states.clear()
        self._data.clear()
        for row in await db.fetchall("SELECT key, state, data FROM dialogs"):
            if row["state"] is not None:
                self._states[row["key"]] = row["state"]
            data = json.loads(row["data"])
            if data:
                self._data[row["key"]] = data

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        """Move the dialog to `state` (None ends it): stored first, then remembered, so a
        failed write (a full disk) leaves the dialog where it was."""
        name = _key(key)
        value = state.state if isinstance(state, State) else state
        await self._save(name, value, self._data.get(name))
        if value is None:
            self._states.pop(name, None)
        else:
            self._states[name] = value

    async def get_state(self, key: StorageKey) -> str | None:
        """The dialog's state, or None."""
        return self._states.get(_key(key))

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        """Replace the dialog's data; it must be JSON (strings, numbers, lists, dicts). Stored
        first, then remembered, like the state."""
        name = _key(key)
        copied = json.loads(json.dumps(dict(data)))
        await self._save(name, self._states.get(name), copied)
        if copied:
            self._data[name] = copied
        else:
            self._data.pop(name, None)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        """A copy of the dialog's data."""
        return dict(self._data.get(_key(key), {}))

    async def close(self) -> None:
        """Nothing to close: the database belongs to the application."""

    async def _save(self, name: str, state: str | None, data: dict[str, Any] | None) -> None:
        if self._db is None:
            raise RuntimeError("DialogStorage used before attach(db)")
        if state is None and not data:
            await self._db.write("DELETE FROM dialogs WHERE key = ?", (name,))
            return
        await self._db.write(
            "INSERT INTO dialogs (key, state, data, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET state = excluded.state, data = excluded.data, "
            "updated_at = excluded.updated_at",
            (name, state, json.dumps(data or {}, ensure_ascii=False), time.time()),
        )


# The key's fields in order: the stored name is their JSON list, as `dataclasses.astuple` gave it.
# astuple deep-copies every value, and every update asks for its person's state.
_KEY_FIELDS = tuple(field.name for field in fields(StorageKey))


def _key(key: StorageKey) -> str:
    return json.dumps([getattr(key, name) for name in _KEY_FIELDS])
