"""What becomes of a new item, without Telegram: the draft and its pending step, a step that
fails left pending and resumed, never published twice, and the title a release gets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest

from bot.config import Settings
from bot.source_intake import SourceIntake, item_title
from bot.sources.poller import NewItem
from bot.workers import Workers
from storage import releases
from storage import sources as stored
from storage.db import Database
from storage.deliveries import NotPublishable
from tests.emulator.server import DEFAULT_TOKEN
from tests.publishing_kit import BODY

if TYPE_CHECKING:
    from aiogram import Bot

    from bot.delivery import DeliveryEngine


class Engine:
    """Plays the delivery engine: the first publish fails, then each release goes out once."""

    def __init__(self) -> None:
        self.calls: list[int] = []
        self.published: set[int] = set()
        self.fail_next = True

    async def publish(self, release_id: int, *, report_chat_id: int | None) -> int:
        self.calls.append(release_id)
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("database is locked")
        if release_id in self.published:
            raise NotPublishable(f"release {release_id} is not a draft")
        self.published.add(release_id)
        return 3


def _item(source: stored.Source, *, title: str = "Plant opens", text: str = BODY) -> NewItem:
    return NewItem(
        source=source,
        key="id:1",
        title=title,
        text=text,
        link="https://example.org/news/1",
        canonical_link="https://example.org/news/1",
        image=None,
        published=None,
    )


async def test_a_failed_publish_stays_pending_and_is_resumed_once(
    db: Database, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None, bot_token=DEFAULT_TOKEN, database_path=tmp_path / "unused.sqlite3"
    )
    added = await stored.add(
        db,
        url="https://example.org/feed",
        site_url=None,
        title="Example",
        keys=[],
        next_check_at=1.0,
        now=1.0,
        added_by=7,
    )
    assert added is not None
    source = await stored.set_mode(db, added.id, "auto")
    assert source is not None
    engine, workers = Engine(), Workers()
    # No staff: nothing is sent to Telegram, so there is no bot to talk to.
    intake = SourceIntake(cast("Bot", None), db, settings, workers, cast("DeliveryEngine", engine))
    try:
        release_id = await intake.on_item(_item(source))
        assert release_id is not None
        assert await stored.pending_action(db, release_id) == "publish"
        release = await releases.get(db, release_id)
        assert release is not None and release.author_id == 7 and "40,000" in release.summary
        assert await intake.on_item(_item(source)) is None
        await intake.resume()
        assert await stored.pending_action(db, release_id) is None
        await intake.resume()
        await intake.carry_out(release_id)
        assert engine.calls == [release_id, release_id]
    finally:
        workers.close()


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("  Plant\n opens ", BODY, "Plant opens"),
        ("", "The plant opened on Monday.\nMore text.", "The plant opened on Monday. More text."),
        ("", "", "https://example.org/news/1"),
        ("x" * 300, BODY, "x" * 255 + "…"),
    ],
)
def test_the_title_of_a_release_from_an_item(title: str, text: str, expected: str) -> None:
    source = cast("stored.Source", None)
    assert item_title(_item(source, title=title, text=text)) == expected
