"""The /channels list: rows, states, switches only where the bot can still post."""

from __future__ import annotations

from bot import chat_views
from bot.callbacks import ChatSwitch, SwitchAction
from storage.chats import ChatKind, Destination, Problem
from storage.subscribers import Status


def destination(
    chat_id: int,
    title: str,
    *,
    kind: ChatKind = "channel",
    status: Status = "active",
    problem: Problem | None = None,
    members: int | None = None,
    thread_id: int | None = None,
) -> Destination:
    return Destination(
        chat_id=chat_id,
        kind=kind,
        title=title,
        thread_id=thread_id,
        status=status,
        problem=problem,
        member_count=members,
        added_by=1000,
        telegram_language=None,
    )


def test_empty_list_explains_how_to_add_the_bot() -> None:
    view = chat_views.channels([], "en", bot_username="pressroom_bot")
    assert "administrator" in view.text and "/start@pressroom_bot" in view.text
    assert view.keyboard is None
    ru = chat_views.channels([], "ru", bot_username="pressroom_bot")
    assert "администратор" in ru.text and "/start@pressroom_bot" in ru.text


def test_rows_show_kind_members_state_and_switches_for_reachable_ones() -> None:
    listed = [
        destination(-1001, "Press <centre>", members=1234),
        destination(-1002, "Journalists", kind="supergroup", status="unsubscribed", members=1),
        destination(-1003, "Old channel", status="blocked", problem="removed"),
        destination(-1004, "Quiet channel", status="blocked", problem="no_rights"),
        destination(-1005, "Old group", kind="group", status="gone", problem="migrated"),
        destination(-1006, "Forum", kind="supergroup", members=5, thread_id=12),
    ]
    view = chat_views.channels(listed, "en", bot_username="pressroom_bot")
    lines = view.text.split("\n")
    assert lines[0] == "<b>Channels and groups: 6</b>"
    assert lines[2] == "1. <b>Press &lt;centre&gt;</b> — channel · 1,234 members · ✅ on"
    assert lines[3] == "2. <b>Journalists</b> — group · 1 member · ⏸ off"
    assert lines[4] == "3. <b>Old channel</b> — channel · ⛔ bot removed"
    assert lines[5] == "4. <b>Quiet channel</b> — channel · ⚠️ no rights to post"
    assert lines[6] == "5. <b>Old group</b> — group · ➡️ became a supergroup"
    assert lines[7] == "6. <b>Forum</b> — group · 5 members · topic 12 · ✅ on"
    assert view.keyboard is not None
    buttons = [b for row in view.keyboard.inline_keyboard for b in row]
    assert [b.text for b in buttons] == ["1: switch off", "2: switch on", "6: switch off"]
    data = [ChatSwitch.unpack(b.callback_data or "") for b in buttons]
    assert data == [
        ChatSwitch(action=SwitchAction.OFF, chat_id=-1001),
        ChatSwitch(action=SwitchAction.ON, chat_id=-1002),
        ChatSwitch(action=SwitchAction.OFF, chat_id=-1006),
    ]


def test_russian_rows() -> None:
    listed = [destination(-1001, "Пресс-центр", members=22), destination(-1002, "Б", members=5)]
    view = chat_views.channels(listed, "ru", bot_username="pressroom_bot")
    assert "1. <b>Пресс-центр</b> — канал · 22 участника · ✅ включено" in view.text
    assert "2. <b>Б</b> — канал · 5 участников · ✅ включено" in view.text
    assert view.keyboard is not None
    assert view.keyboard.inline_keyboard[0][0].text == "1: выключить"


def test_a_long_list_is_cut_and_says_how_many_more() -> None:
    listed = [destination(-1000 - n, f"Channel {n}") for n in range(chat_views.SHOWN + 5)]
    view = chat_views.channels(listed, "en", bot_username="pressroom_bot")
    assert "…and 5 more" in view.text
    assert len(view.text) < 4096
    assert view.keyboard is not None
    assert sum(len(row) for row in view.keyboard.inline_keyboard) == chat_views.SHOWN


def test_switch_data_fits_64_bytes_at_the_widest_ids() -> None:
    for chat_id in (-(2**63), -1001234567890123):
        for action in SwitchAction:
            assert len(ChatSwitch(action=action, chat_id=chat_id).pack().encode()) <= 64
