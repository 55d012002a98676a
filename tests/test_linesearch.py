"""The last lines of a paragraph set again where first fit and linebreaks' own steps leave a bad
one (briefgen.editions.linesearch), read back from real PDFs: paragraphs of the Russian sample
briefing alone on a page, laid out with the search and without it (``no_search``)."""

from __future__ import annotations

from pathlib import Path
from statistics import median

import pytest

from briefgen.editions.justification import MOST_LETTER_SPACING
from conftest import print_html
from test_justification import body_lines, no_search, render, sample_block  # noqa: F401 (a fixture)
from typography import check_pdf, css_margins

#: PT Serif's space at 10.5 pt, and the right edge of the text block (pt).
SPACE = 0.243 * 10.5
RIGHT = 595.28 - css_margins()[1]


def body(path: Path, lang: str = "ru") -> list:
    """The lines of the text block of the first page (typography.Line: chars, ink, x1, text)."""
    return check_pdf(path, lang).pages[0].region("body")


def word_gaps(line) -> list[float]:
    """The gaps between the ink of two words of a line (pt)."""
    return [b["x0"] - a["x1"] for a, b in zip(line.ink, line.ink[1:]) if b["x0"] - a["x1"] > 1]


def widest_gap(path: Path) -> float:
    """The widest word gap of the justified lines of the first page (em of 10.5 pt)."""
    return max(max(word_gaps(line), default=0) for line in body(path) if abs(line.x1 - RIGHT) < 0.5) / 10.5


def clean(path: Path, lang: str = "ru") -> dict[str, int]:
    """The defect classes the check finds on the PDF (none expected)."""
    return {name: count for name, count in check_pdf(path, lang).counts().items() if count}


# --- a last line that is a word's end -------------------------------------------------------------

@pytest.fixture(scope="module")
def whistleblowers() -> str:
    """First fit ends the paragraph "…уголовное и административное преследова-" / "ние."; laid out
    unhyphenated, that line would lose "преследова" and be loose."""
    return sample_block("ru", "административное преследование")


def test_a_last_line_that_is_a_words_end_goes_up_into_a_line_set_tight(whistleblowers, tmp_path):
    path = render(whistleblowers, tmp_path / "tight.pdf")
    assert clean(path) == {}
    last = body(path)[-1]
    assert last.text.endswith("административное преследование.")
    # the line is compressed into the measure: on the margin, its spaces no less than 80 % (the
    # letter before each closed up by 5 % of a space at most; the median leaves out the pairs that
    # PT Serif kerns across a space)
    assert abs(last.x1 - RIGHT) < 0.3
    assert (0.8 - MOST_LETTER_SPACING) * SPACE - 0.02 <= median(word_gaps(last)) < SPACE - 0.1


def test_without_the_search_the_paragraph_ends_with_a_words_end(whistleblowers, tmp_path, no_search):
    path = render(whistleblowers, tmp_path / "runt.pdf")
    assert clean(path) == {"runt_line": 1}
    lines = body_lines(path)
    assert lines[-2].endswith("преследова-") and lines[-1] == "ние.", lines


# --- a line left nearly loose ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def removal_statistics() -> str:
    """First fit breaks "стремятся запре-" / "тить …" and leaves the third line at 0.8 em word
    spaces ("найти в статистике … органы" before "Казахстана", a name that may not break)."""
    return sample_block("ru", "Почему власти Казахстана, изменяя")


def test_a_word_pulled_up_into_a_line_set_tight_fills_the_lines_after_it(removal_statistics, tmp_path):
    path = render(removal_statistics, tmp_path / "pulled.pdf")
    assert clean(path) == {}
    lines = body_lines(path)
    assert lines[0].endswith("стремятся запретить"), lines
    assert widest_gap(path) < 0.6


def test_without_the_search_a_line_is_nearly_loose(removal_statistics, tmp_path, no_search):
    path = render(removal_statistics, tmp_path / "first-fit.pdf")
    assert body_lines(path)[0].endswith("запре-")
    assert widest_gap(path) > 0.78


#: A paragraph of the stress brief (seed 38, Russian): words of the hyphenation lists. First fit
#: breaks "…правозащитников, амери-" / "канский, …" and "…деятельность, специаль-" / "ного, …",
#: and the line after holds the rest of "специального" and six words at 0.8 em word spaces.
WORDS = ("Платформы, деятельность, суверенитет, председатель, уведомления, международному, компании, "
         "обязательств, обязательств, республики, подробнее, критику, уведомления, организаций, следователи, "
         "консорциум, комитета, политический, экономические, правозащитников, американский, сотрудников, "
         "сотрудников, значительная, свободы, комитета, деятельность, специального, президент, рекомендациям, "
         "персональные, советской, преследования, требования, экономические, заключённых, преследования, "
         "советской, президент, правительство.")


@pytest.fixture(scope="module")
def words() -> str:
    html = print_html("ru")
    start = html.index(">", html.index("<body")) + 1
    return html[:start] + f"<p>{WORDS}</p></body></html>"


def test_a_word_pushed_down_from_a_line_set_loose_fills_the_lines_after_it(words, tmp_path):
    path = render(words, tmp_path / "pushed.pdf")
    assert clean(path) == {}
    lines = [line.text for line in body(path)]
    assert lines[2].endswith("правозащитников, аме-"), lines  # narrowed: "ри" goes down
    assert widest_gap(path) < 0.6


def test_without_the_search_a_line_of_the_words_is_nearly_loose(words, tmp_path, no_search):
    path = render(words, tmp_path / "first-fit.pdf")
    assert [line.text for line in body(path)][2].endswith("амери-")
    assert widest_gap(path) > 0.78


def test_the_second_chance_and_the_search_together(tmp_path):
    """The list item of test_justification (first fit: "…законопослушных ина-" and a loose line):
    its first line set tight moves every break after it, and no line is left loose — the second
    chance alone (unhyphenated, test_justification) leaves a line of 0.9 em."""
    path = render(sample_block("ru", "законопослушных", "li"), tmp_path / "item.pdf")
    assert clean(path) == {}
    assert widest_gap(path) < 0.7


def test_without_the_search_the_item_keeps_a_line_of_0_9_em(tmp_path, no_search):
    path = render(sample_block("ru", "законопослушных", "li"), tmp_path / "item.pdf")
    assert widest_gap(path) > 0.85
