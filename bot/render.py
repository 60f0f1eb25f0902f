"""Every message the bot sends is rendered here: text in Telegram HTML plus its keyboard."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.callbacks import (
    DigestKind,
    DigestOpen,
    DigestPage,
    Rate,
    ReleaseAction,
    ReleaseButton,
    SettingsAction,
    SettingsButton,
)
from bot.html import Html, bold, escape, link, visible_length
from bot.i18n import LANGUAGES, Lang, Text, plural
from bot.redact import redact
from storage.deliveries import DeliveryStats, Failure
from storage.releases import Release
from storage.subscribers import Digest, Subscriber, SubscriberCounts

# Delivery choices of /settings, in button order: (instant, digest, paused).
DELIVERY_CHOICES: tuple[tuple[Text, bool, Digest, bool], ...] = (
    (texts.BUTTON_INSTANT, True, "off", False),
    (texts.BUTTON_DAILY, False, "daily", False),
    (texts.BUTTON_WEEKLY, False, "weekly", False),
    (texts.BUTTON_PAUSED, True, "off", True),
)
HOURS_PER_ROW = 6
# "Digest too" choices for readers who take releases as they come, in button order.
EXTRA_DIGESTS: tuple[tuple[Text, Digest], ...] = (
    (texts.BUTTON_ALSO_DAILY, "daily"),
    (texts.BUTTON_ALSO_WEEKLY, "weekly"),
)
DAYS_PER_ROW = 4
ZONES_PER_ROW = 3


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message ready to send: HTML text and an optional inline keyboard."""

    text: Html
    keyboard: InlineKeyboardMarkup | None = None


def _button(text: str, data: SettingsButton) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _checked(label: str, on: bool) -> str:
    return f"✓ {label}" if on else label


def mode_label(subscriber: Subscriber, lang: Lang) -> Html:
    """The reader-facing name of a subscriber's delivery mode."""
    if subscriber.paused:
        return texts.MODE_PAUSED(lang)
    parts = []
    if subscriber.instant:
        parts.append(texts.MODE_INSTANT(lang))
    if subscriber.digest == "daily":
        parts.append(texts.MODE_DAILY(lang))
    elif subscriber.digest == "weekly":
        parts.append(texts.MODE_WEEKLY(lang))
    return Html(" + ".join(parts))


def settings_summary(subscriber: Subscriber, lang: Lang, zone: str) -> Html:
    """The reader's current settings as text."""
    weekly = subscriber.digest == "weekly"
    day = texts.WEEKDAYS[subscriber.digest_weekday](lang)
    return texts.SETTINGS(
        lang,
        mode=mode_label(subscriber, lang),
        hour=f"{subscriber.digest_hour:02d}:00",
        zone=subscriber.timezone or zone,
        day=texts.SETTINGS_DAY(lang, day=day) if weekly else Html(""),
        language=texts.LANGUAGE_NAME(lang),
    )


def settings(subscriber: Subscriber, lang: Lang, zone: str) -> Rendered:
    """The /settings message: current choices and the keyboard to change them."""
    choices = [
        _button(
            _checked(label(lang), _is_choice(subscriber, instant, digest, paused)),
            SettingsButton(action=SettingsAction.MODE, value=index),
        )
        for index, (label, instant, digest, paused) in enumerate(DELIVERY_CHOICES)
    ]
    hour = texts.BUTTON_HOUR(lang, hour=f"{subscriber.digest_hour:02d}:00")
    timing = [_button(hour, SettingsButton(action=SettingsAction.HOURS))]
    if subscriber.digest == "weekly":
        day = texts.BUTTON_DAY(lang, day=texts.WEEKDAYS[subscriber.digest_weekday](lang))
        timing.append(_button(day, SettingsButton(action=SettingsAction.DAYS)))
    zone_label = texts.BUTTON_ZONE(lang, zone=subscriber.timezone or zone)
    languages = [
        _button(
            _checked(texts.LANGUAGE_NAME(code), code == lang),
            SettingsButton(action=SettingsAction.LANGUAGE, value=index),
        )
        for index, code in enumerate(LANGUAGES)
    ]
    rows = [choices[:2], choices[2:]]
    if subscriber.instant and not subscriber.paused:
        rows.append(
            [
                _button(
                    _checked(label(lang), subscriber.digest == digest),
                    SettingsButton(action=SettingsAction.ALSO, value=index),
                )
                for index, (label, digest) in enumerate(EXTRA_DIGESTS)
            ]
        )
    rows += [timing, [_button(zone_label, SettingsButton(action=SettingsAction.ZONES))]]
    rows.append(languages)
    keyboard = InlineKeyboardMarkup(inline_keyboard=rows)
    return Rendered(settings_summary(subscriber, lang, zone), keyboard)


