"""Fonts: which installed or workspace font covers which characters, and the glyph check.

Every edition is set in the brand's families (by default PT Serif for text and
PT Sans for headings) followed by Noto Serif and Noto Sans, which cover the
scripts PT lacks (Greek, for one). A character none of these fonts has would be
drawn by whatever fontconfig finds — or as an empty box — so a build refuses
it instead: :func:`missing_glyphs` checks the text of each print edition
against the fonts' coverage, read from fontconfig (``fc-list``'s charsets, one
call per process) and, for font files kept in the workspace, from their
``cmap`` table (fontTools, which WeasyPrint already depends on).
"""

from __future__ import annotations

import bisect
import html
import re
import shutil
import subprocess
import unicodedata
from functools import lru_cache
from pathlib import Path

#: The families that cover scripts the brand's fonts lack (fonts-noto-core).
COVERAGE_SERIF = "Noto Serif"
COVERAGE_SANS = "Noto Sans"

Ranges = tuple[tuple[int, int], ...]


@lru_cache(maxsize=1)
def installed_families() -> dict[str, tuple[Ranges, tuple[str, ...]]]:
    """Installed family (lower case) → (the characters its faces cover, its files), from fontconfig."""
    if shutil.which("fc-list") is None:
        return {}
    result = subprocess.run(["fc-list", "-f", "%{family}\t%{file}\t%{charset}\n"], capture_output=True,
                            text=True, check=False)
    families: dict[str, tuple[list[tuple[int, int]], list[str]]] = {}
    for line in result.stdout.splitlines():
        names, _, rest = line.partition("\t")
        file, _, charset = rest.partition("\t")
        ranges = []
        for part in charset.split():
            start, _, end = part.partition("-")
            try:
                ranges.append((int(start, 16), int(end or start, 16)))
            except ValueError:
                continue
        for name in names.split(","):
            entry = families.setdefault(name.strip().lower(), ([], []))
            entry[0].extend(ranges)
            entry[1].append(file)
    return {name: (_merge(ranges), tuple(sorted(set(files)))) for name, (ranges, files) in families.items()}


@lru_cache(maxsize=None)
def file_coverage(path: Path) -> Ranges:
    """The characters a font file's ``cmap`` maps (a font kept in the workspace)."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True, fontNumber=0) as font:
        return _merge([(code, code) for code in font.getBestCmap() or {}])


def _merge(ranges) -> Ranges:
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


def _covers(ranges: Ranges, code: int) -> bool:
    index = bisect.bisect_right(ranges, (code, float("inf"))) - 1
    return index >= 0 and ranges[index][0] <= code <= ranges[index][1]


def family_coverage(family: str, files: tuple[Path, ...] = ()) -> Ranges | None:
    """What ``family`` covers: its workspace ``files`` if given, else the installed family;
    None if it is neither."""
    if files:
        return _merge([r for path in files for r in file_coverage(Path(path))])
    found = installed_families().get(family.lower())
    return found[0] if found else None


#: Characters that need no glyph: spaces and invisible format characters are laid out, not drawn.
def _needs_glyph(char: str) -> bool:
    return not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf", "Zs", "Zl", "Zp")


_STYLE = re.compile(r"<(style|script)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
#: Strings the style sheet prints: the running header, "Page 3 of 12" (``content: "…"``).
_CONTENT = re.compile(r"""content:((?:\s*(?:"(?:[^"\\]|\\.)*"|[a-z-]+\([^)]*\)))+)""")
_CSS_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}) ?|\\(.)")


def html_text(document: str) -> str:
    """The text of an HTML document, without its markup, with the strings its style sheet prints."""
    printed = [_CSS_ESCAPE.sub(lambda m: chr(int(m[1], 16)) if m[1] else m[2], string)
               for style in re.findall(r"<style\b.*?</style>", document, re.S | re.I)
               for value in _CONTENT.findall(style) for string in _CSS_STRING.findall(value)]
    return html.unescape(_TAG.sub(" ", _STYLE.sub(" ", document))) + " " + " ".join(printed)


def missing_glyphs(text: str, families: dict[str, tuple[Path, ...]]) -> dict[str, list[str]]:
    """Characters of ``text`` that no family in ``families`` (name → workspace files, or () for
    an installed family) has, each with the family names checked."""
    coverages = [ranges for family, files in families.items()
                 if (ranges := family_coverage(family, files)) is not None]
    missing: dict[str, list[str]] = {}
    for char in set(text):
        if _needs_glyph(char) and not any(_covers(ranges, ord(char)) for ranges in coverages):
            missing[char] = list(families)
    return missing


def describe(char: str) -> str:
    """``'Ω' (U+03A9 GREEK CAPITAL LETTER OMEGA)``."""
    return f"'{char}' (U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')})"
