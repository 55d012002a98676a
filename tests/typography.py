"""A typographic check of a finished PDF: the defects of issue 11, counted page by page.

The PDF is read back with pdfplumber (characters with their position, size and font). On every
page the characters are put back into lines (a footnote call, raised and smaller, joins the line
it is printed on), each line is given a region — running head, body, footnote area, footer — and
tables are found by their rules. Each detector then looks for one class of defect and records
``(page, excerpt)``::

    report = check_pdf("output/x/x.en.pdf", "en")
    report.counts()      # {"call_punctuation": 0, "url_broken": 2, ...}
    print(report.summary())

The text block is the page minus the ``@page`` margins of ``templates/print.css`` (read each time,
so a changed stylesheet is followed), or the ``margins`` given. Everything else — the body's type
size and line pitch, the size of the notes — is measured in the PDF itself.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parent.parent
PRINT_CSS = ROOT / "templates" / "print.css"
HYPHENATION_DIR = Path(__file__).resolve().parent / "fixtures" / "hyphenation"

#: every class the checker counts, with what it means (the README's table follows this order)
CLASSES = {
    "call_punctuation": "stray separator before a footnote call (\"Concept.,³\", \"Google,,²⁶\")",
    "call_line_start": "a footnote call starting a line",
    "call_run_together": "adjacent calls printed without a separator (\"4849\" for 48 and 49)",
    "call_size": "a footnote call smaller than 60 % of its text",
    "call_size_mismatch": "a call printed at another size than the other calls in text of that size",
    "url_broken": "a URL broken inside its scheme or host name",
    "bare_scheme": "a line ending with a bare or partial scheme (\"https://\", \"https:\", \"ht\")",
    "url_split_in_word": "a URL's path cut between two letters in ragged text (\"…/prozessbe\" / \"obachtung\")",
    "past_right_edge": "a line ending more than 0.5 pt past the text block's edge",
    "table_outside": "a table cell outside the text block",
    "table_cell_overflow": "text touching or crossing its table cell's rule",
    "table_numbers_left": "a number in a table column of numbers that is not right-aligned",
    "table_split": "a table with fewer than 3 rows on a page (of 3 or more in all)",
    "hyphen_runs": "more than 2 hyphenated lines in a row",
    "broken_capitalised": "a capitalised word (name, place) broken at a line end (\"Kazakh-/stan\")",
    "wrong_hyphenation": "a word of the dictionary list broken where the dictionary does not allow",
    "page_gap": "more than 3 empty body lines above the notes on a page that does not end a chapter",
    "double_space": "two spaces, or a word gap far wider than the line's others",
    "short_line": "a line of a justified paragraph stopping a third of the measure short, its paragraph going on",
    "loose_line": "a justified line with a word space wider than 1 em",
    "one_letter_end": "a Russian one-letter word (в, с, к, о, и, а, у, я) at a line end",
    "page_ref_alone": "a \"(page N)\" / \"(стр. N)\" reference alone on a line or broken",
    "wrapped_head": "a running head or footer on more than one line",
    "head_collision": "the parts of a running head or footer run together (\"Mensche…Interdisziplinäres\")",
    "note_off_page": "a footnote not on the page of its first call",
    "spaced_letters": "characters of one word set apart by justification (\"press -sluzhba .kgd@\")",
    "split_word": "a word cut at a line end without a hyphen, too long for its column (\"Nurmaga\" / \"mbetova\")",
    "number_split": "a number cut from its digits, sign or currency at a line end (\"1 250 / 000\", \"12 / %\")",
    "stranded_heading": "a heading or caption ending a page, its text on the next page",
    "heading_one_line": "a heading at a page's foot with a single line of its text under it, the rest on the next page",
    "empty_page": "a page with nothing in its body (notes alone do not fill it)",
    "overlap": "text printed over other text",
    "runt_line": "a paragraph's last line holding only the tail of a hyphenated word (\"coun-\" / \"try.\")",
    "page_ref_wrong": "a page reference (\"(page 5)\") whose number is not the page its link leads to",
    "hyphenated_heading": "a heading or display line (a subtitle) broken by hyphenation (\"trade agree-\" / \"ment\")",
}

MM = 72 / 25.4
UNITS = {"mm": MM, "cm": 10 * MM, "in": 72.0, "pt": 1.0, "px": 0.75}
HYPHENS = "-\u2010\u00ad"
SEPARATORS = ",;"
ONE_LETTER_RU = set("вскоиауяВСКОИАУЯ")
URL_START = re.compile(r"https?://|www\.", re.IGNORECASE)
#: a number, or an amount with its currency sign or ISO code before or after it
NUMBER = re.compile(r"^[−+-]?(?:[$€£¥₽₸]\s?|[A-Z]{3}\s)?\d[\d\s,.\u00a0\u202f]*(?:\s?[%‰$€£¥₽₸]|\s[A-Z]{3})?$")
PAGE_REF = re.compile(r"^\(?(page|p\.|pp\.|стр\.|с\.)\s*\d+\)?[.,;:]*$", re.IGNORECASE)
PAGE_REF_OPEN = re.compile(r"\((page|p\.|стр\.|с\.)$", re.IGNORECASE)
NOTE_MARKER = re.compile(r"^(\d+)\.\s")
LETTER = re.compile(r"\w", re.UNICODE)


# --- geometry -------------------------------------------------------------------------------

def css_length(value: str) -> float:
    """A CSS length in pt ("22mm", "1in", "12pt", "0")."""
    number = re.fullmatch(r"([\d.]+)(mm|cm|in|pt|px)?", value.strip())
    if not number:
        raise ValueError(f"cannot read the @page margin {value!r}")
    return float(number[1]) * UNITS[number[2] or "px"]


def css_margins(css: str | None = None) -> tuple[float, float, float, float]:
    """(top, right, bottom, left) in pt from the ``margin`` (and ``margin-top`` …) declarations of
    the first ``@page`` rule, outside its margin boxes."""
    css = PRINT_CSS.read_text(encoding="utf-8") if css is None else css
    rule = re.search(r"@page\s*\{", css)
    if not rule:
        raise ValueError("no @page rule in the stylesheet")
    body, depth = "", 1
    for char in css[rule.end():]:  # the rule's own declarations, without nested margin boxes
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            break
        if depth == 1 and char not in "{}":
            body += char
    margins = [0.0] * 4
    for name, value in re.findall(r"(?<![-\w])(margin(?:-top|-right|-bottom|-left)?)\s*:\s*([^;]+)", body):
        if name == "margin":
            values = [css_length(v) for v in value.split()]
            margins = (values * 4)[:4] if len(values) == 1 else (
                values * 2 if len(values) == 2 else values + [values[1]] if len(values) == 3 else values[:4])
        else:
            margins[["margin-top", "margin-right", "margin-bottom", "margin-left"].index(name)] = css_length(value)
    return tuple(margins)


@dataclass
class Block:
    """The text block of a page (pt, top-down like pdfplumber's ``top``)."""
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class Line:
    """A line of text: its characters in reading order and where it is."""
    page: int
    chars: list[dict]
    baseline: float
    size: float  # the size of the line's own text (calls excluded)
    region: str = "body"  # head, body, notes, foot, table
    heading: bool = False
    sups: set[int] = field(default_factory=set)  # indexes of the raised, smaller characters (calls)

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def ink(self) -> list[dict]:
        return [c for c in self.chars if not c["text"].isspace()]

    @property
    def x0(self) -> float:
        return min(c["x0"] for c in self.ink)

    @property
    def x1(self) -> float:
        return max(c["x1"] for c in self.ink)

    @property
    def top(self) -> float:
        return min(c["top"] for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(c["bottom"] for c in self.chars)


@dataclass
class Table:
    """A table fragment on one page, found by its rules: rows of cells (bbox, line list)."""
    page: int
    bbox: tuple[float, float, float, float]
    rows: list[list[tuple[tuple[float, float, float, float], list[Line]] | None]]
    header_rows: int = 0


@dataclass
class Page:
    """A page: its text block, its lines (every region, tables' cells included) and tables."""
    number: int
    block: Block
    lines: list[Line]
    tables: list[Table]

    def region(self, *names: str) -> list[Line]:
        return [line for line in self.lines if line.region in names]


def build_lines(chars: list[dict], page_height: float, page: int) -> list[Line]:
    """Characters → lines: same baseline, then calls (raised, smaller) joined to the line below."""
    for char in chars:
        char["base"] = page_height - char["matrix"][5]
    chars = sorted((c for c in chars if c.get("upright", True)), key=lambda c: (c["base"], c["x0"]))
    groups: list[list[dict]] = []
    for char in chars:
        if groups and abs(groups[-1][-1]["base"] - char["base"]) < 0.6:
            groups[-1].append(char)
        else:
            groups.append([char])
    sizes = [Counter(round(c["size"], 2) for c in g if not c["text"].isspace()) or Counter({0: 1}) for g in groups]
    merged: list[list[dict]] = []
    for index, group in enumerate(groups):
        if not join_raised(groups, sizes, index):
            merged.append(group)
    lines = []
    for group in merged:
        group.sort(key=lambda c: c["x0"])
        ink = [c for c in group if not c["text"].isspace()]
        if not ink:
            continue
        # the text's baseline, not the calls': a short last line can hold more raised digits than
        # letters ("60 %.⁴⁹,⁵⁰"), so only characters of (nearly) the line's largest size count
        largest = max(c["size"] for c in ink)
        baseline = Counter(round(c["base"], 1) for c in ink if c["size"] >= 0.9 * largest).most_common(1)[0][0]
        size = Counter(round(c["size"], 2) for c in ink if abs(c["base"] - baseline) < 0.6).most_common(1)[0][0]
        sups = {i for i, c in enumerate(group)
                if not c["text"].isspace() and c["size"] < 0.9 * size and baseline - c["base"] > 0.15 * size}
        lines.append(Line(page, group, baseline, size, sups=sups))
    return lines


def join_raised(groups: list[list[dict]], sizes: list[Counter], index: int) -> bool:
    """Join a raised, smaller group (a call) to the text line it is printed on, looking past other
    raised groups (a repeated call is raised by another amount than a first one)."""
    group, size = groups[index], max(sizes[index])
    for below in range(index + 1, len(groups)):
        rise = groups[below][0]["base"] - group[0]["base"]
        below_size = sizes[below].most_common(1)[0][0]
        if rise >= 0.55 * max(below_size, size / 0.9):
            return False
        if size < 0.9 * below_size and rise > 0:
            groups[below].extend(group)
            sizes[below] += sizes[index]
            return True
    return False


def is_heading(line: Line, body_size: float) -> bool:
    ink = line.ink
    return bool(ink) and (all("Sans" in c["fontname"] for c in ink) or line.size > body_size * 1.1)


# --- reading the PDF ---------------------------------------------------------------------------

def read_pages(path: Path, margins: tuple[float, float, float, float]) -> tuple[list[Page], dict]:
    """Pages with their lines and regions, and the measured metrics of the document."""
    pages: list[Page] = []
    with pdfplumber.open(path) as pdf:
        for number, raw in enumerate(pdf.pages, 1):
            top, right, bottom, left = margins
            block = Block(left, top, float(raw.width) - right, float(raw.height) - bottom)
            tables = find_tables(raw, number)
            in_table = [(t.bbox, t) for t in tables]
            free = [c for c in raw.chars if not any(inside(c, bbox) for bbox, _ in in_table)]
            lines = build_lines(free, float(raw.height), number)
            for line in lines:
                if line.baseline < block.top:
                    line.region = "head"
                elif line.top > block.bottom - 0.5:
                    line.region = "foot"
            for table in tables:
                for row in table.rows:
                    for cell in row:
                        if cell:
                            lines.extend(cell[1])
            lines.sort(key=lambda l: (l.baseline, l.x0))
            pages.append(Page(number, block, lines, tables))
    note_size = measure_note_size(pages)
    for page in pages:
        mark_notes(page, note_size)
    body_chars = Counter()
    for page in pages:
        for line in page.region("body"):
            body_chars[line.size] += len(line.ink)
    body_size = body_chars.most_common(1)[0][0] if body_chars else 10.0
    for page in pages:
        for line in page.region("body"):
            line.heading = is_heading(line, body_size)
    pitches = Counter()
    for page in pages:
        body = [l for l in page.region("body") if not l.heading and abs(l.size - body_size) < 0.05]
        for a, b in zip(body, body[1:]):
            if b.baseline - a.baseline < 2.5 * body_size:
                pitches[round(b.baseline - a.baseline, 1)] += 1
    pitch = pitches.most_common(1)[0][0] if pitches else body_size * 1.45
    # where a line box starts above its baseline, in ems: measured on pages that start with text
    rises = [(first.baseline - page.block.top) / first.size for page in pages
             for first in page.region("body")[:1] if not first.heading and first.size == body_size]
    rise = statistics.median(rises) if rises else 1.1
    return pages, {"body_size": body_size, "note_size": note_size, "pitch": pitch, "rise": round(rise, 3)}


def inside(char: dict, bbox: tuple[float, float, float, float]) -> bool:
    """Whether a character belongs to a box: by its left edge (text running over a cell's right
    rule still belongs to its cell) and its vertical middle."""
    x = min(char["x0"] + 0.5, (char["x0"] + char["x1"]) / 2)
    y = (char["top"] + char["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def find_tables(raw, number: int) -> list[Table]:
    """Tables by their rules (the stylesheet draws every cell's border), cells with their lines."""
    if not (raw.lines or raw.rects):
        return []
    tables = []
    for found in raw.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"}):
        rows = []
        for row in found.rows:
            cells = []
            for bbox in row.cells:
                if bbox is None:
                    cells.append(None)
                    continue
                chars = [c for c in raw.chars if inside(c, bbox)]
                lines = build_lines(chars, float(raw.height), number)
                for line in lines:
                    line.region = "table"
                cells.append((bbox, lines))
            rows.append(cells)
        if len(rows) < 1 or max(len(r) for r in rows) < 2 and len(rows) < 2:
            continue  # a lone box (a notice with a border) is not a table
        table = Table(number, found.bbox, rows)
        first = [c for cell in rows[0] if cell for line in cell[1] for c in line.ink]
        if first and all("Bold" in c["fontname"] or "Sans" in c["fontname"] for c in first):
            table.header_rows = 1
        tables.append(table)
    return tables


def bottom_run(page: Page) -> list[Line]:
    """The lines at the foot of a page's text that share the size of its last line."""
    body = page.region("body")
    run: list[Line] = []
    for line in reversed(body):
        if run and abs(line.size - run[0].size) > 0.3:
            break
        run.append(line)
    return run[::-1]


def measure_note_size(pages: list[Page]) -> float | None:
    """The size of footnote text: on pages whose text ends with smaller lines, one of them
    starting "N. ", than the line above them (notes may outnumber the body's characters)."""
    sizes = Counter()
    for page in pages:
        run, body = bottom_run(page), page.region("body")
        if run and len(run) < len(body) and any(NOTE_MARKER.match(l.text) for l in run) \
                and body[len(body) - len(run) - 1].size > run[0].size + 0.3:
            sizes[run[0].size] += 1
    return sizes.most_common(1)[0][0] if sizes else None


def mark_notes(page: Page, note_size: float | None) -> None:
    """The footnote area: note-sized lines contiguous with the block's foot, from the first marker
    — or from a note continued from the previous page (lines without a marker, set apart from the
    text above by the area's margin and spaced as notes down to the first marker)."""
    if note_size is None:
        return
    body = page.region("body", "table")
    run: list[Line] = []
    for line in reversed(body):
        if line.region != "body" or abs(line.size - note_size) > 0.3 or is_heading(line, float("inf")):
            break
        run.append(line)
    run.reverse()
    above = body[len(body) - len(run) - 1] if len(run) < len(body) else None
    first = next((i for i, line in enumerate(run) if NOTE_MARKER.match(line.text)), len(run))
    steps = [b.baseline - a.baseline for a, b in zip(run[first:], run[first + 1:])]
    pitch = statistics.median(steps) if steps else 1.45 * note_size  # print.css's line height of notes
    if not (first and continued_note(run[:first + 1], above, pitch)):
        run = run[first:]
    for line in run:
        line.region = "notes"


def continued_note(lines: list[Line], above: Line | None, pitch: float) -> bool:
    """Whether ``lines`` (note-sized, at the top of a page's notes, the first marker line last if
    any) continue a note: spaced as note lines (``pitch``), and further from the text above than
    from each other by at least a note line (the footnote area's margin)."""
    steps = [b.baseline - a.baseline for a, b in zip(lines, lines[1:])]
    if any(abs(step - pitch) > 0.1 * pitch for step in steps):
        return False
    return above is None or lines[0].baseline - above.baseline > above.size * 1.45 + 0.6 * pitch


# --- the report ----------------------------------------------------------------------------------

@dataclass
class Defect:
    page: int
    excerpt: str


@dataclass
class Report:
    """What the check found in one PDF: ``defects[class]`` is a list of (page, excerpt)."""
    path: Path
    pages: list[Page]
    metrics: dict
    defects: dict[str, list[Defect]] = field(default_factory=lambda: {name: [] for name in CLASSES})
    checked_breaks: int = 0  # line-end breaks of dictionary words that were checked

    def add(self, name: str, page: int, excerpt: str) -> None:
        self.defects[name].append(Defect(page, excerpt.strip()[:90]))

    def counts(self) -> dict[str, int]:
        return {name: len(found) for name, found in self.defects.items()}

    def total(self) -> int:
        return sum(self.counts().values())

    @property
    def tables(self) -> list[Table]:
        return [t for page in self.pages for t in page.tables]

    def summary(self, per_class: int = 12) -> str:
        """A readable list: per class, how many, and on which pages with what text."""
        out = [f"{self.path.name}: {self.total()} defects on {len(self.pages)} pages"]
        for name, found in self.defects.items():
            if not found:
                continue
            pages = Counter(d.page for d in found)
            out.append(f"  {name} ({len(found)}; pages {', '.join(f'{p}×{n}' if n > 1 else str(p) for p, n in sorted(pages.items()))}): {CLASSES[name]}")
            out.extend(f"      p. {d.page}: {d.excerpt!r}" for d in found[:per_class])
            if len(found) > per_class:
                out.append(f"      … {len(found) - per_class} more")
        return "\n".join(out)


def check_pdf(path, lang: str | None = None, margins: tuple[float, float, float, float] | None = None,
              hyphenation: dict[str, set[int]] | None = None) -> Report:
    """Check one PDF; ``lang`` ("en", "ru") selects the language-specific rules (None: all of them).

    ``margins`` (top, right, bottom, left, pt) default to print.css's ``@page`` margins;
    ``hyphenation`` (word → accepted break offsets) defaults to the fixture dictionaries."""
    path = Path(path)
    pages, metrics = read_pages(path, margins or css_margins())
    report = Report(path, pages, metrics)
    from typography_detectors import DETECTORS

    for detector in DETECTORS:
        detector(report, lang, hyphenation if hyphenation is not None else load_hyphenation())
    return report


def load_hyphenation(folder: Path = HYPHENATION_DIR) -> dict[str, set[int]]:
    """word → the offsets where a dictionary allows a break ("bu-reau" → {"bureau": {2}})."""
    words: dict[str, set[int]] = {}
    for path in sorted(folder.glob("*.txt")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            entry = raw.split("#")[0].strip()
            if not entry:
                continue
            parts = entry.split("-")
            offsets, position = set(), 0
            for part in parts[:-1]:
                position += len(part)
                offsets.add(position)
            words["".join(parts).lower()] = offsets
    return words
