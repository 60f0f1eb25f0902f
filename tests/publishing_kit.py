"""Helpers for the publishing and rating end-to-end tests: readers, staff posting, publishing."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass

from storage import releases
from storage.releases import Release
from tests.emulator.state import StoredMessage
from tests.harness import STAFF_ID, Pressroom

BODY = (
    "The Kazan plant of Volga Motors opened on Monday after two years of construction. "
    "It will build 40,000 electric vans a year & employ 1,200 people. "
    "Production starts in March, the company said. "
    "Volga Motors was founded in 1998."
)


@dataclass(frozen=True, slots=True)
class Preview:
    """What staff see after /post: the release as readers will get it, then the controls."""

    view: StoredMessage
    controls: StoredMessage
    release: Release


async def readers(pressroom: Pressroom, *ids: int, language: str = "en") -> list[int]:
    """People who sent /start."""
    for reader in ids:
        await pressroom.say(pressroom.user(reader, language=language), "/start")
    return list(ids)


async def preview_after(pressroom: Pressroom, action: Awaitable[object]) -> Preview:
    """Run `action` (the last /post step) and collect the preview and its controls."""
    got = await pressroom.new_messages(STAFF_ID, action, 2)
    view, controls = got[-2], got[-1]
    latest = await releases.recent(pressroom.db, 1)
    assert latest, "no draft was saved"
    return Preview(view, controls, latest[0])


async def post(pressroom: Pressroom, text: str) -> Preview:
    """Staff use the quick form: `/post Title⏎body⏎link`."""
    return await preview_after(pressroom, pressroom.emulator.send_text(STAFF_ID, f"/post {text}"))


async def publish(
    pressroom: Pressroom, text: str, *audience: int
) -> tuple[Release, dict[int, StoredMessage]]:
    """Post with the quick form, press Publish now, and wait until `audience` got it."""
    preview = await post(pressroom, text)
    before = {r: len(pressroom.emulator.messages(r, include_deleted=True)) for r in audience}
    answer = await pressroom.press(STAFF_ID, preview.controls, "Publish now")
    assert answer.text is None, answer.text

    def arrived() -> bool:
        return all(
            len(pressroom.emulator.messages(r, include_deleted=True)) > before[r] for r in audience
        )

    await pressroom.emulator.wait_for(arrived, 10)
    got = {r: pressroom.emulator.messages(r, include_deleted=True)[before[r]] for r in audience}
    # The engine's final report closes the staff chat's part: later replies come after it.
    report = f"/release {preview.release.id}"
    await pressroom.emulator.wait_for(
        lambda: report in pressroom.emulator.last_message(STAFF_ID).content, 10
    )
    release = await releases.get(pressroom.db, preview.release.id)
    assert release is not None and release.status == "sent"
    return release, got
