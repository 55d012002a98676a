"""Languages: BCP 47 tags as written, Babel locales inside; a font for every script; no glyph left to chance."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from click.testing import CliRunner

from briefgen import TEMPLATES_DIR
from briefgen.cli import main
from briefgen.editions.languages import babel_id, catalog_names, tag_problem
from conftest import ROOT, edit

LETTER = ROOT / "content" / "letter-ft-kazakhstan-2017-10"


@pytest.mark.parametrize("tag, problem", [
    ("en", None), ("pt-BR", None), ("sr-Latn", None), ("de-CH", None), ("zh-Hant-TW", None), ("kk", None),
    ("kz", "unknown language 'kz' ('kz' is a country code): did you mean 'kk'?"),
    ("ua", "unknown language 'ua' ('ua' is a country code): did you mean 'uk'?"),
    ("pt_BR", "'pt_BR' is written with an underscore: write 'pt-BR' (BCP 47 tags use a hyphen)"),
    ("pt-br", "write 'pt-BR' (BCP 47 case: language in lower case, Script in title case, REGION in upper case)"),
    ("rus", "unknown language 'rus': did you mean 'ru'?"),
    ("xx", "unknown language 'xx': write a BCP 47 tag such as 'en', 'de-CH', 'pt-BR' or 'sr-Latn'"),
    ("e n", "'e n' is not a language tag: write a BCP 47 tag such as 'en', 'de-CH', 'pt-BR' or 'sr-Latn'"),
])
def test_bcp47_tags_and_suggestions(tag, problem):
    assert tag_problem(tag) == problem


def test_writing_direction_comes_from_cldr():
    from briefgen.editions.languages import direction

    assert [direction(tag) for tag in ("en", "ar-EG", "he", "ur", "fa", "sr-Latn")] == ["ltr", "rtl", "rtl", "rtl", "rtl", "ltr"]


def test_tags_map_to_babel_locales_and_catalog_folders():
    assert babel_id("pt-BR") == "pt_BR" and babel_id("sr-Latn") == "sr_Latn"
    assert catalog_names("de-CH") == ["de-CH", "de_CH", "de"]
    assert catalog_names("sr-Latn") == ["sr-Latn", "sr_Latn"]  # never the Cyrillic sr


@pytest.fixture
def letter(tmp_path):
    target = tmp_path / "letter"
    shutil.copytree(LETTER, target)
    return target


def test_a_misspelt_tag_is_a_positioned_error(letter):
    edit(letter / "brief.yaml", "languages: [en, ru]", "languages: [en, pt_BR, kz]")
    result = CliRunner().invoke(main, ["check", str(letter)])
    assert result.exit_code == 1
    assert "brief.yaml:8:17: languages[1]: 'pt_BR' is written with an underscore: write 'pt-BR'" in result.output
    assert "brief.yaml:8:24: languages[2]: unknown language 'kz' ('kz' is a country code): did you mean 'kk'?" in result.output


def test_a_misspelt_lang_option_gets_the_tag_to_write(letter, tmp_path):
    result = CliRunner().invoke(main, ["build", str(letter), "-l", "pt_BR", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "brief.yaml:8:1: languages: 'pt_BR' is not among this brief's languages (en, ru)" in result.output
    assert "; 'pt_BR' is written with an underscore: write 'pt-BR'" in result.output


def test_region_and_script_tags_are_written_as_such(letter, tmp_path):
    """pt-BR in <html lang>, the file names and the PDF's /Lang; sr-Latn's dates in Latin script."""
    from pypdf import PdfReader

    edit(letter / "brief.yaml", "languages: [en, ru]", "languages: [en, pt-BR, sr-Latn]")
    result = CliRunner().invoke(main, ["build", str(letter), "--out", str(tmp_path / "out"), "-l", "pt-BR", "-l", "sr-Latn"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out" / "letter"
    assert '<html lang="pt-BR"' in (out / "letter.pt-BR.html").read_text(encoding="utf-8")
    serbian = (out / "letter.sr-Latn.html").read_text(encoding="utf-8")
    assert '<html lang="sr-Latn"' in serbian and "oktobar 2017" in serbian
    assert PdfReader(out / "letter.pt-BR.pdf").trailer["/Root"]["/Lang"] == "pt-BR"
    # the tool's strings: a problem beside the edition, positioned at the tag
    assert "brief.yaml:8:24: languages[2]: briefgen's own strings" in result.output
    assert "not translated into Srpski (latinica) (sr-Latn)" in result.output


def test_greek_is_set_in_noto_where_pt_has_no_greek(letter, tmp_path):
    from briefgen.editions.build import build_brief

    edit(letter / "brief.yaml", 'salutation: "Sir,"', 'salutation: "Κύριε,"')
    build_brief(letter, languages=["en"], formats=("pdf",), out_dir=tmp_path / "out", parallel=False)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "out" / "letter" / "letter.en.pdf")], capture_output=True,
                           text=True, check=True).stdout
    assert "NotoSerif" in fonts.replace("-", "") and "DejaVu" not in fonts


def test_a_greek_edition_is_set_in_noto_throughout(letter, tmp_path):
    """PT has Ω, μ and π but not the rest of Greek: a Greek edition is set in Noto from the start,
    so that no word is set half in one font and half in another."""
    import pdfplumber

    from briefgen.editions.build import build_brief

    edit(letter / "brief.yaml", "languages: [en, ru]", "languages: [en, el]")
    build_brief(letter, languages=["el"], formats=("pdf",), out_dir=tmp_path / "out", parallel=False)
    with pdfplumber.open(tmp_path / "out" / "letter" / "letter.el.pdf") as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
    greek = [c for c in chars if "\u0370" <= c["text"] <= "\u03ff"]
    assert greek, "the Greek date is in the edition"
    assert {c["fontname"].split("+")[-1].split("-")[0] for c in chars} == {"Noto"}, {c["fontname"] for c in chars}


def test_a_glyph_no_font_has_is_an_error_naming_the_text(letter, tmp_path):
    edit(letter / "brief.yaml", 'salutation: "Sir,"', 'salutation: "Sir 漢,"')
    result = CliRunner().invoke(main, ["build", str(letter), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if "U+6F22" in line)
    assert line.startswith(f"{letter}/brief.yaml:") or "brief.yaml:" in line.split(":")[0]
    assert '“salutation: "Sir 漢,"”' in line and "'漢' (U+6F22 CJK UNIFIED IDEOGRAPH-6F22)" in line
    assert "PT Serif, Noto Serif, PT Sans, Noto Sans" in line
    assert not (tmp_path / "out" / "letter").exists() or not list((tmp_path / "out" / "letter").glob("letter.*"))


def test_a_glyph_in_the_running_footer_is_checked_too(tmp_path):
    """The page label is printed by the style sheet (content: …), from the tool's catalog."""
    workspace = tmp_path / "ws"
    shutil.copytree(LETTER, workspace / "content" / "letter")
    (workspace / "briefgen.toml").write_text("", encoding="utf-8")
    catalog = workspace / "locale" / "en" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                       'msgid "Page %(page)s of %(pages)s"\nmsgstr "頁 %(page)s / %(pages)s"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(workspace / "content" / "letter"), "-l", "en", "-f", "pdf"])
    assert result.exit_code == 1
    assert f"{catalog}:6:9: in “msgstr \"頁 %(page)s / %(pages)s\"”: '頁' (U+9801 CJK UNIFIED IDEOGRAPH-9801)" \
        in result.output.replace(str(tmp_path.resolve()), str(tmp_path))


def test_the_glyph_check_finds_what_fontconfig_would_fill_in():
    """The detector on its own: a character PT and Noto lack, but DejaVu has, is still missing."""
    from briefgen.workspace.brand import Brand
    from briefgen.editions.fonts import family_coverage, missing_glyphs

    char = "\u0531"  # ARMENIAN CAPITAL LETTER AYB: in DejaVu Sans, not in PT or Noto Sans/Serif
    if family_coverage("DejaVu Sans") is None or not missing_glyphs(char, {"DejaVu Sans": ()}) == {}:
        pytest.skip("DejaVu Sans with Coptic is needed to show the difference")
    assert char in missing_glyphs(f"Latin, Кириллица, Ελληνικά {char}", Brand().families())
    assert missing_glyphs("Latin, Кириллица, Ελληνικά, Қазақ", Brand().families()) == {}


def test_msgfmt_passes_on_every_catalog_shipped():
    catalogs = sorted(TEMPLATES_DIR.glob("locale/*/LC_MESSAGES/*.po"))
    assert catalogs, "no catalogs"
    for catalog in catalogs:
        result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(catalog)], capture_output=True, text=True)
        assert result.returncode == 0, f"{catalog}: {result.stderr}"
