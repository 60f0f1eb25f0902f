"""What staff read about sources (issue 13), in Russian and English. Values are escaped by
`Text`; the commands themselves are listed in `bot.texts` (STAFF_COMMANDS and ADMIN)."""

from __future__ import annotations

from bot.i18n import Text

# --- /source_add ------------------------------------------------------------------------------

ADD_USAGE = Text(
    ru="Пришлите адрес ленты сайта (RSS, Atom, JSON Feed) или страницы новостей, которая её "
    "называет: /source_add https://example.com/rss",
    en="Send the address of the site's feed (RSS, Atom, JSON Feed) or of a news page that names "
    "it: /source_add https://example.com/rss",
)
ADDED = Text(
    ru="Источник #{id} · {title} · сейчас материалов: {items}.\nОни отмечены как "
    "просмотренные и не будут отправлены; новые будут приходить {mode}.",
    en="Source #{id} · {title} · {items} items now.\nThey are marked seen and will not be "
    "sent; new items will {mode}.",
)
ADDED_REVIEW = Text(ru="редакции на проверку", en="come to staff for review")
ADDED_AUTO = Text(ru="читателям сразу", en="go to readers at once")
ALREADY_ADDED = Text(
    ru="Источник #{id} · {title} уже добавлен (просмотрено материалов: {items}).",
    en="Source #{id} · {title} is already added ({items} items seen).",
)
CANNOT_ADD = Text(
    ru="Не получилось добавить источник: {reason}",
    en="The source was not added: {reason}",
)

# --- /sources -------------------------------------------------------------------------------

LIST_EMPTY = Text(
    ru="Источников пока нет. Добавьте ленту сайта: /source_add &lt;ссылка&gt;",
    en="No sources yet. Add the site's feed: /source_add &lt;link&gt;",
)
LIST_HEADER = Text(ru="<b>Источники</b>", en="<b>Sources</b>")
LIST_ROW = Text(
    ru="<b>#{id}</b> · {title} · {mode} · {state}\n{url}\nПроверка: {checked} · последний "
    "новый материал: {new_item} · релизов из него: {taken}",
    en="<b>#{id}</b> · {title} · {mode} · {state}\n{url}\nLast check: {checked} · last new "
    "item: {new_item} · items taken: {taken}",
)
LIST_FOOTER = Text(
    ru="/source_check N — проверить сейчас · /source_mode N review|auto · /source_pause N · "
    "/source_resume N · /source_remove N",
    en="/source_check N — check now · /source_mode N review|auto · /source_pause N · "
    "/source_resume N · /source_remove N",
)
MODE_REVIEW = Text(ru="проверка", en="review")
MODE_AUTO = Text(ru="авто", en="auto")
STATE_OK = Text(ru="в порядке", en="ok")
STATE_FAILING = Text(ru="ошибки с {since}: {error}", en="failing since {since}: {error}")
STATE_PAUSED = Text(ru="на паузе", en="paused")
NEVER = Text(ru="ещё не было", en="never")

# --- /source_check and the other commands ---------------------------------------------------

