"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.emulator import Emulator

EMULATOR_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq"


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """A running Bot API emulator; the test fails if any request broke the Bot API spec."""
    server = Emulator(EMULATOR_TOKEN)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
    if server.violations:
        listed = "\n  ".join(server.violations)
        pytest.fail(f"requests broke the Bot API spec:\n  {listed}", pytrace=False)
