"""Honest fallback: a passage of the Russian sample shown in English is English throughout —
facts, plurals, names, quotation marks — in the HTML and in the PDF read back; the PDF marks it
with a rule in the margin, not a tint; "also available in" names only built editions."""

from __future__ import annotations

import re

import pdfplumber
import polib
import pytest
from click.testing import CliRunner

from briefgen.cli import main
from conftest import FIXTURES, edit, pdf_pages, pdf_text, spaced

COUNT = "As of {prisoners.as_of}, there are **{prisoners.phrase} in"
CHANGED = 'As "of" {prisoners.as_of}, there are **{prisoners.phrase} in'


@pytest.fixture(scope="module")
def partial_ru(tmp_path_factory):
    """The sample with its count paragraph changed in English (so stale in Russian), built in ru."""
    import shutil

    from conftest import SAMPLE

    root = tmp_path_factory.mktemp("fallback")
    brief = root / "kazakhstan-2021-11"
    shutil.copytree(SAMPLE, brief)
    edit(brief / "brief.yaml", COUNT, CHANGED)
    out = root / "out"
    result = CliRunner().invoke(main, ["build", str(brief), "--lang", "ru", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 stale" in result.output
    return out / "kazakhstan-2021-11"


def passage(text: str) -> str:
    match = re.search(r"As .of. .*?Politically motivated", text, re.S)
    assert match, "the English passage is not in the edition"
    return match[0]


def test_fallback_passage_in_html_is_english_throughout(partial_ru):
    html = spaced((partial_ru / "kazakhstan-2021-11.ru.html").read_text(encoding="utf-8"))
    span = re.search(r'<span lang="en" class="untranslated">(As .*?)</span></p>', html, re.S)
    assert span, "the passage is not marked lang=en"
    text = passage(re.sub(r"<[^>]+>", "", span[1]))
    assert "As “of” 26 October 2021, there are 16 political prisoners in Kazakhstan" in " ".join(text.split())
    assert "Baurzhan Jussupov" in text or "Jussupov" in text
    # no Russian date, plural, name or quotation mark inside the English passage
    assert not re.search(r"[А-Яа-яЁё«»„]", text), text
    # while the edition around it stays Russian (its own dates and names in the annex)
    assert "26 октября 2021" in html and "«" in html
    assert "Часть этого документа ещё не переведена" in html and "Это 1 фрагмент; он выделен цветом." in html
    assert 'Разделы: <a href="#' in html


def test_fallback_passage_in_pdf_is_english_and_ruled_not_tinted(partial_ru):
    pdf = partial_ru / "kazakhstan-2021-11.ru.pdf"
    text = pdf_text(pdf)
    flat = " ".join(passage(text).split())
    assert "As “of” 26 October 2021, there are 16 political prisoners in Kazakhstan" in flat, flat
    assert not re.search(r"[А-Яа-яЁё«»„]", passage(text.replace("-\n", ""))), flat
    assert "отмечен линией на полях" in " ".join(text.split())
    number = next(i for i, text in enumerate(pdf_pages(pdf)) if "As “of” 26" in text)
    with pdfplumber.open(pdf, pages=[number + 1]) as document:  # the passage's page only: pdfplumber is slow
        page = document.pages[0]
        tints = [r for r in page.rects
                 if r.get("non_stroking_color") and tuple(round(c, 2) for c in r["non_stroking_color"][:3]) == (1.0, 0.97, 0.85)]
        assert not tints, "the PDF still tints untranslated text"
        words = page.extract_words()
        start = next(w for w in words if w["text"] == "As")
        rules = [e for e in page.edges if e["orientation"] == "v" and e["x0"] < start["x0"] - 5
                 and e["top"] <= start["bottom"] and e["bottom"] >= start["top"]]
        assert rules, "no rule in the margin beside the English passage"


def test_also_available_names_only_built_editions(tmp_path):
    import shutil

    folder = tmp_path / "short-interview"
    shutil.copytree(FIXTURES / "good" / "short-interview", folder)
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(folder), "--lang", "ru", "-f", "html", "-o", str(out)]).exit_code == 0
    ru = spaced((out / "short-interview" / "short-interview.ru.html").read_text(encoding="utf-8"))
    assert "English" not in ru and "short-interview.en.html" not in ru  # not built: not named, not linked
    # a stale Russian unit: the English edition names Russian as partial; then both are rebuilt
    po = folder / "translations" / "ru.po"
    text = po.read_text(encoding="utf-8")
    first = re.search(r'msgstr "([^"]+)"', text.split("\n\n", 2)[2])
    po.write_text(text.replace(f'msgstr "{first[1]}"', 'msgstr ""', 1), encoding="utf-8")
    assert runner.invoke(main, ["build", str(folder), "-f", "html", "-o", str(out)]).exit_code == 0
    en = spaced((out / "short-interview" / "short-interview.en.html").read_text(encoding="utf-8"))
    assert 'href="short-interview.ru.html"' in en and 'Русский <span lang="en">(partly translated)</span>' in en
    po.write_text(text, encoding="utf-8")  # complete again, built alone: English still says partial
    assert runner.invoke(main, ["build", str(folder), "--lang", "ru", "-f", "html", "-o", str(out)]).exit_code == 0
    assert "partly translated" in spaced((out / "short-interview" / "short-interview.en.html").read_text(encoding="utf-8"))
    # the next full build, whose fingerprints all match, still rebuilds the English edition to say so
    result = runner.invoke(main, ["build", str(folder), "-f", "html", "-o", str(out)])
    assert "en: source language →" in result.output, result.output
    assert "ru: 100 % translated up to date" in result.output, result.output
    en = spaced((out / "short-interview" / "short-interview.en.html").read_text(encoding="utf-8"))
    assert "partly translated" not in en and 'href="short-interview.ru.html"' in en


