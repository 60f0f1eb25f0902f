"""Staff see one progress message and a final report; scheduled releases go out on time;
a stopped engine resumes where it left off."""

from __future__ import annotations

import dataclasses
import itertools
import time
from pathlib import Path

import pytest

from bot import render, staff_views
from bot.i18n import Lang
from storage import deliveries, releases, subscribers
from storage.db import Database
from storage.deliveries import DeliveryStats
from tests.delivery_kit import add_readers, copies, draft, running_engine, wait_status
from tests.emulator import Emulator
from tests.harness import STAFF_ID


@pytest.mark.parametrize(
    ("lang", "sending", "sent"),
    [
        (
            "en",
            "Sending: 1,234 of 5,000 · 3 blocked · 0 failed\n#7 Budget",
            "Sent: 4,990 of 5,000 · 3 blocked · 7 failed\n#7 Budget",
        ),
        (
            "ru",
            "Рассылка: 1\u00a0234 из 5\u00a0000 · заблокировали бота: 3 · ошибок: 0\n#7 Budget",
            "Разослано: 4\u00a0990 из 5\u00a0000 · заблокировали бота: 3 · ошибок: 7\n#7 Budget",
        ),
    ],
)
async def test_progress_numbers_are_grouped_in_the_staff_language(
    db: Database, lang: Lang, sending: str, sent: str
) -> None:
    release = dataclasses.replace(await draft(db, title="Budget"), id=7)
    during = DeliveryStats(pending=3763, sent=1234, blocked=2, gone=1)
    after = DeliveryStats(sent=4990, blocked=3, failed=7)
    shown = staff_views.delivery_progress(release, during, lang, state="sending")
    assert render.plain(shown) == sending
    assert render.plain(staff_views.delivery_progress(release, after, lang, state="sent")) == sent


@pytest.mark.parametrize(
    ("lang", "progress", "report"),
    [
        ("en", "Sent: 60 of 61 · 1 blocked · 0 failed", "is out: 60 of 61 received it in"),
        ("ru", "Разослано: 60 из 61 · заблокировали бота: 1", "разослан: получили 60 из 61 за"),
    ],
)
async def test_the_publisher_sees_one_progress_message_then_a_report(
    emulator: Emulator, db: Database, tmp_path: Path, lang: str, progress: str, report: str
) -> None:
    (staff,) = await add_readers(db, emulator, [STAFF_ID], language=lang)
    await add_readers(db, emulator, range(1, 61))
    emulator.blocked.add(60)
    release = await draft(db)
    interval = 0.4
    async with running_engine(
        emulator, db, tmp_path, settings={"send_rate": 40}, progress_interval=interval
    ) as engine:
        await engine.publish(release.id, report_chat_id=staff)
        await wait_status(db, release.id, "sent")
        await emulator.wait_for(lambda: len(emulator.messages(staff)) == 3)
    shown, _release_copy, final = emulator.messages(staff)
    assert shown.content.startswith(progress)
    assert report in final.content and "/release 1" in final.content
    during = [state["text"] for state in shown.history]
    assert len(during) >= 2 and all(
        text.split(":")[0] in {"Sending", "Рассылка"} for text in during
    )
    edits = [r.time for r in emulator.calls("editMessageText") if r.params["chat_id"] == staff]
    assert all(b - a >= interval * 0.9 for a, b in itertools.pairwise(edits))
    stored = await releases.get(db, release.id)
    assert stored is not None and stored.report_message_id == shown.message_id


async def test_a_scheduled_release_that_fell_due_while_stopped_goes_out_at_start(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    emulator.add_user(STAFF_ID, first_name="Editor")
    readers = await add_readers(db, emulator, range(1, 11))
    late = await draft(db)
    soon = await draft(db, title="Later today")
    await releases.schedule(db, late.id, time.time() - 3600)
    await releases.schedule(db, soon.id, time.time() + 0.8)
    async with running_engine(emulator, db, tmp_path):
        sent = await wait_status(db, late.id, "sent")
        assert sent.published_at is not None and sent.published_at >= time.time() - 5
        assert (await releases.get(db, soon.id)).status == "scheduled"  # type: ignore[union-attr]
        on_time = await wait_status(db, soon.id, "sent", timeout=5)
    assert on_time.published_at is not None and on_time.scheduled_at is not None
    assert on_time.scheduled_at <= on_time.published_at <= on_time.scheduled_at + 1.5
    assert [copies(emulator, chat) for chat in readers] == [1] * 10
    assert [copies(emulator, chat, "Later today") for chat in readers] == [1] * 10
    # The author is told, as if they had pressed Publish at that moment.
    assert any("is out: 10 of 10" in m.content for m in emulator.messages(STAFF_ID))


async def test_a_stopped_engine_resumes_without_sending_anything_twice(
    emulator: Emulator, db: Database, tmp_path: Path
) -> None:
    readers = await add_readers(db, emulator, range(1, 81))
    release = await draft(db)
    async with running_engine(emulator, db, tmp_path, settings={"send_rate": 40}) as engine:
        await engine.publish(release.id, report_chat_id=None)
        await emulator.wait_for(lambda: emulator.delivered_count() >= 20)
    stopped_at = emulator.delivered_count()
    stats = await deliveries.stats(db, release.id)
    assert stats.sending == 0 and stats.sent == stopped_at < 80
    async with running_engine(emulator, db, tmp_path, settings={"send_rate": 40}):
        await wait_status(db, release.id, "sent")
    assert [copies(emulator, chat) for chat in readers] == [1] * 80
    reader = await subscribers.get(db, 1)
    assert reader is not None and reader.status == "active"
