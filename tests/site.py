"""A local news website on 127.0.0.1 for the sources tests and bench.

It serves what real press sites serve, good and bad: RSS 2.0 in windows-1251, RSS 1.0, Atom,
JSON Feed, a news page naming its feeds, article pages in site chrome (menu, share bar, rating
widget, "related" list, footer, scripts), a page in koi8-r, conditional GET with 304s, 500s, a
slow answer, oversized answers (declared and endless), a redirect loop, permanent and
temporary redirects, broken XML and HTML served as a feed. Feeds under `/feeds/<name>.xml` are
made from `Site.feeds` and change when a test changes that list.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

from aiohttp import web

EPOCH = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)

ARTICLE_BODY = (
    "The Kazan plant of Volga Motors opened on Monday after two years of construction. "
    "It will build 40,000 electric vans a year and employ 1,200 people from the region.",
    "The regional governor said the plant was the largest industrial investment in the "
    "republic this decade, worth 18 billion roubles. Suppliers of batteries and seats have "
    "already signed contracts to open workshops next to the site.",
    "The first vans will reach dealers in April. Volga Motors plans a second line in 2027 "
    "if demand for electric delivery vans keeps growing at the current pace.",
)


def article_page(
    title: str,
    paragraphs: tuple[str, ...] = ARTICLE_BODY,
    *,
    slug: str = "kazan-plant",
    charset: str = "utf-8",
) -> bytes:
    """A news article wrapped in the chrome every CMS adds around it."""
    body = "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="{charset}">
<title>{escape(title)} | Volga Motors Press Centre</title>
<meta property="og:title" content="{escape(title)}">
<meta property="og:site_name" content="Volga Motors Press Centre">
<meta property="og:image" content="/images/{slug}.jpg">
<link rel="canonical" href="/articles/{slug}">
<link rel="alternate" type="application/rss+xml" href="/rss-1251.xml">
<script>window.dataLayer = [];function gtag(){{dataLayer.push(arguments);}}</script>
<style>body {{ font-family: sans-serif; }}</style>
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/about">About us</a></li><li><a href="/contacts">Contacts</a></li></ul></nav></header>
<main><article>
<h1>{escape(title)}</h1>
<div class="share">Share: <a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">Telegram</a>
<a href="#">Email</a></div>
{body}
<div class="rating">Click to rate this post! [Total: 12 Average: 4.3]</div>
</article>
<aside><h2>Related articles</h2><ul>
<li><a href="/articles/old-1">Volga Motors reports quarterly results</a></li>
<li><a href="/articles/old-2">New dealer opens in Samara</a></li></ul></aside></main>
<footer><p>© 2025 Volga Motors. All rights reserved.</p><p>Subscribe to our newsletter</p>
</footer>
<script src="/static/app.js"></script><script>trackPageView("{slug}");</script>
</body></html>""".encode(charset, errors="xmlcharrefreplace")


@dataclass
class Entry:
    """One item of a feed under `/feeds/`."""

    guid: str
    title: str
    description: str = "A short teaser of the release..."
    link: str | None = None
    published: datetime = EPOCH


def rss(title: str, entries: list[Entry], *, base: str, ttl: int | None = None) -> str:
    """An RSS 2.0 document (text; the caller encodes it)."""
    items = "".join(
        f'<item><guid isPermaLink="false">{escape(e.guid)}</guid>'
        f"<title>{escape(e.title)}</title>"
        f"<link>{escape(e.link or f'{base}/articles/{e.guid}')}</link>"
        f"<description>{escape(e.description)}</description>"
        f"<pubDate>{format_datetime(e.published)}</pubDate></item>"
        for e in entries
    )
    ttl_tag = f"<ttl>{ttl}</ttl>" if ttl is not None else ""
    return (
        f'<rss version="2.0"><channel><title>{escape(title)}</title>'
        f"<link>{base}/</link><description>News</description>{ttl_tag}{items}</channel></rss>"
    )


RSS_1251_ITEMS = (
    Entry(
        "ru-1",
        "Завод «Волга Моторс» открыт в Казани",
        " ".join(
            [
                "Казанский завод «Волга Моторс» открылся в понедельник после двух лет "
                "строительства. Он будет выпускать 40 000 электрических фургонов в год.",
                "На заводе будут работать 1200 человек из региона. Первые фургоны поступят "
                "к дилерам в апреле, а вторую линию компания планирует открыть в 2027 году.",
                "Губернатор назвал завод крупнейшей промышленной инвестицией в республике за "
                "десятилетие: 18 миллиардов рублей. Поставщики батарей и сидений уже "
                "подписали договоры и откроют цеха рядом с площадкой.",
            ]
        ),
        published=EPOCH,
    ),
    Entry("ru-2", "Новый дилер в Самаре", "Компания открыла салон в Самаре...", published=EPOCH),
)

