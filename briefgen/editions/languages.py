"""Language tags: BCP 47 everywhere, Babel locales inside.

A brief's ``languages``, the ``--lang`` option, the file names of editions and
translations, ``<html lang>`` and the PDF's ``/Lang`` all use BCP 47 tags as
written: ``en``, ``pt-BR``, ``sr-Latn``, ``de-CH``. Babel, which formats dates and
numbers and knows plural rules, calls the same locales ``pt_BR`` and ``sr_Latn``;
:func:`babel_locale` makes that translation in one place. A tag that is not one
gets a suggestion: ``pt_BR`` → ``pt-BR``, ``kz`` (the country) → ``kk`` (the language),
``rus`` → ``ru``, ``PT-br`` → ``pt-BR``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError

#: Country or otherwise mistaken codes that are not language subtags, and the language meant.
#: (Consulted only for codes Babel does not know: ``si``, ``se`` and ``ee`` are languages too.)
MISTAKES = {
    "kz": "kk", "ua": "uk", "by": "be", "gr": "el", "cz": "cs", "dk": "da", "jp": "ja", "cn": "zh",
    "gb": "en", "us": "en", "ge": "ka", "al": "sq", "rs": "sr", "vn": "vi", "kr": "ko", "ir": "fa",
    "il": "he", "at": "de", "md": "ro", "tj": "tg", "tm": "tk",
}
_SHAPE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


class LanguageError(ValueError):
    """Not a BCP 47 tag briefgen can work with; the message says what to write."""


def canonical(locale: Locale) -> str:
    """The BCP 47 tag of a Babel locale: ``pt-BR``, ``sr-Latn``, ``zh-Hant-TW``."""
    return "-".join(part for part in (locale.language, locale.script, locale.territory, locale.variant) if part)


@lru_cache(maxsize=None)
def babel_locale(tag: str) -> Locale:
    """The Babel locale of a BCP 47 tag (``pt-BR`` → ``Locale('pt', territory='BR')``);
    :class:`LanguageError` with a suggestion if ``tag`` is not a well-formed, known tag."""
    problem = tag_problem(tag)
    if problem:
        raise LanguageError(problem)
    return Locale.parse(tag, sep="-")


def babel_id(tag: str) -> str:
    """Babel's and gettext's name of the locale: ``pt_BR``, ``sr_Latn``."""
    return str(babel_locale(tag))


def tag_problem(tag: str) -> str | None:
    """What is wrong with ``tag`` and what to write instead, or None if it is a good BCP 47 tag."""
    if not isinstance(tag, str) or not tag.strip():
        return "a language tag is needed: write one such as 'en', 'ru', 'pt-BR' or 'sr-Latn'"
    lower = tag.lower()
    written = tag.replace("_", "-")
    if not _SHAPE.fullmatch(written):
        return f"'{tag}' is not a language tag: write a BCP 47 tag such as 'en', 'de-CH', 'pt-BR' or 'sr-Latn'"
    try:
        locale = Locale.parse(written, sep="-")
    except (UnknownLocaleError, ValueError):
        first = lower.replace("_", "-").split("-")[0]
        if first in MISTAKES:
            return f"unknown language '{tag}' ('{first}' is a country code): did you mean '{MISTAKES[first]}'?"
        return f"unknown language '{tag}': write a BCP 47 tag such as 'en', 'de-CH', 'pt-BR' or 'sr-Latn'"
    if locale.language != written.split("-")[0].lower():
        # Babel's aliases: 'rus' is read as ru_RU; the tag to write is the two-letter one
        return f"unknown language '{tag}': did you mean '{locale.language}'?"
    subtags = written.split("-")
    # keep what was written (Babel may add a territory to an alias), in BCP 47's case conventions
    fixed = "-".join([subtags[0].lower()] + [s.title() if len(s) == 4 else s.upper() if len(s) == 2 else s
                                              for s in subtags[1:]])
    if "_" in tag:
        return f"'{tag}' is written with an underscore: write '{fixed}' (BCP 47 tags use a hyphen)"
    if fixed != tag:
        return f"write '{fixed}' (BCP 47 case: language in lower case, Script in title case, REGION in upper case)"
    return None


def check_tags(tags) -> list[str]:
    """The problems of several tags, each prefixed by the tag."""
    return [problem for problem in (tag_problem(tag) for tag in tags) if problem]


def catalog_names(tag: str) -> list[str]:
    """The folder names under ``locale/`` that may hold ``tag``'s catalog, most specific first:
    ``pt-BR``, ``pt_BR``, then ``pt`` (a region falls back to its language; a script does not,
    since ``sr`` is Cyrillic and ``sr-Latn`` is not)."""
    names = [tag]
    try:
        locale = babel_locale(tag)
    except LanguageError:
        return names
    names.append(str(locale))
    if locale.territory and not locale.script:
        names.append(locale.language)
    elif locale.territory and locale.script:
        names += [f"{locale.language}-{locale.script}", f"{locale.language}_{locale.script}"]
    return list(dict.fromkeys(names))


def script_sample(tag: str) -> str:
    """Text that shows a language's script: its own name, its months and weekdays (CLDR)."""
    from babel.dates import get_day_names, get_month_names

    locale = babel_locale(tag)
    return " ".join([locale.get_display_name(locale) or tag, *get_month_names(locale=locale).values(),
                     *get_day_names(locale=locale).values()])


def direction(tag: str) -> str:
    """``rtl`` or ``ltr``: the writing direction of the language (CLDR), for ``<html dir>``."""
    try:
        return "rtl" if babel_locale(tag).character_order == "right-to-left" else "ltr"
    except LanguageError:
        return "ltr"
