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

from briefgen.load import markup
from briefgen.load.content import Brief
from briefgen.errors import BriefgenError, Problem, control_character_error, display_path
from briefgen.editions.translations import EditionStatus, edition_status, markup_differences, write_language

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
VERSIONS = ("1.2", "2.0")
MAX_BYTES = 50 * 2**20  # the sample briefing's XLIFF is about 220 KB
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: States that mean "not done yet": imported as fuzzy (a PO editor or the next export shows them again).
#: What CAT tools must not touch: footnote calls and placeholders (exported as inline codes).
CODE = re.compile(f"(?:{markup.FOOTNOTE_CALL.pattern})|(?:{markup.PLACEHOLDER.pattern})")
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
    _indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def _indent(element: ET.Element, level: int = 0) -> None:
    """Indent the structure for people reading the file, never the text: ElementTree's own indent
    would change the whitespace around inline codes inside a source or target."""
    children = list(element)
    if not children or element.tag.rsplit("}", 1)[-1] in ("source", "target"):
        return
    element.text = "\n" + " " * (level + 1)
    for child in children:
        _indent(child, level + 1)
        child.tail = "\n" + " " * (level + 1)
    children[-1].tail = "\n" + " " * level


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
                                                             "approved": "yes" if item.state == "translated" else "no",
                                                             XML_SPACE: "preserve"})
        _fill(ET.SubElement(unit, f"{{{NS12}}}source"), item.unit.text, NS12)
        if item.translation:
            state = "translated" if item.state == "translated" else "needs-review-translation"
            _fill(ET.SubElement(unit, f"{{{NS12}}}target", {"state": state}), item.translation, NS12)
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
        codes = list(dict.fromkeys(m[0] for text in (item.unit.text, item.translation or "") for m in CODE.finditer(text)))
        if codes:  # each code's text once, referred to by the <ph/> elements
            data = ET.SubElement(unit, f"{{{NS20}}}originalData")
            for index, code in enumerate(codes, 1):
                ET.SubElement(data, f"{{{NS20}}}data", {"id": f"d{index}"}).text = code
        refs = {code: f"d{index}" for index, code in enumerate(codes, 1)}
        segment = ET.SubElement(unit, f"{{{NS20}}}segment",
                                {"state": "translated" if item.state == "translated" else "initial"})
        _fill(ET.SubElement(segment, f"{{{NS20}}}source", {XML_SPACE: "preserve"}), item.unit.text, NS20, refs)
        if item.translation:
            _fill(ET.SubElement(segment, f"{{{NS20}}}target", {XML_SPACE: "preserve"}), item.translation, NS20, refs)
    return root


def _fill(element: ET.Element, text: str, ns: str, refs: dict[str, str] | None = None) -> None:
    """``text`` into ``element``, its footnote calls and placeholders as inline codes a CAT tool
    protects: ``<ph id="1">[^note]</ph>`` (1.2, the code inside), ``<ph id="1" dataRef="d1"
    equiv="[^note]"/>`` (2.0, the code in the unit's originalData)."""
    element.text, last, position = "", None, 0
    for number, match in enumerate(CODE.finditer(text), 1):
        if last is None:
            element.text += text[position:match.start()]
        else:
            last.tail = text[position:match.start()]
        if ns == NS12:
            last = ET.SubElement(element, f"{{{NS12}}}ph", {"id": str(number)})
            last.text = match[0]
        else:
            last = ET.SubElement(element, f"{{{NS20}}}ph", {"id": str(number), "dataRef": refs[match[0]],
                                                            "equiv": match[0], "disp": match[0]})
        position = match.end()
    if last is None:
        element.text += text[position:]
    else:
        last.tail = text[position:]


