"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.db import Database
from tests.emulator import Emulator
from tests.harness import STAFF_ID, Pressroom, settings_for


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """A running Bot API emulator; the test fails if any request broke the Bot API spec."""
    server = Emulator()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
    if server.violations:
        listed = "\n  ".join(server.violations)
        pytest.fail(f"requests broke the Bot API spec:\n  {listed}", pytrace=False)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh, migrated SQLite file."""
    database = await Database.open(tmp_path / "pressroom.sqlite3")
    yield database
    await database.close()


@pytest.fixture
async def pressroom(emulator: Emulator, tmp_path: Path) -> AsyncIterator[Pressroom]:
    """The real bot polling the emulator, with staff member `STAFF_ID` known to it."""
    emulator.add_user(STAFF_ID, first_name="Editor", language_code="en")
    app = Pressroom(emulator, settings_for(emulator, tmp_path))
    await app.start()
    yield app
    await app.stop()
