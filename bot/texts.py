"""Every text a person reads, in Russian and English. Values passed in are escaped by `Text`."""

from __future__ import annotations

from bot.i18n import Text

# --- Commands shown in Telegram's menu (setMyCommands) -------------------------------------

READER_COMMANDS: tuple[tuple[str, Text], ...] = (
    ("start", Text(ru="Подписаться на пресс-релизы", en="Subscribe to press releases")),
    ("settings", Text(ru="Доставка, час дайджеста, язык", en="Delivery, digest hour, language")),
    ("digest", Text(ru="Показать мой дайджест сейчас", en="Show my digest now")),
    ("stop", Text(ru="Отписаться", en="Unsubscribe")),
    ("help", Text(ru="Что умеет бот", en="What the bot does")),
)

STAFF_COMMANDS: tuple[tuple[str, Text], ...] = (
    ("admin", Text(ru="Команды редакции", en="Staff commands")),
    ("post", Text(ru="Новый пресс-релиз", en="New press release")),
    ("releases", Text(ru="Последние релизы", en="Recent releases")),
    ("release", Text(ru="Релиз N: доставка и оценки", en="Release N: delivery and ratings")),
    ("edit", Text(ru="Изменить релиз N", en="Edit release N")),
    ("retract", Text(ru="Отозвать релиз N", en="Retract release N")),
    ("subscribers", Text(ru="Подписчики по статусам", en="Subscribers by status")),
    ("channels", Text(ru="Каналы и группы", en="Channels and groups")),
    ("sources", Text(ru="Источники: ленты сайтов", en="Sources: the sites' feeds")),
    ("source_add", Text(ru="Добавить ленту сайта", en="Add a site's feed")),
    ("source_check", Text(ru="Проверить источник N сейчас", en="Check source N now")),
    ("source_mode", Text(ru="Источник N: review или auto", en="Source N: review or auto")),
    ("source_pause", Text(ru="Приостановить источник N", en="Pause source N")),
    ("source_resume", Text(ru="Возобновить источник N", en="Resume source N")),
    ("source_remove", Text(ru="Удалить источник N", en="Remove source N")),
    ("digest_preview", Text(ru="Как выглядит дайджест", en="Preview the digest")),
    ("digest_send", Text(ru="Разослать дайджесты сейчас", en="Send due digests now")),
    ("status", Text(ru="Состояние бота", en="Bot status")),
    ("cancel", Text(ru="Выйти из диалога", en="Leave the current dialog")),
)

# --- Reader --------------------------------------------------------------------------------

GREETING = Text(
    ru=(
        "Здравствуйте, {name}! Вы подписаны на пресс-релизы.\n\n"
        "Каждый новый релиз приходит коротко: заголовок, 2–3 предложения и ссылка на полный "
        "текст. Оцените его кнопками ★ 1–5 под сообщением; оценку можно изменить.\n\n"
        "/settings — как получать: сразу, дайджестом раз в день или в неделю, пауза; "
        "час дайджеста; язык.\n/stop — отписаться."
    ),
    en=(
        "Hello, {name}! You are subscribed to press releases.\n\n"
        "Each new release arrives in short: the title, 2–3 sentences and a link to the full "
        "text. Rate it with the ★ 1–5 buttons under the message; you can change your vote.\n\n"
        "/settings — how to receive them: as they come, a daily or weekly digest, or paused; "
        "the digest hour; the language.\n/stop — unsubscribe."
    ),
)
WELCOME_BACK = Text(
    ru="С возвращением, {name}! Подписка снова активна, ваши настройки сохранены.\n\n{settings}",
    en="Welcome back, {name}! Your subscription is active again, with your settings kept.\n\n"
    "{settings}",
)
ALREADY_SUBSCRIBED = Text(
    ru="Вы уже подписаны.\n\n{settings}\n\nИзменить: /settings",
    en="You are already subscribed.\n\n{settings}\n\nChange them: /settings",
)
STOPPED = Text(
    ru="Вы отписались: релизы больше не придут. Вернуться можно в любой момент командой /start "
    "— настройки сохранятся.",
    en="You have unsubscribed: no more releases will come. Come back any time with /start — "
    "your settings are kept.",
)
NOT_SUBSCRIBED = Text(
    ru="Вы не подписаны. Подписаться: /start",
    en="You are not subscribed. To subscribe: /start",
)
HELP = Text(
    ru=(
        "<b>Pressroom</b> присылает пресс-релизы: заголовок, краткое содержание и ссылку.\n\n"
        "/start — подписаться\n/settings — доставка, час дайджеста, язык\n"
        "/digest — мой дайджест сейчас\n/stop — отписаться\n/help — эта справка\n\n"
        "Оценивайте релизы кнопками ★ 1–5 под сообщением; оценку можно изменить."
    ),
    en=(
        "<b>Pressroom</b> sends press releases: the title, a short summary and a link.\n\n"
        "/start — subscribe\n/settings — delivery, digest hour, language\n"
        "/digest — my digest now\n/stop — unsubscribe\n/help — this help\n\n"
        "Rate releases with the ★ 1–5 buttons under each message; you can change your vote."
    ),
)
UNKNOWN_COMMAND = Text(
    ru="Такой команды нет. Список команд: /help",
    en="There is no such command. The list of commands: /help",
)
NOT_A_COMMAND = Text(
    ru="Я присылаю пресс-релизы и не читаю сообщения. Команды: /help",
    en="I send press releases and do not read messages. Commands: /help",
)

