"""Turn a pasted or scraped press release into plain text with the site furniture removed.

Releases reach us either as text copied from a web page or as the page's HTML. Both carry
furniture that is not news: photo credits and captions, subscribe buttons, rating widgets,
"related articles" blocks, comment forms, share bars, bylines and agency datelines. The
summarizer would happily pick those as "central" sentences, so they go before ranking.

The input comes from outside, so every pattern here runs in linear time: a quantifier next to
another one that can match the same characters is possessive (`*+`) or atomic (`(?>...)`),
or bounded, so a failing match never retries every way of splitting a run between them. Every
kind of Unicode whitespace is folded into a plain space or a newline before the line rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.summarize import wire
from bot.summarize.characters import normalise, plain_line, squeeze
from bot.summarize.markup import html_to_text, is_html

__all__ = ["Removal", "clean", "clean_explained", "is_html", "plain_line"]

# Credits: "© Sputnik / Ербол Шаймерденов", "© Reuters", "Фото: ТАСС", "Photo: AP/Evan Vucci".
# A name is one to three capitalised words matched case-sensitively, so a caption glued right
# after it ("...ШаймерденовПрезидент Казахстана") stays for the repeated-caption rule.
_NAME = r"[A-ZА-ЯЁ][a-zа-яё'’.-]*(?:[ -][A-ZА-ЯЁ][a-zа-яё'’.-]*){0,2}"
_COPYRIGHT_CREDIT = re.compile(
    rf"(?:©|\((?i:c)\))\s*+(?:"
    rf"[^/\n]{{1,40}}+/\s*+{_NAME}"  # agency / photographer
    rf"(?:\s*+/\s*+(?:[A-ZА-ЯЁ]{{2,12}}+\b|Pool\b|Getty Images\b))*+"  # /POOL, /AFP
    rf"|[^\s/]++(?:\s++[^\s/]++){{0,2}}+\s*+$"  # a short rest of the line
    rf"|[A-ZА-ЯЁ][\w.-]*+(?:\s++[A-ZА-ЯЁ][\w.-]*+)?+"  # one agency name glued into text
    rf")"
)
_CREDIT_WORDS = (
    r"фото|фотография|иллюстрация|изображение|видео|коллаж|инфографика|"
    r"photo|photos|photograph|picture|image|images|video|credit|illustration"
)
# Spaces before a mark, or at least one before a word; never two quantifiers over one space run.
_CREDIT_SEPARATOR = r"(?:\s*+(?::|—|–|-|©|\|)|\s++(?:by|credit)\b)"
# A whole line that is a credit: "Фото: пресс-служба", "Photo by John Smith on Unsplash".
_CREDIT_LINE = re.compile(
    rf"^\s*+(?:{_CREDIT_WORDS})(?:\s++credit\b)?{_CREDIT_SEPARATOR}[^\n]{{0,120}}$",
    re.IGNORECASE,
)
# A credit closing a caption line ("Президент на форуме. Фото: Kremlin.ru").
# It starts right after the punctuation (taking the spaces) or at the word after a space, so a
# long space run is crossed once, not once from each of its positions.
_TRAILING_CREDIT = re.compile(
    rf"(?:(?<=[.!?»\"])\s*+|(?<=\s))(?:{_CREDIT_WORDS})\s*+(?::|©)\s*+"
    rf"(?:[^.!?\n]|\.(?=\S)){{1,80}}+\.?$",
    re.IGNORECASE,
)
# A credit in brackets inside a sentence: "(Photo: Getty Images)".
_BRACKETED_CREDIT = re.compile(
    rf"\(\s*+(?:{_CREDIT_WORDS}){_CREDIT_SEPARATOR}[^()\n]{{1,80}}+\)", re.IGNORECASE
)

# Lines that are only a button or a widget label.
_BUTTON_LINE = re.compile(
    r"^\s*+(?:подписаться|подпишитесь|subscribe|subscribe now|follow us|следите за нами|"
    r"читать далее|читать полностью|read more|continue reading|"
    r"кнопка «наверх»|кнопка \"наверх\"|наверх|back to top|to top|"
    r"поделиться|share|share this|share this article|share this story|tweet|print|печать|"
    r"rate this|rate this article|оценить статью|"
    r"реклама|advertisement|"
    r"comments?|комментари[ий]|\d++\s++comments?|\d++\s++комментари[йяев]++)"
    r"\s*+(?:[.!:]\s*+)?$",
    re.IGNORECASE,
)
# Widget text that also shows up inside a line when a page is pasted as one block.
_INLINE_WIDGETS = re.compile(
    r"нажмите,? чтобы оценить (?:эту )?(?:статью|запись|пост)!?|"
    r"нажмите на звезд[уы],? чтобы оценить!?|"
    r"\[\s*+(?:итого|всего|total)\s*+:\s*+\d++\s*+(?:средняя|average)\s*+:\s*+[\d.,]++\s*+\]|"
    r"средняя оценка\s*+[\d.,]++\s*+/\s*+5\.?+\s*+(?:количество оценок\s*+:\s*+\d++\.?)?|"
    r"оценок пока нет\.?(?: поставьте оценку первым\.?)?|"
    r"click to rate this (?:post|article)!?|"
    r"no votes so far!?(?: be the first to rate this post\.?)?|"
    r"average rating\s*+[\d.,]++\s*+/\s*+5\.?+\s*+(?:vote count\s*+:\s*+\d++\.?)?|"
    r"кнопка «наверх»|back to top|click to tweet",
    re.IGNORECASE,
)
# "Подписаться" glued to the end of a caption or a sentence by a pasted button.
_GLUED_SUBSCRIBE = re.compile(r"(?<=[\w.!?»])(?:Подписаться|Subscribe)(?=\s|$)")

# A line that is only one of these headings opens the tail of the page (related links,
# comment form): nothing after it belongs to the release.
_TAIL_HEADING = re.compile(
    r"^\s*+(?:похожие статьи|похожие новости|похожие записи|похожие публикации|другие новости|"
    r"новости партнеров|новости партнёров|добавить комментарий|оставить комментарий|"
    r"оставьте комментарий|комментарии|"
    r"related articles|related posts|related stories|related news|related links|related|"
    r"ссылки по теме|материалы по теме|more stories|"
    r"you may also like|you might also like|read next|recommended for you|"
    r"add comment|add a comment|leave a comment|leave a reply|comments)"
    r"\s*+(?:(?:\(\d++\)|\d++)\s*+)?(?:[:.]\s*+)?$",
    re.IGNORECASE,
)
# "Читайте также: <another headline>" inside the body: the line goes, the text goes on.
_READ_ALSO_LINE = re.compile(
    r"^\s*+(?:читайте также|читайте еще|читайте ещё|см\. также|смотрите также|"
    r"read also|see also|read more|also read)\s*+(?::|—|–|-)[^\n]{0,200}$",
    re.IGNORECASE,
)
# "Источник: ..." / "Source: ..." attribution lines.
_SOURCE_LINE = re.compile(
    r"^\s*+(?:(?:источник|source|sources|via)\s*+(?::|—|–)|по материалам\b)[^\n]{0,120}$",
    re.IGNORECASE,
)
_SOURCE_WORD_ONLY = re.compile(r"^\s*+(?:источник|source)\s*+(?:[.:]\s*+)?$", re.IGNORECASE)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# A share bar pasted as text: "Share: Facebook Twitter Email", "Поделиться ВКонтакте Telegram".
_SOCIAL_WORDS = _wordset(
    "share shares sharing поделиться поделитесь репост facebook twitter x whatsapp telegram "
    "viber vk вконтакте vkontakte одноклассники ok ok.ru linkedin pinterest reddit email e-mail "
    "mail print печать copy link копировать ссылку ссылка tweet messenger flipboard tumblr "
    "дзен яндекс.дзен rutube youtube instagram tiktok on in this article story статьей "
    "статьёй на в"
)
_SOCIAL_MARKERS = _wordset(
    "share поделиться репост facebook twitter whatsapp telegram vk вконтакте одноклассники "
    "linkedin pinterest tweet"
)

# Daily Mail style bylines: "By . Jane Doe . PUBLISHED: . 14:11 EST, 25 October 2013 . |
# . UPDATED: . 15:36 EST, 25 October 2013 ." and the plain "By Jane Doe" line on its own.
_TIMESTAMP = r"\d{1,2}:\d{2}\s*+[A-Z]{2,4},?+\s*+\d{1,2}\s++[A-Za-z]++\s++\d{4}"
# The " . " between the parts: spaces, then perhaps a full stop and more spaces.
_DOT = r"\s*+(?:\.\s*+)?"
_PUBLISHED_BLOCK = re.compile(
    rf"(?:\bBy{_DOT}(?:[^.|\n]{{1,60}}+\.\s*+){{1,3}})?"
    rf"PUBLISHED\s*+:{_DOT}{_TIMESTAMP}{_DOT}"
    rf"(?:\|{_DOT}UPDATED\s*+:{_DOT}{_TIMESTAMP}{_DOT})?",
    re.IGNORECASE,
)
# Bylines may shout the name: "By JANE DOE For Dailymail.com".
# Atomic groups and bounded repeats: a long line of capitalised words must fail fast, not
# backtrack through every way of grouping them into names.
_BYLINE_NAME = r"(?>[A-ZА-ЯЁ][\w'’.-]*(?: (?!For\b)[A-ZА-ЯЁ][\w'’.-]*){0,2})"
_BYLINE_LINE = re.compile(
    rf"^\s*+(?:By{_DOT}|Автор\s*+:\s*+|Текст\s*+:\s*+){_BYLINE_NAME}"
    rf"(?:\s*+(?:,|and|и|&)\s*+{_BYLINE_NAME}){{0,3}}"
    r"(?:\s*+,?+\s*+(?:[Ff]or|для)\s++[\w.'’ -]{1,40}+)?+\s*+\.?+\s*+$"
)
_UPDATED_LINE = re.compile(
    r"^\s*+(?:published|updated|last updated|опубликовано|обновлено)\s*+:"
    r"[^\n]{0,60}\d[^\n]{0,40}$",
    re.IGNORECASE,
)

# Sentences glued without a space: "России.»Как", "Имангалиев»Как бы", "end.Next".
# Each starts with the punctuation mark and looks back, so the scan fails fast on letters.
_GLUED_AFTER_QUOTE = re.compile(r"[»”](?<=[\w.!?…][»”])(?=[«“\"]?[A-ZА-ЯЁ])")
_GLUED_AFTER_STOP = re.compile(r"[.!?…](?<=[a-zа-яё0-9)][.!?…])(?=[«“\"]?[A-ZА-ЯЁ][a-zа-яё])")

# A photo caption pasted without its own punctuation runs straight into the next sentence:
# "...пропал с радаров над Средиземным морем По данным ACARS, ...". Mid-sentence, Russian
# never capitalises a preposition, conjunction or pronoun, and direct speech followed by its
# attribution ("«...!» - заявил ...") always opens a sentence (or follows a colon), so a
# lower-case word right before either marks where the caption ends. Single-letter words
# ("В", "С") are left out: "гепатит В", "витамин С" are ordinary text.
_SENTENCE_OPENERS = (
    r"По|Во|На|Со|Ко|Об|От|До|Из|За|Для|При|После|Перед|Среди|Около|Между|Благодаря|Согласно|"
    r"Несмотря|Кроме|Как|Когда|Если|Хотя|Но|Однако|Впрочем|Поэтому|Затем|Позже|Ранее|Теперь|"
    r"Тогда|Также|Тем|Сейчас|Сегодня|Вчера|Пока|Уже|Еще|Ещё|Именно|Причем|Причём|"
    r"Это|Этот|Эта|Эти|Этого|Этой|Этим|Он|Она|Они|Мы|Его|Ее|Её|Их|Наш|Наша|Наши|Нашей"
)
_GLUED_CAPTION_END = re.compile(
    rf" (?<=[а-яё] )(?=(?:{_SENTENCE_OPENERS}) [\w\"«„“]"
    r"|[\"«“„][А-ЯЁ][^\"»”\n]{0,800}?(?:[.!?…][\"»”]|[\"»”],)\s*+[-—–]\s)"
)
# Where the sentence holding a glued caption starts: after a full stop and before a capital.
_SENTENCE_START = re.compile(r"(?:^|(?<=[.!?…])[\"»”)]?\s++)(?=[\"«“„]?[A-ZА-ЯЁ0-9])")
# A subheading or a related-story link in quotes, glued to the sentence after it:
# "«Может быть тяжело» Эми сейчас празднует ...". Direct speech ends in punctuation or goes on
# in lower case ("«...», - сказал"), so a bare quoted phrase before a capital is furniture.
_GLUED_QUOTED_HEADING = re.compile(
    r"(?:^|(?<=[.!?…] ))[\"«„“][А-ЯЁA-Z][^\"»”“\n]{0,150}?[^\W_][\"»”“] (?=[\"«„“]?[А-ЯЁA-Z])"
)
# A caption is a line or two under a photo; a longer unpunctuated run is kept as a sentence.
_CAPTION_WORDS = 30
# A release is a few dozen paragraphs; past this many lines a paste is not a release, and each
# line costs a few microseconds of rules, so the rest is not read.
MAX_LINES = 2_000

_HAS_WORD = re.compile(r"[^\W_]")

_SOCIAL_SEPARATORS = re.compile(r"[\s|•·,:/]++")


def _is_social_line(line: str) -> bool:
    if len(line) > 160:
        return False
    lower = line.lower()
    # Every word must be a social one, so the first word decides for most lines.
    if lower.split(maxsplit=1)[0].strip("|•·,:/") not in _SOCIAL_WORDS:
        return False
    words = [w for w in _SOCIAL_SEPARATORS.split(lower) if w]
    return (
        0 < len(words) <= 12
        and any(w in _SOCIAL_MARKERS for w in words)
        and all(w in _SOCIAL_WORDS or w.isdigit() for w in words)
    )


# Substrings one of which every widget pattern contains; common words ("rate") are avoided
# so ordinary prose skips the widget regex. One literal alternation is one scan in C.
_WIDGET_HINTS = re.compile(
    r"чтобы оценить|нажмите на звезд|\[ ?(?:итого|всего|total)|средняя оценка|оценок пока нет|"
    r"click to rate|no votes so far|average rating|наверх|back to top|click to tweet"
)
_CREDIT_HINTS = re.compile(
    r"фото|иллюстр|изображ|видео|коллаж|инфогр|photo|picture|image|video|credit|illustr"
)


@dataclass(frozen=True, slots=True)
class Removal:
    """A piece of the input that cleaning removed, and the rule that removed it."""

    rule: str
    text: str


# Where removals are noted for --explain; None on the summarizer's own path.
_Log = list[Removal] | None

# What --explain calls each rule.
_RULE_NAMES = {
    "button": "button or widget line",
    "credit": "photo credit line",
    "copyright": "copyright line",
    "source": "source line",
    "source_line": "source line",
    "read_also": "'read also' link",
    "byline": "byline",
    "updated": "publication time line",
    "wire_header": "wire header line",
    "date_line": "date line",
    "about": "trailer: 'About' section",
    "forward_looking": "trailer: forward-looking statements",
    "contacts": "trailer: contacts",
    "end_mark": "trailer: end mark",
    "source_trailer": "trailer: SOURCE line",
}


def _note(removed: _Log, rule: str, text: str) -> None:
    if removed is not None and text.strip():
        removed.append(Removal(rule, text.strip()))


def _cut(pattern: re.Pattern[str], line: str, rule: str, removed: _Log, *, count: int = 0) -> str:
    """Replace what the pattern matches with a space, noting each piece for --explain."""
    if removed is None:
        return pattern.sub(" ", line, count=count)
    log = removed

    def note(match: re.Match[str]) -> str:
        _note(log, rule, match.group())
        return " "

    return pattern.sub(note, line, count=count)


# The slash after a credit's last part opens its caption: "© Agency / Name/POOL / Caption".
_CAPTION_SLASH = re.compile(r"\s*+/\s*+")
# A caption's first sentence: up to a sentence end, the next credit or the end of the line.
_CAPTION_SENTENCE = re.compile(r"[^.!?…©\n]*+(?:[.!?…]++(?=\s|$))?+")
# What a credit leaves at the start of a piece when its parts were not recognised: "/POOL /".
_LEADING_SLASHES = re.compile(r"\s*+(?:/\s*+[A-ZА-ЯЁ]{2,12}+\b\s*+)*+/\s*+")


# A paragraph of news can sit between two photos too; a caption is shorter.
_CAPTION_BETWEEN_WORDS = 20


def _is_caption(text: str, words: int = _CAPTION_WORDS) -> bool:
    return 0 < len(text.split()) <= words


def _strip_credits(line: str, removed: _Log) -> str:
    """Remove photo credits with the captions between and right after them."""
    line = _cut(_BRACKETED_CREDIT, line, "photo credit", removed)
    pieces: list[str] = []
    done = 0
    after_credit = False
    for credit in _COPYRIGHT_CREDIT.finditer(line):
        if credit.start() < done:
            continue
        between = line[done : credit.start()]
        if after_credit and _is_caption(between, _CAPTION_BETWEEN_WORDS):
            _note(removed, "caption between credits", between)
        else:
            pieces.append(between)
        _note(removed, "photo credit", credit.group())
        pieces.append(" ")
        done = credit.end()
        after_credit = True
        slash = _CAPTION_SLASH.match(line, done)
        if slash:
            caption = _CAPTION_SENTENCE.match(line, slash.end())
            if caption and _is_caption(caption.group()):
                _note(removed, "caption after a credit", caption.group())
                done = caption.end()
            else:
                done = slash.end()
    pieces.append(line[done:])
    line = "".join(pieces)
    # The credit closes the line, so only its tail needs scanning.
    head, tail = line[:-160], line[-160:]
    line = (head + _cut(_TRAILING_CREDIT, tail, "photo credit", removed)).strip()
    leftover = _LEADING_SLASHES.match(line)
    if leftover:
        _note(removed, "credit leftover", leftover.group())
        line = line[leftover.end() :]
    return line


def _drop_repeated_captions(line: str, removed: _Log) -> str:
    """Remove a caption pasted twice around where its credit was: "Cap Cap" -> ""."""
    # After the credit is cut out, "Caption. ФотоCaption. Фото" collapses to two equal halves.
    half = len(line) // 2
    for cut in (half, half + 1, half - 1):
        first, second = line[:cut].strip(), line[cut:].strip()
        if first and first == second and len(first) <= 300:
            _note(removed, "caption repeated around its credit", line)
            return ""
    return line


def _cut_glued_captions(line: str, removed: _Log) -> str:
    """Remove captions glued to the sentence after them ("...морем По данным ...")."""
    pieces: list[str] = []
    done = 0
    for glue in _GLUED_CAPTION_END.finditer(line):
        end = glue.start()
        if end < done:
            continue
        start = done
        for boundary in _SENTENCE_START.finditer(line, done, end):
            start = boundary.end()
        caption = line[start:end]
        pieces.append(line[done:start])
        if len(caption.split()) > _CAPTION_WORDS:
            # Too long for a caption: a sentence that lost its full stop, kept on its own line.
            pieces.append(caption + "\n")
        else:
            _note(removed, "caption glued to a sentence", caption)
        done = end + 1
    if pieces:
        pieces.append(line[done:])
        line = "".join(pieces)
    if '" ' in line or "» " in line:
        line = _cut(_GLUED_QUOTED_HEADING, line, "quoted subheading", removed)
    return line


def _either(**rules: re.Pattern[str]) -> re.Pattern[str]:
    """One pattern trying each rule in turn (one scan per line, not one per rule).

    `match.lastgroup` names the rule that matched.
    """
    return re.compile(
        "|".join(
            f"(?P<{name}>(?{'i' if rule.flags & re.IGNORECASE else '-i'}:{rule.pattern}))"
            for name, rule in rules.items()
        )
    )


# "© 2026 Steppe Energy. All rights reserved."
_COPYRIGHT_LINE = re.compile(
    r"^\s*+(?:copyright\s*+)?(?:©|\(c\))\s*+(?:\d{4}|copyright)[^\n]{0,150}$|"
    r"^[^\n]{0,150}?(?:all rights reserved|все права защищены)[^\n]{0,50}$",
    re.IGNORECASE,
)

_NOISE_LINE = _either(
    button=_BUTTON_LINE,
    credit=_CREDIT_LINE,
    copyright=_COPYRIGHT_LINE,
    source=_SOURCE_WORD_ONLY,
    source_line=_SOURCE_LINE,
    read_also=_READ_ALSO_LINE,
    byline=re.compile(r"^(?=[^\n]{0,120}$)" + _BYLINE_LINE.pattern),
    updated=_UPDATED_LINE,
    wire_header=wire.WIRE_HEADER,
    date_line=wire.DATE_LINE,
)
_NEWS_PROVIDED_BY = re.compile(r"\s*+news\s++provided\s++by\s*+:?+\s*+$", re.IGNORECASE)


def _noise_rule(line: str) -> str | None:
    """The rule that makes the whole line furniture, if any."""
    match = _NOISE_LINE.match(line)
    if match and match.lastgroup:
        return _RULE_NAMES[match.lastgroup]
    return "share bar" if _is_social_line(line) else None


def _clean_piece(piece: str, removed: _Log) -> str:
    """A piece of a line without credits, captions and glue between sentences."""
    lower = piece.lower()
    if "©" in piece or "(c)" in lower or "(с)" in lower:
        piece = _strip_credits(piece, removed)
        piece = _drop_repeated_captions(piece, removed)
    elif _CREDIT_HINTS.search(lower):
        piece = _strip_credits(piece, removed)
    elif piece.startswith("/"):
        leftover = _LEADING_SLASHES.match(piece)
        if leftover:
            _note(removed, "credit leftover", leftover.group())
            piece = piece[leftover.end() :]
    if "»" in piece or "”" in piece:
        piece = _GLUED_AFTER_QUOTE.sub(r"\g<0> ", piece)
    if _GLUED_AFTER_STOP.search(piece):
        piece = _GLUED_AFTER_STOP.sub(r"\g<0> ", piece)
    piece = _cut_glued_captions(piece, removed)
    return squeeze(piece).strip(" |•·")


def _clean_line(line: str, removed: _Log) -> tuple[list[str], bool]:
    """The pieces of a line that are text, and whether a trailer section starts in it."""
    # Each pattern runs only when a cheap substring test says it can match: most lines have
    # no widget, credit or byline, and scanning them with every regex would triple the cost.
    lower = line.lower()
    at = lower.find("published")
    if at >= 0:
        # The byline block sits right around the word; scan only that window.
        start, end = max(0, at - 200), at + 200
        window = _cut(_PUBLISHED_BLOCK, line[start:end], "byline", removed, count=1)
        line = line[:start] + window + line[end:]
    if _WIDGET_HINTS.search(lower):
        line = _cut(_INLINE_WIDGETS, line, "rating or navigation widget", removed)
    if "Подписаться" in line or "Subscribe" in line:
        line = _cut(_GLUED_SUBSCRIBE, line, "subscribe button", removed)
    trailer = wire.TRAILER_INSIDE.search(line)
    if trailer and trailer.lastgroup:
        _note(removed, _RULE_NAMES[trailer.lastgroup], line[trailer.start() :])
        line = line[: trailer.start()]

    # Datelines open the line, or sit inside it where a subtitle runs into one
    # ("...в МинскеМИНСК, 3 мар. — Sputnik. Министр ..."): the text before one is a line of
    # its own.
    pieces: list[str] = []
    done = 0
    first = wire.dateline_at(line)
    if first:
        _note(removed, "dateline", first.group())
        done = first.end()
    for end, dateline in wire.datelines_inside(line):
        if end >= done:
            pieces.append(line[done:end])
            _note(removed, "dateline", dateline.group())
            done = dateline.end()
    pieces.append(line[done:])
    return [_clean_piece(piece, removed) for piece in pieces], trailer is not None


def _is_credit_line(line: str) -> bool:
    return line.startswith(("©", "(c)")) or bool(_CREDIT_LINE.match(line))


def _is_caption_before_credit(line: str, following: str) -> bool:
    """A short unpunctuated line right above a credit line is that photo's caption."""
    return (
        len(line) <= 200
        and not line.endswith((".", "!", "?", "…", "»", '"', ":"))
        and _is_credit_line(following)
    )