def _note(brief: Brief, item) -> str:
    note = (f"{_location(brief, item)} — keep the inline codes (footnote calls [^…], placeholders {{…}}) and "
            "link targets as they are")
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
    if Path(path).stat().st_size > MAX_BYTES:
        raise BriefgenError(problems=[Problem(shown, 1, 1, "", f"file larger than {MAX_BYTES // 2**20} MiB: "
                                              "export one brief and language per file")])
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

    version, _, lang = file_info(root)
    if not version:
        raise BriefgenError(problems=[at(root, "", f"not an XLIFF 1.2 or 2.0 document (root element {root.tag})")])
    targets = [code for code in brief.document.editions if code != brief.source_language]
    lang = _edition_language(lang, targets)
    if lang not in targets:
        raise BriefgenError(problems=[at(root, "", f"target language '{lang}' is not a translation of {brief.slug} "
                                         f"({', '.join(targets) or 'none'}): add it with 'briefgen i18n add {lang}'"
                                         if lang else "the file names no target language")])
    units = {u.key: u for u in brief.units()}
    problems: list[Problem] = []
    imported: dict[str, polib.POEntry] = {}
    seen: set[str] = set()
    fuzzy = 0
    for element, key, source, target, state in _units(root, version):
        if key is None:
            problems.append(at(element, "", "unit without an id: keep the ids briefgen wrote"))
            continue
        if key not in units:
            problems.append(at(element, key, f"unknown unit id '{key}': not a text of {brief.slug} — keep the ids briefgen "
                                             "wrote, or export again after 'briefgen i18n update'"))
            continue
        if key in seen:
            problems.append(at(element, key, "this unit id appears twice: keep one"))
            continue
        seen.add(key)
        bad = [part for part in (source, target) if isinstance(part, Inline) and part.error]
        if bad:
            problems.extend(at(part.error[0], key, part.error[1]) for part in bad)
            continue
        if target is None or not target.text:
            continue
        unit = units[key]
        if error := control_character_error(target.text):
            problems.append(at(target.element, key, error))
            continue
        for what, detail in markup_differences(unit.text, target.text):
            problems.append(at(target.element, key, f"{what} ({unit.file}.yaml:"
                                                    f"{brief.files[unit.file].position(unit.yaml_path)[0]}){detail}"))
        message = polib.POEntry(msgctxt=key, msgid=unit.text, msgstr=target.text)
        source_text = source.text if source is not None else unit.text
        if state in UNDONE or source_text != unit.text:
            message.flags = ["fuzzy"]
            if source_text != unit.text:
                message.previous_msgid = source_text
            fuzzy += 1
        imported[key] = message
    if problems:
        raise BriefgenError(problems=problems)
    status = write_language(brief, lang, imported)
    return Imported(lang, len(imported), fuzzy, status)


def _edition_language(code: str | None, targets: list[str]) -> str | None:
    """The edition a CAT tool's language code means: tools write regions ("ru-RU", "pt_BR")."""
    if not code or code in targets:
        return code
    normal = code.replace("-", "_")
    for candidate in (normal, normal.split("_")[0]):
        matches = [t for t in targets if t.replace("-", "_").lower() == candidate.lower()]
        if len(matches) == 1:
            return matches[0]
    return code


@dataclass
class Inline:
    """The text of a source or target element, inline codes put back; or why it cannot be read."""

    text: str
    element: ET.Element
    error: tuple[ET.Element, str] | None = None


def _units(root: ET.Element, version: str):
    """(element, key, source, target, state) of each unit; source and target are :class:`Inline` or None."""
    if version == "1.2":
        for unit in root.iter(f"{{{NS12}}}trans-unit"):
            key = unit.get("resname") or unit.get("id")
            source = _inline(unit.find(f"{{{NS12}}}source"), {})
            target = unit.find(f"{{{NS12}}}target")
            # the target's state if it has one, else the unit's approval (what some tools keep instead)
            state = target.get("state") if target is not None else None
            if state is None and unit.get("approved") in ("yes", "no"):
                state = "translated" if unit.get("approved") == "yes" else "needs-review-translation"
            yield unit, key, source, _inline(target, {}), state
        return
    for unit in root.iter(f"{{{NS20}}}unit"):
        key = unit.get("name") or (unescape_id(unit.get("id")) if unit.get("id") else None)
        data = {d.get("id"): d.text or "" for d in unit.iter(f"{{{NS20}}}data")}
        segments = unit.findall(f"{{{NS20}}}segment") or [unit]
        # a CAT tool may split a unit into sentences: join them back
        sources = [_inline(s.find(f"{{{NS20}}}source"), data) for s in segments]
        targets = [_inline(s.find(f"{{{NS20}}}target"), data) for s in segments]
        states = {s.get("state", "translated") for s in segments}
        yield (unit, key, _join(sources), None if all(t is None for t in targets) else _join(targets),
               "initial" if states & UNDONE else "translated")


def _join(parts: list[Inline | None]) -> Inline | None:
    present = [p for p in parts if p is not None]
    if not present:
        return None
    error = next((p.error for p in present if p.error), None)
    return Inline("".join(p.text for p in present), present[0].element, error)


def _inline(element: ET.Element | None, data: dict[str, str]) -> Inline | None:
    """The text of ``element`` with its inline codes (``ph``) written back as their code; markers
    (``g``, ``mrk``, ``pc``) give their text; anything else cannot be read back."""
    if element is None:
        return None
    out = [element.text or ""]
    for child in element:
        name = child.tag.rsplit("}", 1)[-1]
        if name == "ph":
            code = child.text if child.tag == f"{{{NS12}}}ph" else data.get(child.get("dataRef", ""))
            if not code or not CODE.fullmatch(code):
                return Inline("", element, (child, f"inline code <ph id=\"{child.get('id')}\"> does not hold a footnote "
                                                   "call or placeholder of the export: keep the codes briefgen wrote"))
            out.append(code)
        elif name in ("g", "mrk", "pc"):
            inner = _inline(child, data)
            if inner.error:
                return Inline("", element, inner.error)
            out.append(inner.text)
        else:
            return Inline("", element, (child, f"inline element <{name}> in the text: briefgen's units are plain text "
                                               "with Markdown — write the text, [^footnote] calls and {placeholders} as in the source"))
        out.append(child.tail or "")
    return Inline("".join(out), element)
