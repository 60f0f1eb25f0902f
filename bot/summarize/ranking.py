"""Score sentences by position-weighted centrality and pick the few that carry the news.

News is front-loaded, so the lead gets a prior; a sentence later on wins only when it says
more of what the whole release and its title keep saying (its cosine similarity to the other
sentences and the title, the degree centrality of LexRank without the power iteration).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.summarize.sentences import Sentence, content_stems, is_balanced

__all__ = ["MAX_CHARS", "Candidate", "ScoredSentence", "is_quote_only", "rank", "select"]

# Telegram shows about this much under a headline before "read more" feels needed.
MAX_CHARS = 600

# Weights of the score parts; see `rank` for what each means.
POSITION_DECAY = 0.45
POSITION_WEIGHT = 1.0
QUOTE_FACTOR = 0.8
# A quotation that names its speaker in the same sentence ("«...», - заявил министр") reports.
ATTRIBUTED_QUOTE_FACTOR = 0.9
# Summed cosine similarity below which no sentence counts as fully central.
CENTRALITY_FLOOR = 0.5
# A sentence with this many content words counts as fully substantial.
FULL_SENTENCE_WORDS = 12
# Unpunctuated lines shorter than this many content words are headings or captions.
HEADING_WORDS = 12
# A sentence with no more than this share of words beyond the title repeats it.
TITLE_NOVELTY = 0.2
# Above this cosine similarity a candidate repeats a sentence already picked.
DUPLICATE_SIMILARITY = 0.7

_TERMINAL = frozenset(".!?…")
_CLOSERS = "»”\"'’)"
_OPENING_QUOTE = "«“„\"'‘"
_CLOSING_QUOTE = "»”“\"'’"
# Openers that lean on the sentence before ("However, ...", "Он также ...").
# A closing quote that the sentence goes on after, in lower case: the speaker follows
# ("«...», - заявил министр", "\"...,\" said the minister").
_ATTRIBUTION = re.compile(r"[»”\"],?+\s*+(?:[-—–]\s*+)?[a-zа-яё]")
_DEPENDENT_START = re.compile(
    r"^(?:however|but|and|also|meanwhile|still|yet|this|that|these|those|it|he|she|they|"
    r"his|her|their|однако|но|а|и|также|при этом|кроме того|тем не менее|это|этот|эта|эти|"
    r"он|она|они|его|ее|её|их|по его словам|по ее словам|по её словам|по их словам)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ScoredSentence:
    """A sentence with its score, whether the summary uses it, and why it was marked down."""

    sentence: Sentence
    score: float
    selected: bool
    note: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence with its score before selection, and its tf-idf vector."""

    sentence: Sentence
    score: float
    note: str
    vector: dict[str, float]


def _weights(stems: Sequence[str], idf: dict[str, float]) -> dict[str, float]:
    """Unit-length tf-idf vector (sublinear tf) of a sentence's stems."""
    vector = {
        term: idf.get(term, 0.0) * (1.0 if count == 1 else 1.0 + math.log(count))
        for term, count in Counter(stems).items()
    }
    norm = math.hypot(*vector.values())
    if not norm:
        return {}
    return {term: value / norm for term, value in vector.items()}


def _repeats(stems: Sequence[str], title_terms: set[str]) -> bool:
    """Whether a sentence says little beyond the title (the lead often restates it)."""
    terms = set(stems)
    return bool(terms) and len(terms - title_terms) <= TITLE_NOVELTY * len(terms)


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    return sum([v * get(term, 0.0) for term, v in a.items()])


def is_quote_only(text: str) -> bool:
    """A sentence that is nothing but a quotation: its speaker must come with it."""
    stripped = text.rstrip(".!?…,;: ")
    return (
        len(stripped) > 2
        and stripped[0] in _OPENING_QUOTE
        and stripped[-1] in _CLOSING_QUOTE
        and "—" not in stripped[stripped.rfind(stripped[-1]) :]
    )


def _defect(text: str, content_words: int) -> tuple[float, str]:
    """How much to trust a sentence as a summary line, and why not fully."""
    if text[0] in "/©":
        # What cleaning could not tell from a credit ("/POOL / Caption", "© ..."): never news.
        return 0.0, "credit leftover"
    if not is_balanced(text):
        return 0.2, "unbalanced quotes"
    if text.rstrip(_CLOSERS)[-1:] not in _TERMINAL and content_words < HEADING_WORDS:
        return 0.3, "no final punctuation (heading or caption)"
    if content_words < 4:
        return 0.4, "too short"
    if text.endswith("?"):
        return 0.6, "question"
    if text[0] in _OPENING_QUOTE:
        # Summaries report; a direct quotation is a weaker lead than the reported fact,
        # less so when the sentence itself says who is speaking.
        if _ATTRIBUTION.search(text, 1):
            return ATTRIBUTED_QUOTE_FACTOR, "direct quotation with its speaker"
        return QUOTE_FACTOR, "direct quotation"
    if _DEPENDENT_START.match(text):
        return 0.85, "leans on the previous sentence"
    return 1.0, ""


