"""End to end, as staff: /post (dialog and quick form), the preview and its four buttons,
/releases, /release N, /edit N, /retract N, /cancel; and readers receiving what staff saw."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from storage import releases, subscribers, votes
from tests.harness import STAFF_ID, Pressroom
from tests.publishing_kit import BODY, post, preview_after, publish, readers

LINK = "https://volga.example/news/kazan-plant"


async def test_post_dialog_preview_and_publish_now(pressroom: Pressroom) -> None:
    english, russian, paused, weekly = await readers(pressroom, 11, 12, 13, 14)
    await pressroom.languages.set(russian, "ru")
    await subscribers.set_delivery(pressroom.db, paused, instant=True, digest="off", paused=True)
    await subscribers.set_delivery(
        pressroom.db, weekly, instant=False, digest="weekly", paused=False
    )

    assert (await pressroom.say(STAFF_ID, "/post")).content == texts.POST_ASK_TITLE.en
    ask = await pressroom.say(STAFF_ID, "Volga Motors opens <Kazan> plant")
    assert ask.content == texts.POST_ASK_BODY.en
    ask = await pressroom.say(STAFF_ID, BODY)
    assert ask.content.startswith("A link to the full text?")
    preview = await preview_after(pressroom, pressroom.emulator.send_text(STAFF_ID, LINK))

    assert preview.view.spans("bold") == ["Volga Motors opens <Kazan> plant"]
    assert "40,000 electric vans a year & employ 1,200 people" in preview.view.content
    assert preview.view.content.endswith("Full text: volga.example")
    assert [b["text"] for b in preview.view.buttons] == ["1 ★", "2 ★", "3 ★", "4 ★", "5 ★"]
    assert "Release #1 · draft" in preview.controls.content
    assert "Readers who get it at once: 2." in preview.controls.content
    assert [b["text"] for b in preview.controls.buttons] == [
        "Publish now",
        "Schedule",
        "Edit summary",
        "Cancel",
    ]
    assert preview.release.status == "draft" and preview.release.link == LINK

    answer = await pressroom.press(STAFF_ID, preview.controls, "Publish now")
    assert answer.text is None
    got_en = (await pressroom.emulator.wait_for_messages(english, 2))[-1]
    got_ru = (await pressroom.emulator.wait_for_messages(russian, 2))[-1]
    assert got_en.content == preview.view.content
    assert got_en.buttons == preview.view.buttons
    assert got_ru.content.endswith("Полный текст: volga.example")
    assert got_ru.spans("bold") == ["Volga Motors opens <Kazan> plant"]
    controls = pressroom.current(preview.controls)
    assert controls.content == "Release #1 is going out to 2 readers." and not controls.buttons
    await pressroom.emulator.wait_for(
        lambda: "is out" in pressroom.emulator.last_message(STAFF_ID).content, 10
    )
    assert len(pressroom.emulator.messages(paused)) == 1  # only the /start greeting
    assert len(pressroom.emulator.messages(weekly)) == 1
    stored = await releases.get(pressroom.db, preview.release.id)
    assert stored is not None and stored.status == "sent"


async def test_quick_form_in_russian_with_source_line(pressroom: Pressroom) -> None:
    pressroom.user(STAFF_ID, language="ru")
    text = (
        "Завод в Казани открыт\n"
        "Завод компании «Волга Моторс» открылся в понедельник. Он будет выпускать 40 000 "
        "электрофургонов в год.\nИсточник: https://volga.example/ru/news/1\n"
    )
    preview = await post(pressroom, text)
    assert preview.release.title == "Завод в Казани открыт"
    assert preview.release.link == "https://volga.example/ru/news/1"
    assert "Источник" not in preview.release.body and preview.release.language == "ru"
    assert preview.view.content.startswith("Завод в Казани открыт\n\nЗавод компании")
    assert preview.view.content.endswith("Полный текст: volga.example")
    assert "Релиз #1 · черновик" in preview.controls.content
    assert [b["text"] for b in preview.controls.buttons] == [
        "Опубликовать сейчас",
        "Запланировать",
        "Изменить краткое содержание",
        "Отменить",
    ]


async def test_quick_form_link_alone_on_the_last_line_and_a_photo(pressroom: Pressroom) -> None:
    preview = await post(pressroom, f"Plant opens\n{BODY}\n\n{LINK}")
    assert preview.release.link == LINK and LINK not in preview.release.body

    action = pressroom.emulator.send_photo(STAFF_ID, caption=f"/post Plant opens\n{BODY}")
    photo = await preview_after(pressroom, action)
    assert photo.release.photo_file_id is not None and photo.release.link is None
    assert photo.view.photo and photo.view.caption and photo.view.caption.startswith("Plant")
    assert photo.view.buttons[0]["text"] == "1 ★"


async def test_a_restart_mid_dialog_keeps_what_staff_typed(pressroom: Pressroom) -> None:
    await pressroom.say(STAFF_ID, "/post")
    ask = await pressroom.say(STAFF_ID, "Volga Motors opens Kazan plant")
    assert ask.content == texts.POST_ASK_BODY.en
    await pressroom.restart()
    ask = await pressroom.say(STAFF_ID, BODY)
    assert ask.content.startswith("A link to the full text?")
    preview = await preview_after(pressroom, pressroom.emulator.send_text(STAFF_ID, LINK))
    assert preview.view.spans("bold") == ["Volga Motors opens Kazan plant"]
    assert preview.release.link == LINK
    # The dialog ended with the draft: nothing of it is left to resurface later.
    assert await pressroom.db.fetchall("SELECT key FROM dialogs") == []


async def test_dialog_takes_a_photo_or_a_forwarded_post(pressroom: Pressroom) -> None:
    reader = (await readers(pressroom, 21))[0]
    await pressroom.say(STAFF_ID, "/post")
    await pressroom.say(STAFF_ID, "Plant opens")
    await pressroom.new_messages(STAFF_ID, pressroom.emulator.send_photo(STAFF_ID, caption=BODY))
    photo = await preview_after(pressroom, pressroom.emulator.send_text(STAFF_ID, "skip"))
    assert photo.release.photo_file_id and photo.release.body == BODY
    assert photo.view.photo and "electric vans" in photo.view.content

    await pressroom.say(STAFF_ID, "/post")
    await pressroom.say(STAFF_ID, "Forwarded news")
    await pressroom.new_messages(STAFF_ID, pressroom.emulator.send_forward(STAFF_ID, BODY))
    forwarded = await preview_after(pressroom, pressroom.emulator.send_text(STAFF_ID, "-"))
    assert forwarded.release.body == BODY and forwarded.release.link is None
    assert forwarded.release.photo_file_id is None

    # A photo captioned just "/post" starts the dialog and is not forgotten.
    await pressroom.new_messages(
        STAFF_ID, pressroom.emulator.send_photo(STAFF_ID, caption="/post")
    )
    await pressroom.say(STAFF_ID, "Photo first")
    await pressroom.say(STAFF_ID, BODY)
    late = await preview_after(pressroom, pressroom.emulator.send_text(STAFF_ID, "skip"))
    assert late.release.photo_file_id and late.view.photo

    await pressroom.press(STAFF_ID, photo.controls, "Publish now")
    got = (await pressroom.emulator.wait_for_messages(reader, 2))[-1]
    assert got.photo and got.content == photo.view.content
    assert [b["text"] for b in got.buttons] == ["1 ★", "2 ★", "3 ★", "4 ★", "5 ★"]


async def test_dialog_answers_bad_input_and_keeps_waiting(pressroom: Pressroom) -> None:
    await pressroom.say(STAFF_ID, "/post")
    reply = await pressroom.say(STAFF_ID, "x" * 300)
    assert reply.content == texts.TITLE_TOO_LONG.en.format(length=300, limit=256)
    await pressroom.say(STAFF_ID, "Plant opens")
    assert (await pressroom.say(STAFF_ID, "/nonsense")).content == texts.UNKNOWN_COMMAND.en
    await pressroom.say(STAFF_ID, BODY)
    reply = await pressroom.say(STAFF_ID, "volga dot example")
    assert reply.content == texts.LINK_INVALID.en
    # A staff command in the middle of a dialog works and the dialog goes on.
    assert "No releases yet" in (await pressroom.say(STAFF_ID, "/releases")).content
    preview = await preview_after(pressroom, pressroom.emulator.send_text(STAFF_ID, LINK))
    assert preview.release.title == "Plant opens" and preview.release.link == LINK


async def test_cancel_leaves_the_dialog_and_the_cancel_button_drops_the_draft(
    pressroom: Pressroom,
) -> None:
    await pressroom.say(STAFF_ID, "/post")
    await pressroom.say(STAFF_ID, "Plant opens")
    assert (await pressroom.say(STAFF_ID, "/cancel")).content == texts.DIALOG_LEFT.en
    assert (await pressroom.say(STAFF_ID, "/cancel")).content == texts.NO_DIALOG.en
    assert (await pressroom.say(STAFF_ID, "Plant opens")).content == texts.NOT_A_COMMAND.en
    assert await releases.recent(pressroom.db) == []

    preview = await post(pressroom, f"Plant opens\n{BODY}")
    publish_data = preview.controls.button("Publish now")["callback_data"]
    answer = await pressroom.press(STAFF_ID, preview.controls, "Cancel")
    assert answer.text is None
    assert (
        pressroom.current(preview.controls).content
        == "Release #1 is cancelled; it was not sent to anyone."
    )
    assert await releases.get(pressroom.db, preview.release.id) is None
    answer = await pressroom.press_data(STAFF_ID, preview.controls, publish_data, forge=True)
    assert answer.text == "There is no release #1. The numbers are in /releases."


@pytest.mark.parametrize(
    ("language", "when", "past", "shown"),
    [
        ("en", "tomorrow 9:00", "2020-01-01 10:00", "%Y-%m-%d 09:00"),
        ("ru", "завтра 9:00", "01.01.2020 10:00", "%d.%m.%Y 09:00"),
    ],
)
async def test_schedule(
    pressroom: Pressroom, language: str, when: str, past: str, shown: str
) -> None:
    pressroom.user(STAFF_ID, language=language)
    reader = (await readers(pressroom, 31))[0]
    preview = await post(pressroom, f"Plant opens\n{BODY}")
    ask = await pressroom.new_messages(
        STAFF_ID,
        pressroom.press(STAFF_ID, preview.controls, preview.controls.buttons[1]["text"]),
        1,
    )
    assert "Europe/Moscow" in ask[0].content and "9:00" in ask[0].content
    unreadable = await pressroom.say(STAFF_ID, "someday")
    assert "someday" in unreadable.content and "/cancel" in unreadable.content
    assert "2020" in (await pressroom.say(STAFF_ID, past)).content
    assert await releases.due_scheduled(pressroom.db, time.time() + 10**9) == []

    zone = ZoneInfo("Europe/Moscow")
    before = datetime.now(zone)
    reply = await pressroom.say(STAFF_ID, when)
    tomorrow = (before + timedelta(days=1)).strftime(shown)
    assert tomorrow in reply.content and f"/release {preview.release.id}" in reply.content
    stored = await releases.get(pressroom.db, preview.release.id)
    assert stored is not None and stored.status == "scheduled" and stored.scheduled_at
    expected = datetime.combine(
        before.date() + timedelta(days=1), datetime.min.time(), zone
    ).replace(hour=9)
    assert stored.scheduled_at == expected.timestamp()
    assert tomorrow in pressroom.current(preview.controls).content

    # /release N brings back the preview and the controls of a scheduled release.
    again = await pressroom.new_messages(
        STAFF_ID, pressroom.emulator.send_text(STAFF_ID, f"/release {stored.id}"), 2
    )
    assert again[0].content == preview.view.content and tomorrow in again[1].content

    # When it is due the engine sends it (here: made due now).
    await releases.schedule(pressroom.db, stored.id, time.time() - 1)
    pressroom.dispatcher["delivery"].wake()
    got = (await pressroom.emulator.wait_for_messages(reader, 2, timeout=10))[-1]
    assert got.spans("bold") == ["Plant opens"]


async def test_edit_summary_on_the_preview(pressroom: Pressroom) -> None:
    preview = await post(pressroom, f"Plant opens\n{BODY}\n{LINK}")
    ask = await pressroom.new_messages(
        STAFF_ID, pressroom.press(STAFF_ID, preview.controls, "Edit summary"), 1
    )
    assert ask[0].content.startswith("Send the new summary of release #1 (up to 4,")
    too_long = await pressroom.say(STAFF_ID, "Word " * 900)
    assert too_long.content.startswith("Too long: 4,499 characters")
    new = await pressroom.new_messages(
        STAFF_ID, pressroom.emulator.send_text(STAFF_ID, "A <new> summary & more."), 3
    )
    assert new[0].content == texts.EDITED_DRAFT.en.format(id=1)
    assert new[1].content == "Plant opens\n\nA <new> summary & more.\n\nFull text: volga.example"
    assert "written by staff" in new[2].content and new[2].buttons
    assert pressroom.current(preview.controls).buttons == []
    stored = await releases.get(pressroom.db, preview.release.id)
    assert stored is not None and stored.summary_edited and stored.status == "draft"


async def test_noise_only_body_needs_a_summary_before_publishing(pressroom: Pressroom) -> None:
    reader = (await readers(pressroom, 41))[0]
    preview = await post(pressroom, "Plant opens\nФото: ТАСС\nShare\nSubscribe")
    assert preview.release.summary == ""
    assert "No summary could be made" in preview.controls.content
    assert preview.view.content == "Plant opens"
    for label in ("Publish now", "Schedule"):
        answer = await pressroom.press(STAFF_ID, preview.controls, label)
        assert answer.text == texts.NEED_SUMMARY.en.format(id=1) and answer.show_alert
    assert len(pressroom.emulator.messages(reader)) == 1
    stored = await releases.get(pressroom.db, preview.release.id)
    assert stored is not None and stored.status == "draft"


async def test_releases_list_and_one_release_report(pressroom: Pressroom) -> None:
    first, second = await readers(pressroom, 51, 52)
    release, got = await publish(pressroom, f"Plant opens\n{BODY}", first, second)
    await pressroom.press(first, got[first], "5 ★")
    await pressroom.press(second, got[second], "4 ★")
    await post(pressroom, "A draft & <more>\nSome body text here. And more.")

    listing = await pressroom.say(STAFF_ID, "/releases")
    assert "#2 · draft · A draft & <more>" in listing.content
    assert "#1 · sent · Plant opens\n    delivered 2 · failed 0 · ★ 4.5 (2 votes)" in (
        listing.content
    )
    report = await pressroom.say(STAFF_ID, f"/release {release.id}")
    assert report.content.startswith("#1 · Plant opens\nStatus: sent")
    assert "Delivery: delivered 2 of 2" in report.content
    assert "Ratings: average 4.5 from 2 votes" in report.content
    assert "5 ★ ████████████ 1\n4 ★ ████████████ 1\n3 ★  0" in report.content

    pressroom.user(STAFF_ID, language="ru")
    report = await pressroom.say(STAFF_ID, "/release #1")
    assert "Оценки: средняя 4,5, всего 2" in report.content


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/release", "Which release? Send /release N, e.g. /release 12;"),
        ("/edit", "Which release? Send /edit N, e.g. /edit 12;"),
        ("/release abc", "“abc” is not a release number."),
        ("/retract -1", "“-1” is not a release number."),
        ("/release 999", "There is no release #999."),
        ("/edit 99999999999999999999", "There is no release #99999999999999999999."),
    ],
)
async def test_bad_release_numbers(pressroom: Pressroom, command: str, answer: str) -> None:
    assert (await pressroom.say(STAFF_ID, command)).content.startswith(answer)


async def test_edit_updates_every_delivered_copy(pressroom: Pressroom) -> None:
    first, second = await readers(pressroom, 61, 62)
    release, got = await publish(pressroom, f"Plant opens\n{BODY}\n{LINK}", first, second)
    await pressroom.press(first, got[first], "4 ★")

    choice = await pressroom.say(STAFF_ID, f"/edit {release.id}")
    assert [b["text"] for b in choice.buttons] == ["Title", "Summary", "Link"]
    ask = await pressroom.new_messages(STAFF_ID, pressroom.press(STAFF_ID, choice, "Title"), 1)
    assert ask[0].content.startswith("Send the new title of release #1")
    replies = await pressroom.new_messages(
        STAFF_ID, pressroom.emulator.send_text(STAFF_ID, "Plant opens early"), 2
    )
    assert replies[0].content.startswith("Release #1 is updated (revision 2).")
    assert replies[1].content == "Release #1: 2 delivered copies now show revision 2."
    for reader in (first, second):
        copy = pressroom.current(got[reader])
        assert copy.spans("bold") == ["Plant opens early"] and copy.edit_count >= 1
    assert pressroom.current(got[first]).button("✓ 4 ★")

    await pressroom.press(STAFF_ID, choice, "Link")
    replies = await pressroom.new_messages(
        STAFF_ID, pressroom.emulator.send_text(STAFF_ID, "-"), 2
    )
    assert "revision 3" in replies[1].content
    assert "Full text" not in pressroom.current(got[second]).content

    await pressroom.press(STAFF_ID, choice, "Title")
    same = await pressroom.say(STAFF_ID, "Plant opens early")
    assert same.content == texts.EDIT_UNCHANGED.en.format(id=1)
    stored = await releases.get(pressroom.db, release.id)
    assert stored is not None and (stored.revision, stored.link) == (3, None)


async def test_retract(pressroom: Pressroom) -> None:
    first, second = await readers(pressroom, 71, 72)
    release, got = await publish(pressroom, f"Plant opens\n{BODY}", first, second)

    question = await pressroom.say(STAFF_ID, f"/retract {release.id}")
    assert "Retract release #1 “Plant opens”?" in question.content
    await pressroom.press(STAFF_ID, question, "Keep it")
    assert pressroom.current(question).content == "Release #1 stays as it was."
    assert not pressroom.current(got[first]).deleted

    question = await pressroom.say(STAFF_ID, f"/retract {release.id}")
    await pressroom.press(STAFF_ID, question, "Retract")
    await pressroom.emulator.wait_for(
        lambda: pressroom.current(question).content.startswith("Release #1 is retracted."), 10
    )
    assert "Copies deleted: 2 · older than 48 hours, can't be deleted: 0" in (
        pressroom.current(question).content
    )
    assert pressroom.current(got[first]).deleted and pressroom.current(got[second]).deleted
    assert (
        await pressroom.say(STAFF_ID, "/retract 1")
    ).content == texts.ALREADY_RETRACTED.en.format(id=1)
    assert (await pressroom.say(STAFF_ID, "/edit 1")).content == texts.NOT_EDITABLE.en.format(id=1)
    assert "Status: retracted" in (await pressroom.say(STAFF_ID, "/release 1")).content


async def test_retract_after_48_hours_marks_copies(pressroom: Pressroom) -> None:
    reader = (await readers(pressroom, 81))[0]
    release, got = await publish(pressroom, f"Plant opens\n{BODY}", reader)
    pressroom.emulator.advance(49 * 3600)
    question = await pressroom.say(STAFF_ID, f"/retract {release.id}")
    await pressroom.press(STAFF_ID, question, "Retract")
    await pressroom.emulator.wait_for(
        lambda: "older than 48 hours, can't be deleted: 1" in pressroom.current(question).content,
        10,
    )
    assert not pressroom.current(got[reader]).deleted


async def test_retract_and_edit_need_a_published_release(pressroom: Pressroom) -> None:
    preview = await post(pressroom, f"Plant opens\n{BODY}")
    reply = await pressroom.say(STAFF_ID, f"/retract {preview.release.id}")
    assert reply.content.startswith("Release #1 has not been sent to anyone (draft).")


@pytest.mark.parametrize(
    "command",
    ["/post", "/post Title\nbody", "/cancel", "/releases", "/release 1", "/edit 1", "/retract 1"],
)
async def test_staff_commands_are_unknown_to_readers(pressroom: Pressroom, command: str) -> None:
    reader = pressroom.user(91, language="ru")
    assert (await pressroom.say(reader, command)).content == texts.UNKNOWN_COMMAND.ru
    assert await releases.recent(pressroom.db) == []


async def test_a_reader_pressing_forged_staff_buttons_changes_nothing(
    pressroom: Pressroom,
) -> None:
    preview = await post(pressroom, f"Plant opens\n{BODY}")
    reader = pressroom.user(92)
    await pressroom.say(reader, "/start")
    for action in ("p", "c", "r", "s"):
        data = f"rel:{action}:{preview.release.id}"
        answer = await pressroom.press_data(reader, preview.controls, data, forge=True)
        assert answer.text == texts.STALE_BUTTON.en
    stored = await releases.get(pressroom.db, preview.release.id)
    assert stored is not None and stored.status == "draft"
    assert await votes.distribution(pressroom.db, stored.id) == dict.fromkeys(range(1, 6), 0)
