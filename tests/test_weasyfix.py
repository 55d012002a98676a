"""The corrections to WeasyPrint and pydyf (briefgen.editions.weasyfix), each checked against WeasyPrint without it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.editions.weasyfix import (draw_text_as_laid_out, fill_pages, hyphenate_by_policy, justify_at_url_breaks,
                                        keep_footnotes_with_their_lines, lay_out_each_note_once,
                                        rebreak_for_notes, remember_page_references)
from conftest import ROOT, SAMPLE, print_html
from weasyprint_child import page_texts

CHILD = Path(__file__).resolve().parent / "weasyprint_child.py"


def one_layout(html: str, base: Path = SAMPLE):
    """One WeasyPrint layout in this process, with every correction applied (as pdf.py does)."""
    from weasyprint import HTML

    from briefgen.editions.door import Door
    from briefgen.editions.pdf import font_configuration, make_fetcher

    for correction in (keep_footnotes_with_their_lines, fill_pages, lay_out_each_note_once, remember_page_references,
                       hyphenate_by_policy, justify_at_url_breaks, draw_text_as_laid_out, rebreak_for_notes):
        assert correction() is True
    source = HTML(string=html, base_url=base.resolve().as_uri() + "/",
                  url_fetcher=make_fetcher(Door([base, ROOT / "templates"])))
    return source.render(font_config=font_configuration())


def in_child(tmp_path: Path, html: str, *corrections: str, base: Path = SAMPLE, pdf: Path | None = None) -> dict:
    """The layout of ``html`` by WeasyPrint with only ``corrections``, in a fresh process (and
    its PDF written to ``pdf``, if given)."""
    path = tmp_path / "print.html"
    path.write_text(html, encoding="utf-8")
    written = [f"--pdf={pdf}"] if pdf else []
    done = subprocess.run([sys.executable, str(CHILD), str(path), str(base), *corrections, *written], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_corrections_apply_to_the_installed_weasyprint():
    import weasyprint.layout.block as block
    from weasyprint.layout import LayoutContext

    assert keep_footnotes_with_their_lines() is True and lay_out_each_note_once() is True
    assert block._linebox_layout.briefgen_correction
    assert LayoutContext._update_footnote_area.briefgen_correction


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_one_layout_keeps_every_note_on_its_call_page(lang):
    from briefgen.editions.pdf import misplaced_footnotes

    document = one_layout(print_html(lang))
    assert misplaced_footnotes(document) == {}
    assert len(document.pages) >= 12


def test_without_the_correction_weasyprint_moves_notes_off_their_page(tmp_path):
    """Why keep_footnotes_with_their_lines exists: WeasyPrint as shipped misplaces notes of the sample."""
    assert in_child(tmp_path, print_html("en"))["misplaced"], \
        "WeasyPrint keeps notes with their calls by itself now: the correction can go"


#: pdf.render_document where the correction does not apply (another WeasyPrint): its own check
#: of the finished layout must then move the misplaced notes' blocks and lay out again.
WITHOUT_CORRECTION = """
import json, logging, sys
from pathlib import Path
from briefgen.editions import pdf
from briefgen.editions import weasyfix
weasyfix.keep_footnotes_with_their_lines = lambda: False
# (nor would the page's second layout for calls side by side, which needs page filling's hooks in
# the same function: with it, the pages it lays out again no longer misplace the sample's notes)
weasyfix.rebreak_for_notes = lambda: False
records = []
handler = logging.Handler()
handler.emit = records.append
logging.getLogger("briefgen.editions.pdf").addHandler(handler)
logging.getLogger("briefgen.editions.pdf").setLevel(logging.INFO)
html, base = Path(sys.argv[1]).read_text(encoding="utf-8"), Path(sys.argv[2])
document = pdf.render_document(html, base, [base, Path("templates")])
print(json.dumps({"misplaced": sorted(pdf.misplaced_footnotes(document)),
                  "passes": sum("off their call's page" in r.getMessage() for r in records)}))
"""


def test_without_the_correction_the_layout_check_still_places_every_note(tmp_path):
    path = tmp_path / "print.html"
    path.write_text(print_html("en"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", WITHOUT_CORRECTION, str(path), str(SAMPLE)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["misplaced"] == []
    assert result["passes"] >= 1  # it did have to lay the document out again


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_measuring_each_note_once_changes_no_page(tmp_path, lang):
    html = print_html(lang)
    # the same line breaking on both sides (a loose line compressed to take one more word needs
    # the justification's correction, applied with the drawing's): only the footnote areas'
    # measuring differs
    expected = in_child(tmp_path, html, "keep_footnotes_with_their_lines", "fill_pages",
                        "hyphenate_by_policy", "justify_at_url_breaks", "draw_text_as_laid_out",
                        "rebreak_for_notes")["pages"]
    assert page_texts(one_layout(html)) == expected


@pytest.mark.parametrize("policy, margins", [
    ("line", "0"),                         # measured once each and added up
    ("auto", "0"),                         # notes WeasyPrint may move to the next page
    ("line", "14pt 0 12pt"),               # margins: WeasyPrint's own code measures the area
])
def test_small_pages_full_of_notes_are_laid_out_as_by_weasyprint(tmp_path, policy, margins):
    """Sixty notes of varied length on A6 pages: the same text on every page as WeasyPrint without
    the footnote-area correction (with margins on the notes, its own code does the measuring)."""
    notes = "".join(f'<p>Paragraph {n} {"text " * 40}<span class="footnote" data-note="n{n}">Note {n} '
                    f'{"words " * (5 + n % 7 * 6)}</span> ends.</p>' for n in range(60))
    html = ('<html lang="en"><head><title>t</title><style>@page { size: A6; margin: 10mm } '
            f'.footnote {{ float: footnote; footnote-policy: {policy}; margin: {margins} }}'
            '</style></head><body>' + notes + "</body></html>")
    # the same line breaking on both sides (a loose line compressed to take one more word needs
    # the justification's correction, applied with the drawing's): only the footnote areas'
    # measuring differs
    expected = in_child(tmp_path, html, "keep_footnotes_with_their_lines", "fill_pages",
                        "hyphenate_by_policy", "justify_at_url_breaks", "draw_text_as_laid_out",
                        "rebreak_for_notes")["pages"]
    assert page_texts(one_layout(html)) == expected
    assert len(expected) > 10


def test_page_references_are_remembered_until_a_page_is_added():
    import pydyf

    assert remember_page_references() is True
    pdf = pydyf.PDF()
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = pdf.page_references
    assert pdf.page_references is first  # not rebuilt on every access
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert pdf.page_references == (first[0], f"{pdf.pages['Kids'][3]} 0 R".encode())
    assert pydyf.PDF().page_references == ()  # each document keeps its own
