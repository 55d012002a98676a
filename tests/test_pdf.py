"""The PDF writer: images, the URL fetcher as the only door to files, page layout rules."""

from __future__ import annotations

import pytest
from PIL import Image
from pypdf import PdfReader

from briefgen.editions.build import build_brief
from briefgen.errors import BriefgenError
from briefgen.editions.pdf import html_to_pdf, render_document
from conftest import SAMPLE, pdf_text, print_html

SECRET = "root:x:0:0"


def add_image_block(folder):
    Image.new("RGB", (40, 20), (200, 30, 30)).save(folder / "map.png")
    brief = folder / "brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace(
        '      - bullets:\n', '      - image: map.png\n        alt: "A red map"\n        caption: "The map"\n      - bullets:\n', 1),
        encoding="utf-8")


def test_images_are_embedded_in_pdf_and_inlined_in_html(small_copy, tmp_path):
    add_image_block(small_copy)
    (small_copy / "translations" / "ru.po").unlink()
    build_brief(small_copy, languages=["en"], out_dir=tmp_path)
    html = (tmp_path / "small-brief" / "small-brief.en.html").read_text(encoding="utf-8")
    assert '<img src="data:image/png;base64,' in html and 'alt="A red map"' in html
    reader = PdfReader(tmp_path / "small-brief" / "small-brief.en.pdf")
    # WeasyPrint shares one resource dictionary between pages, so look at the first page only
    assert [image.image.size for image in reader.pages[0].images] == [(40, 20)]
    assert "The map" in pdf_text(tmp_path / "small-brief" / "small-brief.en.pdf")


@pytest.mark.parametrize("reference", [
    "/etc/passwd",
    "file:///etc/passwd",
    "../../../../../../etc/passwd",
])
def test_files_outside_the_brief_are_refused(small_copy, reference):
    for html in (f'<img src="{reference}">', f'<style>body {{ background: url("{reference}") }}</style><p>x</p>',
                 f'<link rel="stylesheet" href="{reference}"><p>x</p>'):
        with pytest.raises(BriefgenError) as caught:
            html_to_pdf(html, small_copy, [small_copy])
        assert "refused" in str(caught.value) or "outside" in str(caught.value)


def test_network_is_refused(small_copy, loopback):
    loopback.routes["/x.css"] = (200, {"Content-Type": "text/css"}, b"body { color: red }", 0)
    with pytest.raises(BriefgenError) as caught:
        html_to_pdf(f'<link rel="stylesheet" href="{loopback.url("/x.css")}"><p>x</p>', small_copy, [small_copy])
    assert "refused" in str(caught.value)
    with pytest.raises(BriefgenError):
        html_to_pdf('<img src="data:text/html,<b>x</b>">', small_copy, [small_copy])
    assert loopback.requests == []


def test_no_heading_is_stranded_at_a_page_foot():
    for lang in ("en", "ru"):
        document = render_document(print_html(lang), SAMPLE, [SAMPLE])
        for number, page in enumerate(document.pages, 1):
            main_flow = page._page_box.children[0]  # the <html> box; margin boxes come after
            leaves = [box for box in _walk(main_flow) if getattr(box, "element_tag", "") in ("h2", "h3", "p", "li", "tr", "figure")]
            assert leaves, number
            assert leaves[-1].element_tag not in ("h2", "h3"), f"{lang} page {number} ends with a heading"


def _walk(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _walk(child)


def test_garbage_collection_settings_are_restored_after_a_render(small_copy):
    import gc

    before = gc.get_threshold()
    html_to_pdf('<html lang="en"><title>x</title><p>x</p>', small_copy, [small_copy])
    assert gc.get_threshold() == before and gc.isenabled()
    with pytest.raises(BriefgenError):
        html_to_pdf('<img src="/etc/passwd">', small_copy, [small_copy])
    assert gc.get_threshold() == before
