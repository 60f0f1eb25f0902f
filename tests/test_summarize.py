"""Sentence splitting, the summarize() contract, a property test and the preview CLI."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from razdel import sentenize

from bot.summarize import MAX_CHARS, clean, detect_language, explain, summarize
from bot.summarize.ranking import is_quote_only
from bot.summarize.sentences import _sentenize, is_balanced, split_sentences

REPO = Path(__file__).resolve().parent.parent

RU_RELEASE = "\n".join(
    [
        "МОСКВА, 12 мар. — РИА Новости. Сбербанк снизил ставки по ипотеке на новостройки "
        "до 7,5% годовых, сообщила пресс-служба банка в среду.",
        "Новые условия действуют для всех заемщиков, подавших заявку после 12 марта, и "
        "распространяются на квартиры у аккредитованных застройщиков.",
        "По оценке аналитиков, снижение ставок по ипотеке может поддержать спрос на жилье"
        " в крупных городах.",
        "«Мы видим устойчивый интерес к ипотеке на новостройки и хотим сделать ее "
        "доступнее», — сказал заместитель председателя правления банка Иван Петров.",
        "Ранее о снижении ставок по ипотеке объявили ВТБ и Газпромбанк.",
        "В прошлом году рынок ипотеки вырос на 18%.",
        "Подписаться",
        "Похожие статьи",
        "ЦБ сохранил ключевую ставку",
    ]
)

EN_RELEASE = "\n".join(
    [
        "By Jane Doe",
        "LONDON (Reuters) - Northwind Energy will build Britain's largest battery storage"
        " plant near Leeds, the company said on Tuesday, in a project worth 400 million "
        "pounds.",
        "The plant will store enough electricity to power 300,000 homes for two hours and"
        " is due to start operating in 2027.",
        "Northwind said the battery plant would help the grid absorb more wind power, "
        "which is often curtailed on windy nights.",
        '"Storage is the missing piece of a clean grid," chief executive Mark Ellis said.',
        "Shares in Northwind rose 3% in early trading.",
        "The company has built four smaller battery storage sites in Scotland since 2019.",
        "Share this article",
        "Related articles",
        "Northwind profits rise",
    ]
)

QUOTE_LEAD = "\n".join(
    [
        '"We will not close a single branch this year, and we will open ten new ones in '
        'small towns."',
        "That was the promise made by Northbank chief executive Sarah Cole at the annual "
        "meeting in Leeds on Monday.",
        "The bank has 240 branches and closed 31 of them last year, mostly in rural areas.",
        "Northbank's profit rose 12% to 1.1 billion pounds, helped by higher interest rates.",
        "Analysts said the pledge was aimed at regulators, who have criticised branch closures.",
    ]
)


def _parts(text: str, *, sentences: int = 3, title: str | None = None) -> list[str]:
    _, scored = explain(text, sentences=sentences, title=title)
    return [s.sentence.text for s in scored if s.selected]


# --- sentence splitting --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Это т.е. пример. Он жил в г. Москве на ул. Ленина, д. 5. Потом переехал.",
            ["Это т.е. пример.", "Он жил в г. Москве на ул. Ленина, д. 5.", "Потом переехал."],
        ),
        (
            "А. С. Пушкин родился в 1799 г. в Москве. Его отец служил в армии.",
            ["А. С. Пушкин родился в 1799 г. в Москве.", "Его отец служил в армии."],
        ),
        (
            "«Мы пришли. Мы победим», — сказал он. Зал аплодировал.",
            ["«Мы пришли. Мы победим», — сказал он.", "Зал аплодировал."],
        ),
        (
            'Он ответил: "Нет. Никогда." Разговор закончился.',
            ['Он ответил: "Нет. Никогда."', "Разговор закончился."],
        ),
    ],
)
def test_russian_sentences(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text, "ru")] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith met U.S. officials on Monday. Dr. Jones was there too.",
            ["Mr. Smith met U.S. officials on Monday.", "Dr. Jones was there too."],
        ),
        (
            "Sen. John McCain spoke at 3 p.m. Friday in Phoenix. Gov. Jan Brewer did not.",
            ["Sen. John McCain spoke at 3 p.m. Friday in Phoenix.", "Gov. Jan Brewer did not."],
        ),
        (
            'He said: "We won. We will win again." Then he left.',
            ['He said: "We won. We will win again."', "Then he left."],
        ),
        (
            "J. K. Rowling lives in Edinburgh. She moved there in 1993.",
            ["J. K. Rowling lives in Edinburgh.", "She moved there in 1993."],
        ),
    ],
)
def test_english_sentences(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text, "en")] == expected


_SPLIT_ALPHABET = st.sampled_from(
    [
        "a",
        "Б",
        "т",
        "Word",
        "слово",
        "г",
        "т.е",
        "U.S",
        "1",
        "2)",
        "ii",
        "Mr",
        "J",
        ".",
        "!",
        "?",
        "…",
        ";",
        ":)",
        ";-(",
        "=(",
        "«",
        "»",
        '"',
        "„",
        "“",
        "”",
        "'",
        "’",
        "(",
        ")",
        "]",
        "—",
        "-",
        " ",
        "  ",
        "\u00a0",
        "_x",
        "école",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SPLIT_ALPHABET, max_size=60).map("".join))
def test_prefiltered_splitter_matches_razdel(text: str) -> None:
    assert _sentenize(text) == [s.text for s in sentenize(text)]


def test_a_paragraph_break_ends_a_sentence() -> None:
    sentences = split_sentences("Итоги года\nКомпания выросла на 5%.", "ru")
    assert [(s.index, s.paragraph, s.text) for s in sentences] == [
        (0, 0, "Итоги года"),
        (1, 1, "Компания выросла на 5%."),
    ]


@pytest.mark.parametrize(
    ("text", "balanced"),
    [
        ("«Да», — сказал он.", True),
        ("«Компания «Ромашка»» выросла.", True),
        ("«Начало цитаты.", False),
        ('He said "yes".', True),
        ('He said "yes.', False),
        ("“Quoted,” she said.", True),
        ("It’s fine.", True),
        ("„Да“, — сказал он.", True),
        ("„Да“ и “yes”.", True),
        ("„Начало.", False),
    ],
)
def test_quote_balance(text: str, *, balanced: bool) -> None:
    assert is_balanced(text) is balanced


# --- language ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (RU_RELEASE, "ru"),
        (EN_RELEASE, "en"),
        ("Компания Apple представила новый iPhone 16 Pro в Купертино.", "ru"),
        ("The Kremlin said «Газпром» would keep supplies steady through the winter.", "en"),
        ("", "en"),
    ],
)
def test_language_is_detected(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_explain_reports_detected_language() -> None:
    assert explain(RU_RELEASE)[0] == "ru"
    assert explain(EN_RELEASE)[0] == "en"


# --- the summarize() contract --------------------------------------------------------------


@pytest.mark.parametrize("release", [RU_RELEASE, EN_RELEASE, QUOTE_LEAD])
@pytest.mark.parametrize("count", [1, 2, 3])
def test_summary_is_whole_input_sentences_in_order(release: str, count: int) -> None:
    cleaned = clean(release)
    language = detect_language(cleaned)
    sentences = [s.text for s in split_sentences(cleaned, language)]
    parts = _parts(release, sentences=count)
    summary = summarize(release, sentences=count)

    assert summary == " ".join(parts)
    assert 1 <= len(parts) <= count
    indexes = [sentences.index(p) for p in parts]
    assert indexes == sorted(indexes)
    assert len(summary) <= MAX_CHARS
    assert is_balanced(summary)


def test_summary_leads_with_the_news_and_drops_furniture() -> None:
    ru = summarize(RU_RELEASE)
    assert ru.startswith("Сбербанк снизил ставки по ипотеке на новостройки до 7,5% годовых")
    assert "РИА Новости" not in ru
    assert "Подписаться" not in ru
    en = summarize(EN_RELEASE)
    assert en.startswith("Northwind Energy will build Britain's largest battery storage plant")
    assert "Reuters" not in en
    assert "Jane Doe" not in en


def test_summary_is_not_just_the_first_sentences() -> None:
    text = (
        "Officials gathered in the town hall on a grey morning.\n"
        "The weather had been cold for a week.\n"
        "The council voted to build a new hospital, and the hospital will open in 2027.\n"
        "The hospital will have 300 beds, and the council will fund the hospital from a new "
        "hospital levy.\n"
        "Residents have campaigned for a hospital in the town since 2015."
    )
    [first] = _parts(text, sentences=1)
    assert "hospital" in first
    assert not first.startswith(("Officials", "The weather"))


def test_summary_stays_within_the_character_budget() -> None:
    long_sentences = [
        f"Sentence {n} describes the new regional rail timetable in great detail, listing "
        "stations, connections, platform changes, ticket prices and the many late-night "
        "services that were added after passengers asked for them."
        for n in range(8)
    ]
    summary = summarize("\n".join(long_sentences), sentences=3)
    assert 0 < len(summary) <= MAX_CHARS
    assert summary.endswith(".")


def test_a_single_sentence_longer_than_the_budget_is_kept_whole() -> None:
    sentence = "The committee approved " + ", ".join(f"item {n}" for n in range(150)) + "."
    assert summarize(sentence, sentences=1) == sentence


def test_a_bare_quote_lead_comes_only_with_its_speaker() -> None:
    quote, speaker = QUOTE_LEAD.split("\n")[:2]
    assert is_quote_only(quote)
    for count in (1, 2, 3):
        parts = _parts(QUOTE_LEAD, sentences=count)
        if quote in parts:
            assert parts[parts.index(quote) + 1] == speaker
    assert quote not in _parts(QUOTE_LEAD, sentences=1)
    short = "\n".join(QUOTE_LEAD.split("\n")[:3])
    assert _parts(short, sentences=3)[:2] == [quote, speaker]


def test_a_quote_that_names_its_speaker_counts_as_reported() -> None:
    text = (
        "«Мы откроем три новых завода в Сибири до конца 2026 года», — заявил генеральный "
        "директор компании Петр Иванов на встрече с инвесторами.\n"
        "«Спрос на нашу продукцию в регионе растет быстрее, чем мы ожидали весной»."
    )
    _, scored = explain(text, sentences=1)
    notes = [item.note for item in scored]
    assert notes[0] == "direct quotation with its speaker"
    assert notes[1] == "direct quotation"
    assert scored[0].selected


@pytest.mark.parametrize(
    ("text", "quote_only"),
    [
        ("«Мы не закроем ни одного отделения».", True),
        ('"We will not close a single branch."', True),
        ("«Мы не закроем ни одного отделения», — сказал Петров.", False),
        ('"We will not close a branch," Cole said.', False),
        ("Cole said: «no closures».", False),
    ],
)
def test_quote_only_detection(text: str, *, quote_only: bool) -> None:
    assert is_quote_only(text) is quote_only


def test_title_guides_but_is_not_repeated() -> None:
    title = "Northwind to build Britain's largest battery plant near Leeds"
    text = f"{title}\n{EN_RELEASE}"
    summary = summarize(text, title=title)
    assert title not in summary
    assert summary.startswith("Northwind Energy will build")


def test_title_pulls_a_matching_sentence_forward() -> None:
    text = (
        "The regional council met on Thursday to discuss its annual plan.\n"
        "Councillors debated road repairs, school meals and library hours.\n"
        "The council agreed to ban cars from the old town square from June.\n"
        "The meeting lasted four hours."
    )
    plain = _parts(text, sentences=1)
    guided = _parts(text, sentences=1, title="Cars banned from old town square")
    assert guided == ["The council agreed to ban cars from the old town square from June."]
    assert plain != guided


def test_html_input_is_summarized_from_its_text() -> None:
    page = (
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article>"
        + "".join(f"<p>{line}</p>" for line in EN_RELEASE.split("\n")[1:7])
        + "</article><footer>Subscribe</footer></body></html>"
    )
    summary = summarize(page)
    assert summary.startswith("Northwind Energy will build Britain's largest")
    assert "<" not in summary
    assert "Home" not in summary


def test_language_can_be_forced() -> None:
    assert summarize(RU_RELEASE, language="ru") == summarize(RU_RELEASE)
    assert summarize(EN_RELEASE, language="en", sentences=1) == summarize(EN_RELEASE, sentences=1)


@pytest.mark.parametrize(
    "text", ["", "   ", "\n\n\t", "Подписаться\nПоделиться\nНаверх", "© Sputnik / Иван Иванов"]
)
def test_empty_or_noise_only_input_gives_empty_summary(text: str) -> None:
    assert summarize(text) == ""


def test_summary_is_fast_on_a_thousand_word_article() -> None:
    paragraph = EN_RELEASE.split("\n", 1)[1].rsplit("\n", 3)[0]
    article = "\n".join(paragraph.replace("2027", str(2027 + n)) for n in range(9))
    assert 900 <= len(article.split()) <= 1300
    summarize(article)
    best = min(_elapsed(article) for _ in range(3))
    # The target is 20 ms; the margin keeps a loaded CI machine from flaking.
    assert best < 0.1


def _elapsed(article: str) -> float:
    start = time.thread_time()
    summarize(article)
    return time.thread_time() - start


# --- property: arbitrary text ------------------------------------------------------------

_WORDS = st.sampled_from(
    [
        "Компания",
        "выросла",
        "на",
        "5%",
        "г.",
        "т.е.",
        "А.",
        "Пушкин",
        "The",
        "U.S.",
        "Mr.",
        "said",
        "plant",
        "«",
        "»",
        '"',
        "“",
        "”",
        "—",
        ".",
        "!",
        "?",
        "\n",
        "©",
        "Фото:",
        "Подписаться",
        "<p>",
        "</p>",
        "By",
        "PUBLISHED:",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=400), st.lists(_WORDS, max_size=80).map(" ".join)))
def test_any_text_gives_a_summary_made_of_its_sentences(text: str) -> None:
    summary = summarize(text)
    cleaned = clean(text)
    _, scored = explain(text)
    parts = [s.sentence.text for s in scored if s.selected]
    assert summary == " ".join(parts)
    assert all(part in cleaned for part in parts)
    assert bool(summary) == bool(parts)
    if not cleaned:
        assert summary == ""


# --- CLI -----------------------------------------------------------------------------------


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.summarize", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=30,
        check=False,
    )


def test_cli_previews_a_file(tmp_path: Path) -> None:
    release = tmp_path / "release.txt"
    release.write_text(RU_RELEASE, encoding="utf-8")
    result = _cli(str(release), "--sentences", "2", "--explain")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "language: ru"
    assert lines[1] == "summary:"
    assert lines[2] == summarize(RU_RELEASE, sentences=2)
    scores = [line for line in lines if line.startswith(("* ", "  "))]
    assert len(scores) == len(split_sentences(clean(RU_RELEASE), "ru"))
    assert sum(line.startswith("* ") for line in scores) == 2


def test_cli_reads_stdin_with_a_title() -> None:
    title = "Northwind to build Britain's largest battery plant near Leeds"
    result = _cli("-", "--title", title, "--sentences", "1", stdin=EN_RELEASE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "language: en",
        "summary:",
        summarize(EN_RELEASE, sentences=1, title=title),
    ]


def test_cli_reports_a_missing_file_on_one_line(tmp_path: Path) -> None:
    result = _cli(str(tmp_path / "missing.txt"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "missing.txt" in result.stderr


def test_import_does_not_load_html_extraction() -> None:
    code = "import sys, bot.summarize; print('trafilatura' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "text",
    [
        "By " + ", ".join(["Aa-Bb-Cc Dd-Ee"] * 200) + " x",
        "Share\n" * 5000,
        "Mr. " * 10000,
        '"a. ' * 3000,
        "© Sputnik / " * 2000,
        "Lorem ipsum dolor sit amet. " * 20000,
    ],
)
def test_pathological_input_stays_fast(text: str) -> None:
    start = time.thread_time()
    summarize(text)
    assert time.thread_time() - start < 2.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Он сказал: „Мы пришли. Мы победим“. Зал молчал.",
            ["Он сказал: „Мы пришли. Мы победим“.", "Зал молчал."],
        ),
        (
            "He said: “We came. We won.” The hall was silent.",
            ["He said: “We came. We won.”", "The hall was silent."],
        ),
    ],
)
def test_curly_and_low_quotes_stay_in_one_sentence(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text, detect_language(text))] == expected


def test_a_bare_quote_without_a_following_speaker_is_never_picked() -> None:
    text = (
        "The museum reopened on Saturday after a two-year renovation of its main hall.\n"
        '"This is the most beautiful room in the city, and now everyone can see it again."'
    )
    for count in (1, 2, 3):
        assert not any(is_quote_only(part) for part in _parts(text, sentences=count))
