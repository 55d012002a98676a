"""Loose justified lines (briefgen.editions.justification, briefgen.editions.linebreaks), read back
from real PDFs: a loose line's letters are spaced a little (never more than 5 % of a space, never
on a line that is not loose) and the line still ends at the margin; a loose line's predecessor is
laid out again unhyphenated when that leaves neither line loose. Each is also checked without it."""

from __future__ import annotations

from pathlib import Path
from statistics import median

import pdfplumber
import pytest

from briefgen.editions.justification import MOST_LETTER_SPACING, letter_offsets, tracking_for
from conftest import ROOT, SAMPLE, print_html
from typography import check_pdf, css_margins


def render(html: str, path: Path) -> Path:
    from briefgen.editions.pdf import html_to_pdf

    path.write_bytes(html_to_pdf(html, SAMPLE, [SAMPLE, ROOT / "templates"]))
    return path


def test_the_leftover_width_goes_to_letters_only_past_the_loosest_space():
    space, size = 2.55, 10.5  # PT Serif's space at 10.5 pt
    # 8 spaces of 0.5 em: nothing for the letters
    assert tracking_for(8 * (0.5 * size - space), 8, 60, space, size) == 0
    # 8 spaces of 0.95 em: the letters take what brings the spaces back to 0.9 em
    extra = 8 * (0.95 * size - space)
    assert tracking_for(extra, 8, 60, space, size) == pytest.approx(8 * 0.05 * size / 60)
    # 8 spaces of 2 em: at most 5 % of a space per letter, the spaces keep the rest
    assert tracking_for(8 * (2 * size - space), 8, 60, space, size) == pytest.approx(MOST_LETTER_SPACING * space)
    assert tracking_for(100, 0, 60, space, size) == 0 and tracking_for(100, 8, 1, space, size) == 0


def test_only_characters_with_an_advance_are_spaced():
    # byte offsets (UTF-8): Cyrillic letters are two bytes; spaces, no-break spaces, zero-width
    # spaces, word joiners, soft hyphens and combining marks get no spacing
    assert letter_offsets("ab c") == [0, 1, 3]
    assert letter_offsets("мы\u00a0и") == [0, 2, 6]
    assert letter_offsets("a\u200bb\u2060c\u00add\u0301") == [0, 4, 8, 11]


def test_the_correction_applies_to_the_installed_weasyprint():
    from weasyprint.layout import inline

    from briefgen.editions.weasyfix import draw_text_as_laid_out, letter_space_loose_lines

    assert draw_text_as_laid_out() is True and letter_space_loose_lines() is True
    from briefgen.editions.justification import WIDENING

    assert inline.add_word_spacing.briefgen_correction and WIDENING["inline"] is inline


#: A justified line left very loose (the nowrap unit after it does not fit), with ligatures (PT
#: Serif draws "fi", "ffi", "fl" as one glyph: the spacing goes to glyphs, not letters), then a
#: paragraph of ordinary justified lines.
LOOSE = """<!DOCTYPE html><html lang="en"><head><style>
@page {{ size: A4; margin: 22mm 20mm 24mm 22mm; }}
body {{ margin: 0; font: 10.5pt/1.45 "PT Serif"; text-align: justify; hyphens: manual; }}
</style></head><body>
<p>Alpha office fifty affluent flow eta theta iota kappa
<span style="white-space: nowrap">{unit}</span> end.</p>
<p>{ordinary}</p></body></html>""".format(
    unit="Unbreakableunitofletters" * 3,
    ordinary="The officer regenerates the English and Russian editions of the briefing and sends them. " * 6)


@pytest.fixture(scope="module")
def loose(tmp_path_factory) -> Path:
    return render(LOOSE, tmp_path_factory.mktemp("loose") / "loose.pdf")


def lines_of(path: Path) -> list[list[dict]]:
    """The characters of each line of the first page, top to bottom."""
    with pdfplumber.open(path) as pdf:
        rows: dict[int, list[dict]] = {}
        for char in pdf.pages[0].chars:
            rows.setdefault(round(char["top"]), []).append(char)
    return [sorted(chars, key=lambda c: c["x0"]) for _, chars in sorted(rows.items())]


def letter_gaps(chars: list[dict]) -> list[float]:
    """Gaps between consecutive letters of the same word (each box is the glyph's advance)."""
    return [b["x0"] - a["x1"] for a, b in zip(chars, chars[1:]) if a["text"].isalpha() and b["text"].isalpha()]


