"""Interface language: every text exists in Russian and English; pick the reader's language;
write numbers the way that language does."""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Literal, get_args

from bot.html import Html, escape

Lang = Literal["ru", "en"]
LANGUAGES: tuple[Lang, ...] = get_args(Lang)
# Readers whose Telegram speaks one of these get the Russian interface by default.
RUSSIAN_DEFAULT = frozenset({"ru", "uk", "be", "kk"})


@dataclass(frozen=True, slots=True)
class Text:
    """One message or label in both interface languages (Telegram HTML, `{name}` fields)."""

    ru: str
    en: str

    def __call__(self, lang: str, **values: object) -> Html:
        """The text in `lang` with each value escaped (an `Html` value is inserted as is)."""
        template = self.ru if lang == "ru" else self.en
        return Html(template.format(**{key: escape(value) for key, value in values.items()}))

    def fields(self, lang: Lang) -> set[str]:
        """The `{name}` fields used by one language's template."""
        template = self.ru if lang == "ru" else self.en
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def pick_language(chosen: str | None, telegram_language: str | None, default: Lang) -> Lang:
    """The reader's choice, else what their Telegram language suggests, else the default."""
    for lang in LANGUAGES:
        if chosen == lang:
            return lang
    if telegram_language:
        primary = telegram_language.split("-")[0].lower()
        return "ru" if primary in RUSSIAN_DEFAULT else "en"
    return default


def number(value: int, lang: Lang) -> str:
    """A count with thousands grouped: 1,234 in English, 1 234 in Russian."""
    grouped = f"{value:,}"
    return grouped.replace(",", "\u00a0") if lang == "ru" else grouped


def decimal(value: float, lang: Lang) -> str:
    """One decimal place with the language's decimal mark: 4.2 or 4,2."""
    shown = f"{value:.1f}"
    return shown.replace(".", ",") if lang == "ru" else shown


def plural(lang: str, n: int, one: Text, few: Text, many: Text, /, **values: object) -> Html:
    """The form of a text that the number `n` needs (Russian: 1 оценка, 2 оценки, 5 оценок);
    `{count}` is `n` unless `values` gives it formatted."""
    if lang == "ru":
        tens, units = n % 100, n % 10
        if units == 1 and tens != 11:
            form = one
        elif 2 <= units <= 4 and not 12 <= tens <= 14:
            form = few
        else:
            form = many
    else:
        form = one if n == 1 else many
    values.setdefault("count", n)
    return form(lang, **values)