# --- Settings ------------------------------------------------------------------------------

SETTINGS = Text(
    ru="<b>Настройки</b>\nДоставка: {mode}\nЧас дайджеста: {hour} ({zone}){day}\nЯзык: {language}",
    en="<b>Settings</b>\nDelivery: {mode}\nDigest hour: {hour} ({zone}){day}\n"
    "Language: {language}",
)
MODE_INSTANT = Text(ru="каждый релиз сразу", en="every release as it comes")
MODE_DAILY = Text(ru="ежедневный дайджест", en="daily digest")
MODE_WEEKLY = Text(ru="еженедельный дайджест", en="weekly digest")
MODE_PAUSED = Text(ru="пауза", en="paused")
BUTTON_INSTANT = Text(ru="Сразу", en="As they come")
BUTTON_DAILY = Text(ru="Дайджест за день", en="Daily digest")
BUTTON_WEEKLY = Text(ru="Дайджест за неделю", en="Weekly digest")
BUTTON_PAUSED = Text(ru="Пауза", en="Paused")
BUTTON_HOUR = Text(ru="Час дайджеста: {hour}", en="Digest hour: {hour}")
BUTTON_BACK = Text(ru="« Назад", en="« Back")
LANGUAGE_NAME = Text(ru="Русский", en="English")
CHOOSE_HOUR = Text(
    ru="В котором часу присылать дайджест ({zone})?",
    en="At what hour should the digest come ({zone})?",
)
SAVED = Text(ru="Сохранено", en="Saved")
SETTINGS_NEED_SUBSCRIPTION = Text(
    ru="Сначала подпишитесь: /start",
    en="Subscribe first: /start",
)
STALE_BUTTON = Text(
    ru="Эта кнопка устарела. Откройте /settings заново.",
    en="This button is out of date. Open /settings again.",
)

# --- Staff ---------------------------------------------------------------------------------

ADMIN = Text(
    ru=(
        "<b>Команды редакции</b>\n"
        "/post — новый релиз (или /post Заголовок⏎текст⏎ссылка, или /post ссылка)\n"
        "/releases — последние релизы\n/release N — релиз: доставка и оценки\n"
        "/edit N — изменить заголовок, краткое содержание или ссылку\n"
        "/retract N — отозвать релиз\n/subscribers — подписчики\n"
        "/channels — каналы и группы: включить, выключить\n"
        "/digest_preview — дайджест, как его видит читатель\n"
        "/digest_send — разослать дайджесты сейчас\n"
        "/sources — источники: ленты сайтов и их состояние\n"
        "/source_add ссылка — добавить ленту сайта\n/source_check N — проверить сейчас\n"
        "/source_mode N review|auto — на проверку или сразу читателям\n"
        "/source_pause N, /source_resume N, /source_remove N\n"
        "/status — состояние бота: очередь, дайджесты, резервные копии, ошибки\n"
        "/cancel — выйти из диалога"
    ),
    en=(
        "<b>Staff commands</b>\n"
        "/post — a new release (or /post Title⏎text⏎link, or /post link)\n"
        "/releases — recent releases\n/release N — one release: delivery and ratings\n"
        "/edit N — change the title, summary or link\n"
        "/retract N — retract a release\n/subscribers — subscribers\n"
        "/channels — channels and groups: switch them on or off\n"
        "/digest_preview — the digest as a reader sees it\n"
        "/digest_send — send the due digests now\n"
        "/sources — sources: the sites' feeds and their state\n"
        "/source_add link — add a site's feed\n/source_check N — check it now\n"
        "/source_mode N review|auto — to staff for review, or straight to readers\n"
        "/source_pause N, /source_resume N, /source_remove N\n"
        "/status — the bot's state: backlog, digests, backups, errors\n"
        "/cancel — leave a dialog"
    ),
)
SUBSCRIBERS = Text(
    ru=(
        "<b>Подписчики: {total}</b>\n"
        "Активны: {active} · отписались: {unsubscribed} · заблокировали бота: {blocked} · "
        "удалены: {gone}\n\n<b>Активные по доставке</b>\n"
        "Сразу: {instant} (и дайджест: {instant_digest})\n"
        "Дайджест за день: {daily} · за неделю: {weekly} · пауза: {paused}"
    ),
    en=(
        "<b>Subscribers: {total}</b>\n"
        "Active: {active} · unsubscribed: {unsubscribed} · blocked the bot: {blocked} · "
        "gone: {gone}\n\n<b>Active by delivery</b>\n"
        "As they come: {instant} (plus a digest: {instant_digest})\n"
        "Daily digest: {daily} · weekly: {weekly} · paused: {paused}"
    ),
)

