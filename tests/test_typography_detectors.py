"""Each detector of the typographic check (typography.py) on a small PDF made to hold exactly its
defect, and on a clean counterpart — close to the defect — where nothing may be reported.

The PDFs are laid out by WeasyPrint from hand-written HTML: A5 pages, PT Serif, footnotes as in the
print stylesheet. A forced line break (``<br>``) puts a line end exactly where a defect needs it;
in the PDF it is the same as a break found by the line breaker.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from typography import CLASSES, MM, check_pdf

MARGINS = (15 * MM,) * 4
FILLER = ("The coalition of human rights organisations has compiled this overview of the social and "
          "political situation in the region, together with recommendations to the international community. ")

CSS = """
@page { size: A5; margin: 15mm;
  @top-left { content: "%(head)s"; font: 8pt "PT Sans"; vertical-align: bottom; padding-bottom: 3mm; width: 45%%; }
  @bottom-center { content: "Page " counter(page); font: 8pt "PT Sans"; } }
html { font: 10pt/1.45 "PT Serif"; }
body { margin: 0; text-align: left; hyphens: manual; }
p { margin: 0 0 6pt; }
h2 { font: bold 12pt/1.3 "PT Sans"; margin: 12pt 0 6pt; }
.fn { float: footnote; font-size: 8pt; line-height: 1.45; text-align: left; }
::footnote-call { content: counter(footnote); vertical-align: super; font-size: 7pt; line-height: 0; }
::footnote-marker { content: counter(footnote) ". "; }
sup { font-size: 7pt; line-height: 0; }
table { border-collapse: collapse; width: 100%%; font-size: 9pt; }
td, th { border: 0.5pt solid #999; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { font-family: "PT Sans"; font-weight: bold; }
td.num { text-align: right; }
%(extra)s
"""


def pdf(tmp_path, body: str, lang: str = "en", extra: str = "", head: str = "Running head", name: str = "doc",
        corrections: tuple[str, ...] = ()):
    """Lay out one small HTML document and return the PDF's path. With ``corrections`` (names of
    briefgen.editions.weasyfix functions) it is laid out in a child process that applies them
    first, as briefgen's PDFs are (the test process stays plain WeasyPrint)."""
    html = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><style>'
            f'{CSS % {"head": head, "extra": extra}}</style></head><body>{body}</body></html>')
    path = tmp_path / f"{name}.pdf"
    if corrections:
        import subprocess
        import sys

        from conftest import ROOT

        source = tmp_path / f"{name}.html"
        source.write_text(html, encoding="utf-8")
        subprocess.run([sys.executable, str(ROOT / "tests" / "weasyprint_child.py"), str(source), str(tmp_path),
                        *corrections, f"--pdf={path}"], check=True, capture_output=True, cwd=ROOT)
        return path
    from weasyprint import HTML

    HTML(string=html).write_pdf(path)
    return path


def found(tmp_path, body: str, lang: str = "en", **kwargs) -> dict[str, int]:
    """The classes the check reports on a document, with their counts (zero counts left out)."""
    report = check_pdf(pdf(tmp_path, body, lang, **kwargs), lang, margins=MARGINS)
    return {name: count for name, count in report.counts().items() if count}


def table(rows: list[list[str]], style: str = "", cls: str = "", header=("Indicator", "Value")) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td class="{cls if i else ""}">{c}</td>' for i, c in enumerate(row)) + "</tr>"
                   for row in rows)
    return f'<table style="{style}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


NUMBERS = [["Removal requests sent", "373"], ["Content items named", "192,503"], ["Share removed", "2%"]]
PAGE = '<p style="break-after: page">' + FILLER * 2 + "</p>"
# words glued together (as non-breaking spaces or an unbreakable span would) nearly a line long
GLUED_A = '<span style="white-space: nowrap">the suppression of dissent by blocking the social networks and the</span>'
GLUED_B = '<span style="white-space: nowrap">messaging apps that its opponents use to organise their protests</span>'
JOINED_URL = "https:&#8288;/&#8288;/&#8288;ex.org&#8288;/&#8288;de&#8288;/&#8288;"
NOTE_TAIL = ("https://amoz-menschenrechtsbeobachtung.example.org/berichte/2022/prozessbeobachtungsbericht"
             "<br>-liquidierungsverfahren-memorial.pdf")
