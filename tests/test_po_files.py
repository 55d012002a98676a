"""The catalogs briefgen ships and writes are accepted by gettext's own tools (msgfmt -c),
carry no format flags, and `i18n update` is stable (run twice: the same bytes)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from briefgen.cli import main
from conftest import FIXTURES, ROOT, edit

KEY = "brief:chapters/detentions/blocks/1/text"
MULTI_LINE_OLD = ("Detention is used to *silence* critics. In general, the courts follow the prosecution\n"
                  "on the whole:[^hrw-report]")
MULTI_LINE_NEW = ("Detention is used to *silence* critics. In general, the courts follow the prosecution\n"
                  "in every case:[^hrw-report]")


def msgfmt_check(path: Path) -> str:
    """What ``msgfmt -c`` says about ``path`` (errors and warnings); fails on a fatal error."""
    result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, f"msgfmt -c {path}:\n{result.stderr}"
    return result.stderr


def shipped_catalogs() -> list[Path]:
    return sorted([*(ROOT / "content").glob("*/translations/*.po*"), *FIXTURES.glob("good/*/translations/*.po*")])


@pytest.mark.parametrize("path", sorted((ROOT / "templates" / "locale").glob("*/LC_MESSAGES/messages.po")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_briefgen_own_catalogs_pass_msgfmt_check(path):
    """briefgen's own strings are format strings (their flags are right there), and gettext accepts them."""
    assert msgfmt_check(path) == ""


@pytest.mark.parametrize("path", shipped_catalogs(), ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_catalogs_pass_msgfmt_check(path):
    assert msgfmt_check(path) == ""
    for message in polib.pofile(str(path)):
        assert not [f for f in message.flags if f.endswith("-format")], (message.msgctxt, message.flags)
    if path.suffix == ".po":  # every brief's catalog has its template next to it
        assert (path.parent / f"{path.parent.parent.name}.pot").is_file()


def test_the_detector_sees_a_format_flag_and_a_broken_previous_msgid(tmp_path):
    """msgfmt_check is itself a detector: it must fail on the two defects of issue 14."""
    bad = tmp_path / "bad.po"
    bad.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                   '#, python-format\nmsgctxt "k"\nmsgid "80% of"\nmsgstr "80 % от"\n\n'
                   '#, fuzzy\n#| msgid "" "In general… on the\n#| whole:"\nmsgctxt "j"\nmsgid "x"\nmsgstr "y"\n',
                   encoding="utf-8")
    with pytest.raises(AssertionError):
        msgfmt_check(bad)


def test_update_after_edits_writes_catalogs_gettext_accepts(small_copy):
    po = small_copy / "translations" / "ru.po"
    pot = small_copy / "translations" / "small-brief.pot"
    runner = CliRunner()
    # a multi-line unit, translated
    edit(small_copy / "brief.yaml", 'text: "Detention is used to *silence* critics.[^hrw-report]"',
         "text: |-\n          " + MULTI_LINE_OLD.replace("\n", "\n          "))
    assert runner.invoke(main, ["i18n", "update", str(small_copy)]).exit_code == 0
    catalog = polib.pofile(str(po))
    catalog.find(KEY, by="msgctxt").msgstr = "Задержания используются, чтобы заставить замолчать критиков.\nВ целом:[^hrw-report]"
    for message in catalog:
        if message.msgctxt == KEY:
            message.flags = []
    catalog.save(str(po))
    assert runner.invoke(main, ["i18n", "update", str(small_copy)]).exit_code == 0

    # change it, add a unit, remove a unit
    edit(small_copy / "brief.yaml", "on the whole:", "in every case:")
    edit(small_copy / "brief.yaml", '          - "first point"\n', '          - "first point"\n          - "a new point with 80% of the text"\n')
    edit(small_copy / "brief.yaml", '      - quote: "No comment."\n        source: "A spokesman"\n', "")
    result = runner.invoke(main, ["i18n", "update", str(small_copy)])
    assert result.exit_code == 0, result.output
    assert "1 stale (fuzzy), 1 missing" in result.output
    for path in (po, pot):
        assert msgfmt_check(path) == ""
    catalog = polib.pofile(str(po))
    changed = catalog.find(KEY, by="msgctxt")
    assert changed.fuzzy and changed.msgid == MULTI_LINE_NEW and changed.previous_msgid == MULTI_LINE_OLD
    assert changed.msgstr.startswith("Задержания")
    new = catalog.find("brief:chapters/detentions/blocks/2/bullets/1", by="msgctxt")
    assert new.msgid == "a new point with 80% of the text" and new.msgstr == "" and new.flags == []
    gone = [m for m in catalog if m.obsolete]
    assert {m.msgctxt for m in gone} == {"brief:chapters/detentions/blocks/4/quote", "brief:chapters/detentions/blocks/4/source"}
    text = po.read_text(encoding="utf-8")
    assert '#| msgid ""\n#| "Detention is used to *silence* critics.' in text and "format" not in text

    # two updates in a row: the same bytes, the same header dates
    before = {p: p.read_bytes() for p in (po, pot)}
    assert runner.invoke(main, ["i18n", "update", str(small_copy)]).exit_code == 0
    assert {p: p.read_bytes() for p in (po, pot)} == before


