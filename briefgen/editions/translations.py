"""Localize step, part two: translations of the content, one PO catalog per language.

``content/<slug>/translations/<lang>.po`` holds one message per text unit:
``msgctxt`` is the unit's stable key, ``msgid`` the source text it was
translated from, ``msgstr`` the translation. Translators can use Poedit or
Weblate on it. A unit is

* *translated* when the catalog has it, not fuzzy, made from the current source;
* *stale* when the source text changed since (its msgid differs), or it is fuzzy;
* *missing* when the catalog has no translation for it.

The merge is keyed on msgctxt (our stable key) rather than msgmerge's or
Babel's fuzzy matching on msgid across the whole file, which could tie a
changed paragraph to the translation of another one. The files themselves are
read and written by pocatalog.py (polib), so that gettext's tools accept them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polib

from briefgen.editions import i18n

from briefgen.load import limits

from briefgen.load import markup

from briefgen.editions import pocatalog
from briefgen.load.content import Brief, Unit, map_texts
from briefgen.errors import BriefgenError, Problem, control_character_error, display_path
from briefgen.load.model import DATA_FILES, Text

STATES = ("translated", "stale", "missing")
#: A word as translators count them: letters or digits, with inner hyphens and apostrophes.
WORD = re.compile(r"\w+(?:[-'’]\w+)*")


FORMAT_DIRECTIVE = re.compile(r"%\(\w+\)[sd]")


def count_words(text: str) -> int:
    """Source words of a text unit, as translators bill them: Markdown, footnote calls and
    placeholders (filled from the data, never translated) are not words."""
    return len(WORD.findall(markup.PLACEHOLDER.sub(" ", markup.plain(text))))


class LocalText(Text):
    """A text unit as shown in one edition: its language and whether it fell back to the source."""

    lang: str
    fallback: bool

    def __new__(cls, text: str, lang: str, fallback: bool = False):
        obj = super().__new__(cls, text)
        obj.lang = lang
        obj.fallback = fallback
        return obj


@dataclass
class UnitStatus:
    unit: Unit
    state: str
    translation: str | None = None
    po_line: int | None = None


@dataclass
class EditionStatus:
    """How complete one language's translation of a brief is."""

    lang: str
    source: bool
    units: list[UnitStatus] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        return Counter(u.state for u in self.units)

    @property
    def percent(self) -> float:
        total = len(self.units)
        return 100.0 if not total else 100.0 * self.counts["translated"] / total

    @property
    def words(self) -> Counter:
        """Source words per state."""
        words: Counter = Counter()
        for item in self.units:
            words[item.state] += count_words(item.unit.text)
        return words

    @property
    def incomplete(self) -> list[UnitStatus]:
        return [u for u in self.units if u.state != "translated"]


def catalog_path(brief: Brief, lang: str) -> Path:
    return pocatalog.catalog_path(brief.root, lang)


def read_catalog(brief: Brief, lang: str) -> polib.POFile | None:
    """The content catalog of ``lang``, or None if there is none yet."""
    return pocatalog.read(catalog_path(brief, lang), brief.root)


def _by_context(catalog: polib.POFile | None) -> dict[str, polib.POEntry]:
    return {m.msgctxt: m for m in pocatalog.live(catalog) if m.msgctxt}


def edition_status(brief: Brief, lang: str, catalog: polib.POFile | None = None, *, cover: bool = False) -> EditionStatus:
    """Each unit's state in ``lang``; reads the catalog unless given. The units of the cover email's
    text (``cover.md``, no part of the edition) only with ``cover``."""
    units = [unit for unit in brief.units() if cover or unit.file != "cover"]
    if lang == brief.source_language:
        return EditionStatus(lang, True, [UnitStatus(u, "translated", u.text) for u in units])
    messages = _by_context(catalog if catalog is not None else read_catalog(brief, lang))
    status = EditionStatus(lang, False)
    for unit in units:
        message = messages.get(unit.key)
        if message is None or not message.msgstr:
            status.units.append(UnitStatus(unit, "missing", None, getattr(message, "linenum", None)))
        elif message.msgid != unit.text or message.fuzzy:
            status.units.append(UnitStatus(unit, "stale", message.msgstr, message.linenum))
        else:
            status.units.append(UnitStatus(unit, "translated", message.msgstr, message.linenum))
    return status


def markup_differences(source_text: str, translation: str) -> list[tuple[str, str]]:
    """How a translation fails to keep the source's footnote calls, placeholders and links (or adds an
    image): (what differs, the details) pairs, empty when it keeps them all."""
    found = []
    source, target = markup.scan(source_text), markup.scan(translation)
    for what, a, b, write in (("footnote calls", source.footnotes, target.footnotes, lambda x: f"[^{x}]"),
                              ("placeholders", source.placeholders, target.placeholders, lambda x: "{" + x + "}"),
                              ("links", source.links, target.links, str),
                              ("images", source.images, target.images, lambda x: f"![…]({x})")):
        if Counter(a) != Counter(b):
            lacking = [write(x) for x in (Counter(a) - Counter(b)).elements()]
            extra = [write(x) for x in (Counter(b) - Counter(a)).elements()]
            detail = "; ".join(filter(None, [f"missing {', '.join(lacking)}" if lacking else "",
                                            f"not in the source {', '.join(extra)}" if extra else ""]))
            found.append((f"{what} differ from the source", f": {detail}"))
    return found


