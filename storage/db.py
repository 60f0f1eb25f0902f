"""The one aiosqlite connection of a process: WAL, foreign keys, migrations, transactions."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from storage.schema import MIGRATIONS

Params = Sequence[Any] | dict[str, Any]
T = TypeVar("T")


class WriteLock:
    """The write lock, with a queue for urgent writers that goes before the rest: a reader's
    vote waits for the transaction under way, not for every outbox batch queued behind it."""

    def __init__(self) -> None:
        self._locked = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._others: deque[asyncio.Future[None]] = deque()

    async def acquire(self, *, urgent: bool = False) -> None:
        """Wait for the lock (urgent writers first, each queue in order)."""
        if not self._locked:
            self._locked = True
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._urgent if urgent else self._others
        queue.append(future)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                # Handed the lock just as the waiter was cancelled: pass it on.
                self.release()
            else:
                queue.remove(future)
            raise

    def release(self) -> None:
        """Hand the lock to the next waiter, or free it."""
        for queue in (self._urgent, self._others):
            while queue:
                future = queue.popleft()
                if not future.done():
                    future.set_result(None)
                    return
        self._locked = False

    @asynccontextmanager
    async def held(self, *, urgent: bool = False) -> AsyncIterator[None]:
        """Hold the lock for the block."""
        await self.acquire(urgent=urgent)
        try:
            yield
        finally:
            self.release()


class Database:
    """A single shared connection; every write goes through `transaction()`, `run()` or
    `write()`.

    Each `await` on aiosqlite is a round trip to its thread and back through the event loop;
    under load (a broadcast at 1,000 messages a second) one round trip can wait tens of
    milliseconds for the loop. `run()` and the fetch helpers therefore do their whole job in one
    round trip, so the write lock is held for one wait, not one per statement.
    """

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        # One connection is shared by every task: without this lock, a statement from one task
        # would land inside another task's open transaction and share its fate on ROLLBACK.
        self._write_lock = WriteLock()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        """Open (creating the folder and file) and migrate the database at `path`."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        await connection.execute("PRAGMA journal_mode=WAL")
        await connection.execute("PRAGMA foreign_keys=ON")
        await connection.execute("PRAGMA synchronous=NORMAL")
        await connection.execute("PRAGMA busy_timeout=5000")
        database = cls(connection)
        try:
            await database.migrate()
        except BaseException:
            await connection.close()
            raise
        return database

    async def close(self) -> None:
        """Close the connection; pending writes have finished by then."""
        async with self._write_lock.held():
            await self._connection.close()

    async def version(self) -> int:
        """The schema version stored in `PRAGMA user_version`."""
        row = await self.fetchone("PRAGMA user_version")
        assert row is not None
        return int(row[0])

    async def migrate(self) -> None:
        """Apply, in order and each in its own transaction, the migrations this file lacks."""
        current = await self.version()
        if current > len(MIGRATIONS):
            raise RuntimeError(
                f"database schema version {current} is newer than this code knows "
                f"({len(MIGRATIONS)}); upgrade Pressroom"
            )
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            async with self.transaction() as connection:
                for statement in _statements(script):
                    await connection.execute(statement)
                await connection.execute(f"PRAGMA user_version = {number}")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """`BEGIN IMMEDIATE` ... `COMMIT`, rolled back if the block raises."""
        async with self._write_lock.held():
            try:
                await self._connection.execute("BEGIN IMMEDIATE")
            except asyncio.CancelledError:
                # aiosqlite runs a queued statement even after its caller stops waiting: the
                # BEGIN still happens, and would leave the shared connection inside it
                # ("cannot start a transaction within a transaction" for everyone after).
                with contextlib.suppress(sqlite3.OperationalError):
                    await self._connection.execute("ROLLBACK")
                raise
            try:
                yield self._connection
            except BaseException:
                # SQLite may have rolled back already: it does on "database or disk is full" and
                # I/O errors, and a second ROLLBACK would hide the error with "cannot rollback -
                # no transaction is active".
                if self._connection.in_transaction:
                    await self._connection.execute("ROLLBACK")
                raise
            await self._connection.execute("COMMIT")

    async def run(self, work: Callable[[sqlite3.Connection], T], *, urgent: bool = False) -> T:
        """Run `work` in one transaction on the database thread, in one round trip: `work`
        gets the connection, runs plain sqlite3 statements and returns what it found.
        `urgent` (a person waiting) goes before other writers queued for the lock."""
        async with self._write_lock.held(urgent=urgent):
            return await self._on_thread(_in_transaction, work)

    async def _on_thread(self, function: Callable[..., T], *args: Any) -> T:
        # aiosqlite's own way to run a function on its thread (pinned to aiosqlite 0.22).
        connection = self._connection
        result: T = await connection._execute(function, connection._conn, *args)  # type: ignore[no-untyped-call]
        return result

    async def write(self, sql: str, params: Params = ()) -> int:
        """Run one write statement in its own transaction; return the number of changed rows."""
        async with self.transaction() as connection:
            cursor = await connection.execute(sql, params)
            return cursor.rowcount

    async def write_many(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for many rows in a single transaction."""
        async with self.transaction() as connection:
            await connection.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        """The first row of a query, or None."""
        return await self._on_thread(_fetchone, sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """All rows of a query."""
        return await self._on_thread(_fetchall, sql, params)


def _in_transaction(connection: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    connection.execute("BEGIN IMMEDIATE")
    try:
        result = work(connection)
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return result


def _fetchone(connection: sqlite3.Connection, sql: str, params: Params) -> aiosqlite.Row | None:
    row: aiosqlite.Row | None = connection.execute(sql, params).fetchone()
    return row


def _fetchall(connection: sqlite3.Connection, sql: str, params: Params) -> list[aiosqlite.Row]:
    return list(connection.execute(sql, params).fetchall())


def _statements(script: str) -> list[str]:
    """Split a migration script on `;` (our scripts have no `;` inside literals or triggers)."""
    return [part.strip() for part in script.split(";") if part.strip()]
