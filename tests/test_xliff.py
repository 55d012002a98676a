"""Translators' tools: XLIFF export/import (1.2, 2.0), hostile XLIFF, i18n add, status in words,
and a translate-toolkit po2xliff/xliff2po round trip made visible."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import polib
import pytest
from click.testing import CliRunner

from briefgen.cli import main
from briefgen.editions.xliff import NS12, NS20, escape_id, unescape_id
from conftest import edit

KEY = "brief:chapters/detentions/blocks/1/text"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def machine_translate(path, version):
    """A 'CAT tool': fills every target with a marked copy of the source, inline codes kept."""
    import copy

    ns = NS12 if version == "1.2" else NS20
    ET.register_namespace("", ns)
    tree = ET.parse(path)
    units = tree.getroot().iter(f"{{{ns}}}trans-unit" if version == "1.2" else f"{{{ns}}}segment")
    for unit in units:
        source = unit.find(f"{{{ns}}}source")
        old = unit.find(f"{{{ns}}}target")
        if old is not None:
            unit.remove(old)
        target = copy.deepcopy(source)
        target.tag = f"{{{ns}}}target"
        target.tail = None
        target.text = "[kk] " + (source.text or "")
        unit.insert(list(unit).index(source) + 1, target)
        (target if version == "1.2" else unit).set("state", "translated")
    tree.write(path, encoding="UTF-8", xml_declaration=True)


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_export_translate_import_gives_100_percent(small_copy, tmp_path, version):
    assert run("i18n", "add", "kk", small_copy).exit_code == 0
    out = tmp_path / f"kk-{version}.xlf"
    result = run("i18n", "export", "--xliff", "kk", small_copy, "--version", version, "-o", out)
    assert result.exit_code == 0, result.output
    assert "43 to translate" in result.output
    root = ET.parse(out).getroot()
    ids = [u.get("resname") if version == "1.2" else u.get("name")
           for u in root.iter(f"{{{NS12}}}trans-unit" if version == "1.2" else f"{{{NS20}}}unit")]
    assert KEY in ids and len(ids) == 43
    # footnote calls and placeholders are inline codes the CAT tool protects
    text = out.read_text(encoding="utf-8")
    assert ('<ph id="1">[^hrw-report]</ph></source>' if version == "1.2" else
            '<data id="d1">[^hrw-report]</data>') in text
    machine_translate(out, version)
    result = run("i18n", "import", out, small_copy)
    assert result.exit_code == 0, result.output
    assert "43 units imported (0 marked for review); kk: 100 % — 43 translated, 0 stale, 0 missing" in result.output
    catalog = polib.pofile(str(small_copy / "translations" / "kk.po"))
    assert catalog.find(KEY, by="msgctxt").msgstr == "[kk] Detention is used to *silence* critics.[^hrw-report]"
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(small_copy / "translations" / "kk.po")]).returncode == 0
    status = run("i18n", "status", small_copy, "--lang", "kk")
    assert "kk: 100 % — 43 translated" in status.output


def test_stale_unit_exported_for_review_and_imported_back(small_copy, tmp_path):
    edit(small_copy / "brief.yaml", "critics.[^hrw-report]", "critics and journalists.[^hrw-report]")
    out = tmp_path / "ru.xlf"
    assert run("i18n", "export", "--xliff", "ru", small_copy, "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert 'state="needs-review-translation"' in text and "review it" in text
    # a CAT tool that writes the region ("ru-RU"), and did not confirm the unit: still to review
    out.write_text(out.read_text(encoding="utf-8").replace('target-language="ru"', 'target-language="ru-RU"'),
                   encoding="utf-8")
    result = run("i18n", "import", out, small_copy)
    assert "1 marked for review" in result.output and "1 stale" in result.output
    text = text.replace('state="needs-review-translation">Задержания используются, чтобы *заставить замолчать* критиков.',
                        'state="translated">Задержания используются, чтобы *заставить замолчать* критиков и журналистов.')
    out.write_text(text, encoding="utf-8")
    result = run("i18n", "import", out, small_copy)
    assert "ru: 100 %" in result.output, result.output


def test_hostile_xliff_gives_positioned_errors_and_writes_nothing(small_copy, tmp_path):
    po = small_copy / "translations" / "ru.po"
    before = po.read_bytes()
    out = tmp_path / "ru.xlf"
    assert run("i18n", "export", "--xliff", "ru", small_copy, "-o", out).exit_code == 0
    good = out.read_text(encoding="utf-8")

    # entities (billion laughs) and a DTD: refused at their line, nothing parsed
    laughs = good.replace("<xliff", '<!DOCTYPE x [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]>\n<xliff', 1)
    laughs = laughs.replace(">Тестовый фонд<", ">&b;<", 1)
    out.write_text(laughs, encoding="utf-8")
    result = run("i18n", "import", out, small_copy)
    assert result.exit_code == 1 and re.search(r"ru\.xlf:2:\d+: .*(DTD|entity).* refused", result.output), result.output
    external = good.replace("<xliff", '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<xliff', 1)
    out.write_text(external.replace(">Тестовый фонд<", ">&e;<", 1), encoding="utf-8")
    result = run("i18n", "import", out, small_copy)
    assert result.exit_code == 1 and "root:" not in result.output and "refused" in result.output

    # a wrong id, a dropped footnote call, a changed link: each at its line:col
    lines = good.splitlines()
    hostile = good.replace('resname="brief:author"', 'resname="brief:autor"')
    hostile = hostile.replace('критиков.<ph id="1">[^hrw-report]</ph></target>', "критиков.</target>")
    hostile = hostile.replace("(https://example.org/a)</target>", "(https://evil.example/a)</target>")
    hostile = hostile.replace('resname="brief:short_title"', 'resname="brief:subtitle"')  # one unit twice
    out.write_text(hostile, encoding="utf-8")
    result = run("i18n", "import", out, small_copy)
    assert result.exit_code == 1
    author_line = next(i for i, line in enumerate(lines, 1) if 'resname="brief:author"' in line)
    target_line = next(i for i, line in enumerate(lines, 1) if 'критиков.<ph id="1">[^hrw-report]</ph></target>' in line)
    assert f"ru.xlf:{author_line}:4: brief:autor: unknown unit id 'brief:autor'" in result.output
    assert re.search(rf"ru\.xlf:{target_line}:5: {re.escape(KEY)}: footnote calls differ from the source "
                     r"\(brief.yaml:\d+\): missing \[\^hrw-report\]", result.output), result.output
    assert "links differ from the source" in result.output and "https://evil.example/a" in result.output
    subtitle_line = next(i for i, line in enumerate(lines, 1) if 'resname="brief:subtitle"' in line)
    assert f"ru.xlf:{subtitle_line}:4: brief:subtitle: this unit id appears twice: keep one" in result.output
    assert "4 problems found" in result.output
    assert po.read_bytes() == before

    # inline codes: one that holds something else, an element briefgen does not write
    codes = good.replace('<ph id="1">[^intro-note]</ph></target>', '<ph id="1">&lt;script&gt;</ph></target>', 1)
    codes = codes.replace("Тестовый фонд</target>", "Тестовый <bpt id=\"1\">&lt;b&gt;</bpt>фонд</target>", 1)
    out.write_text(codes, encoding="utf-8")
    result = run("i18n", "import", out, small_copy)
    assert result.exit_code == 1
    assert re.search(r"ru\.xlf:\d+:\d+: brief:intro: inline code <ph id=\"1\"> does not hold a footnote call", result.output)
    assert re.search(r"ru\.xlf:\d+:\d+: brief:author: inline element <bpt> in the text", result.output), result.output
    assert po.read_bytes() == before

    out.write_text(good.replace('target-language="ru"', 'target-language="de"'), encoding="utf-8")
    result = run("i18n", "import", out, small_copy)
    assert re.search(r"ru\.xlf:2:1: target language 'de' is not a translation of small-brief \(ru\): "
                     r"add it with 'briefgen i18n add de'", result.output), result.output

    out.write_text(good.replace("<body>", "<body", 1), encoding="utf-8")
    result = run("i18n", "import", out, small_copy)
    assert result.exit_code == 1 and re.search(r"ru\.xlf:\d+:\d+: not well-formed XML", result.output)
    assert po.read_bytes() == before


def test_unit_ids_survive_escaping():
    for key in ("brief:chapters/a_b/blocks/3/text", "prisoners:prisoners/x.y/name", "brief:a/ü/_s/x"):
        assert unescape_id(escape_id(key)) == key
        assert re.fullmatch(r"[A-Za-z0-9._:-]+", escape_id(key))


def test_po2xliff_round_trip_losing_contexts_is_reported_then_repaired(small_copy, tmp_path):
    """translate-toolkit's po2xliff/xliff2po drop msgctxt: check must not say 'OK', update re-keys."""
    if not shutil.which("po2xliff"):
        pytest.fail("translate-toolkit (po2xliff) is a test dependency")
    po = small_copy / "translations" / "ru.po"
    subprocess.run(["po2xliff", "--progress=none", str(po), str(tmp_path / "ru.xlf")], check=True, capture_output=True)
    subprocess.run(["xliff2po", "--progress=none", str(tmp_path / "ru.xlf"), str(po)], check=True, capture_output=True)
    assert "brief:title" not in po.read_text(encoding="utf-8")
    result = run("check", small_copy)
    assert result.exit_code == 1 and "OK" not in result.output
    assert re.search(r"ru\.po:\d+:1: .*message has no msgctxt .*counts as untranslated: run 'briefgen i18n update'",
                     result.output), result.output
    update = run("i18n", "update", small_copy)
    assert "43 translated, 0 stale (fuzzy), 0 missing" in update.output, update.output
    check = run("check", small_copy)
    assert check.exit_code == 0 and "small-brief ru: 100 % translated" in check.output


