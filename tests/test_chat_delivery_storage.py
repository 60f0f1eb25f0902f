"""Channel and group deliveries in storage: claimed with their kind and topic, sent with the
tally their counter shows, found again when it lags, moved to a supergroup; and how Telegram's
refusals in chats are sorted, and how fast a chat is sent to."""

from __future__ import annotations

import time

import pytest

from bot.pacing import _from_answer
from storage import chats, deliveries, releases, subscribers, votes
from storage.db import Database
from storage.deliveries import Delivered
from tests.delivery_kit import draft
from tests.test_pacing import VirtualTime

CHANNEL = -1001000000001
FORUM = -1001000000002
GROUP = -4000000001
SUPERGROUP = -1001000000003


async def _destinations(db: Database) -> None:
    await chats.join(
        db, CHANNEL, kind="channel", title="News", on=True, added_by=1, telegram_language="ru"
    )
    await chats.join(
        db,
        FORUM,
        kind="supergroup",
        title="Desk",
        on=True,
        added_by=1,
        telegram_language="en",
        thread_id=77,
    )
    await subscribers.subscribe(db, 42, first_name="Ann", username=None, telegram_language="en")


async def test_claimed_chat_jobs_carry_their_kind_and_topic(db: Database) -> None:
    await _destinations(db)
    release = await draft(db)
    assert await deliveries.enqueue_release(db, release.id, report_chat_id=None, clock=time.time)
    jobs = {job.chat_id: job for job in await deliveries.claim(db, time.time(), 10)}
    assert (jobs[CHANNEL].kind, jobs[CHANNEL].thread_id, jobs[CHANNEL].to_chat) == (
        "channel",
        None,
        True,
    )
    assert (jobs[FORUM].kind, jobs[FORUM].thread_id) == ("supergroup", 77)
    assert (jobs[42].kind, jobs[42].to_chat) == ("private", False)


async def test_a_sent_chat_copy_keeps_its_tally_and_lags_after_a_vote(db: Database) -> None:
    await _destinations(db)
    release = await draft(db)
    await deliveries.enqueue_release(db, release.id, report_chat_id=None, clock=time.time)
    jobs = {job.chat_id: job for job in await deliveries.claim(db, time.time(), 10)}
    await deliveries.record(
        db,
        [
            Delivered(jobs[CHANNEL].id, 10, None, 1, time.time(), "0:0"),
            Delivered(jobs[FORUM].id, 11, 12, 1, time.time(), "0:0"),
            Delivered(jobs[42].id, 13, None, 1, time.time()),
        ],
        now=time.time(),
    )
    copies = {c.chat_id: c for c in await deliveries.chat_copies(db, release.id)}
    # The stars of a photo sent apart from its text are under the text (the extra message).
    assert {(c.chat_id, c.message_id, c.tally) for c in copies.values()} == {
        (CHANNEL, 10, "0:0"),
        (FORUM, 12, "0:0"),
    }
    assert await deliveries.stale_chat_copies(db) == []
    await votes.cast(db, release.id, 42, 5, time.time())
    assert {c.chat_id for c in await deliveries.stale_chat_copies(db)} == {CHANNEL, FORUM}
    await deliveries.set_tallies(db, [(copies[CHANNEL].id, "1:5")])
    assert [c.chat_id for c in await deliveries.stale_chat_copies(db)] == [FORUM]
    # A chat the bot was removed from is no longer edited; a retracted release neither.
    await chats.mark_problem(db, FORUM, "removed")
    assert await deliveries.stale_chat_copies(db) == []
    await deliveries.set_tallies(db, [(copies[CHANNEL].id, "0:0")])
    await deliveries.retract(db, release.id, now=time.time())
    assert await deliveries.chat_copies(db, release.id) == []


async def test_a_delivery_moves_to_the_supergroup_unless_it_has_its_own(db: Database) -> None:
    await chats.join(
        db, GROUP, kind="group", title="Desk", on=True, added_by=1, telegram_language="en"
    )
    first, second = await draft(db), await draft(db, title="Second")
    await deliveries.enqueue_release(db, first.id, report_chat_id=None, clock=time.time)
    (job,) = await deliveries.claim(db, time.time(), 10)
    await chats.migrate(db, GROUP, SUPERGROUP)
    assert await deliveries.move(db, job.id, SUPERGROUP)
    row = await db.fetchone("SELECT chat_id FROM deliveries WHERE id = ?", (job.id,))
    assert row is not None and row["chat_id"] == SUPERGROUP
    # Published after the move: the supergroup has its copy, the old group's row cannot move.
    await deliveries.enqueue_release(db, second.id, report_chat_id=None, clock=time.time)
    stale = await db.fetchone(
        "INSERT INTO deliveries (release_id, chat_id, created_at) VALUES (?, ?, 0) RETURNING id",
        (second.id, GROUP),
    )
    assert stale is not None
    assert not await deliveries.move(db, stale["id"], SUPERGROUP)
    published = await releases.get(db, second.id)
    assert published is not None


async def test_a_migrated_groups_pending_delivery_is_still_claimed(db: Database) -> None:
    await chats.join(
        db, GROUP, kind="group", title="Desk", on=True, added_by=1, telegram_language="en"
    )
    release = await draft(db)
    await deliveries.enqueue_release(db, release.id, report_chat_id=None, clock=time.time)
    await chats.migrate(db, GROUP, SUPERGROUP)
    # Telegram's answer to the send names the supergroup; the outbox moves it there.
    (job,) = await deliveries.claim(db, time.time(), 10)
    assert job.chat_id == GROUP


@pytest.mark.parametrize(
    ("code", "description", "migrate_to", "kind"),
    [
        (403, "Forbidden: bot was kicked from the channel chat", None, "blocked"),
        (403, "Forbidden: bot is not a member of the channel chat", None, "blocked"),
        (400, "Bad Request: need administrator rights in the channel chat", None, "rightless"),
        (
            400,
            "Bad Request: not enough rights to send text messages to the chat",
            None,
            "rightless",
        ),
        (400, "Bad Request: group chat was upgraded to a supergroup chat", SUPERGROUP, "migrated"),
        (400, "Bad Request: chat not found", None, "gone"),
        (400, "Bad Request: message is too long", None, "permanent"),
    ],
)
def test_refusals_in_chats_are_sorted(
    code: int, description: str, migrate_to: int | None, kind: str
) -> None:
    failure = _from_answer(code, description, None, migrate_to)
    assert failure.kind == kind
    assert failure.migrate_to == migrate_to


async def test_a_channel_gets_one_message_every_3_s_a_reader_one_a_second() -> None:
    virtual = VirtualTime()
    pacer = virtual.pacer(1000.0)
    log: list[tuple[float, int]] = []

    async def send(chat_id: int) -> None:
        await pacer.take()
        await pacer.chat(chat_id)
        log.append((virtual.now, chat_id))

    await virtual.run(*(send(CHANNEL) for _ in range(3)), *(send(42) for _ in range(3)))
    channel = [t for t, chat in log if chat == CHANNEL]
    reader = [t for t, chat in log if chat == 42]
    assert channel == pytest.approx([0.0, 3.0, 6.0], abs=0.01)
    assert reader == pytest.approx([0.0, 1.0, 2.0], abs=0.01)
