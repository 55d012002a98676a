"""XLIFF 1.2 and 2.0 for CAT tools (Trados, memoQ, Phrase): ``i18n export --xliff`` and ``i18n import``.

Each text unit becomes one XLIFF unit that carries the unit's stable key (the
PO msgctxt): as ``id`` and ``resname`` of a 1.2 ``<trans-unit>``, as ``name``
of a 2.0 ``<unit>`` (whose ``id`` must be an XML name token, so it holds the
key in an escaped form). CAT tools keep both, so a translated file comes back
to the right unit whatever the tool did to the order. The text is the unit's
inline Markdown as written: footnote calls ``[^id]``, placeholders
``{prisoners.count}`` and link targets must stay as they are — import checks
them as the PO catalog is checked, and reports each problem at the line and
column of its element in the XLIFF file. Nothing is written unless the whole
file is accepted.

Import parses with defusedxml: a DTD or entity declaration is refused (no
entity expansion, no external entities).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import polib
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import XMLParser

from briefgen.content import Brief
from briefgen.errors import BriefgenError, Problem, control_character_error, display_path
from briefgen.translations import EditionStatus, edition_status, markup_differences, write_language

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
VERSIONS = ("1.2", "2.0")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: States that mean "not done yet": imported as fuzzy (a PO editor or the next export shows them again).
UNDONE = {"new", "needs-translation", "needs-adaptation", "needs-l10n", "needs-review-translation",
          "needs-review-adaptation", "needs-review-l10n", "initial"}


def escape_id(key: str) -> str:
    """``key`` as an XML name token (XLIFF 2.0 unit ids): '/' and other characters escaped with '_'."""
    out = []
    for char in key:
        if char == "_":
            out.append("__")
        elif char == "/":
            out.append("_s")
        elif re.match(r"[A-Za-z0-9.:-]", char):
            out.append(char)
        else:
            out.append(f"_x{ord(char):x}_")
    return "".join(out)


def unescape_id(value: str) -> str:
    """The key of an escaped 2.0 unit id (inverse of :func:`escape_id`)."""
    return re.sub(r"_(_|s|x([0-9a-f]+)_)", lambda m: "_" if m[1] == "_" else "/" if m[1] == "s" else chr(int(m[2], 16)), value)


def export(brief: Brief, lang: str, version: str = "1.2") -> bytes:
    """The units of ``brief`` with their ``lang`` translations as an XLIFF document.

    Translated units carry their target (state translated / final); stale ones their old
    target, marked for review, with the source it was made from in a note; missing ones
    have no target."""
    status = edition_status(brief, lang)
    if version == "1.2":
        root = _export_12(brief, status)
    elif version == "2.0":
        root = _export_20(brief, status)
    else:
        raise BriefgenError(f"unknown XLIFF version '{version}': write 1.2 or 2.0")
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def _location(brief: Brief, item) -> str:
    line, column = brief.files[item.unit.file].position(item.unit.yaml_path)
    return f"{item.unit.file}.yaml:{line}:{column}"


def _export_12(brief: Brief, status: EditionStatus) -> ET.Element:
    ET.register_namespace("", NS12)
    root = ET.Element(f"{{{NS12}}}xliff", {"version": "1.2"})
    file = ET.SubElement(root, f"{{{NS12}}}file", {"original": brief.slug, "datatype": "plaintext",
                                                   "source-language": brief.source_language,
                                                   "target-language": status.lang, "tool-id": "briefgen"})
    header = ET.SubElement(file, f"{{{NS12}}}header")
    ET.SubElement(header, f"{{{NS12}}}tool", {"tool-id": "briefgen", "tool-name": "briefgen"})
    body = ET.SubElement(file, f"{{{NS12}}}body")
    for item in status.units:
        unit = ET.SubElement(body, f"{{{NS12}}}trans-unit", {"id": item.unit.key, "resname": item.unit.key,
                                                             XML_SPACE: "preserve"})
        ET.SubElement(unit, f"{{{NS12}}}source").text = item.unit.text
        if item.translation:
            state = "translated" if item.state == "translated" else "needs-review-translation"
            ET.SubElement(unit, f"{{{NS12}}}target", {"state": state}).text = item.translation
        ET.SubElement(unit, f"{{{NS12}}}note", {"from": "briefgen"}).text = _note(brief, item)
    return root


def _export_20(brief: Brief, status: EditionStatus) -> ET.Element:
    ET.register_namespace("", NS20)
    root = ET.Element(f"{{{NS20}}}xliff", {"version": "2.0", "srcLang": brief.source_language, "trgLang": status.lang})
    file = ET.SubElement(root, f"{{{NS20}}}file", {"id": "f1", "original": brief.slug})
    for item in status.units:
        unit = ET.SubElement(file, f"{{{NS20}}}unit", {"id": escape_id(item.unit.key), "name": item.unit.key})
        notes = ET.SubElement(unit, f"{{{NS20}}}notes")
        ET.SubElement(notes, f"{{{NS20}}}note", {"category": "location"}).text = _note(brief, item)
        segment = ET.SubElement(unit, f"{{{NS20}}}segment",
                                {"state": "translated" if item.state == "translated" else "initial"})
        ET.SubElement(segment, f"{{{NS20}}}source", {XML_SPACE: "preserve"}).text = item.unit.text
        if item.translation:
            ET.SubElement(segment, f"{{{NS20}}}target", {XML_SPACE: "preserve"}).text = item.translation
    return root


def _note(brief: Brief, item) -> str:
    note = f"{_location(brief, item)} — keep footnote calls [^…], placeholders {{…}} and link targets as they are"
    if item.state == "stale":
        note += "; the source changed since this translation: review it"
    return note


@dataclass
class Imported:
    """What an XLIFF import did."""

    lang: str
    units: int        # units with a translation in the file
    fuzzy: int        # of those, imported as needing review
    status: EditionStatus


class _Builder(ET.TreeBuilder):
    """A tree builder that remembers where each element starts (line, column, 1-based)."""

    def __init__(self):
        super().__init__()
        self.expat = None
        self.positions: dict[int, tuple[int, int]] = {}

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        self.positions[id(element)] = (self.expat.CurrentLineNumber, self.expat.CurrentColumnNumber + 1)
        return element


def parse(path: Path) -> tuple[ET.Element, dict[int, tuple[int, int]]]:
    """The XLIFF document at ``path`` and the position of each element; entities and DTDs refused."""
    shown = display_path(path)
    builder = _Builder()
    parser = XMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    try:
        parser.feed(Path(path).read_bytes())
        return parser.close(), builder.positions
    except DefusedXmlException as error:
        line, column = builder.expat.CurrentLineNumber, builder.expat.CurrentColumnNumber + 1
        raise BriefgenError(problems=[Problem(shown, line, column, "", f"{_defused_reason(error)} refused: "
                                              "an XLIFF file needs no DTD or entities — export it again without them")]) from None
    except ET.ParseError as error:
        line, column = error.position
        raise BriefgenError(problems=[Problem(shown, line, column + 1, "", f"not well-formed XML: {error.msg if hasattr(error, 'msg') else error}")]) from None


def _defused_reason(error: Exception) -> str:
    name = type(error).__name__
    return {"DTDForbidden": "a DTD (<!DOCTYPE …>)", "EntitiesForbidden": "an entity declaration (<!ENTITY …>)",
            "ExternalReferenceForbidden": "an external reference"}.get(name, name)


def file_info(root: ET.Element) -> tuple[str, str | None, str | None]:
    """(version, original, target language) of a parsed XLIFF document."""
    if root.tag == f"{{{NS12}}}xliff":
        file = root.find(f"{{{NS12}}}file")
        return "1.2", file.get("original") if file is not None else None, file.get("target-language") if file is not None else None
    if root.tag == f"{{{NS20}}}xliff":
        file = root.find(f"{{{NS20}}}file")
        return "2.0", file.get("original") if file is not None else None, root.get("trgLang")
    return "", None, None


def import_file(brief: Brief, path: Path) -> Imported:
    """Take the translations of the XLIFF file at ``path`` into ``brief``'s catalog of its target language."""
    shown = display_path(path)
    root, positions = parse(path)

    def at(element: ET.Element, key: str, message: str) -> Problem:
        line, column = positions.get(id(element), (1, 1))
        return Problem(shown, line, column, key, message)

    version, original, lang = file_info(root)
    if not version:
        raise BriefgenError(problems=[at(root, "", f"not an XLIFF 1.2 or 2.0 document (root element {root.tag})")])
    targets = [code for code in brief.document.editions if code != brief.source_language]
    if lang not in targets:
        raise BriefgenError(problems=[at(root, "", f"target language '{lang}' is not a translation of {brief.slug} "
                                         f"({', '.join(targets) or 'none'}): add it with 'briefgen i18n add {lang}'"
                                         if lang else "the file names no target language")])
    units = {u.key: u for u in brief.units()}
    problems: list[Problem] = []
    imported: dict[str, polib.POEntry] = {}
    fuzzy = 0
    for element, key, source, target, state in _units(root, version):
        if key is None:
            problems.append(at(element, "", "unit without an id: keep the ids briefgen wrote"))
            continue
        if key not in units:
            problems.append(at(element, key, f"unknown unit id '{key}': not a text of {brief.slug} — keep the ids briefgen "
                                             "wrote, or export again after 'briefgen i18n update'"))
            continue
        if key in imported:
            problems.append(at(element, key, "this unit id appears twice: keep one"))
            continue
        if target is None or isinstance(target, Problem):
            if target is not None:
                problems.append(at(element, key, target.message))
            continue
        text, target_element = target
        if not text:
            continue
        unit = units[key]
        if error := control_character_error(text):
            problems.append(at(target_element, key, error))
            continue
        for what, detail in markup_differences(unit.text, text):
            problems.append(at(target_element, key, f"{what} ({unit.file}.yaml:"
                                                    f"{brief.files[unit.file].position(unit.yaml_path)[0]}){detail}"))
        message = polib.POEntry(msgctxt=key, msgid=unit.text, msgstr=text)
        if state in UNDONE or source != unit.text:
            message.flags = ["fuzzy"]
            if source != unit.text:
                message.previous_msgid = source
            fuzzy += 1
        imported[key] = message
    if problems:
        raise BriefgenError(problems=problems)
    status = write_language(brief, lang, imported)
    return Imported(lang, len(imported), fuzzy, status)