def test_add_language_keeps_comments_and_layout(small_copy, tmp_path):
    brief = small_copy / "brief.yaml"
    edit(brief, "languages: [en, ru]", "languages:          # editions\n  - en\n  - ru   # Russian, done\n")
    result = run("i18n", "add", "kk", small_copy)
    assert result.exit_code == 0, result.output
    assert "brief.yaml:6: added kk (Kazakh) to 'languages'" in result.output
    assert "43 of 43 units to translate (" in result.output and "briefgen i18n export --xliff kk" in result.output
    assert "catalog yet" not in result.output  # briefgen ships its own strings in Kazakh
    assert "languages:          # editions\n  - en\n  - ru   # Russian, done\n  - kk\n" in brief.read_text(encoding="utf-8")
    assert (small_copy / "translations" / "kk.po").is_file()
    # flow style, and no 'languages' at all
    copy = tmp_path / "flow" / "small-brief"
    shutil.copytree(small_copy, copy)
    edit(copy / "brief.yaml", "  - en\n  - ru   # Russian, done\n  - kk\n", "  [en, ru, kk]  # all\n")
    assert run("i18n", "add", "de", copy).exit_code == 0
    assert "languages:          # editions\n  [en, ru, kk, de]  # all\n" in (copy / "brief.yaml").read_text(encoding="utf-8")
    edit(copy / "brief.yaml", "languages:          # editions\n  [en, ru, kk, de]  # all\n", "")
    assert run("i18n", "add", "uk", copy).exit_code == 0
    assert "language: en\nlanguages: [en, uk]\n" in (copy / "brief.yaml").read_text(encoding="utf-8")
    assert run("check", copy).exit_code == 0


