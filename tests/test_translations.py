"""Content translations: status, fallback with a localized notice, --strict, checks, update."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po
from click.testing import CliRunner

from briefgen.cli import main
from briefgen.load.content import load_brief
from briefgen.editions.translations import catalog_path, edition_status, update_catalogs
from conftest import edit, pdf_text, spaced

KEY = "brief:chapters/detentions/blocks/1/text"
ENGLISH = "Detention is used to *silence* critics.[^hrw-report]"
CHANGED = "Detention is used to *silence* critics and journalists.[^hrw-report]"


def set_translation(folder, key, value):
    path = folder / "translations" / "ru.po"
    text = path.read_text(encoding="utf-8")
    # msgstr may be wrapped over several quoted lines
    pattern = re.compile(rf'(msgctxt "{re.escape(key)}"\nmsgid .*?\nmsgstr )(?:"(?:[^"\\]|\\.)*"\n)+', re.S)
    assert pattern.search(text), key
    path.write_text(pattern.sub(lambda m: m[1] + '"' + value.replace('"', '\\"') + '"\n', text, count=1), encoding="utf-8")


def test_complete_translation(small_copy):
    status = edition_status(load_brief(small_copy), "ru")
    assert status.percent == 100 and not status.incomplete


def test_changed_source_marks_the_unit_stale_and_falls_back(small_copy, tmp_path):
    tmp_path = tmp_path / "out"
    edit(small_copy / "brief.yaml", "critics.[^hrw-report]", "critics and journalists.[^hrw-report]")
    runner = CliRunner()
    status = runner.invoke(main, ["i18n", "status", str(small_copy)])
    assert status.exit_code == 0
    assert "ru: 98 % — 42 translated, 1 stale, 0 missing" in status.output
    assert re.search(rf"stale +\S+brief.yaml:\d+:\d+: {re.escape(KEY)}", status.output)

    strict = runner.invoke(main, ["build", str(small_copy), "--strict", "--out", str(tmp_path)])
    assert strict.exit_code == 1
    assert "stale in ru" in strict.output and KEY in strict.output
    assert not (tmp_path / "small-brief").exists()

    built = runner.invoke(main, ["build", str(small_copy), "--lang", "ru", "--out", str(tmp_path)])
    assert built.exit_code == 0, built.output
    assert "ru: 98 % translated (1 stale, 0 missing — shown in the source language)" in built.output
    # non-breaking spaces (briefgen.editions.typeset binds "и" to the next word) read as spaces
    html = spaced((tmp_path / "small-brief" / "small-brief.ru.html").read_text(encoding="utf-8"))
    assert '<span lang="en" class="untranslated">Detention is used to <em>silence</em> critics and journalists.' in html
    assert "Часть этого документа ещё не переведена и показана на языке оригинала (английский)" in html
    pdf = pdf_text(tmp_path / "small-brief" / "small-brief.ru.pdf").replace("\n", " ")
    assert "critics and journalists" in pdf and "Часть этого документа ещё не переведена" in pdf

    # i18n update keeps the old translation as fuzzy, with the previous source
    assert runner.invoke(main, ["i18n", "update", str(small_copy)]).exit_code == 0
    with (small_copy / "translations" / "ru.po").open("rb") as handle:
        catalog = read_po(handle, locale="ru")
    message = next(m for m in catalog if m.context == KEY)
    assert message.fuzzy and message.id == CHANGED
    po_text = (small_copy / "translations" / "ru.po").read_text(encoding="utf-8")
    assert f'#, fuzzy\n#| msgid "{ENGLISH}"\nmsgctxt "{KEY}"' in po_text

    # translating it again brings the edition back to 100 %
    set_translation(small_copy, KEY, "Задержания используются, чтобы *заставить замолчать* критиков и журналистов.[^hrw-report]")
    text = (small_copy / "translations" / "ru.po").read_text(encoding="utf-8").replace("#, fuzzy\n", "")
    (small_copy / "translations" / "ru.po").write_text(text, encoding="utf-8")
    status = runner.invoke(main, ["i18n", "status", str(small_copy)])
    assert "ru: 100 % — 43 translated, 0 stale, 0 missing" in status.output
    assert runner.invoke(main, ["build", str(small_copy), "--strict", "-f", "html", "--out", str(tmp_path)]).exit_code == 0


def test_removed_translation_is_missing(small_copy, tmp_path):
    set_translation(small_copy, KEY, "")
    result = CliRunner().invoke(main, ["i18n", "status", str(small_copy)])
    assert "1 missing" in result.output and "missing" in result.output and KEY in result.output
    strict = CliRunner().invoke(main, ["build", str(small_copy), "--strict", "--out", str(tmp_path)])
    assert strict.exit_code == 1 and "missing in ru" in strict.output


def test_translation_must_keep_footnotes_placeholders_and_links(small_copy, tmp_path):
    set_translation(small_copy, KEY, "Задержания используются, чтобы заставить замолчать критиков.")
    set_translation(small_copy, "brief:chapters/detentions/blocks/count/text", "Заключённых: {prisoners.count}.[^list-source]")
    set_translation(small_copy, "brief:chapters/detentions/blocks/2/bullets/1", "второй пункт со [ссылкой](https://example.org/other)")
    result = CliRunner().invoke(main, ["build", str(small_copy), "--out", str(tmp_path)])
    assert result.exit_code == 1
    out = result.output
    assert re.search(rf"ru\.po:\d+:1: {re.escape(KEY)}: footnote calls differ from the source \(\S+brief.yaml:\d+\): missing \[\^hrw-report\]", out)
    assert "placeholders differ from the source" in out and "missing {prisoners.as_of}, {prisoners.phrase}, {prisoners.names}" in out
    assert "not in the source {prisoners.count}" in out
    assert "links differ from the source" in out and "https://example.org/other" in out


def test_update_creates_marks_and_obsoletes(small_copy):
    (small_copy / "translations" / "ru.po").unlink()
    brief = load_brief(small_copy)
    statuses = update_catalogs(brief)
    assert statuses["ru"].counts["missing"] == 43
    with catalog_path(brief, "ru").open("rb") as handle:
        catalog = read_po(handle, locale="ru")
    assert {m.context for m in catalog if m.id} == {u.key for u in brief.units()}


def test_source_language_can_be_russian(small_copy, tmp_path):
    tmp_path = tmp_path / "out"
    edit(small_copy / "brief.yaml", "language: en\nlanguages: [en, ru]", "language: ru\nlanguages: [ru, en]")
    (small_copy / "translations" / "ru.po").unlink()
    result = CliRunner().invoke(main, ["build", str(small_copy), "-f", "html", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "ru: source language" in result.output
    assert "en: 0 % translated (0 stale, 43 missing" in result.output
    html = (tmp_path / "small-brief" / "small-brief.en.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in html and 'lang="ru" class="untranslated"' in html
