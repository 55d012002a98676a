"""Checks of an edition that depend on the workspace: the tool's strings and the glyphs.

* The tool's own strings ("Page 3 of 12", "Notes", plural phrases) of a language
  without a complete catalog are shown in English: :func:`tool_string_problems`
  says so as a problem at the language's entry in ``brief.yaml``. A build prints
  it beside the edition and goes on; ``--strict`` refuses the edition.
* A character that none of the edition's fonts has would be drawn by some other
  font fontconfig picks, or as an empty box: :func:`glyph_problems` refuses it,
  at the place in the content where it is written.
"""

from __future__ import annotations

from pathlib import Path

from briefgen import workspace

from briefgen.editions import fonts

from briefgen.editions import i18n
from briefgen.load.content import Brief
from briefgen.errors import Problem, display_path
from briefgen.editions.translations import catalog_path


def edition_roots() -> list[Path]:
    """What the door serves besides the brief and the built-in templates: the workspace's
    template overrides and the brand's files (logo, fonts)."""
    from briefgen.workspace.brand import cached_brand

    current = workspace.active()
    roots = [current.templates_dir] if current.templates_dir else []
    return roots + cached_brand(current).files


def tool_string_problems(brief: Brief, lang: str) -> list[Problem]:
    """A problem if the tool's strings are not all translated into ``lang``."""
    missing, total = i18n.tool_strings_missing(lang)
    if not missing:
        return []
    doc = brief.document
    where = ("languages", doc.languages.index(lang)) if lang in (doc.languages or []) else ("language",)
    own = workspace.active().root / "locale" / lang / "LC_MESSAGES" / "messages.po"
    return [brief.problem("brief", where,
                          f"briefgen's own strings (\"Page 1 of 2\", \"Notes\", …) are not translated into "
                          f"{i18n.language_name(lang)} ({lang}): {missing} of {total} are shown in English — "
                          f"translate {display_path(i18n.LOCALE_DIR / 'messages.pot')} into {display_path(own)} "
                          f"(--strict refuses such an edition)")]


def glyph_problems(brief: Brief, lang: str, print_html: str) -> list[Problem]:
    """One problem per character of the print edition that none of its fonts has."""
    from briefgen.workspace.brand import cached_brand

    families = cached_brand(workspace.active()).families()
    text = fonts.html_text(print_html)
    problems = []
    for char in sorted(fonts.missing_glyphs(text, families)):
        message = (f"{fonts.describe(char)} is in none of the fonts this edition is set in "
                   f"({', '.join(families)}): write it otherwise, or keep a font that has it in the workspace "
                   f"and name it in _brand.yml (typography: fonts, base, headings)")
        problems.append(_locate(brief, lang, char, text, message))
    return problems


def _locate(brief: Brief, lang: str, char: str, text: str, message: str) -> Problem:
    """The problem at the first place ``char`` is written: the brief's files, its translation,
    the tool's catalogs; else at the top of brief.yaml, quoting the text around it."""
    candidates = [yaml_file.path for yaml_file in brief.files.values()] + [catalog_path(brief, lang)]
    candidates += i18n.catalog_files(lang)
    for path in candidates:
        try:
            content = Path(path).read_text(encoding="utf-8")
        except OSError:
            continue
        index = content.find(char)
        if index >= 0:
            line = content.count("\n", 0, index) + 1
            column = index - (content.rfind("\n", 0, index) + 1) + 1
            around = content.splitlines()[line - 1].strip()
            return Problem(display_path(path), line, column, "", f"in “{_clip(around, char)}”: {message}")
    index = text.find(char)
    return Problem(display_path(brief.root / "brief.yaml"), 1, 1, "", f"in “{_clip(text[max(0, index - 30):index + 30], char)}”: {message}")


def _clip(line: str, char: str, width: int = 60) -> str:
    index = line.find(char)
    start = max(0, index - width // 2)
    return ("…" if start else "") + " ".join(line[start:start + width].split()) + ("…" if start + width < len(line) else "")