# --- Staff: operations ------------------------------------------------------------------------

STATUS = Text(
    ru=(
        "<b>Pressroom {version}</b>\n"
        "Работает: {uptime}\nРежим: {mode}\nОчередь рассылки: {backlog}\n"
        "Последний запуск дайджестов: {digest}\nПоследняя резервная копия: {backup}\n"
        "Ошибок за последний час: {errors}"
    ),
    en=(
        "<b>Pressroom {version}</b>\n"
        "Up for: {uptime}\nMode: {mode}\nOutbox backlog: {backlog}\n"
        "Last digest run: {digest}\nLast backup: {backup}\n"
        "Errors in the last hour: {errors}"
    ),
)
STATUS_POLLING = Text(ru="long polling (бот опрашивает Telegram)", en="long polling")
STATUS_WEBHOOK = Text(ru="вебхук ({url})", en="webhook ({url})")
STATUS_DIGEST_RUN = Text(ru="{when}, в очередь: {queued}", en="{when}, {queued} queued")
STATUS_NEVER = Text(ru="ещё не было", en="none yet")
STATUS_BACKUP_OFF = Text(ru="выключены (BACKUP_DIR не задан)", en="off (BACKUP_DIR is empty)")
BACKUP_FAILED = Text(
    ru=(
        "⚠️ Резервная копия по расписанию не создана: {reason}\n"
        "Бот пробует снова каждый час и напишет об ошибке ещё раз только после удачной копии."
    ),
    en=(
        "⚠️ The scheduled backup failed: {reason}\n"
        "The bot tries again every hour and reports a failure again only after a backup "
        "succeeds."
    ),
)

# --- Releases: what readers receive, and rating them --------------------------------------

FULL_TEXT = Text(ru="Полный текст", en="Full text")
FULL_TEXT_AT = Text(ru="Полный текст: {host}", en="Full text: {host}")
RATING_NOTICE = Text(
    ru="Ваша оценка: {stars} ★ · Всего: {count} · Средняя: {average}",
    en="Your rating: {stars} ★ · Total: {count} · Average: {average}",
)
RATE_WITHDRAWN = Text(
    ru="Этот релиз отозван, оценить его уже нельзя.",
    en="This release has been withdrawn and can no longer be rated.",
)
RATE_NOT_YET = Text(
    ru="Это предпросмотр: оценить релиз можно после публикации.",
    en="This is a preview: the release can be rated once it is published.",
)
RATE_INVALID = Text(
    ru="Эта кнопка не работает. Оцените релиз кнопками под его сообщением.",
    en="This button does not work. Rate a release with the buttons under its message.",
)

# --- Staff: /post, the preview and its buttons ----------------------------------------------

