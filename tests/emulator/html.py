"""Telegram's HTML parse mode, reproduced from tdlib's ``parse_html`` for the Bot API emulator.

``parse_html`` turns the ``text``/``caption`` a bot sends with ``parse_mode=HTML`` into what a
person sees (plain text) plus the message entities Telegram would store, and raises
``HtmlParseError`` with Telegram's own wording ("Unsupported start tag "p" at byte offset 0",
"Unmatched end tag at byte offset ...", "Can't find end tag corresponding to start tag "b"", ...)
for markup Telegram rejects. Offsets in errors are UTF-8 byte offsets into the source, entity
offsets and lengths are UTF-16 code units, as on the real server.

One deliberate difference: Telegram shows an unsupported character entity such as ``&nbsp;`` or
a bare ``&`` literally. With ``strict_entities=True`` (the emulator's default) both are rejected:
a reader would see the raw ``&nbsp;``, and a bare ``&`` means user text skipped HTML escaping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "code",
        "pre",
        "blockquote",
        "tg-spoiler",
        "span",
        "tg-emoji",
    }
)
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
# tdlib's is_space(); NUL doubles as the end of the C string it scans.
_SPACES = frozenset(" \t\r\n\0\v")
_ALPHA = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_HEX = frozenset("0123456789abcdefABCDEF")
_NAME_TOKEN = _ALPHA | _DIGITS | {".", "-"}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL = re.compile(r"[<&]")
_TRIM = " \t\r\n\v\f"
_URL_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://(.*)$", re.DOTALL)
_LINK_SCHEMES = frozenset({"http", "https", "ftp", "tg", "ton", "tonsite"})
# "mailto:x" or "javascript:x" are not links, while "example.com:8080" is.
_OTHER_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d)")
_USER_LINK = re.compile(r"^tg://user\?id=(\d+)$")


class HtmlParseError(ValueError):
    """Markup Telegram refuses; ``str(error)`` is the text after "can't parse entities: "."""


@dataclass(frozen=True, slots=True)
class ParsedText:
    """What a person sees: the plain text and its entities in Bot API form."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram's lengths and offsets."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8", "surrogatepass"))


def _decode_entity(s: str, pos: int) -> tuple[str, int] | None:
    """Decode a character entity at ``s[pos] == "&"`` exactly as tdlib's decode_html_entity."""
    end = pos + 1
    if s[end] == "#":
        end += 1
        code = 0
        if s[end] == "x":
            end += 1
            while s[end] in _HEX:
                code = code * 16 + int(s[end], 16)
                end += 1
        else:
            while s[end] in _DIGITS:
                code = code * 10 + int(s[end])
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while s[end] in _ALPHA:
            end += 1
        named = _NAMED.get(s[pos + 1 : end])
        if named is None:
            return None
        char = named
    if s[end] == ";":
        end += 1
    return char, end


def check_url(url: str) -> str | None:
    """Normalise a link the way Telegram does, or ``None`` when Telegram would drop the link."""
    url = url.strip()
    match = _URL_SCHEME.match(url)
    if match is not None:
        scheme, rest = match.group(1).lower(), match.group(2)
    elif _OTHER_SCHEME.match(url):
        return None
    else:
        scheme, rest = "http", url
    if scheme not in _LINK_SCHEMES or not rest or any(c.isspace() for c in rest):
        return None
    if scheme in {"tg", "ton", "tonsite"}:
        return f"{scheme}://{rest}"
    cut = next((k for k, char in enumerate(rest) if char in "/?#"), len(rest))
    host, tail = rest[:cut], rest[cut:]
    if not host or (match is None and "." not in host):
        return None
    if not tail.startswith("/"):
        tail = "/" + tail
    return f"{scheme}://{host.lower()}{tail}"


@dataclass(slots=True)
class _Open:
    tag: str
    argument: str
    utf16_offset: int
    text_index: int


