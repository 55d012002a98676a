"""Localize step, part one: the templates' own strings and CLDR formatting.

The strings briefgen itself prints ("Contents", "Page 3 of 12", plural
phrases such as "16 political prisoners") live in gettext catalogs under
``templates/locale/<lang>/LC_MESSAGES/messages.po``, maintained with Babel's
``pybabel extract/update`` (see babel.cfg); a workspace may add or reword them in
its own ``locale/<lang>/LC_MESSAGES/messages.po``, which comes first (the built-in
catalog still answers what it lacks). They are compiled in memory when first
needed, so no compiled ``.mo`` file is ever committed or stale. Languages are
BCP 47 tags (see languages.py).
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

from briefgen import TEMPLATES_DIR, workspace
from briefgen.editions.languages import babel_id, babel_locale, catalog_names
from briefgen.load.model import PartialDate

log = logging.getLogger(__name__)

LOCALE_DIR = TEMPLATES_DIR / "locale"
DOMAIN = "messages"

#: Formatting locale per language: briefs address European institutions, so
#: English dates read "1 November 2021" (en_GB), not "November 1, 2021".
FORMAT_LOCALES = {"en": "en_GB"}


def formatting_locale(lang: str) -> Locale:
    """The CLDR locale used to format dates and numbers for ``lang``."""
    return Locale.parse(FORMAT_LOCALES[lang]) if lang in FORMAT_LOCALES else babel_locale(lang)


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
        return babel_locale(lang).get_display_name(babel_id(in_language)) or lang
    name = babel_locale(lang).get_display_name(babel_locale(lang)) or lang
    return name[:1].upper() + name[1:]


def catalog_dirs() -> tuple[Path, ...]:
    """Where the tool's catalogs are looked for, first match first: the active workspace's
    ``locale/``, then the built-in ``templates/locale/``."""
    own = workspace.active().locale_dir
    return (own, LOCALE_DIR) if own else (LOCALE_DIR,)


def catalog_files(lang: str, dirs: tuple[Path, ...] | None = None) -> list[Path]:
    """The catalogs of the tool's strings for ``lang``, in the order they are asked."""
    found = []
    for folder in dirs or catalog_dirs():
        for name in catalog_names(lang):
            path = folder / name / "LC_MESSAGES" / f"{DOMAIN}.po"
            if path.is_file():
                found.append(path)
                break
    return found


def catalog_file(lang: str) -> Path:
    """The first catalog of ``lang`` (the built-in one's place when there is none)."""
    files = catalog_files(lang)
    return files[0] if files else LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def template_translations(lang: str) -> gettext.NullTranslations:
    """The compiled gettext catalogs of briefgen's own strings for ``lang`` (the workspace's
    first, the built-in one behind it). English is the language the templates are written
    in; a language with no catalog stays in English, which :func:`tool_strings_missing`
    reports (a build turns it into a problem)."""
    # keyed by the files' modification times too: the live preview sees an edited catalog
    return _translations(lang, tuple((path, path.stat().st_mtime_ns) for path in catalog_files(lang)))


@lru_cache(maxsize=None)
def _translations(lang: str, files: tuple[tuple[Path, int], ...]) -> gettext.NullTranslations:
    chain: gettext.NullTranslations = gettext.NullTranslations()
    for path, _ in reversed(files):
        compiled = Translations(fp=io.BytesIO(_compiled(path, lang)), domain=DOMAIN)
        compiled.add_fallback(chain)
        chain = compiled
    return chain


def _compiled(path: Path, lang: str) -> bytes:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=babel_id(lang), domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    return compiled.getvalue()


@lru_cache(maxsize=None)
def _template_ids() -> frozenset[str]:
    """The msgids of the tool's strings (``templates/locale/messages.pot``)."""
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("rb") as handle:
        return frozenset(message.id if isinstance(message.id, str) else message.id[0]
                         for message in read_po(handle) if message.id)


def tool_strings_missing(lang: str) -> tuple[int, int]:
    """(missing, total): how many of the tool's strings no catalog of ``lang`` translates."""
    ids = _template_ids()
    if babel_locale(lang).language == "en":
        return 0, len(ids)
    translated: set[str] = set()
    for path in catalog_files(lang):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=babel_id(lang)):
                key = message.id if isinstance(message.id, str) else message.id[0] if message.id else ""
                strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
                if key and not message.fuzzy and all(strings):
                    translated.add(key)
    return len(ids - translated), len(ids)


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
