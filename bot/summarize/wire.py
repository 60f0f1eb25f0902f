"""Wire-service and press-release boilerplate: datelines, header lines and trailer sections.

A wire story opens with a dateline ("ALMATY, Kazakhstan, March 3, 2026 /PRNewswire/ --",
"МОСКВА, 2 дек — РИА Новости."), sometimes glued to the site's subtitle before it
("...в МинскеМИНСК, 3 мар. — Sputnik."). A press release opens with distribution lines
("NEWS PROVIDED BY", "Click to Tweet") and ends with sections that are never the news: "About
<Company>", "Forward-Looking Statements", "Media Contacts:", "###". Like every pattern in the
summarizer these run in linear time: words are bounded, neighbouring quantifiers possessive.
"""

from __future__ import annotations

import re

__all__ = [
    "DATE_LINE",
    "TRAILER_HEADING",
    "TRAILER_INSIDE",
    "WIRE_HEADER",
    "dateline_at",
    "datelines_inside",
]

MONTH = (
    r"(?:янв|фев|мар|апр|мая|май|июн|июл|авг|сен|окт|ноя|дек)[а-яё]{0,8}+|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,7}+"
)
# A place is up to four words, a word taking its hyphens and inner dots along
# ("Ростов-на-Дону", "U.S."; a full stop only after an abbreviation: "ST. LOUIS"), so there
# is one way to read it; words are bounded, so trying a dateline at every
# glued capital costs a few dozen characters each. Up to two more comma parts name the region
# or country ("ALMATY, Kazakhstan").
_WORD = r"(?:[^\W\d_]{1,3}+\.(?= [^\W\d_])|[^\W\d_](?:[\w'’-]|\.(?=\w)){0,40}+)"
_PLACE = rf"(?>{_WORD}(?: {_WORD}){{0,3}})"
_PLACES = rf"{_PLACE}(?:,\s*+{_PLACE}){{0,2}}"
_AGENCY_WORDS = r"[^\W\d_][\w-]{0,40}+(?:\s++[^\W\d_][\w-]{0,40}+){0,2}"
_AGENCIES = (
    r"Reuters|Рейтер|AP|AFP|CNN|CNN Money|CNN Business|Bloomberg|UPI|Xinhua|dpa|EFE|ANSA|"
    r"PRNewswire|PR Newswire|BUSINESS WIRE|Business Wire|GLOBE NEWSWIRE|GlobeNewswire|CNW|"
    r"EINPresswire|EINPresswire\.com|ACCESSWIRE|Newsfile|Marketwired|Sputnik|TASS|ТАСС|"
    r"ИТАР-ТАСС|Интерфакс|Interfax|РИА Новости|RNS|Прайм"
)
_DASH = r"[—–-]{1,2}"
_RU_DATE = rf"\d{{1,2}}\s++(?:{MONTH})\.?+(?:\s*+\d{{4}}(?:\s*+г(?:ода|\.)?)?)?"
_EN_DATE = rf"(?:{MONTH})\.?+\s++\d{{1,2}}(?:,\s*+\d{{4}})?+"