CAPTION_PAGE = '<p style="break-before: page; font: bold 9pt \'PT Sans\'">Selected measures, 2020–2021</p>'
# the two parts of a running head as print.css set them at first: 60 % + 4 mm of padding and 40 %
HEAD_PARTS = ("@page { @top-left { width: 60%; padding-right: 4mm; white-space: nowrap; overflow: hidden; "
              "text-overflow: ellipsis; } @top-right { content: 'Interdisziplinäres Forschungs- und "
              "Dokumentationszentrum für Menschenrechtsverteidigerinnen'; font: 8pt 'PT Sans'; "
              "vertical-align: bottom; padding-bottom: 3mm; width: 40%; white-space: nowrap; overflow: hidden; "
              "text-overflow: ellipsis; } }")
SEPARATOR = '.fn + .fn::footnote-call { content: "," counter(footnote); }'  # the sample's separator


@dataclass
class Case:
    """A document holding a defect, what the check must find in it, and its clean counterpart."""
    defect: str
    expected: dict[str, int]
    clean: str
    lang: str = "en"
    extra: str = ""  # CSS for both documents
    defect_extra: str = ""  # CSS for the defect only
    clean_extra: str = ""  # CSS for the clean counterpart only
    defect_head: str = "Running head"
    clean_expect: dict[str, int] = field(default_factory=dict)
    corrections: tuple[str, ...] = ()  # weasyfix corrections to lay both out with (see pdf)


