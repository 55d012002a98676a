"""The text-level typography of issue 11: what the renderer's typographic pass (briefgen.editions.typeset)
puts into an edition, and the hyphenation policy (briefgen.editions.hyphenation, put into WeasyPrint by
briefgen.editions.textfix.hyphenate_by_policy), each checked on real layouts read back from the PDF
(pdfplumber, and the typographic check of tests/typography.py) — with and without the correction
where the correction is WeasyPrint's.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from types import SimpleNamespace

import pdfplumber
import pytest
import yaml

from briefgen import TEMPLATES_DIR
from briefgen.editions.typeset import NBSP, WORD_JOINER, ZERO_WIDTH_SPACE, typeset, url_parts
from conftest import ROOT, SAMPLE
from test_weasyfix import in_child

INVISIBLE = dict.fromkeys(map(ord, WORD_JOINER + ZERO_WIDTH_SPACE))


def body(html: str) -> str:
    return html.split("<body>", 1)[1].split("</body>", 1)[0]


def page(text: str, lang: str = "ru", target: str = "print") -> str:
    """``text`` (HTML of a body) through the typographic pass, body only."""
    return body(typeset(f'<html lang="{lang}"><head><title>в т</title></head><body>{text}</body></html>', lang, target))


# --- non-breaking spaces ---------------------------------------------------------------------------

def test_russian_one_letter_words_are_bound_to_the_next_word():
    out = page("<p>Суд в Москве и Алматы, а также с <em>ними</em> и «Сбером». В стране я и он.</p>")
    for bound in ("в" + NBSP + "Москве", "и" + NBSP + "Алматы", "а" + NBSP + "также", "с" + NBSP + "<em>ними",
                  "и" + NBSP + "«Сбером", "В" + NBSP + "стране", "я" + NBSP + "и" + NBSP + "он"):
        assert bound in out, bound
    # not inside words, attributes, verbatim elements or across the end of a block
    out = page('<p title="в доме">Свет в</p><p>доме</p><table><tr><td>с</td><td>даты</td></tr></table>'
               '<p><code>a и b</code></p>')
    assert NBSP not in out


def test_latin_one_letter_words_only_in_the_languages_that_bind_them():
    assert "w" + NBSP + "Warszawie" in page("<p>Sąd w Warszawie</p>", lang="pl")
    assert NBSP not in page("<p>a dog and I went</p>", lang="en")


def test_numbers_months_references_and_dashes_get_non_breaking_spaces():
    out = page("<p>On 3 September 2021, 16 political prisoners and $500 million; see Article 174 and "
               "page 5 — then 5 and 7 of them.</p>", lang="en")
    out += page("<p>С 1 ноября 2021 г. (стр. 12) — в июне 2020 года.</p>", lang="ru")
    for bound in ("3" + NBSP + "September" + NBSP + "2021", "16" + NBSP + "political", "$500" + NBSP + "million",
                  "Article" + NBSP + "174", "page" + NBSP + "5", "5" + NBSP + "—", "1" + NBSP + "ноября" + NBSP + "2021",
                  "2021" + NBSP + "г.", "стр." + NBSP + "12", ")" + NBSP + "—", "июне" + NBSP + "2020" + NBSP + "года"):
        assert bound in out, bound
    assert "5 and" in out  # a function word does not belong to the number
    # no rule reaches across a footnote call (in print the note's text sits inside it) or into a URL
    out = page(f'<p>в Москве,{call(7).replace("Note 7.", "see x.org/?id=31676")} стало ясно; x.org/a/2021 report</p>')
    assert "</span> стало" in out and "2021 report" in out


PAGE_REFERENCES = ('<ul><li>блокировки сетей и мессенджеров;&nbsp;<a class="page-ref" href="#c"></a></li>'
                   '<li>see <em>it</em>&nbsp;<a href="#x"></a></li>'
                   '<li>в Казахстане&nbsp;<a class="page-ref" href="#k"></a></li></ul>')


def test_a_page_reference_and_the_words_glued_to_it_are_one_unbreakable_span():
    """WeasyPrint breaks the text before a glued unit that spans elements at a wrong place
    ("применяют" alone on a line): the unit is a nowrap span that starts at a real space."""
    out = page(PAGE_REFERENCES, target="screen")
    assert ('сетей <span class="nowrap">и' + NBSP + 'мессенджеров;&nbsp;<a class="page-ref" href="#c"></a></span>'
            in out)
    assert '<span class="nowrap">в' + NBSP + 'Казахстане&nbsp;<a class="page-ref" href="#k"></a></span>' in out
    assert out.count("nowrap") == 2  # only page references


def test_in_print_the_word_before_a_page_reference_may_still_be_hyphenated():
    """In print the span starts at the word's last break point (мес-сен-дже-ров), so that
    WeasyPrint can hyphenate the word rather than move it and its page reference whole, which
    left the line before it loose (1.5 em word spaces); a name is never cut (Казахстане)."""
    out = page(PAGE_REFERENCES)
    assert ('сетей и' + NBSP + 'мессендже<span class="nowrap">ров;&nbsp;<a class="page-ref" href="#c"></a></span>'
            in out)
    assert '<span class="nowrap">в' + NBSP + 'Казахстане&nbsp;<a class="page-ref" href="#k"></a></span>' in out
    # the part left outside breaks only where the whole word does ("мессендже": мес-сен-дже)
    from briefgen.editions.hyphenation import break_points
    assert break_points("мессенджеров", "ru") == [3, 6, 9] and break_points("мессендже", "ru") == [3, 6]


# --- footnote calls ---------------------------------------------------------------------------------

def call(number: int, target: str = "print") -> str:
    if target == "print":
        return f'<span class="footnote" id="fn-{number}" data-note="n{number}">Note {number}.</span>'
    return f'<sup class="fn-call"><a href="#fn-{number}">{number}</a></sup>'


@pytest.mark.parametrize("target", ["print", "screen"])
def test_only_directly_adjacent_calls_are_separated(target):
    out = page(f"<p>Concept.{call(3, target)} A decree of Kazakhstan,{call(4, target)} endorsed it "
               f"{call(5, target)}{call(6, target)} and {call(7, target)} {call(8, target)}"
               f'<sup class="footnote-repeat"><a href="#fn-3">3</a></sup>.</p>', target=target)
    assert out.count("follows-call") == 3  # 6 after 5, 8 after 7 (the space is removed), the repeat after 8
    assert re.search(r'id="fn-6"', out) and 'class="footnote follows-call" id="fn-6"' in out if target == "print" else True
    assert "follows-call" not in out.split("fn-5")[0]  # calls with text before them are not marked
    assert " <span" not in out and " <sup" not in out  # no space before a call
    # in print a word joiner glues every call to what precedes it (WeasyPrint would move it alone)
    assert (out.count(WORD_JOINER + "<span") + out.count(WORD_JOINER + "<sup") == 7) == (target == "print")


# --- URLs ---------------------------------------------------------------------------------------------

def sample_urls() -> list[str]:
    notes = yaml.safe_load((SAMPLE / "footnotes.yaml").read_text(encoding="utf-8"))["footnotes"]
    urls = [u for n in notes.values() for u in ([n["url"]] if n.get("url") else []) + n.get("urls", [])]
    return urls + ["https://www.human-rights-monitoring-organisation-central-asia.example.org/en/reports/2021/11/"
                   "political-prisoners-1?utm_source=briefing&lang=en&id=7919", "https://aitube.kz",
                   "http://a-b.example.kz:8080/x_y/z.pdf#p=2"]


def breaks(text: str) -> list[int]:
    """Where Pango (WeasyPrint's line breaker) may break ``text``: offsets in the text without
    the invisible characters."""
    from weasyprint.text.line_break import get_log_attrs

    attrs = get_log_attrs(text, "en")
    visible, out = 0, []
    for index, char in enumerate(text):
        if index and attrs[index].is_line_break:
            out.append(visible)
        visible += char not in WORD_JOINER + ZERO_WIDTH_SPACE
    return out


@pytest.mark.parametrize("where", ["note", "text"])
def test_a_url_breaks_only_after_its_host_and_never_after_its_own_hyphens(where):
    from html import unescape

    for url in sample_urls():
        escaped = url.replace("&", "&amp;")
        out = page(f'<p>x{call(1).replace("Note 1.", f"See {escaped}.")}</p>' if where == "note" else
                   f"<p>See {escaped}.</p>", lang="en")
        text = unescape(re.sub(r"<[^>]+>", "", out))
        found = text[text.index("http"):].split(" ")[0].rstrip(".")
        assert found.translate(INVISIBLE) == url, url  # the URL reads (and copies from the PDF) as it is
        host_end = len(re.match(r"https?://[^/?#]*", url)[0])
        opportunities = [b for b in breaks(found) if 0 < b < len(url)]
        assert all(b > host_end for b in opportunities), (url, opportunities)  # never in the scheme or host
        assert all(url[b - 1] != "-" for b in opportunities), (url, opportunities)  # a break is before a hyphen
        if len(url) > host_end + 8:
            assert opportunities, url  # a long path can break


@pytest.mark.parametrize("element", ['<header class="title-block"><p class="publisher">', "<table><tr><td>",
                                     '<section class="contact"><p>', '<div class="entries prisoners"><p>',
                                     '<aside class="republication"><p>', "<p>"])
def test_in_ragged_print_text_a_url_breaks_only_between_its_parts(element):
    """Justified running text may break a URL's path after any character (lines are filled);
    ragged text — the title block, table cells, a contact, entries, a letter's republication note,
    notes — only between the URL's parts: "…/2022/01/prozessbe" / "obachtung-…" read as a broken
    word and filled nothing (the republication note: "…/karakalpa" / "kstan-…", unseen letter)."""
    url = ("https://menschenrechtsverteidigerinnen-dokumentationszentrum.example.org/de/interviews/2022/01/"
           "prozessbeobachtung-memorial-liquidierung?sprache=en&ausgabe=vollstaendig")
    closing = "".join(f"</{tag}>" for tag in reversed(re.findall(r"<(\w+)", element)))
    out = page(f"{element}See {url.replace('&', '&amp;')}{closing}", lang="en")
    found = re.sub(r"<[^>]+>", "", out).replace("&amp;", "&")
    found = found[found.index("http"):]
    parts = [b for b in breaks(found) if 0 < b < len(url)]
    lengths = [len(part.replace("&amp;", "&")) for part in url_parts(url.replace("&", "&amp;"))]
    expected = [sum(lengths[:i]) for i in range(1, len(lengths))]
    if element == "<p>":
        assert len(parts) > 60  # justified: after nearly every character of the path
    else:
        assert parts and set(parts) <= set(expected), parts
        assert "prozessbeobachtung-memorial".index("b") + len(url.split("prozess")[0]) not in parts


def test_url_parts_and_the_html_edition():
    parts = url_parts("https://www.ft.com/content/84e73aa4-111c-11ea-a225-db2f231cfeae?x=1&amp;y=2")
    assert parts[0] == "https://www.ft.com/" and "".join(parts).startswith("https://www.ft.com/content/")
    assert all(4 <= len(p.replace("&amp;", "&")) <= 30 for p in parts[1:-1])
    out = page('<p><a class="url" href="https://www.ft.com/content/a-b">https://www.ft.com/content/a-b</a> '
               "and mail katarzyna.szczypka@odfoundation.eu</p>", lang="en", target="screen")
    assert '<span class="url-host">https://www.ft.com/</span><wbr>content/' in out
    assert WORD_JOINER not in out and ZERO_WIDTH_SPACE not in out  # a copied link carries nothing invisible
    assert '<span class="email">katarzyna.szczypka@odfoundation.eu</span>' in out
    assert 'href="https://www.ft.com/content/a-b"' in out  # attributes untouched


def test_escaped_text_stays_escaped():
    out = page("<p>&lt;script&gt;alert(1)&lt;/script&gt; в &amp; https://x.org/?a=&lt;b&gt;</p>")
    assert "<script>" not in out and "&lt;script&gt;" in out and "&lt;b&gt;" in out


# --- hyphenation policy -------------------------------------------------------------------------------

def hyphenator(lang: str):
    from briefgen.editions.hyphenation import Dictionaries

    return Dictionaries(SimpleNamespace()).get((lang, 3, 3, 6))


def breaks_of(word: str, lang: str = "en") -> str:
    found = [start for start, _ in hyphenator(lang).iterate(word)]
    positions = sorted(len(start) for start in found)
    return "-".join(word[a:b] for a, b in zip([0] + positions, positions + [len(word)]))


def test_english_is_hyphenated_with_us_patterns_and_names_never():
    # pyphen's default for "en" (en_GB) gives bur-eau, exclus-ively, activ-it-ies, memor-andum, repress-ive
    expected = {"bureau": "bureau", "exclusively": "exclu-sively", "activities": "activ-i-ties",
                "memorandum": "mem-o-ran-dum", "repressive": "repres-sive"}  # fragments of 3 letters at least
    assert {word: breaks_of(word) for word in expected} == expected
    for name in ("Kazakhstan", "Moscow", "Jinping", "Memorandum", "Bureau", "September"):
        assert breaks_of(name) == name
    assert breaks_of("Казахстан", "ru") == "Казахстан" and breaks_of("ноября", "ru") == "ноября"
    assert breaks_of("политических", "ru") == "поли-ти-че-ских"
    assert breaks_of("covid19patients") == "covid19patients"
    assert breaks_of("millions") == "millions" and breaks_of("процентов", "ru") == "процентов"  # units


def test_the_renderer_breaks_words_where_weasyprint_does():
    """The renderer prepares a break before a page reference (typeset.py) with the patterns and
    hyphenate-limit-chars WeasyPrint uses: its copy of the limits (hyphenation.LIMIT_CHARS) is
    what print.css declares, and the policy (names, months) applies."""
    import re

    from briefgen.editions.hyphenation import LIMIT_CHARS, break_points

    css = (ROOT / "templates" / "print.css").read_text(encoding="utf-8")
    assert re.findall(r"hyphenate-limit-chars: (\d+) (\d+) (\d+);", css) == [tuple(map(str, LIMIT_CHARS))]
    assert break_points("политических", "ru") == [4, 6, 8]  # поли-ти-че-ских: no "по-"
    assert break_points("repression", "en") == [6] and break_points("detention", "en") == [5]  # not "re-", "de-"
    assert break_points("Казахстане", "ru") == [] and break_points("ноября", "ru") == []


def test_hyphenation_is_suspended_while_the_run_limit_is_reached():
    from briefgen.editions.hyphenation import SUSPENDED, Dictionaries

    context = SimpleNamespace()
    dictionary = Dictionaries(context).get(("en", 3, 3, 6))
    assert list(dictionary.iterate("international"))
    setattr(context, SUSPENDED, True)
    assert list(dictionary.iterate("international")) == []


# --- the policy in a real layout, with and without the correction ----------------------------------

LONG_WORDS = ["internationalisation", "responsibilities", "administration", "constitutional", "unaccountable",
              "disproportionate", "extraterritorial", "intergovernmental", "telecommunications", "documentation",
              "investigation", "representatives", "organisations", "transparency", "implementation"]
NAMES = ["Kazakhstan", "Semipalatinsk", "Petropavlovsk", "Nazarbayev", "Zhezkazgan", "Kyzylordinskaya"]
#: The print stylesheets (hyphenation settings, URLs unhyphenated) on narrow pages.
NARROW = ((TEMPLATES_DIR / "common.css").read_text(encoding="utf-8") + (TEMPLATES_DIR / "print.css").read_text(encoding="utf-8")
          + "@page { size: 62mm 120mm; margin: 8mm } @page wide { size: 100mm 120mm } .wide { page: wide }")


def narrow_document() -> str:
    """Paragraphs of long words and names, then paragraphs with long URLs in running text."""
    rng = random.Random(11)
    paragraphs = []
    for _ in range(8):
        words = [rng.choice(LONG_WORDS + ["the", "of", "and", "a"] + NAMES) for _ in range(40)]
        paragraphs.append(f"<p>{' '.join(words)}.</p>")
    paragraphs.append('<div class="wide">')
    for number in range(6):
        url = f"https://example.org/en/reports/2021/11/political-prisoners-surveillance-{number}"
        paragraphs.append(f"<p>The report of the {rng.choice(LONG_WORDS)} office is published at {url}, and the "
                          f"{rng.choice(LONG_WORDS)} committee refers to it.</p>")
    paragraphs.append("</div>")
    return typeset(f'<html lang="en"><style>{NARROW}</style><body>{"".join(paragraphs)}</body></html>', "en", "print")


def widest_gap_beside_urls(path: Path) -> float:
    """The widest word gap (pt) in the justified lines that hold part of a URL."""
    widest = 0.0
    with pdfplumber.open(path) as pdf:
        for p in pdf.pages:
            for line in p.extract_text_lines(return_chars=True):
                if not re.search(r"/|surveillance-\d", line["text"]) or line["text"].endswith("it."):
                    continue  # no URL, or a paragraph's last line (not justified)
                ink = [c for c in line["chars"] if c["text"].strip()]
                for before, after in zip(ink, ink[1:]):
                    widest = max(widest, after["x0"] - before["x1"])
    return widest


def line_ends(path: Path) -> list[str]:
    """Every text line of the PDF, in reading order across pages."""
    with pdfplumber.open(path) as pdf:
        return [line["text"] for p in pdf.pages for line in p.extract_text_lines()]


def longest_run(lines: list[str]) -> int:
    run = longest = 0
    for line in lines:
        run = run + 1 if re.search(r"[^\W\d_]-$", line) else 0
        longest = max(longest, run)
    return longest


def broken_names(lines: list[str]) -> list[str]:
    return [line.split()[-1] for line in lines if re.search(r"(?:^|\s)[A-Z][a-z]*-$", line)]


@pytest.fixture(scope="module")
def narrow_pdfs(tmp_path_factory) -> dict[str, Path]:
    """The narrow-column document laid out by WeasyPrint in a child process, as shipped and
    with the hyphenation and justification corrections."""
    folder = tmp_path_factory.mktemp("narrow")
    html = narrow_document()
    out = {}
    for name, corrections in (("without", ()), ("with", ("hyphenate_by_policy", "justify_at_url_breaks"))):
        out[name] = folder / f"{name}.pdf"
        in_child(folder, html, *corrections, f"--pdf={out[name]}", base=folder)
    return out


def test_at_most_two_hyphenated_lines_in_a_row(narrow_pdfs):
    without, corrected = line_ends(narrow_pdfs["without"]), line_ends(narrow_pdfs["with"])
    assert longest_run(without) >= 3, "the test document no longer provokes runs of hyphens"
    assert longest_run(corrected) <= 2
    assert sum(bool(re.search(r"[a-z]-$", line)) for line in corrected) >= 10  # it still hyphenates


def test_no_break_inside_a_capitalised_word(narrow_pdfs):
    assert broken_names(line_ends(narrow_pdfs["without"])), "the test document no longer breaks names"
    assert broken_names(line_ends(narrow_pdfs["with"])) == []


def test_justified_lines_stretch_at_url_breaks_too(narrow_pdfs):
    """A line holding a long URL has few spaces: WeasyPrint stretched only them."""
    # a word space is 2.6 pt; WeasyPrint stretched them to 4–7 pt in the lines with a URL
    assert widest_gap_beside_urls(narrow_pdfs["without"]) > 5, "the test document no longer has loose URL lines"
    assert widest_gap_beside_urls(narrow_pdfs["with"]) < 3.5


def test_the_correction_applies_to_the_installed_weasyprint():
    import weasyprint.layout.block as block
    from weasyprint.layout import LayoutContext

    from briefgen.editions.hyphenation import Dictionaries
    from weasyprint.layout import inline
    from weasyprint.text.line_break import Layout

    from briefgen.editions.weasyfix import hyphenate_by_policy, justify_at_url_breaks

    assert hyphenate_by_policy() is True and justify_at_url_breaks() is True
    assert block.iter_line_boxes.briefgen_correction
    assert inline.count_expandable_spaces.briefgen_correction and Layout.set_text.briefgen_correction
    assert isinstance(LayoutContext.dictionaries, property)
    context = object.__new__(LayoutContext)
    context.dictionaries = {}
    assert isinstance(context.dictionaries, Dictionaries)


# --- calls, URLs and one-letter words in a small print edition ---------------------------------------

def small_edition(lang: str) -> str:
    """A print document with the briefing's stylesheets on small pages: calls after words,
    commas and full stops, adjacent and repeated calls, long URLs in notes and text, and (ru)
    one-letter words everywhere."""
    rng = random.Random(lang)
    css = (TEMPLATES_DIR / "common.css").read_text() + (TEMPLATES_DIR / "print.css").read_text()
    css += "@page { size: 148mm 180mm; margin: 12mm 10mm 14mm 12mm; }"
    words = ["суд в Москве", "правозащитники сообщили", "о задержании активиста", "и в Алматы", "а также",
             "с его адвокатом", "к уголовной ответственности", "у него дома", "я и мои коллеги", "по делу о",
             "общественной деятельности", "политических заключённых"] if lang == "ru" else \
        "the court sentenced the activist to restriction of liberty after the hearing in Almaty".split()
    number = 0
    paragraphs = []
    for _ in range(5):
        text = []
        for index in range(60):
            text.append(rng.choice(words))
            if index % 11 == 10:
                number += 1
                url = f"https://www.human-rights-monitoring.example.org/en/reports/2021/{number}/political-prisoners-{number}"
                note = f'Source {number}: <a class="url" href="{url}">{url}</a>' if number % 3 == 1 else f"Note {number}."
                text[-1] += rng.choice(["", ",", "."]) + f'<span class="footnote" id="fn-{number}" data-note="n{number}">{note}</span>'
                if number % 4 == 0:
                    number += 1
                    text[-1] += f'<span class="footnote" id="fn-{number}" data-note="n{number}">Note {number}.</span>'
                if number % 5 == 0:
                    text[-1] += f'<sup class="footnote-repeat"><a href="#fn-{number - 2}">{number - 2}</a></sup>'
        paragraphs.append(f"<p>{' '.join(text)}, https://tengrinews.kz/kazakhstan_news/memorandum-{number}/.</p>")
    html = f'<html lang="{lang}"><head><style>{css}</style></head><body>{"".join(paragraphs)}</body></html>'
    return typeset(html, lang, "print")


TEXT_CLASSES = ("call_punctuation", "call_line_start", "call_size", "call_size_mismatch", "url_broken", "bare_scheme",
                "hyphen_runs", "broken_capitalised", "double_space", "one_letter_end", "note_off_page")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_small_edition_has_no_text_level_defect(tmp_path, lang):
    from briefgen.editions.pdf import render_document
    from typography import MM, check_pdf

    document = render_document(small_edition(lang), tmp_path, [tmp_path])
    path = tmp_path / "small.pdf"
    document.write_pdf(path)
    report = check_pdf(path, lang, margins=(12 * MM, 10 * MM, 14 * MM, 12 * MM))
    assert report.metrics["note_size"], "the check found no notes"
    found = {name: count for name, count in report.counts().items() if name in TEXT_CLASSES and count}
    assert not found, report.summary()
    with pdfplumber.open(path) as pdf:
        sizes = {round(c["size"], 2) for p in pdf.pages for c in p.chars if c["size"] < 7.9}
    assert sizes == {7.35}, sizes  # first and repeated calls: 70 % of the 10.5 pt text


def test_a_short_url_keeps_its_letters_together_and_its_line_is_not_loose(tmp_path):
    """A justified line holding a short URL stretches its word spaces, not the URL's characters
    ("c m s / e n"); a line holding a long one spreads the width over the URL's characters,
    unseen. The URL is moved along the line by the words before it, paragraph after paragraph."""
    from briefgen.editions.pdf import render_document
    from typography import MM, check_pdf

    css = (TEMPLATES_DIR / "common.css").read_text() + (TEMPLATES_DIR / "print.css").read_text()
    css += "@page { size: 148mm 180mm; margin: 12mm 10mm 14mm 12mm; }"
    lead = "the government portal at the address".split()
    paragraphs = [f"<p>{' '.join(lead[:n % 7])} services are at https://egov.kz/cms/en and the e-government portal "
                  f"{'serves citizens and ' * 3}https://publicadministration.un.org/egovkb/en-us/Reports/"
                  f"UN-E-Government-Survey-2020-{n} lists {'the people in prison ' * 3}now.</p>" for n in range(14)]
    html = typeset(f'<html lang="en"><head><style>{css}</style></head><body>{"".join(paragraphs)}</body></html>',
                   "en", "print")
    path = tmp_path / "urls.pdf"
    render_document(html, tmp_path, [tmp_path]).write_pdf(path)
    report = check_pdf(path, "en", margins=(12 * MM, 10 * MM, 14 * MM, 12 * MM))
    counts = report.counts()
    assert counts["spaced_letters"] == 0 and counts["double_space"] == 0, report.summary()
    # what is left: a line before a long URL's scheme and host, which may not break (README, "Print quality")
    hosts_at_line_start = sum(line.text.startswith("https://publicadministration") for page in report.pages
                              for line in page.region("body"))
    assert counts["loose_line"] <= hosts_at_line_start, report.summary()
    assert sum(counts.values()) == counts["loose_line"], report.summary()