def _is_choice(subscriber: Subscriber, instant: bool, digest: str, paused: bool) -> bool:
    if paused or subscriber.paused:
        return paused and subscriber.paused
    return subscriber.instant == instant and (instant or subscriber.digest == digest)


def hour_picker(subscriber: Subscriber, lang: Lang, zone: str) -> Rendered:
    """A grid of the 24 hours for the digest, the current one marked."""
    buttons = [
        _button(
            _checked(f"{hour:02d}", hour == subscriber.digest_hour),
            SettingsButton(action=SettingsAction.HOUR, value=hour),
        )
        for hour in range(24)
    ]
    rows = [buttons[i : i + HOURS_PER_ROW] for i in range(0, 24, HOURS_PER_ROW)]
    rows.append(_back(lang))
    text = texts.CHOOSE_HOUR(lang, zone=subscriber.timezone or zone)
    return Rendered(text, InlineKeyboardMarkup(inline_keyboard=rows))


def _back(lang: Lang) -> list[InlineKeyboardButton]:
    return [_button(texts.BUTTON_BACK(lang), SettingsButton(action=SettingsAction.BACK))]


def day_picker(subscriber: Subscriber, lang: Lang) -> Rendered:
    """The seven weekdays for a weekly digest, the current one marked."""
    buttons = [
        _button(
            _checked(name(lang), day == subscriber.digest_weekday),
            SettingsButton(action=SettingsAction.DAY, value=day),
        )
        for day, name in enumerate(texts.WEEKDAYS)
    ]
    rows = [buttons[i : i + DAYS_PER_ROW] for i in range(0, len(buttons), DAYS_PER_ROW)]
    rows.append(_back(lang))
    return Rendered(texts.CHOOSE_DAY(lang), InlineKeyboardMarkup(inline_keyboard=rows))


def zone_picker(subscriber: Subscriber, lang: Lang, zone: str) -> Rendered:
    """Common time zones as buttons (value = index + 1), and the press centre's (value 0)."""
    buttons = [
        _button(
            _checked(name(lang), key == subscriber.timezone),
            SettingsButton(action=SettingsAction.ZONE, value=index),
        )
        for index, (key, name) in enumerate(texts.TIME_ZONES, start=1)
    ]
    rows = [buttons[i : i + ZONES_PER_ROW] for i in range(0, len(buttons), ZONES_PER_ROW)]
    own = _checked(texts.BUTTON_PRESS_ZONE(lang, zone=zone), subscriber.timezone is None)
    rows.append([_button(own, SettingsButton(action=SettingsAction.ZONE, value=0))])
    rows.append(_back(lang))
    text = texts.CHOOSE_ZONE(lang, zone=subscriber.timezone or zone)
    return Rendered(text, InlineKeyboardMarkup(inline_keyboard=rows))


def subscriber_counts(counts: SubscriberCounts, lang: Lang) -> Html:
    """The /subscribers report for staff."""
    status, mode = counts.by_status, counts.by_mode
    return texts.SUBSCRIBERS(
        lang,
        total=counts.total,
        active=status["active"],
        unsubscribed=status["unsubscribed"],
        blocked=status["blocked"],
        gone=status["gone"],
        instant=counts.instant,
        instant_digest=mode["instant+daily"] + mode["instant+weekly"],
        daily=mode["daily"],
        weekly=mode["weekly"],
        paused=mode["paused"],
    )


