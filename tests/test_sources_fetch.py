"""The fetcher against the local website: limits, redirects, refusals; encodings."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.abc import ResolveResult
from aiohttp.resolver import ThreadedResolver

from bot.sources import fetch
from bot.sources.encoding import decode, detect_encoding
from bot.sources.fetch import FetchConfig, Fetcher, address_refusal
from tests.site import Site, serve

LOCAL = FetchConfig(timeout=2.0, max_bytes=256 * 1024, allow_private=True)


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    async with serve() as running:
        yield running


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(LOCAL) as client:
        yield client


async def test_a_feed_comes_with_its_validators(site: Site, fetcher: Fetcher) -> None:
    site.feeds["a"] = []
    result = await fetcher.fetch(site.url("/feeds/a.xml"))
    assert result.ok and result.body.startswith(b"<rss")
    assert result.etag and result.last_modified
    assert result.content_type == "application/rss+xml"
    again = await fetcher.fetch(
        site.url("/feeds/a.xml"), etag=result.etag, last_modified=result.last_modified
    )
    assert again.not_modified and again.body == b"" and not again.ok
    assert site.agents == {fetch.user_agent()}
    assert fetch.user_agent().startswith("Pressroom/")


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/status/500", "HTTP 500"),
        ("/status/404", "HTTP 404"),
        ("/huge", "larger than 0.25 MB"),
        ("/endless", "larger than 0.25 MB"),
        ("/loop/a", "more than 5 redirects"),
        ("/chain/6", "more than 5 redirects"),
    ],
)
async def test_failures_are_results_with_a_reason(
    site: Site, fetcher: Fetcher, path: str, error: str
) -> None:
    result = await fetcher.fetch(site.url(path))
    assert result.error == error and not result.ok and result.body == b""


async def test_an_oversized_answer_is_refused_without_reading_it(
    site: Site, fetcher: Fetcher
) -> None:
    started = time.monotonic()
    result = await fetcher.fetch(site.url("/endless"))
    assert result.error == "larger than 0.25 MB"
    # 2,000 chunks of 64 KB would take far longer than stopping at the cap.
    assert time.monotonic() - started < 1.5


async def test_a_slow_answer_times_out(site: Site) -> None:
    async with Fetcher(FetchConfig(timeout=1.0, allow_private=True)) as quick:
        started = time.monotonic()
        result = await quick.fetch(site.url("/slow"))
    assert result.error == "timed out after 1 s"
    assert time.monotonic() - started < 2.5


async def test_redirects_and_permanent_moves(site: Site, fetcher: Fetcher) -> None:
    moved = await fetcher.fetch(site.url("/moved.xml"))
    assert moved.ok and moved.final_url == site.url("/atom.xml")
    assert moved.moved_to == site.url("/atom.xml")
    temporary = await fetcher.fetch(site.url("/temporary.xml"))
    assert temporary.ok and temporary.moved_to is None
    five = await fetcher.fetch(site.url("/chain/5"))
    assert five.ok and five.final_url == site.url("/chain/0")
    assert five.moved_to == site.url("/chain/0")


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback address 127.0.0.1"),
        ("10.1.2.3", "private address 10.1.2.3"),
        ("192.168.0.10", "private address 192.168.0.10"),
        ("172.20.0.1", "private address 172.20.0.1"),
        ("169.254.169.254", "link-local address 169.254.169.254"),
        ("224.0.0.251", "multicast address 224.0.0.251"),
        ("0.0.0.0", "unspecified address 0.0.0.0"),
        ("100.64.0.1", "non-public address 100.64.0.1"),
        ("::1", "loopback address ::1"),
        ("fe80::1%eth0", "link-local address fe80::1"),
        ("fd00::1", "private address fd00::1"),
        ("ff02::1", "multicast address ff02::1"),
        ("::ffff:127.0.0.1", "loopback address 127.0.0.1"),
        ("8.8.8.8", None),
        ("2a00:1450:4001:80b::200e", None),
    ],
)
def test_address_refusal(address: str, reason: str | None) -> None:
    assert address_refusal(address) == reason


async def test_private_addresses_are_refused_unless_allowed(site: Site) -> None:
    async with Fetcher(FetchConfig(timeout=2.0)) as strict:
        literal = await strict.fetch(site.url("/atom.xml"))
        named = await strict.fetch(f"http://localhost:{site.port}/atom.xml")
        scheme = await strict.fetch("ftp://example.org/feed")
        nonsense = await strict.fetch("http://")
    assert literal.error == "refused: 127.0.0.1 is a loopback address 127.0.0.1"
    assert named.error is not None and named.error.startswith(
        "refused: localhost resolves to a loopback address"
    )
    assert scheme.error == "only http and https addresses can be fetched, not 'ftp'"
    assert nonsense.error == "the address has no host"
    assert site.requests.total() == 0


async def test_a_redirect_to_a_private_address_is_refused(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every hop is checked: "localhost" is let through here to stand for a public site, and
    its redirect to 127.0.0.1 is refused all the same."""
    checking = fetch._CheckingResolver.resolve

    async def public_localhost(
        self: fetch._CheckingResolver,
        host: str,
        port: int = 0,
        family: socket.AddressFamily = socket.AF_INET,
    ) -> list[ResolveResult]:
        if host == "localhost":
            return await ThreadedResolver.resolve(self, host, port, family)
        return await checking(self, host, port, family)

    monkeypatch.setattr(fetch._CheckingResolver, "resolve", public_localhost)
    public = f"http://localhost:{site.port}"
    async with Fetcher(FetchConfig(timeout=2.0)) as strict:
        allowed = await strict.fetch(f"{public}/atom.xml")
        redirected = await strict.fetch(f"{public}/redirect?to={site.url('/atom.xml')}")
    assert allowed.ok
    assert redirected.error == "refused: 127.0.0.1 is a loopback address 127.0.0.1"
    assert site.requests["/atom.xml"] == 1


