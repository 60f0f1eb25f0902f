"""Invented wire stories and press releases with the boilerplate of issue 12, for the tests.

Each fixture is a release as staff would paste it, the text of its trailer sections (never
summary material) and the words the summary should lead with. Companies, people and figures
are made up.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Release:
    """A pasted release, its title, its trailer text and how its news sentence starts."""

    name: str
    text: str
    title: str
    trailer: str
    lead: str


PRNEWSWIRE = Release(
    name="prnewswire_en",
    title="Steppe Energy starts building a 300 MW wind farm near Zhanatas",
    text="""NEWS PROVIDED BY
Steppe Energy
Mar 03, 2026, 08:00 ET
SHARE THIS ARTICLE
ALMATY, Kazakhstan, March 3, 2026 /PRNewswire/ -- Steppe Energy today announced the start of \
construction of a 300-megawatt wind farm near Zhanatas, its largest renewable project to date.
The wind farm will supply electricity to about 400,000 homes and is due to begin operating in \
the second half of 2027.
"Zhanatas gives us the strongest winds in the region and a grid connection that is already in \
place," said Aigerim Sadykova, chief executive of Steppe Energy. Click to Tweet
Construction will employ about 600 workers at its peak, the company said.
""",
    trailer="""About Steppe Energy
Steppe Energy is Kazakhstan's largest independent power producer, operating wind and solar \
plants with a combined capacity of 1.2 gigawatts across four regions of the country.
Forward-Looking Statements
This press release contains forward-looking statements about the expected capacity, timing \
and cost of the wind farm, which are subject to risks and uncertainties.
Media Contact:
Dana Omarova, press@steppe-energy.example, +7 727 000 0000
SOURCE Steppe Energy
Related Links
https://steppe-energy.example""",
    lead="Steppe Energy today announced the start of construction",
)

BUSINESS_WIRE = Release(
    name="business_wire_en",
    title="Kestrel Logistics opens automated warehouse in Almaty",
    text="""ALMATY, Kazakhstan--(BUSINESS WIRE)--Kestrel Logistics opened a fully automated \
warehouse on the outskirts of Almaty on Tuesday, cutting delivery times for online shoppers in \
southern Kazakhstan to one day.
The 40,000-square-metre site handles up to 120,000 parcels a day with 300 robots.
Kestrel invested 85 million dollars in the warehouse and plans two more in Shymkent and \
Astana by 2028.
""",
    trailer="""About Kestrel Logistics
Kestrel Logistics runs parcel networks in five Central Asian countries and employs 9,000 \
people, handling more than 50 million parcels every year for retailers of every size.
Contacts
Investor Relations: ir@kestrel.example
Media: Ruslan Bekov, media@kestrel.example""",
    lead="Kestrel Logistics opened a fully automated warehouse",
)

GLOBE_NEWSWIRE = Release(
    name="globe_newswire_en",
    title="Maple Robotics wins hospital contract",
    text="""TORONTO, March 3, 2026 (GLOBE NEWSWIRE) -- Maple Robotics Inc. has won a \
contract to supply 40 surgical robots to hospitals in Ontario over the next three years.
The contract is worth 120 million Canadian dollars, the company said.
Deliveries begin in June, with the first robots going to hospitals in Toronto and Ottawa.
""",
    trailer="""About Maple Robotics Inc.
Maple Robotics designs surgical and laboratory robots and sells them to hospitals in eleven \
countries, and it has offices in Toronto, Boston and Munich.
Safe Harbor Statement
Statements in this release about future deliveries are forward-looking and involve risks that \
could cause results to differ materially from expectations.
###""",
    lead="Maple Robotics Inc. has won a contract",
)

CNW = Release(
    name="cnw_en",
    title="Northern Rail orders 25 battery trains",
    text="""MONTREAL, March 3, 2026 /CNW/ - Northern Rail has ordered 25 battery-powered \
trains to replace diesel units on its regional lines in Quebec, the operator said on Tuesday.
The trains will enter service from 2028 and cut the network's emissions by a third.
""",
    trailer="""-30-
For further information: Louise Tremblay, Northern Rail, 514 000 0000
Investor Relations
Northern Rail reports its results for the fourth quarter on March 20, with a call for \
analysts and investors that morning.""",
    lead="Northern Rail has ordered 25 battery-powered trains",
)

EIN_PRESSWIRE = Release(
    name="ein_presswire_en",
    title="Tengri Foods opens dairy plant",
    text="""KARAGANDA, KAZAKHSTAN, March 3, 2026 /EINPresswire.com/ -- Tengri Foods opened \
a dairy plant in Karaganda that will process 200 tonnes of milk a day from farms in the region.
The plant cost 14 billion tenge and created 350 jobs.
""",
    trailer="""About Tengri Foods
Tengri Foods is a food producer founded in 2009 that makes dairy products, juices and baby \
food, and it sells them in Kazakhstan, Kyrgyzstan and Uzbekistan.
###""",
    lead="Tengri Foods opened a dairy plant",
)

REUTERS = Release(
    name="reuters_en",
    title="Kazakh central bank holds rate",
    text="""ASTANA (Reuters) - Kazakhstan's central bank kept its base rate at 14.25% on Friday, \
saying inflation was slowing more gradually than it had expected in the autumn.
The bank said it could start cutting the rate in the second half of the year if prices keep \
easing.
""",
    trailer="",
    lead="Kazakhstan's central bank kept its base rate",
)

AP = Release(
    name="ap_en",
    title="Senate passes rail safety bill",
    text="""WASHINGTON (AP) — The Senate passed a rail safety bill on Thursday that requires \
two-person crews on freight trains and more inspections of rail cars carrying hazardous cargo.
The bill now goes to the House, where its prospects are uncertain.
""",
    trailer="",
    lead="The Senate passed a rail safety bill",
)