def test_a_loose_line_spaces_its_letters_and_still_ends_at_the_margin(loose):
    lines = lines_of(loose)
    space = 0.243 * 10.5  # PT Serif's space
    first = lines[0]
    # every letter of the loose line is followed by 5 % of a space (the most), and the line ends
    # at the right edge of the text block (5 letters fewer than glyphs would leave it 0.6 pt short)
    assert median(letter_gaps(first)) == pytest.approx(MOST_LETTER_SPACING * space, abs=0.02)
    right = 595.28 - css_margins()[1]
    assert abs(first[-1]["x1"] - right) < 0.3
    # lines that are not loose are justified by their spaces alone
    for line in lines[2:6]:
        assert abs(median(letter_gaps(line))) < 0.02, "".join(c["text"] for c in line)
    report = check_pdf(loose, "en")
    assert report.counts()["past_right_edge"] == 0


def test_without_the_correction_the_letters_are_not_spaced(tmp_path):
    """What letter_space_loose_lines adds: WeasyPrint as shipped widens the spaces only."""
    from test_typography_layout import OTHER_CORRECTIONS, render_in_child

    path = render_in_child(LOOSE, SAMPLE, tmp_path / "without.pdf", *OTHER_CORRECTIONS)
    assert abs(median(letter_gaps(lines_of(path)[0]))) < 0.02


# --- a second chance for a loose line ------------------------------------------------------------

def sample_block(lang: str, needle: str, tag: str = "p", brief: Path = SAMPLE) -> str:
    """The paragraph (or list item, ``tag="li"``) of a brief's (the sample briefing's) print HTML in ``lang``
    that holds ``needle``, alone on a page with the edition's stylesheets."""
    html = print_html(lang, brief)
    middle = html.index(needle)
    start, end = html.rindex(f"<{tag}", 0, middle), html.index(f"</{tag}>", middle)
    body = html.index("<body")
    block = html[start:end] + f"</{tag}>"
    return html[:html.index(">", body) + 1] + (f"<ul>{block}</ul>" if tag == "li" else block) + "</body></html>"


@pytest.fixture(scope="module")
def list_item() -> str:
    """A list item of the Russian sample briefing alone, with its stylesheets: first fit leaves
    "…законопослушных ина-" and then a loose line ("…в своей резолюции от" before the unbreakable
    "11 февраля 2021 года")."""
    return sample_block("ru", "законопослушных", "li")


def body_lines(path: Path, lang: str = "ru") -> list[str]:
    return [line.text for line in check_pdf(path, lang).pages[0].region("body")]


@pytest.fixture
def no_search(monkeypatch):
    """The lines as linebreaks' own steps leave them: no combination of the last lines is tried
    (linesearch, tested in test_linesearch.py, finds better ones for some of these paragraphs)."""
    from briefgen.editions import linesearch

    monkeypatch.setattr(linesearch, "least_bad", lambda paragraph, pending, laid: None)


def test_a_loose_lines_predecessor_is_laid_out_again_unhyphenated(list_item, tmp_path, no_search):
    path = render(list_item, tmp_path / "item.pdf")
    assert check_pdf(path, "ru").counts()["loose_line"] == 0
    lines = body_lines(path)
    assert any(line.endswith("законопослушных") for line in lines), lines
    assert any(line.startswith("инакомыслящих.") for line in lines), lines


def test_without_the_second_chance_the_line_stays_loose(list_item, tmp_path, monkeypatch, no_search):
    from briefgen.editions import linebreaks

    monkeypatch.setattr(linebreaks, "is_loose", lambda context, line: False)
    path = render(list_item, tmp_path / "first-fit.pdf")
    assert check_pdf(path, "ru").counts()["loose_line"] == 1
    assert any(line.endswith("законопослушных ина-") for line in body_lines(path))


@pytest.fixture(scope="module")
def black_pr_paragraph() -> str:
    """A paragraph of the English sample briefing alone, with its stylesheets: first fit ends it
    with "…close to the Kazakhstani gov-" / "ernment.3" (a last line that is only a word's end)."""
    return sample_block("en", 'id="black-pr"')


def test_a_paragraph_does_not_end_with_the_end_of_a_hyphenated_word(black_pr_paragraph, tmp_path, monkeypatch):
    """As TeX's \\finalhyphendemerits (CSS hyphenate-limit-last): the line before the last is laid
    out again unhyphenated when that leaves no line loose."""
    from briefgen.editions import linebreaks

    path = render(black_pr_paragraph, tmp_path / "paragraph.pdf")
    lines = body_lines(path, "en")
    assert lines[-1] == "government.3" and lines[-2].endswith("Kazakhstani"), lines
    assert not any(check_pdf(path, "en").counts()[name] for name in ("loose_line", "runt_line"))
    # without the rule (nor the combinations of linesearch, which would find the same): "gov-" / "ernment.3"
    from briefgen.editions import linesearch

    monkeypatch.setattr(linebreaks, "only_a_word_end", lambda line: False)
    monkeypatch.setattr(linesearch, "least_bad", lambda paragraph, pending, laid: None)
    path = render(black_pr_paragraph, tmp_path / "first-fit.pdf")
    lines = body_lines(path, "en")
    assert lines[-2].endswith("gov-") and lines[-1] == "ernment.3", lines
    assert check_pdf(path, "en").counts()["runt_line"] == 1


