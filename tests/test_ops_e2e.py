"""End to end, as an admin watching the bot: `/healthz` and `/metrics` answer while it runs and
the counters move with a broadcast; webhook mode serves them from its own server; `/status`
answers staff in both languages."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram.types import BotCommandScopeChat

from bot.telemetry import Telemetry, version
from tests.emulator import Emulator
from tests.harness import STAFF_ID, Pressroom, settings_for
from tests.ops_kit import free_port, healthz, metrics, value
from tests.publishing_kit import BODY, publish, readers

RUSSIAN_STAFF = 1001


@pytest.fixture
async def watched(emulator: Emulator, tmp_path: Path) -> AsyncIterator[Pressroom]:
    """The bot polling the emulator with `/healthz` and `/metrics` on a free port."""
    emulator.add_user(STAFF_ID, first_name="Editor", language_code="en")
    app = Pressroom(emulator, settings_for(emulator, tmp_path, metrics_port=free_port()))
    await app.start()
    yield app
    await app.stop()


def _port(app: Pressroom) -> int:
    assert app.settings.metrics_port is not None
    return app.settings.metrics_port


async def test_healthz_reports_a_live_polling_bot(watched: Pressroom) -> None:
    telemetry: Telemetry = watched.dispatcher["telemetry"]
    # A quiet long poll lasts 10 s; an update ends one at once.
    await readers(watched, 101)
    await watched.emulator.wait_for(lambda: telemetry.last_poll_at is not None, 10)
    status, body = await healthz(_port(watched))
    assert status == 200, body
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["mode"] == "polling"
    assert body["version"] == version() != "unknown"
    assert body["outbox_backlog"] == 0
    assert body["last_poll_seconds_ago"] < 60
    assert body["last_update_seconds_ago"] < 60


async def test_metrics_count_a_broadcast_its_failures_and_the_votes(watched: Pressroom) -> None:
    port = _port(watched)
    anna, boris, vera, gleb = await readers(watched, 101, 102, 103, 104)
    await watched.emulator.block_bot(gleb)
    before = await metrics(port)
    assert value(before, "pressroom_subscribers", status="active") == 4
    assert value(before, "pressroom_messages_sent_total", kind="release") == 0
    assert value(before, "pressroom_digest_runs_total", outcome="ok") >= 1

    release, got = await publish(watched, f"Plant opens\n{BODY}", anna, boris, vera)
    await watched.press(anna, got[anna], "4 ★")
    after = await metrics(port)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("pressroom_messages_sent_total", kind="release") == 3
    assert moved("pressroom_messages_failed_total", kind="release", error="blocked") == 1
    # The preview, the controls, the progress message and the report went to the editor.
    assert moved("pressroom_messages_sent_total", kind="reply") >= 3
    assert moved("pressroom_update_handling_seconds_count") >= 3  # /post, Publish now, 4 ★
    assert value(after, "pressroom_outbox_backlog") == 0
    assert value(after, "pressroom_votes") == 1
    assert value(after, "pressroom_subscribers", status="blocked") == 1
    assert value(after, "pressroom_build_info", version=version(), mode="polling") == 1
    assert all(name.startswith("pressroom_") for name, _ in after)

    # An edit of the delivered copies counts as edits, not replies.
    await watched.dispatcher["delivery"].edit(release.id)
    edited = await metrics(port)
    assert value(edited, "pressroom_messages_sent_total", kind="edit") == 0  # nothing changed
    assert value(edited, "pressroom_messages_failed_total", kind="edit", error="permanent") == 0
    await watched.db.write(
        "UPDATE releases SET title = 'Plant opened', revision = revision + 1 WHERE id = ?",
        (release.id,),
    )
    await watched.dispatcher["delivery"].edit(release.id)
    edited = await metrics(port)
    assert value(edited, "pressroom_messages_sent_total", kind="edit") == 3
    assert value(edited, "pressroom_messages_sent_total", kind="reply") == value(
        after, "pressroom_messages_sent_total", kind="reply"
    )


async def test_webhook_mode_serves_health_and_metrics_on_its_own_server(
    emulator: Emulator, tmp_path: Path
) -> None:
    port = free_port()
    settings = settings_for(
        emulator,
        tmp_path,
        webhook_url=f"http://127.0.0.1:{port}",
        webhook_secret="s3cret",
        webhook_port=port,
        webhook_path="/tg",
        metrics_port=port,
    )
    app = Pressroom(emulator, settings)
    await app.start()
    try:
        await readers(app, 201)
        status, body = await healthz(port)
        assert status == 200, body
        assert body["mode"] == "webhook"
        assert body["last_update_seconds_ago"] < 60
        samples = await metrics(port)
        assert value(samples, "pressroom_subscribers", status="active") == 1
        assert value(samples, "pressroom_messages_sent_total", kind="reply") >= 1
    finally:
        await app.stop()


@pytest.mark.parametrize(
    ("staff", "language", "expected"),
    [
        (
            STAFF_ID,
            "en",
            [
                f"Pressroom {version()}",
                "Up for: ",
                "Mode: long polling",
                "Outbox backlog: 0",
                "Last digest run: ",
                ", 0 queued",
                "Last backup: ",
                "Errors in the last hour: 1",
            ],
        ),
        (
            RUSSIAN_STAFF,
            "ru",
            [
                f"Pressroom {version()}",
                "Работает: ",
                "Режим: long polling (бот опрашивает Telegram)",
                "Очередь рассылки: 0",
                "Последний запуск дайджестов: ",
                ", в очередь: 0",
                "Последняя резервная копия: ",
                "Ошибок за последний час: 1",
            ],
        ),
    ],
)
async def test_status_tells_staff_what_the_bot_is_doing(
    emulator: Emulator, tmp_path: Path, staff: int, language: str, expected: list[str]
) -> None:
    emulator.add_user(staff, first_name="Editor", language_code=language)
    settings = settings_for(
        emulator,
        tmp_path,
        admin_ids=frozenset({STAFF_ID, RUSSIAN_STAFF}),
        backup_dir=tmp_path / "backups",
    )
    app = Pressroom(emulator, settings)
    await app.start()
    try:
        telemetry: Telemetry = app.dispatcher["telemetry"]
        await emulator.wait_for(
            lambda: telemetry.last_digest_run is not None and telemetry.last_backup_at, 10
        )
        logging.getLogger("bot.test").error("A failure staff should hear about")
        reply = await app.say(staff, "/status")
        for line in expected:
            assert line in reply.content, (line, reply.content)
        assert reply.spans("bold") == [f"Pressroom {version()}"]
        off = "ещё не было" if language == "ru" else "none yet"
        assert off not in reply.content  # the start-up backup is there
        # The command is in the staff menu and in /admin; readers get the unknown-command answer.
        scope = BotCommandScopeChat(chat_id=staff).model_dump(exclude_none=True)
        menu = emulator.commands(scope, "" if language == "en" else language)
        assert "status" in [entry["command"] for entry in menu]
        assert "/status" in (await app.say(staff, "/admin")).content
        reader = app.user(301)
        assert "no such command" in (await app.say(reader, "/status")).content
    finally:
        await app.stop()


async def test_status_without_backups_says_they_are_off(pressroom: Pressroom) -> None:
    reply = await pressroom.say(STAFF_ID, "/status")
    assert "Last backup: off (BACKUP_DIR is empty)" in reply.content