# Russian order: "АСТАНА, 29 ноя. — Sputnik.", "москва, 1 дек — риа новости, адам буражев.",
# "МОСКВА, 5 марта. /ТАСС/.", "МОСКВА, 3 мар (Интерфакс) -", "Москва. 3 марта. INTERFAX.RU -".
_DATELINE_RU = re.compile(
    rf"{_PLACES}[,.]\s*+{_RU_DATE}\s*+"
    rf"(?:{_DASH}\s*+{_AGENCY_WORDS}(?:,\s*+{_AGENCY_WORDS})?\."
    rf"|\.?+\s*+/[^/\n]{{2,30}}+/(?:\s*+\.)?"
    rf"|\.?+\s*+(?:\((?:{_AGENCIES})\)|INTERFAX\.RU)\s*+{_DASH})\s*+",
    re.IGNORECASE,
)
# English order: "NEW YORK, May 5, 2024 /PRNewswire/ --", "TORONTO, March 3, 2026 /CNW/ -",
# "ALMATY, Kazakhstan, March 3, 2026 (GLOBE NEWSWIRE) --", "..., 2026 -- GLOBE NEWSWIRE --".
_DATELINE_EN = re.compile(
    rf"{_PLACES},\s*+{_EN_DATE}\s*+"
    rf"(?:/[^/\n]{{2,30}}+/\s*+|\((?:{_AGENCIES})\)\s*+)?"
    rf"{_DASH}\s*+(?:GLOBE NEWSWIRE\s*+{_DASH}\s*+)?",
    re.IGNORECASE,
)
# No date: "LONDON (Reuters) -", "WASHINGTON (AP) —", "(CNN) --",
# "ALMATY, Kazakhstan--(BUSINESS WIRE)--".
_DATELINE_WIRE = re.compile(
    r"(?:[A-ZА-ЯЁ][\w.'’-]{0,40}+(?: [\w.'’-]{1,40}+){0,5}"
    r"(?:,\s*+[A-ZА-ЯЁ][\w.]{1,20}+)?\s*+(?:[—–-]{1,2}\s*+)?)?"
    rf"\((?:{_AGENCIES})\)\s*+(?:{_DASH}|:)\s*+"
)
_DATELINES = (_DATELINE_RU, _DATELINE_EN, _DATELINE_WIRE)

# Where a dateline may start inside a line: a capitalised place right after a lower-case
# letter (a subtitle glued on: "МинскеМИНСК, 3 мар."), or after the end of a sentence.
_DATELINE_START = re.compile(r"(?<=[a-zа-яё0-9.!?…»\"”)]) ?+(?=[A-ZА-ЯЁ(][A-ZА-ЯЁ])")


def dateline_at(line: str, position: int = 0) -> re.Match[str] | None:
    """The agency dateline starting at `position` of the line, if there is one."""
    for pattern in _DATELINES:
        match = pattern.match(line, position)
        if match:
            return match
    return None


def datelines_inside(line: str) -> list[tuple[int, re.Match[str]]]:
    """Datelines after the line's start, each with where the text before it ends."""
    found: list[tuple[int, re.Match[str]]] = []
    done = 0
    for start in _DATELINE_START.finditer(line, 1):
        if start.start() < done:
            continue
        match = dateline_at(line, start.end())
        if match:
            found.append((start.start(), match))
            done = match.end()
    return found


def _heading(words: str, *, flags: str = "i") -> str:
    """A line that is only the heading, or the heading, a colon and anything after it."""
    return rf"(?{flags}:{words})\s*+(?::[^\n]*+)?$"


# The rest of a heading's first word and up to six more, with no full stop at the end unless
# after a short word ("Inc.", "Ltd.", "Corp."): "About 40 boats returned." is a sentence.
_NAME_REST = r"[^\s!?:]{0,40}+(?:\s++[^\s!?:]{1,40}+){0,6}(?<![a-zа-яё]{4}[.!?])"
_ABOUT_EN = r"(?:About|ABOUT)\s++(?:the\s++)?(?:[A-Z«\"“]|\d++[A-Za-z])" + _NAME_REST
_ABOUT_RU_WORD = (
    r"(?:О|Об)\s++(?:компании|группе|холдинге|банке|фонде|корпорации|нас|проекте|организации)"
    r"(?:\s++[^\s!?:]{1,40}+){0,6}(?<![a-zа-яё]{4}[.!?])"
)
_ABOUT_RU_NAME = r"(?:О|Об)\s++[«\"„A-ZА-ЯЁ]" + _NAME_REST
_REFERENCE_RU = (
    r"Справк[аи]\b(?:\s++[^\s!?:]{1,40}+){0,6}(?<![а-яё]{4}[.!?])|Справочная\s++информация"
)
_FORWARD_LOOKING = (
    r"(?:cautionary\s++(?:note|statement|language)s?+\s++(?:regarding|concerning|about|on)\s++)?"
    r"forward[- ]looking\s++(?:statements?|information)\b|safe\s++harbou?r\b|"
    r"(?:this|the)\s++(?:press\s++)?(?:release|announcement)\s++"
    r"(?:contains|includes|may\s++contain)\s++(?:certain\s++)?[\"“]?forward[- ]looking|"
    r"заявления\s++(?:прогнозного\s++характера|о\s++будущем)|прогнозные\s++заявления|"
    r"ограничение\s++ответственности"
)
_CONTACTS = (
    r"(?:media|press|investors?)\s++(?:contacts?|inquiries|enquiries|relations|office)"
    r"(?:\s++contacts?)?|contacts?|for\s++(?:further|more)\s++information"
    r"(?:,?\s++(?:please\s++)?contact)?|контакты(?:\s++для\s++(?:сми|прессы|журналистов))?|"
    r"контактная\s++информация|пресс-служба|для\s++сми|для\s++справок|"
    r"дополнительная\s++информация(?:\s++для\s++сми)?"
)

