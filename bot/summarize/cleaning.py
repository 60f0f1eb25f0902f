"""Turn a pasted or scraped press release into plain text with the site furniture removed.

Releases reach us either as text copied from a web page or as the page's HTML. Both carry
furniture that is not news: photo credits and captions, subscribe buttons, rating widgets,
"related articles" blocks, comment forms, share bars, bylines and agency datelines. The
summarizer would happily pick those as "central" sentences, so they go before ranking.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["clean", "is_html"]

# Element names that show the input is markup rather than text that mentions a "<".
_HTML_TAG = re.compile(
    r"<\s*/?\s*(?:html|head|body|article|main|section|div|p|br|span|a|h[1-6]|ul|ol|li|"
    r"strong|b|em|i|figure|figcaption|img|table|header|footer|nav|blockquote)\b[^<>]*>",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"<[^<>]+>")
_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|div|br|h[1-6]|li|tr|blockquote|section|article)\b[^<>]*>", re.IGNORECASE
)

# Credits: "© Sputnik / Ербол Шаймерденов", "© Reuters", "Фото: ТАСС", "Photo: AP/Evan Vucci".
# A name is one to three capitalised words matched case-sensitively, so a caption glued right
# after it ("...ШаймерденовПрезидент Казахстана") stays for the repeated-caption rule.
_NAME = r"[A-ZА-ЯЁ][a-zа-яё'’.-]*(?:[ -][A-ZА-ЯЁ][a-zа-яё'’.-]*){0,2}"
_COPYRIGHT_CREDIT = re.compile(
    rf"(?:©|\((?i:c)\))\s*(?:"
    rf"[^/\n]{{1,40}}?\s*/\s*{_NAME}"  # agency / photographer
    rf"|[^\s/]+(?:\s+[^\s/]+){{0,2}}\s*$"  # a short rest of the line
    rf"|[A-ZА-ЯЁ][\w.-]*(?:\s+[A-ZА-ЯЁ][\w.-]*)?"  # one agency name glued into text
    rf")"
)
_CREDIT_WORDS = (
    r"фото|фотография|иллюстрация|изображение|видео|коллаж|инфографика|"
    r"photo|photos|photograph|picture|image|images|video|credit|illustration"
)
_CREDIT_SEPARATOR = r"(?::|—|–|-|©|\||\s+by\b|\s+credit\b)"
# A whole line that is a credit: "Фото: пресс-служба", "Photo by John Smith on Unsplash".
_CREDIT_LINE = re.compile(
    rf"^\s*(?:{_CREDIT_WORDS})(?:\s+credit)?\s*{_CREDIT_SEPARATOR}[^\n]{{0,120}}$",
    re.IGNORECASE,
)
# A credit closing a caption line ("Президент на форуме. Фото: Kremlin.ru").
_TRAILING_CREDIT = re.compile(
    rf"(?<=[.!?»\"\s])\s*(?:{_CREDIT_WORDS})\s*(?::|©)\s*(?:[^.!?\n]|\.(?=\S)){{1,80}}\.?$",
    re.IGNORECASE,
)
# A credit in brackets inside a sentence: "(Photo: Getty Images)".
_BRACKETED_CREDIT = re.compile(
    rf"\(\s*(?:{_CREDIT_WORDS})\s*{_CREDIT_SEPARATOR}[^()\n]{{1,80}}\)", re.IGNORECASE
)

# Lines that are only a button or a widget label.
_BUTTON_LINE = re.compile(
    r"^\s*(?:подписаться|подпишитесь|subscribe|subscribe now|follow us|следите за нами|"
    r"читать далее|читать полностью|read more|continue reading|"
    r"кнопка «наверх»|кнопка \"наверх\"|наверх|back to top|to top|"
    r"поделиться|share|share this|share this article|share this story|tweet|print|печать|"
    r"rate this|rate this article|оценить статью|"
    r"реклама|advertisement|"
    r"comments?|комментари[ий]|\d+\s+comments?|\d+\s+комментари[йяев]+)\s*[.!:]?\s*$",
    re.IGNORECASE,
)
# Widget text that also shows up inside a line when a page is pasted as one block.
_INLINE_WIDGETS = re.compile(
    r"нажмите,? чтобы оценить (?:эту )?(?:статью|запись|пост)!?|"
    r"нажмите на звезд[уы],? чтобы оценить!?|"
    r"\[\s*(?:итого|всего|total)\s*:\s*\d+\s*(?:средняя|average)\s*:\s*[\d.,]+\s*\]|"
    r"средняя оценка\s*[\d.,]+\s*/\s*5\.?\s*(?:количество оценок\s*:\s*\d+\.?)?|"
    r"оценок пока нет\.?(?: поставьте оценку первым\.?)?|"
    r"click to rate this (?:post|article)!?|"
    r"no votes so far!?(?: be the first to rate this post\.?)?|"
    r"average rating\s*[\d.,]+\s*/\s*5\.?\s*(?:vote count\s*:\s*\d+\.?)?|"
    r"кнопка «наверх»|back to top",
    re.IGNORECASE,
)
# "Подписаться" glued to the end of a caption or a sentence by a pasted button.
_GLUED_SUBSCRIBE = re.compile(r"(?<=[\w.!?»])(?:Подписаться|Subscribe)(?=\s|$)")

# A line that is only one of these headings opens the tail of the page (related links,
# comment form): nothing after it belongs to the release.
_TAIL_HEADING = re.compile(
    r"^\s*(?:похожие статьи|похожие новости|похожие записи|похожие публикации|другие новости|"
    r"новости партнеров|новости партнёров|добавить комментарий|оставить комментарий|"
    r"оставьте комментарий|комментарии|"
    r"related articles|related posts|related stories|related news|related|more stories|"
    r"you may also like|you might also like|read next|recommended for you|"
    r"add comment|add a comment|leave a comment|leave a reply|comments)"
    r"\s*(?:\(\d+\)|\d+)?\s*[:.]?\s*$",
    re.IGNORECASE,
)
# "Читайте также: <another headline>" inside the body: the line goes, the text goes on.
_READ_ALSO_LINE = re.compile(
    r"^\s*(?:читайте также|читайте еще|читайте ещё|см\. также|смотрите также|"
    r"read also|see also|read more|also read)\s*(?::|—|–|-)[^\n]{0,200}$",
    re.IGNORECASE,
)
# "Источник: ..." / "Source: ..." attribution lines.
_SOURCE_LINE = re.compile(
    r"^\s*(?:(?:источник|source|sources|via)\s*(?::|—|–)|по материалам\b)[^\n]{0,120}$",
    re.IGNORECASE,
)
_SOURCE_WORD_ONLY = re.compile(r"^\s*(?:источник|source)\s*[.:]?\s*$", re.IGNORECASE)


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
_TIMESTAMP = r"\d{1,2}:\d{2}\s*[A-Z]{2,4},?\s*\d{1,2}\s+[A-Za-z]+\s+\d{4}"
_PUBLISHED_BLOCK = re.compile(
    rf"(?:\bBy\s*\.?\s*(?:[^.|\n]{{1,60}}?\s*\.\s*){{1,3}})?"
    rf"PUBLISHED\s*:\s*\.?\s*{_TIMESTAMP}\s*\.?\s*"
    rf"(?:\|\s*\.?\s*UPDATED\s*:\s*\.?\s*{_TIMESTAMP}\s*\.?\s*)?",
    re.IGNORECASE,
)
# Bylines may shout the name: "By JANE DOE For Dailymail.com".
# Atomic groups and bounded repeats: a long line of capitalised words must fail fast, not
# backtrack through every way of grouping them into names.
_BYLINE_NAME = r"(?>[A-ZА-ЯЁ][\w'’.-]*(?: (?!For\b)[A-ZА-ЯЁ][\w'’.-]*){0,2})"
_BYLINE_LINE = re.compile(
    rf"^\s*(?:By\s*\.?|Автор\s*:|Текст\s*:)\s*{_BYLINE_NAME}"
    rf"(?:\s*(?:,|and|и|&)\s*{_BYLINE_NAME}){{0,3}}"
    r"(?:\s*,?\s*(?:[Ff]or|для)\s+[\w.'’ -]{1,40})?\s*\.?\s*$"
)
_UPDATED_LINE = re.compile(
    r"^\s*(?:published|updated|last updated|опубликовано|обновлено)\s*:[^\n]{0,60}\d[^\n]{0,40}$",
    re.IGNORECASE,
)

# Agency datelines that open a wire story: "АСТАНА, 29 ноя. — Sputnik.",
# "москва, 1 дек — риа новости, адам буражев.", "МОСКВА, 5 марта. /ТАСС/.",
# "LONDON (Reuters) -", "(CNN) --".
_MONTH = (
    r"(?:янв|фев|мар|апр|мая|май|июн|июл|авг|сен|окт|ноя|дек)[а-яё]*|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
)
_PLACE = r"[^\W\d_][\w'’.-]*(?:[ -][^\W\d_][\w'’.-]*){0,3}"
_WORDS = r"[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*){0,2}"
_DATELINE_AGENCY = re.compile(
    rf"^\s*{_PLACE},\s*\d{{1,2}}\s+(?:{_MONTH})\.?(?:\s*\d{{4}}(?:\s*г(?:ода|\.)?)?)?\s*"
    rf"(?:[—–-]{{1,2}}\s*{_WORDS}(?:,\s*{_WORDS})?\.|\.?\s*/[^/\n]{{2,30}}/\s*\.?)\s+",
    re.IGNORECASE,
)
# English order: "NEW YORK, May 5, 2024 /PRNewswire/ --".
_DATELINE_EN = re.compile(
    rf"^\s*{_PLACE},\s*(?:{_MONTH})\.?\s+\d{{1,2}}(?:,\s*\d{{4}})?\s*(?:/[^/\n]{{2,30}}/)?"
    r"\s*[—–-]{1,2}\s*",
    re.IGNORECASE,
)
_DATELINE_WIRE = re.compile(
    r"^\s*(?:[A-Z][A-Za-z .'’-]{1,40}(?:,\s*[A-Z][A-Za-z.]{1,20})?\s+)?"
    r"\((?:Reuters|AP|AFP|CNN|Bloomberg|UPI|Xinhua|dpa|EFE|ANSA|PRNewswire|BUSINESS WIRE|"
    r"GLOBE NEWSWIRE|Sputnik|TASS|ТАСС|Интерфакс|RNS|CNN Money|CNN Business)\)\s*"
    r"(?:[—–-]{1,2}|:)\s*"
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
    r"|[\"«“„][А-ЯЁ][^\"»”\n]{0,800}?(?:[.!?…][\"»”]|[\"»”],)\s*[-—–]\s)"
)
# Where the sentence holding a glued caption starts: after a full stop and before a capital.
_SENTENCE_START = re.compile(r"(?:^|(?<=[.!?…])[\"»”)]?\s+)(?=[\"«“„]?[A-ZА-ЯЁ0-9])")
# A subheading or a related-story link in quotes, glued to the sentence after it:
# "«Может быть тяжело» Эми сейчас празднует ...". Direct speech ends in punctuation or goes on
# in lower case ("«...», - сказал"), so a bare quoted phrase before a capital is furniture.
_GLUED_QUOTED_HEADING = re.compile(
    r"(?:^|(?<=[.!?…] ))[\"«„“][А-ЯЁA-Z][^\"»”“\n]{0,150}?[^\W_][\"»”“] (?=[\"«„“]?[А-ЯЁA-Z])"
)
# A caption is a line or two under a photo; a longer unpunctuated run is kept as a sentence.
_CAPTION_WORDS = 30

_SPACES = re.compile(r" {2,}")
# Tabs, no-break and typographic spaces become plain spaces; zero-width marks disappear.
_ODD_SPACE = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]")
_ZERO_WIDTH = re.compile(r"[\u200c-\u200f\u2060\ufeff]")


def is_html(text: str) -> bool:
    """Whether the input looks like markup rather than plain text."""
    return len(_HTML_TAG.findall(text[:20000])) >= 2


def _html_to_text(markup: str) -> str:
    """Extract the main text of a page, favouring precision over recall."""
    # trafilatura pulls in lxml and friends (~0.3 s), so it loads only when HTML arrives.
    import trafilatura

    extracted = trafilatura.extract(
        markup,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
        # trafilatura's deduplication remembers segments across calls in a process-wide
        # cache, so the same page cleaned a third time would lose paragraphs.
        deduplicate=False,
    )
    if extracted and extracted.strip():
        return str(extracted)
    # A bare fragment (a few <p> from a CMS field) can be too small for trafilatura's
    # heuristics; strip the tags so the text is not lost.
    text = _BLOCK_TAG.sub("\n", markup)
    text = re.sub(r"<\s*(script|style|noscript)\b.*?<\s*/\s*\1\s*>", " ", text, flags=re.I | re.S)
    return html.unescape(_ANY_TAG.sub("", text))


def _normalise(text: str) -> str:
    text = _ODD_SPACE.sub(" ", _ZERO_WIDTH.sub("", unicodedata.normalize("NFC", text)))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(_squeeze(line) for line in text.split("\n"))


def _squeeze(line: str) -> str:
    return (_SPACES.sub(" ", line) if "  " in line else line).strip()


def _is_social_line(line: str) -> bool:
    if len(line) > 160:
        return False
    words = [w for w in re.split(r"[\s|•·,:/]+", line.lower()) if w]
    return (
        0 < len(words) <= 12
        and any(w in _SOCIAL_MARKERS for w in words)
        and all(w in _SOCIAL_WORDS or w.isdigit() for w in words)
    )


# Substrings one of which every widget pattern contains; common words ("rate") are avoided
# so ordinary prose skips the widget regex.
_WIDGET_HINTS = (
    "чтобы оценить",
    "нажмите на звезд",
    "[итого",
    "[ итого",
    "[всего",
    "[ всего",
    "[total",
    "[ total",
    "средняя оценка",
    "оценок пока нет",
    "click to rate",
    "no votes so far",
    "average rating",
    "наверх",
    "back to top",
)
_CREDIT_HINTS = (
    "фото",
    "иллюстр",
    "изображ",
    "видео",
    "коллаж",
    "инфогр",
    "photo",
    "picture",
    "image",
    "video",
    "credit",
    "illustr",
)


def _strip_credits(line: str) -> str:
    line = _BRACKETED_CREDIT.sub(" ", line)
    line = _COPYRIGHT_CREDIT.sub(" ", line)
    # The credit closes the line, so only its tail needs scanning.
    head, tail = line[:-160], line[-160:]
    return (head + _TRAILING_CREDIT.sub("", tail)).strip()


def _drop_repeated_captions(line: str) -> str:
    """Remove a caption pasted twice around where its credit was: "Cap Cap" -> ""."""
    # After the credit is cut out, "Caption. ФотоCaption. Фото" collapses to two equal halves.
    half = len(line) // 2
    for cut in (half, half + 1, half - 1):
        first, second = line[:cut].strip(), line[cut:].strip()
        if first and first == second and len(first) <= 300:
            return ""
    return line


def _cut_glued_captions(line: str) -> str:
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
        done = end + 1
    if pieces:
        pieces.append(line[done:])
        line = "".join(pieces)
    return _GLUED_QUOTED_HEADING.sub("", line) if '" ' in line or "» " in line else line


def _is_noise_line(line: str) -> bool:
    return bool(
        _BUTTON_LINE.match(line)
        or _CREDIT_LINE.match(line)
        or _SOURCE_WORD_ONLY.match(line)
        or _SOURCE_LINE.match(line)
        or _READ_ALSO_LINE.match(line)
        or (len(line) <= 120 and _BYLINE_LINE.match(line))
        or _UPDATED_LINE.match(line)
        or _is_social_line(line)
    )


def _clean_line(line: str) -> str:
    # Each pattern runs only when a cheap substring test says it can match: most lines have
    # no widget, credit or byline, and scanning them with every regex would triple the cost.
    lower = line.lower()
    at = lower.find("published")
    if at >= 0:
        # The byline block sits right around the word; scan only that window.
        start, end = max(0, at - 200), at + 200
        line = line[:start] + _PUBLISHED_BLOCK.sub(" ", line[start:end], count=1) + line[end:]
    if any(hint in lower for hint in _WIDGET_HINTS):
        line = _INLINE_WIDGETS.sub(" ", line)
    if "Подписаться" in line or "Subscribe" in line:
        line = _GLUED_SUBSCRIBE.sub(" ", line)
    if "©" in line or "(c)" in lower or "(с)" in lower:
        line = _strip_credits(line)
        line = _drop_repeated_captions(line)
    elif any(hint in lower for hint in _CREDIT_HINTS):
        line = _strip_credits(line)
    if "," in line[:60] or "(" in line[:60]:
        line = _DATELINE_AGENCY.sub("", line, count=1)
        line = _DATELINE_EN.sub("", line, count=1)
        line = _DATELINE_WIRE.sub("", line, count=1)
    if "»" in line or "”" in line:
        line = _GLUED_AFTER_QUOTE.sub(r"\g<0> ", line)
    line = _GLUED_AFTER_STOP.sub(r"\g<0> ", line)
    line = _cut_glued_captions(line)
    return _squeeze(line).strip(" |•·")


def _is_caption_before_credit(line: str, following: str) -> bool:
    """A short unpunctuated line right above a credit line is that photo's caption."""
    return (
        bool(_CREDIT_LINE.match(following) or following.startswith(("©", "(c)")))
        and len(line) <= 200
        and not line.endswith((".", "!", "?", "…", "»", '"', ":"))
    )


def clean(text: str) -> str:
    """Plain text of a release (HTML handled) without credits, widgets, bylines and datelines."""
    if not text or not text.strip():
        return ""
    if is_html(text):
        text = _html_to_text(text)
    lines = _normalise(text).split("\n")

    # The next non-empty line after each line, for the caption-above-credit rule.
    following = [""] * len(lines)
    upcoming = ""
    for index in range(len(lines) - 1, -1, -1):
        following[index] = upcoming
        upcoming = lines[index] or upcoming

    kept: list[str] = []
    last = -1  # index in `kept` of the last non-empty line
    for index, raw in enumerate(lines):
        if not raw:
            kept.append("")
            continue
        if index > 0 and _TAIL_HEADING.match(raw):
            break
        if _is_noise_line(raw) or _is_caption_before_credit(raw, following[index]):
            continue
        line = _clean_line(raw)
        if not line or _is_noise_line(line):
            continue
        if last >= 0 and line == kept[last] and len(line) <= 300:
            # The same short line twice in a row is a caption and its lightbox copy.
            del kept[last:]
            last = max((i for i, x in enumerate(kept) if x), default=-1)
            continue
        kept.append(line)
        last = len(kept) - 1

    out = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return out if re.search(r"\w", out) else ""
