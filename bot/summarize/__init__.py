"""Extractive summaries of press releases in Russian and English.

`summarize` is the one entry point used by delivery, digests and the benchmark: it cleans the
text (HTML included), detects the language, splits sentences and returns the two or three
sentences that carry the news, in their original order and within about 600 characters.
"""

from __future__ import annotations

import itertools
import re

from bot.summarize.cleaning import clean, plain_line
from bot.summarize.ranking import MAX_CHARS, ScoredSentence, rank, select
from bot.summarize.sentences import detect_language, split_sentences

# About 8,000 words: longer than any press release, short enough to stay well under 0.1 s.
MAX_TEXT_CHARS = 50_000
# Splitting and scoring cost tens of microseconds a sentence; a release has a few dozen.
MAX_SENTENCES = 400
_SENTENCE_END = re.compile(r"[.!?…]\s|\n")

__all__ = ["MAX_CHARS", "ScoredSentence", "clean", "detect_language", "explain", "summarize"]


def explain(
    text: str, *, language: str | None = None, sentences: int = 3, title: str | None = None
) -> tuple[str, list[ScoredSentence]]:
    """Return the language used and every sentence of the cleaned text with its score."""
    cleaned = clean(text)
    # A title pasted from a page carries the same odd spaces and invisible marks as the text.
    title = plain_line(title) if title else None
    if not cleaned:
        return language if language in ("ru", "en") else "en", []
    if len(cleaned) > MAX_TEXT_CHARS:
        # News is front-loaded; past this point a paste costs time and adds nothing.
        head = cleaned[:MAX_TEXT_CHARS]
        cut = max(head.rfind("\n"), head.rfind(". "))
        cleaned = head[: cut + 1] if cut > 0 else head
    last_end = next(itertools.islice(_SENTENCE_END.finditer(cleaned), MAX_SENTENCES, None), None)
    if last_end:
        # News is front-loaded: sentences this far down never make the summary.
        cleaned = cleaned[: last_end.start() + 1]
    lang = language if language in ("ru", "en") else detect_language(cleaned)
    split = split_sentences(cleaned, lang)
    if not split:
        return lang, []
    return lang, select(rank(split, lang, title), max(1, sentences))


def summarize(
    text: str, *, language: str | None = None, sentences: int = 3, title: str | None = None
) -> str:
    """Return the sentences that carry the news, in original order, or "" for no text."""
    _, scored = explain(text, language=language, sentences=sentences, title=title)
    return " ".join(s.sentence.text for s in scored if s.selected)