CASES = {
    "call_punctuation": Case(
        f'<p>{FILLER}Text<span class="fn">First note.</span> and more text<span class="fn">Second note.</span> goes on.</p>',
        {"call_punctuation": 1},
        f'<p>{FILLER}Text<span class="fn">First note.</span><span class="fn">Second note.</span> goes on.</p>',
        extra=SEPARATOR),
    "call_run_together": Case(
        f'<p>{FILLER}Text<span class="fn">First note.</span><span class="fn">Second note.</span> goes on.</p>',
        {"call_run_together": 1},
        f'<p>{FILLER}Text<span class="fn">First note.</span><span class="fn">Second note.</span> goes on.</p>',
        clean_extra=SEPARATOR),
    "call_line_start": Case(
        f'<p>{FILLER}Some words here<br><span class="fn">A note.</span> and the line goes on.</p>',
        {"call_line_start": 1},
        f'<p>{FILLER}Some words here<span class="fn">A note.</span><br>and the line goes on.</p>'),
    "call_size": Case(
        f'<p>{FILLER}One<span class="fn">A note.</span> and two<span class="fn">Another.</span>.</p>',
        {"call_size": 2},
        f'<p>{FILLER}One<span class="fn">A note.</span> and two<span class="fn">Another.</span>.</p>',
        defect_extra="::footnote-call { font-size: 5pt; }"),
    "call_size_mismatch": Case(
        f'<p>{FILLER}One<span class="fn">A.</span> two<span class="fn">B.</span> three<span class="fn">C.</span> '
        'and one again<sup style="font-size: 8.5pt">1</sup>.</p>',  # a repeated call, as in the sample
        {"call_size_mismatch": 1},
        f'<p>{FILLER}One<span class="fn">A.</span> two<span class="fn">B.</span> three<span class="fn">C.</span> '
        'and one again<sup>1</sup>.</p>'  # calls of one size on smaller text, as a table's, are even too
        + table([["Anna Alpha<sup>2</sup>", "5"], ["Boris Beta<sup>3</sup>", "7"]], cls="num")),
    "url_broken": Case(
        f"<p>{FILLER}</p><p>See https://www.exam<br>ple.org/reports/2021 for all to read.</p>",
        {"url_broken": 1},
        f"<p>{FILLER}</p><p>See https://www.example.org/<br>reports/2021 for all to read.</p>"),
    "url_broken_third_line": Case(
        f"<p>{FILLER}</p><p>See https://<br>publicadministration.un<br>.org/egovkb/2020 for all to read.</p>",
        {"url_broken": 1, "bare_scheme": 1},
        f"<p>{FILLER}</p><p>See https://<br>publicadministration.un.org/<br>egovkb/2020 for all to read.</p>",
        clean_expect={"bare_scheme": 1}),
    "url_split_in_word": Case(  # ragged text (its first line ends short): the path cut inside a word
        "<p>Originally published by the Forschungszentrum on<br>19 January 2022: https://www.example.org/de/2022/"
        "prozessbe<br>obachtung-memorial?sprache=en</p>",
        {"url_split_in_word": 1},
        # the same cut in justified text (filling its lines) and a ragged cut between the URL's parts
        # (word joiners keep Pango from breaking after "/", the zero-width space is the only break)
        '<p style="text-align: justify">The coalition of human rights organisations has compiled this overview, '
        f'which is now published in full on the web at {JOINED_URL}prozessbe&#8203;obachtungsberichtliquidierungs'
        'verfahrenmemorial.</p>'
        "<p>Originally published by the Forschungszentrum on<br>19 January 2022: https://www.example.org/de/2022/"
        "<br>prozessbeobachtung-memorial?sprache=en</p>"),
    "bare_scheme": Case(
        f"<p>{FILLER}</p><p>See https://<br>www.example.org/reports/2021 for all to read.</p>",
        {"bare_scheme": 1},
        f"<p>{FILLER}</p><p>See https://www.example.org/reports/<br>2021 for all to read.</p>"),
    "partial_scheme": Case(
        f'<p>{FILLER}Read it<span class="fn">The report: ht<br>tps://www.example.org/reports/2021</span>.</p>',
        {"url_broken": 1, "bare_scheme": 1},
        f'<p>{FILLER}Read it<span class="fn">The report:<br>https://www.example.org/reports/2021</span>.</p>'),
    "past_right_edge": Case(
        f'<p>{FILLER}</p><p style="text-align: right; margin-right: -2pt">A short line set right.</p>'
        '<p style="margin-left: -1pt">A line that starts left of the block.</p>',
        {"past_right_edge": 2},
        f'<p>{FILLER}</p><p style="text-align: right; margin-right: -0.3pt">A short line set right.</p>'
        '<p>A line that starts at the block.</p>'),
    "table_outside": Case(
        f"<p>{FILLER}</p>" + table(NUMBERS, "width: 115%", "num"),
        {"table_outside": 4},
        f"<p>{FILLER}</p>" + table(NUMBERS, "", "num")),
    "table_cell_overflow": Case(
        table([["11 October 2021 in Almaty", "Arrested"]], "table-layout: fixed", header=("Since", "Status")),
        {"table_cell_overflow": 1},
        table([["11 October 2021", "Arrested"]], "table-layout: fixed", header=("Since", "Status")),
        extra="td:first-child { white-space: nowrap; } th:first-child { width: 30%; }"),
    "table_numbers_left": Case(
        f"<p>{FILLER}</p>" + table(NUMBERS),
        {"table_numbers_left": 3},
        f"<p>{FILLER}</p>" + table(NUMBERS + [["Period", "2011–2021"]], "", "num")),
    "table_split": Case(
        f'<div style="height: 385pt"></div>' + table(NUMBERS + [["Requests on security", "31%"], ["On defamation", "2%"]]),
        {"table_split": 1},
        f'<div style="height: 385pt"></div>' + table(NUMBERS + [["Requests on security", "31%"], ["On defamation", "2%"], ["Other", "17%"]]),
        extra="td:last-child { text-align: right; } tbody tr:nth-child(4) { break-before: page; }"),
    "hyphen_runs": Case(
        "<p>alpha beta gamma con-<br>tinue delta pro-<br>ceed epsilon tran-<br>sition zeta eta theta</p>",
        {"hyphen_runs": 1},
        "<p>alpha beta gamma con-<br>tinue delta pro-<br>ceed epsilon<br>tran-<br>sition zeta eta theta</p>"),
    "broken_capitalised": Case(
        "<p>The talks held in Mo-<br>scow went on, and Kazakh-<br>stan agreed.</p>",
        {"broken_capitalised": 2, "hyphen_runs": 0},
        "<p>Un-<br>der the memorandum, and under its terms, Ust-<br>Kamenogorsk and Kazakhstan agreed.</p>"),
    "broken_capitalised_compound": Case(  # the part of a compound after its own hyphen is a word of its own
        "<p>The talks held in Kassym-Jo-<br>mart's office went on.</p>",
        {"broken_capitalised": 1},
        "<p>Organisations closed and Self-dis-<br>solved ones.</p>"),
    "wrong_hyphenation": Case(
        "<p>The bur-<br>eau said it worked exclus-<br>ively and had a memor-<br>andum of it.</p>",
        {"wrong_hyphenation": 3, "hyphen_runs": 1},
        "<p>The bu-<br>reau said it worked ex-<br>clusively and had a mem-<br>orandum of it.</p>",
        clean_expect={"hyphen_runs": 1}),
    "wrong_hyphenation_ru": Case(
        "<p>Расскажите под-<br>робнее о том, как преслед-<br>ования начались.</p>",
        {"wrong_hyphenation": 2},
        "<p>Расскажите по-<br>дробнее о том, как пре-<br>следования начались.</p>", lang="ru"),
    "page_gap": Case(
        f"<p>{FILLER * 2}</p>{PAGE}<p>{FILLER * 3}</p><p>{FILLER * 3}</p>",
        {"page_gap": 1},
        f"<p>{FILLER * 2}</p>{PAGE}<h2>A new chapter</h2><p>{FILLER * 3}</p><p>{FILLER * 3}</p>"),
    "page_gap_before_caption": Case(  # a table's caption (or a sub-heading) at the next page's top
        # ends no chapter: the gap before it counts — unless what it opens is alone on its page,
        # before the next chapter (a document's closing contact block)
        f'<h2>A chapter</h2><p>{FILLER * 2}</p>{CAPTION_PAGE}<p>{FILLER * 30}</p>',
        {"page_gap": 1},
        f'<h2>A chapter</h2><p>{FILLER * 2}</p><p style="break-before: page; font: bold 10pt \'PT Sans\'">For '
        f'further information, please contact:</p><p>{FILLER}</p><h2 style="break-before: page">Annex</h2>'
        f'<p>{FILLER}</p>'),
    "double_space": Case(
        f"<p>{FILLER}</p><ul><li>the absorption of sovereignty by Russia and China;&nbsp; (page 1)</li></ul>",
        {"double_space": 1},
        f"<p>{FILLER}</p><ul><li>the absorption of sovereignty by Russia and China; (page 1)</li></ul>"),
    "double_space_gap": Case(
        f'<p>{FILLER}</p><p>integration;<span style="padding-left: 4pt"> </span>(page 1) and the rest of it</p>',
        {"double_space": 1},
        f'<p style="text-align: justify; font-kerning: none">{FILLER * 3}</p><p>integration; (page 1) and the rest of it</p>'),
    "short_line": Case(
        f'<p style="text-align: justify">{GLUED_A} repression {GLUED_B} across the whole region of Central Asia.</p>',
        {"short_line": 1},
        f'<p style="text-align: justify">{GLUED_A} repression messaging apps that its opponents use to organise '
        'their protests across the whole region of Central Asia.</p>'),
    "loose_line": Case(
        f'<p style="text-align: justify">{FILLER}The methods used by the regimes are <span style="white-space: nowrap">'
        'for the suppression of dissent, the blocking of social networks</span> and messaging apps across the region.</p>',
        {"loose_line": 1},
        f'<p style="text-align: justify">{FILLER}The methods used by the regimes are for the suppression of dissent, '
        'the blocking of social networks and messaging apps across the region.</p>'),
    "spaced_letters": Case(
        f'<p>{FILLER}Write to press<span style="padding-left: 3pt">-sluzhba</span> or to '
        '=en<span style="padding-left: 2pt">&amp;ref</span><span style="padding-left: 2pt">=briefing</span> today.</p>',
        {"spaced_letters": 2},
        f'<p style="text-align: justify">{FILLER * 2}Write to press-sluzhba or to '
        '=en&amp;ref=briefing today<span class="fn">A note.</span>.</p>'
        # a word space between elements is drawn without a space glyph (an annex's entries)
        '<p><span class="num">1.</span> <strong>Buzurgmehr Yorov</strong> — imprisoned.</p>'),
    "split_word": Case(  # a name longer than its column, glued at its hyphen, cut by overflow-wrap (the page's table
        # lines in reading order, which mix the columns, are not read as a name broken at its hyphen)
        table([["Raisa Zhumabekova-&#8288;Nurmagambetova", "under house arrest"]], "table-layout: fixed",
              header=("Name", "Status")),
        {"split_word": 1},
        table([["Raisa Zhumabekova-<br>Nurmagambetova", "under house arrest"], ["Aigul Utepova-<br>Kasymbekova", "under house arrest"],
               ["membership of an extremist organisation", "under house arrest"]], "table-layout: fixed",
              header=("Name", "Status")),
        extra="th:first-child { width: 22%; } td { overflow-wrap: break-word; }"),
    "split_word_right_aligned": Case(  # a right-aligned heading wraps at a space in a column wider than
        # its words (its lines touch the right edge); the middle line of a URL over three lines may break anywhere
        table([["Raisa Zhumabekova-&#8288;Nurmagambetova", "under house arrest"]], "table-layout: fixed",
              header=("Name", "Status")),
        {"split_word": 1},
        f"<p>{FILLER}https://mvd.gov.by/ru/page/gubopik/<br>perechen-organizacij-formirovanij-individualnyh<br>"
        "-predprinimatelej-i-lic.</p>"
        + table([["Ликвидированы", "27", "14"]], cls="num", header=("Орган", "Ликвидированы судом", "Заморожено активов")),
        lang="ru",
        extra="th:first-child { width: 22%; } td { overflow-wrap: break-word; } th { text-align: right; }",
        clean_extra="table { table-layout: auto; } th:nth-child(3) { width: 24%; }"),
    "call_punctuation_typed": Case(  # a separator the author typed after an abbreviation's full stop
        f'<p>{FILLER}под стражей с 17 сентября 2020 года.;<span class="fn">Note.</span> обвинение изменили.</p>',
        {"call_punctuation": 1},
        f'<p>{FILLER}под стражей с 17 сентября 2020 г.;<span class="fn">Note.</span> обвинение изменили, '
        f'и т. д.,<span class="fn">Note.</span> и так далее.</p>', lang="ru"),
    "split_word_known": Case(  # the two pieces make a word printed whole elsewhere: "(стат" / "ья 313)"
        "<p>по статья 274 и статья 405 и статья 307</p>"
        + table([["«призывы к массовым беспорядкам» (стат<br>ья&nbsp;313); статья 274", "в заключении"]],
                header=("Обвинения", "Положение")),
        {"split_word": 1},
        "<p>по статья 274 и статья 405 и статья 307</p>"
        + table([["«призывы к массовым беспорядкам»<br>(статья&nbsp;313); статья 274", "в заключении"]],
                header=("Обвинения", "Положение")), lang="ru"),
    "number_split": Case(
        f"<p>{FILLER}</p><p>The servers, worth KGS<br>1,250,000, were seized; стоимостью 1 250<br>000 сомов, "
        "and 12<br>% of a tax base.</p>" + table([["Kyrgyz Republic", "49 118 000<br>€"]], cls="num"),
        {"number_split": 4},
        f"<p>{FILLER}</p><p>The servers, worth<br>KGS 1,250,000, were seized; стоимостью<br>1 250 000 сомов, "
        "and 12 % of a<br>tax base.</p>" + table([["Kyrgyz Republic", "49 118 000 €"]], cls="num")),
    "table_numbers_left_amounts": Case(  # amounts with their currency are numbers too
        f"<p>{FILLER}</p>" + table([["Kyrgyz Republic", "KGS 4,815,300,000"], ["Tajikistan", "TJS 403,112,000"],
                                    ["Kazakhstan", "€100,212,000"]]),
        {"table_numbers_left": 3},
        f"<p>{FILLER}</p>" + table([["Kyrgyz Republic", "KGS 4,815,300,000"], ["Tajikistan", "TJS 403,112,000"],
                                    ["Kazakhstan", "€100,212,000"]], cls="num")),
    "stranded_heading": Case(  # the heading's text forced to the next page
        f'<p>{FILLER * 2}</p><div style="height: 365pt"></div><h2>A new chapter</h2><p style="break-before: page">'
        f'{FILLER}</p>',
        {"stranded_heading": 1},
        f'<p>{FILLER * 2}</p><div style="height: 365pt"></div><h2 style="break-before: page">A new chapter</h2>'
        f'<p>{FILLER}</p>'),
    "heading_one_line": Case(  # a heading with one line of its paragraph under it at the page's foot
        f'<div style="height: 450pt"></div><h2>A new chapter</h2><p style="orphans: 1">{FILLER * 2}</p>',
        {"heading_one_line": 1},
        f'<div style="height: 438pt"></div><h2>A new chapter</h2><p style="orphans: 1">{FILLER * 2}</p>'),
    "empty_page": Case(
        f'<p>{FILLER * 2}</p><div style="break-before: page; height: 20pt"></div><h2 style="break-before: page">'
        f'Next</h2><p>{FILLER}</p>',
        {"empty_page": 1},
        f'<p>{FILLER * 2}</p><h2 style="break-before: page">Next</h2><p>{FILLER}</p>'),
    "empty_page_note_tail": Case(  # the rest of a note alone on the last page (briefgen's notes continue)
        f'<p>{FILLER * 2}Text<span class="fn">A note.</span>.</p>'
        f'<p style="break-before: page; margin-top: 380pt; font-size: 8pt">{NOTE_TAIL}</p>',
        {"empty_page": 1},
        f'<p>{FILLER * 2}Text<span class="fn">A note.</span>.</p>'
        f'<h2 style="break-before: page">Next</h2><p style="margin-bottom: 330pt">{FILLER}</p>'
        f'<p style="font-size: 8pt">{NOTE_TAIL}</p>'),
    "page_ref_wrong": Case(  # a number typed where the page is computed (or a stale one)
        f'<ul><li>the overview <a href="#next">(page&nbsp;3)</a></li></ul><p>{FILLER}</p>'
        f'<h2 id="next" style="break-before: page">Next</h2><p>{FILLER}</p>',
        {"page_ref_wrong": 1},
        f'<ul><li>the overview <a class="ref" href="#next">(page&nbsp;)</a></li></ul><p>{FILLER}</p>'
        f'<h2 id="next" style="break-before: page">Next</h2><p>{FILLER}</p>',
        clean_extra='a.ref::after { content: target-counter(attr(href), page) ")"; }'),
    "overlap": Case(  # a block pulled up over the paragraph before it
        f'<p>{FILLER}</p><p style="margin-top: -16pt">Printed over the lines of the paragraph above.</p>',
        {"overlap": 1},
        f'<p>{FILLER}</p><p style="margin-top: -6pt">Printed close below the paragraph above.</p>'),
    "hyphenated_heading": Case(  # a subtitle (sans-serif, a display line) broken by hyphenation
        "<p style=\"font: 11pt/1.3 'PT Sans'\">Briefing for the Members ahead of the vote on the interim trade agree-"
        "<br>ment on trade and trade-related matters</p>" + f"<p>{FILLER}</p>",
        {"hyphenated_heading": 1},
        "<p style=\"font: 11pt/1.3 'PT Sans'\">Briefing for the Members ahead of the vote on the trade-<br>"
        "related matters of the interim trade<br>agreement and other trade-related matters</p>" + f"<p>{FILLER}</p>"),
    "hyphenated_heading_ru": Case(  # a question (a heading) broken by hyphenation, and at a particle's hyphen
        "<h2>Что могли бы сделать Европейский союз и его Парламент, чтобы это изменило положение ва-<br>"
        "ших подзащитных?</h2>" + f"<p>{FILLER}</p>",
        {"hyphenated_heading": 1},
        "<h2>Что могли бы сделать Европейский союз и его Парламент, чтобы это изменило что-<br>"
        "то для ваших подзащитных?</h2>" + f"<p>{FILLER}</p>", lang="ru"),
    "runt_line": Case(
        f'<p>{FILLER}and to publish what they fund in the region, country by coun-<br>try.</p><p>{FILLER}</p>',
        {"runt_line": 1},
        f'<p>{FILLER}and to publish what they fund in the region, coun-<br>try by country.</p>'
        f'<p>{FILLER}and to publish what they fund in the region, country by<br>country.</p>'),
    "one_letter_end": Case(
        "<p>Мы приехали в<br>Москву вчера, и<br>нас встретили.</p>",
        {"one_letter_end": 2},
        "<p>Мы приехали в Москву<br>вчера, и нас<br>встретили. Вот и</p>", lang="ru"),
    "page_ref_alone": Case(
        "<ul><li>the absorption of sovereignty by Russia and China, through the memorandum;<br>(page 1)</li>"
        "<li>the copying of the repressive methods (page<br>4)</li></ul>",
        {"page_ref_alone": 2},
        "<ul><li>the absorption of sovereignty by Russia and China, through the<br>memorandum; (page 1)</li>"
        "<li>the copying of the repressive methods (page 4)</li></ul>"),
    "page_gap_continued_note": Case(  # a continued note (no marker) opens the notes: it is a note, not text
        f'<p>{FILLER * 2}Text<span class="fn cont">{FILLER}</span><span class="fn">A note.</span>.</p>'
        f'<p style="break-before: page">{FILLER * 3}</p>',
        {"page_gap": 1},
        f'<p>{FILLER * 14}Text<span class="fn cont">{FILLER}</span><span class="fn">A note.</span> {FILLER * 8}</p>',
        extra=".cont::footnote-call, .cont::footnote-marker { content: none; }"),
    "spaced_letters_url": Case(
        f'<p>{FILLER}</p><p>The portal https://egov.kz/<span style="letter-spacing: 3pt">cms</span>/en offers '
        'services.</p>',
        {"spaced_letters": 1},
        f'<p>{FILLER}</p><p>The portal https://egov.kz/<span style="letter-spacing: 0.2pt">cms</span>/en offers '
        'services.</p>'),
    "spaced_letters_url_path": Case(  # a URL's path alone on its line, spread over its breaks (1.3 pt,
        # 0.13 em: stress seed 21, "e e d o m - p r i s o n e r s"), against its breaks widened by 0.04 em
        f'<p>{FILLER}</p><p>https://en.odfoundation.example.eu/<span style="letter-spacing: 1.3pt">'
        'freedom-prisoner</span>s was cited.</p>',
        {"spaced_letters": 1},
        f'<p>{FILLER}</p><p>https://en.odfoundation.example.eu/<span style="letter-spacing: 0.4pt">'
        'freedom-prisoner</span>s was cited.</p>'),
    "head_collision": Case(  # the left part cut with "…" inside its 60 %, its padding laid over the right part
        f"<p>{FILLER}</p>",
        {"head_collision": 1},
        f"<p>{FILLER}</p>",
        extra=HEAD_PARTS, defect_head="Interview with Dr Friederike Wassermann-Oyelaran, Arbeitsgemeinschaft "
        "Menschenrechtsbeobachtung", clean_extra="@page { @top-left { box-sizing: border-box; } }",
        corrections=("draw_text_as_laid_out",)),  # Pango's "…" is written as "…" (else as the hidden text)
    "short_line_ragged": Case(  # a ragged line that happens to end at the edge is not a justified one
        f'<p style="text-align: justify">{GLUED_A} repression {GLUED_B} across the whole region of Central Asia.</p>',
        {"short_line": 1},
        # (set right inside a full-width box: it ends at the edge with its spaces at their natural width)
        f'<p>{FILLER}</p><p><span style="display: inline-block; width: 100%; text-align: right">Aliaksandra '
        'Kavalenka-Pietrushevskaya, advocacy coordinator, Euro-Belarus Solidarity</span><br>Platform<br>'
        'a.kavalenka@euro-belarus-solidarity-platform.example.org, +370 5 212 3456</p>'),
    "wrapped_head": Case(
        f"<p>{FILLER}</p>",
        {"wrapped_head": 1},
        f"<p>{FILLER}</p>",
        defect_head="Kazakhstan, November 2021: a briefing by the Business &amp; Human Rights Resource Centre"),
    "note_off_page_short_line": Case(  # a last line of more call digits than letters still has its
        # calls: the note's first call is there, not at its repeated call on the next page
        f'<p>{FILLER}The claim<sup style="vertical-align: super">1</sup>.</p>{PAGE}<h2>Next</h2>'
        f'<p>{FILLER}<br>60&nbsp;%.<span class="fn">A.</span><span class="fn">B.</span><span class="fn">C.</span></p>',
        {"note_off_page": 1},
        f'<p>{FILLER}The claim<span class="fn">Z.</span>.</p>{PAGE}<h2>Next</h2>'
        f'<p>{FILLER}<br>60&nbsp;%.<span class="fn">A.</span><span class="fn">B.</span><span class="fn">C.</span></p>'
        f'<h2 style="break-before: page">Last</h2><p>{FILLER}Again<sup style="vertical-align: super; '
        'font-size: 7pt">2</sup>.</p>',
        extra=SEPARATOR),
    "note_off_page": Case(
        f'<p>{FILLER}The claim<sup style="vertical-align: super">1</sup>.</p>{PAGE}<h2>Next</h2><p>{FILLER}Text<span class="fn">The note.</span>.</p>',
        {"note_off_page": 1},
        f'<p>{FILLER}The claim.</p>{PAGE}<h2>Next</h2><p>{FILLER}Text<span class="fn">The note.</span>.</p>'),
}


