"""Cleaning of pasted and scraped press releases: each furniture rule, in Russian and English."""

from __future__ import annotations

import pytest

from bot.summarize import clean

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


# --- photo credits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "gone"),
    [
        (f"{RU_BODY}\n© Sputnik / Ербол Шаймерденов", "Sputnik"),
        (f"{RU_BODY}\nФото: пресс-служба мэрии Москвы", "пресс-служба"),
        (f"{RU_BODY}\nФото © РИА Новости / Алексей Дружинин", "Дружинин"),
        (f"{EN_BODY}\nPhoto: AP/Evan Vucci", "Vucci"),
        (f"{EN_BODY}\nPhoto by Anna Lee on Unsplash", "Unsplash"),
        (f"{EN_BODY}\n© Reuters", "Reuters"),
    ],
)
def test_photo_credit_lines_are_removed(raw: str, gone: str) -> None:
    cleaned = clean(raw)
    assert gone not in cleaned
    assert cleaned.startswith(RU_BODY if "Правительство" in raw else EN_BODY)


def test_credit_in_brackets_and_at_line_end_is_removed() -> None:
    raw = (
        "Новый мост через Волгу открыли для движения в субботу (Фото: Дмитрий Иванов/ТАСС). "
        "Его длина превышает два километра. Фото: Дмитрий Иванов\n"
        "The new bridge opened to traffic on Saturday (Photo: Getty Images). "
        "It is longer than two kilometres. Photo: Jane Roe/Reuters"
    )
    cleaned = clean(raw)
    assert "Иванов" not in cleaned
    assert "Getty" not in cleaned
    assert "Reuters" not in cleaned
    assert "Его длина превышает два километра." in cleaned
    assert "It is longer than two kilometres." in cleaned


# --- captions ------------------------------------------------------------------------------


def test_caption_glued_to_credit_and_repeated_is_removed_ru() -> None:
    caption = "Президент Казахстана Касым-Жомарт Токаев. Архивное фото"
    raw = (
        "Токаев подписал закон о республиканском бюджете на три года.\n"
        f"{caption}© Sputnik / Ербол Шаймерденов{caption}\n"
        "Документ вступает в силу с 1 января."
    )
    assert _lines(raw) == [
        "Токаев подписал закон о республиканском бюджете на три года.",
        "Документ вступает в силу с 1 января.",
    ]


def test_caption_repeated_on_two_lines_is_removed_en() -> None:
    raw = (
        "Engineers finished the first section of the coastal railway this week.\n"
        "Workers lay track near Porthmadog\n"
        "\n"
        "Workers lay track near Porthmadog\n"
        "The line is due to open to passengers in spring."
    )
    assert _lines(raw) == [
        "Engineers finished the first section of the coastal railway this week.",
        "The line is due to open to passengers in spring.",
    ]