def test_fuzzy_unit_translated_in_a_po_editor_and_changed_back(small_copy):
    """A source changed and changed back: the translation is current again, not fuzzy."""
    runner = CliRunner()
    edit(small_copy / "brief.yaml", "critics.[^hrw-report]", "critics and others.[^hrw-report]")
    runner.invoke(main, ["i18n", "update", str(small_copy)])
    assert polib.pofile(str(small_copy / "translations" / "ru.po")).find(KEY, by="msgctxt").fuzzy
    edit(small_copy / "brief.yaml", "critics and others.[^hrw-report]", "critics.[^hrw-report]")
    result = runner.invoke(main, ["i18n", "update", str(small_copy)])
    assert "43 translated, 0 stale" in result.output


def test_new_catalog_and_template_pass_msgfmt(small_copy):
    (small_copy / "translations" / "ru.po").unlink()
    (small_copy / "translations" / "small-brief.pot").unlink()
    assert CliRunner().invoke(main, ["i18n", "update", str(small_copy)]).exit_code == 0
    for path in (small_copy / "translations").iterdir():
        assert msgfmt_check(path) == ""
    header = polib.pofile(str(small_copy / "translations" / "ru.po")).metadata
    assert header["Language"] == "ru" and header["Plural-Forms"].startswith("nplurals=3;")


def test_header_written_by_a_po_editor_is_kept(small_copy):
    """What Poedit or Weblate write into the header (translator, team, revision date, their own
    X- fields) survives `i18n update`; the messages' dates do not move on a no-op."""
    po = small_copy / "translations" / "ru.po"
    catalog = polib.pofile(str(po))
    catalog.metadata.update({"Last-Translator": "Anna Translator <anna@example.org>", "Language-Team": "Russian",
                             "PO-Revision-Date": "2026-01-02 10:00+0100", "X-Generator": "Poedit 3.4",
                             "X-Poedit-SourceCharset": "UTF-8"})
    catalog.wrapwidth = 60  # an editor that wraps differently
    catalog.save(str(po))
    runner = CliRunner()
    assert runner.invoke(main, ["i18n", "update", str(small_copy)]).exit_code == 0
    header = polib.pofile(str(po)).metadata
    assert header["Last-Translator"] == "Anna Translator <anna@example.org>" and header["Language-Team"] == "Russian"
    assert header["PO-Revision-Date"] == "2026-01-02 10:00+0100" and header["X-Poedit-SourceCharset"] == "UTF-8"
    assert msgfmt_check(po) == ""
    before = po.read_bytes()
    assert runner.invoke(main, ["i18n", "update", str(small_copy)]).exit_code == 0
    assert po.read_bytes() == before


@pytest.mark.parametrize("broken", ['msgctxt "x"\nmsgid "a\nmsgstr "b"\n',
                                    '#, fuzzy\n#| msgid "" "In general… on the\n#| whole:"\nmsgctxt "y"\nmsgid "c"\nmsgstr "d"\n',
                                    'msgctxt "z"\nmsgid "e"\nmsgstring "f"\n'])
def test_a_catalog_gettext_refuses_is_refused_at_its_line(small_copy, broken):
    """polib reads some broken lines silently; briefgen refuses what msgfmt refuses, at the line."""
    po = small_copy / "translations" / "ru.po"
    lines = po.read_text(encoding="utf-8").count("\n")
    po.write_text(po.read_text(encoding="utf-8") + "\n" + broken, encoding="utf-8")
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True).returncode != 0
    result = CliRunner().invoke(main, ["check", str(small_copy)])
    assert result.exit_code == 1
    bad_line = lines + 1 + next(i for i, line in enumerate(broken.splitlines(), 1)
                                if line.count('"') % 2 or "msgstring" in line)
    assert f"ru.po:{bad_line}:1: malformed PO file" in result.output, result.output


def test_a_translators_own_fuzzy_mark_stays(small_copy):
    po = small_copy / "translations" / "ru.po"
    catalog = polib.pofile(str(po))
    catalog.find(KEY, by="msgctxt").flags = ["fuzzy"]  # "not sure": marked in Poedit
    catalog.save(str(po))
    result = CliRunner().invoke(main, ["i18n", "update", str(small_copy)])
    assert "42 translated, 1 stale (fuzzy)" in result.output
    message = polib.pofile(str(po)).find(KEY, by="msgctxt")
    assert message.fuzzy and message.previous_msgid is None
