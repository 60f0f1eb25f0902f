"""The Bot API emulator in a process of its own, for `bench.broadcast` and `bench.storm`.

`python -m bench._emulator_server --users N [--latency S] [--telegram-limits] [--no-checks]
[--press-share P]` prints one line `API <url> CONTROL <url>` once it serves, and runs until
SIGTERM. The control server answers `GET /stats` with what readers 1..N received: totals, readers
who got nothing, extra copies, and HTTP statuses. Its CPU and memory are not the sender's; it
runs with the cyclic garbage collector off, as Telegram's own pauses are not what the benchmark
measures.

With `--press-share P` readers play a rating storm (`bench.storm`): a share P of them press a
random star `--press-min` to `--press-max` seconds after their copy arrived, and `GET /storm`
reports each press's answer latency (press to the bot's answerCallbackQuery arriving here), the
redraws of the star row, the answers' texts and the requests by method with their times.
`GET /press-all` has every reader who has a copy press a random star on it at once (with
`--press-share 0`, for `bench.press_cpu`). With `--act help` they send `/help` instead of
pressing, and `/storm` reports each reply's latency (the `/help` sent to the bot's reply
arriving here, the attempt that was delivered).

With `--channel ID` a channel the bot administers exists (`bench.channels`): once the bot's post
lands there, `--channel-votes` distinct people a second press a random star on it for
`--channel-seconds`, and `GET /channel` reports the presses, their answers' latencies, when the
post's counter was edited and what it showed, and the counter line the final totals call for.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import signal
import time
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot import render
from tests.emulator import Emulator

# Voters in the channel bench: ids above every reader's.
VOTER_BASE = 10_000_000


@dataclass(slots=True)
class Storm:
    """Readers pressing stars as their copies land, and how fast the bot answers them."""

    emulator: Emulator
    users: int
    share: float
    earliest: float
    latest: float
    rng: random.Random
    act: str = "press"
    pressed: set[int] = field(default_factory=set)
    scheduled: int = 0
    press_at: dict[str, float] = field(default_factory=dict)
    press_chat: dict[str, tuple[int, int]] = field(default_factory=dict)
    answered: dict[str, float] = field(default_factory=dict)
    handed: dict[str, float] = field(default_factory=dict)
    answer_texts: list[str] = field(default_factory=list)
    latest_press: dict[tuple[int, int], float] = field(default_factory=dict)
    redrawn: list[float] = field(default_factory=list)
    arrivals: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    help_at: dict[int, float] = field(default_factory=dict)
    reply_arrived: dict[int, float] = field(default_factory=dict)
    replied: dict[int, float] = field(default_factory=dict)
    extra_replies: int = 0

    def arrival(self, method: str, params: dict[str, Any]) -> None:
        """A request reached the server: count it; an answer to a press ends its latency."""
        now = time.time()
        self.arrivals.setdefault(method, []).append(now)
        if method == "answerCallbackQuery":
            query_id = str(params.get("callback_query_id", ""))
            if query_id in self.press_at and query_id not in self.answered:
                self.answered[query_id] = now - self.press_at[query_id]
        elif method == "sendMessage" and not params.get("allow_paid_broadcast"):
            self.reply_arrived[int(params.get("chat_id", 0))] = now

    def result(self, method: str, params: dict[str, Any], result: Any) -> None:
        """A call succeeded: a reader's first copy may get a press; a redraw is timed."""
        if method == "answerCallbackQuery":
            self.answer_texts.append(str(params.get("text", "")))
            return
        if method == "getUpdates":
            now = time.time()
            for update in result:
                query = update.get("callback_query")
                if query is not None and query["id"] in self.press_at:
                    self.handed.setdefault(query["id"], now - self.press_at[query["id"]])
            return
        # aiogram posts forms (every value a string), the delivery engine JSON.
        chat_id = int(params.get("chat_id", 0))
        if not 1 <= chat_id <= self.users:
            return
        if method == "editMessageReplyMarkup":
            pressed = self.latest_press.get((chat_id, int(params["message_id"])))
            if pressed is not None:
                self.redrawn.append(time.time() - pressed)
            return
        if method != "sendMessage":
            return
        if not params.get("allow_paid_broadcast") and chat_id in self.help_at:
            if chat_id in self.replied:
                self.extra_replies += 1
            else:
                self.replied[chat_id] = self.reply_arrived[chat_id] - self.help_at[chat_id]
            return
        if chat_id in self.pressed:
            return
        self.pressed.add(chat_id)
        if self.rng.random() >= self.share:
            return
        message_id = int(result["message_id"])
        delay = self.rng.uniform(self.earliest, self.latest)
        stars = self.rng.randint(1, 5)
        self.scheduled += 1
        loop = asyncio.get_running_loop()
        if self.act == "help":
            loop.call_later(delay, self._start, self._ask_help(chat_id))
        else:
            loop.call_later(delay, self._start, self._press(chat_id, message_id, stars))

    def _start(self, action: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(action)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _ask_help(self, chat_id: int) -> None:
        self.help_at[chat_id] = time.time()
        await self.emulator.send_text(chat_id, "/help")

    async def _press(self, chat_id: int, message_id: int, stars: int) -> None:
        message = self.emulator.message(chat_id, message_id)
        assert message is not None
        data = str(message.buttons[stars - 1].get("callback_data", ""))
        pressed = time.time()
        try:
            query_id = await self.emulator.press_button(chat_id, chat_id, message_id, data)
        except AssertionError as error:
            self.failures.append(str(error))
            return
        self.press_at[query_id] = pressed
        self.latest_press[(chat_id, message_id)] = pressed

    async def press_all(self) -> int:
        """Every reader presses a random star under their first copy at once (`bench.press_cpu`);
        returns how many pressed."""
        pressed = 0
        for chat_id in range(1, self.users + 1):
            copies = self.emulator.messages(chat_id)
            if not copies:
                continue
            self.scheduled += 1
            await self._press(chat_id, copies[0].message_id, self.rng.randint(1, 5))
            pressed += 1
        return pressed

    def report(self) -> dict[str, Any]:
        """Everything `bench.storm` prints."""
        return {
            "scheduled": self.scheduled,
            "pressed": len(self.press_at),
            "answered": len(self.answered),
            "latencies": sorted(self.answered.values()),
            "handed": sorted(self.handed.values()),
            "redraws": sorted(self.redrawn),
            "answer_texts": self.answer_texts,
            "arrivals": self.arrivals,
            "failures": self.failures[:5],
            "asked": len(self.help_at),
            "replied": len(self.replied),
            "reply_latencies": sorted(self.replied.values()),
            "extra_replies": self.extra_replies,
            "cpu_seconds": time.process_time(),
        }


@dataclass(slots=True)
class ChannelStorm:
    """Distinct people pressing stars on the bot's channel post at a steady rate."""

    emulator: Emulator
    chat_id: int
    rate: float
    seconds: float
    rng: random.Random
    post: int | None = None
    press_at: dict[str, float] = field(default_factory=dict)
    answered: dict[str, float] = field(default_factory=dict)
    shown: list[tuple[float, str]] = field(default_factory=list)
    stars_sum: int = 0
    last_press: float = 0.0
    failures: list[str] = field(default_factory=list)
    task: asyncio.Task[None] | None = None

    def arrival(self, method: str, params: dict[str, Any]) -> None:
        """An answer to a press ends its latency."""
        if method == "answerCallbackQuery":
            query_id = str(params.get("callback_query_id", ""))
            if query_id in self.press_at and query_id not in self.answered:
                self.answered[query_id] = time.time() - self.press_at[query_id]

    def result(self, method: str, params: dict[str, Any], result: Any) -> None:
        """The post landed: the presses begin; the post's counter was edited: note it."""
        if int(params.get("chat_id", 0) or 0) != self.chat_id:
            return
        if method == "sendMessage" and self.post is None:
            self.post = int(result["message_id"])
            self.task = asyncio.create_task(self._press_all())
        elif method == "editMessageReplyMarkup" and self.post is not None:
            message = self.emulator.message(self.chat_id, self.post)
            if message is not None and message.buttons:
                self.shown.append((time.time(), str(message.buttons[-1].get("text", ""))))

    async def _press_all(self) -> None:
        assert self.post is not None
        message = self.emulator.message(self.chat_id, self.post)
        assert message is not None
        stars = [str(button.get("callback_data", "")) for button in message.buttons[:5]]
        total = int(self.rate * self.seconds)
        started = time.monotonic()
        for number in range(total):
            wait = started + number / self.rate - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            voter = VOTER_BASE + number
            self.emulator.add_user(voter, first_name=f"Voter {number}", started=False)
            chosen = self.rng.randint(1, 5)
            self.stars_sum += chosen
            pressed = time.time()
            try:
                query_id = await self.emulator.press_button(
                    voter, self.chat_id, self.post, stars[chosen - 1]
                )
            except AssertionError as error:
                self.failures.append(str(error))
                continue
            self.press_at[query_id] = pressed
            self.last_press = pressed

    def report(self) -> dict[str, Any]:
        """Everything `bench.channels` prints."""
        pressed = len(self.press_at)
        edits = [] if self.post is None else self.emulator.edit_times(self.chat_id, self.post)
        return {
            "planned": int(self.rate * self.seconds),
            "pressed": pressed,
            "done": self.task is not None and self.task.done(),
            "answered": len(self.answered),
            "latencies": sorted(self.answered.values()),
            "edits": edits,
            "shown": self.shown,
            "final": render.counter_line(pressed, self.stars_sum, "en"),
            "last_press": self.last_press,
            "statuses": {str(code): n for code, n in self.emulator.status_counts.items()},
            "failures": self.failures[:5],
        }


async def serve(args: argparse.Namespace) -> None:
    """Start the emulator and its control server; stop on SIGTERM or SIGINT."""
    # The emulator stands in for Telegram: pauses of its own cyclic garbage collector over
    # 100,000 stored messages are not the sender's cost, so it runs without one.
    gc.disable()
    emulator = Emulator(checks=not args.no_checks)
    # A log of every request would hold 100,000 records: the counters are enough here.
    emulator.log_requests = False
    emulator.latency = args.latency
    if args.telegram_limits:
        emulator.enable_telegram_limits()
    for user_id in range(1, args.users + 1):
        emulator.add_user(user_id, first_name=f"Reader {user_id}")
    storm: Storm | None = None
    if args.press_share is not None:
        storm = Storm(
            emulator,
            args.users,
            args.press_share,
            args.press_min,
            args.press_max,
            random.Random(args.seed),
            args.act,
        )
        emulator.on_arrival = storm.arrival
        emulator.on_result = storm.result
    channel: ChannelStorm | None = None
    if args.channel is not None:
        emulator.add_group(args.channel, title="Press centre", type="channel")
        channel = ChannelStorm(
            emulator,
            args.channel,
            args.channel_votes,
            args.channel_seconds,
            random.Random(args.seed),
        )
        emulator.on_arrival = channel.arrival
        emulator.on_result = channel.result
    await emulator.start()

    async def storm_report(_: web.Request) -> web.Response:
        return web.json_response(storm.report() if storm is not None else {})

    async def press_all(_: web.Request) -> web.Response:
        return web.json_response({"pressed": await storm.press_all() if storm else 0})

    async def channel_report(_: web.Request) -> web.Response:
        return web.json_response(channel.report() if channel is not None else {})

    async def stats(_: web.Request) -> web.Response:
        received = Counter(emulator.delivered_count(chat) for chat in range(1, args.users + 1))
        return web.json_response(
            {
                "delivered": emulator.delivered_count(),
                "lost": received[0],
                "duplicates": sum((copies - 1) * n for copies, n in received.items() if copies),
                "statuses": {str(code): n for code, n in emulator.status_counts.items()},
                "violations": len(emulator.violations),
            }
        )

    control = web.Application()
    control.router.add_get("/stats", stats)
    control.router.add_get("/storm", storm_report)
    control.router.add_get("/press-all", press_all)
    control.router.add_get("/channel", channel_report)
    runner = web.AppRunner(control, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    print(f"API {emulator.base_url} CONTROL http://127.0.0.1:{port}", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await runner.cleanup()
    await emulator.stop()


def main() -> None:
    """Parse the knobs and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--telegram-limits", action="store_true")
    parser.add_argument("--no-checks", action="store_true")
    parser.add_argument("--press-share", type=float, default=None)
    parser.add_argument("--press-min", type=float, default=0.2)
    parser.add_argument("--press-max", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--act", choices=["press", "help"], default="press")
    parser.add_argument("--channel", type=int, default=None)
    parser.add_argument("--channel-votes", type=float, default=100.0)
    parser.add_argument("--channel-seconds", type=float, default=60.0)
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
