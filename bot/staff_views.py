"""What staff see, rendered: the controls under a preview, /releases, /release N, the /edit
and /retract questions, refusals, /subscribers, and a delivery's progress message and report."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.callbacks import ReleaseAction, ReleaseButton
from bot.html import Html, Rendered, escape
from bot.i18n import Lang, Text, decimal, number
from bot.posting import Refusal, fit, one_line
from bot.redact import redact
from storage.deliveries import DeliveryStats, Failure
from storage.releases import Release
from storage.subscribers import SubscriberCounts

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


def short_title(release: Release) -> str:
    """The title as a list row or a question names it: one line, within `SHORT_TITLE`."""
    return fit(one_line(release.title), SHORT_TITLE)


def moment(timestamp: float, zone: ZoneInfo, lang: Lang) -> str:
    """A moment in the press centre's zone, in a form staff can type back to /post's Schedule."""
    return wall_clock(datetime.fromtimestamp(timestamp, zone), lang)


def wall_clock(local: datetime, lang: Lang) -> str:
    """A local date and time as `moment` writes it (also one the clocks skip, which no
    timestamp can stand for)."""
    return local.strftime("%d.%m.%Y %H:%M" if lang == "ru" else "%Y-%m-%d %H:%M")


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
        # A draft from a source was asked for by no one: it is discarded, not cancelled.
        _staff_button(
            texts.BUTTON_CANCEL if release.source_id is None else texts.BUTTON_DISCARD,
            ReleaseAction.CANCEL,
            release.id,
            lang,
        ),
    ]
    return Rendered(text, InlineKeyboardMarkup(inline_keyboard=rows))


def status_name(release: Release, lang: Lang) -> Html:
    """The release's status in the staff member's language."""
    return STATUS_NAMES[release.status](lang)


def refusal(reason: Refusal, release: Release, lang: Lang) -> Html:
    """Why a release cannot take the step asked for (a refusal from `bot.posting`)."""
    if reason is Refusal.NEEDS_SUMMARY:
        return texts.NEED_SUMMARY(lang, id=release.id)
    if reason is Refusal.NOT_EDITABLE:
        return texts.NOT_EDITABLE(lang, id=release.id)
    if reason is Refusal.ALREADY_RETRACTED:
        return texts.ALREADY_RETRACTED(lang, id=release.id)
    status = status_name(release, lang)
    if reason is Refusal.NOT_PUBLISHED:
        return texts.NOT_PUBLISHED(lang, id=release.id, status=status)
    return texts.WRONG_STATE(lang, id=release.id, status=status)


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