def clean(text: str) -> str:
    """Plain text of a release (HTML handled) without credits, widgets, bylines and datelines."""
    return _clean(text, None)


def clean_explained(text: str) -> tuple[str, list[Removal]]:
    """The cleaned text and every piece removed, with the rule that removed it."""
    removed: list[Removal] = []
    return _clean(text, removed), removed


def _neighbours(lines: list[str]) -> tuple[list[str], list[str]]:
    """The previous and the next non-empty line around each line."""
    preceding, following = [""] * len(lines), [""] * len(lines)
    last = ""
    for index, line in enumerate(lines):
        preceding[index] = last
        last = line or last
    last = ""
    for index in range(len(lines) - 1, -1, -1):
        following[index] = last
        last = lines[index] or last
    return preceding, following


def _clean(text: str, removed: _Log) -> str:
    if not text or not text.strip():
        return ""
    if is_html(text):
        text = html_to_text(text)
    lines = normalise(text).split("\n", MAX_LINES)[:MAX_LINES]
    preceding, following = _neighbours(lines)

    kept: list[str | None] = []
    filled: list[int] = []  # indices in `kept` of the non-empty lines
    after_provider = False  # the line before was "NEWS PROVIDED BY"
    captions: list[str] = []  # lines removed as captions, the latest last
    for index, raw in enumerate(lines):
        if not raw:
            kept.append("")
            continue
        provider, after_provider = after_provider, False
        tail = _TAIL_HEADING.match(raw) or wire.TRAILER_HEADING.match(raw)
        if tail:
            rule = _RULE_NAMES.get(tail.lastgroup or "", "related links or comments")
            if index > 0 and filled:
                # Everything from here on is the page's tail or the release's boilerplate.
                _note(removed, rule, "\n".join(lines[index:]))
                break
            _note(removed, rule, raw)
            continue
        if not _HAS_WORD.search(raw):
            # Rules, bullets and lone quote marks: nothing there can be news.
            _note(removed, "no letters or digits", raw)
            continue
        noise = _noise_rule(raw)
        if noise:
            _note(removed, noise, raw)
            after_provider = bool(_NEWS_PROVIDED_BY.match(raw))
            continue
        if provider and len(raw.split()) <= 6 and raw[-1] not in ".!?…":
            _note(removed, "wire header line", raw)
            continue
        if _is_caption_before_credit(raw, following[index]):
            _note(removed, "caption above a credit", raw)
            captions.append(raw)
            continue
        if (
            len(raw.split()) <= _CAPTION_BETWEEN_WORDS
            and _is_credit_line(preceding[index])
            and _is_credit_line(following[index])
            and not wire.dateline_at(raw)
        ):
            _note(removed, "caption between credits", raw)
            captions.append(raw)
            continue
        pieces, ends = _clean_line(raw, removed)
        for line in pieces:
            if not line:
                continue
            noise = _noise_rule(line) if line != raw else None
            if noise:
                _note(removed, noise, line)
                continue
            if line in captions[-3:]:
                _note(removed, "caption repeated nearby", line)
                continue
            if len(line) <= 300 and filled:
                repeat = next((i for i in filled[-3:] if kept[i] == line), None)
                if repeat is not None:
                    # A short line repeated within a few lines is a caption and its copy
                    # (lightbox, alt text, the credit's caption field): neither is news.
                    _note(removed, "caption repeated nearby", line)
                    filled.remove(repeat)
                    if repeat == len(kept) - 1 or all(not x for x in kept[repeat + 1 :]):
                        del kept[repeat:]
                    else:
                        kept[repeat] = None
                    continue
            filled.append(len(kept))
            kept.append(line)
        if ends:
            break

    out = re.sub(r"\n{3,}", "\n\n", "\n".join(x for x in kept if x is not None)).strip()
    return out if re.search(r"\w", out) else ""
