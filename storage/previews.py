"""Which control message each staff member got for a draft, so that when one of them acts the
others' controls can say who did. A row without a message id is a staff member the preview
could not reach (the bot blocked, no chat yet): not tried again."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database


@dataclass(frozen=True, slots=True)
class StaffPreview:
    """One staff member's control message under a draft's preview."""

    chat_id: int
    message_id: int | None


async def record(db: Database, release_id: int, chat_id: int, message_id: int | None) -> None:
    """Remember the control message a staff member got (None: could not be reached)."""
    await db.write(
        "INSERT OR REPLACE INTO release_previews (release_id, chat_id, message_id) "
        "VALUES (?, ?, ?)",
        (release_id, chat_id, message_id),
    )


async def of_release(db: Database, release_id: int) -> list[StaffPreview]:
    """Every staff member's control message for a draft, by chat."""
    rows = await db.fetchall(
        "SELECT chat_id, message_id FROM release_previews WHERE release_id = ? ORDER BY chat_id",
        (release_id,),
    )
    return [StaffPreview(int(row["chat_id"]), row["message_id"]) for row in rows]


async def take_all(db: Database, release_id: int) -> list[StaffPreview]:
    """Forget a draft's control messages and return them: the first to act settles them all."""
    async with (
        db.transaction() as connection,
        connection.execute(
            "DELETE FROM release_previews WHERE release_id = ? RETURNING chat_id, message_id",
            (release_id,),
        ) as cursor,
    ):
        rows = await cursor.fetchall()
    return sorted((StaffPreview(int(row[0]), row[1]) for row in rows), key=lambda p: p.chat_id)