# --- Releases ------------------------------------------------------------------------------
# A release is one message: the title in bold, the summary, a link to the full text and the
# rating row. With a photo, the whole text rides as the caption when it fits 1024 characters;
# otherwise the photo goes first with the title as its caption and the text follows as its
# own message carrying the rating row (`bot.delivery.view_calls` turns either shape into calls).

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
# Titles are capped well under the caption limit so the title alone always fits a caption.
TITLE_LIMIT = 1000
# A host longer than this would crowd the link label out; the label then just says "Full text".
HOST_LIMIT = 64
ELLIPSIS = "…"
# Control characters Telegram would reject or show as boxes, and lone surrogates, which
# Telegram refuses outright; tabs and newlines stay.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_SENTENCE_END = re.compile(r"[.!?…](?=\s)")
_LINK = re.compile(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ReleaseView:
    """A release as readers and staff see it: `text` with the rating row, and `photo` if any.
    `title` (in bold) is the photo's caption whenever the text follows the photo."""

    text: Html
    keyboard: InlineKeyboardMarkup
    title: Html
    photo: str | None = None
    fits_caption: bool = True

    @property
    def short_caption(self) -> Html | None:
        """The photo's caption when the text is too long to be it (the text then follows)."""
        return None if self.photo is None or self.fits_caption else self.title


def is_link(value: str) -> bool:
    """Whether `value` is an http(s) address with a dotted host and no spaces."""
    return len(value) <= 2048 and _LINK.fullmatch(value) is not None


def one_line(value: str) -> str:
    """User text on one line: whitespace runs become single spaces, invisible characters go."""
    return " ".join(_INVISIBLE.sub("", value.replace("\r\n", "\n")).split())


def paragraphs(value: str) -> str:
    """User text with lines kept, tidied: no invisible characters or blank-line runs."""
    unified = value.replace("\r\n", "\n").replace("\r", "\n")
    lines = [one_line(line) for line in _INVISIBLE.sub("", unified).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def fit(text: str, limit: int) -> str:
    """`text` if it fits `limit` UTF-16 units, else cut at a sentence or word end with "…"."""
    if visible_length(text) <= limit:
        return text
    if limit < 2:
        return ELLIPSIS[:limit]
    # Cut by UTF-16 units; "ignore" drops half of a surrogate pair split by the cut.
    head = text.encode("utf-16-le")[: 2 * (limit - 1)].decode("utf-16-le", "ignore")
    # Prefer a whole sentence, then a whole word, as long as at least half the room is used.
    floor = len(head) // 2
    for match in reversed(list(_SENTENCE_END.finditer(text, 0, len(head) + 1))):
        end = match.end()
        if end < floor:
            break
        if visible_length(text[:end]) + 2 <= limit:
            return text[:end] + " " + ELLIPSIS
    space = max(head.rfind(" "), head.rfind("\n"))
    if space >= floor:
        head = head[:space]
    return head.rstrip() + ELLIPSIS


def rating_keyboard(release_id: int, my_stars: int | None = None) -> InlineKeyboardMarkup:
    """The 1-5 star row under a release, the reader's own choice marked."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_checked(f"{stars} ★", stars == my_stars),
                    callback_data=Rate(release_id=release_id, stars=stars).pack(),
                )
                for stars in range(1, 6)
            ]
        ]
    )


def release_title(release: Release) -> str:
    """The title as shown: one line, within `TITLE_LIMIT`, never blank."""
    return fit(one_line(release.title), TITLE_LIMIT) or f"#{release.id}"


def short_title(release: Release) -> str:
    """The title as a list row or a question names it: one line, within `SHORT_TITLE`."""
    return fit(one_line(release.title), SHORT_TITLE)


def _link_label(link: str, lang: Lang) -> str:
    host = urlsplit(link).hostname or ""
    if host and len(host) <= HOST_LIMIT:
        return plain(texts.FULL_TEXT_AT(lang, host=host.removeprefix("www.")))
    return plain(texts.FULL_TEXT(lang))


def plain(markup: Html) -> str:
    """What a reader sees of simple markup made by `bot.texts`: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"</?[a-z][a-z-]*[^>]*>", "", markup))