def test_caption_line_above_a_credit_line_is_removed() -> None:
    raw = (
        f"{EN_BODY}\n"
        "Mayor Linda Park at the depot on Tuesday\n"
        "Photo: City Hall press office\n"
        "Services start in March."
    )
    assert _lines(raw) == [EN_BODY, "Services start in March."]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Мэрия открыла новый парк на набережной. Дети катаются на самокатах у фонтана "
            "По словам мэра, парк обошелся городу в 300 млн рублей.",
            "Мэрия открыла новый парк на набережной. "
            "По словам мэра, парк обошелся городу в 300 млн рублей.",
        ),
        (
            "Глава завода Иван Смирнов в новом цехе Это первый цех, построенный в регионе "
            "за десять лет.",
            "Это первый цех, построенный в регионе за десять лет.",
        ),
        (
            "Министр на встрече с фермерами в Тульской области «Мы сохраним субсидии на "
            "технику и в следующем году!» — заявил министр сельского хозяйства.",
            "«Мы сохраним субсидии на технику и в следующем году!» — заявил министр "
            "сельского хозяйства.",
        ),
        (
            'Участники форума в главном зале "Экспорт вырос на треть, и это только начало", '
            "- сказал губернатор.",
            '"Экспорт вырос на треть, и это только начало", - сказал губернатор.',
        ),
    ],
)
def test_caption_glued_to_the_next_sentence_is_removed(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_quoted_subheading_glued_to_a_sentence_is_removed() -> None:
    raw = (
        "Фонд раздал гранты двенадцати школам. «Новая лаборатория» Школа № 5 купит на "
        "грант оборудование для химического класса."
    )
    assert clean(raw) == (
        "Фонд раздал гранты двенадцати школам. Школа № 5 купит на грант оборудование для "
        "химического класса."
    )


@pytest.mark.parametrize(
    "text",
    [
        'Компания "Газпром" - крупнейший экспортер газа в Европу.',
        "Вакцина от гепатита В Центр гигиены напоминает о прививках.",
        "В 2024 году «Ростех» выпустил 40 самолетов. «Мы удвоим выпуск», — сказал глава.",
        "«Нет», — ответил директор. Он отказался от комментариев.",
        "Президент Путин встретился с губернатором Новгородской области Андреем Никитиным.",
        '"We will double output," said the chief executive. "Why?" Because demand grew.',
    ],
)
def test_ordinary_sentences_are_not_taken_for_glued_captions(text: str) -> None:
    assert clean(text) == text


def test_long_unpunctuated_run_before_a_sentence_opener_is_kept_on_its_own_line() -> None:
    run = (
        "Совет директоров утвердил стратегию развития компании до 2030 года, которая "
        "предусматривает строительство двух заводов в Татарстане, выход на рынки Средней Азии, "
        "удвоение числа сотрудников исследовательского центра и перевод всех цехов на "
        "возобновляемую энергию к концу десятилетия"
    )
    raw = f"{run} По плану выручка вырастет вдвое."
    assert _lines(raw) == [run, "По плану выручка вырастет вдвое."]


# --- buttons and widgets -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        f"{RU_BODY}\nПодписаться\nПрограмма рассчитана на три года.",
        f"{RU_BODY}Подписаться\nПрограмма рассчитана на три года.",
        f"{EN_BODY}\nSubscribe\nProgramme details follow next week.",
    ],
)
def test_subscribe_buttons_are_removed(raw: str) -> None:
    cleaned = clean(raw)
    assert "Подписаться" not in cleaned
    assert "Subscribe" not in cleaned
    assert len(_lines(raw)) == 2


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        (f"{RU_BODY}\nИсточник: пресс-служба Минэкономразвития", RU_BODY),
        (f"{RU_BODY}\nИсточник", RU_BODY),
        (f"{EN_BODY}\nSource: Reuters", EN_BODY),
        (f"{EN_BODY}\nSources: company filings, Bloomberg", EN_BODY),
    ],
)
def test_source_lines_are_removed(raw: str, kept: str) -> None:
    assert clean(raw) == kept


def test_rating_widget_is_removed_ru() -> None:
    raw = (
        f"{RU_BODY}\n"
        "Нажмите, чтобы оценить эту статью!\n"
        "[Итого: 0 Средняя: 0]\n"
        "Оценок пока нет. Поставьте оценку первым."
    )
    assert clean(raw) == RU_BODY


def test_rating_widget_is_removed_en() -> None:
    raw = (
        f"{EN_BODY}\n"
        "Rate this\n"
        "Click to rate this post! [Total: 0 Average: 0]\n"
        "No votes so far! Be the first to rate this post."
    )
    assert clean(raw) == EN_BODY


def test_rating_widget_glued_into_a_paragraph_is_removed() -> None:
    raw = f"{RU_BODY} Нажмите, чтобы оценить эту статью! [Всего: 3 Средняя: 4.7]"
    assert clean(raw) == RU_BODY


