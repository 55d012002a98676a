"""``briefgen i18n add LANG``: a new language for a brief.

The language is written into ``languages`` of brief.yaml by a textual edit at
the place PyYAML's own parser reports for the list (its last item, or the
closing bracket of a flow list), so the author's comments, quoting and layout
stay as they were. Then the language's catalog is made from the brief's
template (``translations/<slug>.pot``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError

from briefgen.editions import i18n
from briefgen.load.content import BRIEF_FILE, load_brief
from briefgen.errors import BriefgenError, Problem, display_path
from briefgen.editions.output import write_atomic
from briefgen.editions.translations import EditionStatus, catalog_path, update_catalogs


@dataclass
class Added:
    """What ``add_language`` did."""

    lang: str
    brief_file: Path
    line: int | None          # the line of brief.yaml that now names the language (None: it was there)
    catalog: Path
    status: EditionStatus
    tool_catalog: Path | None  # briefgen's own strings for the language, None if it has none


def add_language(root: Path, lang: str) -> Added:
    """Add ``lang`` to the brief in ``root`` (brief.yaml and a new catalog); an existing catalog is kept."""
    root = Path(root)
    brief = load_brief(root)
    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        raise BriefgenError(f"unknown language '{lang}': give a code such as 'de', 'kk' or 'pt_BR'") from None
    path = root / BRIEF_FILE
    line = None
    if lang not in brief.document.editions:
        text, line = with_language(path.read_text(encoding="utf-8"), lang, brief.source_language, display_path(path))
        write_atomic(path, text.encode("utf-8"))
        brief = load_brief(root)
    status = update_catalogs(brief, [lang])[lang] if lang != brief.source_language else None
    tool = i18n.catalog_file(lang)
    return Added(lang, path, line, catalog_path(brief, lang), status, tool if tool.is_file() else None)


def with_language(text: str, lang: str, source: str, shown: str) -> tuple[str, int]:
    """``text`` of a brief.yaml with ``lang`` added to ``languages``, and the line it is on."""
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(root, yaml.MappingNode) or not root.value:
        raise BriefgenError(problems=[Problem(shown, 1, 1, "", "brief.yaml is not a mapping of keys")])
    entries = {key.value: (key, value) for key, value in root.value if isinstance(key, yaml.ScalarNode)}
    if "languages" not in entries:
        # a new line before the first key after 'language' (or before the first key)
        anchor_key, anchor_value = entries.get("language", root.value[0])
        if "language" in entries:
            at = text.find("\n", anchor_value.end_mark.index)
            at = len(text) if at < 0 else at + 1
            new = text[:at] + ("" if text[:at].endswith("\n") else "\n") + f"languages: [{source}, {lang}]\n" + text[at:]
            return new, anchor_key.start_mark.line + 2
        at = text.rfind("\n", 0, anchor_key.start_mark.index) + 1
        return text[:at] + f"languages: [{source}, {lang}]\n" + text[at:], anchor_key.start_mark.line + 1
    key, value = entries["languages"]
    if not isinstance(value, yaml.SequenceNode):
        raise BriefgenError(problems=[Problem(shown, key.start_mark.line + 1, key.start_mark.column + 1, "languages",
                                              f"'languages' is not a list: write languages: [{source}, {lang}]")])
    if value.flow_style or not value.value:
        if value.value:
            at = value.value[-1].end_mark.index
            return text[:at] + f", {lang}" + text[at:], value.value[-1].end_mark.line + 1
        at = text.rindex("]", 0, value.end_mark.index)
        return text[:at] + f"{source}, {lang}" + text[at:], value.end_mark.line + 1
    last = value.value[-1]
    line_start = text.rfind("\n", 0, last.start_mark.index) + 1
    prefix = text[line_start:last.start_mark.index]  # "  - ", as the author indented it
    at = text.find("\n", last.end_mark.index)
    if at < 0:
        return text + "\n" + prefix + lang + "\n", last.start_mark.line + 2
    return text[:at + 1] + prefix + lang + "\n" + text[at + 1:], last.start_mark.line + 2
