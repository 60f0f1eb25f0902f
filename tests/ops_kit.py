"""Helpers for the operations tests: a free port, `/healthz` and `/metrics` read as a monitor
would read them."""

from __future__ import annotations

import socket
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def healthz(port: int) -> tuple[int, dict[str, Any]]:
    """`GET /healthz`: the status code and the JSON body."""
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/healthz") as response,
    ):
        body: dict[str, Any] = await response.json()
        return response.status, body


async def metrics(port: int) -> Samples:
    """`GET /metrics`, parsed: (sample name, labels) -> value."""
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        assert response.status == 200
        assert response.content_type == "text/plain"
        text = await response.text()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value (0 if it is not there yet)."""
    return samples.get((name, frozenset(labels.items())), 0.0)
