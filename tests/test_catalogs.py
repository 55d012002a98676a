"""The tool's own catalogs (templates/locale/<lang>/LC_MESSAGES/messages.po), read as a second reader would.

For every catalog shipped: GNU msgfmt's checks pass; every message of messages.pot (with its
context) is translated, in every plural form, and none is fuzzy; each translation keeps the
placeholders and HTML tags of its source; the Plural-Forms header has the number of forms and the
rule Babel (CLDR) gives the language; typography (no straight double quotes, French no-break
spaces). Editions rendered with a brief's source content but the tool strings in another language
say "Seite … von …", and the derived count sentence takes the plural form the number needs.
Each check is also run on a catalog made to contain its defect.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

from briefgen.editions.resolve import Localizer
from conftest import ROOT, SMALL, print_html, spaced

LOCALE = ROOT / "templates" / "locale"
POT = LOCALE / "messages.pot"
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/messages.po"))

#: The languages the tool speaks besides English (the language its strings are written in):
#: the 24 official languages of the EU (English aside) and Russian, Ukrainian, Belarusian, Kazakh.
SHIPPED = set("bg cs da de el es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv ru uk be kk".split())

PLACEHOLDER = re.compile(r"%\([^)]*\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%|\{[^{}]*\}")
TAG = re.compile(r"</?[A-Za-z][^<>]*>")
PLURAL_FORMS = re.compile(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*$")


def lang_of(path: Path) -> str:
    return path.parent.parent.name


def load(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, locale=lang_of(path) if path.suffix == ".po" else None)


def _forms(value) -> list[str]:
    return list(value) if isinstance(value, (tuple, list)) else [value]


def _rule_agrees(header_expr: str, lang: str) -> bool:
    """Whether a Plural-Forms expression picks the same form as Babel's rule for the language."""
    ours, babels = gettext.c2py(header_expr), gettext.c2py(get_plural(lang).plural_expr)
    return all(ours(n) == babels(n) for n in [*range(0, 1001), 1_000_000, 2_000_000])


def catalog_problems(path: Path, template=None) -> list[str]:
    """Everything wrong with the catalog at ``path`` against ``messages.pot`` (none when it is right)."""
    lang = lang_of(path)
    template = template or load(POT)
    catalog = load(path)
    # Babel pads or cuts plural forms to the header's count when reading: count them as written
    forms_written = {(entry.msgctxt, entry.msgid): len(entry.msgstr_plural)
                     for entry in polib.pofile(str(path)) if entry.msgid_plural}
    problems = []
    headers = dict(catalog.mime_headers)
    if headers.get("Language") != lang:
        problems.append(f"{path}: header Language {headers.get('Language')!r}, the folder says {lang!r}")
    match = PLURAL_FORMS.search(headers.get("Plural-Forms", ""))
    expected = get_plural(lang).num_plurals
    if not match:
        problems.append(f"{path}: no Plural-Forms header")
        nplurals = expected
    else:
        nplurals = int(match.group(1))
        if nplurals != expected or not _rule_agrees(match.group(2), lang):
            problems.append(f"{path}: Plural-Forms {match.group(0)!r} is not Babel's rule for {lang} "
                            f"({expected} forms: {get_plural(lang).plural_expr})")
    for source in template:
        if not source.id:
            continue
        where = f"{path}: {source.context + ' | ' if source.context else ''}{_forms(source.id)[0]!r}"
        message = catalog.get(source.id, context=source.context)
        if message is None:
            problems.append(f"{where}: missing")
            continue
        if message.fuzzy:
            problems.append(f"{where}: fuzzy")
        strings = _forms(message.string)
        written = forms_written.get((source.context, _forms(source.id)[0]))
        if isinstance(source.id, tuple) and written != nplurals:
            problems.append(f"{where}: {written} plural forms, {lang} needs {nplurals}")
        if not all(strings):
            problems.append(f"{where}: not translated (or a plural form is empty)")
        for pattern, what in ((PLACEHOLDER, "placeholders"), (TAG, "HTML tags")):
            wanted = sorted(pattern.findall(_forms(source.id)[-1]))
            for string in filter(None, strings):
                if sorted(pattern.findall(string)) != wanted:
                    problems.append(f"{where}: {what} {sorted(pattern.findall(string))} in {string!r}, "
                                    f"the source has {wanted}")
        for string in filter(None, strings):
            if '"' in string:
                problems.append(f"{where}: straight double quote in {string!r}: use the language's quotation marks")
            if lang == "fr" and re.search(r"[ \t][:;!?»]|«[ \t]", string):
                problems.append(f"{where}: French wants a no-break space (U+00A0) before : ; ! ? » and after «: {string!r}")
    return problems