RSS1 = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{base}/rss1.rdf"><title>RDF News</title><link>{base}/</link>
<description>News</description></channel>
<item rdf:about="{base}/articles/rdf-1"><title>RDF item one</title>
<link>{base}/articles/rdf-1</link><description>First RDF item.</description>
<dc:date>2025-03-12T09:00:00Z</dc:date></item>
<item rdf:about="{base}/articles/rdf-2"><title>RDF item two</title>
<link>{base}/articles/rdf-2</link><description>Second RDF item.</description></item>
</rdf:RDF>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom News</title>
<link href="{base}/" rel="alternate"/><id>urn:atom-news</id><updated>2025-03-12T09:00:00Z</updated>
<entry><id>urn:atom:1</id><title>Atom entry one</title><link href="/articles/atom-1"/>
<updated>2025-03-12T09:00:00Z</updated>
<content type="html">&lt;p&gt;{long}&lt;/p&gt;</content></entry>
<entry><id>urn:atom:2</id><title>Atom entry two</title><link href="/articles/atom-2"/>
<updated>2025-03-11T09:00:00Z</updated><summary>Short.</summary></entry>
</feed>"""

BROKEN_XML = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Broken &nbsp; feed</title>
<item><guid>b-1</guid><title>Survives & the broken bits</title><link>{base}/articles/b-1</link>
<description>An item before the damage.</description></item>
<item><guid>b-2</guid><title>Unclosed <b>bold</title><link>{base}/articles/b-2</link>
</channel>"""


@dataclass
class Site:
    """The website; tests change its attributes to change what it serves."""

    latency: float = 0.0
    slow_seconds: float = 30.0
    failing: bool = False
    feeds: dict[str, list[Entry]] = field(default_factory=dict)
    ttl: dict[str, int] = field(default_factory=dict)
    requests: Counter[str] = field(default_factory=Counter)
    agents: set[str] = field(default_factory=set)
    _runner: web.AppRunner | None = None
    port: int = 0

    @property
    def base(self) -> str:
        """`http://127.0.0.1:<port>`."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """The absolute address of `path` on this site."""
        return self.base + path

    async def start(self) -> None:
        """Serve on a free port of 127.0.0.1."""
        app = web.Application(middlewares=[self._count])
        routes = [
            ("/rss-1251.xml", self._rss_1251),
            ("/rss1.rdf", self._rss1),
            ("/atom.xml", self._atom),
            ("/feed.json", self._json_feed),
            ("/news", self._news),
            ("/articles/koi8", self._koi8),
            ("/articles/{slug}", self._article),
            ("/feeds/{name}.xml", self._feed),
            ("/flaky.xml", self._flaky),
            ("/status/{code}", self._status),
            ("/slow", self._slow),
            ("/huge", self._huge),
            ("/endless", self._endless),
            ("/loop/{n}", self._loop),
            ("/moved.xml", self._moved),
            ("/temporary.xml", self._temporary),
            ("/chain/{n}", self._chain),
            ("/redirect", self._redirect),
            ("/broken.xml", self._broken),
            ("/html-as-feed.xml", self._html_as_feed),
            ("/empty.xml", self._empty),
        ]
        for path, handler in routes:
            app.router.add_get(path, handler)
        app.router.add_post("/_control/new-items", self._new_items)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        tcp = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024)
        await tcp.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()

    @web.middleware
    async def _count(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        self.requests[request.path] += 1
        self.agents.add(request.headers.get("User-Agent", ""))
        if self.latency:
            await asyncio.sleep(self.latency)
        return await handler(request)

    def _text(self, text: str, content_type: str, charset: str = "utf-8") -> web.Response:
        return web.Response(body=text.encode(charset), headers={"Content-Type": content_type})

    async def _rss_1251(self, request: web.Request) -> web.Response:
        document = '<?xml version="1.0" encoding="windows-1251"?>\n' + rss(
            "Новости «Волга Моторс»", list(RSS_1251_ITEMS), base=self.base
        )
        # No charset in the header: the XML declaration is all there is to go by.
        return self._text(document, "application/rss+xml", "cp1251")

    async def _rss1(self, request: web.Request) -> web.Response:
        return self._text(RSS1.format(base=self.base), "application/rdf+xml")

    async def _atom(self, request: web.Request) -> web.Response:
        long = " ".join(ARTICLE_BODY)
        return self._text(ATOM.format(base=self.base, long=long), "application/atom+xml")

    async def _json_feed(self, request: web.Request) -> web.Response:
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "JSON News",
            "home_page_url": f"{self.base}/",
            "items": [
                {
                    "id": "j-1",
                    "url": f"{self.base}/articles/json-1",
                    "title": "JSON item one",
                    "content_html": "<p>" + " ".join(ARTICLE_BODY) + "</p>",
                    "date_published": "2025-03-12T09:00:00Z",
                    "image": "/images/json-1.jpg",
                },
                {"id": 2, "url": "/articles/json-2", "content_text": "No title here."},
                {"title": "No id, no link", "date_published": "2025-03-10T08:00:00+03:00"},
                "not an item",
            ],
        }
        return self._text(json.dumps(feed), "application/feed+json")

    async def _news(self, request: web.Request) -> web.Response:
        page = f"""<!DOCTYPE html><html><head><title>News | Volga Motors</title>
