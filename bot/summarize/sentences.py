"""Language detection, sentence splitting and stemmed word lists for Russian and English.

razdel splits sentences well for Russian (abbreviations like "т.е.", "г.", initials) and
reasonably for English; two repairs on top of it keep quotes and English titles ("Sen.",
"Gov.") inside their sentence, so the summarizer never returns half a quotation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer
from razdel import sentenize
from razdel.segmenters.sentenize import DELIMITERS, SentSegmenter, SentSplitter

__all__ = [
    "Sentence",
    "content_stems",
    "detect_language",
    "is_balanced",
    "split_sentences",
    "stopwords",
    "words",
]

_WORD = re.compile(r"[^\W_]++(?:[-'’][^\W_]++)*+")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of the cleaned text with where it stood."""

    index: int
    paragraph: int
    text: str


# Byte-level counting: every Cyrillic letter starts with 0xD0 or 0xD1 in UTF-8, and deleting
# all bytes but ASCII letters leaves the Latin ones. Both run in C, unlike a regex findall.
_NOT_LATIN = bytes(b for b in range(256) if not chr(b).isascii() or not chr(b).isalpha())


def detect_language(text: str) -> str:
    """Return "ru" when Cyrillic letters outnumber Latin ones, else "en"."""
    sample = text[:2000].encode("utf-8", "surrogatepass")
    cyrillic = sample.count(b"\xd0") + sample.count(b"\xd1")
    latin = len(sample.translate(None, _NOT_LATIN))
    return "ru" if cyrillic > latin else "en"


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# English abbreviations after which razdel wrongly ends a sentence ("Sen. John McCain").
_EN_TITLES = _wordset(
    "mr mrs ms dr prof sen rep gov gen lt col capt sgt cpl maj adm cmdr rev fr st mt ft "
    "jan feb mar apr jun jul aug sep sept oct nov dec no nos vol fig jr sr ave blvd inc corp "
    "ltd co bros dept univ est approx vs v"
)
_WEEKDAYS = re.compile(
    r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|"
    r"yesterday|on|in|at|to|and|or|local|eastern|et|gmt|utc)\b",
    re.IGNORECASE,
)
_LAST_WORD = re.compile(r"(?<![A-Za-z])([A-Za-z]++)\.$")
_PAIRED_QUOTES = (("«", "»"), ("“", "”"), ("„", "“"))


def is_balanced(text: str) -> bool:
    """Whether every quotation mark opened in the text is also closed."""
    opened, closed = text.count("«"), text.count("»")
    if text.count('"') % 2 or opened != closed:
        return False
    if opened and text.index("»") < text.index("«"):
        return False
    # Curly quotes pair “ with ”, or „ with “ in the Russian and German style.
    low, left, right = text.count("„"), text.count("“"), text.count("”")
    return left == low + right


def _opens_quote(text: str) -> bool:
    return (
        text.count('"') % 2 == 1
        or text.count("«") > text.count("»")
        or text.count("“") > text.count("”") + text.count("„")
        or text.count("„") > text.count("“")
    )


def _ends_in_title(text: str, following: str) -> bool:
    if not text.endswith("."):
        return False
    # Only the last word matters; searching the tail keeps this constant-time.
    match = _LAST_WORD.search(text[-12:])
    if not match:
        return False
    if match.group(1).lower() in _EN_TITLES:
        return True
    # "at 3 p.m. Friday" — a time abbreviation followed by a day or a preposition.
    return text.endswith(("a.m.", "p.m.")) and bool(_WEEKDAYS.match(following))


# Repairs never grow a sentence past these bounds, so stray marks cannot glue a text together.
_QUOTE_PIECES = 12
_LONGEST_MERGE = 1000


def _merge_pieces(pieces: list[str], language: str) -> list[str]:
    merged: list[str] = []
    pending: list[str] = []
    for piece in pieces:
        pending.append(piece)
        # A quote that razdel cut after its first sentence: keep joining until it closes,
        # but give up after a paragraph's worth so one stray mark cannot swallow the text.
        if len(pending) < _QUOTE_PIECES and _opens_quote(" ".join(pending)):
            continue
        merged.append(" ".join(pending))
        pending = []
    if pending:
        merged.append(" ".join(pending))
    if language != "en":
        return merged
    joined: list[str] = []
    for piece in merged:
        if joined and len(joined[-1]) < _LONGEST_MERGE and _ends_in_title(joined[-1], piece):
            joined[-1] = f"{joined[-1]} {piece}"
        else:
            joined.append(piece)
    return joined


