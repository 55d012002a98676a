"""`briefgen doctor`: versions, fonts per language, workspace, SMTP without the password, and fixes."""

from __future__ import annotations

from click.testing import CliRunner

from briefgen.cli import main


def test_doctor_on_the_samples_workspace(tmp_path, monkeypatch):
    from conftest import ROOT

    monkeypatch.chdir(ROOT / "content")
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for start in ("ok    Python: 3.", "ok    WeasyPrint: 70.", "ok    Pango: 1.", "ok    fonts en: PT Serif",
                  "ok    fonts ru: PT Serif", "ok    brand: Open Dialogue Foundation"):
        assert any(line.startswith(start) for line in lines), start
    assert any(line.startswith("ok    workspace: ") and "organisation: Open Dialogue Foundation" in line for line in lines)


def test_doctor_shows_smtp_settings_but_never_the_password(tmp_path, monkeypatch):
    (tmp_path / "briefgen.toml").write_text('[smtp]\nhost = "smtp.example.org"\nuser = "a@example.org"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFGEN_SMTP_PASSWORD", "s3cret-Pa55")
    result = CliRunner().invoke(main, ["doctor"])
    assert "s3cret-Pa55" not in result.output
    assert "ok    SMTP: smtp.example.org:587 (starttls); user a@example.org; from —; password set in BRIEFGEN_SMTP_PASSWORD" \
        in result.output


def test_doctor_names_the_fix_for_what_fails(tmp_path, monkeypatch):
    (tmp_path / "briefgen.toml").write_text('[build]\nlanguages = ["en", "ja"]\n[smtp]\npasword = "x"\n', encoding="utf-8")
    (tmp_path / "_brand.yml").write_text('typography:\n  base: "No Such Family"\n', encoding="utf-8")
    (tmp_path / "content" / "b").mkdir(parents=True)
    (tmp_path / "content" / "b" / "brief.yaml").write_text("languages: [en, hy]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 1
    out = result.output
    assert "FAIL  fonts: not installed: No Such Family" in out and "fix: sh tools/setup-debian.sh" in out
    # Japanese: no font of the edition has kana or kanji
    assert "FAIL  fonts ja: no font of No Such Family, Noto Serif, PT Sans, Noto Sans has" in out
    # a brief's language: Armenian, which none of the edition's fonts has either
    assert "FAIL  fonts hy: no font of No Such Family, Noto Serif, PT Sans, Noto Sans has" in out
    assert "FAIL  SMTP: briefgen.toml:4:1: smtp.pasword: unknown setting 'pasword'" in out
    assert "check" in out.splitlines()[-1] and "failed" in out.splitlines()[-1]


def test_doctor_without_a_workspace_says_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["doctor"])
    assert "note  workspace: none above" in result.output and "fix: briefgen init" in result.output
