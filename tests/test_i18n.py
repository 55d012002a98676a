"""Plurals, dates and numbers through Babel's CLDR data and the template catalogs."""

import datetime

import pytest

from briefgen.editions.i18n import format_date, format_list, format_number, language_name
from briefgen.load.model import PartialDate, Sentence
from briefgen.editions.resolve import Localizer, describe_sentence


@pytest.mark.parametrize("count, english, russian", [
    (1, "1 political prisoner", "1 политический заключённый"),
    (3, "3 political prisoners", "3 политических заключённых"),
    (5, "5 political prisoners", "5 политических заключённых"),
    (16, "16 political prisoners", "16 политических заключённых"),
    (21, "21 political prisoners", "21 политический заключённый"),
    (22, "22 political prisoners", "22 политических заключённых"),
    (25, "25 political prisoners", "25 политических заключённых"),
    (1001, "1,001 political prisoners", "1\xa0001 политический заключённый"),
])
def test_prisoner_phrase_plurals(count, english, russian):
    phrase = ("%(num)s political prisoner", "%(num)s political prisoners")
    assert Localizer("en").ngettext(*phrase, count) == english
    assert Localizer("ru").ngettext(*phrase, count) == russian


@pytest.mark.parametrize("years, russian", [(1, "1 год"), (2, "2 года"), (5, "5 лет"), (21, "21 год"), (22, "22 года"), (25, "25 лет")])
def test_sentence_plurals(years, russian):
    sentence = Sentence(kind="imprisonment", years=years, ban_years=years)
    text = describe_sentence(sentence, Localizer("ru"))
    assert text == f"{russian} лишения свободы; запрет на общественно-политическую деятельность на {russian}"
    english = describe_sentence(sentence, Localizer("en"))
    assert english.startswith(f"{years} year{'s' if years != 1 else ''} of imprisonment; {years}-year ban")


def test_dates():
    day = datetime.date(2021, 11, 1)
    assert format_date(day, "en") == "1 November 2021"
    assert format_date(day, "ru") == "1 ноября 2021\u202fг."
    assert format_date(PartialDate(2021, 6), "en") == "June 2021"
    assert format_date(PartialDate(2021, 6), "ru").startswith("июнь 2021")
    assert format_date(PartialDate(2020), "ru") == "2020"


def test_numbers_and_lists():
    assert format_number(192503, "en") == "192,503"
    assert format_number(192503, "ru") == "192\xa0503"
    assert format_list(["A", "B", "C"], "en") == "A, B and C"
    assert format_list(["А", "Б", "В"], "ru") == "А, Б и В"
    assert language_name("ru") == "Русский" and language_name("en") == "English"


def test_template_strings_are_translated():
    ru = Localizer("ru")
    assert ru.gettext("Page %(page)s of %(pages)s") == "Страница %(page)s из %(pages)s"
    assert ru.gettext("Notes") == "Примечания"


def test_partial_dates_are_validated():
    assert PartialDate.parse("2021-06") == PartialDate(2021, 6)
    assert PartialDate.parse(datetime.date(2021, 6, 3)) == PartialDate(2021, 6, 3)
    for bad in ("2021-13", "June 2021", "2021-02-30", 21):
        with pytest.raises(Exception):
            PartialDate.parse(bad)


def test_every_template_string_has_a_russian_translation():
    """The catalog covers every string the code and templates mark, none fuzzy or empty."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    from briefgen.editions.i18n import catalog_file
    from conftest import ROOT

    method_map = [("briefgen/**.py", "python"), ("templates/**.j2", "jinja2")]
    options = {"templates/**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "Nn_": (1, 2)}
    marked = {message[2] if isinstance(message[2], str) else message[2][0]
              for message in extract_from_dir(str(ROOT), method_map, options, keywords=keywords)
              if message[0].startswith(("briefgen", "templates"))}
    with catalog_file("ru").open("rb") as handle:
        catalog = read_po(handle, locale="ru")
    translated = {(m.id if isinstance(m.id, str) else m.id[0]) for m in catalog
                  if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])}
    assert len(marked) > 40
    assert marked <= translated, sorted(marked - translated)