<link rel="alternate" type="application/atom+xml" title="Atom" href="/atom.xml">
<link rel="alternate" type="application/rss+xml" title="RSS" href="{self.base}/rss-1251.xml">
<link rel="stylesheet" href="/style.css"></head>
<body><h1>News</h1><ul><li><a href="/articles/atom-1">Atom entry one</a></li></ul></body></html>"""
        return self._text(page, "text/html; charset=utf-8")

    async def _article(self, request: web.Request) -> web.Response:
        slug = request.match_info["slug"]
        title = "Volga Motors opens a plant in Kazan" if slug == "kazan-plant" else slug
        return web.Response(
            body=article_page(title, slug=slug), headers={"Content-Type": "text/html"}
        )

    async def _koi8(self, request: web.Request) -> web.Response:
        paragraphs = (
            "Казанский завод «Волга Моторс» открылся в понедельник после двух лет "
            "строительства и будет выпускать сорок тысяч фургонов в год.",
            "На заводе будут работать 1200 человек, первые фургоны поступят к дилерам "
            "в апреле, а вторая линия откроется в 2027 году.",
        )
        body = article_page("Завод открыт", paragraphs, slug="koi8", charset="koi8-r")
        # The header names no charset: only the meta tag tells.
        return web.Response(body=body, headers={"Content-Type": "text/html"})

    async def _feed(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self.feeds:
            raise web.HTTPNotFound
        body = rss(f"Feed {name}", self.feeds[name], base=self.base, ttl=self.ttl.get(name))
        encoded = body.encode()
        etag = '"' + hashlib.sha256(encoded).hexdigest()[:16] + '"'
        modified = format_datetime(EPOCH + timedelta(seconds=len(self.feeds[name])), usegmt=True)
        headers = {"ETag": etag, "Last-Modified": modified}
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=headers)
        return web.Response(
            body=encoded, headers={**headers, "Content-Type": "application/rss+xml"}
        )

    async def _flaky(self, request: web.Request) -> web.Response:
        if self.failing:
            return web.Response(status=500, text="Internal Server Error")
        return self._text(ATOM.format(base=self.base, long="Flaky."), "application/atom+xml")

    async def _status(self, request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["code"]), text="status")

    async def _slow(self, request: web.Request) -> web.Response:
        await asyncio.sleep(self.slow_seconds)
        return web.Response(text="late")

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        response.content_length = 50 * 1024 * 1024
        await response.prepare(request)
        await response.write(b"<rss>" + b" " * 65536)
        return response

    async def _endless(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = b"<!-- padding -->" * 4096
        # Bounded, so a fetcher that never stops reading ends the test rather than the machine.
        for _ in range(2_000):
            await response.write(chunk)
        return response

    async def _loop(self, request: web.Request) -> web.Response:
        target = "b" if request.match_info["n"] == "a" else "a"
        raise web.HTTPFound(f"/loop/{target}")

    async def _moved(self, request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/atom.xml")

    async def _temporary(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/atom.xml")

    async def _chain(self, request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        if n == 0:
            return await self._atom(request)
        raise web.HTTPPermanentRedirect(f"/chain/{n - 1}")

    async def _new_items(self, request: web.Request) -> web.Response:
        """For a site in another process (the bench): a new first item in `count` feeds."""
        count = int(request.query["count"])
        for name in sorted(self.feeds, key=lambda n: (len(n), n))[:count]:
            entries = self.feeds[name]
            self.feeds[name] = [Entry(f"{name}-{len(entries) + 1}", "A new release"), *entries]
        return web.json_response({"changed": count, "requests": self.requests.total()})

    async def _redirect(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["to"])

    async def _broken(self, request: web.Request) -> web.Response:
        return self._text(BROKEN_XML.format(base=self.base), "application/rss+xml")

    async def _html_as_feed(self, request: web.Request) -> web.Response:
        return self._text(
            "<!DOCTYPE html><html><body><h1>Our news</h1><p>No feed here.</p></body></html>",
            "application/rss+xml",
        )

    async def _empty(self, request: web.Request) -> web.Response:
        return web.Response(body=b"", headers={"Content-Type": "application/rss+xml"})


@asynccontextmanager
async def serve(latency: float = 0.0) -> AsyncIterator[Site]:
    """A started `Site`, stopped on exit."""
    site = Site(latency=latency)
    await site.start()
    try:
        yield site
    finally:
        await site.stop()