def check_translations(brief: Brief, status: EditionStatus) -> list[Problem]:
    """Translations must keep the source's footnote calls, placeholders and links (and add no image)."""
    if status.source:
        return []
    problems = []
    shown = display_path(catalog_path(brief, status.lang))
    for item in status.units:
        if item.state != "translated":
            continue
        if error := control_character_error(item.translation):
            problems.append(Problem(shown, item.po_line or 1, 1, item.unit.key, error))
            continue
        if len(item.translation) > limits.MAX_TEXT_CHARS:  # the source's limits hold for its translations
            problems.append(Problem(shown, item.po_line or 1, 1, item.unit.key,
                                    f"translation of {len(item.translation):,} characters, more than the "
                                    f"{limits.MAX_TEXT_CHARS:,} allowed: split the source paragraph"))
            continue
        if too_much := markup.scan(item.translation).too_much:
            problems.append(Problem(shown, item.po_line or 1, 1, item.unit.key, too_much))
            continue
        differences = markup_differences(item.unit.text, item.translation)
        if differences:
            where = brief.files[item.unit.file].shown
            line = brief.files[item.unit.file].position(item.unit.yaml_path)[0]
            problems.extend(Problem(shown, item.po_line or 1, 1, item.unit.key, f"{error} ({where}:{line}){detail}")
                            for error, detail in differences)
    return problems


@dataclass
class ToolStrings:
    """How much of briefgen's own strings (templates/locale) a language has."""

    lang: str
    catalog: Path
    units: Counter     # messages per state
    words: Counter     # source words per state


def tool_strings_status(lang: str) -> ToolStrings:
    """briefgen's own strings in ``lang`` against templates/locale/messages.pot: translated,
    stale (fuzzy) or missing, as messages and words (a plural pair counts its two forms)."""
    template = pocatalog.read(i18n.LOCALE_DIR / "messages.pot")
    path = i18n.catalog_file(lang)
    catalog = {(m.msgctxt, m.msgid): m for m in pocatalog.live(pocatalog.read(path))}
    units, words = Counter(), Counter()
    for message in pocatalog.live(template):
        found = catalog.get((message.msgctxt, message.msgid))
        done = found is not None and (found.msgstr or any(found.msgstr_plural.values()))
        state = "translated" if done and not found.fuzzy else "stale" if done else "missing"
        units[state] += 1
        words[state] += sum(count_words(FORMAT_DIRECTIVE.sub(" ", text)) for text in (message.msgid, message.msgid_plural) if text)
    return ToolStrings(lang, path, units, words)


def catalog_problems(brief: Brief, lang: str, catalog: polib.POFile | None) -> list[Problem]:
    """Messages of a catalog that are tied to no unit: their msgctxt (the unit's key) is missing or
    is not a briefgen key — conversion tools such as po2xliff/xliff2po drop or replace it, and such
    a unit then counts as untranslated; saying so keeps that visible."""
    shown = display_path(catalog_path(brief, lang))
    texts = {u.text for u in brief.units()}
    problems = []
    for message in pocatalog.live(catalog):
        if pocatalog.is_key(message.msgctxt):
            continue
        what = f"msgctxt '{message.msgctxt}' is not a text key" if message.msgctxt else "message has no msgctxt"
        fix = ("run 'briefgen i18n update' to give it back its key (matched by its source text)" if message.msgid in texts
               else "its source text is not in the brief: delete it or run 'briefgen i18n update'")
        problems.append(Problem(shown, message.linenum, 1, message.msgid[:40],
                                f"{what} (a conversion tool such as po2xliff/xliff2po lost the key), so it "
                                f"counts as untranslated: {fix}; for CAT tools use 'briefgen i18n export --xliff {lang}'"))
    return problems


def check_catalogs(brief: Brief, languages: list[str] | None = None) -> tuple[list[Problem], dict[str, EditionStatus]]:
    """Every problem of the brief's catalogs (malformed files, messages without keys, translations
    that lose a footnote call, placeholder or link), and each translation's status."""
    problems: list[Problem] = []
    statuses = {}
    for lang in languages or brief.document.editions:
        if lang == brief.source_language:
            continue
        try:
            catalog = read_catalog(brief, lang)
        except BriefgenError as error:
            problems.extend(error.problems)
            continue
        statuses[lang] = edition_status(brief, lang, catalog)
        problems.extend(catalog_problems(brief, lang, catalog))
        problems.extend(check_translations(brief, statuses[lang]))
    return problems, statuses


