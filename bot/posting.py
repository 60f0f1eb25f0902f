"""What staff type and what a release's state lets them do: the input rules (links, text on
one line or in paragraphs, cutting to fit), the /post quick form, titles, the summary a draft
starts with, and which steps (publish, schedule, cancel, edit, retract) a release may still
take. Pure functions; the handlers in `handlers.publishing` and `handlers.releases` ask them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from bot import texts
from bot.html import Html, visible_length
from bot.i18n import Lang
from bot.summarize import MAX_CHARS, clean, detect_language, summarize
from storage.releases import PUBLISHED, UNPUBLISHED, Release

# Long enough for any headline, short enough to read at a glance in a chat list.
TITLE_MAX = 256
# A release's body is kept and summarized up to this many characters (a long press release is
# some 20,000); past it a paste is cut, and staff are told.
BODY_LIMIT: Final = 200_000
ELLIPSIS = "…"
# What staff may answer to the link question to give none.
SKIP_WORDS = frozenset({"-", "—", "skip", "no", "none", "пропустить", "нет", "без ссылки"})
# Control characters Telegram would reject or show as boxes, and lone surrogates, which
# Telegram refuses outright; tabs and newlines stay. Also zero-width and direction-changing
# characters (U+200B-U+200F, U+202A-U+202E, U+2066-U+2069): unseen, they pad a title past its
# limit or make it read backwards in the chat list. The zero-width joiner stays between two
# emoji, where it makes one picture of them (👩‍💻).
_EMOJI = "\u2190-\u2bff\ufe0f\U0001f000-\U0001faff"
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u200b\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
    f"|(?<![{_EMOJI}])\u200d|\u200d(?![{_EMOJI}])"
)
_SENTENCE_END = re.compile(r"[.!?…](?=\s)")
_LINK = re.compile(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?", re.IGNORECASE)
_SOURCE_LINE = re.compile(r"(?:source|источник)\s*:\s*(?P<url>\S+)", re.IGNORECASE)
# Longer digit runs are no id either way; this keeps int() far from its 4,300-digit limit.
_NUMBER = re.compile(r"#?(\d{1,30})")


# --- Input rules -----------------------------------------------------------------------------


def is_link(value: str) -> bool:
    """Whether `value` is an http(s) address with a dotted host and no spaces."""
    return len(value) <= 2048 and _LINK.fullmatch(value) is not None


def one_line(value: str) -> str:
    """User text on one line: whitespace runs become single spaces; invisible and
    direction-changing characters go."""
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


# --- What staff type -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuickPost:
    """What `/post Title⏎text⏎link` says."""

    title: str
    body: str
    link: str | None


def parse_quick(text: str) -> QuickPost:
    """Split the quick form: the first line is the title, then the body; the link is a
    "Source:"/"Источник:" line, or else an address alone on the last line."""
    lines = text.strip().splitlines()
    title, rest = (lines[0], lines[1:]) if lines else ("", [])
    link = None
    for index in range(len(rest) - 1, -1, -1):
        match = _SOURCE_LINE.fullmatch(rest[index].strip())
        if match is not None and is_link(match["url"]):
            link = match["url"]
            del rest[index]
            break
    else:
        while rest and not rest[-1].strip():
            rest.pop()
        if rest and is_link(rest[-1].strip()):
            link = rest.pop().strip()
    return QuickPost(one_line(title), "\n".join(rest).strip(), link)


def joined(pieces: list[str]) -> str:
    """The pieces of a paste Telegram split into several messages, as one text: in order, a
    paragraph break between them."""
    return "\n\n".join(piece.strip() for piece in pieces if piece.strip())


def title_problem(title: str, lang: Lang) -> Html | None:
    """What is wrong with a title (already on one line), or None when it will do."""
    if not title:
        return texts.TITLE_NEEDS_TEXT(lang)
    if visible_length(title) > TITLE_MAX:
        return texts.TITLE_TOO_LONG(lang, length=visible_length(title), limit=TITLE_MAX)
    return None


def typed_link(answer: str) -> tuple[bool, str | None]:
    """The answer to "which link?": (True, the link), (True, None) for "skip" or "-", and
    (False, None) when it is neither."""
    answer = answer.strip()
    if answer.lower() in SKIP_WORDS:
        return True, None
    if is_link(answer):
        return True, answer
    return False, None


def release_number(argument: str) -> int | None:
    """The release id in a command's argument ("12" or "#12"), or None when it is none."""
    match = _NUMBER.fullmatch(argument.strip())
    return int(match[1]) if match is not None else None


def make_summary(body: str, title: str) -> str:
    """The summary readers get: the summarizer's pick, else the start of the cleaned text."""
    summary = summarize(body, title=title, sentences=3)
    if summary:
        return summary
    return fit(one_line(clean(body)), MAX_CHARS)


@dataclass(frozen=True, slots=True)
class DraftText:
    """What a release's text yields: the body kept, its summary and language, and whether the
    body was cut to `BODY_LIMIT` (staff are told)."""

    body: str
    summary: str
    language: str
    cut: bool


def capped_body(body: str) -> tuple[str, bool]:
    """The body within `BODY_LIMIT` characters, cut at a paragraph or line end if one is near,
    and whether it was cut."""
    if len(body) <= BODY_LIMIT:
        return body, False
    head = body[:BODY_LIMIT]
    end = max(head.rfind("\n\n"), head.rfind("\n"))
    return (head[:end] if end > BODY_LIMIT // 2 else head).rstrip(), True


def draft_text(body: str, title: str) -> DraftText:
    """Clean and summarize a release's body (CPU work: run it in a worker, `bot.workers`)."""
    body, cut = capped_body(body)
    language = detect_language(clean(body) or title)
    return DraftText(body, make_summary(body, title), language, cut)


def plain_draft_text(body: str, title: str) -> DraftText:
    """A draft's text without the summarizer, for when it ran out of time: the start of the
    body as the summary (staff see the usual "edit the summary" note and may rewrite it)."""
    body, cut = capped_body(body)
    start = body[: 4 * MAX_CHARS]
    return DraftText(body, fit(one_line(start), MAX_CHARS), detect_language(start or title), cut)


# --- What a release's state allows -----------------------------------------------------------


class Refusal(StrEnum):
    """Why a release cannot take the step staff asked for."""

    WRONG_STATE = "wrong state"
    NEEDS_SUMMARY = "needs summary"
    NOT_EDITABLE = "not editable"
    NOT_PUBLISHED = "not published"
    ALREADY_RETRACTED = "already retracted"


def send_refusal(release: Release) -> Refusal | None:
    """Whether a draft or scheduled release may be published now or scheduled."""
    if release.status not in UNPUBLISHED:
        return Refusal.WRONG_STATE
    if not release.summary.strip():
        # Neither now nor later: readers would get a title and nothing else.
        return Refusal.NEEDS_SUMMARY
    return None


def discard_refusal(release: Release) -> Refusal | None:
    """Whether a release may be dropped: only before it is published."""
    return None if release.status in UNPUBLISHED else Refusal.WRONG_STATE


def edit_refusal(release: Release) -> Refusal | None:
    """Whether a release's title, summary or link may change: until it is retracted."""
    return Refusal.NOT_EDITABLE if release.status == "retracted" else None


def retract_refusal(release: Release, sent_copies: int) -> Refusal | None:
    """Whether a release may be retracted: once published, and again while `sent_copies`
    (copies a first attempt could not delete) are left."""
    if release.status in PUBLISHED:
        return None
    if release.status == "retracted":
        return None if sent_copies > 0 else Refusal.ALREADY_RETRACTED
    return Refusal.NOT_PUBLISHED
