"""One update at a time per person (`bot.turns`), and the paste window (`bot.pastes`)."""

from __future__ import annotations

import asyncio

from aiogram.fsm.storage.base import StorageKey

from bot.pastes import Close, PasteWindows
from bot.serving import UpdatesInFlight
from bot.turns import UserTurns, step_aside

ANN = StorageKey(bot_id=1, chat_id=10, user_id=10)
BOB = StorageKey(bot_id=1, chat_id=20, user_id=20)


async def test_one_persons_updates_run_in_order_and_others_run_alongside() -> None:
    turns = UserTurns()
    done: list[str] = []
    release = asyncio.Event()

    async def update(key: StorageKey, name: str, wait: asyncio.Event | None = None) -> None:
        async with turns.lock(key):
            if wait is not None:
                await wait.wait()
            done.append(name)

    first = asyncio.create_task(update(ANN, "ann 1", release))
    second = asyncio.create_task(update(ANN, "ann 2"))
    await update(BOB, "bob")
    await asyncio.sleep(0.01)
    assert done == ["bob"]
    release.set()
    await asyncio.gather(first, second)
    assert done == ["bob", "ann 1", "ann 2"]


async def test_a_handler_waiting_for_long_work_steps_aside() -> None:
    turns = UserTurns()
    long_work = asyncio.Event()
    done: list[str] = []

    async def edit_everything() -> None:
        async with turns.lock(ANN):
            step_aside()
            step_aside()  # a second call changes nothing
            await long_work.wait()
            done.append("edit reported")

    async def next_message() -> None:
        async with turns.lock(ANN):
            done.append("next message")

    editing = asyncio.create_task(edit_everything())
    await asyncio.sleep(0)
    await asyncio.wait_for(next_message(), 5)
    long_work.set()
    await editing
    assert done == ["next message", "edit reported"]
    async with turns.lock(ANN):
        pass  # the lock was released exactly once: still usable


async def test_a_paste_window_closes_once_after_the_last_piece() -> None:
    turns = UserTurns()
    windows = PasteWindows(turns, window=0.05)
    closed: list[int] = []

    def closer(piece: int) -> Close:
        async def close() -> None:
            closed.append(piece)

        return close

    for piece in range(3):
        windows.extend(ANN, closer(piece))
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)
    assert closed == [2]


async def test_open_windows_close_at_shutdown() -> None:
    windows = PasteWindows(UserTurns(), window=60)
    closed: list[str] = []

    async def close() -> None:
        closed.append("ann")

    windows.extend(ANN, close)
    await windows.finish()
    assert closed == ["ann"]


async def test_a_stop_waits_for_updates_still_waiting_for_their_turn() -> None:
    updates = UpdatesInFlight()
    turns = UserTurns(updates)
    go_on = asyncio.Event()
    done: list[str] = []

    async def update(name: str) -> None:
        async with turns.lock(ANN):
            await go_on.wait()
            done.append(name)

    tasks = [asyncio.create_task(update(name)) for name in ("first", "queued")]
    await asyncio.sleep(0)
    stopping = asyncio.create_task(updates.finish(timeout=5))
    await asyncio.sleep(0.01)
    assert not stopping.done()
    go_on.set()
    await stopping
    assert done == ["first", "queued"]
    await asyncio.gather(*tasks)
