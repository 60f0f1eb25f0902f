"""What staff and group members read about channels and groups (issue 14), in Russian and
English. Values are escaped by `Text`; staff commands are listed in `bot.texts`."""

from __future__ import annotations

from bot.i18n import Text

# --- Kinds and problems, as /channels and the notices name them -----------------------------

KIND = {
    "channel": Text(ru="Канал", en="channel"),
    "group": Text(ru="Группа", en="group"),
    "supergroup": Text(ru="Группа", en="group"),
}

# --- The bot lost a destination (told to staff once) -----------------------------------------

LOST = {
    "removed": Text(
        ru="⚠️ {kind} «{title}»: бота удалили. Туда больше ничего не отправляется; добавьте "
        "бота снова администратором, чтобы возобновить.",
        en="⚠️ The {kind} “{title}”: the bot was removed. Nothing more is sent there; add the "
        "bot back as an administrator to resume.",
    ),
    "no_rights": Text(
        ru="⚠️ {kind} «{title}»: у бота нет прав публиковать. Туда больше ничего не "
        "отправляется; верните боту права администратора, чтобы возобновить.",
        en="⚠️ The {kind} “{title}”: the bot has no rights to post. Nothing more is sent there; "
        "give the bot its administrator rights back to resume.",
    ),
    "migrated": Text(
        ru="ℹ️ {kind} «{title}» стала супергруппой; релизы теперь идут туда.",
        en="ℹ️ The {kind} “{title}” became a supergroup; releases now go there.",
    ),
}

# --- Membership and /channels ------------------------------------------------------------------

# Told to staff when the bot is added to a channel or group, or can post there again.
ADDED_ON = Text(
    ru="✅ {kind} «{title}»: {name} добавил(а) бота, релизы будут публиковаться там.",
    en="✅ The {kind} “{title}”: {name} added the bot; releases will be posted there.",
)
BACK_ON = Text(
    ru="✅ {kind} «{title}»: бот снова может публиковать, релизы идут туда снова.",
    en="✅ The {kind} “{title}”: the bot can post again; releases go there again.",
)
ADDED_OFF = Text(
    ru="ℹ️ {kind} «{title}»: {name} (не из редакции) добавил(а) бота. Туда ничего не "
    "публикуется, пока вы не включите это в /channels.",
    en="ℹ️ The {kind} “{title}”: {name}, who is not staff, added the bot. Nothing is posted "
    "there until you switch it on in /channels.",
)
GROUP_ON_NOTICE = Text(
    ru="✅ {kind} «{title}»: {name}, администратор группы, подписал(а) её командой /start.",
    en="✅ The {kind} “{title}”: {name}, an administrator there, subscribed it with /start.",
)
GROUP_OFF_NOTICE = Text(
    ru="ℹ️ {kind} «{title}»: {name}, администратор группы, отписал(а) её командой /stop.",
    en="ℹ️ The {kind} “{title}”: {name}, an administrator there, unsubscribed it with /stop.",
)

CHANNELS_EMPTY = Text(
    ru=(
        "<b>Каналы и группы</b>\nПока ни одного.\n\n"
        "Канал: добавьте бота в администраторы канала с правом публиковать сообщения — "
        "релизы сразу пойдут туда.\n"
        "Группа: добавьте бота в группу; её администратор отправляет там /start@{bot}. "
        "В группе с темами /start в теме отправляет релизы в эту тему."
    ),
    en=(
        "<b>Channels and groups</b>\nNone yet.\n\n"
        "A channel: make the bot an administrator of the channel with the right to post "
        "messages; releases go there at once.\n"
        "A group: add the bot to the group; an administrator of the group sends /start@{bot} "
        "there. In a group with topics, /start in a topic sends the releases to that topic."
    ),
)
CHANNELS_HEADER = Text(
    ru="<b>Каналы и группы: {count}</b>", en="<b>Channels and groups: {count}</b>"
)
CHANNELS_MORE = Text(ru="…и ещё {count}", en="…and {count} more")
CHANNELS_FOOTER = Text(
    ru="Кнопки включают и выключают публикацию. Удалённые и лишённые прав вернутся, когда "
    "бота снова добавят администратором.",
    en="The buttons switch posting on and off. Removed and rightless ones come back when the "
    "bot is made an administrator there again.",
)
STATE_ON = Text(ru="✅ включено", en="✅ on")
STATE_OFF = Text(ru="⏸ выключено", en="⏸ off")
STATE_REMOVED = Text(ru="⛔ бота удалили", en="⛔ bot removed")
STATE_NO_RIGHTS = Text(ru="⚠️ нет прав публиковать", en="⚠️ no rights to post")
STATE_MIGRATED = Text(ru="➡️ стала супергруппой", en="➡️ became a supergroup")
TOPIC = Text(ru="тема {id}", en="topic {id}")
MEMBERS_ONE = Text(ru="{count} участник", en="{count} member")
MEMBERS_FEW = Text(ru="{count} участника", en="{count} members")
MEMBERS_MANY = Text(ru="{count} участников", en="{count} members")
BUTTON_SWITCH_ON = Text(ru="{n}: включить", en="{n}: switch on")
BUTTON_SWITCH_OFF = Text(ru="{n}: выключить", en="{n}: switch off")
# Toasts (plain text: answerCallbackQuery does not parse HTML, so no titles in them).
SWITCHED_ON = Text(
    ru="Включено: релизы будут публиковаться там.", en="On: releases will be posted there."
)
SWITCHED_OFF = Text(
    ru="Выключено: туда больше ничего не публикуется.", en="Off: nothing more is posted there."
)
SWITCH_UNAVAILABLE = Text(
    ru="Нельзя переключить: бота там удалили или лишили прав. Список обновлён.",
    en="This one can't be switched: the bot was removed there or lost its rights. The list "
    "is updated.",
)