def test_build_of_an_unknown_language_points_at_languages(small_copy, tmp_path):
    result = run("build", small_copy, "--lang", "de", "-o", tmp_path)
    assert result.exit_code == 1
    assert re.search(r"brief\.yaml:3:1: languages: 'de' is not among this brief's languages \(en, ru\): "
                     r"add it with 'briefgen i18n add de \S+'", result.output), result.output
    assert run("i18n", "update", small_copy, "--lang", "de").exit_code == 1


def test_status_counts_words(small_copy):
    edit(small_copy / "brief.yaml", "critics.[^hrw-report]", "critics and journalists.[^hrw-report]")
    result = run("i18n", "status", small_copy)
    # "Detention is used to silence critics and journalists" = 8 words; the call is no word
    assert re.search(r"words: [\d,]+ translated, 8 stale, 0 missing \(source words; 8 to translate\)", result.output)
    assert re.search(r"briefgen's own strings \(\S+ru/LC_MESSAGES/messages\.po\): \d+ translated, 0 stale, 0 missing", result.output)
    assert "en: source language, 43 units, " in result.output


def test_xliff_20_unit_split_into_segments_is_joined(small_copy, tmp_path):
    out = tmp_path / "ru.xlf"
    assert run("i18n", "export", "--xliff", "ru", small_copy, "--version", "2.0", "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    whole = re.search(r'<segment state="translated">\s*<source xml:space="preserve">Test briefing on detentions</source>'
                      r'\s*<target xml:space="preserve">Тестовый брифинг о задержаниях</target>\s*</segment>', text)
    assert whole
    split = ('<segment state="translated"><source>Test briefing </source><target>Тестовый брифинг, </target></segment>'
             '<segment state="translated"><source>on detentions</source><target>о задержаниях</target></segment>')
    out.write_text(text.replace(whole[0], split), encoding="utf-8")
    result = run("i18n", "import", out, small_copy)
    assert result.exit_code == 0 and "ru: 100 %" in result.output, result.output
    catalog = polib.pofile(str(small_copy / "translations" / "ru.po"))
    assert catalog.find("brief:title", by="msgctxt").msgstr == "Тестовый брифинг, о задержаниях"


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_sample_round_trip_through_xliff_is_lossless(sample_copy, tmp_path, version):
    """Every unit of the sample, its Markdown, calls and placeholders, comes back byte for byte."""
    po = sample_copy / "translations" / "ru.po"
    before = po.read_bytes()
    out = tmp_path / "ru.xlf"
    assert run("i18n", "export", "--xliff", "ru", sample_copy, "--version", version, "-o", out).exit_code == 0
    po.unlink()
    result = run("i18n", "import", out, sample_copy)
    assert "267 units imported (0 marked for review); ru: 100 %" in result.output, result.output
    assert po.read_bytes().split(b"\n\n", 1)[1] == before.split(b"\n\n", 1)[1]  # every message, byte for byte