POST_ASK_TITLE = Text(
    ru="Новый релиз. Пришлите заголовок одной строкой.\n/cancel — выйти.",
    en="A new release. Send the title as one line.\n/cancel to stop.",
)
POST_ASK_BODY = Text(
    ru="Теперь текст релиза: вставьте его, пришлите фото с подписью или перешлите сообщение.",
    en="Now the text of the release: paste it, send a photo with a caption, or forward a message.",
)
POST_ASK_LINK = Text(
    ru="Ссылка на полный текст? Пришлите адрес (https://…) или «-», если ссылки нет.",
    en="A link to the full text? Send the address (https://…), or “skip” or “-” for none.",
)
TITLE_NEEDS_TEXT = Text(
    ru="Заголовок должен быть текстом. Пришлите его ещё раз или /cancel.",
    en="The title must be text. Send it again, or /cancel.",
)
TITLE_TOO_LONG = Text(
    ru="Заголовок слишком длинный: {length} символов, можно не больше {limit}. Пришлите короче "
    "или /cancel.",
    en="The title is too long: {length} characters, at most {limit}. Send a shorter one, or "
    "/cancel.",
)
BODY_INVALID = Text(
    ru="Нужен текст релиза, фото с подписью или пересланное сообщение с текстом. /cancel — выйти.",
    en="I need the text of the release, a photo with a caption, or a forwarded message with "
    "text. /cancel to stop.",
)
LINK_INVALID = Text(
    ru="Это не ссылка. Пришлите адрес, который начинается с http:// или https://, или «-», "
    "если ссылки нет.",
    en="That is not a link. Send an address starting with http:// or https://, or “-” for none.",
)
CONTROL_DRAFT = Text(
    ru="<b>Релиз #{id}</b> · черновик. Выше — предпросмотр: так его увидят читатели.\n"
    "{summary_note}\nПодписчиков, получающих релизы сразу: {audience}.",
    en="<b>Release #{id}</b> · draft. Above is the preview, exactly as readers will see it.\n"
    "{summary_note}\nReaders who get it at once: {audience}.",
)
CONTROL_SCHEDULED = Text(
    ru="<b>Релиз #{id}</b> · запланирован на {when} ({zone}). Выше — предпросмотр.\n"
    "{summary_note}\nПодписчиков, получающих релизы сразу: {audience}.",
    en="<b>Release #{id}</b> · scheduled for {when} ({zone}). The preview is above.\n"
    "{summary_note}\nReaders who get it at once: {audience}.",
)
SUMMARY_AUTO = Text(
    ru="Краткое содержание составлено автоматически по тексту.",
    en="The summary was made automatically from the text.",
)
SUMMARY_EDITED = Text(
    ru="Краткое содержание написано редакцией.",
    en="The summary was written by staff.",
)
BODY_CUT = Text(
    ru="⚠ Текст длиннее {limit} символов ({length}): сохранено и кратко изложено только его "
    "начало, до {limit} символов.",
    en="⚠ The text is longer than {limit} characters ({length}): only its start, up to {limit} "
    "characters, was kept and summarized.",
)

SUMMARY_MISSING = Text(
    ru="⚠ Из этого текста не получилось краткое содержание: нажмите «Изменить краткое "
    "содержание» и напишите 2–3 предложения.",
    en="⚠ No summary could be made from this text: press “Edit summary” and write two or "
    "three sentences.",
)
BUTTON_PUBLISH = Text(ru="Опубликовать сейчас", en="Publish now")
BUTTON_SCHEDULE = Text(ru="Запланировать", en="Schedule")
BUTTON_EDIT_SUMMARY = Text(ru="Изменить краткое содержание", en="Edit summary")
BUTTON_CANCEL = Text(ru="Отменить", en="Cancel")
BUTTON_DISCARD = Text(ru="Отклонить", en="Discard")
PUBLISHING = Text(
    ru="Релиз #{id} отправляется подписчикам: {count}.",
    en="Release #{id} is going out to {count} readers.",
)
NEED_SUMMARY = Text(
    ru="У релиза #{id} нет краткого содержания: сначала нажмите «Изменить краткое содержание».",
    en="Release #{id} has no summary yet: press “Edit summary” first.",
)
WRONG_STATE = Text(
    ru="Релиз #{id} уже {status}; ничего не изменилось.",
    en="Release #{id} is already {status}; nothing changed.",
)
SCHEDULE_ASK = Text(
    ru="Когда отправить релиз #{id}? Дата и время ({zone}), например: 01.12.2026 9:30, "
    "2026-12-01 09:30, завтра 9:00, сегодня 18:00 или просто 9:00.\n/cancel — назад.",
    en="When should release #{id} go out? Date and time ({zone}), e.g. 2026-12-01 09:30, "
    "01.12.2026 9:30, tomorrow 9:00, today 18:00 or just 9:00.\n/cancel to go back.",
)
SCHEDULED = Text(
    ru="Релиз #{id} запланирован на {when} ({zone}). Посмотреть или изменить: /release {id}",
    en="Release #{id} is scheduled for {when} ({zone}). To see or change it: /release {id}",
)
WHEN_UNREADABLE = Text(
    ru="Не понимаю «{text}» как дату и время. Примеры: 01.12.2026 9:30, 2026-12-01 09:30, "
    "завтра 9:00, сегодня 18:00, 9:00. /cancel — назад.",
    en="I can't read “{text}” as a date and time. Examples: 2026-12-01 09:30, 01.12.2026 9:30, "
    "tomorrow 9:00, today 18:00, 9:00. /cancel to go back.",
)
WHEN_NEEDS_TEXT = Text(
    ru="Пришлите дату и время текстом, например 01.12.2026 9:30, или /cancel.",
    en="Send the date and time as text, e.g. 2026-12-01 09:30, or /cancel.",
)
WHEN_NO_SUCH_DATE = Text(
    ru="Такой даты нет: «{text}». Пришлите другую или /cancel.",
    en="There is no such date: “{text}”. Send another, or /cancel.",
)
WHEN_NO_SUCH_TIME = Text(
    ru="{when} в часовом поясе {zone} не бывает: в это время переводят часы. Выберите другое "
    "время.",
    en="{when} does not happen in {zone}: the clocks skip it. Pick another time.",
)
WHEN_PAST = Text(
    ru="{when} ({zone}) уже прошло. Пришлите время в будущем или /cancel.",
    en="{when} ({zone}) has already passed. Send a time in the future, or /cancel.",
)
WHEN_TOO_FAR = Text(
    ru="{when} — больше чем через год; проверьте год. Пришлите дату ещё раз или /cancel.",
    en="{when} is more than a year ahead; check the year. Send it again, or /cancel.",
)
SUMMARY_ASK = Text(
    ru="Пришлите новое краткое содержание релиза #{id} (до {limit} символов).\n/cancel — назад.",
    en="Send the new summary of release #{id} (up to {limit} characters).\n/cancel to go back.",
)
SUMMARY_NEEDS_TEXT = Text(
    ru="Краткое содержание должно быть текстом. Пришлите его ещё раз или /cancel.",
    en="The summary must be text. Send it again, or /cancel.",
)
SUMMARY_TOO_LONG = Text(
    ru="Слишком длинно: {length} символов, а с этим заголовком и ссылкой в сообщение "
    "помещается {limit}. Сократите или /cancel.",
    en="Too long: {length} characters, and with this title and link {limit} fit in one "
    "message. Shorten it, or /cancel.",
)
DISCARDED = Text(
    ru="Релиз #{id} отменён и никому не отправлен.",
    en="Release #{id} is cancelled; it was not sent to anyone.",
)
DIALOG_LEFT = Text(
    ru="Вы вышли из диалога; ничего не сохранено.",
    en="You left the dialog; nothing was saved.",
)
DIALOG_LEFT_RELEASE = Text(
    ru="Вы вышли из диалога; релиз #{id} не изменился: /release {id}",
    en="You left the dialog; release #{id} is unchanged: /release {id}",
)
NO_DIALOG = Text(
    ru="Сейчас нет диалога, из которого можно выйти.",
    en="There is no dialog to leave.",
)

