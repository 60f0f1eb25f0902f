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
    ru="<b>Настройки</b>\nДоставка: {mode}\nЧас дайджеста: {hour} ({zone}){day}\n"
    "Язык: {language}",
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
