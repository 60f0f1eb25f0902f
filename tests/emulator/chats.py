"""Groups and channels in the Bot API emulator: roles, the bot's rights, and what Telegram refuses.

The state lives on ``state.Chat`` (``bot_status``, ``bot_rights``, ``roles``, ``topics``,
``migrated_to``); the functions here build the ``ChatMember`` objects Telegram answers with and
decide, as Telegram does, whether the bot may send, edit or delete in a chat. A refusal is a
``(status, description)`` pair the server turns into an error answer.
"""

from __future__ import annotations

from typing import Any

from tests.emulator.state import Chat

STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})
MIGRATED = "Bad Request: group chat was upgraded to a supergroup chat"
THREAD_NOT_FOUND = "Bad Request: message thread not found"
NEED_CHANNEL_ADMIN = "Bad Request: need administrator rights in the channel chat"
# Telegram refuses a channel edit without the right with wording that varies by client version
# (TDLib: "message can't be edited"); the emulator says what is wrong, so a bot can tell a lost
# right from an old message.
CANNOT_EDIT = "Bad Request: not enough rights to edit messages in the chat"

# ChatAdministratorRights fields every administrator has, and those only some chat types have.
_COMMON_RIGHTS = (
    "is_anonymous",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_send_welcome_messages",
)
# Bot API 10.3 added this right and aiogram 3.31 requires it, but the committed spec (10.1) does
# not know it yet: results carry it, and tests checking them against the spec allow it.
NEWER_THAN_SPEC = frozenset({"can_send_welcome_messages"})
_TYPE_RIGHTS = {
    "channel": ("can_post_messages", "can_edit_messages"),
    "supergroup": ("can_pin_messages", "can_manage_topics"),
    "group": ("can_pin_messages",),
}
RIGHT_NAMES = frozenset(_COMMON_RIGHTS).union(*_TYPE_RIGHTS.values())
# A restricted member's permissions (ChatMemberRestricted); the emulated restriction takes all.
_SEND_PERMISSIONS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_react_to_messages",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
    "can_edit_tag",
)


def admin_rights(chat_type: str, overrides: dict[str, bool] | None = None) -> dict[str, bool]:
    """An administrator's rights in a chat of ``chat_type``: all granted, not anonymous,
    with ``overrides`` applied."""
    overrides = overrides or {}
    unknown = set(overrides) - RIGHT_NAMES
    if unknown:
        raise AssertionError(f"unknown administrator rights {sorted(unknown)}")
    names = _COMMON_RIGHTS + _TYPE_RIGHTS.get(chat_type, ())
    rights = {name: name != "is_anonymous" for name in names}
    rights.update({k: bool(v) for k, v in overrides.items() if k in names})
    return rights


def chat_member(
    chat: Chat, user: dict[str, Any], status: str, rights: dict[str, bool] | None = None
) -> dict[str, Any]:
    """The ``ChatMember`` object for ``user`` with ``status`` (and ``rights`` for an admin)."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member["can_be_edited"] = False
        member.update(rights if rights is not None else admin_rights(chat.type))
    elif status == "restricted":
        member.update(dict.fromkeys(_SEND_PERMISSIONS, False))
        member.update(is_member=True, until_date=0)
    elif status == "kicked":
        member["until_date"] = 0
    elif status not in ("member", "left"):
        raise AssertionError(f"unknown chat member status {status!r}")
    return member


def bot_member(chat: Chat, bot: dict[str, Any]) -> dict[str, Any]:
    """The bot's own ``ChatMember`` in ``chat``."""
    return chat_member(chat, bot, chat.bot_status, chat.bot_rights)


def role(chat: Chat, user_id: int) -> str:
    """A person's status in a group or channel; people never seen there have left."""
    return chat.roles.get(user_id, "left")


def _membership_refusal(chat: Chat) -> tuple[int, str] | None:
    if chat.bot_status == "kicked":
        return 403, f"Forbidden: bot was kicked from the {chat.type} chat"
    if chat.bot_status == "left":
        return 403, f"Forbidden: bot is not a member of the {chat.type} chat"
    return None


def _can_post(chat: Chat) -> bool:
    return chat.bot_status in ("administrator", "creator") and chat.bot_rights.get(
        "can_post_messages", chat.bot_status == "creator"
    )


def send_refusal(chat: Chat, method: str) -> tuple[int, str] | None:
    """Why the bot may not send with ``method`` to a group or channel, or ``None``."""
    refusal = _membership_refusal(chat)
    if refusal is not None or method == "sendChatAction":
        return refusal
    if chat.type == "channel" and not _can_post(chat):
        return 400, NEED_CHANNEL_ADMIN
    if chat.bot_status == "restricted":
        what = "photos" if method == "sendPhoto" else "text messages"
        return 400, f"Bad Request: not enough rights to send {what} to the chat"
    return None


def edit_refusal(chat: Chat) -> tuple[int, str] | None:
    """Why the bot may not edit its messages in a group or channel, or ``None``."""
    refusal = _membership_refusal(chat)
    if refusal is not None:
        return refusal
    if chat.type == "channel":
        admin = chat.bot_status in ("administrator", "creator")
        if not admin or not chat.bot_rights.get("can_edit_messages", chat.bot_status == "creator"):
            return 400, CANNOT_EDIT
    return None


def delete_refusal(chat: Chat) -> tuple[int, str] | None:
    """Why the bot may not delete its messages in a group or channel, or ``None``."""
    return _membership_refusal(chat)


def thread_refusal(chat: Chat, thread_id: int | None) -> tuple[int, str] | None:
    """A ``message_thread_id`` must name a topic of a forum."""
    if thread_id is None or (chat.is_forum and thread_id in chat.topics):
        return None
    return 400, THREAD_NOT_FOUND
