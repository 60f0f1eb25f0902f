"""Fetching a feed or a page from an address staff gave, without letting it hurt the bot.

Every hop, redirects included, must be http or https and resolve only to global addresses
(unless `allow_private`): the check runs inside aiohttp's resolver, on the very addresses the
connection then uses, so a name that resolves differently a moment later (DNS rebinding) cannot
slip a private address past it. Redirects are followed by hand, at most five. The answer is
read in chunks and refused as soon as it passes `max_bytes` (after decompression, so a small
gzip bomb is refused too); the whole fetch, redirects included, has one deadline. Nothing here
raises for what a server does: every outcome is a `FetchResult`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from importlib import metadata
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import ResolveResult
from aiohttp.resolver import ThreadedResolver

__all__ = [
    "FetchConfig",
    "FetchResult",
    "Fetcher",
    "address_refusal",
    "user_agent",
]

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_CHUNK = 64 * 1024
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d{1,10})", re.IGNORECASE)
ACCEPT_FEED = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5"
)
ACCEPT_PAGE = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


def user_agent() -> str:
    """`Pressroom/<version> (+<README>)`: who is asking, and where to read why.

    The link is the package's `Documentation` URL from pyproject's `[project.urls]`; without one
    the agent is `Pressroom/<version>` alone rather than a made-up address.
    """
    try:
        meta = metadata.metadata("pressroom")
    except metadata.PackageNotFoundError:
        return "Pressroom/0"
    link = next(
        (
            entry.split(",", 1)[1].strip()
            for entry in meta.get_all("Project-URL") or []
            if entry.split(",", 1)[0].strip().lower() == "documentation"
        ),
        None,
    )
    version = meta["Version"]
    return f"Pressroom/{version} (+{link})" if link else f"Pressroom/{version}"


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """Limits for one fetch: `FETCH_TIMEOUT`, `FETCH_MAX_BYTES`, `FETCH_ALLOW_PRIVATE`."""

    timeout: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    allow_private: bool = False
    max_connections: int = 10


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch gave: a body, a 304, or an error a person can read."""

    url: str
    final_url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    max_age: float | None = None
    moved_to: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """A 200 with its body read in full."""
        return self.error is None and self.status == 200

    @property
    def not_modified(self) -> bool:
        """A 304 answer to a conditional request: nothing changed."""
        return self.error is None and self.status == 304


class AddressRefused(OSError):
    """The name resolves to an address the bot must not reach."""


def address_refusal(address: str) -> str | None:
    """Why an IP address may not be fetched from (loopback, private ...), or None if global."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind, flag in (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    ):
        if flag:
            return f"{kind} address {ip}"
    if not ip.is_global:
        return f"non-public address {ip}"
    return None


class _CheckingResolver(ThreadedResolver):
    """aiohttp's resolver, refusing a name if any address it has is not global."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        hosts = await super().resolve(host, port, family)
        for entry in hosts:
            reason = address_refusal(entry["host"])
            if reason is not None:
                raise AddressRefused(f"{host.rstrip('.')} resolves to a {reason}")
        return hosts


class _Refused(Exception):
    """A fetch stopped on our side; the message is what staff see."""


