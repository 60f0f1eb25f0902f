"""Press releases sent as a web page's HTML: the page's main text, as plain text.

The markup comes from outside: every pattern here runs in linear time (possessive quantifiers,
no nesting), and script and style elements are skipped in one pass.
"""

from __future__ import annotations

import html
import re

# Element names that show the input is markup rather than text that mentions a "<".
_HTML_TAG = re.compile(
    r"<\s*+/?+\s*+(?:html|head|body|article|main|section|div|p|br|span|a|h[1-6]|ul|ol|li|"
    r"strong|b|em|i|figure|figcaption|img|table|header|footer|nav|blockquote)\b[^<>]*+>",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"<[^<>]++>")
_BLOCK_TAG = re.compile(
    r"<\s*+/?+\s*+(?:p|div|br|h[1-6]|li|tr|blockquote|section|article)\b[^<>]*+>", re.IGNORECASE
)
_SCRIPT_OPEN = re.compile(r"<\s*+(script|style|noscript)\b", re.IGNORECASE)
_SCRIPT_CLOSE = {
    name: re.compile(rf"<\s*+/\s*+{name}\s*+>", re.IGNORECASE)
    for name in ("script", "style", "noscript")
}


def is_html(text: str) -> bool:
    """Whether the input looks like markup rather than plain text."""
    return len(_HTML_TAG.findall(text[:20000])) >= 2


def main_text(document: object, url: str | None = None) -> str:
    """The main text of a page (its markup, or a parsed lxml tree), favouring precision over
    recall: menus, share bars, comments and footers left out; "" when none is found."""
    # trafilatura pulls in lxml and friends (~0.3 s), so it loads only when HTML arrives.
    import trafilatura

    extracted = trafilatura.extract(
        document,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
        # trafilatura's deduplication remembers segments across calls in a process-wide
        # cache: the same page cleaned a third time, or a site's repeated boilerplate, would
        # lose paragraphs.
        deduplicate=False,
    )
    return str(extracted or "").strip()


def html_to_text(markup: str) -> str:
    """The main text of a page given as markup; a fragment's text with the tags stripped."""
    text = main_text(markup)
    if text:
        return text
    # A bare fragment (a few <p> from a CMS field) can be too small for trafilatura's
    # heuristics; strip the tags so the text is not lost.
    text = _BLOCK_TAG.sub("\n", _drop_scripts(markup))
    return html.unescape(_ANY_TAG.sub("", text))


def _drop_scripts(markup: str) -> str:
    """Remove script and style elements; one left open runs to the end, as in a browser."""
    pieces: list[str] = []
    done = 0
    while opening := _SCRIPT_OPEN.search(markup, done):
        pieces.append(markup[done : opening.start()])
        # Each element is scanned once, from its start tag to its end tag.
        end = _SCRIPT_CLOSE[opening.group(1).lower()].search(markup, opening.end())
        if end is None:
            return "".join(pieces)
        pieces.append(" ")
        done = end.end()
    pieces.append(markup[done:])
    return "".join(pieces)