async def test_a_name_with_any_private_address_is_refused() -> None:
    class Loop:
        async def getaddrinfo(self, host: str, port: int, **_: Any) -> list[Any]:
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
            ]

    resolver = fetch._CheckingResolver()
    resolver._loop = Loop()  # type: ignore[assignment]
    with pytest.raises(fetch.AddressRefused, match=r"rebind\.example resolves to a private"):
        await resolver.resolve("rebind.example", 80)


@pytest.mark.parametrize(
    ("body", "content_type", "encoding"),
    [
        ("Привет".encode("cp1251"), "text/html; charset=windows-1251", "cp1251"),
        ("Привет".encode("koi8-r"), "text/html; charset=KOI8-R", "koi8-r"),
        (
            '<?xml version="1.0" encoding="windows-1251"?><rss>Новости</rss>'.encode("cp1251"),
            "application/rss+xml",
            "cp1251",
        ),
        (
            '<html><head><meta charset="koi8-r"></head>Новости</html>'.encode("koi8-r"),
            "text/html",
            "koi8-r",
        ),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">Да'.encode(
                "cp1251"
            ),
            "",
            "cp1251",
        ),
        ("Привет, мир".encode("cp1251"), "", "cp1251"),
        ("Café crème".encode("cp1252"), "", "cp1252"),
        ("Привет".encode(), "", "utf-8"),
        (b"\xef\xbb\xbf<rss/>", "text/xml; charset=windows-1251", "utf-8"),
        ("Да".encode("cp1251"), "text/html; charset=x-cp1251", "cp1251"),
        (b"<rss/>", "text/xml; charset=no-such-thing", "utf-8"),
        (b"<rss/>", "text/xml; charset=utf-16", "utf-8"),
    ],
)
def test_detect_encoding(body: bytes, content_type: str, encoding: str) -> None:
    assert detect_encoding(body, content_type) == encoding


def test_decode_drops_the_byte_order_mark() -> None:
    assert decode(b"\xef\xbb\xbf<rss/>") == "<rss/>"
    assert decode("\ufeff<rss/>".encode("utf-16-le"), "") == "<rss/>"