class Fetcher:
    """One HTTP client for all sources: shared connections, one limit on how many at once."""

    def __init__(self, config: FetchConfig) -> None:
        self.config = config
        self._session: aiohttp.ClientSession | None = None
        self._agent = user_agent()
        self._requests = 0

    async def __aenter__(self) -> Fetcher:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def open(self) -> None:
        """Create the HTTP session (inside the running loop)."""
        if self._session is not None:
            return
        resolver = ThreadedResolver() if self.config.allow_private else _CheckingResolver()
        connector = aiohttp.TCPConnector(
            resolver=resolver,
            limit=self.config.max_connections,
            limit_per_host=self.config.max_connections,
            ttl_dns_cache=60,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            headers={"User-Agent": self._agent},
            trust_env=False,
        )

    async def close(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def requests(self) -> int:
        """HTTP requests sent so far (each redirect hop counts)."""
        return self._requests

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = ACCEPT_FEED,
    ) -> FetchResult:
        """GET `url` within the limits; conditional when `etag` or `last_modified` is given."""
        await self.open()
        try:
            async with asyncio.timeout(self.config.timeout):
                return await self._follow(url, etag, last_modified, accept)
        except TimeoutError:
            return FetchResult(url, url, 0, error=f"timed out after {self.config.timeout:g} s")
        except _Refused as refused:
            return FetchResult(url, url, 0, error=str(refused))
        except aiohttp.ClientConnectorDNSError as failure:
            if isinstance(failure.os_error, AddressRefused):
                return FetchResult(url, url, 0, error=f"refused: {failure.os_error}")
            return FetchResult(url, url, 0, error=f"cannot resolve {failure.host}")
        except aiohttp.ClientConnectorError as failure:
            return FetchResult(url, url, 0, error=f"cannot connect to {failure.host}")
        except aiohttp.TooManyRedirects:
            return FetchResult(url, url, 0, error="too many redirects")
        except (aiohttp.ClientError, OSError, ValueError) as failure:
            log.debug("fetch %s failed", url, exc_info=True)
            return FetchResult(url, url, 0, error=_describe(failure))

    async def _follow(
        self, url: str, etag: str | None, last_modified: str | None, accept: str
    ) -> FetchResult:
        assert self._session is not None
        current = url
        moved_to: str | None = None
        permanent_so_far = True
        for hop in range(MAX_REDIRECTS + 1):
            self._check_address(current)
            headers = {"Accept": accept}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            self._requests += 1
            async with self._session.get(
                current, headers=headers, allow_redirects=False
            ) as response:
                if response.status in _REDIRECTS:
                    location = response.headers.get("Location")
                    if not location:
                        raise _Refused(f"HTTP {response.status} without a Location")
                    if hop == MAX_REDIRECTS:
                        raise _Refused(f"more than {MAX_REDIRECTS} redirects")
                    target = urljoin(current, location.strip())
                    if permanent_so_far and response.status in _PERMANENT:
                        moved_to = target
                    else:
                        permanent_so_far = False
                    current = target
                    continue
                return await self._answer(url, current, moved_to, response)
        raise _Refused(f"more than {MAX_REDIRECTS} redirects")

    def _check_address(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise _Refused(f"only http and https addresses can be fetched, not {parts.scheme!r}")
        if not parts.hostname:
            raise _Refused("the address has no host")
        if self.config.allow_private:
            return
        # aiohttp connects to an IP literal without asking the resolver.
        try:
            ipaddress.ip_address(parts.hostname)
        except ValueError:
            return
        reason = address_refusal(parts.hostname)
        if reason is not None:
            raise _Refused(f"refused: {parts.hostname} is a {reason}")

    async def _answer(
        self, url: str, final_url: str, moved_to: str | None, response: aiohttp.ClientResponse
    ) -> FetchResult:
        headers = response.headers
        head = FetchResult(
            url=url,
            final_url=final_url,
            status=response.status,
            content_type=headers.get("Content-Type", ""),
            etag=headers.get("ETag"),
            last_modified=_valid_date(headers.get("Last-Modified")),
            max_age=_max_age(headers.get("Cache-Control")),
            moved_to=moved_to,
        )
        if response.status == 304:
            return head
        if response.status != 200:
            return replace(head, error=f"HTTP {response.status}")
        limit = self.config.max_bytes
        declared = response.content_length
        if declared is not None and declared > limit:
            return replace(head, error=_too_large(limit))
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(_CHUNK):
            size += len(chunk)
            if size > limit:
                return replace(head, error=_too_large(limit))
            chunks.append(chunk)
        return replace(head, body=b"".join(chunks))


def _too_large(limit: int) -> str:
    return f"larger than {limit / 1024 / 1024:g} MB"


def _describe(failure: BaseException) -> str:
    if isinstance(failure, aiohttp.ServerDisconnectedError):
        return "the server closed the connection"
    if isinstance(failure, aiohttp.ClientPayloadError):
        return "the answer was cut short or damaged"
    if isinstance(failure, aiohttp.InvalidURL | ValueError):
        return "not a valid address"
    if isinstance(failure, aiohttp.ClientResponseError):
        return f"bad answer: {failure.message}"[:200]
    return type(failure).__name__


def _valid_date(value: str | None) -> str | None:
    """A Last-Modified value worth sending back: an HTTP date, not junk."""
    if not value or len(value) > 64:
        return None
    try:
        parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return value


def _max_age(cache_control: str | None) -> float | None:
    if not cache_control or "no-cache" in cache_control.lower():
        return None
    match = _MAX_AGE.search(cache_control[:500])
    return float(match.group(1)) if match else None