@pytest.mark.parametrize(
    "tail",
    [
        "Похожие статьи\nМинфин предложил новые налоговые льготы\nЦБ сохранил ставку",
        "Related articles\nCouncil delays vote on parking fees\nNew mayor sworn in",
        "Добавить комментарий\nОтменить ответ\nВаш адрес email не будет опубликован.",
        "Leave a Reply\nYour email address will not be published.",
        "Add comment\nName\nEmail",
    ],
)
def test_related_and_comment_blocks_end_the_release(tail: str) -> None:
    body = RU_BODY if tail[0] in "ПД" else EN_BODY
    assert clean(f"{body}\n{tail}") == body


@pytest.mark.parametrize("button", ["Кнопка «Наверх»", "Наверх", "Back to top"])
def test_back_to_top_button_is_removed(button: str) -> None:
    assert clean(f"{RU_BODY}\n{button}\n{EN_BODY}") == f"{RU_BODY}\n{EN_BODY}"


@pytest.mark.parametrize(
    "bar",
    [
        "Поделиться: ВКонтакте Telegram WhatsApp Одноклассники",
        "Поделиться",
        "Share this article",
        "Facebook Twitter Email",
        "Share on Facebook | Share on X | Copy link",
    ],
)
def test_share_bars_are_removed(bar: str) -> None:
    assert clean(f"{EN_BODY}\n{bar}") == EN_BODY


# --- bylines -------------------------------------------------------------------------------


def test_daily_mail_byline_block_is_removed() -> None:
    raw = (
        "By . Jane Doe and John Roe . PUBLISHED: . 09:14 EST, 3 March 2014 . | . "
        "UPDATED: . 11:02 EST, 3 March 2014 . A rare white giraffe has been spotted "
        "in a national park in Kenya, rangers said."
    )
    assert (
        clean(raw)
        == "A rare white giraffe has been spotted in a national park in Kenya, rangers said."
    )


@pytest.mark.parametrize(
    "byline",
    [
        "By Jane Doe",
        "By Jane Doe and John Roe",
        "By JANE DOE For Dailymail.com",
        "Published: 10:21 EST, 5 May 2020 | Updated: 12:00 EST, 5 May 2020",
        "Автор: Иван Петров",
    ],
)
def test_byline_lines_are_removed(byline: str) -> None:
    assert clean(f"{byline}\n{EN_BODY}") == EN_BODY


# --- datelines -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "АСТАНА, 29 ноя. — Sputnik. Президент подписал указ о бюджете.",
            "Президент подписал указ о бюджете.",
        ),
        (
            "москва, 1 дек — риа новости. пожар на складе локализован.",
            "пожар на складе локализован.",
        ),
        (
            "магас, 1 дек — риа новости, адам буражев. дед мороз приехал в ингушетию.",
            "дед мороз приехал в ингушетию.",
        ),
        ("МОСКВА, 5 марта. /ТАСС/. Биржи открылись ростом.", "Биржи открылись ростом."),
        ("LONDON (Reuters) - Shares in the bank rose 5%.", "Shares in the bank rose 5%."),
        ("(CNN) -- A storm hit the coast overnight.", "A storm hit the coast overnight."),
        (
            "NEW YORK, May 5, 2024 /PRNewswire/ -- Acme Corp. today announced a merger.",
            "Acme Corp. today announced a merger.",
        ),
    ],
)
def test_dateline_prefixes_are_removed(raw: str, expected: str) -> None:
    assert clean(raw) == expected


# --- glued sentences -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Он назвал это «важным шагом для России.»Как отметил министр, работа продолжится.",
            "Он назвал это «важным шагом для России.» Как отметил министр, работа продолжится.",
        ),
        (
            "«Мы готовы», — сказал Имангалиев»Как бы ни было трудно, проект завершат в срок.",
            "«Мы готовы», — сказал Имангалиев» Как бы ни было трудно, проект завершат в срок.",
        ),
        (
            "The plant opened in May.The company hired 300 people.",
            "The plant opened in May. The company hired 300 people.",
        ),
    ],
)
def test_sentences_glued_without_a_space_are_separated(raw: str, expected: str) -> None:
    assert clean(raw) == expected


