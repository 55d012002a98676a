"""Localize step, part two: translations of the content, one PO catalog per language.

``content/<slug>/translations/<lang>.po`` holds one message per text unit:
``msgctxt`` is the unit's stable key, ``msgid`` the source text it was
translated from, ``msgstr`` the translation. Translators can use Poedit or
Weblate on it. A unit is

* *translated* when the catalog has it, not fuzzy, made from the current source;
* *stale* when the source text changed since (its msgid differs), or it is fuzzy;
* *missing* when the catalog has no translation for it.

The merge is keyed on msgctxt (our stable key) rather than Babel's own
``Catalog.update``, which fuzzy-matches on msgid across the whole file and
could tie a changed paragraph to the translation of another one.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po, write_po

from briefgen import markup
from briefgen.content import TRANSLATIONS_DIR, Brief, Unit, map_texts
from briefgen.errors import BriefgenError, Problem, control_character_error, display_path
from briefgen.model import DATA_FILES, Text
from briefgen.output import write_atomic

STATES = ("translated", "stale", "missing")


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
    def incomplete(self) -> list[UnitStatus]:
        return [u for u in self.units if u.state != "translated"]


def catalog_path(brief: Brief, lang: str) -> Path:
    return brief.root / TRANSLATIONS_DIR / f"{lang}.po"


def read_catalog(brief: Brief, lang: str) -> Catalog | None:
    """The content catalog of ``lang``, or None if there is none yet."""
    path = catalog_path(brief, lang)
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=lang, abort_invalid=True)
    except PoFileError as error:
        line = getattr(error, "lineno", 1) or 1
        raise BriefgenError(problems=[Problem(display_path(path), line, 1, "", f"malformed PO file: {error}")]) from None
    except (UnicodeDecodeError, ValueError) as error:
        raise BriefgenError(problems=[Problem(display_path(path), 1, 1, "", f"cannot read catalog: {error}")]) from None


def _by_context(catalog: Catalog | None) -> dict[str, Message]:
    if catalog is None:
        return {}
    return {m.context: m for m in catalog if m.id and m.context}


def edition_status(brief: Brief, lang: str, catalog: Catalog | None = None, *, cover: bool = False) -> EditionStatus:
    """Each unit's state in ``lang``; reads the catalog unless given. The units of the cover email's
    text (``cover.md``, no part of the edition) only with ``cover``."""
    units = [unit for unit in brief.units() if cover or unit.file != "cover"]
    if lang == brief.source_language:
        return EditionStatus(lang, True, [UnitStatus(u, "translated", u.text) for u in units])
    messages = _by_context(catalog if catalog is not None else read_catalog(brief, lang))
    status = EditionStatus(lang, False)
    for unit in units:
        message = messages.get(unit.key)
        if message is None or not message.string:
            status.units.append(UnitStatus(unit, "missing", None, getattr(message, "lineno", None)))
        elif message.id != unit.text or message.fuzzy:
            status.units.append(UnitStatus(unit, "stale", message.string, message.lineno))
        else:
            status.units.append(UnitStatus(unit, "translated", message.string, message.lineno))
    return status


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
        source, target = markup.scan(item.unit.text), markup.scan(item.translation)
        for what, a, b, write in (("footnote calls", source.footnotes, target.footnotes, lambda x: f"[^{x}]"),
                                  ("placeholders", source.placeholders, target.placeholders, lambda x: "{" + x + "}"),
                                  ("links", source.links, target.links, str),
                                  ("images", source.images, target.images, lambda x: f"![…]({x})")):
            if Counter(a) != Counter(b):
                lacking = [write(x) for x in (Counter(a) - Counter(b)).elements()]
                extra = [write(x) for x in (Counter(b) - Counter(a)).elements()]
                detail = "; ".join(filter(None, [f"missing {', '.join(lacking)}" if lacking else "",
                                                f"not in the source {', '.join(extra)}" if extra else ""]))
                where = brief.problem(item.unit, message="").file
                line = brief.files[item.unit.file].position(item.unit.yaml_path)[0]
                problems.append(Problem(shown, item.po_line or 1, 1, item.unit.key,
                                        f"{what} differ from the source ({where}:{line}): {detail}"))
    return problems


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
    return localized


def update_catalogs(brief: Brief, languages: list[str] | None = None) -> dict[str, EditionStatus]:
    """Bring each translation catalog in line with the source: add new units, mark changed ones
    fuzzy (keeping the old translation and the old source as ``#| msgid``), make removed ones obsolete."""
    results = {}
    units = list(brief.units())
    for lang in languages or brief.document.editions:
        if lang == brief.source_language:
            continue
        old = read_catalog(brief, lang)
        old_by_context = _by_context(old)
        old_by_id = {}
        for message in old_by_context.values():
            if message.string and not message.fuzzy:
                old_by_id.setdefault(message.id, message)
        date = getattr(brief.document, "date", None)  # an interview may have none
        catalog = Catalog(locale=lang, project=brief.slug, version=str(date) if date else None,
                          language_team=None, fuzzy=False,
                          creation_date=old.creation_date if old else _dt.datetime.now(_dt.timezone.utc))
        catalog.header_comment = (f"# Translations of the brief '{brief.slug}' into {lang}.\n"
                                  "# msgctxt is the text's stable key; edit msgstr only. Written by 'briefgen i18n update'.")
        for unit in units:
            line = brief.files[unit.file].position(unit.yaml_path)[0]
            location = [(Path(brief.files[unit.file].shown).name, line)]
            previous = old_by_context.get(unit.key)
            message = Message(unit.text, context=unit.key, locations=location)
            if previous is not None and previous.string:
                message.string = previous.string
                message.user_comments = previous.user_comments
                if previous.id != unit.text:
                    message.flags.add("fuzzy")
                    message.previous_id = [previous.previous_id[0] if previous.fuzzy and previous.previous_id else previous.id]
                elif previous.fuzzy:
                    message.flags.add("fuzzy")
                    message.previous_id = list(previous.previous_id or [])
            elif unit.text in old_by_id:  # the same text moved to a new key
                message.string = old_by_id[unit.text].string
            catalog[unit.text] = message  # keyed by (msgid, msgctxt) inside Babel
        current = {u.key for u in units}
        for context, message in old_by_context.items():
            if context not in current and message.string:
                catalog.obsolete[(message.id, context)] = message
        path = catalog_path(brief, lang)
        _write_catalog(path, catalog)
        results[lang] = edition_status(brief, lang, catalog=read_catalog(brief, lang))
    return results


def _write_catalog(path: Path, catalog: Catalog) -> None:
    import io

    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, include_previous=True, sort_output=False, omit_header=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, buffer.getvalue())