@pytest.mark.parametrize("case", list(CASES))
def test_detector_finds_its_defect_and_nothing_else(tmp_path, case):
    c = CASES[case]
    assert found(tmp_path, c.defect, c.lang, extra=c.extra + c.defect_extra, head=c.defect_head,
                 corrections=c.corrections) == \
        {k: v for k, v in c.expected.items() if v}


@pytest.mark.parametrize("case", list(CASES))
def test_detector_is_silent_on_the_clean_counterpart(tmp_path, case):
    c = CASES[case]
    assert found(tmp_path, c.clean, c.lang, extra=c.extra + c.clean_extra, corrections=c.corrections) \
        == c.clean_expect


def test_every_class_has_a_detector_test():
    covered = {name for case in CASES.values() for name, count in case.expected.items() if count}
    assert covered == set(CLASSES)


def test_the_dictionary_is_consulted(tmp_path):
    """Accepted breaks are checked, not skipped: a break on a marked point counts as checked."""
    report = check_pdf(pdf(tmp_path, "<p>The bu-<br>reau and the mem-<br>orandum.</p>"), "en", margins=MARGINS)
    assert report.checked_breaks == 2 and report.counts()["wrong_hyphenation"] == 0


def test_the_dictionaries_hold_forty_words_each():
    from typography import HYPHENATION_DIR, load_hyphenation

    for lang in ("en", "ru"):
        lines = [l for l in (HYPHENATION_DIR / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
                 if l.strip() and not l.startswith("#")]
        assert len(lines) >= 40, lang
    words = load_hyphenation()
    assert words["bureau"] == {2} and words["memorandum"] == {3, 4, 7}
    assert words["подробнее"] == {2, 5, 6}


@pytest.mark.parametrize("css, expected", [
    ("@page { size: A4; margin: 22mm 20mm 24mm 22mm; }", (22 * MM, 20 * MM, 24 * MM, 22 * MM)),
    ("@page { margin: 1in; @top-left { margin: 0 } }", (72.0,) * 4),
    ("@page { size: A5; margin: 10mm 20pt }", (10 * MM, 20.0, 10 * MM, 20.0)),
    ("@page { margin: 10pt 20pt 30pt }", (10.0, 20.0, 30.0, 20.0)),
    ("@page { @top-left { margin: 5mm } margin: 10pt; margin-left: 2cm }", (10.0, 10.0, 10.0, 20 * MM)),
])
def test_the_text_block_follows_the_stylesheet(css, expected):
    from typography import css_margins

    assert css_margins(css) == pytest.approx(expected)


def test_the_text_block_of_the_print_stylesheet_is_where_the_text_starts(tmp_path):
    """print.css's margins (read by default) put the block's left edge where body lines start."""
    from typography import PRINT_CSS, read_pages, css_margins

    body = f'<style>{PRINT_CSS.read_text(encoding="utf-8")}</style><p>{FILLER * 4}</p>'
    path = tmp_path / "print.pdf"
    from weasyprint import HTML

    HTML(string=f'<html lang="en"><body>{body}</body></html>').write_pdf(path)
    pages, _ = read_pages(path, css_margins())
    lines = pages[0].region("body")
    assert lines and all(abs(line.x0 - pages[0].block.x0) < 0.01 for line in lines)
    assert max(line.x1 for line in lines) <= pages[0].block.x1 + 3  # justified, up to the right edge


def test_the_report_script_prints_the_counts(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    path = pdf(tmp_path, CASES["hyphen_runs"].defect, name="runs.en")
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "typography-report.py"), str(path), "--details",
                          "--margins", "15mm"],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line and not line.startswith(" ")}
    assert rows["hyphen_runs"] == ["1"] and rows["call_punctuation"] == ["0"]
    assert "3 lines: con- | pro- | tran-" in out


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_stress_briefs_are_valid_and_crowded(tmp_path, lang):
    """The stress briefs pass briefgen's validation (so the typographic test measures layout, not
    errors) and hold what they promise: many notes, adjacent and repeated calls, long URLs."""
    import re

    from briefgen.load.content import load_brief
    from stress import write_stress_brief

    folder = write_stress_brief(tmp_path, lang)
    brief = load_brief(folder)
    assert brief.document.language == lang and len(brief.footnotes.footnotes) >= 60
    text = (folder / "brief.yaml").read_text(encoding="utf-8")
    calls = re.findall(r"\[\^(note-\d+)\]", text)
    assert len(calls) > len(set(calls))  # some notes are called twice
    assert re.search(r"\]\[\^", text)  # adjacent calls
    assert re.search(r"<https://[^>]{90,}>", text)  # long URLs in the text
    assert write_stress_brief(tmp_path / "again", lang).joinpath("brief.yaml").read_text(encoding="utf-8") == text