# --- Staff: /releases, /release N, /edit N, /retract N ---------------------------------------

STATUS_DRAFT = Text(ru="черновик", en="draft")
STATUS_SCHEDULED = Text(ru="запланирован", en="scheduled")
STATUS_SENDING = Text(ru="отправляется", en="sending")
STATUS_SENT = Text(ru="отправлен", en="sent")
STATUS_RETRACTED = Text(ru="отозван", en="retracted")
NO_VOTES = Text(ru="оценок нет", en="no votes")
VOTES = Text(ru="★ {average} (оценок: {count})", en="★ {average} ({count} votes)")
RELEASES_EMPTY = Text(
    ru="Релизов пока нет. Новый: /post",
    en="No releases yet. Start one with /post.",
)
RELEASES_HEADER = Text(ru="<b>Последние релизы</b>", en="<b>Recent releases</b>")
RELEASES_ROW = Text(
    ru="<b>#{id}</b> · {status} · {title}\n    доставлено {delivered} · ошибок {failed} · {votes}",
    en="<b>#{id}</b> · {status} · {title}\n    delivered {delivered} · failed {failed} · {votes}",
)
RELEASES_FOOTER = Text(
    ru="Подробно: /release N",
    en="Details: /release N",
)
RELEASE_USAGE = Text(
    ru="Какой релиз? Пришлите /{command} N, например /{command} 12; номера — в /releases.",
    en="Which release? Send /{command} N, e.g. /{command} 12; the numbers are in /releases.",
)
RELEASE_BAD_NUMBER = Text(
    ru="«{value}» — не номер релиза. Например: /{command} 12; номера — в /releases.",
    en="“{value}” is not a release number. E.g. /{command} 12; the numbers are in /releases.",
)
RELEASE_NOT_FOUND = Text(
    ru="Релиза #{id} нет. Номера — в /releases.",
    en="There is no release #{id}. The numbers are in /releases.",
)
RELEASE_HEADER = Text(
    ru="<b>#{id} · {title}</b>\nСтатус: {status}",
    en="<b>#{id} · {title}</b>\nStatus: {status}",
)
RELEASE_CREATED = Text(ru="Создан: {when}", en="Created: {when}")
RELEASE_SCHEDULED_FOR = Text(ru="Отправка: {when} ({zone})", en="Goes out: {when} ({zone})")
RELEASE_PUBLISHED = Text(ru="Опубликован: {when}", en="Published: {when}")
RELEASE_RETRACTED = Text(ru="Отозван: {when}", en="Retracted: {when}")
RELEASE_REVISION = Text(ru="Правок: {edits}", en="Edits: {edits}")
RELEASE_DELIVERY = Text(
    ru="<b>Доставка</b>: доставлено {delivered} из {total}\n"
    "в очереди {pending} · ошибок {failed} · заблокировали бота {blocked} · удалены {gone}\n"
    "при отзыве: удалено {deleted} · слишком старых {expired} · не отправлено {cancelled}",
    en="<b>Delivery</b>: delivered {delivered} of {total}\n"
    "queued {pending} · failed {failed} · blocked the bot {blocked} · gone {gone}\n"
    "on retraction: deleted {deleted} · too old to delete {expired} · never sent {cancelled}",
)
RELEASE_RATING = Text(
    ru="<b>Оценки</b>: средняя {average}, всего {count}",
    en="<b>Ratings</b>: average {average} from {count} votes",
)
RELEASE_NO_RATING = Text(ru="<b>Оценки</b>: пока нет", en="<b>Ratings</b>: none yet")
RELEASE_FAILURES = Text(ru="<b>Последние ошибки</b>", en="<b>Recent failures</b>")
RELEASE_COMMANDS = Text(
    ru="Изменить: /edit {id} · отозвать: /retract {id}",
    en="Edit: /edit {id} · retract: /retract {id}",
)
EDIT_WHAT = Text(
    ru="Что изменить в релизе #{id} «{title}»?",
    en="What should change in release #{id} “{title}”?",
)
BUTTON_TITLE = Text(ru="Заголовок", en="Title")
BUTTON_SUMMARY = Text(ru="Краткое содержание", en="Summary")
BUTTON_LINK = Text(ru="Ссылку", en="Link")
EDIT_ASK_TITLE = Text(
    ru="Пришлите новый заголовок релиза #{id} (до {limit} символов).\n/cancel — назад.",
    en="Send the new title of release #{id} (up to {limit} characters).\n/cancel to go back.",
)
EDIT_ASK_LINK = Text(
    ru="Пришлите новую ссылку для релиза #{id} или «-», чтобы убрать её.\n/cancel — назад.",
    en="Send the new link of release #{id}, or “-” to remove it.\n/cancel to go back.",
)
EDIT_UNCHANGED = Text(
    ru="Так уже и есть; релиз #{id} не изменился.",
    en="That is what it already says; release #{id} is unchanged.",
)
EDITED = Text(
    ru="Релиз #{id} изменён (версия {revision}). Обновляю доставленные копии: {copies}.",
    en="Release #{id} is updated (revision {revision}). Updating the delivered copies: {copies}.",
)
EDIT_DONE = Text(
    ru="Релиз #{id}: обновлено копий у читателей: {copies} (версия {revision}).",
    en="Release #{id}: {copies} delivered copies now show revision {revision}.",
)
EDITED_DRAFT = Text(
    ru="Релиз #{id} изменён; новый предпросмотр ниже.",
    en="Release #{id} is updated; the new preview is below.",
)
NOT_EDITABLE = Text(
    ru="Релиз #{id} отозван, его нельзя изменить.",
    en="Release #{id} was retracted; it can't be edited.",
)
RETRACT_CONFIRM = Text(
    ru="Отозвать релиз #{id} «{title}»?\nКопии, отправленные за последние 48 часов, будут "
    "удалены из чатов читателей; более старые Telegram удалить не даёт — они останутся и "
    "будут отмечены как отозванные. Неотправленные сообщения отменяются.",
    en="Retract release #{id} “{title}”?\nCopies sent in the last 48 hours are deleted from "
    "readers' chats; Telegram does not allow deleting older ones, so they stay and are marked "
    "retracted. Messages not sent yet are cancelled.",
)
BUTTON_RETRACT = Text(ru="Отозвать", en="Retract")
BUTTON_KEEP = Text(ru="Оставить", en="Keep it")
RETRACT_KEPT = Text(
    ru="Релиз #{id} остаётся как был.",
    en="Release #{id} stays as it was.",
)
RETRACTING = Text(
    ru="Отзываю релиз #{id}…",
    en="Retracting release #{id}…",
)
RETRACTED = Text(
    ru="Релиз #{id} отозван.\nУдалено копий: {deleted} · старше 48 часов, удалить нельзя: "
    "{too_old} · у читателей, заблокировавших бота: {unreachable} · не отправлено: {cancelled}",
    en="Release #{id} is retracted.\nCopies deleted: {deleted} · older than 48 hours, can't be "
    "deleted: {too_old} · with readers who blocked the bot: {unreachable} · never sent: "
    "{cancelled}",
)
RETRACT_FAILED = Text(
    ru="Не удалось удалить сейчас: {failed}. Повторить: /retract {id}",
    en="Could not be deleted just now: {failed}. To try again: /retract {id}",
)
NOT_PUBLISHED = Text(
    ru="Релиз #{id} ещё никому не отправлен ({status}). Опубликовать, запланировать или "
    "отменить: /release {id}",
    en="Release #{id} has not been sent to anyone ({status}). To publish, schedule or cancel "
    "it: /release {id}",
)
ALREADY_RETRACTED = Text(
    ru="Релиз #{id} уже отозван.",
    en="Release #{id} is already retracted.",
)

