"""The workspace: `briefgen init`, found by walking up as git does, its languages, SMTP settings and catalogs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from briefgen.cli import main
from conftest import ROOT, pdf_text


def run(args, cwd):
    """briefgen as a user runs it, in a child process started in ``cwd`` (the package from this checkout)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def built_workspace(tmp_path_factory):
    """An empty folder made a workspace (en + tr: a language briefgen ships no catalog for), a new briefing started and built from inside its folder."""
    folder = tmp_path_factory.mktemp("ngo")
    steps = [run(["init", "--name", "Example NGO", "-l", "en", "-l", "tr"], folder),
             run(["new", "first"], folder),
             run(["build"], folder / "content" / "first")]
    return folder, steps


def test_init_writes_a_workspace_to_keep_in_git(built_workspace):
    folder, (init, new, build) = built_workspace
    assert init.returncode == 0, init.stderr
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith("output")) == \
        [".gitignore", "_brand.yml", "briefgen.toml", "content"]
    toml = (folder / "briefgen.toml").read_text(encoding="utf-8")
    assert 'name = "Example NGO"' in toml and 'languages = ["en", "tr"]' in toml
    assert "[smtp]" in toml and "# host =" in toml and "[send]" in toml and "ledger" in toml
    assert {"output/", ".briefgen/"} <= set((folder / ".gitignore").read_text(encoding="utf-8").splitlines())


def test_init_brand_file_follows_the_brand_yml_schema(tmp_path):
    """Posit's own reader (brand-yml) accepts the brand files briefgen writes and ships."""
    brand_yml = pytest.importorskip("brand_yml")
    assert CliRunner().invoke(main, ["init", str(tmp_path), "--name", "Ex"]).exit_code == 0
    for path in (tmp_path / "_brand.yml", ROOT / "_brand.yml"):
        brand = brand_yml.Brand.from_yaml(path)
        assert brand.meta.name is not None and brand.color.primary and brand.typography.base


def test_init_refuses_a_workspace_and_keeps_a_gitignore(tmp_path):
    (tmp_path / ".gitignore").write_text("*.log\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["init", str(tmp_path)]).exit_code == 0
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines() == ["*.log", "output/", ".briefgen/"]
    again = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert again.exit_code == 1 and "already exists: this folder is a workspace already" in again.output
    bad = CliRunner().invoke(main, ["init", str(tmp_path / "x"), "-l", "kz"])
    assert bad.exit_code == 1 and "did you mean 'kk'?" in bad.output and not (tmp_path / "x").exists()


def test_new_and_build_find_the_workspace_from_a_subfolder(built_workspace):
    folder, (init, new, build) = built_workspace
    assert new.returncode == 0, new.stderr
    brief = folder / "content" / "first"
    assert sorted(p.name for p in brief.iterdir()) == ["brief.yaml", "footnotes.yaml", "killed.yaml", "prisoners.yaml",
                                                      "prosecuted.yaml", "recommendations.yaml", "sanctions.yaml"]
    text = (brief / "brief.yaml").read_text(encoding="utf-8")
    assert "\nlanguage: en " in text and "\nlanguages: [en, tr] " in text
    assert build.returncode == 0, build.stderr
    # run in content/first, the outputs still go to the workspace's output/
    out = folder / "output" / "first"
    assert sorted(p.name for p in out.glob("first.*")) == ["first.en.html", "first.en.pdf", "first.tr.html", "first.tr.pdf"]
    english = pdf_text(out / "first.en.pdf")
    assert "1 political prisoner (First Prisoner)" in english
    assert "to call for the release of all political prisoners" in english
    # the third language's tool strings are missing: said at build time, beside the edition
    assert "first tr:" in build.stdout
    assert "brief.yaml:8:" in build.stdout and "not translated into Türkçe (tr)" in build.stdout
    check = run(["check"], folder / "content")
    assert check.returncode == 0 and "1 brief OK" in check.stdout


def test_strict_refuses_an_edition_without_the_tools_strings(built_workspace):
    folder, _ = built_workspace
    strict = run(["build", "--strict", "-l", "tr", "-f", "html"], folder)
    assert strict.returncode == 1
    assert "content/first/brief.yaml:8:" in strict.stderr and "not translated into Türkçe (tr)" in strict.stderr


def test_a_workspace_catalog_translates_the_tools_strings(built_workspace, tmp_path):
    folder, _ = built_workspace
    catalog = folder / "locale" / "tr" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                       'msgid "Parts of this document are not yet translated and are shown in the original language '
                       '(%(language)s)."\nmsgstr "Bu belgenin bazı bölümleri henüz çevrilmedi (%(language)s)."\n',
                       encoding="utf-8")
    try:
        build = run(["build", "-l", "tr", "-f", "html"], folder)
        assert build.returncode == 0, build.stderr
        html = (folder / "output" / "first" / "first.tr.html").read_text(encoding="utf-8")
        assert "Bu belgenin bazı bölümleri henüz çevrilmedi (İngilizce)." in html
        from briefgen.editions.i18n import tool_strings_missing

        total = tool_strings_missing("tr")[1]  # the messages of templates/locale/messages.pot
        assert f"{total - 1} of {total} are shown in English" in build.stdout
    finally:
        catalog.unlink()


def test_smtp_settings_come_from_the_workspace(tmp_path, monkeypatch):
    from briefgen.delivery.mailconfig import load_settings

    (tmp_path / "briefgen.toml").write_text('[smtp]\nhost = "smtp.example.org"\nuser = "a@example.org"\n',
                                            encoding="utf-8")
    (tmp_path / "content" / "x").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "content" / "x")
    settings = load_settings(environ={})
    assert (settings.host, settings.user, settings.port) == ("smtp.example.org", "a@example.org", 587)


def test_outside_any_workspace_a_brief_keeps_the_old_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["new", "x", "-k", "letter"])
    assert result.exit_code == 0, result.output
    assert "\nlanguages: [en, ru] " in (tmp_path / "content" / "x" / "brief.yaml").read_text(encoding="utf-8")
