"""The correction to WeasyPrint's footnote placement: one layout puts every note on its call's page."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.content import load_brief
from briefgen.render import render_html
from briefgen.translations import edition_status, localize
from briefgen.weasyfix import keep_footnotes_with_their_lines
from conftest import SAMPLE

ROOT = Path(__file__).resolve().parent.parent

#: Lays out a print HTML file once with WeasyPrint as installed (no correction) and
#: prints the notes found off their call's page.
UNCORRECTED = """
import json, sys
from pathlib import Path
from weasyprint import HTML
from briefgen.door import Door
from briefgen.pdf import make_fetcher, misplaced_footnotes
html, base = Path(sys.argv[1]), Path(sys.argv[2])
document = HTML(string=html.read_text(encoding="utf-8"), base_url=base.resolve().as_uri() + "/",
                url_fetcher=make_fetcher(Door([base, Path("templates")]))).render()
import weasyprint.layout.block as block
assert not hasattr(block._linebox_layout, "briefgen_correction")
print(json.dumps(sorted(misplaced_footnotes(document))))
"""


def print_html(lang: str) -> str:
    brief = load_brief(SAMPLE)
    status = edition_status(brief, lang)
    return render_html(localize(brief, lang, status), lang, status, "print", ["en", "ru"])


def one_layout(html: str):
    from weasyprint import HTML

    from briefgen.door import Door
    from briefgen.pdf import font_configuration, make_fetcher

    source = HTML(string=html, base_url=SAMPLE.resolve().as_uri() + "/",
                  url_fetcher=make_fetcher(Door([SAMPLE, ROOT / "templates"])))
    return source.render(font_config=font_configuration())


def test_the_correction_applies_to_the_installed_weasyprint():
    assert keep_footnotes_with_their_lines() is True
    import weasyprint.layout.block as block

    assert block._linebox_layout.briefgen_correction
    assert block._linebox_layout.__module__ == "weasyprint.layout.block"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_one_layout_keeps_every_note_on_its_call_page(lang):
    from briefgen.pdf import misplaced_footnotes

    keep_footnotes_with_their_lines()
    document = one_layout(print_html(lang))
    assert misplaced_footnotes(document) == {}
    assert len(document.pages) >= 12


def test_without_the_correction_weasyprint_moves_notes_off_their_page(tmp_path):
    """Why the correction exists: WeasyPrint as shipped misplaces notes of the sample."""
    html = tmp_path / "en.html"
    html.write_text(print_html("en"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", UNCORRECTED, str(html), str(SAMPLE)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    misplaced = json.loads(done.stdout)
    assert misplaced, "WeasyPrint keeps notes with their calls by itself now: the correction can go"


def test_page_references_are_remembered_until_a_page_is_added():
    import pydyf

    from briefgen.weasyfix import remember_page_references

    assert remember_page_references() is True
    pdf = pydyf.PDF()
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = pdf.page_references
    assert pdf.page_references is first  # not rebuilt on every access
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert pdf.page_references == (first[0], f"{pdf.pages['Kids'][3]} 0 R".encode())
    assert pydyf.PDF().page_references == ()  # each document keeps its own