@pytest.fixture(scope="module")
def template():
    return load(POT)


def test_every_promised_language_ships_a_catalog():
    assert SHIPPED <= {lang_of(path) for path in CATALOGS}, sorted(SHIPPED - {lang_of(p) for p in CATALOGS})


@pytest.mark.parametrize("path", CATALOGS, ids=lang_of)
def test_msgfmt_checks_pass(path):
    assert shutil.which("msgfmt"), "GNU gettext's msgfmt is needed (tools/setup-debian.sh installs it)"
    result = subprocess.run(["msgfmt", "-c", "--check-format", "-o", os.devnull, str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", CATALOGS, ids=lang_of)
def test_catalog_is_complete_and_keeps_placeholders_tags_and_plural_rule(path, template):
    assert catalog_problems(path, template) == []


def test_the_template_is_up_to_date_with_the_code_and_templates(template):
    """messages.pot holds exactly the strings the code and the templates mark (see babel.cfg)."""
    from babel.messages.extract import extract_from_dir

    method_map = [("briefgen/**.py", "python"), ("templates/**.j2", "jinja2")]
    options = {"templates/**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None, "Nn_": (1, 2)}
    marked = {(message[4], _forms(message[2])[0])
              for message in extract_from_dir(str(ROOT), method_map, options, keywords=keywords)
              if message[0].startswith(("briefgen", "templates"))}
    listed = {(m.context, _forms(m.id)[0]) for m in template if m.id}
    assert marked == listed, {"not in messages.pot": sorted(marked - listed, key=str),
                              "no longer marked": sorted(listed - marked, key=str)}


# --- each check, on a catalog made to contain its defect --------------------------------------

def _defective(tmp_path: Path, lang: str, change) -> Path:
    """A copy of ``lang``'s catalog, where the checks look for it, with ``change`` applied to the
    catalog before it is written (or to the written file, for a change marked ``on_file``)."""
    catalog = load(LOCALE / lang / "LC_MESSAGES" / "messages.po")
    path = tmp_path / lang / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    on_file = getattr(change, "on_file", False)
    if not on_file:
        change(catalog)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)
    if on_file:
        change(path)
    return path


def _drop_last_plural_form(msgid: str):
    """Edit the file itself (Babel would pad the forms again when writing)."""
    def edit(path: Path):
        text = path.read_text(encoding="utf-8")
        start = text.index(f'msgid "{msgid}"')
        last = text.index("msgstr[2]", start)
        end = text.index("\n", last) + 1
        path.write_text(text[:last] + text[end:], encoding="utf-8")
    edit.on_file = True
    return edit


def _set(msgid, string, context=None):
    def change(catalog):
        catalog.get(msgid, context=context).string = string
    return change


@pytest.mark.parametrize("lang, change, expected", [
    ("de", lambda c: c.delete("Notes"), "'Notes': missing"),
    ("de", lambda c: c.delete("Dear %(title)s %(name)s,", context="greeting to a man"), "greeting to a man | "),
    ("de", lambda c: c["Overview"].flags.add("fuzzy"), "'Overview': fuzzy"),
    ("de", _set("Overview", ""), "'Overview': not translated"),
    ("pl", _set(("%(num)s activist", "%(num)s activists"), ("%(num)s aktywista", "", "%(num)s aktywistów")),
     "'%(num)s activist': not translated"),
    ("pl", _drop_last_plural_form("%(num)s activist"), "2 plural forms, pl needs 3"),
    ("de", _set("Page %(page)s of %(pages)s", "Seite %(page)s"), "placeholders ['%(page)s']"),
    ("de", _set("Released: %(name)s", "Freigelassen: %(nam)s"), "placeholders ['%(nam)s']"),
    ("de", _set("Released: %(name)s", "Freigelassen: %(name)s {name}"), "placeholders"),
    ("de", _set("Notes", "<b>Anmerkungen</b>"), "HTML tags ['</b>', '<b>']"),
    ("de", _set("Dear %(title)s %(name)s,", "Sehr geehrter %(name)s,", context="greeting to a man"),
     "greeting to a man | 'Dear %(title)s %(name)s,': placeholders"),
    ("de", _set("Originally published in %(outlet)s.", 'Zuerst in "%(outlet)s" veröffentlicht.'),
     "straight double quote"),
    ("fr", _set("Attachment: %(file)s", "Pièce jointe : %(file)s"), "no-break space"),
    ("pl", lambda c: c._set_mime_headers([("Plural-Forms", "nplurals=2; plural=(n != 1);")]),
     "is not Babel's rule for pl"),
    ("lt", lambda c: c._set_mime_headers([("Plural-Forms", "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
                                                            "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);")]),
     "is not Babel's rule for lt"),
])
def test_each_check_finds_its_defect(tmp_path, template, lang, change, expected):
    path = _defective(tmp_path, lang, change)
    problems = catalog_problems(path, template)
    assert any(expected in problem for problem in problems), problems


def test_msgfmt_check_finds_a_broken_format(tmp_path):
    path = _defective(tmp_path, "de", _set("Released: %(name)s", "Freigelassen: %(nam)s"))
    result = subprocess.run(["msgfmt", "-c", "--check-format", "-o", os.devnull, str(path)],
                            capture_output=True, text=True)
    assert result.returncode != 0 and "nam" in result.stderr


# --- the catalogs at work ---------------------------------------------------------------------

PRISONERS = ("%(num)s political prisoner", "%(num)s political prisoners")

#: The count phrase for 1, 2, 5, 21 (and numbers where rules split further), as each language says it.
PLURALS = {
    "ru": {1: "1 политический заключённый", 2: "2 политических заключённых", 5: "5 политических заключённых",
           21: "21 политический заключённый", 11: "11 политических заключённых"},
    "uk": {1: "1 політичний в’язень", 2: "2 політичні в’язні", 5: "5 політичних в’язнів",
           21: "21 політичний в’язень", 12: "12 політичних в’язнів"},
    "be": {1: "1 палітычны вязень", 3: "3 палітычныя вязні", 5: "5 палітычных вязняў", 21: "21 палітычны вязень"},
    "pl": {1: "1 więzień polityczny", 2: "2 więźniów politycznych", 5: "5 więźniów politycznych",
           21: "21 więźniów politycznych"},
    "cs": {1: "1 politický vězeň", 2: "2 političtí vězni", 5: "5 politických vězňů", 21: "21 politických vězňů"},
    "sk": {1: "1 politický väzeň", 4: "4 politickí väzni", 5: "5 politických väzňov"},
    "lt": {1: "1 politinis kalinys", 2: "2 politiniai kaliniai", 5: "5 politiniai kaliniai",
           21: "21 politinis kalinys", 10: "10 politinių kalinių", 11: "11 politinių kalinių"},
    "lv": {1: "1 politieslodzītais", 2: "2 politieslodzītie", 21: "21 politieslodzītais", 11: "11 politieslodzīto"},
    "sl": {1: "1 politični zapornik", 2: "2 politična zapornika", 3: "3 politični zaporniki",
           5: "5 političnih zapornikov", 101: "101 politični zapornik"},
    "hr": {1: "1 politički zatvorenik", 2: "2 politička zatvorenika", 5: "5 političkih zatvorenika",
           21: "21 politički zatvorenik"},
    "ro": {1: "1 deținut politic", 2: "2 deținuți politici", 20: "20 de deținuți politici"},
    "mt": {1: "1 priġunier politiku", 2: "2 priġunieri politiċi", 5: "5 priġunieri politiċi",
           11: "11-il priġunier politiku", 21: "21 priġunier politiku"},
    "ga": {1: "1 phríosúnach polaitiúil", 2: "2 phríosúnach pholaitiúla", 7: "7 bpríosúnach polaitiúla",
           21: "21 príosúnach polaitiúil"},
    "de": {1: "1 politischer Gefangener", 2: "2 politische Gefangene"},
    "fr": {0: "0 prisonnier politique", 1: "1 prisonnier politique", 2: "2 prisonniers politiques"},
    "hu": {1: "1 politikai fogoly", 5: "5 politikai fogoly"},
    "kk": {1: "1 саяси тұтқын", 16: "16 саяси тұтқын"},
}


@pytest.mark.parametrize("lang", sorted(PLURALS))
def test_the_count_phrase_takes_the_form_the_number_needs(lang):
    loc = Localizer(lang)
    assert {n: loc.ngettext(*PRISONERS, n) for n in PLURALS[lang]} == PLURALS[lang]


#: What a sample edition with English content and the tool strings in ``lang`` must show.
EDITIONS = {
    "de": ['content: "Seite " counter(page) " von " counter(pages)', "<caption>16 politische Gefangene, Stand: 26. Oktober 2021</caption>",
           "<td>in Untersuchungshaft</td>", "Teile dieses Dokuments sind noch nicht übersetzt und werden in der Originalsprache (Englisch) angezeigt."],
    "fr": ['content: "Page " counter(page) " sur " counter(pages)', "<caption>16 prisonniers politiques au 26 octobre 2021</caption>",
           "<td>en détention provisoire</td>", "dans la langue originale (anglais)."],
    "pl": ['content: "Strona " counter(page) " z " counter(pages)', "<caption>16 więźniów politycznych (stan na 26 października 2021)</caption>",
           "<td>w areszcie tymczasowym</td>", "w języku oryginału (angielski)."],
    "uk": ['content: "Сторінка " counter(page) " з " counter(pages)', "<caption>16 політичних в’язнів станом на 26 жовтня 2021\u202fр.</caption>",
           "<td>у слідчому ізоляторі</td>", "мовою оригіналу (англійська)."],
    "el": ['content: "Σελίδα " counter(page) " από " counter(pages)', "<caption>16 πολιτικοί κρατούμενοι στις 26 Οκτωβρίου 2021</caption>",
           "<td>σε προσωρινή κράτηση</td>", "στη γλώσσα του πρωτοτύπου (Αγγλικά)."],
    "kk": ['content: counter(pages) " беттің " counter(page) "-беті"', "<caption>16 саяси тұтқын (жағдай күні: 2021\u202fж. 26 қазан)</caption>",
           "<td>тергеу изоляторында</td>", "түпнұсқа тілінде (ағылшын тілі) берілген."],
}


@pytest.mark.parametrize("lang", sorted(EDITIONS))
def test_an_edition_has_the_tool_strings_in_its_language(lang):
    """The sample has no translation into these languages: its content falls back to English, the
    tool's own strings (running footer, table caption, statuses, notice) are in the edition's language."""
    html = spaced(print_html(lang))
    assert f'<html lang="{lang}"' in html
    missing = [expected for expected in EDITIONS[lang] if expected not in html]
    assert missing == [], missing
    assert 'counter(page) " of "' not in html and "political prisoners as of" not in html


def _brief_with_prisoners(tmp_path: Path, count: int) -> Path:
    """A copy of the small test brief with ``count`` people held (the first keeps the id its case profile names)."""
    brief = tmp_path / f"brief-{count}"
    shutil.copytree(SMALL, brief)
    ids = ["anna-alpha", *(f"person-{i}" for i in range(1, count))]
    people = "".join(f"  - id: {pid}\n    name: Person {pid}\n    status: imprisoned\n" for pid in ids)
    (brief / "prisoners.yaml").write_text(f"as_of: 2021-10-26\nprisoners:\n{people}", encoding="utf-8")
    return brief


@pytest.fixture(scope="module")
def briefs(tmp_path_factory):
    root = tmp_path_factory.mktemp("counts")
    return {count: _brief_with_prisoners(root, count) for count in (1, 2, 5, 21)}


def _written_in(brief: Path, lang: str, tmp_path: Path) -> Path:
    """A copy of ``brief`` whose source language is ``lang``: its sentences are the edition's own,
    so its derived facts are in ``lang`` (an untranslated sentence keeps the source's facts)."""
    copy = tmp_path / f"{brief.name}-{lang}"
    shutil.copytree(brief, copy)
    text = (copy / "brief.yaml").read_text(encoding="utf-8")
    text = text.replace("language: en\nlanguages: [en, ru]", f"language: {lang}\nlanguages: [{lang}]")
    (copy / "brief.yaml").write_text(text, encoding="utf-8")
    shutil.rmtree(copy / "translations", ignore_errors=True)
    return copy


@pytest.mark.parametrize("lang", ["pl", "uk", "ru", "cs", "lt"])
def test_the_derived_count_sentence_in_an_edition_agrees_with_the_number(lang, briefs, tmp_path):
    expected = {1: PLURALS[lang][1], 2: PLURALS[lang][2], 5: PLURALS[lang][5], 21: PLURALS[lang][21]}
    rendered = {count: spaced(print_html(lang, _written_in(brief, lang, tmp_path))) for count, brief in briefs.items()}
    assert {count: f"<strong>{phrase}</strong>" in rendered[count] for count, phrase in expected.items()} == \
        dict.fromkeys(expected, True), {count: re.findall(r"<strong>\d+ [^<]*</strong>", html)[:1] for count, html in rendered.items()}
