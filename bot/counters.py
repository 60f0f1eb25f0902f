"""Live counters: the totals under a release's copies in channels and groups, kept current.

Every vote on a release (from a private copy or a shared post) marks the release's chat copies
dirty. Edits are merged per post: a post is edited at most once every 3 s, showing the totals
read when its edit goes out (the latest state wins), and a chat's posts share its budget of 20
edits in any minute (one every 3.05 s, a second of margin for the round trip). A 429 on an edit
is that chat's limit: that chat waits `retry_after`, nothing else does. Edits go through the
people lane below replies and redraws (they count against Telegram's global 30 a second too).
A chat that refuses (the bot removed, or without rights) gets no more edits and is reported
through `bot.chat_status.lost`.

What each copy shows is stored (`deliveries.tally`), so at start-up copies whose counter lags
the release's totals (a stop between a vote and its edit) are brought up to date.

`CounterPlan` decides which post may be edited when, as a pure function of the caller's clock;
`LiveCounters` drives it against the Bot API and the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter

from bot import chat_status, render
from bot.config import Settings
from bot.i18n import pick_language
from bot.lane import lane_priority
from bot.pacing import failure_of
from bot.sending import unchanged_ok
from storage import deliveries, releases
from storage.chats import Problem
from storage.db import Database
from storage.deliveries import ChatCopy
from storage.releases import PUBLISHED

logger = logging.getLogger(__name__)

# Telegram: about 20 messages (edits included) a minute in one channel or group.
EDITS_PER_WINDOW: Final = 20
# The minute, plus a second for requests whose round trips differ.
WINDOW: Final = 61.0
CHAT_INTERVAL: Final = WINDOW / EDITS_PER_WINDOW
POST_INTERVAL: Final = 3.0
# A failed edit (5xx, timeout) is tried again after this long.
RETRY_DELAY: Final = 5.0
# Votes arriving together are looked up together: one query per release this often at most.
COLLECT_INTERVAL: Final = 0.25

# A post: (chat id, the message with the stars).
Post = tuple[int, int]


@dataclass(slots=True)
class _Chat:
    """One chat's queue and budget."""

    dirty: dict[Post, None] = field(default_factory=dict)
    edits: deque[float] = field(default_factory=deque)
    busy: bool = False
    paused_until: float = 0.0


class CounterPlan:
    """Which posts' counters to edit, and when; every method takes the caller's `now`."""

    def __init__(
        self,
        *,
        per_window: int = EDITS_PER_WINDOW,
        window: float = WINDOW,
        chat_interval: float = CHAT_INTERVAL,
        post_interval: float = POST_INTERVAL,
    ) -> None:
        self._per_window = per_window
        self._window = window
        self._chat_interval = chat_interval
        self._post_interval = post_interval
        self._chats: dict[int, _Chat] = {}
        self._post_last: dict[Post, float] = {}
        self._closed: set[int] = set()

    def mark(self, post: Post) -> None:
        """The post's counter may be behind: edit it when its chat's budget allows."""
        chat_id = post[0]
        if chat_id in self._closed:
            return
        self._chats.setdefault(chat_id, _Chat()).dirty[post] = None

    def close(self, chat_id: int) -> None:
        """No more edits in this chat (the bot was removed or lost its rights)."""
        self._closed.add(chat_id)
        chat = self._chats.get(chat_id)
        if chat is not None:
            chat.dirty.clear()

    def reopen(self, chat_id: int) -> None:
        """Edits in this chat may be marked again."""
        self._closed.discard(chat_id)

    def pending(self) -> int:
        """Posts waiting for an edit or being edited."""
        return sum(len(chat.dirty) + chat.busy for chat in self._chats.values())

    def _chat_free_at(self, chat: _Chat) -> float:
        at = chat.paused_until
        if chat.edits:
            at = max(at, chat.edits[-1] + self._chat_interval)
        if len(chat.edits) >= self._per_window:
            at = max(at, chat.edits[-self._per_window] + self._window)
        return at

    def _post_free_at(self, post: Post) -> float:
        last = self._post_last.get(post)
        return 0.0 if last is None else last + self._post_interval

    def _first(self, chat: _Chat) -> tuple[float, Post] | None:
        if chat.busy or not chat.dirty:
            return None
        free = self._chat_free_at(chat)
        # The post marked first among those free soonest.
        return min(((max(free, self._post_free_at(p)), p) for p in chat.dirty), key=_at)

    def due(self, now: float) -> list[Post]:
        """Posts to edit now, one per chat at most; each chat is busy until `finished`."""
        posts = []
        for chat in self._chats.values():
            first = self._first(chat)
            if first is not None and first[0] <= now:
                post = first[1]
                del chat.dirty[post]
                chat.busy = True
                posts.append(post)
        return posts

    def next_at(self) -> float | None:
        """When the next post becomes due (None: nothing waits, or only busy chats)."""
        times = [first[0] for chat in self._chats.values() if (first := self._first(chat))]
        return min(times) if times else None

    def started(self, post: Post, now: float) -> None:
        """The edit of `post` goes out now: it counts against its chat's budget."""
        chat = self._chats[post[0]]
        chat.edits.append(now)
        while len(chat.edits) > self._per_window:
            chat.edits.popleft()
        self._post_last[post] = now

    def finished(self, post: Post, now: float, *, again: bool = False, wait: float = 0.0) -> None:
        """The edit is over (or was not needed); `again`: mark the post once more; `wait`:
        the chat waits that long before its next edit (a 429's retry_after)."""
        chat = self._chats[post[0]]
        chat.busy = False
        if wait > 0:
            chat.paused_until = max(chat.paused_until, now + wait)
        if again:
            self.mark(post)
        if not chat.busy and not chat.dirty and chat.paused_until <= now:
            self._forget(post[0], now)

    def _forget(self, chat_id: int, now: float) -> None:
        # A chat whose window has passed needs no entry: memory stays flat over months.
        chat = self._chats[chat_id]
        if not chat.edits or chat.edits[-1] + self._window <= now:
            del self._chats[chat_id]
            for post in [p for p in self._post_last if p[0] == chat_id]:
                del self._post_last[post]


