"""The sample briefing, built for real and read back from its PDF and HTML."""

from __future__ import annotations

import re
import datetime
import subprocess
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from briefgen.editions.build import build_brief
from conftest import SAMPLE, pdf_pages, pdf_text, print_html

SLUG = "kazakhstan-2021-11"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    editions = build_brief(SAMPLE, out_dir=out, strict=True)
    assert [e.lang for e in editions] == ["en", "ru"]
    return out / SLUG


def data(name: str):
    return yaml.safe_load((SAMPLE / f"{name}.yaml").read_text(encoding="utf-8"))


def straight(text: str) -> str:
    """Typographic quotes back to straight ones (the Markdown typographer curls them)."""
    return text.translate(str.maketrans("‘’“”", "''\"\""))


def flat(text: str) -> str:
    """Text without whitespace or hyphens: pdftotext joins a URL broken at "E-" + "Government"."""
    return re.sub(r"[\s-]+", "", text)


def test_pdf_holds_every_prisoner_and_the_derived_count(built):
    text = pdf_text(built / f"{SLUG}.en.pdf")
    names = [p["name"] for p in data("prisoners")["prisoners"]]
    assert len(names) == 16
    for name in names:
        assert name in text.replace("\n", " ")
    assert "As of 26 October 2021" in text.replace("\n", " ")
    assert "16 political prisoners" in text.replace("\n", " ")


def footnote_pages(pages: list[str]) -> list[tuple[int, int]]:
    """(footnote number, page index) for every note printed at a page foot, in page order."""
    found = []
    for index, page in enumerate(pages):
        for match in re.finditer(r"^(\d{1,2})\. \S", page, re.MULTILINE):
            found.append((int(match[1]), index))
    return found


def test_footnotes_are_numbered_1_to_58_in_order_with_their_urls(built):
    path = built / f"{SLUG}.en.pdf"
    pages = pdf_pages(path, raw=True)
    notes = footnote_pages(pages)
    assert [n for n, _ in notes] == list(range(1, 59))
    # every URL of footnote N is printed, and linked, on the page where note N is printed
    reader = PdfReader(path)
    links_by_page = [{a.get_object()["/A"].get("/URI") for a in page.get("/Annots", []) if "/A" in a.get_object()}
                     for page in reader.pages]
    footnotes = data("footnotes")["footnotes"]
    assert len(footnotes) == 58
    page_of = dict(notes)
    numbering = _numbering_from_html(built / f"{SLUG}.en.html")
    for footnote_id, note in footnotes.items():
        number = numbering[footnote_id]
        urls = ([note["url"]] if note.get("url") else []) + note.get("urls", []) + re.findall(r"<(https?://[^>]+)>", note.get("note", ""))
        for url in urls:
            assert flat(url) in flat(pages[page_of[number]]), (number, url)
            assert url in links_by_page[page_of[number]], (number, url)


def _numbering_from_html(path: Path) -> dict[str, int]:
    """Footnote id → number, from the endnotes of the HTML edition (same numbering as the PDF)."""
    html = path.read_text(encoding="utf-8")
    found = re.findall(r'<li id="fn-(\d+)" value="\d+" data-footnote="([a-z0-9-]+)">', html)
    assert [int(n) for n, _ in found] == list(range(1, 59))
    return {footnote_id: int(number) for number, footnote_id in found}


def test_every_footnote_sits_on_the_page_of_its_call(built):
    from briefgen.editions.pdf import render_document, misplaced_footnotes

    document = render_document(print_html("en"), SAMPLE, [SAMPLE])
    assert misplaced_footnotes(document) == {}
    assert len(document.pages) == len(PdfReader(built / f"{SLUG}.en.pdf").pages)


def test_overview_page_numbers_match_where_chapters_start(built):
    path = built / f"{SLUG}.en.pdf"
    reader = PdfReader(path)
    outline = {straight(item.title): reader.get_destination_page_number(item) + 1
               for item in reader.outline if not isinstance(item, list)}
    brief = data("brief")
    chapter_titles = {c["id"]: straight(c["title"]) for c in brief["chapters"]}
    assert all(chapter_titles[c] in outline for c in chapter_titles), outline.keys()
    first_pages = pdf_pages(path)[:2]
    overview_numbers = [int(n) for n in re.findall(r"\(page (\d+)\)", " ".join(first_pages))]
    expected = [outline[chapter_titles[item["chapter"]]] for item in brief["overview"]]
    assert overview_numbers == expected
    # the chapter heading is really printed on that page
    pages = pdf_pages(path)
    for item in brief["overview"]:
        page = outline[chapter_titles[item["chapter"]]]
        heading_start = chapter_titles[item["chapter"]].upper()[:30]
        assert heading_start in straight(pages[page - 1]).replace("\n", " ")