# --- a loose line compressed to take one more word ----------------------------------------------

@pytest.fixture(scope="module")
def sber_paragraph() -> str:
    """A paragraph of the Russian sample briefing alone: its first line, "Сбер — группа компаний,
    сформированная вокруг Сбербанка и контролируемая", is loose (1.12 em) before "Правительством",
    a capitalised word that may not break; there is no line before it to lay out again."""
    return sample_block("ru", "группа компаний, сформированная")


def test_a_loose_line_takes_the_next_word_with_its_spaces_shrunk(sber_paragraph, tmp_path):
    path = render(sber_paragraph, tmp_path / "sber.pdf")
    report = check_pdf(path, "ru")
    assert report.counts()["loose_line"] == 0 and report.counts()["past_right_edge"] == 0
    first = lines_of(path)[0]
    assert "".join(c["text"] for c in first).endswith("Правительством")
    right = 595.28 - css_margins()[1]
    assert abs(first[-1]["x1"] - right) < 0.3  # compressed into the measure, not past it
    # the spaces shrunk, to no less than 80 % of a space (the gaps between two words' boxes;
    # the median leaves out pairs that PT Serif kerns across a space: ", ", "р —", " С")
    space = 0.243 * 10.5
    ink = [char for char in first if not char["text"].isspace()]
    gaps = [b["x0"] - a["x1"] for a, b in zip(ink, ink[1:]) if b["x0"] - a["x1"] > 1]
    assert len(gaps) == 9 and 0.8 * space - 0.05 <= median(gaps) < space - 0.1
    # letters closed up by 5 % of a space at most
    assert median(letter_gaps(first)) >= -MOST_LETTER_SPACING * space - 0.02


def test_without_compression_the_line_stays_loose(sber_paragraph, tmp_path, monkeypatch):
    from briefgen.editions import justification

    monkeypatch.setattr(justification, "compress_line", lambda *args: False)
    path = render(sber_paragraph, tmp_path / "sber-loose.pdf")
    assert check_pdf(path, "ru").counts()["loose_line"] == 1
    assert "".join(c["text"] for c in lines_of(path)[0]).endswith("контролируемая")


# --- a line that ends at a URL's break -----------------------------------------------------------

URL_AT_LINE_END = """<!DOCTYPE html><html lang="en"><head><style>
@page {{ size: A4; margin: 22mm 20mm 24mm 22mm; }}
body {{ margin: 0; font: 10.5pt/1.45 "PT Serif"; text-align: justify; hyphens: manual; }}
</style></head><body><p>The prisoners can be written to through the site the site {host}\u200b{path} and more
words follow here to end it.</p></body></html>""".format(
    # as briefgen.editions.typeset writes a URL: word joiners in the host, a zero-width space after
    # it; the path (glued here) cannot follow on the line, which ends at that break
    host="https:\u2060/\u2060/\u2060politzek.\u2060me/", path="\u2060".join("how to write a letter to a prisoner".split()))


def test_a_line_that_ends_at_a_url_break_ends_at_the_margin(tmp_path):
    """The zero-width space a line ends at is no stretchable break (textfix.justify_at_url_breaks):
    counted, it took a break's share of the leftover width after the last letter — the line
    stopped 0.4 pt short of the margin, and a compressed line (a Russian edition in Noto Serif)
    ran 0.6 pt past it."""
    first = lines_of(render(URL_AT_LINE_END, tmp_path / "url-end.pdf"))[0]
    assert "".join(c["text"] for c in first).endswith("https://politzek.me/")
    assert abs(first[-1]["x1"] - (595.28 - css_margins()[1])) < 0.1


def test_the_trailing_break_is_not_counted_but_the_others_are():
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline

    from briefgen.editions.pdf import apply_corrections

    apply_corrections()
    box = boxes.TextBox.__new__(boxes.TextBox)  # only its text is read
    box.text = "a b c/\u200bd/\u200b"
    assert inline.count_expandable_spaces(box) == 3  # two spaces and the break inside the text
    box.text = "a b c/\u200bd@\u2060\u200b"  # an address's break after a word joiner never counts
    assert inline.count_expandable_spaces(box) == 3


# --- a line that holds nothing but a URL's path --------------------------------------------------