# --- Groups: /start, /stop and pointers to the private chat ------------------------------------

GROUP_STARTED = Text(
    ru="✅ Группа подписана: новые пресс-релизы будут публиковаться здесь. /stop@{bot} — "
    "отписать (только администраторы).",
    en="✅ This group is subscribed: new press releases will be posted here. /stop@{bot} "
    "unsubscribes it (administrators only).",
)
GROUP_STARTED_TOPIC = Text(
    ru="✅ Группа подписана: новые пресс-релизы будут публиковаться в этой теме. /stop@{bot} — "
    "отписать (только администраторы).",
    en="✅ This group is subscribed: new press releases will be posted in this topic. "
    "/stop@{bot} unsubscribes it (administrators only).",
)
GROUP_MOVED = Text(
    ru="✅ Теперь пресс-релизы будут публиковаться здесь, а не в прежней теме.",
    en="✅ Press releases will now be posted here instead of the previous topic.",
)
GROUP_ALREADY = Text(
    ru="Группа уже подписана, релизы публикуются здесь.",
    en="This group is already subscribed; releases are posted here.",
)
GROUP_ALREADY_TOPIC = Text(
    ru="Группа уже подписана, релизы публикуются в этой теме.",
    en="This group is already subscribed; releases are posted in this topic.",
)
GROUP_STOPPED = Text(
    ru="Группа отписана: пресс-релизы больше не будут публиковаться здесь. /start@{bot} — "
    "подписать снова.",
    en="This group is unsubscribed: no more press releases here. /start@{bot} subscribes it "
    "again.",
)
GROUP_NOT_SUBSCRIBED = Text(
    ru="Группа не подписана. /start@{bot} — подписать (только администраторы).",
    en="This group is not subscribed. /start@{bot} subscribes it (administrators only).",
)
ADMINS_ONLY = Text(
    ru="Это могут только администраторы группы.",
    en="Only the group's administrators can do this.",
)
CHECK_FAILED = Text(
    ru="Telegram не подтвердил ваши права в группе. Попробуйте ещё раз через минуту.",
    en="Telegram did not confirm your rights in this group just now. Please try again in a "
    "minute.",
)
GROUP_HELP = Text(
    ru="Я публикую пресс-релизы. Администраторы группы: /start@{bot} — подписать группу (в "
    "группе с темами — эту тему), /stop@{bot} — отписать.\nДайджесты и настройки — личные: "
    "напишите мне в личные сообщения, @{bot}.",
    en="I post press releases. Group administrators: /start@{bot} subscribes the group (in a "
    "group with topics, this topic), /stop@{bot} unsubscribes it.\nDigests and settings are "
    "personal: write to me privately, @{bot}.",
)
PRIVATE_ONLY = Text(
    ru="Дайджесты и настройки — в личных сообщениях со мной: @{bot}.",
    en="Digests and settings are in a private chat with me: @{bot}.",
)
STAFF_PRIVATE_ONLY = Text(
    ru="Команды редакции работают только в личных сообщениях со мной: @{bot}.",
    en="Staff commands work only in a private chat with me: @{bot}.",
)

# --- Live counters ----------------------------------------------------------------------------
# The line under a channel or group copy's stars (a button: pressed, it answers with the same),
# and the answer to a press on that shared post.

COUNTER_ONE = Text(ru="★ {average} · {count} голос", en="★ {average} · {count} vote")
COUNTER_FEW = Text(ru="★ {average} · {count} голоса", en="★ {average} · {count} votes")
COUNTER_MANY = Text(ru="★ {average} · {count} голосов", en="★ {average} · {count} votes")
COUNTER_NONE = Text(ru="☆ голосов пока нет", en="☆ no votes yet")