# --- Digests -------------------------------------------------------------------------------

SETTINGS_DAY = Text(ru="\nДень дайджеста: {day}", en="\nDigest day: {day}")
BUTTON_ALSO_DAILY = Text(ru="+ дайджест за день", en="+ daily digest")
BUTTON_ALSO_WEEKLY = Text(ru="+ дайджест за неделю", en="+ weekly digest")
BUTTON_DAY = Text(ru="День: {day}", en="Day: {day}")
BUTTON_ZONE = Text(ru="Часовой пояс: {zone}", en="Time zone: {zone}")
BUTTON_PRESS_ZONE = Text(ru="Время пресс-центра ({zone})", en="Press centre's time ({zone})")
CHOOSE_DAY = Text(
    ru="В какой день недели присылать еженедельный дайджест?",
    en="On which day of the week should the weekly digest come?",
)
CHOOSE_ZONE = Text(
    ru="Час дайджеста считается по вашему часовому поясу. Сейчас: {zone}.",
    en="The digest hour follows your time zone. Now: {zone}.",
)
# Monday first, as `datetime.weekday()` counts.
WEEKDAYS: tuple[Text, ...] = (
    Text(ru="Понедельник", en="Monday"),
    Text(ru="Вторник", en="Tuesday"),
    Text(ru="Среда", en="Wednesday"),
    Text(ru="Четверг", en="Thursday"),
    Text(ru="Пятница", en="Friday"),
    Text(ru="Суббота", en="Saturday"),
    Text(ru="Воскресенье", en="Sunday"),
)
# Time zones offered as buttons in /settings, west to east, then Europe and America.
TIME_ZONES: tuple[tuple[str, Text], ...] = (
    ("Europe/Kaliningrad", Text(ru="Калининград", en="Kaliningrad")),
    ("Europe/Moscow", Text(ru="Москва", en="Moscow")),
    ("Europe/Samara", Text(ru="Самара", en="Samara")),
    ("Asia/Yekaterinburg", Text(ru="Екатеринбург", en="Yekaterinburg")),
    ("Asia/Novosibirsk", Text(ru="Новосибирск", en="Novosibirsk")),
    ("Asia/Krasnoyarsk", Text(ru="Красноярск", en="Krasnoyarsk")),
    ("Asia/Irkutsk", Text(ru="Иркутск", en="Irkutsk")),
    ("Asia/Vladivostok", Text(ru="Владивосток", en="Vladivostok")),
    ("Asia/Almaty", Text(ru="Алматы", en="Almaty")),
    ("Europe/Minsk", Text(ru="Минск", en="Minsk")),
    ("Europe/Kyiv", Text(ru="Киев", en="Kyiv")),
    ("Europe/Berlin", Text(ru="Берлин", en="Berlin")),
    ("Europe/London", Text(ru="Лондон", en="London")),
    ("America/New_York", Text(ru="Нью-Йорк", en="New York")),
)

