"""The last resort of page fill (briefgen.editions.flushbottom), read back from real PDFs: a page whose
text goes on, left with more than three empty lines above its notes after every other attempt, has
the room spread between its blocks — and nothing else changes.

The document is the stress brief of seed 1 in English (tests/stress.py), whose first page keeps
4.6 empty lines without it: a line calling notes side by side does not fit with its notes, and no
paragraph set tight or loose nor the spacing shrunk fills the page.
"""

from __future__ import annotations

from pathlib import Path
from statistics import mode

import pdfplumber
import pytest

from briefgen.editions import flushbottom
from conftest import ROOT, print_html
from stress import write_stress_brief
from typography import check_pdf

#: Baselines closer than this (pt) are one.
SAME = 0.1


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """Stress seed 1 (en) laid out with the room spread ("with") and without it ("without")."""
    folder = tmp_path_factory.mktemp("flushbottom")
    return with_and_without(write_stress_brief(folder, "en", seed=1), "en", folder)


def with_and_without(brief: Path, lang: str, folder: Path) -> dict[str, Path]:
    """The ``lang`` edition of ``brief`` laid out into ``folder`` with the room spread ("with") and
    without it ("without")."""
    from briefgen.editions.pdf import render_document

    html = print_html(lang, brief)
    paths = {"with": folder / "with.pdf", "without": folder / "without.pdf"}
    render_document(html, brief, [brief, ROOT / "templates"]).write_pdf(paths["with"])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flushbottom, "spread", lambda context, page_content: False)
        render_document(html, brief, [brief, ROOT / "templates"]).write_pdf(paths["without"])
    return paths


def body_lines(path: Path, page: int) -> list[dict]:
    """The text lines of a page's body (between the running head and the notes' rule), top down."""
    with pdfplumber.open(path) as pdf:
        lines = pdf.pages[page].extract_text_lines()
    sizes = [line["chars"][0]["size"] for line in lines]
    # the notes are set at 8 pt, the running head and folio at 8 pt in the margins: the body is larger
    return [line for line, size in zip(lines, sizes) if size > 9 and 60 < line["top"] < 780]


def test_the_room_is_spread_and_no_defect_appears(pdfs):
    without = check_pdf(pdfs["without"], "en")
    assert without.counts()["page_gap"] == 1, without.summary()
    report = check_pdf(pdfs["with"], "en")
    assert report.total() == 0, report.summary()


def test_the_text_of_every_page_is_the_same(pdfs):
    texts = {}
    for name, path in pdfs.items():
        with pdfplumber.open(path) as pdf:
            texts[name] = [page.extract_text() for page in pdf.pages]
    assert texts["with"] == texts["without"]


def test_only_gaps_between_blocks_grow_and_within_bounds(pdfs):
    """On the page that had the gap: lines of one paragraph keep their pitch, a heading keeps its
    distance to its text, and a gap between blocks grows by at most MOST_GROWTH times its own
    room and MOST_STRETCH lines; the last line ends lower than before."""
    with_it, without = body_lines(pdfs["with"], 0), body_lines(pdfs["without"], 0)
    assert [line["text"] for line in with_it] == [line["text"] for line in without]
    # the text's line height: most lines of a paragraph are that far apart (a line holding a call, or
    # after one, may be a little more or less)
    pitch = mode(round(b["top"] - a["top"], 1) for a, b in zip(without, without[1:]))
    grown = 0
    for index in range(1, len(without)):
        before = without[index]["top"] - without[index - 1]["top"]
        after = with_it[index]["top"] - with_it[index - 1]["top"]
        own_room = before - pitch
        if own_room < SAME or without[index - 1]["text"].isupper():  # within a block, or under a heading
            assert after == pytest.approx(before, abs=SAME), without[index]["text"]
        else:
            assert before - SAME <= after <= before + min(flushbottom.MOST_GROWTH * own_room,
                                                          flushbottom.MOST_STRETCH * pitch) + SAME
            grown += after > before + SAME
    assert grown >= 3
    assert with_it[-1]["top"] > without[-1]["top"] + 2 * pitch


def test_a_list_items_marker_moves_with_it(pdfs):
    """A bullet is an out-of-flow box of its list item: it moves with the item's text (it stayed
    behind, a line above its item, when only the item's lines were moved)."""
    with pdfplumber.open(pdfs["with"]) as pdf:
        chars = pdf.pages[0].chars
    bullets = [char for char in chars if char["text"] == "•"]
    assert len(bullets) == 3
    for bullet in bullets:
        beside = [char for char in chars if char["x0"] > bullet["x1"] and char["text"].strip()
                  and abs(char["bottom"] - bullet["bottom"]) < 3]
        assert beside, f"no text beside the bullet at {bullet['top']:.1f}"


def test_pages_without_a_gap_are_untouched(pdfs):
    """Every page but those with more than three empty lines at the foot whose text goes on — p. 1,
    and p. 5, whose last block (the contact, a block kept whole) moves on without a forced break
    (the check excuses that page: it ends the chapter's text) — is laid out exactly as without the
    correction: the same characters at the same places. The pages that end a chapter, with room
    left at their foot before a forced break, are among them."""
    with pdfplumber.open(pdfs["with"]) as first, pdfplumber.open(pdfs["without"]) as second:
        assert len(first.pages) == len(second.pages) > 3
        for number in set(range(len(first.pages))) - {0, 4}:
            place = [[(c["text"], round(c["x0"], 2), round(c["top"], 2)) for c in pdf.pages[number].chars]
                     for pdf in (first, second)]
            assert place[0] == place[1], f"page {number + 1}"



def test_a_page_before_a_chapter_is_not_spread(tmp_path):
    """A page whose next page starts a chapter may end short (issue 11's rule): the third unseen
    briefing (Turkmenistan, en) p. 4 leaves 7 lines before "Journalists, activists abroad and their
    relatives", whose first lines call three notes. Spread, its gaps doubled and 3 lines were still
    left — a stretched page that is still short. It is laid out as without the correction; without
    the rule for chapters (tablefloat.starts_a_chapter) it is spread."""
    from briefgen.editions import tablefloat
    from briefgen.editions.pdf import render_document

    brief = ROOT / "tests" / "fixtures" / "unseen" / "briefing-turkmenistan-coalition-2022-06"
    paths = with_and_without(brief, "en", tmp_path)
    paths["no chapter rule"] = tmp_path / "no-chapter-rule.pdf"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tablefloat, "starts_a_chapter", lambda root, resume_at: False)
        render_document(print_html("en", brief), brief, [brief, ROOT / "templates"]).write_pdf(paths["no chapter rule"])
    place = {}
    for name, path in paths.items():
        with pdfplumber.open(path) as pdf:
            assert "JOURNALISTS, ACTIVISTS ABROAD" in pdf.pages[4].extract_text()
            place[name] = [(c["text"], round(c["x0"], 2), round(c["top"], 2)) for c in pdf.pages[3].chars]
    assert place["with"] == place["without"], "p. 4, before a chapter, was spread"
    assert place["no chapter rule"] != place["without"], "p. 4 is not spread even without the rule"
    assert check_pdf(paths["with"], "en").total() == 0
