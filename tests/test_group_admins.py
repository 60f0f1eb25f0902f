"""Who may subscribe a group: getChatMember answers kept for a minute, failures retried."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetChatMember

from bot.group_admins import CheckFailed, GroupAdmins

METHOD = GetChatMember(chat_id=-100, user_id=7)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Telegram:
    """getChatMember with scripted answers: a status, or an exception to raise."""

    def __init__(self, *answers: str | Exception) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[int, int]] = []

    async def __call__(self, chat_id: int, user_id: int) -> str:
        self.calls.append((chat_id, user_id))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def admins(clock: Clock) -> GroupAdmins:
    return GroupAdmins(ttl=60, clock=clock, sleep=clock.sleep)


@pytest.mark.parametrize(
    ("status", "expected"),
    [("creator", True), ("administrator", True), ("member", False), ("left", False)],
)
async def test_the_status_decides(status: str, expected: bool) -> None:
    clock = Clock()
    assert await admins(clock).is_admin(-100, 7, Telegram(status)) is expected


async def test_an_answer_is_kept_for_a_minute_then_asked_again() -> None:
    clock = Clock()
    cache = admins(clock)
    telegram = Telegram("administrator", "member")
    assert await cache.is_admin(-100, 7, telegram)
    clock.now += 59
    assert await cache.is_admin(-100, 7, telegram)
    assert len(telegram.calls) == 1
    clock.now += 1
    assert not await cache.is_admin(-100, 7, telegram)
    assert len(telegram.calls) == 2


async def test_answers_are_per_group_and_person() -> None:
    clock = Clock()
    cache = admins(clock)
    telegram = Telegram("administrator", "member", "member")
    assert await cache.is_admin(-100, 7, telegram)
    assert not await cache.is_admin(-100, 8, telegram)
    assert not await cache.is_admin(-200, 7, telegram)
    assert telegram.calls == [(-100, 7), (-100, 8), (-200, 7)]


async def test_the_oldest_answers_go_past_capacity() -> None:
    clock = Clock()
    cache = GroupAdmins(ttl=60, capacity=2, clock=clock, sleep=clock.sleep)
    cache.remember(-1, 1, True)
    cache.remember(-2, 1, True)
    cache.remember(-3, 1, False)
    assert cache.cached(-1, 1) is None
    assert cache.cached(-2, 1) is True
    assert cache.cached(-3, 1) is False


async def test_a_server_error_is_tried_again() -> None:
    clock = Clock()
    telegram = Telegram(TelegramServerError(METHOD, "Bad Gateway"), "creator")
    assert await admins(clock).is_admin(-100, 7, telegram)
    assert len(telegram.calls) == 2 and clock.slept == [0.5]


async def test_a_short_flood_wait_is_waited_out() -> None:
    clock = Clock()
    telegram = Telegram(TelegramRetryAfter(METHOD, "Too Many Requests", 3), "administrator")
    assert await admins(clock).is_admin(-100, 7, telegram)
    assert clock.slept == [3]


async def test_a_long_flood_wait_fails_the_check_and_nothing_is_remembered() -> None:
    clock = Clock()
    cache = admins(clock)
    telegram = Telegram(TelegramRetryAfter(METHOD, "Too Many Requests", 30))
    with pytest.raises(CheckFailed):
        await cache.is_admin(-100, 7, telegram)
    assert clock.slept == [] and cache.cached(-100, 7) is None


async def test_telegram_failing_every_time_fails_the_check() -> None:
    clock = Clock()
    telegram = Telegram(*(TelegramServerError(METHOD, "Internal Server Error"),) * 3)
    with pytest.raises(CheckFailed):
        await admins(clock).is_admin(-100, 7, telegram)
    assert len(telegram.calls) == 3


async def test_a_person_telegram_does_not_know_there_is_no_administrator() -> None:
    clock = Clock()
    telegram = Telegram(TelegramBadRequest(METHOD, "Bad Request: user not found"))
    assert not await admins(clock).is_admin(-100, 7, telegram)
    assert len(telegram.calls) == 1