DIGEST_DAILY = Text(
    ru="<b>Ваш дайджест за день</b> · {releases}", en="<b>Your daily digest</b> · {releases}"
)
DIGEST_WEEKLY = Text(
    ru="<b>Ваш дайджест за неделю</b> · {releases}", en="<b>Your weekly digest</b> · {releases}"
)
DIGEST_SO_FAR = Text(
    ru="<b>Ваш дайджест на сейчас</b> · {releases} с прошлого дайджеста",
    en="<b>Your digest so far</b> · {releases} since your last digest",
)
DIGEST_LAST_DAY = Text(
    ru="<b>Релизы за сутки</b> · {releases}", en="<b>The last 24 hours</b> · {releases}"
)
DIGEST_PREVIEW = Text(
    ru="<b>Предпросмотр</b>: дайджест читателя с ежедневной рассылкой сейчас · {releases}",
    en="<b>Preview</b>: what a daily digest reader would get now · {releases}",
)
DIGEST_RELEASES_ONE = Text(ru="{count} новый релиз", en="{count} new release")
DIGEST_RELEASES_FEW = Text(ru="{count} новых релиза", en="{count} new releases")
DIGEST_RELEASES_MANY = Text(ru="{count} новых релизов", en="{count} new releases")
DIGEST_PAGE = Text(ru="Релизы {first}–{last} из {total}", en="Releases {first}–{last} of {total}")
DIGEST_VOTES_ONE = Text(ru="★ {average} · {count} оценка", en="★ {average} · {count} vote")
DIGEST_VOTES_FEW = Text(ru="★ {average} · {count} оценки", en="★ {average} · {count} votes")
DIGEST_VOTES_MANY = Text(ru="★ {average} · {count} оценок", en="★ {average} · {count} votes")
DIGEST_NO_VOTES = Text(ru="☆ оценок пока нет", en="☆ no ratings yet")
DIGEST_MORE = Text(ru="…и ещё {count}", en="…and {count} more")
DIGEST_HINT = Text(
    ru="Нажмите номер, чтобы открыть релиз и оценить его.",
    en="Tap a number to open a release and rate it.",
)
BUTTON_DIGEST_MORE = Text(ru="Ещё {count} ›", en="{count} more ›")
DIGEST_NOTHING_SINCE = Text(
    ru="С вашего прошлого дайджеста новых релизов нет.",
    en="Nothing new since your last digest.",
)
DIGEST_NOTHING_DAY = Text(
    ru="За последние сутки новых релизов нет.",
    en="No new releases in the last 24 hours.",
)
DIGEST_ALL_RETRACTED = Text(
    ru="Релизы этого дайджеста отозваны редакцией.",
    en="The releases of this digest have been retracted.",
)
COULD_NOT_SAVE = Text(
    ru="Не удалось сохранить: на сервере кончилось место или база данных недоступна для записи. "
    "Ничего не изменилось, попробуйте ещё раз позже.",
    en="Could not save: the server is out of disk space or its database cannot be written. "
    "Nothing was changed; try again later.",
)
TOO_MANY_REQUESTS = Text(
    ru="Слишком много запросов, попробуйте ещё раз через мгновение.",
    en="Too many requests, try again in a moment.",
)
DIGEST_RELEASE_GONE = Text(
    ru="Этот релиз отозван или удалён.",
    en="This release has been retracted or removed.",
)
DIGESTS_QUEUED = Text(
    ru="Дайджестов поставлено в очередь: {queued}. Читателей без новых релизов: {empty}.",
    en="Digests queued: {queued}. Readers with nothing new: {empty}.",
)