# A line that opens a press release's closing sections: everything from it to the end of the
# text is boilerplate. The group that matched names the rule for --explain.
TRAILER_HEADING = re.compile(
    r"^\s*+(?:"
    # "About Steppe Energy", "About the Company", "О компании «Степь»", "Справка".
    rf"(?P<about>{_heading(_ABOUT_EN, flags='-i')}|{_heading(_ABOUT_RU_WORD)}"
    rf"|{_heading(_ABOUT_RU_NAME, flags='-i')}|{_heading(_REFERENCE_RU, flags='-i')})"
    # "Forward-Looking Statements", "Safe Harbor Statement", "This press release contains ...".
    rf"|(?P<forward_looking>(?i:{_FORWARD_LOOKING})[^\n]*+)"
    # "Media Contacts:", "Investor Relations", "Контакты для СМИ", "Пресс-служба:".
    rf"|(?P<contacts>{_heading(_CONTACTS)})"
    # "###", "# # #", "-30-": the end of a release in wire style.
    r"|(?P<end_mark>(?:#\s*+){3,}|[-–—]\s*+30\s*+[-–—])\s*+$"
    # PR Newswire's "SOURCE Steppe Energy" line.
    r"|(?P<source_trailer>SOURCE\s++[A-Z0-9][^\n]{0,80}+$)"
    r")"
)

# The same sections pasted into a paragraph, after the end of a sentence: "... said Ivanov.
# About Steppe Energy Steppe Energy is ..." (the company named twice), "Справка: ...".
TRAILER_INSIDE = re.compile(
    r"(?<=[.!?…»\"”] )(?:"
    r"(?P<about>About\s++(?P<company>(?:[A-Z][\w&.'’-]{0,30}+\s++){1,4})(?P=company)"
    r"|(?:О\s++компании|Справка)\s*+:)"
    r"|(?P<forward_looking>(?i:forward[- ]looking\s++statements?|safe\s++harbou?r\s++statement)"
    r"(?:\s*+:)?+\s++[A-Z])"
    r"|(?P<contacts>(?i:media\s++contacts?|контакты\s++для\s++сми)\s*+:)"
    r")"
)

# Distribution lines at the top of a wire release: "NEWS PROVIDED BY", "Click to Tweet",
# "FOR IMMEDIATE RELEASE".
WIRE_HEADER = re.compile(
    r"^\s*+(?i:news\s++provided\s++by\b[^\n]{0,80}+|click\s++to\s++tweet|"
    r"for\s++immediate\s++release|для\s++немедленной\s++публикации|press\s++release|"
    r"пресс-релиз)\s*+[.:]?+\s*+$"
)

# A line that is only a date and time: "Mar 03, 2026, 08:00 ET", "3 марта 2026, 10:00".
DATE_LINE = re.compile(
    r"^\s*+(?i:(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}+,?+\s++)?"
    rf"(?:(?:{MONTH})\.?+\s++\d{{1,2}},?+\s*+\d{{4}}|\d{{1,2}}\s++(?:{MONTH})\.?+,?+\s*+\d{{4}}"
    r"(?:\s*+г(?:ода|\.)?)?)"
    r"(?:,?+\s*+(?:at\s++|в\s++)?\d{1,2}[:.]\d{2}(?:\s*+[ap]\.?m\.?)?+(?:\s++[a-z]{2,4})?+)?+)"
    r"\s*+$"
)
