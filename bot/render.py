"""What readers see, rendered: a release with its rating row, /settings and its pickers,
digest pages. Text in Telegram HTML plus its keyboard; staff views are in `bot.staff_views`."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot import chat_texts, texts
from bot.callbacks import (
    DigestKind,
    DigestOpen,
    DigestPage,
    Rate,
    SettingsAction,
    SettingsButton,
    Totals,
)
from bot.html import Html, Rendered, bold, escape, link, visible_length
from bot.i18n import LANGUAGES, Lang, Text, decimal, number, plural
from bot.posting import fit, is_link, one_line, paragraphs
from bot.preferences import EXTRAS, MODES, Choice, extra_of, mode_of, offers_extras

# bot/delivery.py and its tests still reach the progress messages through this module.
from storage.releases import Release
from storage.subscribers import Subscriber

CHOICE_LABELS: dict[Choice, Text] = {
    Choice.INSTANT: texts.BUTTON_INSTANT,
    Choice.DAILY: texts.BUTTON_DAILY,
    Choice.WEEKLY: texts.BUTTON_WEEKLY,
    Choice.PAUSED: texts.BUTTON_PAUSED,
    Choice.ALSO_DAILY: texts.BUTTON_ALSO_DAILY,
    Choice.ALSO_WEEKLY: texts.BUTTON_ALSO_WEEKLY,
}
HOURS_PER_ROW = 6
DAYS_PER_ROW = 4
ZONES_PER_ROW = 3


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
    mode = mode_of(subscriber)
    choices = [
        _button(
            _checked(CHOICE_LABELS[choice](lang), choice is mode),
            SettingsButton(action=SettingsAction.MODE, value=index),
        )
        for index, choice in enumerate(MODES)
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
    if offers_extras(subscriber):
        extra = extra_of(subscriber)
        rows.append(
            [
                _button(
                    _checked(CHOICE_LABELS[choice](lang), choice is extra),
                    SettingsButton(action=SettingsAction.ALSO, value=index),
                )
                for index, choice in enumerate(EXTRAS)
            ]
        )
    rows += [timing, [_button(zone_label, SettingsButton(action=SettingsAction.ZONES))]]
    rows.append(languages)
    keyboard = InlineKeyboardMarkup(inline_keyboard=rows)
    return Rendered(settings_summary(subscriber, lang, zone), keyboard)


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


# --- Releases ------------------------------------------------------------------------------
# A release is one message: the title in bold, the summary, a link to the full text and the
# rating row. With a photo, the whole text rides as the caption when it fits 1024 characters;
# otherwise the photo goes first with the title as its caption and the text follows as its
# own message carrying the rating row (`bot.sending.view_calls` turns either shape into calls).

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
# Titles are capped well under the caption limit so the title alone always fits a caption.
TITLE_LIMIT = 1000
# A host longer than this would crowd the link label out; the label then just says "Full text".
HOST_LIMIT = 64


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


@functools.lru_cache(maxsize=4096)
def rating_keyboard(release_id: int, my_stars: int | None = None) -> InlineKeyboardMarkup:
    """The 1-5 star row under a release, the reader's own choice marked. One object per
    arguments, shared (each press needs one: 0.05 ms of pydantic): never change it in place."""
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


def counter_line(vote_count: int, vote_sum: int, lang: Lang) -> str:
    """A chat copy's live counter: "★ 4.3 · 17 votes", "★ 4,3 · 17 голосов", or no votes yet
    (plain text: a button label and a callback notice)."""
    if vote_count <= 0:
        return plain(chat_texts.COUNTER_NONE(lang))
    return plain(
        plural(
            lang,
            vote_count,
            chat_texts.COUNTER_ONE,
            chat_texts.COUNTER_FEW,
            chat_texts.COUNTER_MANY,
            count=number(vote_count, lang),
            average=decimal(vote_sum / vote_count, lang),
        )
    )


def counter_keyboard(
    release_id: int, vote_count: int, vote_sum: int, lang: Lang
) -> InlineKeyboardMarkup:
    """The star row of a channel or group copy: the five stars (no one's choice marked: the
    post is shared) and the running total and average under them."""
    stars = rating_keyboard(release_id).inline_keyboard[0]
    line = InlineKeyboardButton(
        text=counter_line(vote_count, vote_sum, lang),
        callback_data=Totals(release_id=release_id).pack(),
    )
    return InlineKeyboardMarkup(inline_keyboard=[stars, [line]])


def release_title(release: Release) -> str:
    """The title as shown: one line, within `TITLE_LIMIT`, never blank."""
    return fit(one_line(release.title), TITLE_LIMIT) or f"#{release.id}"


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


def release_view(
    release: Release, lang: Lang, *, my_stars: int | None = None, counter: bool = False
) -> ReleaseView:
    """The message readers get, with `my_stars` marked in the rating row; `counter`: the copy
    for a channel or group, with the release's totals under the stars instead."""
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
    if counter:
        keyboard = counter_keyboard(release.id, release.vote_count, release.vote_sum, lang)
    else:
        keyboard = rating_keyboard(release.id, my_stars)
    return ReleaseView(
        text, keyboard, bold(title), release.photo_file_id, fits_caption=visible <= CAPTION_LIMIT
    )


def rating_notice(stars: int, count: int, average: float, lang: Lang) -> str:
    """The answer to a star press, like the site widget (plain text: a callback notice)."""
    return plain(
        texts.RATING_NOTICE(
            lang, stars=stars, count=number(count, lang), average=decimal(average, lang)
        )
    )


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
