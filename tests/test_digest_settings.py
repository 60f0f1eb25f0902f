"""Digest settings end to end: weekday, a digest on top of releases as they come, time zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import texts
from storage import subscribers
from tests.harness import Pressroom


async def test_weekly_reader_picks_the_day(pressroom: Pressroom) -> None:
    reader = pressroom.user(31)
    await pressroom.say(reader, "/start")
    view = await pressroom.say(reader, "/settings")
    assert not any(b["text"].startswith("Day:") for b in view.buttons)

    await pressroom.press(reader, view, "Weekly digest")
    view = pressroom.current(view)
    assert "Delivery: weekly digest" in view.content and "Digest day: Monday" in view.content
    await pressroom.press(reader, view, "Day: Monday")
    picker = pressroom.current(view)
    assert "On which day" in picker.content and picker.button("✓ Monday")
    answer = await pressroom.press(reader, picker, "Wednesday")
    assert answer.text == "Saved"
    view = pressroom.current(view)
    assert "Digest day: Wednesday" in view.content and view.button("Day: Wednesday")

    await pressroom.press(reader, view, "Daily digest")
    view = pressroom.current(view)
    assert "Digest day" not in view.content
    stored = await subscribers.get(pressroom.db, reader)
    assert stored is not None and (stored.digest, stored.digest_weekday) == ("daily", 2)


async def test_a_digest_on_top_of_releases_as_they_come(pressroom: Pressroom) -> None:
    reader = pressroom.user(32)
    await pressroom.say(reader, "/start")
    view = await pressroom.say(reader, "/settings")
    await pressroom.press(reader, view, "+ daily digest")
    view = pressroom.current(view)
    assert "Delivery: every release as it comes + daily digest" in view.content
    assert view.button("✓ As they come") and view.button("✓ + daily digest")

    await pressroom.press(reader, view, "+ weekly digest")
    view = pressroom.current(view)
    assert "as it comes + weekly digest" in view.content and view.button("Day: Monday")

    # Pausing hides the choice; resuming "as they come" keeps the digest taken on top.
    await pressroom.press(reader, view, "Paused")
    view = pressroom.current(view)
    assert not any(
        "digest" in b["text"] and b["text"].startswith(("+", "✓ +")) for b in view.buttons
    )
    await pressroom.press(reader, view, "As they come")
    view = pressroom.current(view)
    assert "as it comes + weekly digest" in view.content

    await pressroom.press(reader, view, "✓ + weekly digest")
    view = pressroom.current(view)
    assert "Delivery: every release as it comes\n" in view.content
    stored = await subscribers.get(pressroom.db, reader)
    assert stored is not None and stored.mode == "instant"


async def test_own_time_zone_and_back_to_the_press_centres(pressroom: Pressroom) -> None:
    reader = pressroom.user(33, language="ru")
    await pressroom.say(reader, "/start")
    view = await pressroom.say(reader, "/settings")
    await pressroom.press(reader, view, "Часовой пояс: Europe/Moscow")
    picker = pressroom.current(view)
    assert "Сейчас: Europe/Moscow" in picker.content
    assert picker.button("✓ Время пресс-центра (Europe/Moscow)") and picker.button("Киев")
    await pressroom.press(reader, picker, "Владивосток")
    view = pressroom.current(view)
    assert "Час дайджеста: 09:00 (Asia/Vladivostok)" in view.content
    stored = await subscribers.get(pressroom.db, reader)
    assert stored is not None and stored.timezone == "Asia/Vladivostok"

    await pressroom.press(reader, view, "Часовой пояс: Asia/Vladivostok")
    picker = pressroom.current(view)
    assert picker.button("✓ Владивосток")
    await pressroom.press(reader, picker, "Время пресс-центра (Europe/Moscow)")
    view = pressroom.current(view)
    assert "Час дайджеста: 09:00 (Europe/Moscow)" in view.content
    stored = await subscribers.get(pressroom.db, reader)
    assert stored is not None and stored.timezone is None


def test_every_offered_zone_is_known_and_named_in_both_languages() -> None:
    for key, name in texts.TIME_ZONES:
        assert ZoneInfo(key).key == key
        assert name.ru and name.en
    assert len({key for key, _ in texts.TIME_ZONES}) == len(texts.TIME_ZONES)
    assert all(day.ru and day.en for day in texts.WEEKDAYS) and len(texts.WEEKDAYS) == 7


async def test_forged_digest_settings_change_nothing(pressroom: Pressroom) -> None:
    reader = pressroom.user(34)
    await pressroom.say(reader, "/start")
    view = await pressroom.say(reader, "/settings")
    await pressroom.press(reader, view, "Daily digest")
    view = pressroom.current(view)
    # "+ daily digest" is not offered to a digest-only reader; a forged press is refused.
    for data in ("set:Z:15", "set:Z:-1", "set:D:7", "set:a:2", "set:a:0"):
        answer = await pressroom.press_data(reader, view, data, forge=True)
        assert answer.text == texts.STALE_BUTTON.en, data
    stored = await subscribers.get(pressroom.db, reader)
    assert stored is not None
    assert (stored.mode, stored.digest_weekday, stored.timezone) == ("daily", 0, None)