def summary_room(release: Release) -> int:
    """How many UTF-16 units of summary fit in one message with this title and link, in
    every interface language (the link's label differs in length between them)."""
    used = visible_length(release_title(release)) + 2
    if release.link and is_link(release.link):
        label = max(visible_length(_link_label(release.link, lang)) for lang in LANGUAGES)
        used += 2 + label
    return TEXT_LIMIT - used


def release_view(release: Release, lang: Lang, *, my_stars: int | None = None) -> ReleaseView:
    """The message readers get, with `my_stars` marked in the rating row."""
    title = release_title(release)
    parts = [bold(title)]
    visible = visible_length(title)
    summary = fit(paragraphs(release.summary), summary_room(release))
    if summary:
        parts.append(escape(summary))
        visible += 2 + visible_length(summary)
    if release.link and is_link(release.link):
        label = _link_label(release.link, lang)
        parts.append(link(release.link, label))
        visible += 2 + visible_length(label)
    text = Html("\n\n".join(parts))
    keyboard = rating_keyboard(release.id, my_stars)
    return ReleaseView(
        text, keyboard, bold(title), release.photo_file_id, fits_caption=visible <= CAPTION_LIMIT
    )


# --- Releases for staff --------------------------------------------------------------------

STATUS_NAMES: dict[str, Text] = {
    "draft": texts.STATUS_DRAFT,
    "scheduled": texts.STATUS_SCHEDULED,
    "sending": texts.STATUS_SENDING,
    "sent": texts.STATUS_SENT,
    "retracted": texts.STATUS_RETRACTED,
}
# How much of a title a list row or a question shows.
SHORT_TITLE = 60
BAR_WIDTH = 12
FAILURES_SHOWN = 10
ERROR_LIMIT = 200


def number(value: int, lang: Lang) -> str:
    """A count with thousands grouped: 1,234 in English, 1 234 in Russian."""
    grouped = f"{value:,}"
    return grouped.replace(",", "\u00a0") if lang == "ru" else grouped


def decimal(value: float, lang: Lang) -> str:
    """One decimal place with the language's decimal mark: 4.2 or 4,2."""
    shown = f"{value:.1f}"
    return shown.replace(".", ",") if lang == "ru" else shown


def moment(timestamp: float, zone: ZoneInfo, lang: Lang) -> str:
    """A moment in the press centre's zone, in a form staff can type back to /post's Schedule."""
    return wall_clock(datetime.fromtimestamp(timestamp, zone), lang)


def wall_clock(local: datetime, lang: Lang) -> str:
    """A local date and time as `moment` writes it (also one the clocks skip, which no
    timestamp can stand for)."""
    return local.strftime("%d.%m.%Y %H:%M" if lang == "ru" else "%Y-%m-%d %H:%M")


def rating_notice(stars: int, count: int, average: float, lang: Lang) -> str:
    """The answer to a star press, like the site widget (plain text: a callback notice)."""
    return plain(
        texts.RATING_NOTICE(
            lang, stars=stars, count=number(count, lang), average=decimal(average, lang)
        )
    )


def _staff_button(
    label: Text, action: ReleaseAction, release_id: int, lang: Lang
) -> list[InlineKeyboardButton]:
    data = ReleaseButton(action=action, release_id=release_id).pack()
    return [InlineKeyboardButton(text=label(lang), callback_data=data)]


def release_controls(release: Release, audience: int, lang: Lang, zone: ZoneInfo) -> Rendered:
    """The staff-only message under a preview: state, summary origin, the four buttons."""
    if not release.summary.strip():
        note = texts.SUMMARY_MISSING(lang)
    elif release.summary_edited:
        note = texts.SUMMARY_EDITED(lang)
    else:
        note = texts.SUMMARY_AUTO(lang)
    values = {"id": release.id, "summary_note": note, "audience": number(audience, lang)}
    if release.status == "scheduled" and release.scheduled_at is not None:
        when = moment(release.scheduled_at, zone, lang)
        text = texts.CONTROL_SCHEDULED(lang, when=when, zone=zone.key, **values)
    else:
        text = texts.CONTROL_DRAFT(lang, **values)
    rows = [
        _staff_button(texts.BUTTON_PUBLISH, ReleaseAction.PUBLISH, release.id, lang)
        + _staff_button(texts.BUTTON_SCHEDULE, ReleaseAction.SCHEDULE, release.id, lang),
        _staff_button(texts.BUTTON_EDIT_SUMMARY, ReleaseAction.SUMMARY, release.id, lang),
        _staff_button(texts.BUTTON_CANCEL, ReleaseAction.CANCEL, release.id, lang),
    ]
    return Rendered(text, InlineKeyboardMarkup(inline_keyboard=rows))