class _Parser:
    def __init__(self, source: str, strict_entities: bool) -> None:
        self.source = source
        self.s = source + "\0"
        self.n = len(source)
        self.strict = strict_entities
        self.out: list[str] = []
        self.out_len = 0
        self.u16 = 0
        self.entities: list[dict[str, Any]] = []
        self.stack: list[_Open] = []

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.out_len += len(chunk)
        self.u16 += utf16_len(chunk)

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        s, n, pos = self.s, self.n, 0
        while pos < n:
            match = _SPECIAL.search(s, pos, n)
            if match is None:
                self.emit(s[pos:n])
                break
            i = match.start()
            if i > pos:
                self.emit(s[pos:i])
            if s[i] == "&":
                pos = self.entity(i)
            elif s[i + 1] == "/":
                pos = self.end_tag(i)
            else:
                pos = self.start_tag(i)
        if self.stack:
            tag = self.stack[-1].tag
            raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{tag}"')
        return "".join(self.out), self.entities

    def entity(self, i: int) -> int:
        decoded = _decode_entity(self.s, i)
        if decoded is not None:
            self.emit(decoded[0])
            return decoded[1]
        if self.strict:
            offset = _byte_offset(self.source, i)
            end = i + 1
            while self.s[end] in _ALPHA:
                end += 1
            if end > i + 1:
                name = self.s[i : end + 1 if self.s[end] == ";" else end]
                raise HtmlParseError(f'Unsupported HTML entity "{name}" at byte offset {offset}')
            raise HtmlParseError(f"Character entity expected at byte offset {offset}")
        self.emit("&")
        return i + 1

    def skip_spaces(self, i: int) -> int:
        s = self.s
        while s[i] != "\0" and s[i] in _SPACES:
            i += 1
        return i

    def start_tag(self, begin: int) -> int:
        s = self.s
        i = begin + 1
        while s[i] not in _SPACES and s[i] != ">":
            i += 1
        offset = _byte_offset(self.source, begin)
        if s[i] == "\0":
            raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
        tag = s[begin + 1 : i].lower()
        if tag not in ALLOWED_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {offset}')
        argument = ""
        while s[i] != ">":
            i = self.skip_spaces(i)
            if s[i] == ">":
                break
            name_begin = i
            while s[i] not in _SPACES and s[i] not in "=>":
                i += 1
            name = s[name_begin:i]
            if not name:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {offset}'
                )
            i = self.skip_spaces(i)
            if s[i] != "=":
                if tag == "blockquote" and name == "expandable":
                    argument = "1"
                    continue
                raise HtmlParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {offset}'
                )
            i = self.skip_spaces(i + 1)
            if s[i] == "\0":
                raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {offset}')
            value, i = self.attribute_value(i)
            if s[i] == "\0":
                raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
            if tag == "a" and name == "href":
                argument = value
            elif tag == "code" and name == "class" and value.startswith("language-"):
                argument = value[len("language-") :]
            elif tag == "span" and name == "class" and value.startswith("tg-"):
                argument = value[len("tg-") :]
            elif tag == "tg-emoji" and name == "emoji-id":
                argument = value
            elif tag == "blockquote" and name == "expandable":
                argument = "1"
        if tag == "span" and argument != "spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {offset}'
            )
        self.stack.append(_Open(tag, argument, self.u16, self.out_len))
        return i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        s = self.s
        if s[i] not in "'\"":
            # An unquoted value is an HTML name token: letters, digits, periods and hyphens.
            token_begin = i
            while s[i] in _NAME_TOKEN:
                i += 1
            if s[i] not in _SPACES and s[i] != ">":
                offset = _byte_offset(self.source, token_begin)
                raise HtmlParseError(f"Unexpected end of name token at byte offset {offset}")
            return s[token_begin:i].lower(), i
        quote = s[i]
        i += 1
        chars: list[str] = []
        while s[i] != quote and s[i] != "\0":
            if s[i] == "&":
                decoded = _decode_entity(s, i)
                if decoded is not None:
                    chars.append(decoded[0])
                    i = decoded[1]
                    continue
            chars.append(s[i])
            i += 1
        if s[i] == quote:
            i += 1
        return "".join(chars), i

    def end_tag(self, begin: int) -> int:
        s = self.s
        offset = _byte_offset(self.source, begin)
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {offset}")
        i = begin + 2
        while s[i] not in _SPACES and s[i] != ">":
            i += 1
        end_name = s[begin + 2 : i].lower()
        while s[i] != "\0" and s[i] in _SPACES:
            i += 1
        if s[i] != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {offset}")
        opened = self.stack.pop()
        if end_name and end_name != opened.tag:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {offset}, expected "</{opened.tag}>", '
                f'found "</{end_name}>"'
            )
        if self.u16 > opened.utf16_offset:
            self.close_entity(opened)
        return i + 1

    def close_entity(self, opened: _Open) -> None:
        start, length = opened.utf16_offset, self.u16 - opened.utf16_offset
        previous = self.entities[-1] if self.entities else None
        if previous is not None and (previous["offset"], previous["length"]) != (start, length):
            previous = None
        extra: dict[str, Any] = {}
        tag = opened.tag
        if tag in _SIMPLE_TAGS:
            kind = _SIMPLE_TAGS[tag]
        elif tag == "blockquote":
            kind = "expandable_blockquote" if opened.argument else "blockquote"
        elif tag == "a":
            url = opened.argument or "".join(self.out)[opened.text_index :]
            user = _USER_LINK.match(url.strip())
            if user is not None:
                kind = "text_mention"
                extra["user"] = {"id": int(user.group(1)), "is_bot": False, "first_name": ""}
            else:
                checked = check_url(url)
                if checked is None:
                    return
                kind = "text_link"
                extra["url"] = checked
        elif tag == "tg-emoji":
            if not opened.argument.isdigit() or int(opened.argument) == 0:
                raise HtmlParseError("Invalid custom emoji identifier specified")
            kind = "custom_emoji"
            extra["custom_emoji_id"] = opened.argument
        elif tag == "pre":
            if previous is not None and previous["type"] == "code":
                # <pre><code class="language-x">...</code></pre> is one pre entity with a language.
                language = previous.pop("_language", "")
                previous["type"] = "pre"
                if language:
                    previous["language"] = language
                return
            kind = "pre"
        else:
            if previous is not None and previous["type"] == "pre":
                if opened.argument and "language" not in previous:
                    previous["language"] = opened.argument
                return
            kind = "code"
            if opened.argument:
                extra["_language"] = opened.argument
        self.entities.append({"type": kind, "offset": start, "length": length, **extra})


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Drop leading and trailing whitespace as Telegram does, clipping entities to what is left."""
    stripped = text.strip(_TRIM)
    if stripped == text:
        return text, entities
    if not stripped:
        return "", []
    head = utf16_len(text[: len(text) - len(text.lstrip(_TRIM))])
    size = utf16_len(stripped)
    clipped: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"] - head, 0)
        end = min(entity["offset"] + entity["length"] - head, size)
        if end > start:
            clipped.append({**entity, "offset": start, "length": end - start})
    return stripped, clipped


def parse_html(source: str, *, strict_entities: bool = True) -> ParsedText:
    """Parse Telegram HTML into plain text and entities, or raise ``HtmlParseError``."""
    text, entities = _Parser(source, strict_entities).run()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # &#xD800; and friends decode to lone surrogates, which tdlib refuses after parsing.
        raise HtmlParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, check for "
            "unmatched surrogate code units"
        ) from None
    for entity in entities:
        entity.pop("_language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    text, entities = _trim(text, entities)
    return ParsedText(text, entities)


def plain_text(source: str, entities: list[dict[str, Any]] | None = None) -> ParsedText:
    """Text sent without ``parse_mode``: kept as is apart from Telegram's whitespace trim."""
    text, kept = _trim(source, [dict(e) for e in entities or []])
    return ParsedText(text, kept)