# --- what must survive ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Sources said the night was calm and no arrests were made.",
        "Photographs of the damaged roof were shared by residents.",
        "By Monday, the company will close three of its stores.",
        "Rate cuts are expected later this year, economists said.",
        "Comments from the minister were published on Friday.",
        "Shareholders approved the deal with 92% of the vote.",
        "The U.S. Army said the exercise would last two weeks.",
        "Источник в правительстве сообщил, что решение уже принято.",
        "Фотографии с места событий опубликовали очевидцы.",
        "Москва, как и Петербург, ввела новые правила парковки.",
        "Средняя зарплата в регионе выросла на 12%.",
    ],
)
def test_ordinary_sentences_are_kept(sentence: str) -> None:
    assert clean(f"{sentence}\n{EN_BODY}") == f"{sentence}\n{EN_BODY}"


def test_paragraphs_are_kept_as_lines() -> None:
    assert clean(f"  {RU_BODY}  \n\n\n{EN_BODY}\r\n") == f"{RU_BODY}\n\n{EN_BODY}"


@pytest.mark.parametrize(
    "raw", ["", "   \n\t ", "Подписаться\nПоделиться\nНаверх", "Share\nRate this\n© Reuters"]
)
def test_empty_and_noise_only_input_gives_empty_text(raw: str) -> None:
    assert clean(raw) == ""


# --- HTML ----------------------------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="en"><head><title>Harbour reopens | Port News</title></head>
<body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/about">About</a></nav>
</header>
<main><article>
<h1>Harbour reopens after storm repairs</h1>
<p class="byline">By Jane Doe</p>
<p>PORTLAND (Reuters) - The city harbour reopened to ships on Monday after three weeks of
repairs to the sea wall damaged in the January storm, the port authority said.</p>
<figure><img src="wall.jpg" alt="">
<figcaption>Workers on the sea wall. Photo: John Roe</figcaption>
</figure>
<p>About 40 fishing boats returned to their berths within hours, and the ferry service to the
islands will resume on Wednesday.</p>
<p>The repairs cost 4.2 million dollars, paid from the state emergency fund.</p>
<div class="share">Share this article</div>
</article></main>
<aside><h3>Related articles</h3><ul><li><a href="/a">Storm closes harbour</a></li></ul></aside>
<footer><p>Subscribe</p><p>&copy; 2024 Port News. All rights reserved.</p></footer>
</body></html>"""

FRAGMENT = (
    "<p><strong></strong></p>\n<p><strong>москва, 1 дек&nbsp;&mdash; риа новости.</strong> "
    "пожар в&nbsp;цехе на&nbsp;севере москвы локализован, сообщили в&nbsp;мчс.</p>\n"
    "<p>пострадавших нет.</p>"
)


def test_html_page_goes_through_extraction() -> None:
    lines = clean(PAGE).split("\n")
    assert lines[0] == "Harbour reopens after storm repairs"
    assert lines[1].startswith("The city harbour reopened to ships on Monday")
    cleaned = "\n".join(lines)
    assert "ferry service to the islands will resume on Wednesday." in cleaned
    for furniture in ("Home", "News About", "Share", "Related", "Subscribe", "reserved", "<"):
        assert furniture not in cleaned
    assert "John Roe" not in cleaned


def test_html_fragment_keeps_text_and_drops_entities_and_dateline() -> None:
    assert clean(FRAGMENT) == (
        "пожар в цехе на севере москвы локализован, сообщили в мчс.\nпострадавших нет."
    )


def test_text_mentioning_angle_brackets_is_not_treated_as_html() -> None:
    raw = "Revenue grew 5% while costs stayed < 2% of sales, the company said."
    assert clean(raw) == raw


def test_cleaning_the_same_page_again_gives_the_same_text() -> None:
    first = clean(PAGE)
    assert all(clean(PAGE) == first for _ in range(5))
