"""Reading a fetched feed: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand.

The poller calls `parse_feed` in a worker thread (`bot.workers.Workers`): feedparser is pure
Python and a large feed takes tens of milliseconds. It is only ever handed bytes we fetched, as
a stream: given a string it would fetch a URL or open a file of that name. Each item gets a key
that stays the same while the item lives (`item_key`), and `is_teaser` tells whether its text
is only the start of the article.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from bot.sources.encoding import decode

__all__ = ["Feed", "FeedItem", "NotAFeed", "is_teaser", "item_key", "parse_feed"]

# More items than any press centre publishes between two polls; the rest are older.
MAX_ITEMS = 300
MAX_TITLE = 1_000
MAX_CONTENT = 200_000
# A key longer than this is stored as its hash: some GUIDs are whole URLs with tracking junk.
MAX_KEY = 400
_XML_DECLARATION = re.compile(r"^\s{0,64}<\?xml[^>]{0,300}\?>")
_SPACE = re.compile(r"\s+")
_JSON_FEED_VERSION = "https://jsonfeed.org/version/"
# A teaser shorter than this is taken as a teaser whatever it ends with.
TEASER_CHARS = 500
_TEASER_END = re.compile(
    r"(?:\.\.\.|…|\[\s*(?:\.\.\.|…)\s*\]|\(\s*(?:\.\.\.|…)\s*\)|"
    r"(?:read more|continue reading|read the full (?:story|article|release)|"
    r"читать далее|читать полностью|подробнее)\s*(?:»|→|>>|\.{3}|…)?)\s*$",
    re.IGNORECASE,
)


class NotAFeed(ValueError):
    """The bytes are not a feed we can read; the message says what they are instead."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed, as the feed gives it."""

    key: str
    title: str
    link: str | None
    content: str
    published: datetime | None
    image: str | None


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed feed: its title, site, `<ttl>` in seconds, and items newest first as given."""

    title: str
    link: str | None
    ttl: float | None
    items: tuple[FeedItem, ...]


def item_key(guid: str | None, link: str | None, title: str, date: str | None) -> str:
    """The item's identity for de-duplication: GUID, else link, else a hash of title and date.

    An edited title keeps the key while the item has a GUID or a link, so it is not new.
    """
    for prefix, value in (("id", guid), ("link", link)):
        if value and value.strip():
            key = f"{prefix}:{value.strip()}"
            if len(key) > MAX_KEY:
                return f"{prefix}-sha256:{hashlib.sha256(key.encode()).hexdigest()}"
            return key
    material = f"{_SPACE.sub(' ', title).strip()}\n{(date or '').strip()}"
    return f"sha256:{hashlib.sha256(material.encode()).hexdigest()}"


def is_teaser(text: str) -> bool:
    """Whether a feed item's cleaned text is only a teaser: short, or cut with "..."."""
    stripped = text.strip()
    return len(stripped) < TEASER_CHARS or bool(_TEASER_END.search(stripped[-80:]))