def _at(item: tuple[float, Post]) -> float:
    return item[0]


class LiveCounters:
    """Keeps chat copies' counters current; `touch` after every vote."""

    def __init__(
        self,
        bot: Bot,
        db: Database,
        settings: Settings,
        *,
        plan: CounterPlan | None = None,
        clock: Callable[[], float] = time.monotonic,
        collect_interval: float = COLLECT_INTERVAL,
    ) -> None:
        self._bot = bot
        self._db = db
        self._settings = settings
        self._plan = plan or CounterPlan()
        self._clock = clock
        self._collect_interval = collect_interval
        self._touched: set[int] = set()
        self._collected_at = -collect_interval
        self._posts: dict[Post, ChatCopy] = {}
        self._shown: dict[Post, str | None] = {}
        # Posts Telegram will not edit any more (deleted by the chat's admins): not tried again.
        self._left: set[Post] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._edits: set[asyncio.Task[None]] = set()
        self._telling: set[asyncio.Task[None]] = set()
        self.edited = 0
        self.flood_waits = 0

    async def start(self) -> None:
        """Catch up copies left behind by a stop, then keep counters current."""
        for copy in await deliveries.stale_chat_copies(self._db):
            self._add(copy)
        self._task = asyncio.create_task(self._run(), name="live-counters")

    async def stop(self) -> None:
        """Stop; edits on the wire finish. Counters left behind are caught up at next start
        (each copy's tally is stored)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        waiting = self._edits | self._telling
        if waiting:
            _, late = await asyncio.wait(waiting, timeout=10.0)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    def touch(self, release_id: int) -> None:
        """The release's totals changed (or its chat copies did): its counters catch up."""
        self._touched.add(release_id)
        self._wake.set()

    def pending(self) -> int:
        """Counters known to be behind or being edited, and releases not yet looked up."""
        return self._plan.pending() + len(self._touched)

    def _add(self, copy: ChatCopy) -> None:
        post = (copy.chat_id, copy.message_id)
        if post in self._left:
            return
        if post not in self._posts:
            self._shown[post] = copy.tally
        self._posts[post] = copy
        self._plan.mark(post)

    async def _run(self) -> None:
        # A failure (say, the database busy for too long) is logged and the loop goes on a
        # second later: counters must not silently stop for the rest of the process.
        while True:
            try:
                await self._turn()
            except Exception:
                logger.exception("Live counters failed a turn; again in 1 s")
                await asyncio.sleep(1.0)

    async def _turn(self) -> None:
        """Look up touched releases, start the edits due, wait for the next."""
        # Cleared first: a touch or a finished edit during this turn wakes the next at once.
        self._wake.clear()
        now = self._clock()
        wait: float | None = None
        if self._touched:
            if now >= self._collected_at + self._collect_interval:
                await self._collect()
                now = self._clock()
            else:
                wait = self._collected_at + self._collect_interval - now
        for post in self._plan.due(now):
            task = asyncio.create_task(self._edit(post))
            self._edits.add(task)
            task.add_done_callback(self._edits.discard)
        due = self._plan.next_at()
        if due is not None:
            wait = due - now if wait is None else min(wait, due - now)
        if wait is None:
            await self._wake.wait()
        elif wait > 0:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()

    async def _collect(self) -> None:
        touched, self._touched = self._touched, set()
        self._collected_at = self._clock()
        for release_id in sorted(touched):
            try:
                copies = await deliveries.chat_copies(self._db, release_id)
            except Exception:
                logger.exception("Chat copies of release %d not looked up; again", release_id)
                self._touched.add(release_id)
                continue
            for copy in copies:
                self._add(copy)

    async def _edit(self, post: Post) -> None:
        again, wait = False, 0.0
        try:
            again, wait = await self._show_totals(post)
        except Exception:
            logger.exception("Counter of message %d in %d not updated; again", post[1], post[0])
            again, wait = True, RETRY_DELAY
        finally:
            self._plan.finished(post, self._clock(), again=again, wait=wait)
            self._wake.set()

    async def _show_totals(self, post: Post) -> tuple[bool, float]:
        """Edit the post's counter if it is behind; (mark again, wait) for the plan."""
        copy = self._posts.get(post)
        if copy is None:
            return False, 0.0
        release = await releases.get(self._db, copy.release_id)
        if release is None or release.status not in PUBLISHED:
            self._drop(post)
            return False, 0.0
        tally = deliveries.tally_of(release.vote_count, release.vote_sum)
        if tally == self._shown.get(post):
            return False, 0.0
        lang = pick_language(
            copy.language, copy.telegram_language, self._settings.default_language
        )
        keyboard = render.counter_keyboard(release.id, release.vote_count, release.vote_sum, lang)
        self._plan.started(post, self._clock())
        try:
            with lane_priority("counter"):
                await unchanged_ok(
                    self._bot.edit_message_reply_markup(
                        chat_id=post[0], message_id=post[1], reply_markup=keyboard
                    )
                )
        except TelegramRetryAfter as error:
            self.flood_waits += 1
            logger.warning("Counter edits in %d: 429, waiting %s s", post[0], error.retry_after)
            return True, float(error.retry_after)
        except Exception as error:
            return self._refused(post, error)
        self.edited += 1
        self._shown[post] = tally
        await deliveries.set_tallies(self._db, [(copy.id, tally)])
        return False, 0.0

    def _refused(self, post: Post, error: Exception) -> tuple[bool, float]:
        failure = failure_of(error)
        if failure.kind in ("blocked", "rightless"):
            self._plan.close(post[0])
            task = asyncio.create_task(self._lost(post[0], chat_status.problem_of(failure)))
            self._telling.add(task)
            task.add_done_callback(self._telling.discard)
            return False, 0.0
        if failure.kind == "transient":
            logger.warning("Counter of message %d in %d: %s; again", post[1], post[0], error)
            return True, RETRY_DELAY
        # "message to edit not found" (deleted by the chat's admins), a group gone to a
        # supergroup (its old posts stay as they are), or another refusal for good.
        logger.warning("Counter of message %d in %d left: %s", post[1], post[0], failure.error)
        self._drop(post)
        self._left.add(post)
        return False, 0.0

    def _drop(self, post: Post) -> None:
        self._posts.pop(post, None)
        self._shown.pop(post, None)

    async def _lost(self, chat_id: int, problem: Problem) -> None:
        try:
            await chat_status.lost(self._bot, self._db, self._settings, chat_id, problem)
        except Exception:
            logger.exception("Could not mark chat %d as %s or tell staff", chat_id, problem)
        finally:
            # Marked now: copies there are no longer looked up; if the bot is made an
            # administrator again, its counters may be edited again.
            for post in [p for p in self._posts if p[0] == chat_id]:
                self._drop(post)
            self._plan.reopen(chat_id)