def test_fonts_are_embedded_and_subset(built):
    for lang in ("en", "ru"):
        listing = subprocess.run(["pdffonts", str(built / f"{SLUG}.{lang}.pdf")], capture_output=True, text=True, check=True).stdout
        rows = listing.splitlines()[2:]
        assert rows, listing
        for row in rows:
            name, emb, sub = row.split()[0], row.split()[-5], row.split()[-4]
            assert emb == "yes" and sub == "yes", row
            assert "+PT-S" in name, row  # PT Serif / PT Sans, no fallback font needed


def test_pdf_metadata_follows_the_edition(built):
    en = PdfReader(built / f"{SLUG}.en.pdf")
    ru = PdfReader(built / f"{SLUG}.ru.pdf")
    assert en.metadata.title.startswith("Kazakhstan")
    assert en.metadata.author == "Open Dialogue Foundation"
    assert en.metadata.subject == "Briefing on the human rights situation in Kazakhstan"
    assert en.trailer["/Root"]["/Lang"] == "en"
    assert ru.trailer["/Root"]["/Lang"] == "ru"
    assert ru.metadata.title.startswith("Казахстан")
    # made now; the edition's date in a field of its own (issue 16)
    assert en.metadata.creation_date.date() >= datetime.date.today() - datetime.timedelta(days=1)
    assert en.metadata["/editiondate"] == ru.metadata["/editiondate"] == "2021-11-01"
    assert en.pages[0].mediabox.width == pytest.approx(595.28, abs=0.1)  # A4


def test_russian_pdf(built):
    pages = pdf_pages(built / f"{SLUG}.ru.pdf")
    text = " ".join(pages).replace("\n", " ")
    assert "1 ноября 2021" in pages[0]
    assert "16 политических заключённых" in text
    assert re.search(r"Страница 1 из \d+", pages[0])
    assert "Казахстан, ноябрь 2021" in pages[1] or "Казахстан" in pages[1].splitlines()[0]
    for english in ("Page ", "Annex", "Contact", "For further information", "Sentence", "political prisoner"):
        assert english not in text, english
    assert "\ufffd" not in text


def test_headers_and_footers(built):
    pages = pdf_pages(built / f"{SLUG}.en.pdf")
    total = len(pages)
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {total}" in page
        if number > 1:
            assert "Kazakhstan, November 2021" in page


def test_html_edition(built):
    html = (built / f"{SLUG}.en.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en"' in html
    assert "<link" not in html and "<style>" in html  # self-contained
    assert html.count('role="doc-noteref"') >= 58 and html.count('role="doc-backlink"') == 58
    assert '<a href="kazakhstan-2021-11.ru.html" hreflang="ru" lang="ru">Русский</a>' in html
    ru = (built / f"{SLUG}.ru.html").read_text(encoding="utf-8")
    assert '<html lang="ru"' in ru and '<a href="kazakhstan-2021-11.en.html" hreflang="en" lang="en">English</a>' in ru
    assert "untranslated" not in ru.split("</style>")[1]


def structure(reader: PdfReader) -> tuple[list[str], dict]:
    """The structure types of a tagged PDF in reading order, and its catalog."""
    catalog = reader.trailer["/Root"]
    types: list[str] = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif hasattr(node, "keys"):
            if "/S" in node:
                types.append(str(node["/S"]))
            if "/K" in node:
                walk(node["/K"])

    walk(catalog["/StructTreeRoot"])
    return types, catalog


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_pdf_is_tagged_for_screen_readers(built, lang):
    """PDF/UA-1: a structure tree, the document language, the title in the window."""
    reader = PdfReader(built / f"{SLUG}.{lang}.pdf")
    types, catalog = structure(reader)
    assert bool(catalog["/MarkInfo"]["/Marked"]) and bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert catalog["/Lang"] == lang
    xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfuaid:part="1"' in xmp and reader.metadata.title[:20] in xmp
    assert types[0] == "/Document" and types.count("/H1") == 1
    html = (built / f"{SLUG}.{lang}.html").read_text(encoding="utf-8")
    chapters = html.count('<section class="chapter')
    assert types.count("/H2") == chapters + 1  # chapters and annexes, and the contact
    assert types.count("/Table") >= 2 and types.count("/TH") > 10 and types.count("/L") >= 8
    assert types.count("/Link") >= 58  # at least every footnote's source address
    assert all("/StructParents" in page for page in reader.pages)
