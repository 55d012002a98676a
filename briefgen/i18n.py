"""Localize step, part one: the templates' own strings and CLDR formatting.

The strings briefgen itself prints ("Contents", "Page 3 of 12", plural
phrases such as "16 political prisoners") live in gettext catalogs under
``templates/locale/<lang>/LC_MESSAGES/messages.po``, maintained with Babel's
``pybabel extract/update`` (see babel.cfg). They are compiled in memory when
first needed, so no compiled ``.mo`` file is ever committed or stale.
Dates, numbers and lists are formatted from Babel's CLDR data.
"""

from __future__ import annotations

import datetime as _dt
import gettext
import io
import logging
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_skeleton
from babel.lists import format_list as _format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from briefgen import TEMPLATES_DIR
from briefgen.model import PartialDate

log = logging.getLogger(__name__)

LOCALE_DIR = TEMPLATES_DIR / "locale"
DOMAIN = "messages"

#: Formatting locale per language: briefs address European institutions, so
#: English dates read "1 November 2021" (en_GB), not "November 1, 2021".
FORMAT_LOCALES = {"en": "en_GB"}


def formatting_locale(lang: str) -> Locale:
    """The CLDR locale used to format dates and numbers for ``lang``."""
    return Locale.parse(FORMAT_LOCALES.get(lang, lang))


def N_(message: str) -> str:
    """Mark a string for extraction (babel.cfg keyword ``N_``); it is translated where it is used."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural pair for extraction (babel.cfg keyword ``Nn_:1,2``)."""
    return singular, plural


def language_name(lang: str, in_language: str | None = None) -> str:
    """A language's name: its own, capitalised, as in a language switcher ("English",
    "Русский"), or as said inside a sentence in ``in_language`` ("английский", "русский")."""
    if in_language:
        return Locale.parse(lang).get_display_name(in_language) or lang
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def catalog_file(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def template_translations(lang: str) -> gettext.NullTranslations:
    """The compiled gettext catalog of briefgen's own strings for ``lang``.

    English is the language the templates are written in; a language with no
    catalog falls back to English (and says so in the log).
    """
    path = catalog_file(lang)
    if not path.is_file():
        if lang != "en":
            log.warning("no template catalog for %r: the tool's own strings stay in English", lang)
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


def format_date(value: _dt.date | PartialDate, lang: str) -> str:
    """A full or partial date in the language's long form: "1 November 2021", "June 2021"."""
    locale = formatting_locale(lang)
    if isinstance(value, PartialDate):
        if value.day:
            value = value.as_date()
        elif value.month:
            return format_skeleton("yMMMM", value.as_date(), locale=locale)
        else:
            return str(value.year)
    return _format_date(value, format="long", locale=locale)


def format_number(value: int | float, lang: str) -> str:
    """A number with the language's digit grouping: 192,503 / 192 503."""
    return format_decimal(value, locale=formatting_locale(lang))


def format_list(items: list[str], lang: str) -> str:
    """Items joined the language's way: "a, b and c" / "a, b и c"."""
    return _format_list(list(items), style="standard", locale=formatting_locale(lang)) if items else ""