def status_name(release: Release, lang: Lang) -> Html:
    """The release's status in the staff member's language."""
    return STATUS_NAMES[release.status](lang)


def _votes(release: Release, lang: Lang) -> Html:
    if release.average is None:
        return texts.NO_VOTES(lang)
    return texts.VOTES(
        lang, average=decimal(release.average, lang), count=number(release.vote_count, lang)
    )


def releases_list(rows: list[tuple[Release, DeliveryStats]], lang: Lang) -> Html:
    """The /releases report: recent releases with status, delivery and rating."""
    if not rows:
        return texts.RELEASES_EMPTY(lang)
    lines = [texts.RELEASES_HEADER(lang)]
    for release, stats in rows:
        lines.append(
            texts.RELEASES_ROW(
                lang,
                id=release.id,
                status=status_name(release, lang),
                title=short_title(release),
                delivered=number(stats.delivered, lang),
                failed=number(stats.failed, lang),
                votes=_votes(release, lang),
            )
        )
    lines.append(texts.RELEASES_FOOTER(lang))
    return Html("\n\n".join(lines))


def _bar(count: int, most: int) -> str:
    if not count:
        return ""
    return "█" * max(1, round(BAR_WIDTH * count / most))


def release_report(
    release: Release,
    stats: DeliveryStats,
    stars: dict[int, int],
    failures: list[Failure],
    lang: Lang,
    zone: ZoneInfo,
) -> Html:
    """The /release N report: state, times, delivery counts, rating chart, recent failures."""
    title = fit(one_line(release.title), 300)
    lines = [
        texts.RELEASE_HEADER(lang, id=release.id, title=title, status=status_name(release, lang))
    ]
    lines.append(texts.RELEASE_CREATED(lang, when=moment(release.created_at, zone, lang)))
    if release.status == "scheduled" and release.scheduled_at is not None:
        when = moment(release.scheduled_at, zone, lang)
        lines.append(texts.RELEASE_SCHEDULED_FOR(lang, when=when, zone=zone.key))
    if release.published_at is not None:
        lines.append(texts.RELEASE_PUBLISHED(lang, when=moment(release.published_at, zone, lang)))
    if release.retracted_at is not None:
        lines.append(texts.RELEASE_RETRACTED(lang, when=moment(release.retracted_at, zone, lang)))
    if release.revision > 1:
        lines.append(texts.RELEASE_REVISION(lang, edits=number(release.revision - 1, lang)))
    sections = [Html("\n".join(lines))]
    sections.append(
        texts.RELEASE_DELIVERY(
            lang,
            delivered=number(stats.delivered, lang),
            total=number(stats.total, lang),
            pending=number(stats.unsent, lang),
            failed=number(stats.failed, lang),
            blocked=number(stats.blocked, lang),
            gone=number(stats.gone, lang),
            deleted=number(stats.deleted - stats.cancelled, lang),
            cancelled=number(stats.cancelled, lang),
            expired=number(stats.expired, lang),
        )
    )
    if release.average is None:
        sections.append(texts.RELEASE_NO_RATING(lang))
    else:
        most = max(stars.values(), default=0)
        chart = [
            escape(
                f"{count_stars} ★ {_bar(stars.get(count_stars, 0), most)} "
                f"{number(stars.get(count_stars, 0), lang)}"
            )
            for count_stars in range(5, 0, -1)
        ]
        heading = texts.RELEASE_RATING(
            lang,
            average=decimal(release.average, lang),
            count=number(release.vote_count, lang),
        )
        sections.append(Html("\n".join([heading, *chart])))
    if failures:
        shown = [
            escape(f"{failure.chat_id}: {fit(one_line(redact(failure.error or '')), ERROR_LIMIT)}")
            for failure in failures[:FAILURES_SHOWN]
        ]
        sections.append(Html("\n".join([texts.RELEASE_FAILURES(lang), *shown])))
    if release.status in ("sending", "sent"):
        sections.append(texts.RELEASE_COMMANDS(lang, id=release.id))
    return Html("\n\n".join(sections))


