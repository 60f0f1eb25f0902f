"""End to end, as readers and staff: subscribe, settings, help, staff commands, menus."""

from __future__ import annotations

import pytest
from aiogram.types import BotCommandScopeChat, BotCommandScopeDefault

from bot import texts
from storage import subscribers
from tests.harness import STAFF_ID, Pressroom


@pytest.mark.parametrize(
    ("language", "greeting", "stopped", "back"),
    [
        ("en", "You are subscribed", "You have unsubscribed", "Welcome back"),
        ("ru", "Вы подписаны", "Вы отписались", "С возвращением"),
        ("uk", "Вы подписаны", "Вы отписались", "С возвращением"),
        ("de", "You are subscribed", "You have unsubscribed", "Welcome back"),
    ],
)
async def test_start_stop_and_start_again(
    pressroom: Pressroom, language: str, greeting: str, stopped: str, back: str
) -> None:
    reader = pressroom.user(1, language=language, name="Anna")
    reply = await pressroom.say(reader, "/start")
    assert greeting in reply.content and "Anna" in reply.content and "★" in reply.content
    again = await pressroom.say(reader, "/start")
    assert again.content != reply.content and "/settings" in again.content
    reply = await pressroom.say(reader, "/stop")
    assert stopped in reply.content and "/start" in reply.content
    second_stop = await pressroom.say(reader, "/stop")
    assert "/start" in second_stop.content
    reply = await pressroom.say(reader, "/start")
    assert back in reply.content
    stored = await subscribers.get(pressroom.db, reader)
    assert stored is not None and stored.status == "active"


async def test_start_again_keeps_the_settings(pressroom: Pressroom) -> None:
    reader = pressroom.user(2)
    await pressroom.say(reader, "/start")
    view = await pressroom.say(reader, "/settings")
    await pressroom.press(reader, view, "Weekly digest")
    await pressroom.say(reader, "/stop")
    reply = await pressroom.say(reader, "/start")
    assert "weekly digest" in reply.content
    stored = await subscribers.get(pressroom.db, reader)
    assert stored is not None and stored.mode == "weekly"


async def test_settings_keyboard_changes_delivery_hour_and_language(pressroom: Pressroom) -> None:
    reader = pressroom.user(3)
    await pressroom.say(reader, "/start")
    view = await pressroom.say(reader, "/settings")
    assert "Delivery: every release as it comes" in view.content
    assert view.button("✓ As they come")

    answer = await pressroom.press(reader, view, "Daily digest")
    assert answer.text == "Saved"
    view = pressroom.current(view)
    assert "Delivery: daily digest" in view.content and view.button("✓ Daily digest")

    edits = len(pressroom.emulator.calls("editMessageText"))
    answer = await pressroom.press(reader, view, "✓ Daily digest")
    assert answer.text == "Saved"
    # Nothing to redraw: not even an edit attempt (the press is answered after any redraw).
    assert len(pressroom.emulator.calls("editMessageText")) == edits

    await pressroom.press(reader, view, "Digest hour: 09:00")
    picker = pressroom.current(view)
    assert "At what hour" in picker.content and picker.button("✓ 09")
    await pressroom.press(reader, picker, "18")
    view = pressroom.current(view)
    assert "Digest hour: 18:00 (Europe/Moscow)" in view.content

    await pressroom.press(reader, view, "Paused")
    view = pressroom.current(view)
    assert "Delivery: paused" in view.content
    await pressroom.press(reader, view, "Русский")
    view = pressroom.current(view)
    assert "Доставка: пауза" in view.content and view.button("✓ Русский")
    assert "эта справка" in (await pressroom.say(reader, "/help")).content

    stored = await subscribers.get(pressroom.db, reader)
    assert stored is not None
    assert (stored.mode, stored.digest, stored.digest_hour, stored.language) == (
        "paused",
        "daily",
        18,
        "ru",
    )


async def test_settings_need_a_subscription(pressroom: Pressroom) -> None:
    stranger = pressroom.user(4, language="ru")
    reply = await pressroom.say(stranger, "/settings")
    assert reply.content == texts.SETTINGS_NEED_SUBSCRIPTION.ru


async def test_forged_settings_button_changes_nothing(pressroom: Pressroom) -> None:
    reader = pressroom.user(5)
    await pressroom.say(reader, "/start")
    view = await pressroom.say(reader, "/settings")
    for data in ("set:m:9", "set:H:99", "set:l:7", "set:zz:1", "nonsense"):
        answer = await pressroom.press_data(reader, view, data, forge=True)
        assert answer.text == texts.STALE_BUTTON.en
    stored = await subscribers.get(pressroom.db, reader)
    assert stored is not None and (stored.mode, stored.digest_hour) == ("instant", 9)


async def test_help_and_unknown_input(pressroom: Pressroom) -> None:
    reader = pressroom.user(6)
    assert "/settings" in (await pressroom.say(reader, "/help")).content
    assert (await pressroom.say(reader, "/nope")).content == texts.UNKNOWN_COMMAND.en
    assert (await pressroom.say(reader, "hello?")).content == texts.NOT_A_COMMAND.en


@pytest.mark.parametrize("command", ["/admin", "/subscribers"])
async def test_staff_commands_do_not_leak(pressroom: Pressroom, command: str) -> None:
    reader = pressroom.user(7)
    assert (await pressroom.say(reader, command)).content == texts.UNKNOWN_COMMAND.en


async def test_staff_see_commands_and_subscriber_counts(pressroom: Pressroom) -> None:
    assert "/post" in (await pressroom.say(STAFF_ID, "/admin")).content
    for user_id in (11, 12, 13):
        await pressroom.say(pressroom.user(user_id), "/start")
    await pressroom.say(13, "/stop")
    report = await pressroom.say(STAFF_ID, "/subscribers")
    assert "Subscribers: 3" in report.content
    assert "Active: 2 · unsubscribed: 1" in report.content
    assert "As they come: 2" in report.content


async def test_command_menus_for_readers_and_staff(pressroom: Pressroom) -> None:
    emulator = pressroom.emulator
    default = [c["command"] for c in emulator.commands(BotCommandScopeDefault().model_dump())]
    russian = emulator.commands(BotCommandScopeDefault().model_dump(), "ru")
    staff = emulator.commands(BotCommandScopeChat(chat_id=STAFF_ID).model_dump(exclude_none=True))
    assert default == [command for command, _ in texts.READER_COMMANDS]
    assert russian[0]["description"] == texts.READER_COMMANDS[0][1].ru
    assert {"post", "subscribers", "start"} <= {c["command"] for c in staff}