def _units(root: ET.Element, version: str):
    """(element, key, source text, (target text, element) | None | Problem, state) of each unit."""
    if version == "1.2":
        for unit in root.iter(f"{{{NS12}}}trans-unit"):
            key = unit.get("resname") or unit.get("id")
            source = _text(unit.find(f"{{{NS12}}}source"))
            target = unit.find(f"{{{NS12}}}target")
            yield unit, key, source, _target(target), target.get("state") if target is not None else None
    else:
        for unit in root.iter(f"{{{NS20}}}unit"):
            key = unit.get("name") or (unescape_id(unit.get("id")) if unit.get("id") else None)
            segments = unit.findall(f"{{{NS20}}}segment")
            if len(segments) > 1:  # a CAT tool split the unit into sentences: join them back
                source = "".join(_text(s.find(f"{{{NS20}}}source")) or "" for s in segments)
                targets = [_target(s.find(f"{{{NS20}}}target")) for s in segments]
                bad = next((t for t in targets if isinstance(t, Problem)), None)
                target = bad or (("".join(t[0] for t in targets if t), segments[0]) if all(targets) else None)
                states = {s.get("state", "translated") for s in segments}
                yield unit, key, source, target, "initial" if states & UNDONE else "translated"
                continue
            segment = segments[0] if segments else unit
            yield (unit, key, _text(segment.find(f"{{{NS20}}}source")), _target(segment.find(f"{{{NS20}}}target")),
                   segment.get("state", "translated"))


def _text(element: ET.Element | None) -> str | None:
    return None if element is None else (element.text or "")


def _target(element: ET.Element | None):
    """(text, element) of a target, None if there is none, a Problem if it holds inline markup."""
    if element is None:
        return None
    if len(element):
        child = element[0].tag.rsplit("}", 1)[-1]
        return Problem("", 0, 0, "", f"inline element <{child}> in the target: briefgen's units are plain text with "
                                     "Markdown — write the text, [^footnote] calls and {placeholders} as in the source")
    return element.text or "", element
