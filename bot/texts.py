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
    ("digest_preview", Text(ru="Как выглядит дайджест", en="Preview the digest")),
    ("digest_send", Text(ru="Разослать дайджесты сейчас", en="Send due digests now")),
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
    ru="<b>Настройки</b>\nДоставка: {mode}\nЧас дайджеста: {hour} ({zone})\nЯзык: {language}",
    en="<b>Settings</b>\nDelivery: {mode}\nDigest hour: {hour} ({zone})\nLanguage: {language}",
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
        "/post — новый релиз (или /post Заголовок⏎текст⏎ссылка)\n"
        "/releases — последние релизы\n/release N — релиз: доставка и оценки\n"
        "/edit N — изменить заголовок, краткое содержание или ссылку\n"
        "/retract N — отозвать релиз\n/subscribers — подписчики\n"
        "/digest_preview — дайджест, как его видит читатель\n"
        "/digest_send — разослать дайджесты сейчас\n/cancel — выйти из диалога"
    ),
    en=(
        "<b>Staff commands</b>\n"
        "/post — a new release (or /post Title⏎text⏎link)\n"
        "/releases — recent releases\n/release N — one release: delivery and ratings\n"
        "/edit N — change the title, summary or link\n"
        "/retract N — retract a release\n/subscribers — subscribers\n"
        "/digest_preview — the digest as a reader sees it\n"
        "/digest_send — send the due digests now\n/cancel — leave a dialog"
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
