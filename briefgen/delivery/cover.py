"""The cover text of a brief's email: ``cover.md`` in the brief folder, translated like the rest.

``cover.md`` holds the paragraphs that stand between the greeting and "Kind
regards," in the cover email (they replace the built-in "Please find attached
…" text). It is inline Markdown, paragraphs separated by blank lines, raw HTML
off, links as in the brief; and it may use these placeholders:

==============  ===========================================================
``{name}``      the recipient's name as listed
``{surname}``   the recipient's surname (their name when the list has none)
``{title}``     the brief's title, in the edition's language
``{date}``      the edition's date, in the email's language
``{author}``    the brief's author
``{contact}``   the contact's name
==============  ===========================================================

Each paragraph is a translation unit (``cover:1``, ``cover:2``, …):
``briefgen i18n update`` puts it in ``translations/<lang>.po`` and
``i18n status`` counts it, so an untranslated cover makes the edition
incomplete like any other text. The values are put in after the Markdown is
read, so a name is never read as Markdown or HTML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from briefgen.load import markup
from briefgen.errors import BriefgenError, Problem, control_character_error, display_path
from briefgen.load.model import Text

COVER_FILE = "cover.md"
PLACEHOLDERS = ("name", "surname", "title", "date", "author", "contact")
_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")
MAX_SIZE = 256 * 1024


@dataclass
class CoverFile:
    """``cover.md`` read into paragraphs, each with the line it starts on (the interface of a YamlFile
    that units and problems need: ``shown``, ``position``, ``problem``)."""

    shown: str
    paragraphs: list[tuple[int, str]]

    def position(self, path, *, key: bool = False) -> tuple[int, int]:
        if path and isinstance(path[0], int) and path[0] < len(self.paragraphs):
            return self.paragraphs[path[0]][0], 1
        return 1, 1

    def problem(self, path, message: str, *, key: bool = False, shown_path: str | None = None) -> Problem:
        label = shown_path if shown_path is not None else (f"paragraph {path[0] + 1}" if path else "")
        return Problem(self.shown, *self.position(path), label, message)


def read_cover(path: Path) -> CoverFile:
    """Read ``cover.md``; a problem (unreadable, control characters, unknown placeholders) is raised
    with its line."""
    shown = display_path(path)
    try:
        if path.stat().st_size > MAX_SIZE:
            raise BriefgenError(problems=[Problem(shown, 1, 1, "", f"larger than {MAX_SIZE // 1024} KiB: a cover "
                                                                   "text is a few paragraphs")])
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise BriefgenError(problems=[Problem(shown, 1, 1, "", f"not UTF-8 text ({error.reason}): save it as UTF-8")]) from None
    except OSError as error:
        raise BriefgenError(f"{shown}: cannot read file: {error.strerror}") from None
    paragraphs, current, start = [], [], 0
    problems = []
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), 1):
        if error := control_character_error(line):
            problems.append(Problem(shown, number, 1, "", error))
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            paragraphs.append((start, "\n".join(current)))
            current = []
    if current:
        paragraphs.append((start, "\n".join(current)))
    cover = CoverFile(shown, paragraphs)
    for index, (_, paragraph) in enumerate(paragraphs):
        if error := placeholder_error(paragraph):
            problems.append(cover.problem((index,), error))
    if problems:
        raise BriefgenError(problems=problems)
    return cover


def placeholder_error(text: str) -> str | None:
    """Why a cover paragraph's placeholders cannot be filled, or None."""
    unknown = [name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]
    if unknown:
        return (f"unknown placeholder {{{unknown[0]}}}: a cover text may use "
                f"{', '.join('{' + name + '}' for name in PLACEHOLDERS)}")
    return None


def units(cover: CoverFile):
    """The translation units of the cover, keyed ``cover:1``, ``cover:2``, … (file ``cover``)."""
    from briefgen.load.content import Unit

    for index, (_, paragraph) in enumerate(cover.paragraphs):
        yield Unit(file="cover", key=f"cover:{index + 1}", model_path=(), yaml_path=(index,), text=Text(paragraph))


def localized(brief, status) -> list[str] | None:
    """The cover's paragraphs in the language of ``status`` (an EditionStatus; an untranslated
    paragraph stays in the source language), or None when the brief has no ``cover.md``."""
    if "cover" not in brief.files:
        return None
    return [str(item.translation if item.state == "translated" and not status.source else item.unit.text)
            for item in status.units if item.unit.file == "cover"]


def translation_problems(brief, status) -> list[Problem]:
    """A translated cover paragraph may use only the placeholders a cover may use (at its PO line)."""
    from briefgen.editions.translations import catalog_path

    return [Problem(display_path(catalog_path(brief, status.lang)), item.po_line or 1, 1, item.unit.key, error)
            for item in status.units
            if item.unit.file == "cover" and item.state == "translated" and not status.source
            and (error := placeholder_error(str(item.translation)))]


class _Inline:
    """Rendering context: a cover has no footnotes or data placeholders."""

    def footnote_call(self, footnote_id: str) -> str:
        return ""

    def placeholder(self, name: str) -> str:
        return html.escape("{" + name + "}")


def _fill(text: str, values: dict[str, str], escape) -> str:
    return _PLACEHOLDER.sub(lambda match: escape(values.get(match[1], match[0])), text)


def as_text(paragraphs: list[str], values: dict[str, str]) -> list[str]:
    """The paragraphs as plain text, placeholders filled."""
    return [_fill(markup.plain(paragraph), values, str) for paragraph in paragraphs]


def as_html(paragraphs: list[str], values: dict[str, str]) -> list[str]:
    """The paragraphs as safe inline HTML (raw HTML shown as text), placeholders filled and escaped."""
    return [_fill(markup.render(paragraph, _Inline()), values, html.escape) for paragraph in paragraphs]
