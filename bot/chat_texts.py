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

# --- Live counters ----------------------------------------------------------------------------
# The line under a channel or group copy's stars (a button: pressed, it answers with the same),
# and the answer to a press on that shared post.

COUNTER_ONE = Text(ru="★ {average} · {count} голос", en="★ {average} · {count} vote")
COUNTER_FEW = Text(ru="★ {average} · {count} голоса", en="★ {average} · {count} votes")
COUNTER_MANY = Text(ru="★ {average} · {count} голосов", en="★ {average} · {count} votes")
COUNTER_NONE = Text(ru="☆ голосов пока нет", en="☆ no votes yet")