def localize(brief: Brief, lang: str, status: EditionStatus) -> Brief:
    """A copy of ``brief`` whose texts are in ``lang``; missing or stale units keep the source text, marked."""
    by_key = {s.unit.key: s for s in status.units}

    def replace(unit: Unit) -> LocalText:
        item = by_key[unit.key]
        if item.state == "translated":
            return LocalText(item.translation, lang)
        return LocalText(unit.text, brief.source_language, fallback=True)

    changes = {}
    for stem in ("brief", *DATA_FILES):
        model = brief.model_of(stem)
        if model is not None:
            changes["document" if stem == "brief" else stem] = map_texts(stem, model, replace)
    localized = Brief(**{**brief.__dict__, **changes})
    localized.source_brief = brief  # what a passage shown in the source language draws its facts from
    return localized


def update_catalogs(brief: Brief, languages: list[str] | None = None) -> dict[str, EditionStatus]:
    """Bring the template and each translation catalog in line with the source: add new units,
    mark changed ones fuzzy (keeping the old translation and the old source as ``#| msgid``), make
    removed ones obsolete. A file whose messages would not change is left as it is."""
    units = list(brief.units())
    occurrences = _occurrences(brief, units)
    template = [pocatalog.entry(u.text, u.key, occurrences[u.key], template=True) for u in units]
    pot = pocatalog.template_path(brief.root)
    pocatalog.write(pot, brief.slug, brief.source_language, template, pocatalog.read(pot, brief.root),
                    f"Template of the translations of the brief '{brief.slug}' (source language: "
                    f"{brief.source_language}).\nWritten by 'briefgen i18n update'; start a language with "
                    "'briefgen i18n add LANG'.", template=True)
    results = {}
    for lang in languages or brief.document.editions:
        if lang != brief.source_language:
            results[lang] = write_language(brief, lang)
    return results


def _occurrences(brief: Brief, units: list[Unit]) -> dict[str, tuple[str, int]]:
    """Each unit's ``#:`` reference: its file and line."""
    return {u.key: (Path(brief.files[u.file].shown).name, brief.files[u.file].position(u.yaml_path)[0]) for u in units}


def write_language(brief: Brief, lang: str, imported: dict[str, polib.POEntry] | None = None) -> EditionStatus:
    """Merge the units into ``lang``'s catalog and write it (if anything changed); ``imported``
    messages (by key, from an XLIFF file) replace the catalog's translations."""
    units = list(brief.units())
    occurrences = _occurrences(brief, units)
    old = read_catalog(brief, lang)
    entries = merge(units, occurrences, old)
    for index, message in enumerate(entries):
        if imported and message.msgctxt in imported and not message.obsolete:
            entries[index] = imported[message.msgctxt]
            entries[index].occurrences = message.occurrences
            entries[index].tcomment = message.tcomment
    pocatalog.write(catalog_path(brief, lang), brief.slug, lang, entries, old,
                    f"Translations of the brief '{brief.slug}' into {lang}.\n"
                    "msgctxt is the text's stable key; edit msgstr only. Written by 'briefgen i18n update'.")
    return edition_status(brief, lang, catalog=read_catalog(brief, lang))


def merge(units: list[Unit], occurrences: dict[str, tuple[str, int]], old: polib.POFile | None) -> list[polib.POEntry]:
    """The messages of a catalog for ``units``, carrying over ``old``'s translations by key.

    A message whose key is gone, or was lost (conversion tools such as po2xliff/xliff2po drop
    msgctxt), is matched by its source text; what is left becomes obsolete."""
    # a unit that comes back finds its obsolete message again
    keyed = {e.msgctxt: e for e in (old or []) if e.obsolete and e.msgctxt}
    keyed.update((e.msgctxt, e) for e in pocatalog.live(old) if pocatalog.is_key(e.msgctxt))
    current = {u.key for u in units}
    texts = {u.text for u in units}
    by_text: dict[str, polib.POEntry] = {}
    for message in pocatalog.live(old):
        if message.msgstr and not message.fuzzy:
            by_text.setdefault(message.msgid, message)
    adopted = set()
    entries = []
    for unit in units:
        previous = keyed.get(unit.key)
        if previous is None or previous.msgid != unit.text or not previous.msgstr:
            if previous is not None and previous.msgid != unit.text and previous.msgid in texts:
                previous = None  # its text moved to another key (a list item inserted before it)
            # the same text translated under another key (or none: po2xliff/xliff2po drop msgctxt)
            previous = by_text.get(unit.text, previous)
        if previous is not None and previous.msgstr:
            adopted.add(id(previous))
        entries.append(pocatalog.entry(unit.text, unit.key, occurrences[unit.key], previous))
    left = [e for e in pocatalog.live(old) if e.msgctxt not in current and id(e) not in adopted and e.msgstr]
    kept = [e for e in (old or []) if e.obsolete and e.msgctxt not in current]
    return entries + [pocatalog.obsolete(e) for e in kept + left]