def edit_choice(release: Release, lang: Lang) -> Rendered:
    """The /edit N question: which part to replace."""
    text = texts.EDIT_WHAT(lang, id=release.id, title=short_title(release))
    row = (
        _staff_button(texts.BUTTON_TITLE, ReleaseAction.EDIT_TITLE, release.id, lang)
        + _staff_button(texts.BUTTON_SUMMARY, ReleaseAction.EDIT_SUMMARY, release.id, lang)
        + _staff_button(texts.BUTTON_LINK, ReleaseAction.EDIT_LINK, release.id, lang)
    )
    return Rendered(text, InlineKeyboardMarkup(inline_keyboard=[row]))


def retract_question(release: Release, lang: Lang) -> Rendered:
    """The /retract N confirmation."""
    text = texts.RETRACT_CONFIRM(lang, id=release.id, title=short_title(release))
    row = _staff_button(texts.BUTTON_RETRACT, ReleaseAction.RETRACT, release.id, lang)
    row += _staff_button(texts.BUTTON_KEEP, ReleaseAction.KEEP, release.id, lang)
    return Rendered(text, InlineKeyboardMarkup(inline_keyboard=[row]))


# --- Digests -------------------------------------------------------------------------------
# A digest page lists up to ten releases, numbered, best first. Titles and summary lines are
# capped so that ten entries, the heading and the footer stay under `TEXT_LIMIT` whatever the
# releases hold: a long digest never splits into several messages, it pages.

