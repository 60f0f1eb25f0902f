"""Which text encoding a fetched feed or page uses, and its text.

Russian sites still serve windows-1251 and koi8-r, named in the HTTP header, in the XML
declaration or in a `<meta>` tag, and sometimes nowhere at all. Order, as browsers do it: a byte
order mark, the `Content-Type` header, the XML declaration, `<meta charset>` or
`<meta http-equiv="Content-Type">` in the first 4 KB; otherwise UTF-8 if the bytes are valid
UTF-8, else windows-1251 when the bytes read as Cyrillic that way, else windows-1252.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["decode", "detect_encoding"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE)
_XML_DECLARATION = re.compile(
    rb"""^\s{0,64}<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
)
# `<meta charset="koi8-r">` and `<meta http-equiv="Content-Type" content="...; charset=...">`.
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]{0,400}?charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE
)
_SNIFF_BYTES = 4096
# Names sites use that Python's codecs do not know, and Latin-1 read as browsers read it.
_ALIASES = {
    "x-cp1251": "windows-1251",
    "win-1251": "windows-1251",
    "win1251": "windows-1251",
    "windows1251": "windows-1251",
    "x-koi8-r": "koi8-r",
    "iso-8859-1": "windows-1252",
    "latin-1": "windows-1252",
    "latin1": "windows-1252",
    "us-ascii": "windows-1252",
    "ascii": "windows-1252",
}


def _known(name: str) -> str | None:
    name = name.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        codec = codecs.lookup(name)
    except LookupError:
        return None
    # A page that claims UTF-16 without a byte order mark is almost always really ASCII-based
    # (the claim was copied from somewhere); decoding it as UTF-16 would give noise.
    if codec.name.startswith("utf-16") or codec.name.startswith("utf-32"):
        return None
    return codec.name


def detect_encoding(body: bytes, content_type: str | None = None) -> str:
    """The Python codec name to decode `body` with."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    if content_type:
        match = _HEADER_CHARSET.search(content_type[:200])
        if match and (known := _known(match.group(1))):
            return known
    head = body[:_SNIFF_BYTES]
    for pattern in (_XML_DECLARATION, _META_CHARSET):
        found = pattern.search(head)
        if found and (known := _known(found.group(1).decode("ascii"))):
            return known
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1251" if _reads_as_cyrillic(body) else "cp1252"
    return "utf-8"


def _reads_as_cyrillic(body: bytes) -> bool:
    """Whether the bytes above ASCII look like Russian words in windows-1251: nearly all of them
    letters (0xC0-0xFF, Ё, ё), and most next to another such byte, since Russian words are
    made of them (accents in Latin text stand alone between ASCII letters)."""
    sample = body[:65536]
    high = 0
    letters = 0
    in_runs = 0
    for index, byte in enumerate(sample):
        if byte < 0x80:
            continue
        high += 1
        if byte >= 0xC0 or byte in (0xA8, 0xB8):
            letters += 1
        before = sample[index - 1] if index else 0
        after = sample[index + 1] if index + 1 < len(sample) else 0
        if before >= 0x80 or after >= 0x80:
            in_runs += 1
    return high > 0 and letters >= 0.8 * high and in_runs >= 0.6 * high


def decode(body: bytes, content_type: str | None = None) -> str:
    """`body` as text, a byte order mark removed, undecodable bytes replaced."""
    encoding = detect_encoding(body, content_type)
    text = body.decode(encoding, errors="replace")
    return text.removeprefix("\ufeff")
