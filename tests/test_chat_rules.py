"""Decisions for channels and groups: membership changes, group commands, /start in topics."""

from __future__ import annotations

import pytest

from bot.chat_rules import (
    Membership,
    Standing,
    group_command,
    group_start,
    is_group_admin,
    membership,
    standing,
    topic_of,
)
from storage.chats import ChatKind
from storage.subscribers import Status


@pytest.mark.parametrize(
    ("kind", "status", "rights", "expected"),
    [
        ("channel", "administrator", {"can_post_messages": True}, "posts"),
        ("channel", "administrator", {"can_post_messages": False}, "no_rights"),
        ("channel", "administrator", {}, "no_rights"),
        ("channel", "creator", {}, "posts"),
        ("channel", "member", {}, "no_rights"),
        ("channel", "left", {}, "out"),
        ("channel", "kicked", {}, "out"),
        ("group", "member", {}, "posts"),
        ("group", "administrator", {"can_post_messages": None}, "posts"),
        ("supergroup", "restricted", {"can_send_messages": False}, "no_rights"),
        ("supergroup", "restricted", {"can_send_messages": True}, "posts"),
        ("supergroup", "restricted", {"is_member": False, "can_send_messages": True}, "out"),
        ("supergroup", "left", {}, "out"),
        ("group", "kicked", {}, "out"),
    ],
)
def test_standing(
    kind: ChatKind, status: str, rights: dict[str, bool], expected: Standing
) -> None:
    assert standing(kind, status, **rights) == expected


@pytest.mark.parametrize(
    ("was", "now", "known", "by_staff", "expected"),
    [
        # Added by staff: on at once, staff told.
        ("out", "posts", None, True, Membership("join", on=True, notice="added_on")),
        # Added by someone else: recorded off, staff told.
        ("out", "posts", None, False, Membership("join", on=False, notice="added_off")),
        # Already a member before this version knew of it, promoted by staff.
        ("posts", "posts", None, True, Membership("join", on=True, notice="added_on")),
        # Made administrator where it could post already: on or off stays.
        ("posts", "posts", "active", False, Membership("join", on=True)),
        ("posts", "posts", "unsubscribed", True, Membership("join", on=False)),
        # Removed or kicked.
        ("posts", "out", "active", True, Membership("lost", problem="removed")),
        ("posts", "out", "unsubscribed", False, Membership("lost", problem="removed")),
        ("no_rights", "out", "blocked", False, Membership("lost", problem="removed")),
        # Rights taken.
        ("posts", "no_rights", "active", False, Membership("lost", problem="no_rights")),
        # Added without the right to post.
        ("out", "no_rights", None, True, Membership("join_rightless", problem="no_rights")),
        # Rights given back, bot re-added: on again by staff, recorded off by anyone else.
        ("no_rights", "posts", "blocked", True, Membership("join", on=True, notice="back_on")),
        ("out", "posts", "blocked", True, Membership("join", on=True, notice="back_on")),
        ("no_rights", "posts", "blocked", False, Membership("join", on=False, notice="added_off")),
        # The database missed the removal: coming back counts as coming back.
        ("out", "posts", "active", True, Membership("join", on=True, notice="back_on")),
        # Never known, nothing to lose.
        ("posts", "out", None, True, Membership("ignore")),
        # A group that became a supergroup: its old id is left alone.
        ("posts", "out", "gone", True, Membership("ignore")),
        ("out", "posts", "gone", True, Membership("ignore")),
    ],
)
def test_membership(
    was: Standing, now: Standing, known: Status | None, by_staff: bool, expected: Membership
) -> None:
    assert membership(was=was, now=now, known=known, by_staff=by_staff) == expected


STAFF = frozenset({"post", "channels", "subscribers"})


@pytest.mark.parametrize(
    ("text", "by_staff", "expected"),
    [
        ("/start", False, "start"),
        ("/start@Pressroom_Bot", False, "start"),
        ("/start@pressroom_bot now", False, "start"),
        ("/stop@pressroom_bot", False, "stop"),
        ("/stop", False, "stop"),
        ("/help", False, "help"),
        ("/settings", False, "private"),
        ("/digest@pressroom_bot", False, "private"),
        ("/post", True, "staff"),
        ("/channels@pressroom_bot", True, "staff"),
        # Staff commands are nothing to members.
        ("/post", False, None),
        ("/subscribers@pressroom_bot", False, None),
        # Other bots' commands, unknown commands, chatter.
        ("/start@other_bot", False, None),
        ("/settings@other_bot", True, None),
        ("/weather", False, None),
        ("/weather@pressroom_bot", False, None),
        ("hello /start", False, None),
        ("hello", False, None),
        ("", False, None),
        (None, False, None),
        ("/", False, None),
        ("/@pressroom_bot", False, None),
        ("/START", False, None),
        ("/" + "s" * 40, False, None),
    ],
)
def test_group_command(text: str | None, by_staff: bool, expected: str | None) -> None:
    got = group_command(
        text, bot_username="pressroom_bot", staff_commands=STAFF, by_staff=by_staff
    )
    assert got == expected


@pytest.mark.parametrize(
    ("is_forum", "is_topic_message", "thread_id", "expected"),
    [
        (True, True, 12, 12),
        # The General topic of a forum.
        (True, False, None, None),
        # A reply thread in a group without topics.
        (False, False, 7, None),
        (False, True, 7, None),
    ],
)
def test_topic_of(
    is_forum: bool, is_topic_message: bool, thread_id: int | None, expected: int | None
) -> None:
    got = topic_of(is_forum=is_forum, is_topic_message=is_topic_message, thread_id=thread_id)
    assert got == expected


@pytest.mark.parametrize(
    ("known", "thread_id", "topic", "expected"),
    [
        (None, None, None, "started"),
        (None, None, 5, "started_topic"),
        ("unsubscribed", None, None, "started"),
        ("unsubscribed", 5, 9, "started_topic"),
        ("blocked", None, None, "started"),
        ("active", None, None, "already"),
        ("active", 5, 5, "already_topic"),
        ("active", 5, 9, "moved"),
        ("active", None, 9, "moved"),
        ("active", 5, None, "moved"),
    ],
)
def test_group_start(
    known: Status | None, thread_id: int | None, topic: int | None, expected: str
) -> None:
    assert group_start(known=known, thread_id=thread_id, topic=topic) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("creator", True),
        ("administrator", True),
        ("member", False),
        ("restricted", False),
        ("left", False),
        ("kicked", False),
    ],
)
def test_is_group_admin(status: str, expected: bool) -> None:
    assert is_group_admin(status) is expected
