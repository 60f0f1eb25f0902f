"""Decisions for channels and groups, as pure functions: what a change of the bot's membership
does to a destination, which group messages are meant for the bot, and what /start in a group
or forum topic changes. No aiogram here; `handlers.chats` and `handlers.groups` unpack the
updates and act on the answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from storage.chats import ChatKind, Problem
from storage.subscribers import Status

# Where the bot stands in a chat: it can post, it is there without the right to post, or out.
Standing = Literal["posts", "no_rights", "out"]
# What a membership change does: nothing, add or refresh the destination, record it rightless,
# or mark it lost.
Act = Literal["ignore", "join", "join_rightless", "lost"]
# What staff are told after a `join`: it is on (new), on again, or recorded off.
Notice = Literal["added_on", "back_on", "added_off"]


def standing(
    kind: ChatKind,
    status: str,
    *,
    is_member: bool = True,
    can_post_messages: bool | None = None,
    can_send_messages: bool | None = None,
) -> Standing:
    """The bot's standing from a ChatMember: in a channel it must be an administrator with the
    right to post; in a group any member may post unless restricted from sending."""
    if status in ("left", "kicked") or (status == "restricted" and not is_member):
        return "out"
    if kind == "channel":
        if status == "creator" or (status == "administrator" and can_post_messages):
            return "posts"
        return "no_rights"
    if status == "restricted" and not can_send_messages:
        return "no_rights"
    return "posts"


@dataclass(frozen=True, slots=True)
class Membership:
    """What to do after a `my_chat_member` update."""

    act: Act
    on: bool = False
    problem: Problem | None = None
    notice: Notice | None = None


IGNORE: Final = Membership("ignore")


def membership(
    *, was: Standing, now: Standing, known: Status | None, by_staff: bool
) -> Membership:
    """The bot's standing in a chat changed from `was` to `now`, by staff or not; `known` is
    the destination's stored status (None: never seen).

    Only staff switch a destination on by adding the bot (or giving its rights back); anyone
    else's adding is recorded off for staff to decide. A change that leaves the bot able to
    post where it already could (a group member made administrator) keeps on or off as it was.
    A group that moved to a supergroup (`gone`) is left alone: its new id carries on.
    """
    if known == "gone":
        return IGNORE
    if now == "out":
        return IGNORE if known is None else Membership("lost", problem="removed")
    if now == "no_rights":
        if known is None:
            return Membership("join_rightless", problem="no_rights")
        return Membership("lost", problem="no_rights")
    if was == "posts" and known in ("active", "unsubscribed"):
        return Membership("join", on=known == "active")
    if not by_staff:
        return Membership("join", on=False, notice="added_off")
    return Membership("join", on=True, notice="added_on" if known is None else "back_on")


# --- Group messages -------------------------------------------------------------------------

# What the bot does with a command in a group: subscribe or unsubscribe it (administrators
# only), explain itself, point to the private chat (personal commands, and staff's commands
# for staff).
GroupCommand = Literal["start", "stop", "help", "private", "staff"]
GROUP_ACTIONS: Final[dict[str, GroupCommand]] = {
    "start": "start",
    "stop": "stop",
    "help": "help",
    "settings": "private",
    "digest": "private",
}
# Telegram: a command is "/" and up to 32 letters, digits and underscores, then "@botname".
COMMAND_LENGTH: Final = 32


def group_command(
    text: str | None, *, bot_username: str, staff_commands: frozenset[str], by_staff: bool
) -> GroupCommand | None:
    """What a group message asks of the bot, or None for anything it must not answer.

    A command counts when it names this bot (`/start@ThisBot`), or is bare and one of this
    bot's commands: with privacy mode off Telegram gives bare commands to every bot in the
    group, so a bare `/start` there is answered by each bot that has one. Commands for other
    bots, unknown commands and chatter get nothing. Staff commands get a pointer to the
    private chat when staff type them, and nothing otherwise (members learn nothing of them).
    """
    if not text or not text.startswith("/"):
        return None
    head = text.split(maxsplit=1)[0][1:]
    name, at, mention = head.partition("@")
    if at and mention.lower() != bot_username.lower():
        return None
    if not name or len(name) > COMMAND_LENGTH:
        return None
    action = GROUP_ACTIONS.get(name)
    if action is not None:
        return action
    if name in staff_commands and by_staff:
        return "staff"
    return None


def topic_of(*, is_forum: bool, is_topic_message: bool, thread_id: int | None) -> int | None:
    """The forum topic a group message was written in; None for the General topic and for
    groups without topics (where `message_thread_id` only marks a reply thread)."""
    return thread_id if is_forum and is_topic_message else None


# What /start in a group did: subscribed it (or a topic), moved it to another topic, or
# found it already subscribed there.
StartOutcome = Literal["started", "started_topic", "moved", "already", "already_topic"]


def group_start(*, known: Status | None, thread_id: int | None, topic: int | None) -> StartOutcome:
    """/start by an administrator in `topic` (None: the group itself or its General topic) of a
    group whose destination is `known` and posts into `thread_id`. One topic per group: /start
    in another topic moves the releases there."""
    if known != "active":
        return "started" if topic is None else "started_topic"
    if thread_id == topic:
        return "already" if topic is None else "already_topic"
    return "moved"


# Group roles that may subscribe or unsubscribe it.
ADMIN_STATUSES: Final = frozenset({"creator", "administrator"})


def is_group_admin(status: str) -> bool:
    """getChatMember's status names an administrator or the creator."""
    return status in ADMIN_STATUSES