@pytest.mark.allow_logs  # briefgen has no catalog of its own strings in Kazakh (and says so)
def test_kazakh_edition_with_a_partial_catalog(small_copy, tmp_path):
    """kk, a language added with `i18n add` and partly translated: the translated passage has the
    Kazakh date, the passage in English the English one, with English quotation marks."""
    edit(small_copy / "brief.yaml", '      - "Sanctions are proposed against {sanctions.list}."\n',
         '      - "Sanctions are proposed against {sanctions.list}."\n'
         '      - \'Figures "as of" {prisoners.as_of}: {prisoners.count} held.\'\n')
    runner = CliRunner()
    assert runner.invoke(main, ["i18n", "add", "kk", str(small_copy)]).exit_code == 0
    po = small_copy / "translations" / "kk.po"
    catalog = polib.pofile(str(po))
    for key, text in {"brief:chapters/detentions/blocks/count/text":
                      "{prisoners.as_of} жағдай бойынша **{prisoners.phrase}** бар: {prisoners.names}.[^list-source]",
                      "brief:chapters/detentions/title": "Қамауға алу"}.items():
        catalog.find(key, by="msgctxt").msgstr = text
    catalog.save(str(po))
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(small_copy), "--lang", "kk", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert re.search(r"kk: \d+ % translated \(0 stale, \d+ missing", result.output)
    html = spaced((out / "small-brief" / "small-brief.kk.html").read_text(encoding="utf-8")).replace("\u202f", " ")
    assert "2021 ж. 26 қазан жағдай бойынша" in html  # the translated passage: Kazakh date
    assert '<title lang="en">Test briefing on detentions</title>' in html
    english = re.search(r'<span lang="en" class="untranslated">(Figures .*?)</span>', html)
    assert english and english[1] == "Figures “as of” 26 October 2021: 3 held."
    pdf = " ".join(pdf_text(out / "small-brief" / "small-brief.kk.pdf").replace("\u202f", " ").split())
    assert "Figures “as of” 26 October 2021: 3 held." in pdf and "2021 ж. 26 қазан жағдай бойынша" in pdf
    assert not re.search(r"Figures[^.]*(ж\.|қазан|«)", pdf)
    # every passage in English has its rule in the page margin, also a table cell and a list item
    with pdfplumber.open(out / "small-brief" / "small-brief.kk.pdf") as document:
        page = document.pages[0]
        margin = min(w["x0"] for w in page.extract_words())
        for word in ("Security", "spokesman", "Figures"):
            found = next(w for w in page.extract_words() if w["text"].startswith(word))
            assert [e for e in page.edges if e["orientation"] == "v" and e["x0"] < margin - 5
                    and e["top"] <= found["bottom"] and e["bottom"] >= found["top"]], word


def test_title_in_the_source_language_in_header_and_metadata(small_copy):
    """An untranslated title: <title> carries lang="en"; the running header (a margin box, which
    cannot carry a language) takes the translated short title instead."""
    from conftest import print_html

    po = small_copy / "translations" / "ru.po"
    catalog = polib.pofile(str(po))
    catalog.find("brief:title", by="msgctxt").msgstr = ""
    catalog.save(str(po))
    html = print_html("ru", small_copy)
    assert '<title lang="en">Test briefing on detentions</title>' in html
    assert '@top-left { content: "Тестовый брифинг"; }' in html
    assert '<h1 class="title" lang="en">' in html
