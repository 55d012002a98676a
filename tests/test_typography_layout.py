"""The layout half of issue 11, read back from real PDFs: justified lines end at the margin (and
keep their kerning), tables keep no fewer than 3 rows on a page and their numbers right-aligned,
running heads stay on one line (cut with "…"). Each correction to WeasyPrint is also checked
without it, in a child process. (The samples and stress briefs are checked class by class in
tests/test_typography.py.)"""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pytest

from conftest import ROOT, SMALL, print_html
from typography import check_pdf, css_margins

CHILD = Path(__file__).resolve().parent / "weasyprint_child.py"
#: every correction but the one drawing text as laid out
OTHER_CORRECTIONS = ("hyphenate_by_policy", "justify_at_url_breaks", "keep_footnotes_with_their_lines",
                     "lay_out_each_note_once", "remember_page_references")


def render(html: str, base: Path, path: Path) -> Path:
    """``html`` as briefgen writes it (every correction applied), saved to ``path``."""
    from briefgen.editions.pdf import html_to_pdf

    path.write_bytes(html_to_pdf(html, base, [base, ROOT / "templates"]))
    return path


def render_in_child(html: str, base: Path, path: Path, *corrections: str) -> Path:
    """``html`` laid out and drawn by WeasyPrint with only ``corrections``, in a fresh process."""
    source = path.with_suffix(".html")
    source.write_text(html, encoding="utf-8")
    done = subprocess.run([sys.executable, str(CHILD), str(source), str(base), *corrections, f"--pdf={path}"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return path


# --- justification ----------------------------------------------------------------------------

#: PT Serif kerns a comma or full stop before a space and a space before some capitals: text full
#: of them, justified, made WeasyPrint 70 draw lines wider than it measured them.
KERNED = ("Yes, Tom, Victor, Wanda, Yuri, Vera, Anna, Yvonne, Tatiana, Walter, Yakov, Vlad, Vasily, "
          "Tolkyn, Yerlan, Aigerim. Torture, violence, arrests. Victims, witnesses, lawyers. ")
JUSTIFIED = f"""<!DOCTYPE html><html lang="en"><head><style>
@page {{ size: A4; margin: 22mm 20mm 24mm 22mm; }}
body {{ margin: 0; font: 10.5pt/1.45 "PT Serif"; text-align: justify; hyphens: auto; }}
</style></head><body>{"".join(f"<p>{KERNED * 4}</p>" for _ in range(5))}<p>AVATAR AVATAR</p></body></html>"""


@pytest.fixture(scope="module")
def justified(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("justified")
    return {"with": render(JUSTIFIED, folder, folder / "with.pdf"),
            "without": render_in_child(JUSTIFIED, folder, folder / "without.pdf", *OTHER_CORRECTIONS)}


def test_the_text_correction_applies_to_the_installed_weasyprint():
    from weasyprint.draw import text
    from weasyprint.text.line_break import Layout

    from briefgen.editions.weasyfix import draw_text_as_laid_out

    assert draw_text_as_laid_out() is True
    assert text.draw_first_line.briefgen_correction
    assert "justify=True" not in inspect.getsource(Layout.reactivate)  # no letter-spacing for justification


def test_justified_lines_end_at_the_margin(justified):
    report = check_pdf(justified["with"], "en", margins=css_margins())
    assert report.counts()["past_right_edge"] == 0, report.defects["past_right_edge"]
    # and they are justified: the full lines of a paragraph end at the right edge
    right = 595.28 - css_margins()[1]
    with pdfplumber.open(justified["with"]) as pdf:
        ends = line_ends(pdf.pages[0])
    assert sum(abs(end - right) < 0.3 for end in ends) >= 20


def test_without_the_correction_justified_lines_run_past_the_margin(justified):
    """Why draw_text_as_laid_out exists: WeasyPrint as shipped draws these lines too wide."""
    report = check_pdf(justified["without"], "en", margins=css_margins())
    assert report.counts()["past_right_edge"] >= 5, \
        "WeasyPrint draws justified lines as it measures them now: the correction can go"


def test_justified_text_keeps_its_kerning(justified):
    """A kerned pair ("AV") is drawn closer than the glyphs' advance widths, as unjustified."""
    with pdfplumber.open(justified["with"]) as pdf:
        chars = [c for c in pdf.pages[-1].chars if c["text"] in "AVTR"]
    pairs = [(a, b) for a, b in zip(chars, chars[1:]) if a["text"] + b["text"] == "AV"]
    assert pairs and all(b["x0"] < a["x1"] - 0.3 for a, b in pairs)


def line_ends(page) -> list[float]:
    """The right end of each line of a page."""
    rows = defaultdict(float)
    for char in page.chars:
        key = round(char["bottom"])
        rows[key] = max(rows[key], char["x1"])
    return list(rows.values())


# --- running heads ----------------------------------------------------------------------------

LONG_TITLE = ("A very long short title that the officer wrote for the running header of the edition, "
              "which cannot fit beside the publisher FINALWORD")
LONG_AUTHOR = "Business & Human Rights Resource Centre, Regional Office for Eastern Europe and Central Asia"


@pytest.fixture(scope="module")
def long_heads(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("heads") / "brief"
    shutil.copytree(SMALL, folder)
    text = (folder / "brief.yaml").read_text(encoding="utf-8")
    text = text.replace('short_title: "Test briefing"', f'short_title: "{LONG_TITLE}"')
    text = text.replace('author: "Test Foundation"', f'author: "{LONG_AUTHOR}"')
    (folder / "brief.yaml").write_text(text, encoding="utf-8")
    html = print_html("en", folder)
    return {"with": render(html, folder, folder / "with.pdf"),
            "without": render_in_child(html, folder, folder / "without.pdf", *OTHER_CORRECTIONS)}


def head_lines(path: Path) -> list[list[str]]:
    """For each page after the first, the lines of text above the text block."""
    top = css_margins()[0]
    out = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[1:]:
            rows = defaultdict(list)
            for char in sorted(page.chars, key=lambda c: c["x0"]):
                if char["bottom"] < top:
                    rows[round(char["bottom"])].append(char["text"])
            out.append(["".join(row) for _, row in sorted(rows.items())])
    return out


def test_a_long_running_head_stays_on_one_line_cut_with_an_ellipsis(long_heads):
    pages = head_lines(long_heads["with"])
    assert pages
    for lines in pages:
        assert len(lines) == 1, lines
        line = lines[0]
        assert line.startswith("A very long short title") and "FINALWORD" not in line
        assert line.count("…") == 2 and "Business & Human Rights" in line
    assert check_pdf(long_heads["with"], "en").counts()["wrapped_head"] == 0


def test_without_the_correction_the_ellipsis_reads_as_the_hidden_text(long_heads):
    """WeasyPrint maps Pango's ellipsis glyph to the text it hides (copy and paste, search)."""
    assert any("FINALWORD" in line for lines in head_lines(long_heads["without"]) for line in lines), \
        "WeasyPrint maps the ellipsis to '…' by itself now: that part of the correction can go"


@pytest.mark.parametrize("kind, sample", [("interview", "interview-lobachev-2021-04"),
                                          ("letter", "letter-ft-kazakhstan-2017-10")])
def test_short_title_is_the_running_head_of_every_kind(tmp_path, kind, sample):
    from briefgen.load.content import load_brief

    folder = tmp_path / sample
    shutil.copytree(ROOT / "content" / sample, folder)
    brief_yaml = folder / "brief.yaml"
    text = brief_yaml.read_text(encoding="utf-8")
    brief_yaml.write_text(re.sub(r"^title: ", 'short_title: "Short head"\ntitle: ', text, count=1, flags=re.M)
                          if re.search(r"^title: ", text, re.M) else text + 'short_title: "Short head"\n',
                          encoding="utf-8")
    brief = load_brief(folder)
    assert brief.document.kind == kind and str(brief.document.short_title) == "Short head"
    assert any(unit.key == "brief:short_title" for unit in brief.units())  # translatable like the title
    html = print_html("en", folder)
    assert '@top-left { content: "Short head"; }' in html


# --- tables -----------------------------------------------------------------------------------

def table_brief(folder: Path, tables: int = 12) -> None:
    """The small brief with tables of 6 rows between paragraphs of growing length, so that
    some table meets a page end wherever the text falls."""
    shutil.copytree(SMALL, folder)
    blocks = []
    for index in range(tables):
        blocks.append('      - "' + "Filler text of a paragraph that moves the next table down the page. " * (3 + 2 * index) + '"')
        rows = "\n".join(f'            - ["T{index}R{row} requests", "{(row + 1) ** 4 * 111:,}", "{5 + row ** 3}%"]'
                         for row in range(1, 7))
        blocks.append(f'      - table:\n          caption: "Table {index}"\n          header: ["Reason", "Count", "Share"]\n'
                      f"          rows:\n{rows}")
    text = (folder / "brief.yaml").read_text(encoding="utf-8")
    text = text.replace('      - cases: [anna-alpha]\n', "      - cases: [anna-alpha]\n" + "\n".join(blocks) + "\n")
    (folder / "brief.yaml").write_text(text, encoding="utf-8")


def rows_per_page(path: Path) -> dict[str, dict[int, int]]:
    """Table index → page → how many of its rows are on that page."""
    found: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            for match in re.finditer(r"T(\d+)R\d requests", page.extract_text() or ""):
                found[match[1]][number] += 1
    return found


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tables") / "brief"
    table_brief(folder)
    html = print_html("en", folder)
    without = html.replace("tbody > tr:nth-child(-n+2) { break-after: avoid; }", "").replace(
        "tbody > tr:nth-last-child(-n+2) { break-before: avoid; }", "")
    assert without != html
    loose_captions = html.replace("caption { break-after: avoid; }", "")
    assert loose_captions != html
    return {"with": render(html, folder, folder / "with.pdf"), "without": render(without, folder, folder / "without.pdf"),
            "loose_captions": render(loose_captions, folder, folder / "loose-captions.pdf")}


def caption_and_first_row_pages(path: Path) -> dict[str, tuple[int, int]]:
    """Table index → (page of its caption "Table N", page of its first row)."""
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            text = page.extract_text() or ""
            for match in re.finditer(r"^Table (\d+)$", text, re.MULTILINE):
                found[match[1]][0] = number
            for match in re.finditer(r"T(\d+)R1 requests", text):
                found[match[1]][1] = number
    return {key: tuple(pages) for key, pages in found.items()}


def test_a_table_caption_stays_with_the_first_rows(tables):
    """A caption never ends a page with its table on the next (``caption { break-after: avoid }``);
    without the rule, a caption of this document is stranded."""
    pages = caption_and_first_row_pages(tables["with"])
    assert len(pages) == 12 and all(caption == first for caption, first in pages.values()), pages
    assert check_pdf(tables["with"], "en").counts()["stranded_heading"] == 0
    loose = caption_and_first_row_pages(tables["loose_captions"])
    assert any(caption != first for caption, first in loose.values()), loose
    assert check_pdf(tables["loose_captions"], "en").counts()["stranded_heading"] >= 1


def test_no_table_leaves_fewer_than_three_rows_on_a_page(tables):
    found = rows_per_page(tables["with"])
    assert len(found) == 12 and all(sum(pages.values()) == 6 for pages in found.values())
    assert all(min(pages.values()) >= 3 for pages in found.values()), dict(found)
    assert check_pdf(tables["with"], "en").counts()["table_split"] == 0
    # the same document without the two row rules leaves a table with 1 or 2 rows on a page:
    # tables do meet page ends here
    without = rows_per_page(tables["without"])
    assert any(min(pages.values()) < 3 for pages in without.values()), dict(without)
    assert check_pdf(tables["without"], "en").counts()["table_split"] >= 1


def test_columns_of_numbers_are_right_aligned(tables):
    with pdfplumber.open(tables["with"]) as pdf:
        words = [w for page in pdf.pages[:2] for w in page.extract_words()]
    counts = [w for w in words if re.fullmatch(r"\d{1,3},\d{3}", w["text"])]  # 1,776 … 266,511
    shares = [w for w in words if re.fullmatch(r"(6|13|32|69|130|221)%", w["text"])]
    assert len(counts) >= 6 and len(shares) >= 6
    for column in (counts, shares):
        assert max(w["x1"] for w in column) - min(w["x1"] for w in column) < 0.5  # right edges line up
        assert max(w["x0"] for w in column) - min(w["x0"] for w in column) > 2   # left edges do not
    assert check_pdf(tables["with"], "en").counts()["table_numbers_left"] == 0


def test_numeric_columns_are_told_from_text():
    from briefgen.editions.render import numeric_columns

    rows = [["Removal requests", "373", "2%", "2011–2021"], ["Items", "192,503", "49 %", "2020"],
            ["Share", "1 234,5", "", "n/a"]]
    assert numeric_columns(rows) == [False, True, True, False]
    assert numeric_columns([["", ""]]) == [False, False]


#: A line of many small adjustments: letter spacing of 0.0135 em (what a compressed or loose line's
#: letters get), set right-aligned so that its end is where the layout put it.
TRACKED_LINE = """<!DOCTYPE html><html lang="ru"><head><style>
@page { size: A4; margin: 22mm 20mm 24mm 22mm; }
body { margin: 0; font: 10.5pt/1.45 "PT Serif"; }
p { text-align: right; letter-spacing: 0.0135em; margin: 0 0 6pt; }
</style></head><body>""" + "".join(
    f"<p>{words}</p>" for words in ("независимых, деятельность, заключённых, сотрудников, компании, суверенитет,",
                                    "правозащитников, организаций, преследования, журналистов, активистов,"))


def test_small_adjustments_are_carried_not_cut(tmp_path):
    """The PDF holds each glyph's adjustment in whole thousandths of an em; WeasyPrint cuts the
    rest off at every glyph, so a line of 80 letters each spaced a little drifts by up to 0.8 pt.
    With the correction what is cut off is carried to the next glyph: the lines end on the margin."""
    right = 595.28 - css_margins()[1]
    ends = {}
    for name, path in (("with", render(TRACKED_LINE, tmp_path, tmp_path / "with.pdf")),
                       ("without", render_in_child(TRACKED_LINE, tmp_path, tmp_path / "without.pdf",
                                                   *OTHER_CORRECTIONS))):
        with pdfplumber.open(path) as pdf:
            ends[name] = line_ends(pdf.pages[0])
    assert all(abs(end - right) < 0.2 for end in ends["with"]), ends
    assert any(abs(end - right) > 0.4 for end in ends["without"]), ends