RIA = Release(
    name="ria_ru",
    title="Сбербанк снизил ставки по вкладам",
    text="""МОСКВА, 2 дек — РИА Новости. Сбербанк снизил ставки по большинству вкладов на \
0,5 процентного пункта, сообщила пресс-служба банка во вторник.
Новые ставки действуют для вкладов, открытых после 2 декабря.
По оценке аналитиков, вслед за Сбербанком ставки снизят и другие крупные банки.
""",
    trailer="",
    lead="Сбербанк снизил ставки по большинству вкладов",
)

TASS = Release(
    name="tass_ru",
    title="В Подмосковье открыли новый мост",
    text="""МОСКВА, 3 марта. /ИТАР-ТАСС/. Новый мост через Москву-реку открыли в Подмосковье \
после двух лет строительства, сообщили в министерстве транспорта региона.
Длина моста составляет 600 метров, по нему пройдут четыре полосы движения.
""",
    trailer="",
    lead="Новый мост через Москву-реку открыли",
)

INTERFAX = Release(
    name="interfax_ru",
    title="Авиакомпания получила новые самолеты",
    text="""МОСКВА, 3 мар (Интерфакс) - Авиакомпания «Северный ветер» получила три новых \
самолета и начнет летать из Казани в Стамбул и Дубай с апреля.
Парк перевозчика вырос до 42 машин.
""",
    trailer="",
    lead="Авиакомпания «Северный ветер» получила три новых",
)

RU_PRESS_RELEASE = Release(
    name="press_release_ru",
    title="«Северный ветер» откроет завод в Татарстане",
    text="""Пресс-релиз
КАЗАНЬ, 3 марта. /ТАСС/. Компания «Северный ветер» построит в Татарстане завод по выпуску \
лопастей для ветряных турбин стоимостью 12 млрд рублей.
Завод начнет работу в 2027 году и создаст 800 рабочих мест.
«Мы будем поставлять лопасти всем ветропаркам страны», — сказал генеральный директор \
компании Андрей Соколов.
""",
    trailer="""О компании «Северный ветер»
«Северный ветер» — крупнейший в России производитель ветрогенераторов, основанный в 2012 \
году; компания построила ветропарки общей мощностью 3 гигаватта.
Контакты для СМИ:
Мария Ильина, press@severny-veter.example
Пресс-служба: +7 843 000-00-00""",
    lead="Компания «Северный ветер» построит в Татарстане завод",
)

RU_REFERENCE = Release(
    name="reference_ru",
    title="Фонд выдал гранты школам",
    text="""Фонд «Будущее» выдал гранты 120 сельским школам на создание лабораторий \
робототехники, сообщили в фонде в понедельник.
Каждая школа получит до 2 млн рублей на оборудование и обучение учителей.
""",
    trailer="""Справка
Фонд «Будущее» основан в 2015 году и поддерживает образовательные проекты в 40 регионах \
России; за десять лет он выдал гранты более чем трем тысячам школ.""",
    lead="Фонд «Будущее» выдал гранты 120 сельским школам",
)

GLUED_DATELINE = Release(
    name="glued_dateline_ru",
    title="Белоруссия подвела итоги экономического форума",
    text="""Участники подвели итоги экономического форума в МинскеМИНСК, 3 мар. — Sputnik. \
Министр экономики Белоруссии заявил, что на форуме подписаны соглашения на 2 млрд долларов.
По его словам, большая часть соглашений касается строительства заводов и логистических \
центров.
""",
    trailer="",
    lead="Министр экономики Белоруссии заявил",
)

CREDIT_LEFTOVERS_RU = Release(
    name="credit_leftovers_ru",
    title="Лукашенко открыл экономический форум",
    text="""Президент Белоруссии выступил на пленарном заседании форума
© Sputnik / Виктор Толочко/POOL / Президент Белоруссии выступил на пленарном заседании форума
МИНСК, 3 мар. — Sputnik. Президент Белоруссии открыл экономический форум и призвал \
инвесторов вкладываться в переработку сельхозпродукции.
Фото: пресс-служба форума
Участники форума в главном зале
© Sputnik / Ирина Петрова
В форуме участвуют 2 тысячи делегатов из 30 стран.
""",
    trailer="",
    lead="Президент Белоруссии открыл экономический форум",
)

CREDIT_LEFTOVERS_EN = Release(
    name="credit_leftovers_en",
    title="Central Asian leaders meet in Astana",
    text="""Leaders of five Central Asian states agreed on Friday to build a joint power grid \
by 2030, at a summit in Astana.
© Reuters / Jane Roe/POOL / Delegates at the opening session of the summit in Astana
The grid will let the countries trade electricity and share the output of new hydro plants.
Delegates during a break
Photo: Summit press office
Officials said the grid would cost about 4 billion dollars.
Delegates during a break
""",
    trailer="",
    lead="Leaders of five Central Asian states agreed",
)

RELEASES = [
    PRNEWSWIRE,
    BUSINESS_WIRE,
    GLOBE_NEWSWIRE,
    CNW,
    EIN_PRESSWIRE,
    REUTERS,
    AP,
    RIA,
    TASS,
    INTERFAX,
    RU_PRESS_RELEASE,
    RU_REFERENCE,
    GLUED_DATELINE,
    CREDIT_LEFTOVERS_RU,
    CREDIT_LEFTOVERS_EN,
]


def pasted(release: Release) -> str:
    """The release as staff paste it: the body, then its trailer sections."""
    return release.text + release.trailer