# razdel weighs every delimiter in Python, yet joins at once where no space follows or the
# next word is in lower case. Handing it only the other delimiters gives the same sentences
# in about two thirds of the time. Its smileys (":)") are delimiters longer than a
# character that would shift the matches, so a paragraph with one gets the full splitter.
_MAY_END = SentSegmenter(
    split=SentSplitter(pattern=rf"([{re.escape(DELIMITERS)}])(?=\s++(?![a-zа-яё]+\b))")
)
_SMILEY = re.compile(r"[=:;]-?[)(]")


def _sentenize(paragraph: str) -> list[str]:
    segmenter = sentenize if _SMILEY.search(paragraph) else _MAY_END
    return [s.text for s in segmenter(paragraph)]


def split_sentences(text: str, language: str) -> list[Sentence]:
    """Split cleaned text into sentences; a paragraph break always ends a sentence."""
    result: list[Sentence] = []
    paragraphs = [p for p in re.split(r"\n+", text) if p.strip()]
    for number, paragraph in enumerate(paragraphs):
        for piece in _merge_pieces(_sentenize(paragraph), language):
            result.append(Sentence(index=len(result), paragraph=number, text=piece))
    return result


def words(text: str) -> list[str]:
    """Lower-cased word tokens (Unicode letters and digits), with ё folded into е."""
    return _WORD.findall(text.lower().replace("ё", "е"))


_STOPWORDS = {
    "ru": _wordset(
        "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по "
        "только ее её мне было вот от меня еще ещё нет о из ему теперь когда даже ну вдруг ли "
        "если уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя "
        "ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без "
        "будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем "
        "ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда "
        "можно при наконец два об другой хоть после над больше тот через эти нас про всего "
        "них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть "
        "том нельзя такой им более всегда конечно всю между это этим эта также кроме однако "
        "который которая которое которые которых которым которой котором которую того ее "
        "свой своей своих своим свои своего также пока около более менее лишь именно "
        "г год года году лет время из-за из-под о об обо по-прежнему ранее сообщил сообщила "
        "сообщили заявил заявила заявили сказал сказала отметил отметила"
    ),
    "en": _wordset(
        "a an the and or but if then else when while of at by for with about against between "
        "into through during before after above below to from up down in out on off over "
        "under again further once here there where why how all any both each few more most "
        "other some such no nor not only own same so than too very can will just should now "
        "i me my myself we our ours ourselves you your yours yourself he him his himself she "
        "her hers herself it its itself they them their theirs themselves what which who "
        "whom this that these those am is are was were be been being have has had having do "
        "does did doing would could might must shall may also said says say told "
        "mr mrs ms dr as s t don didn doesn isn wasn aren weren won wouldn couldn "
        "shouldn it's i'm he's she's that's there's we're they're you're i've we've "
        "they've"
    ),
}


# Stems already computed, per language: news vocabulary repeats across articles, and a dict
# lookup is cheaper than even the C stemmer. Bounded so a long-running bot cannot grow it
# without limit.
_STEM_CACHE: dict[str, dict[str, str]] = {"ru": {}, "en": {}}
_STEM_CACHE_LIMIT = 200_000


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Any:
    # snowballstemmer runs the C implementation (PyStemmer) when it is installed.
    return snowballstemmer.stemmer("russian" if language == "ru" else "english")


def _learn(word: str, language: str) -> str:
    """Stem a word not seen before ("" for a stop word) and remember it."""
    if word in _STOPWORDS[language] or (len(word) < 2 and not word.isdigit()):
        stem = ""
    elif word.isdigit():
        stem = word
    else:
        stem = str(_stemmer(language).stemWord(word))
    cache = _STEM_CACHE[language]
    if len(cache) < _STEM_CACHE_LIMIT:
        cache[word] = stem
    return stem


def content_stems(text: str, language: str) -> list[str]:
    """Stems of the words that carry meaning (stop words and one-letter words dropped)."""
    language = "ru" if language == "ru" else "en"
    lowered = text.lower()
    if "ё" in lowered:
        lowered = lowered.replace("ё", "е")
    known = _STEM_CACHE[language].get
    stems = []
    for word in _WORD.findall(lowered):
        stem = known(word)
        if stem is None:
            stem = _learn(word, language)
        if stem:
            stems.append(stem)
    return stems


def stopwords(language: str) -> frozenset[str]:
    """The stop words the summarizer ignores for a language."""
    return _STOPWORDS.get(language, _STOPWORDS["en"])
