"""Reading a fetched web page: the feeds it names, and the article it carries.

The poller runs both in a worker thread (`bot.workers.Workers`): lxml and trafilatura take
milliseconds to tens of milliseconds a page. Nothing here fetches: lxml's parser is built with
`no_network`, trafilatura gets the parsed tree, and every address found is only returned,
resolved against the page's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html

from bot.sources.encoding import decode
from bot.summarize import clean
from bot.summarize.markup import main_text

__all__ = ["Article", "canonical_form", "discover_feeds", "extract_article", "page_title"]

# Feed types a page may name in `<link rel="alternate">`, in the order we prefer them.
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/rdf+xml",
)
# The article body is in the first megabyte of any page worth reading; the rest is chrome.
MAX_PAGE_CHARS = 2_000_000
MAX_TITLE = 1_000
# Separators between a page title and the site's name: "Plant opens | Volga Motors".
_TITLE_SEPARATORS = (" | ", " — ", " – ", " - ", " :: ", " · ", " « ", " » ", " / ")
_TRACKING = re.compile(r"^(?:utm_[a-z]+|fbclid|gclid|yclid|_openstat|mc_cid|mc_eid)$")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Article:
    """What a news page gives for a release."""

    title: str
    text: str
    image: str | None
    canonical_link: str
    site_name: str | None


def _tree(body: bytes, content_type: str) -> lxml.html.HtmlElement:
    text = decode(body, content_type)[:MAX_PAGE_CHARS]
    parser = lxml.html.HTMLParser(
        encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True
    )
    # Encoded again so lxml takes the text as it is, whatever encoding a meta tag declares.
    return lxml.html.document_fromstring(text.encode("utf-8") or b"<html/>", parser=parser)


def discover_feeds(body: bytes, content_type: str, url: str) -> list[str]:
    """Feed addresses a page names in `<link rel="alternate" type=...>`, preferred first."""
    tree = _tree(body, content_type)
    base = _base(tree, url)
    found: list[tuple[int, str]] = []
    for link in tree.iter("link"):
        rel = str(link.get("rel") or "").lower().split()
        kind = str(link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" not in rel or kind not in FEED_TYPES:
            continue
        address = _absolute(link.get("href"), base)
        if address:
            found.append((FEED_TYPES.index(kind), address))
    found.sort(key=lambda pair: pair[0])
    return list(dict.fromkeys(address for _, address in found))


def extract_article(body: bytes, content_type: str, url: str) -> Article:
    """Title, cleaned text, lead image and canonical link of the news page at `url`."""
    tree = _tree(body, content_type)
    base = _base(tree, url)
    site_name = _meta(tree, "og:site_name")
    title = (
        _meta(tree, "og:title")
        or _first_text(tree, "h1")
        or page_title(_first_text(tree, "title"), site_name)
    )
    image = _absolute(_meta(tree, "og:image") or _meta(tree, "twitter:image"), base)
    canonical = None
    for link in tree.iter("link"):
        if "canonical" in str(link.get("rel") or "").lower().split():
            canonical = _absolute(link.get("href"), base)
            break
    canonical = canonical or _absolute(_meta(tree, "og:url"), base) or url
    title = _SPACE.sub(" ", title).strip()[:MAX_TITLE]
    text = clean(main_text(tree, url))
    first, _, rest = text.partition("\n")
    if title and first.strip().casefold() == title.casefold():
        # trafilatura keeps the <h1>; the release carries the title apart.
        text = rest.strip()
    return Article(
        title=title,
        text=text,
        image=image,
        canonical_link=canonical_form(canonical),
        site_name=site_name,
    )


def page_title(title: str, site_name: str | None = None) -> str:
    """A `<title>` without the site's name after it: "Plant opens | Volga Motors" -> first part."""
    title = _SPACE.sub(" ", title).strip()
    for separator in _TITLE_SEPARATORS:
        if separator not in title:
            continue
        head, tail = title.rsplit(separator, 1)
        named = site_name and tail.strip().casefold() == site_name.strip().casefold()
        if named or len(tail) < len(head):
            return head.strip()
    return title


def canonical_form(url: str) -> str:
    """The address as compared for de-duplication: lower-case scheme and host, no default
    port, no fragment, no tracking parameters (utm_*, fbclid ...)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING.match(k)
        ]
    )
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def _base(tree: lxml.html.HtmlElement, url: str) -> str:
    for base in tree.iter("base"):
        href = _absolute(base.get("href"), url)
        if href:
            return href
    return url


def _meta(tree: lxml.html.HtmlElement, name: str) -> str | None:
    for meta in tree.iter("meta"):
        if name in (meta.get("property"), meta.get("name")):
            content = _SPACE.sub(" ", str(meta.get("content") or "")).strip()
            if content:
                return content
    return None


def _first_text(tree: lxml.html.HtmlElement, tag: str) -> str:
    for element in tree.iter(tag):
        text = _SPACE.sub(" ", element.text_content()).strip()
        if text:
            return text
    return ""


def _absolute(href: object, base: str) -> str | None:
    if not isinstance(href, str) or not href.strip() or len(href) > 4_000:
        return None
    try:
        address = urljoin(base, href.strip())
        parts = urlsplit(address)
    except ValueError:
        return None
    return address if parts.scheme in ("http", "https") and parts.hostname else None
