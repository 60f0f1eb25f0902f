"""Faults on every new path: the site answering 500, hanging or oversized; Telegram answering
429, 5xx and 403 to the previews; a stop in the middle of taking an item, in both modes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import previews, releases
from storage import sources as stored
from tests.emulator import Emulator
from tests.harness import STAFF_ID, Pressroom
from tests.publishing_kit import readers
from tests.site import Site, serve
from tests.sources_kit import (
    OTHER_STAFF,
    STAFF,
    add_feed,
    controls_of,
    jobs,
    latest,
    newsroom,
    publish_new,
    step_done,
    wait_controls,
)

SENDS = {"sendMessage", "sendPhoto"}


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    async with serve() as running:
        yield running


@pytest.fixture
async def pressroom(emulator: Emulator, tmp_path: Path) -> AsyncIterator[Pressroom]:
    async with newsroom(emulator, tmp_path) as app:
        yield app


def controls_count(pressroom: Pressroom, chat_id: int) -> int:
    return sum(
        any(b["text"] == "Publish now" for b in m.buttons)
        for m in pressroom.emulator.messages(chat_id)
    )


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/status/500", "HTTP 500"),
        ("/slow", "timed out after 2 s"),
        ("/huge", "larger than 5 MB"),
        ("/endless", "larger than 5 MB"),
    ],
)
async def test_post_link_says_why_a_page_gave_no_release(
    pressroom: Pressroom, site: Site, path: str, reason: str
) -> None:
    answer = await pressroom.say(STAFF_ID, f"/post {site.url(path)}")
    assert answer.content == f"No release could be made from {site.url(path)}: {reason}"
    assert await releases.recent(pressroom.db, 1) == []


async def test_a_failing_source_is_told_once_and_its_recovery_once(
    pressroom: Pressroom, site: Site
) -> None:
    # Anna reads Russian: she has written to the bot, so it knows her language.
    pressroom.user(OTHER_STAFF, language="ru", name="Anna")
    await pressroom.say(OTHER_STAFF, "/start")
    added = await pressroom.say(STAFF_ID, f"/source_add {site.url('/flaky.xml')}")
    assert added.content.startswith("Source #1 · Atom News · 2 items now.")
    site.failing = True
    for attempt in range(1, 5):
        # The third failure in a row tells both staff members, once; the answer comes after.
        replies = 2 if attempt == 3 else 1
        answer = await pressroom.say(STAFF_ID, "/source_check 1", replies=replies)
        assert answer.content == "Source #1 · Atom News: feed unreachable: HTTP 500"
    [english] = [m.content for m in pressroom.emulator.messages(STAFF_ID) if "⚠️" in m.content]
    [russian] = [m.content for m in pressroom.emulator.messages(OTHER_STAFF) if "⚠️" in m.content]
    assert english.startswith("⚠️ Source #1 · Atom News is failing: 3 polls in a row since ")
    assert english.endswith(
        "Last error: HTTP 500\nThe bot keeps trying, less often, and will say when it works again."
    )
    assert russian.startswith("⚠️ Источник #1 · Atom News не отвечает: 3 проверки подряд с ")
    listed = await pressroom.say(STAFF_ID, "/sources")
    assert "#1 · Atom News · review · failing since " in listed.content
    assert ": HTTP 500" in listed.content
    site.failing = False
    answer = await pressroom.say(STAFF_ID, "/source_check 1", replies=2)
    assert answer.content == "Source #1 · Atom News: nothing new"
    assert pressroom.emulator.last_message(STAFF_ID).content == answer.content
    assert pressroom.emulator.last_message(OTHER_STAFF).content == (
        "✅ Источник #1 · Atom News снова работает."
    )
    recovered = [m.content for m in pressroom.emulator.messages(STAFF_ID) if "✅" in m.content]
    assert recovered == ["✅ Source #1 · Atom News works again."]
    assert " · review · ok" in (await pressroom.say(STAFF_ID, "/sources")).content


async def test_a_hanging_or_oversized_feed_stalls_nothing_else(
    emulator: Emulator, tmp_path: Path, site: Site
) -> None:
    # The hanging feed's answer comes only after FETCH_TIMEOUT: long enough that the other
    # checks are answered while it hangs, however busy the machine.
    async with newsroom(emulator, tmp_path, fetch_timeout=8) as pressroom:
        await add_feed(pressroom, site, "news", "old-1")
        now = time.time()
        for path in ("/slow", "/huge"):
            await stored.add(
                pressroom.db,
                url=site.url(path),
                site_url=None,
                title=path.strip("/"),
                keys=[],
                next_check_at=now + 3600,
                now=now,
            )
        await pressroom.emulator.send_text(STAFF_ID, "/source_check 2")
        await pressroom.emulator.wait_for(lambda: site.requests["/slow"] == 1, 5)
        huge = await pressroom.say(STAFF_ID, "/source_check 3")
        assert huge.content == "Source #3 · huge: feed unreachable: larger than 5 MB"
        fine = await pressroom.say(STAFF_ID, "/source_check 1")
        assert fine.content == "Source #1 · Feed news: nothing new"
        slow = "Source #2 · slow: feed unreachable: timed out after 8 s"
        assert all(m.content != slow for m in pressroom.emulator.messages(STAFF_ID))
        await pressroom.emulator.wait_for(
            lambda: pressroom.emulator.last_message(STAFF_ID).content == slow, 15
        )
        refused = await pressroom.say(STAFF_ID, f"/source_add {site.url('/status/503')}")
        assert refused.content.endswith("cannot be fetched: HTTP 503")


async def test_a_staff_member_who_blocked_the_bot_does_not_hold_up_the_preview(
    pressroom: Pressroom, site: Site
) -> None:
    await add_feed(pressroom, site, "news", "old-1")
    pressroom.emulator.blocked.add(OTHER_STAFF)
    publish_new(site, "news", "kazan-plant")
    await pressroom.say(STAFF_ID, "/source_check 1", replies=3)
    release = await latest(pressroom)
    assert await stored.pending_action(pressroom.db, release.id) is None
    rows = await previews.of_release(pressroom.db, release.id)
    assert [(row.chat_id, row.message_id is None) for row in rows] == [
        (STAFF_ID, False),
        (OTHER_STAFF, True),
    ]
    assert pressroom.emulator.status_counts[403] >= 1
    mine = controls_of(pressroom, STAFF_ID)
    assert (await pressroom.press(STAFF_ID, mine, "Discard")).text is None


async def test_previews_wait_out_429s(pressroom: Pressroom, site: Site) -> None:
    await add_feed(pressroom, site, "news", "old-1")
    pressroom.emulator.per_chat_rate = 0.5
    pressroom.emulator.per_chat_burst = 1
    publish_new(site, "news", "kazan-plant")
    result = await jobs(pressroom).check(1)
    assert result.new == 1
    assert pressroom.emulator.status_counts[429] >= 2
    release = await latest(pressroom)
    assert await stored.pending_action(pressroom.db, release.id) is None
    assert [controls_count(pressroom, chat) for chat in STAFF] == [1, 1]


async def test_previews_lost_to_5xx_are_sent_after_a_restart(
    pressroom: Pressroom, site: Site
) -> None:
    await add_feed(pressroom, site, "news", "old-1")
    pressroom.emulator.fault_methods = SENDS
    pressroom.emulator.fail_rate = 1.0
    publish_new(site, "news", "kazan-plant")
    result = await jobs(pressroom).check(1)
    assert (result.new, result.error) == (1, None)
    release = await latest(pressroom)
    assert await stored.pending_action(pressroom.db, release.id) == "preview"
    assert [controls_count(pressroom, chat) for chat in STAFF] == [0, 0]
    pressroom.emulator.fail_rate = 0.0
    await pressroom.restart()
    await wait_controls(pressroom, *STAFF)
    await step_done(pressroom, release.id)
    # The item was taken once: polling again finds nothing, and nobody gets a second preview.
    assert (await jobs(pressroom).check(1)).new == 0
    await pressroom.restart()
    await asyncio.sleep(0.3)
    assert [controls_count(pressroom, chat) for chat in STAFF] == [1, 1]


async def test_a_stop_between_taking_an_auto_item_and_publishing_it(
    pressroom: Pressroom, site: Site
) -> None:
    [reader] = await readers(pressroom, 11)
    await add_feed(pressroom, site, "news", "old-1")
    await pressroom.say(STAFF_ID, "/source_mode 1 auto")
    pressroom.emulator.fault_methods = SENDS
    # The first message to staff hangs: the draft is stored, nothing is published yet.
    pressroom.emulator.hang_next(1)
    publish_new(site, "news", "kazan-plant")
    poll = asyncio.create_task(jobs(pressroom).check(1))

    async def pending() -> bool:
        return [p.action for p in await stored.pending_releases(pressroom.db)] == ["publish"]

    deadline = time.monotonic() + 10
    while not await pending():
        assert time.monotonic() < deadline, "the item was never stored"
        await asyncio.sleep(0.05)
    poll.cancel()
    await asyncio.gather(poll, return_exceptions=True)
    assert len(pressroom.emulator.messages(reader)) == 1  # the /start greeting
    pressroom.emulator.fault_methods = None
    await pressroom.restart()
    copy = (await pressroom.emulator.wait_for_messages(reader, 2))[-1]
    assert "Release kazan-plant" in copy.content
    await step_done(pressroom, (await latest(pressroom)).id)
    await pressroom.restart()
    assert (await jobs(pressroom).check(1)).new == 0
    await asyncio.sleep(0.3)
    assert len(pressroom.emulator.messages(reader)) == 2
    assert len(await releases.recent(pressroom.db, 10)) == 1


async def test_an_image_telegram_cannot_fetch_is_left_out(
    pressroom: Pressroom, site: Site
) -> None:
    pressroom.emulator.unfetchable_urls.add(site.url("/images/kazan-plant.jpg"))
    url = site.url("/articles/kazan-plant")
    got = await pressroom.new_messages(
        STAFF_ID, pressroom.emulator.send_text(STAFF_ID, f"/post {url}"), 2
    )
    view, controls = got[-2], got[-1]
    release = await latest(pressroom)
    assert release.photo_file_id is None and not view.photo
    assert view.spans("bold") == ["Volga Motors opens a plant in Kazan"]
    assert controls.buttons[0]["text"] == "Publish now"
    assert pressroom.emulator.status_counts[400] == 1
