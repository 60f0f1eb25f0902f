"""End to end, as staff: /post <link>, a link in /post's body step, /source_add, /sources,
/source_check, /source_mode, /source_pause, /source_resume, /source_remove; review and auto
mode; two staff members on one draft; restarts between polls."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import texts
from bot.callbacks import ReleaseAction, ReleaseButton
from storage import deliveries, releases
from storage import sources as stored
from tests.emulator import Emulator
from tests.harness import STAFF_ID, Pressroom
from tests.publishing_kit import readers
from tests.site import Site, serve
from tests.sources_kit import (
    OTHER_STAFF,
    add_feed,
    controls_of,
    latest,
    newsroom,
    publish_new,
    wait_controls,
)

KAZAN = "Volga Motors opens a plant in Kazan"


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    async with serve() as running:
        yield running


@pytest.fixture
async def pressroom(emulator: Emulator, tmp_path: Path) -> AsyncIterator[Pressroom]:
    async with newsroom(emulator, tmp_path) as app:
        yield app


async def test_post_link_makes_the_release_from_the_page(pressroom: Pressroom, site: Site) -> None:
    [reader] = await readers(pressroom, 11)
    url = site.url("/articles/kazan-plant?utm_source=telegram")
    got = await pressroom.new_messages(
        STAFF_ID, pressroom.emulator.send_text(STAFF_ID, f"/post {url}"), 2
    )
    view, controls = got[-2], got[-1]
    release = await latest(pressroom)
    assert release.title == KAZAN and release.link == site.url("/articles/kazan-plant")
    assert "40,000 electric vans" in release.body and "Share:" not in release.body
    assert "Related articles" not in release.body and "Total: 12" not in release.body
    # The page's og:image went to Telegram as an address; the file id it gave is kept.
    assert view.photo and view.spans("bold") == [KAZAN]
    assert release.photo_file_id == view.photo[-1]["file_id"]
    assert [b["text"] for b in controls.buttons] == [
        "Publish now",
        "Schedule",
        "Edit summary",
        "Cancel",
    ]
    again = await pressroom.say(STAFF_ID, f"/post {site.url('/articles/kazan-plant')}")
    assert again.content == (
        f"Release #{release.id} was already made from this page (draft). "
        f"To open it: /release {release.id}"
    )
    assert (await pressroom.press(STAFF_ID, controls, "Publish now")).text is None
    copy = (await pressroom.emulator.wait_for_messages(reader, 2))[-1]
    assert copy.photo and copy.photo[-1]["file_id"] == release.photo_file_id
    assert KAZAN in copy.content and len(pressroom.emulator.messages(reader)) == 2


async def test_a_link_in_the_body_step_keeps_the_typed_title(
    pressroom: Pressroom, site: Site
) -> None:
    await pressroom.say(STAFF_ID, "/post")
    await pressroom.say(STAFF_ID, "Our own headline")
    got = await pressroom.new_messages(
        STAFF_ID, pressroom.emulator.send_text(STAFF_ID, site.url("/articles/kazan-plant")), 2
    )
    release = await latest(pressroom)
    assert release.title == "Our own headline" and "electric vans" in release.summary
    assert got[-2].spans("bold") == ["Our own headline"]
    assert await pressroom.db.fetchall("SELECT key FROM dialogs") == []


async def test_review_mode_from_add_to_publish_with_two_staff(
    pressroom: Pressroom, site: Site
) -> None:
    [reader] = await readers(pressroom, 11)
    added = await add_feed(pressroom, site, "news", "old-1", "old-2")
    assert added.content == (
        "Source #1 · Feed news · 2 items now.\n"
        "They are marked seen and will not be sent; new items will come to staff for review."
    )
    listed = await pressroom.say(STAFF_ID, "/sources")
    assert "#1 · Feed news · review · ok" in listed.content
    assert "Last check: " in listed.content and "last new item: never · items taken: 0" in (
        listed.content
    )
    assert (await pressroom.say(STAFF_ID, "/source_check 1")).content == (
        "Source #1 · Feed news: nothing new"
    )

    publish_new(site, "news", "kazan-plant")
    answer = await pressroom.say(STAFF_ID, "/source_check 1", replies=3)
    assert answer.content == "Source #1 · Feed news: 1 new item"
    await wait_controls(pressroom, STAFF_ID, OTHER_STAFF)
    release = await latest(pressroom)
    # A teaser in the feed: the text is the article's page, the link the item's page.
    assert release.title == "Release kazan-plant" and "18 billion roubles" in release.body
    assert release.link == site.url("/articles/kazan-plant") and release.source_id == 1
    mine, theirs = controls_of(pressroom, STAFF_ID), controls_of(pressroom, OTHER_STAFF)
    assert mine.content.startswith("A new item from source #1 · Feed news\n")
    assert [b["text"] for b in theirs.buttons] == [
        "Publish now",
        "Schedule",
        "Edit summary",
        "Discard",
    ]
    assert (await pressroom.press(OTHER_STAFF, theirs, "Publish now")).text is None
    await pressroom.emulator.wait_for_messages(reader, 2)
    assert pressroom.current(mine).content == f"Release #{release.id} was published by Anna."
    assert not pressroom.current(mine).buttons
    data = ReleaseButton(action=ReleaseAction.PUBLISH, release_id=release.id).pack()
    late = await pressroom.press_data(STAFF_ID, mine, data, forge=True)
    # Sending or, with one reader, maybe sent already.
    assert late.text is not None
    assert late.text.startswith(f"Release #{release.id} is already ")
    assert late.text.endswith("; nothing changed.")

    listed = await pressroom.say(STAFF_ID, "/sources")
    assert "items taken: 1" in listed.content and "last new item: never" not in listed.content
    await pressroom.restart()
    assert (await pressroom.say(STAFF_ID, "/source_check 1")).content == (
        "Source #1 · Feed news: nothing new"
    )
    assert len(pressroom.emulator.messages(reader)) == 2


async def test_discard_and_schedule_tell_the_other_staff_member(
    pressroom: Pressroom, site: Site
) -> None:
    await add_feed(pressroom, site, "news", "old-1")
    publish_new(site, "news", "a-1", "a-2")
    await pressroom.say(STAFF_ID, "/source_check 1", replies=5)
    await wait_controls(pressroom, STAFF_ID, OTHER_STAFF, count=2)
    first, second = [
        m
        for m in pressroom.emulator.messages(STAFF_ID)
        if any(b["text"] == "Publish now" for b in m.buttons)
    ]
    theirs = [
        m
        for m in pressroom.emulator.messages(OTHER_STAFF)
        if any(b["text"] == "Publish now" for b in m.buttons)
    ]
    ids = sorted(r.id for r in await releases.recent(pressroom.db, 2))
    assert (await pressroom.press(STAFF_ID, first, "Discard")).text is None
    assert pressroom.current(first).content == texts.DISCARDED.en.format(id=ids[0])
    assert pressroom.current(theirs[0]).content == f"Release #{ids[0]} was discarded by Editor."

    await pressroom.press(OTHER_STAFF, theirs[1], "Schedule")
    await pressroom.say(OTHER_STAFF, "tomorrow 9:00")
    assert pressroom.current(second).content == f"Release #{ids[1]} was scheduled by Anna."
    assert (await releases.get(pressroom.db, ids[1])) is not None


async def test_a_summary_edited_by_one_staff_member_reaches_the_others_preview(
    pressroom: Pressroom, site: Site
) -> None:
    await add_feed(pressroom, site, "news", "old-1")
    publish_new(site, "news", "kazan-plant")
    await pressroom.say(STAFF_ID, "/source_check 1", replies=3)
    await wait_controls(pressroom, STAFF_ID, OTHER_STAFF)
    release = await latest(pressroom)
    mine, theirs = controls_of(pressroom, STAFF_ID), controls_of(pressroom, OTHER_STAFF)
    await pressroom.press(STAFF_ID, mine, "Edit summary")
    summary = "The Kazan plant opens on Monday. It will build 40,000 vans a year."
    await pressroom.say(STAFF_ID, summary, replies=3)
    await pressroom.emulator.wait_for(
        lambda: any(
            m.message_id > theirs.message_id and "Publish now" in str(m.buttons)
            for m in pressroom.emulator.messages(OTHER_STAFF)
        ),
        10,
    )
    # Theirs: the old controls say they are out of date, the new preview shows the new text.
    old = pressroom.current(theirs)
    assert old.content == f"Release #{release.id} was edited; the new version follows."
    assert not old.buttons
    fresh = controls_of(pressroom, OTHER_STAFF)
    assert fresh.content.startswith(f"✏️ Editor edited release #{release.id}; here is the new")
    view = pressroom.emulator.messages(OTHER_STAFF)[-2]
    assert "40,000 vans a year" in view.content
    # The new controls are the ones remembered: publishing from them settles the editor's.
    assert (await pressroom.press(OTHER_STAFF, fresh, "Publish now")).text is None
    await pressroom.emulator.wait_for(
        lambda: pressroom.current(mine).content == f"Release #{release.id} was published by Anna.",
        10,
    )


async def test_two_staff_pressing_publish_at_once_make_one_release(
    pressroom: Pressroom, site: Site
) -> None:
    audience = await readers(pressroom, 11, 12, 13)
    await add_feed(pressroom, site, "news", "old-1")
    publish_new(site, "news", "kazan-plant")
    await pressroom.say(STAFF_ID, "/source_check 1", replies=3)
    await wait_controls(pressroom, STAFF_ID, OTHER_STAFF)
    mine, theirs = controls_of(pressroom, STAFF_ID), controls_of(pressroom, OTHER_STAFF)
    answers = await asyncio.gather(
        pressroom.press(STAFF_ID, mine, "Publish now"),
        pressroom.press(OTHER_STAFF, theirs, "Publish now"),
    )
    assert sorted(answer.text is None for answer in answers) == [False, True]
    release = await latest(pressroom)
    for reader in audience:
        await pressroom.emulator.wait_for_messages(reader, 2)
    stats = await deliveries.stats(pressroom.db, release.id)
    assert stats.total == 3
    await asyncio.sleep(0.5)
    assert all(len(pressroom.emulator.messages(reader)) == 2 for reader in audience)


async def test_auto_mode_publishes_at_once_and_never_twice(
    pressroom: Pressroom, site: Site
) -> None:
    [reader] = await readers(pressroom, 11)
    await add_feed(pressroom, site, "news", "old-1")
    assert (await pressroom.say(STAFF_ID, "/source_mode 1 auto")).content == (
        "Source #1 is in auto mode: each new item goes to readers at once."
    )
    publish_new(site, "news", "kazan-plant")
    await pressroom.say(STAFF_ID, "/source_check 1", replies=3)
    copy = (await pressroom.emulator.wait_for_messages(reader, 2))[-1]
    release = await latest(pressroom)
    assert "Release kazan-plant" in copy.content and release.status in ("sending", "sent")
    await pressroom.emulator.wait_for(
        lambda: "going out automatically" in pressroom.emulator.last_message(OTHER_STAFF).content,
        10,
    )
    assert pressroom.emulator.last_message(OTHER_STAFF).content == (
        f"Source #1 · Feed news: release #{release.id} is going out automatically to 1 "
        f"readers. How it went: /release {release.id}"
    )
    await pressroom.restart()
    assert (await pressroom.say(STAFF_ID, "/source_check 1")).content.endswith("nothing new")
    await asyncio.sleep(0.3)
    assert len(pressroom.emulator.messages(reader)) == 2
    assert (await pressroom.say(STAFF_ID, "/source_mode 1 review")).content.startswith(
        "Source #1 is in review mode"
    )


async def test_a_page_posted_by_link_and_then_in_the_feed_is_one_release(
    pressroom: Pressroom, site: Site
) -> None:
    await add_feed(pressroom, site, "news", "old-1")
    await pressroom.new_messages(
        STAFF_ID, pressroom.emulator.send_text(STAFF_ID, f"/post {site.url('/articles/dup')}"), 2
    )
    publish_new(site, "news", "dup")
    answer = await pressroom.say(STAFF_ID, "/source_check 1")
    assert answer.content == "Source #1 · Feed news: nothing new; already released by link: 1"
    assert len(await releases.recent(pressroom.db, 10)) == 1


async def test_pause_resume_remove_and_bad_arguments(pressroom: Pressroom, site: Site) -> None:
    assert (await pressroom.say(STAFF_ID, "/source_add")).content.startswith(
        "Send the address of the site's feed"
    )
    refused = await pressroom.say(STAFF_ID, f"/source_add {site.url('/html-as-feed.xml')}")
    assert refused.content.startswith("The source was not added: ")
    assert refused.content.endswith("is an HTML page, not a feed, and names no feed")
    added = await pressroom.say(STAFF_ID, f"/source_add {site.url('/news')}")
    assert added.content.startswith("Source #1 · Новости «Волга Моторс» · 2 items now.")
    again = await pressroom.say(STAFF_ID, f"/source_add {site.url('/rss-1251.xml')}")
    assert again.content == "Source #1 · Новости «Волга Моторс» is already added (2 items seen)."
    for command, answer in [
        ("/source_check", "Give the source's number from /sources: /source_check 4"),
        ("/source_check abc", "Give the source's number from /sources: /source_check 4"),
        ("/source_check 99", "There is no source #99. The list: /sources"),
        ("/source_mode 1 loud", texts_mode_usage()),
        ("/source_pause 1", "Source #1 is paused. To poll it again: /source_resume 1"),
    ]:
        assert (await pressroom.say(STAFF_ID, command)).content == answer
    assert " · review · paused" in (await pressroom.say(STAFF_ID, "/sources")).content
    # A paused source can still be checked, and stays paused.
    assert (await pressroom.say(STAFF_ID, "/source_check 1")).content.endswith("nothing new")
    assert (await stored.get(pressroom.db, 1)) is not None
    resumed = await pressroom.say(STAFF_ID, "/source_resume 1")
    assert resumed.content == "Source #1 is polled again, the first time now."
    assert " · review · ok" in (await pressroom.say(STAFF_ID, "/sources")).content
    removed = await pressroom.say(STAFF_ID, "/source_remove 1")
    assert removed.content == "Source #1 is removed; its releases stay."
    assert (await pressroom.say(STAFF_ID, "/sources")).content.startswith("No sources yet.")


def texts_mode_usage() -> str:
    return (
        "Like this: /source_mode 4 review (new items to staff) or /source_mode 4 auto "
        "(straight to readers)."
    )


async def test_source_commands_are_unknown_to_readers(pressroom: Pressroom, site: Site) -> None:
    [reader] = await readers(pressroom, 11)
    for command in ("/sources", f"/source_add {site.url('/atom.xml')}", "/source_check 1"):
        assert (await pressroom.say(reader, command)).content == texts.UNKNOWN_COMMAND.en
    assert await stored.listed(pressroom.db) == []
    answer = await pressroom.say(reader, f"/post {site.url('/articles/kazan-plant')}")
    assert answer.content == texts.UNKNOWN_COMMAND.en
    assert site.requests["/articles/kazan-plant"] == 0


async def test_admin_lists_the_source_commands_in_both_languages(pressroom: Pressroom) -> None:
    english = (await pressroom.say(STAFF_ID, "/admin")).content
    pressroom.user(STAFF_ID, language="ru")
    russian = (await pressroom.say(STAFF_ID, "/admin")).content
    for command in ("/sources", "/source_add", "/source_check", "/source_mode", "/source_pause"):
        assert command in english and command in russian
    scope = {"type": "chat", "chat_id": STAFF_ID}
    menu = {c["command"] for c in pressroom.emulator.commands(scope=scope)}
    assert {"sources", "source_add", "source_remove"} <= menu
    assert texts.BUTTON_DISCARD.ru == "Отклонить"