def rank(
    sentences: Sequence[Sentence], language: str, title: str | None = None
) -> list[Candidate]:
    """Score each sentence: quality x substance x (centrality, the title included + position)."""
    stems = [content_stems(s.text, language) for s in sentences]
    count = len(sentences)
    frequency: Counter[str] = Counter()
    for sentence_stems in stems:
        frequency.update(set(sentence_stems))
    idf = {term: math.log((count + 1) / df) + 1.0 for term, df in frequency.items()}
    vectors = [_weights(s, idf) for s in stems]
    title_stems = content_stems(title, language) if title else []
    title_vector = _weights(title_stems, idf)
    title_terms = set(title_stems)

    # Degree centrality with cosine weights: the sum of a sentence's similarities to all the
    # others equals its dot product with the sum of all unit vectors, less its own 1.0.
    # The title takes part as one more sentence (never a candidate): agreeing with the
    # publisher's own line on the news counts like agreeing with another sentence.
    total: dict[str, float] = {}
    for vector in (*vectors, title_vector):
        for term, value in vector.items():
            total[term] = total.get(term, 0.0) + value
    centrality = [max(_dot(v, total) - 1.0, 0.0) if v else 0.0 for v in vectors]
    # The floor keeps a short text whose sentences barely overlap from turning noise into
    # a full-strength centrality signal.
    top = max(max(centrality, default=0.0), CENTRALITY_FLOOR)

    candidates = []
    for sentence, sentence_stems, vector, central in zip(
        sentences, stems, vectors, centrality, strict=True
    ):
        quality, note = _defect(sentence.text, len(sentence_stems))
        position = POSITION_WEIGHT / (1 + sentence.index) ** POSITION_DECAY
        # Short sentences carry less of the news, whatever their overlap with the rest.
        substance = min(len(sentence_stems), FULL_SENTENCE_WORDS) / FULL_SENTENCE_WORDS
        score = quality * math.sqrt(substance) * (central / top + position)
        if title_terms and _repeats(sentence_stems, title_terms):
            score, note = 0.0, "repeats the title"
        candidates.append(Candidate(sentence, score, note, vector))
    return candidates


def _units(candidates: Sequence[Candidate]) -> list[list[int]]:
    """Group a bare quotation with the sentence after it, which names the speaker."""
    units: list[list[int]] = []
    index = 0
    while index < len(candidates):
        if is_quote_only(candidates[index].sentence.text):
            # A bare quotation at the very end has no speaker to go with, so it is no unit.
            if index + 1 < len(candidates):
                units.append([index, index + 1])
            index += 2
        else:
            units.append([index])
            index += 1
    return units


def select(
    candidates: Sequence[Candidate], sentences: int, max_chars: int = MAX_CHARS
) -> list[ScoredSentence]:
    """Pick the best whole sentences within the budget, a bare quote only with its speaker."""
    units = _units(candidates)
    units.sort(key=lambda unit: max(candidates[i].score for i in unit), reverse=True)

    chosen: list[int] = []
    used = 0
    for unit in units:
        if len(chosen) + len(unit) > sentences or max(candidates[i].score for i in unit) <= 0:
            continue
        length = sum(len(candidates[i].sentence.text) + 1 for i in unit)
        if used + length > max_chars + 1:
            continue
        if any(
            _dot(candidates[i].vector, candidates[j].vector) >= DUPLICATE_SIMILARITY
            for i in unit
            for j in chosen
        ):
            continue
        chosen.extend(unit)
        used += length
        if len(chosen) >= sentences:
            break
    if not chosen:
        # Every candidate is longer than the budget: one whole sentence beats a cut one.
        best = max(
            (
                i
                for i, c in enumerate(candidates)
                if c.score > 0 and not is_quote_only(c.sentence.text)
            ),
            key=lambda i: candidates[i].score,
            default=None,
        )
        if best is not None:
            chosen.append(best)
    picked = set(chosen)
    return [
        ScoredSentence(sentence=c.sentence, score=c.score, selected=i in picked, note=c.note)
        for i, c in enumerate(candidates)
    ]
