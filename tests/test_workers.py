"""CPU work off the event loop: the draft's text is made in a worker thread, capped, and a
summarizer that runs out of time leaves a plain summary instead of a stall."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bot import posting
from bot.workers import Workers


def test_a_body_over_the_limit_is_cut_at_a_line_end_and_says_so() -> None:
    paragraph = "Завод начал выпуск новых станков для отрасли.\n"
    body = paragraph * (posting.BODY_LIMIT // len(paragraph) + 10)
    kept, cut = posting.capped_body(body)
    assert cut
    assert len(kept) <= posting.BODY_LIMIT
    assert kept.endswith("отрасли.")
    assert posting.capped_body("Short text.") == ("Short text.", False)


def test_draft_text_summarizes_and_detects_the_language() -> None:
    body = (
        "Завод в Тольятти начал выпуск новых станков. Первая партия уйдёт заказчикам в марте. "
        "Производство создаст 300 рабочих мест."
    )
    text = posting.draft_text(body, "Завод начал выпуск станков")
    assert text.language == "ru"
    assert "станков" in text.summary
    assert not text.cut


async def test_the_summary_is_made_in_a_worker_thread_not_on_the_loop() -> None:
    workers = Workers()
    seen: list[str] = []

    def where() -> str:
        seen.append(threading.current_thread().name)
        return "done"

    try:
        assert await workers.run(where) == "done"
    finally:
        workers.close()
    assert seen[0].startswith("pressroom-cpu")


async def test_past_the_budget_the_start_of_the_text_stands_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release_worker = threading.Event()

    def stuck(body: str, title: str) -> posting.DraftText:
        release_worker.wait(5)
        raise AssertionError("the late result must not be used")

    monkeypatch.setattr(posting, "draft_text", stuck)
    workers = Workers(budget=0.2)
    started = time.monotonic()
    try:
        text = await workers.draft_text("First sentence here. Second one.", "Title")
    finally:
        release_worker.set()
        workers.close()
    assert time.monotonic() - started < 3
    assert text.summary == "First sentence here. Second one."
    assert text.language == "en"


async def test_the_loop_keeps_answering_while_a_long_paste_is_summarized() -> None:
    body = "\n\n".join(
        " ".join(
            f"The plant {p} opened line {i} for tools of kind {i * p % 97}." for i in range(20)
        )
        for p in range(250)
    )
    workers = Workers()
    ticks = 0
    done = asyncio.Event()

    async def tick() -> None:
        nonlocal ticks
        while not done.is_set():
            await asyncio.sleep(0.001)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        text = await workers.draft_text(body, "Plant opens a line")
    finally:
        done.set()
        await ticker
        workers.close()
    assert text.summary
    # On the loop, the whole summary would have run between two ticks.
    assert ticks >= 3
