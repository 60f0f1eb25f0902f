"""Unicode normalisation before any line rule: every kind of whitespace becomes a plain space or
a newline, and invisible marks that split words or flip their display are removed."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r" {2,}")

# Whitespace as Python's str.isspace() and Unicode's space separators (Zs) see it. What
# str.splitlines() breaks a line at (vertical tab and form feed from word processors, the
# C1 "next line", the Unicode line and paragraph separators) becomes a newline; every other
# kind (tabs, no-break, ogham, typographic and ideographic spaces) becomes a plain space.
LINE_BREAKS = "\v\f\r\x1c\x1d\x1e\x85\u2028\u2029"
ODD_SPACES = "\t\x1f\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
# Invisible marks that only split words or flip their display: soft hyphen, zero-width
# space and joiners, direction marks, embeddings, overrides and isolates, the word joiner
# and invisible operators, the byte-order mark.
INVISIBLE = (
    "\xad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
_PLAIN = str.maketrans(
    {
        **dict.fromkeys(LINE_BREAKS, "\n"),
        **dict.fromkeys(ODD_SPACES, " "),
        **dict.fromkeys(INVISIBLE),
    }
)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").translate(_PLAIN)
    return "\n".join(squeeze(line) for line in text.split("\n"))


def plain_line(text: str) -> str:
    """One line of text (a title) with every break and odd space a plain space, marks gone."""
    return squeeze(" ".join(normalise(text).split("\n")))


def squeeze(line: str) -> str:
    return (_SPACES.sub(" ", line) if "  " in line else line).strip()