DIGEST_PAGE_SIZE = 10
DIGEST_TITLE_LIMIT = 140
DIGEST_LINE_LIMIT = 180
NUMBERS_PER_ROW = 5
DIGEST_HEADINGS: dict[DigestKind, Text] = {
    DigestKind.DAILY: texts.DIGEST_DAILY,
    DigestKind.WEEKLY: texts.DIGEST_WEEKLY,
    DigestKind.SO_FAR: texts.DIGEST_SO_FAR,
    DigestKind.LAST_DAY: texts.DIGEST_LAST_DAY,
    DigestKind.PREVIEW: texts.DIGEST_PREVIEW,
}


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One release as a digest lists it: `line` is its one-sentence summary."""

    release_id: int
    title: str
    line: str
    link: str | None
    vote_count: int
    average: float | None


def digest_rating(vote_count: int, average: float | None, lang: Lang) -> Html:
    """ "★ 4.3 · 17 votes", "★ 4,3 · 17 оценок", or that nobody has rated it yet."""
    if average is None or not vote_count:
        return texts.DIGEST_NO_VOTES(lang)
    return plural(
        lang,
        vote_count,
        texts.DIGEST_VOTES_ONE,
        texts.DIGEST_VOTES_FEW,
        texts.DIGEST_VOTES_MANY,
        count=number(vote_count, lang),
        average=decimal(average, lang),
    )


def _digest_entry(number_: int, item: DigestItem, lang: Lang) -> Html:
    title = fit(one_line(item.title), DIGEST_TITLE_LIMIT) or f"#{item.release_id}"
    heading = link(item.link, title) if item.link and is_link(item.link) else bold(title)
    lines = [Html(f"{number_}. {heading}")]
    summary = fit(one_line(item.line), DIGEST_LINE_LIMIT)
    if summary:
        lines.append(escape(summary))
    lines.append(digest_rating(item.vote_count, item.average, lang))
    return Html("\n".join(lines))


def digest_page(
    items: Sequence[DigestItem],
    lang: Lang,
    *,
    kind: DigestKind,
    since: int,
    until: int,
    offset: int = 0,
) -> Rendered:
    """One page of a digest of `items` (already ranked) published in (`since`, `until`]."""
    total = len(items)
    # A page asked for after releases were retracted may lie past the end: show the last one.
    offset = max(0, min(offset, (total - 1) // DIGEST_PAGE_SIZE * DIGEST_PAGE_SIZE))
    shown = items[offset : offset + DIGEST_PAGE_SIZE]
    releases = plural(
        lang,
        total,
        texts.DIGEST_RELEASES_ONE,
        texts.DIGEST_RELEASES_FEW,
        texts.DIGEST_RELEASES_MANY,
        count=number(total, lang),
    )
    parts = [DIGEST_HEADINGS[kind](lang, releases=releases)]
    if offset or total > DIGEST_PAGE_SIZE:
        parts[0] = Html(
            parts[0]
            + "\n"
            + texts.DIGEST_PAGE(lang, first=offset + 1, last=offset + len(shown), total=total)
        )
    parts += [
        _digest_entry(number_, item, lang) for number_, item in enumerate(shown, start=offset + 1)
    ]
    rest = total - offset - len(shown)
    footer = [texts.DIGEST_MORE(lang, count=rest)] if rest else []
    footer.append(texts.DIGEST_HINT(lang))
    parts.append(Html("\n".join(footer)))
    numbers = [
        InlineKeyboardButton(
            text=str(number_), callback_data=DigestOpen(release_id=item.release_id).pack()
        )
        for number_, item in enumerate(shown, start=offset + 1)
    ]
    rows = [numbers[i : i + NUMBERS_PER_ROW] for i in range(0, len(numbers), NUMBERS_PER_ROW)]
    pages = []
    if offset:
        back = DigestPage(kind=kind, since=since, until=until, offset=offset - DIGEST_PAGE_SIZE)
        pages.append(InlineKeyboardButton(text=texts.BUTTON_BACK(lang), callback_data=back.pack()))
    if rest:
        more = DigestPage(kind=kind, since=since, until=until, offset=offset + len(shown))
        label = texts.BUTTON_DIGEST_MORE(lang, count=rest)
        pages.append(InlineKeyboardButton(text=label, callback_data=more.pack()))
    if pages:
        rows.append(pages)
    return Rendered(Html("\n\n".join(parts)), InlineKeyboardMarkup(inline_keyboard=rows))


# --- Delivery progress and report for the staff member who published ---------------------


def duration(seconds: float, lang: Lang) -> Html:
    """A span of time as staff read it: 42 s, 3 min 20 s, 2 h 5 min."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return texts.DURATION_HOURS(lang, hours=hours, minutes=minutes)
    if minutes:
        return texts.DURATION_MINUTES(lang, minutes=minutes, seconds=secs)
    return texts.DURATION_SECONDS(lang, seconds=secs)


PROGRESS_TEXTS: dict[str, Text] = {
    "sending": texts.PROGRESS_SENDING,
    "sent": texts.PROGRESS_SENT,
    "retracted": texts.PROGRESS_RETRACTED,
}


def delivery_progress(release: Release, stats: DeliveryStats, lang: Lang, *, state: str) -> Html:
    """The one progress message ("Sending: 1,234 of 5,000 · 3 blocked · 0 failed"); `state`
    is `sending`, `sent` or `retracted`. Readers who cannot be reached count as blocked."""
    return PROGRESS_TEXTS[state](
        lang,
        id=release.id,
        title=short_title(release),
        delivered=number(stats.delivered, lang),
        total=number(stats.total, lang),
        blocked=number(stats.blocked + stats.gone, lang),
        failed=number(stats.failed, lang),
    )


def delivery_report(release: Release, stats: DeliveryStats, seconds: float, lang: Lang) -> Html:
    """The final report once every delivery of a release is settled."""
    return texts.DELIVERY_REPORT(
        lang,
        id=release.id,
        title=short_title(release),
        delivered=number(stats.delivered, lang),
        total=number(stats.total, lang),
        duration=duration(seconds, lang),
        blocked=number(stats.blocked, lang),
        gone=number(stats.gone, lang),
        failed=number(stats.failed, lang),
        cancelled=number(stats.cancelled, lang),
    )
