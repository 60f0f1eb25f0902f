"""Feeds, item keys, teasers, feed discovery and article extraction, on the local site's bytes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.sources.feeds import NotAFeed, is_teaser, item_key, parse_feed
from bot.sources.fetch import FetchConfig, Fetcher, FetchResult
from bot.sources.pages import canonical_form, discover_feeds, extract_article, page_title
from tests.site import Site, serve


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    async with serve() as running:
        yield running


async def _get(site: Site, path: str) -> FetchResult:
    async with Fetcher(FetchConfig(timeout=5.0, allow_private=True)) as fetcher:
        result = await fetcher.fetch(site.url(path))
    assert result.ok, result.error
    return result


async def test_rss_in_windows_1251(site: Site) -> None:
    result = await _get(site, "/rss-1251.xml")
    feed = parse_feed(result.body, result.content_type, result.final_url)
    assert feed.title == "Новости «Волга Моторс»"
    assert [item.title for item in feed.items] == [
        "Завод «Волга Моторс» открыт в Казани",
        "Новый дилер в Самаре",
    ]
    first = feed.items[0]
    assert first.key == "id:ru-1"
    assert first.link == site.url("/articles/ru-1")
    assert first.published == datetime(2025, 3, 12, 9, 0, tzinfo=UTC)
    assert "40 000 электрических фургонов" in first.content


async def test_rss_1_0(site: Site) -> None:
    result = await _get(site, "/rss1.rdf")
    feed = parse_feed(result.body, result.content_type, result.final_url)
    assert feed.title == "RDF News"
    assert [(item.title, item.link) for item in feed.items] == [
        ("RDF item one", site.url("/articles/rdf-1")),
        ("RDF item two", site.url("/articles/rdf-2")),
    ]
    assert feed.items[0].published == datetime(2025, 3, 12, 9, 0, tzinfo=UTC)


async def test_atom_resolves_relative_links(site: Site) -> None:
    result = await _get(site, "/atom.xml")
    feed = parse_feed(result.body, result.content_type, result.final_url)
    assert (feed.title, feed.link) == ("Atom News", site.url("/"))
    one, two = feed.items
    assert (one.key, one.link) == ("id:urn:atom:1", site.url("/articles/atom-1"))
    assert "Kazan plant" in one.content and two.content == "Short."


async def test_json_feed(site: Site) -> None:
    result = await _get(site, "/feed.json")
    feed = parse_feed(result.body, result.content_type, result.final_url)
    assert feed.title == "JSON News"
    one, two, three = feed.items
    assert (one.key, one.image) == ("id:j-1", site.url("/images/json-1.jpg"))
    assert one.published == datetime(2025, 3, 12, 9, 0, tzinfo=UTC)
    assert (two.key, two.title, two.link) == ("id:2", "", site.url("/articles/json-2"))
    assert three.key.startswith("sha256:") and three.link is None


async def test_broken_xml_keeps_what_can_be_read(site: Site) -> None:
    result = await _get(site, "/broken.xml")
    feed = parse_feed(result.body, result.content_type, result.final_url)
    assert feed.items[0].key == "id:b-1"


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"", "application/rss+xml", "an empty answer"),
        (b"<!DOCTYPE html><html><body>Hi</body></html>", "application/rss+xml", "an HTML page"),
        (b"\x00\x01garbage<<<", "application/xml", "broken XML"),
        (b"{not json", "application/json", "broken JSON"),
        (b'{"version": "1"}', "application/json", "JSON, but not a JSON Feed"),
        (b"[" * 100_000, "application/json", "broken JSON"),
    ],
)
def test_what_is_not_a_feed_says_what_it_is(body: bytes, content_type: str, message: str) -> None:
    with pytest.raises(NotAFeed, match=message):
        parse_feed(body, content_type, "https://example.org/feed")


async def test_html_served_as_a_feed(site: Site) -> None:
    result = await _get(site, "/html-as-feed.xml")
    with pytest.raises(NotAFeed, match="an HTML page, not a feed"):
        parse_feed(result.body, result.content_type, result.final_url)


def test_a_feed_never_makes_feedparser_open_a_file(tmp_path: object) -> None:
    """Given bytes, feedparser would first try them as a file name."""
    with pytest.raises(NotAFeed):
        parse_feed(b"/etc/hostname", "application/xml", "https://example.org/feed")


def test_ttl_is_read_in_seconds() -> None:
    body = b"<rss version='2.0'><channel><title>T</title><ttl>90</ttl></channel></rss>"
    assert parse_feed(body, "application/rss+xml", "https://example.org/").ttl == 5400


@pytest.mark.parametrize(
    ("guid", "link", "title", "date", "key"),
    [
        ("urn:1", "https://e.org/1", "Title", "d", "id:urn:1"),
        ("  urn:1 ", None, "Edited title", None, "id:urn:1"),
        (None, "https://e.org/1", "Title", "d", "link:https://e.org/1"),
        ("", "https://e.org/1", "Edited title", "d2", "link:https://e.org/1"),
        (
            None,
            None,
            "Title",
            "Wed, 12 Mar 2025",
            "sha256:8b0b6e9b45f5a5bbaf4dbe9e18ae63a64fd5ab0cd5bbb4f5d9a1a8b1a6a3fb1a",
        ),
    ],
)
def test_item_key(
    guid: str | None, link: str | None, title: str, date: str | None, key: str
) -> None:
    if key.startswith("sha256:"):
        assert item_key(guid, link, title, date).startswith("sha256:")
        assert item_key(guid, link, f"  {title} ", date) == item_key(guid, link, title, date)
        assert item_key(guid, link, "Other", date) != item_key(guid, link, title, date)
    else:
        assert item_key(guid, link, title, date) == key


def test_a_long_guid_is_hashed() -> None:
    key = item_key("https://e.org/?" + "x" * 1000, None, "", None)
    assert key.startswith("id-sha256:") and len(key) < 100


@pytest.mark.parametrize(
    ("text", "teaser"),
    [
        ("A short teaser.", True),
        ("Long. " * 200, False),
        ("Long. " * 200 + "The plant opened and...", True),
        ("Long. " * 200 + "Завод открылся…", True),
        ("Long. " * 200 + "Read more »", True),
        ("Long. " * 200 + "Читать далее", True),
        ("Long. " * 200 + "[…]", True),
        ("Long. " * 200 + "And there is more to come.", False),
    ],
)
def test_is_teaser(text: str, teaser: bool) -> None:
    assert is_teaser(text) is teaser


async def test_a_news_page_names_its_feeds(site: Site) -> None:
    result = await _get(site, "/news")
    assert discover_feeds(result.body, result.content_type, result.final_url) == [
        site.url("/rss-1251.xml"),
        site.url("/atom.xml"),
    ]
    assert discover_feeds(b"<html><p>no feeds</p></html>", "text/html", site.url("/")) == []
    assert discover_feeds(b"", "text/html", site.url("/")) == []


async def test_an_article_without_its_site_chrome(site: Site) -> None:
    result = await _get(site, "/articles/kazan-plant")
    article = extract_article(result.body, result.content_type, result.final_url)
    assert article.title == "Volga Motors opens a plant in Kazan"
    assert article.image == site.url("/images/kazan-plant.jpg")
    assert article.canonical_link == site.url("/articles/kazan-plant")
    assert article.site_name == "Volga Motors Press Centre"
    assert article.text.startswith("The Kazan plant of Volga Motors opened on Monday")
    assert "second line in 2027" in article.text
    for chrome in (
        "About us",
        "Facebook",
        "Total: 12",
        "Related",
        "quarterly results",
        "All rights reserved",
        "dataLayer",
        "trackPageView",
        "Subscribe",
    ):
        assert chrome not in article.text


async def test_an_article_in_koi8_r_named_only_by_its_meta_tag(site: Site) -> None:
    result = await _get(site, "/articles/koi8")
    article = extract_article(result.body, result.content_type, result.final_url)
    assert article.title == "Завод открыт"
    assert "сорок тысяч фургонов" in article.text


@pytest.mark.parametrize(
    ("html", "title"),
    [
        (
            "<title>Plant opens | Volga Motors</title><h1>Plant opens today</h1>",
            "Plant opens today",
        ),
        ("<title>Plant opens in Kazan | Volga</title>", "Plant opens in Kazan"),
        ("<title>Завод «Волга Моторс» открыт — Новости</title>", "Завод «Волга Моторс» открыт"),
        (
            '<meta property="og:site_name" content="VM"><title>A long title - VM</title>',
            "A long title",
        ),
        ('<meta property="og:title" content="From og"><h1>H1</h1><title>T</title>', "From og"),
        ("<title>No suffix here</title>", "No suffix here"),
    ],
)
def test_title_rules(html: str, title: str) -> None:
    page = f"<html><head></head><body>{html}</body></html>".encode()
    assert extract_article(page, "text/html", "https://e.org/a").title == title


def test_page_title_keeps_a_title_whose_last_part_is_the_long_one() -> None:
    assert page_title("VM | Volga Motors opens its new plant in Kazan today") == (
        "VM | Volga Motors opens its new plant in Kazan today"
    )
    assert page_title("Plant opens | Volga Motors", "volga motors") == "Plant opens"


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://Example.ORG/News/1", "https://example.org/News/1"),
        ("https://example.org:443/a?utm_source=rss&id=5#top", "https://example.org/a?id=5"),
        ("http://example.org:8080/a?fbclid=x", "http://example.org:8080/a"),
        ("https://example.org", "https://example.org/"),
    ],
)
def test_canonical_form(url: str, canonical: str) -> None:
    assert canonical_form(url) == canonical


def test_nothing_in_a_page_is_fetched(site: Site) -> None:
    """External entities, images, stylesheets: parsing touches no network."""
    page = (
        b'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "'
        + site.url("/entity").encode()
        + b'">]><html><head><link rel="stylesheet" href="/s.css"></head>'
        b"<body><h1>T</h1><p>&x;</p><img src='/i.png'></body></html>"
    )
    extract_article(page, "text/html", site.url("/a"))
    discover_feeds(page, "text/html", site.url("/a"))
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "'
        + site.url("/entity").encode()
        + b'">]><rss version="2.0"><channel><title>&x;</title></channel></rss>'
    )
    parse_feed(body, "application/rss+xml", site.url("/feed"))
    assert site.requests.total() == 0


def test_keys_do_not_depend_on_the_feed_address() -> None:
    """A feed that moves keeps its keys, or every item would be new again."""
    body = (
        b"<rss version='2.0'><channel><title>T</title><item><guid>b-1</guid><title>A</title>"
        b"<link>/a</link></item></channel></rss>"
    )
    old = parse_feed(body, "application/rss+xml", "http://old.example/feed")
    new = parse_feed(body, "application/rss+xml", "https://new.example/rss")
    assert [item.key for item in old.items] == [item.key for item in new.items] == ["id:b-1"]
    assert new.items[0].link == "https://new.example/a"
