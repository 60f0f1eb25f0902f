"""The digest throttle: one read per person per interval (`bot.throttle`), as a table of the
pure decision, and end to end for /digest and the page buttons."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import texts
from bot.throttle import DIGEST_INTERVAL, Throttle, wait_left
from storage import releases
from storage.deliveries import enqueue_release
from tests.emulator import Emulator
from tests.harness import STAFF_ID, Pressroom, settings_for
from tests.publishing_kit import BODY, readers


@pytest.mark.parametrize(
    ("last", "now", "interval", "left"),
    [
        (None, 100.0, 2.0, 0.0),  # never read
        (100.0, 100.0, 2.0, 2.0),  # the same moment
        (100.0, 100.5, 2.0, 1.5),
        (100.0, 101.999, 2.0, pytest.approx(0.001)),
        (100.0, 102.0, 2.0, 0.0),  # exactly one interval later
        (100.0, 250.0, 2.0, 0.0),
        (100.0, 99.0, 2.0, 0.0),  # the clock went back
        (100.0, 100.0, 0.0, 0.0),  # no throttle
    ],
)
def test_wait_left(last: float | None, now: float, interval: float, left: float) -> None:
    assert wait_left(last, now, interval) == left


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_one_read_per_person_per_interval_refusals_do_not_count() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock)
    assert throttle.interval == DIGEST_INTERVAL == 2.0
    assert throttle.admit(1) and throttle.admit(2)
    clock.now += 1.0
    assert not throttle.admit(1)
    clock.now += 0.9
    assert not throttle.admit(1)
    clock.now += 0.1
    assert throttle.admit(1)  # two seconds after the last read let through
    assert throttle.admit(2)


@pytest.fixture
async def clock() -> Clock:
    return Clock()


@pytest.fixture
async def pressroom(emulator: Emulator, tmp_path: Path, clock: Clock) -> AsyncIterator[Pressroom]:
    """The bot with the production digest throttle on a clock the test moves."""
    app = Pressroom(
        emulator, settings_for(emulator, tmp_path), digest_throttle=Throttle(clock=clock)
    )
    emulator.add_user(STAFF_ID, first_name="Editor", language_code="en")
    await app.start()
    yield app
    await app.stop()


async def test_digest_and_its_page_buttons_are_throttled(
    pressroom: Pressroom, clock: Clock
) -> None:
    for n in range(12):
        draft = await releases.create_draft(
            pressroom.db,
            title=f"Release {n}",
            body=BODY,
            summary=BODY,
            link=None,
            photo_file_id=None,
            language="en",
            author_id=STAFF_ID,
            now=time.time(),
        )
        await enqueue_release(pressroom.db, draft.id, report_chat_id=None, clock=time.time)
    reader, other = await readers(pressroom, 61, 62)

    digest = await pressroom.say(reader, "/digest")
    assert digest.content.startswith("The last 24 hours · 12 new releases")
    again = await pressroom.say(reader, "/digest")
    assert again.content == texts.TOO_MANY_REQUESTS.en
    # Another reader is not held up by the first one.
    assert (await pressroom.say(other, "/digest")).content.startswith("The last 24 hours")

    answer = await pressroom.press(reader, digest, "2 more ›")
    assert (answer.text, answer.show_alert) == (texts.TOO_MANY_REQUESTS.en, False)
    assert "Releases 1–10 of 12" in pressroom.current(digest).content

    clock.now += 2.0
    answer = await pressroom.press(reader, digest, "2 more ›")
    assert answer.text is None
    assert "Releases 11–12 of 12" in pressroom.current(digest).content
    answer = await pressroom.press(reader, pressroom.current(digest), "« Back")
    assert answer.text == texts.TOO_MANY_REQUESTS.en
    clock.now += 2.0
    assert (await pressroom.say(reader, "/digest")).content.startswith("The last 24 hours")