USAGE = Text(
    ru="Укажите номер источника из /sources: /{command} 4",
    en="Give the source's number from /sources: /{command} 4",
)
MODE_USAGE = Text(
    ru="Так: /source_mode 4 review (новое — на проверку) или /source_mode 4 auto (сразу "
    "читателям).",
    en="Like this: /source_mode 4 review (new items to staff) or /source_mode 4 auto (straight "
    "to readers).",
)
NOT_FOUND = Text(
    ru="Источника #{id} нет. Список: /sources",
    en="There is no source #{id}. The list: /sources",
)
CHECK_NEW_ONE = Text(ru="{count} новый материал", en="{count} new item")
CHECK_NEW_FEW = Text(ru="{count} новых материала", en="{count} new items")
CHECK_NEW_MANY = Text(ru="{count} новых материалов", en="{count} new items")
CHECK_NOTHING = Text(ru="ничего нового", en="nothing new")
CHECK_FAILED = Text(ru="лента недоступна: {error}", en="feed unreachable: {error}")
CHECK_DUPLICATES = Text(
    ru="; уже были релизами по ссылке: {count}", en="; already released by link: {count}"
)
CHECKED = Text(ru="Источник #{id} · {title}: {found}", en="Source #{id} · {title}: {found}")
MODE_SET_REVIEW = Text(
    ru="Источник #{id}: режим «проверка» — каждый новый материал станет черновиком, и редакция "
    "получит его предпросмотр.",
    en="Source #{id} is in review mode: each new item becomes a draft previewed to staff.",
)
MODE_SET_AUTO = Text(
    ru="Источник #{id}: режим «авто» — каждый новый материал сразу уходит читателям.",
    en="Source #{id} is in auto mode: each new item goes to readers at once.",
)
PAUSED = Text(
    ru="Источник #{id} на паузе. Снова проверять: /source_resume {id}",
    en="Source #{id} is paused. To poll it again: /source_resume {id}",
)
RESUMED = Text(
    ru="Источник #{id} снова проверяется; первая проверка — сейчас.",
    en="Source #{id} is polled again, the first time now.",
)
REMOVED = Text(
    ru="Источник #{id} удалён; релизы из него остались.",
    en="Source #{id} is removed; its releases stay.",
)

# --- /post <link> -----------------------------------------------------------------------------

LINK_FAILED = Text(
    ru="Не получилось сделать релиз из {url}: {reason}",
    en="No release could be made from {url}: {reason}",
)
LINK_CUT = Text(
    ru="⚠ Текст страницы длиннее {limit} символов ({length}): сохранено и кратко изложено "
    "только его начало.",
    en="⚠ The page's text is longer than {limit} characters ({length}): only its start was "
    "kept and summarized.",
)
LINK_ALREADY = Text(
    ru="Из этой страницы уже сделан релиз #{id} ({status}). Открыть: /release {id}",
    en="Release #{id} was already made from this page ({status}). To open it: /release {id}",
)

# --- Drafts from sources, and notices ---------------------------------------------------------

FROM_SOURCE = Text(
    ru="Новый материал источника #{source} · {title}",
    en="A new item from source #{source} · {title}",
)
AUTO_PUBLISHED = Text(
    ru="Источник #{source} · {title}: релиз #{id} автоматически отправляется подписчикам: "
    "{count}. Как прошло: /release {id}",
    en="Source #{source} · {title}: release #{id} is going out automatically to {count} "
    "readers. How it went: /release {id}",
)
SETTLED_PUBLISHED = Text(
    ru="Релиз #{id} опубликовал(а) {name}.", en="Release #{id} was published by {name}."
)
SETTLED_SCHEDULED = Text(
    ru="Релиз #{id} запланировал(а) {name}.", en="Release #{id} was scheduled by {name}."
)
SETTLED_DISCARDED = Text(
    ru="Релиз #{id} отклонил(а) {name}.", en="Release #{id} was discarded by {name}."
)
# Heads the new preview the other staff get when one of them edits a draft previewed to all.
EDITED_BY = Text(
    ru="✏️ {name} изменил(а) релиз #{id}; вот новая версия.",
    en="✏️ {name} edited release #{id}; here is the new version.",
)
SUPERSEDED = Text(
    ru="Релиз #{id} изменён; новая версия ниже.",
    en="Release #{id} was edited; the new version follows.",
)
NOTICE_FAILING = Text(
    ru="⚠️ Источник #{id} · {title} не отвечает: {failures} проверки подряд с {since}. "
    "Последняя ошибка: {error}\nБот продолжает проверять, реже; напишет, когда заработает.",
    en="⚠️ Source #{id} · {title} is failing: {failures} polls in a row since {since}. "
    "Last error: {error}\nThe bot keeps trying, less often, and will say when it works again.",
)
NOTICE_RECOVERED = Text(
    ru="✅ Источник #{id} · {title} снова работает.",
    en="✅ Source #{id} · {title} works again.",
)
NOTICE_ITEM_FAILED = Text(
    ru="⚠️ Источник #{id} · {title}: материал не удалось сделать релизом: {detail}",
    en="⚠️ Source #{id} · {title}: an item could not be made a release: {detail}",
)