def test_exported_xliff_reads_in_translate_toolkit(small_copy, tmp_path):
    """Another XLIFF reader (translate-toolkit's, used by Pootle and Weblate) sees every unit,
    its key, its inline codes as placeables and which units are translated; a unit a tool
    approves without a state comes back translated."""
    from translate.storage import xliff

    edit(small_copy / "brief.yaml", "critics.[^hrw-report]", "critics and journalists.[^hrw-report]")
    out = tmp_path / "ru.xlf"
    assert run("i18n", "export", "--xliff", "ru", small_copy, "-o", out).exit_code == 0
    store = xliff.xlifffile.parsefile(out.open("rb"))
    units = [u for u in store.units if not u.isheader()]
    assert len(units) == 43 and all(u.getid().endswith(u.xmlelement.get("resname")) for u in units)
    stale = next(u for u in units if u.xmlelement.get("resname") == KEY)
    assert not stale.istranslated() and sum(u.istranslated() for u in units) == 42
    assert "[^hrw-report]" in stale.source
    text = out.read_text(encoding="utf-8").replace('approved="no"', 'approved="yes"')
    out.write_text(text.replace('state="needs-review-translation"', ""), encoding="utf-8")
    result = run("i18n", "import", out, small_copy)
    assert "0 marked for review" in result.output


def test_add_language_to_a_new_skeleton(tmp_path):
    assert run("new", "my-brief", "--parent", tmp_path).exit_code == 0
    brief = tmp_path / "my-brief" / "brief.yaml"
    result = run("i18n", "add", "de", tmp_path / "my-brief")
    assert result.exit_code == 0, result.output
    assert "languages: [en, ru, de]           # editions to build; add one with 'briefgen i18n add de'" in brief.read_text(encoding="utf-8")
    assert (tmp_path / "my-brief" / "translations" / "de.po").is_file()
    assert (tmp_path / "my-brief" / "translations" / "my-brief.pot").is_file()
    assert run("check", tmp_path / "my-brief").exit_code == 0