#: A path that may break after any character (as typeset.py writes one in running text), then a
#: unit that cannot follow it on its line: the path's second line ends 100 pt short, with no space.
URL_PATH_ALONE = """<!DOCTYPE html><html lang="en"><head><style>
@page {{ size: A4; margin: 22mm 20mm 24mm 22mm; }}
body {{ margin: 0; font: 10.5pt/1.45 "PT Serif"; text-align: justify; hyphens: manual; }}
</style></head><body><p>The report is published at {host}\u200b{path}
<span style="white-space: nowrap">{unit}</span> and more words follow here to end it.</p></body></html>""".format(
    host="https:\u2060/\u2060/\u2060en.\u2060odfoundation.\u2060example.\u2060eu/",
    path="\u200b".join("en/reports/2021/11/freedom-report-freedom-prisoners-kazakhstan-assembly-3-"
                       "utm_source-briefing-lang-en-id-23757-freedom-report-freedom-prisoners"),
    unit="Unbreakableunitofletters" * 4)


def test_a_line_of_a_url_path_alone_is_not_spread_over_its_breaks(tmp_path):
    """Stress seed 21: a line holding only a URL's path, short of the margin, had its leftover width
    spread over the path's breaks ("e e d o m - p r i s o n e r s", 1.35 pt between letters) and
    ran 0.8 pt past the margin. Its breaks now get at most textfix.ALONE_STRETCH em each and the
    rest is left at the line's end; such a line counts as loose (justification.word_space), so
    that line breaking does not choose it over a full one."""
    from briefgen.editions.textfix import ALONE_STRETCH

    lines = lines_of(render(URL_PATH_ALONE, tmp_path / "path.pdf"))
    alone = lines[2]
    assert "".join(c["text"] for c in alone) == "edom-prisoners", "".join(c["text"] for c in alone)
    gaps = [b["x0"] - a["x1"] for a, b in zip(alone, alone[1:])]
    assert max(gaps) <= ALONE_STRETCH * 10.5 + 0.02, max(gaps)
    assert alone[-1]["x1"] < 595.28 - css_margins()[1] - 20  # the rest is left at the end


def test_a_justified_line_of_a_path_alone_short_of_the_margin_is_loose():
    from briefgen.editions.justification import LOOSEST_SPACE, UNFILLED, word_space
    from briefgen.editions.pdf import apply_corrections
    from weasyprint.formatting_structure import boxes

    apply_corrections()
    line = boxes.LineBox.__new__(boxes.LineBox)  # only what word_space reads
    line.children, line.style = [], {"font_size": 14, "direction": "ltr"}
    assert word_space(None, line) == 0
    line.__dict__[UNFILLED] = 100  # set by the justification of a line of a path alone
    assert word_space(None, line) == pytest.approx(100 / 14) and word_space(None, line) > LOOSEST_SPACE


#: A line of a few words and a URL's host and path whose leftover width is large: its path's
#: breaks each take textfix.BREAK_STRETCH em (the cap), its spaces the rest.
URL_BREAKS_AT_THEIR_CAP = """<!DOCTYPE html><html lang="en"><head><style>
@page {{ size: A4; margin: 22mm 20mm 24mm 22mm; }}
body {{ margin: 0; font: 10.5pt/1.45 "PT Serif"; text-align: justify; hyphens: manual; }}
</style></head><body><p>The report is at {host}\u200b{path}, <span style="white-space: nowrap">{unit}</span>
and more words follow here to end it.</p></body></html>""".format(
    host="https:\u2060/\u2060/\u2060en.\u2060odfoundation.\u2060example.\u2060eu/",
    path="\u200b".join("en/reports/2021/11/prisoners-1"), unit="Unbreakableunitofletters" * 2)


def test_the_breaks_of_a_url_are_drawn_as_wide_as_they_were_laid_out(tmp_path):
    """A URL's break is a zero-width space, drawn as an empty glyph whose advance is the
    justification it gets; WeasyPrint wrote that advance 2.4 % too wide (Pango units read as
    thousandths of a point): a line of 30 breaks at 0.42 pt ended 0.25 pt past the margin, and
    the stress briefs' lines set loose by the line search up to 0.31 pt."""
    from briefgen.editions.textfix import BREAK_STRETCH

    first = lines_of(render(URL_BREAKS_AT_THEIR_CAP, tmp_path / "breaks.pdf"))[0]
    text = "".join(c["text"] for c in first)
    assert text.endswith("/en/reports/2021/11/prisoners-1,"), text
    # the path's characters stand apart by their break (the cap) and the line's letter spacing
    path = first[text.index("/en/") + 1:-2]
    letters = first[text.index("report"):text.index("report") + 6]
    gap = median(b["x0"] - a["x1"] for a, b in zip(path, path[1:]))
    assert gap - median(b["x0"] - a["x1"] for a, b in zip(letters, letters[1:])) > BREAK_STRETCH * 10.5 - 0.1
    assert abs(first[-1]["x1"] - (595.28 - css_margins()[1])) < 0.05
