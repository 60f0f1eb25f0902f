"""Wire-service and press-release boilerplate (issue 12): datelines, header lines, trailer
sections and credit leftovers, in Russian and English, and the invariants every summary keeps."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.summarize import clean, explain, summarize
from bot.summarize.cleaning import clean_explained
from tests.summarize_fixtures import RELEASES, Release, pasted

REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO.parent / "shared" / "eval" / "summaries"

RU_BODY = (
    "Правительство утвердило программу поддержки малого бизнеса на 2025 год. "
    "На льготные кредиты направят 40 млрд рублей."
)
EN_BODY = (
    "The city council approved a new budget for public transport on Tuesday. "
    "The plan adds 120 buses and two tram lines by 2026."
)


def _lines(text: str) -> list[str]:
    return [line for line in clean(text).split("\n") if line]


# --- datelines -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dateline",
    [
        "ALMATY, Kazakhstan, March 3, 2026 /PRNewswire/ -- ",
        "ALMATY, Kazakhstan--(BUSINESS WIRE)--",
        "TORONTO, March 3, 2026 /CNW/ - ",
        "ALMATY, Kazakhstan, March 03, 2026 (GLOBE NEWSWIRE) -- ",
        "ALMATY, Kazakhstan, March 03, 2026 -- GLOBE NEWSWIRE -- ",
        "KARAGANDA, KAZAKHSTAN, March 3, 2026 /EINPresswire.com/ -- ",
        "ST. LOUIS, March 3, 2026 /PRNewswire/ -- ",
        "ASTANA (Reuters) - ",
        "WASHINGTON (AP) — ",
    ],
)
def test_english_wire_datelines_are_removed(dateline: str) -> None:
    assert clean(dateline + EN_BODY) == EN_BODY


@pytest.mark.parametrize(
    "dateline",
    [
        "МОСКВА, 2 дек — РИА Новости. ",
        "МОСКВА, 3 марта. /ИТАР-ТАСС/. ",
        "МОСКВА, 3 мар (Интерфакс) - ",
        "Москва. 3 марта. INTERFAX.RU - ",
        "САНКТ-ПЕТЕРБУРГ, 3 мар — Sputnik. ",
        "АСТАНА, 3 марта 2026 г. — Sputnik. ",
    ],
)
def test_russian_wire_datelines_are_removed(dateline: str) -> None:
    assert clean(dateline + RU_BODY) == RU_BODY


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Участники подвели итоги форума в МинскеМИНСК, 3 мар. — Sputnik. Министр экономики "
            "заявил, что соглашения подписаны.",
            [
                "Участники подвели итоги форума в Минске",
                "Министр экономики заявил, что соглашения подписаны.",
            ],
        ),
        (
            "Итоги форума подведены. МИНСК, 3 мар. — Sputnik. Министр экономики заявил, что "
            "соглашения подписаны.",
            ["Итоги форума подведены.", "Министр экономики заявил, что соглашения подписаны."],
        ),
        (
            "Leaders met to sign the grid deal in AstanaASTANA, March 3 (Reuters) - The five "
            "leaders signed the deal on Friday.",
            [
                "Leaders met to sign the grid deal in Astana",
                "The five leaders signed the deal on Friday.",
            ],
        ),
    ],
)
def test_a_dateline_glued_to_the_text_before_it_is_cut_out(raw: str, expected: list[str]) -> None:
    assert _lines(raw) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Apple released iOS 19 and the new iPhone in Cupertino on Monday.",
        "The company moved to NEW YORK, where it has rented three floors.",
        "Компания «Ромашка» перенесла офис в Москву, 3 марта она открыла его.",
        "В ООО «ТМК» заявили, что завод будет работать без остановки.",
    ],
)
def test_text_that_only_looks_like_a_dateline_is_kept(sentence: str) -> None:
    assert clean(sentence) == sentence


# --- press-release trailers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "About Steppe Energy",
        "About the Company",
        "About Maple Robotics Inc.",
        "ABOUT 3M",
        "Forward-Looking Statements",
        "Cautionary Note Regarding Forward-Looking Statements",
        "Safe Harbor Statement",
        "This press release contains forward-looking statements about the project.",
        "Media Contact:",
        "Media Contacts: Jane Doe, +1 555 0100",
        "Investor Relations",
        "For more information, please contact:",
        "###",
        "# # #",
        "-30-",
        "SOURCE Steppe Energy",
        "Related Links",
    ],
)
def test_english_trailer_sections_end_the_release(heading: str) -> None:
    tail = "Steppe Energy is Kazakhstan's largest independent power producer since 2004."
    assert clean(f"{EN_BODY}\n{heading}\n{tail}\nPress office: +7 727 000 0000") == EN_BODY


@pytest.mark.parametrize(
    "heading",
    [
        "О компании",
        "О компании «Северный ветер»",
        "Об ООО «Ромашка»",
        "Справка",
        "Справка о компании",
        "Справка: фонд основан в 2015 году.",
        "Контакты для СМИ:",
        "Пресс-служба: +7 843 000-00-00",
        "Контактная информация",
        "Заявления прогнозного характера",
    ],
)
def test_russian_trailer_sections_end_the_release(heading: str) -> None:
    tail = "«Северный ветер» — крупнейший в России производитель ветрогенераторов."
    assert clean(f"{RU_BODY}\n{heading}\n{tail}\nТел.: +7 843 000-00-00") == RU_BODY


@pytest.mark.parametrize(
    "line",
    [
        "About 40 fishing boats returned to their berths within hours.",
        "About 40 boats returned.",
        "Investor relations were strained after the profit warning.",
        "Пресс-служба компании сообщила, что завод заработает в мае.",
        "Справка о доходах была подана вовремя.",
        "О погоде на выходных рассказали синоптики.",
        "Contacts between the two companies began in 2019, the report said.",
    ],
)
def test_sentences_that_start_like_a_trailer_heading_are_kept(line: str) -> None:
    assert clean(f"{EN_BODY}\n{line}\n{RU_BODY}") == f"{EN_BODY}\n{line}\n{RU_BODY}"


def test_a_trailer_heading_before_any_text_goes_alone() -> None:
    raw = f"Media contact: Jane Doe, +1 555 0100\n{EN_BODY}"
    assert clean(raw) == EN_BODY


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "The plant opened on Monday, said Aigerim Sadykova. About Steppe Energy Steppe "
            "Energy is Kazakhstan's largest independent power producer.",
            "The plant opened on Monday, said Aigerim Sadykova.",
        ),
        (
            "Завод открыли в понедельник. Справка: компания основана в 2012 году и владеет "
            "четырьмя заводами.",
            "Завод открыли в понедельник.",
        ),
    ],
)
def test_a_trailer_pasted_into_a_paragraph_ends_the_release(raw: str, expected: str) -> None:
    assert clean(f"{raw}\n{EN_BODY}") == expected


# --- wire header lines ---------------------------------------------------------------------


def test_wire_header_lines_at_the_top_are_removed() -> None:
    raw = (
        "NEWS PROVIDED BY\nSteppe Energy\nMar 03, 2026, 08:00 ET\nSHARE THIS ARTICLE\n"
        "FOR IMMEDIATE RELEASE\n"
        f"{EN_BODY} Click to Tweet"
    )
    assert clean(raw) == EN_BODY


def test_russian_header_and_date_lines_are_removed() -> None:
    assert clean(f"Пресс-релиз\n3 марта 2026, 10:00\n{RU_BODY}") == RU_BODY


# --- credit leftovers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            f"{RU_BODY}\n© Sputnik / Виктор Толочко/POOL / Президент Белоруссии на форуме",
            RU_BODY,
        ),
        (
            f"{EN_BODY}\n© Reuters / Jane Roe/POOL / Delegates at the opening session",
            EN_BODY,
        ),
        (f"{EN_BODY}\n© AP / John Roe/AFP/POOL", EN_BODY),
        (f"{EN_BODY}\n© 2026 Steppe Energy. All rights reserved.", EN_BODY),
        (f"{RU_BODY}\n© 2026 ООО «Ромашка». Все права защищены.", RU_BODY),
    ],
)
def test_credits_with_several_slashes_leave_nothing(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_a_long_text_after_a_credit_slash_is_kept_without_the_slash() -> None:
    news = (
        "Министр экономики Белоруссии заявил, что на форуме подписаны соглашения на два "
        "миллиарда долларов, большая часть которых касается строительства заводов, "
        "логистических центров и новых дорог в восточных областях страны до 2030 года."
    )
    assert clean(f"© Sputnik / Виктор Толочко/POOL / {news}") == news


@pytest.mark.parametrize(
    "raw",
    [
        f"{RU_BODY}\nФото: пресс-служба форума\nУчастники форума в главном зале.\n"
        "© Sputnik / Ирина Петрова",
        f"{EN_BODY}\n© Reuters / Jane Roe Delegates in the main hall. © AP / John Doe",
    ],
)
def test_a_caption_between_two_credits_is_removed(raw: str) -> None:
    assert _lines(raw) == [RU_BODY if "Правительство" in raw else EN_BODY]


def test_a_news_paragraph_between_two_photos_is_kept() -> None:
    news = (
        "МИНСК, 3 мар. — Sputnik. Президент Белоруссии открыл экономический форум и призвал "
        "инвесторов вкладываться в переработку сельхозпродукции."
    )
    raw = f"© Sputnik / Виктор Толочко\n{news}\nФото: пресс-служба форума\n{RU_BODY}"
    assert _lines(raw)[0].startswith("Президент Белоруссии открыл экономический форум")


@pytest.mark.parametrize(
    "raw",
    [
        f"Delegates during a break\n{EN_BODY}\nDelegates during a break",
        f"Delegates during a break\nPhoto: Summit press office\n{EN_BODY}\n"
        "Delegates during a break",
        f"Участники форума в главном зале\n{RU_BODY}\nУчастники форума в главном зале",
    ],
)
def test_a_caption_repeated_within_a_few_lines_is_removed(raw: str) -> None:
    assert _lines(raw) == [RU_BODY if "Правительство" in raw else EN_BODY]


def test_a_sentence_starting_with_a_credit_leftover_is_never_picked() -> None:
    # In the middle of a paragraph cleaning cannot tell the leftover from text; ranking can.
    text = f"{RU_BODY} /POOL / Делегаты форума в главном зале перед началом заседания."
    _, scored = explain(text, sentences=3)
    leftover = [s for s in scored if s.sentence.text.startswith("/")]
    assert leftover
    assert all(not s.selected and s.note == "credit leftover" for s in leftover)


# --- the fixtures: whole releases ----------------------------------------------------------


@pytest.mark.parametrize("release", RELEASES, ids=lambda r: r.name)
def test_each_release_summary_leads_with_its_news(release: Release) -> None:
    for title in (release.title, None):
        summary = summarize(pasted(release), sentences=1, title=title)
        assert summary.startswith(release.lead)


@pytest.mark.parametrize("release", [r for r in RELEASES if r.trailer], ids=lambda r: r.name)
def test_each_release_loses_its_trailer_sections(release: Release) -> None:
    cleaned = clean(pasted(release))
    assert cleaned == clean(release.text)
    for line in release.trailer.split("\n"):
        assert line not in cleaned


# --- invariants over every fixture and every evaluation article ----------------------------

# A lower-case letter followed by two or more capitals ("МинскеМИНСК"): two words pasted
# together. A brand written as one word has at most two lower-case letters before its
# capitals ("iOS", "eSIM", "mRNA") and must be in the source as written.
_GLUED_WORD = re.compile(r"[^\W\d_]*[a-zа-яё][A-ZА-ЯЁ]{2,}[^\W\d_]*")
_PREFIX = re.compile(r"^[^\W\d_]*?[a-zа-яё](?=[A-ZА-ЯЁ]{2})")
# The tests' own list of where trailer sections start, kept apart from the cleaning rules.
_TRAILER_STARTS = (
    "About ",
    "ABOUT ",
    "О компании",
    "Справка",
    "Forward-Looking",
    "Forward-looking",
    "Safe Harbor",
    "Media Contact",
    "Контакты для СМИ",
    "Пресс-служба:",
    "Investor Relations",
    "###",
    "-30-",
    "SOURCE ",
    "Related Links",
)


def _documents() -> list[tuple[str, str, str | None, str]]:
    """(name, text, title, trailer) of every fixture and every evaluation article."""
    documents: list[tuple[str, str, str | None, str]] = [
        (r.name, pasted(r), r.title, r.trailer) for r in RELEASES
    ]
    for path in sorted(EVAL_DIR.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            row = json.loads(line)
            text = row.get("text_raw_html") or row["text"]
            documents.append((f"{path.stem}#{number}", text, row.get("title"), ""))
    return documents


def _trailer_of(text: str) -> str:
    lines = text.split("\n")
    for index, line in enumerate(lines[1:], 1):
        if line.strip().startswith(_TRAILER_STARTS):
            return "\n".join(lines[index:])
    return ""


def test_every_summary_keeps_the_invariants() -> None:
    documents = _documents()
    assert len(documents) > len(RELEASES) or not EVAL_DIR.is_dir()
    problems = []
    for name, text, title, trailer in documents:
        trailer = trailer or _trailer_of(text)
        body = text[: len(text) - len(trailer)] if trailer else text
        for count in (1, 3):
            for guide in (title, None):
                _, scored = explain(text, sentences=count, title=guide)
                for part in (s.sentence.text for s in scored if s.selected):
                    if part.startswith(("/", "©")):
                        problems.append((name, "starts with a credit mark", part))
                    for word in _GLUED_WORD.findall(part):
                        prefix = _PREFIX.match(word)
                        if not (prefix and len(prefix.group()) <= 2 and word in text):
                            problems.append((name, f"glued word {word}", part))
                    if trailer and part not in body and part in trailer:
                        problems.append((name, "sentence from a trailer", part))
    assert problems == []


# --- --explain -----------------------------------------------------------------------------


def test_clean_explained_names_the_rule_for_each_removal() -> None:
    cleaned, removed = clean_explained(pasted(RELEASES[0]))
    assert cleaned == clean(pasted(RELEASES[0]))
    rules = {r.rule for r in removed}
    assert {
        "wire header line",
        "date line",
        "dateline",
        "rating or navigation widget",
        "trailer: 'About' section",
    } <= rules
    about = next(r for r in removed if r.rule == "trailer: 'About' section")
    assert about.text.startswith("About Steppe Energy\n")
    assert about.text.endswith("https://steppe-energy.example")


def test_cli_explain_lists_what_cleaning_removed(tmp_path: Path) -> None:
    release = tmp_path / "release.txt"
    release.write_text(pasted(RELEASES[0]), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot.summarize", str(release), "--explain"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    removed = result.stdout.split("removed by cleaning:\n", 1)[1].splitlines()
    assert "- [dateline] ALMATY, Kazakhstan, March 3, 2026 /PRNewswire/ --" in removed
    assert any(line.startswith("- [trailer: 'About' section] About Steppe") for line in removed)
    assert all(len(line) <= 200 for line in removed)
