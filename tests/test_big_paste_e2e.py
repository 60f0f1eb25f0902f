"""A 1 MB paste is summarized off the event loop: while it is, a reader's /help is answered
within a second, and staff get the "text was cut" notice and the preview."""

from __future__ import annotations

import threading
import time

import pytest

from bot import posting, texts
from bot.i18n import number
from storage import releases
from tests.harness import STAFF_ID, Pressroom

# Press-release sentences, about 1,000,000 characters in all: one message through the emulator.
SENTENCE = "The Kazan plant of Volga Motors will build {n} electric vans a year from March. "
PASTE = "".join(SENTENCE.format(n=n) for n in range(13_000))[:1_000_000]
# The bound on a reader's reply while a paste is summarized.
REPLY_BOUND = 1.0


async def test_a_reader_is_answered_while_a_megabyte_paste_is_summarized(
    pressroom: Pressroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(PASTE) == 1_000_000
    reader = pressroom.user(171)
    summarizing, answered, done = threading.Event(), threading.Event(), threading.Event()
    real = posting.draft_text

    def summarize_until_the_reader_is_answered(body: str, title: str) -> posting.DraftText:
        # The real work, done again and again until the reader's reply has come (or 10 s
        # passed), so the reader's /help certainly meets a summary in progress.
        summarizing.set()
        deadline = time.monotonic() + 10
        result = real(body, title)
        while not answered.is_set() and time.monotonic() < deadline:
            result = real(body, title)
        done.set()
        return result

    monkeypatch.setattr(posting, "draft_text", summarize_until_the_reader_is_answered)
    before = len(pressroom.emulator.messages(STAFF_ID))
    await pressroom.emulator.send_text(STAFF_ID, f"/post Volga Motors opens a plant\n{PASTE}")
    await pressroom.emulator.wait_for(summarizing.is_set, 30)

    started = time.perf_counter()
    reply = await pressroom.say(reader, "/help")
    waited = time.perf_counter() - started
    summary_was_running = not done.is_set()
    answered.set()
    assert summary_was_running
    assert reply.html == texts.HELP("en")
    assert waited < REPLY_BOUND, f"/help took {waited:.2f} s during the summary"

    got = await pressroom.emulator.wait_for_messages(STAFF_ID, before + 3, timeout=30)
    cut, view, controls = got[before:]
    assert cut.content == texts.BODY_CUT.en.format(
        limit=number(posting.BODY_LIMIT, "en"), length=number(len(PASTE), "en")
    )
    assert view.spans("bold") == ["Volga Motors opens a plant"]
    assert "electric vans" in view.content
    assert controls.buttons[0]["text"] == "Publish now"
    [draft] = await releases.recent(pressroom.db)
    assert len(draft.body) <= posting.BODY_LIMIT and PASTE.startswith(draft.body)
