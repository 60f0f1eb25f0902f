"""What staff see about sources, rendered: /sources, the answer to /source_check, /source_add's
answer, and the notices about a source failing, recovering or an item it could not take. Pure
functions of the stored state and `lang`; values are escaped by `Text`."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import source_texts as st
from bot.html import Html
from bot.i18n import Lang, number, plural
from bot.posting import fit, one_line
from bot.redact import redact
from bot.sources import policy
from bot.sources.poller import Added, PollResult, SourceNotice
from bot.staff_views import moment
from storage.sources import Source

SHORT_TITLE = 60
MESSAGE_CHARS = 3_800
ERROR_LIMIT = 200


def source_title(source: Source) -> str:
    """A source's title on one line, within `SHORT_TITLE`."""
    return fit(one_line(source.title), SHORT_TITLE) or source.url


def _error(error: str | None) -> str:
    return fit(one_line(redact(error or "?")), ERROR_LIMIT)


def _when(timestamp: float | None, zone: ZoneInfo, lang: Lang) -> Html | str:
    return st.NEVER(lang) if timestamp is None else moment(timestamp, zone, lang)


def state(source: Source, zone: ZoneInfo, lang: Lang) -> Html:
    """ok, failing since ... with the last error, or paused."""
    now = policy.state_of(paused=source.paused, failures=source.failures)
    if now == "paused":
        return st.STATE_PAUSED(lang)
    if now == "failing":
        since = _when(source.failing_since, zone, lang)
        return st.STATE_FAILING(lang, since=since, error=_error(source.last_error))
    return st.STATE_OK(lang)


def mode(source: Source, lang: Lang) -> Html:
    """review or auto, in the staff member's language."""
    return (st.MODE_AUTO if source.mode == "auto" else st.MODE_REVIEW)(lang)


def sources_list(sources: list[Source], zone: ZoneInfo, lang: Lang) -> list[Html]:
    """The /sources report, in as many messages as it takes (each well within 4,096
    characters: some fifteen sources a message)."""
    if not sources:
        return [st.LIST_EMPTY(lang)]
    rows = [
        st.LIST_ROW(
            lang,
            id=source.id,
            title=source_title(source),
            mode=mode(source, lang),
            state=state(source, zone, lang),
            url=source.url,
            checked=_when(source.last_checked_at, zone, lang),
            new_item=_when(source.last_new_item_at, zone, lang),
            taken=number(source.items_taken, lang),
        )
        for source in sources
    ]
    messages: list[list[str]] = [[st.LIST_HEADER(lang)]]
    size = len(messages[0][0])
    for row in [*rows, st.LIST_FOOTER(lang)]:
        # Markup and escapes only add to the length Telegram counts after parsing.
        if size + 2 + len(row) > MESSAGE_CHARS:
            messages.append([])
            size = 0
        messages[-1].append(row)
        size += 2 + len(row)
    return [Html("\n\n".join(parts)) for parts in messages]


def added(result: Added, lang: Lang) -> Html:
    """The answer to /source_add."""
    source = result.source
    values = {"id": source.id, "title": source_title(source), "items": number(result.items, lang)}
    if result.existing:
        return st.ALREADY_ADDED(lang, **values)
    way = (st.ADDED_AUTO if source.mode == "auto" else st.ADDED_REVIEW)(lang)
    return st.ADDED(lang, mode=way, **values)


def found(result: PollResult, lang: Lang) -> Html:
    """What a poll found: "2 new items", "nothing new", "feed unreachable: HTTP 500"."""
    if result.error is not None:
        return st.CHECK_FAILED(lang, error=_error(result.error))
    if result.new:
        text = plural(
            lang,
            result.new,
            st.CHECK_NEW_ONE,
            st.CHECK_NEW_FEW,
            st.CHECK_NEW_MANY,
            count=number(result.new, lang),
        )
    else:
        text = st.CHECK_NOTHING(lang)
    if result.duplicates:
        text = Html(text + st.CHECK_DUPLICATES(lang, count=number(result.duplicates, lang)))
    return text


def checked(source: Source, result: PollResult, lang: Lang) -> Html:
    """The answer to /source_check N."""
    return st.CHECKED(lang, id=source.id, title=source_title(source), found=found(result, lang))


def notice(event: SourceNotice, zone: ZoneInfo, lang: Lang) -> Html:
    """What staff are told, once, when a source starts failing, recovers, or loses an item."""
    source = event.source
    values = {"id": source.id, "title": source_title(source)}
    if event.kind == "failing":
        return st.NOTICE_FAILING(
            lang,
            failures=source.failures,
            since=_when(source.failing_since, zone, lang),
            error=_error(event.detail),
            **values,
        )
    if event.kind == "recovered":
        return st.NOTICE_RECOVERED(lang, **values)
    return st.NOTICE_ITEM_FAILED(lang, detail=_error(event.detail), **values)