def parse_feed(body: bytes, content_type: str, url: str) -> Feed:
    """Parse a fetched feed; raises `NotAFeed` for an HTML page, garbage or an empty answer."""
    text = decode(body, content_type)
    stripped = text.lstrip()
    if not stripped:
        raise NotAFeed("an empty answer")
    if stripped.startswith(("{", "[")) or "json" in content_type.lower():
        return _json_feed(stripped, url)
    # feedparser's own guess at the encoding would second-guess ours: give it UTF-8, said once.
    utf8 = ('<?xml version="1.0" encoding="utf-8"?>' + _XML_DECLARATION.sub("", text, 1)).encode()
    parsed = feedparser.parse(
        io.BytesIO(utf8),
        # No base address: feedparser would resolve a GUID like "b-1" against it, and the keys
        # would change (every item new again) when the feed moves. Links are resolved below.
        response_headers={"content-type": "application/xml; charset=utf-8"},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    if not parsed.version and not parsed.entries:
        if re.search(r"<html|<body|<!doctype html", stripped[:2000], re.IGNORECASE):
            raise NotAFeed("an HTML page, not a feed")
        if parsed.bozo:
            raise NotAFeed(f"broken XML: {_first_line(parsed.bozo_exception)}")
        raise NotAFeed("not a feed")
    info = parsed.feed
    items = []
    for entry in parsed.entries[:MAX_ITEMS]:
        item = _entry(entry, url)
        if item is not None:
            items.append(item)
    return Feed(
        title=_clip(str(info.get("title") or ""), MAX_TITLE),
        link=_http_link(info.get("link"), url),
        ttl=_ttl(info.get("ttl")),
        items=tuple(items),
    )


def _entry(entry: Any, base: str) -> FeedItem | None:
    title = _clip(str(entry.get("title") or ""), MAX_TITLE)
    link = _http_link(entry.get("link"), base)
    if not title and not link:
        return None
    contents = [str(part.get("value") or "") for part in entry.get("content") or []]
    contents.append(str(entry.get("summary") or ""))
    content = max(contents, key=len)
    date_text = entry.get("published") or entry.get("updated")
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    published = datetime.fromtimestamp(calendar.timegm(stamp), UTC) if stamp else None
    return FeedItem(
        key=item_key(entry.get("id"), link, title, date_text),
        title=title,
        link=link,
        content=content[:MAX_CONTENT],
        published=published,
        image=_entry_image(entry, base),
    )


def _entry_image(entry: Any, base: str) -> str | None:
    candidates: list[Any] = []
    for enclosure in entry.get("enclosures") or []:
        if str(enclosure.get("type") or "").startswith("image/"):
            candidates.append(enclosure.get("href"))
    for media in entry.get("media_content") or []:
        if str(media.get("medium") or "image") == "image":
            candidates.append(media.get("url"))
    candidates.extend(thumb.get("url") for thumb in entry.get("media_thumbnail") or [])
    for candidate in candidates:
        link = _http_link(candidate, base)
        if link:
            return link
    return None


def _json_feed(text: str, url: str) -> Feed:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise NotAFeed(f"broken JSON: {_first_line(error)}") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
        _JSON_FEED_VERSION
    ):
        raise NotAFeed("JSON, but not a JSON Feed")
    raw_items = data.get("items")
    items = []
    for raw in raw_items[:MAX_ITEMS] if isinstance(raw_items, list) else []:
        if not isinstance(raw, dict):
            continue
        title = _clip(_string(raw.get("title")), MAX_TITLE)
        link = _http_link(raw.get("url") or raw.get("external_url"), url)
        if not title and not link:
            continue
        content = (
            _string(raw.get("content_html"))
            or _string(raw.get("content_text"))
            or _string(raw.get("summary"))
        )
        date_text = _string(raw.get("date_published")) or _string(raw.get("date_modified"))
        raw_id = raw.get("id")
        guid = (
            str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else None
        )
        items.append(
            FeedItem(
                key=item_key(guid, link, title, date_text),
                title=title,
                link=link,
                content=content[:MAX_CONTENT],
                published=_iso_date(date_text),
                image=_http_link(raw.get("image") or raw.get("banner_image"), url),
            )
        )
    return Feed(
        title=_clip(_string(data.get("title")), MAX_TITLE),
        link=_http_link(data.get("home_page_url"), url),
        ttl=None,
        items=tuple(items),
    )


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""


def _clip(text: str, limit: int) -> str:
    return _SPACE.sub(" ", text[: limit * 2]).strip()[:limit]


def _http_link(value: object, base: str) -> str | None:
    """An absolute http(s) address from a feed's link field, or None."""
    if not isinstance(value, str) or not value.strip() or len(value) > 4_000:
        return None
    try:
        absolute = urljoin(base, value.strip())
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return absolute


def _ttl(value: object) -> float | None:
    """RSS `<ttl>` is in minutes."""
    try:
        minutes = float(str(value).strip())
    except ValueError:
        return None
    return minutes * 60 if 0 < minutes < 100_000 else None


def _iso_date(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _first_line(error: object) -> str:
    return str(error).splitlines()[0][:120] if str(error) else type(error).__name__