# --- Delivery: the publishing staff member's progress message and final report ------------

PROGRESS_SENDING = Text(
    ru="<b>Рассылка: {delivered} из {total}</b> · заблокировали бота: {blocked} · "
    "ошибок: {failed}\n#{id} {title}",
    en="<b>Sending: {delivered} of {total}</b> · {blocked} blocked · {failed} failed\n"
    "#{id} {title}",
)
PROGRESS_SENT = Text(
    ru="<b>Разослано: {delivered} из {total}</b> · заблокировали бота: {blocked} · "
    "ошибок: {failed}\n#{id} {title}",
    en="<b>Sent: {delivered} of {total}</b> · {blocked} blocked · {failed} failed\n#{id} {title}",
)
PROGRESS_RETRACTED = Text(
    ru="<b>Отозван</b> после {delivered} из {total} · заблокировали бота: {blocked} · "
    "ошибок: {failed}\n#{id} {title}",
    en="<b>Retracted</b> after {delivered} of {total} · {blocked} blocked · {failed} failed\n"
    "#{id} {title}",
)
DELIVERY_REPORT = Text(
    ru="Релиз #{id} «{title}» разослан: получили {delivered} из {total} за {duration}.\n"
    "Заблокировали бота: {blocked} · чат удалён: {gone} · ошибок: {failed} · "
    "не отправлено (отписались раньше): {cancelled}\nПодробности: /release {id}",
    en="Release #{id} “{title}” is out: {delivered} of {total} received it in {duration}.\n"
    "Blocked the bot: {blocked} · chat gone: {gone} · failed: {failed} · "
    "not sent (left before their turn): {cancelled}\nDetails: /release {id}",
)
DURATION_SECONDS = Text(ru="{seconds} с", en="{seconds} s")
DURATION_MINUTES = Text(ru="{minutes} мин {seconds} с", en="{minutes} min {seconds} s")
DURATION_HOURS = Text(ru="{hours} ч {minutes} мин", en="{hours} h {minutes} min")
