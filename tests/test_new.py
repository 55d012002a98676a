"""``briefgen new``: a skeleton for each kind that builds as it is, and refusals."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from briefgen.editions.build import build_brief
from briefgen.cli import main
from briefgen.load.model import KINDS
from conftest import pdf_text

#: Text of each skeleton that its PDF must show.
SHOWN = {
    "briefing": ["COUNTRY: THE TITLE OF THE BRIEFING", "Why it matters: A labelled paragraph.", "First Last"],
    "interview": ["INTERVIEW WITH FIRST LAST", "The first paragraph of the answer.", "A one-paragraph answer."],
    "letter": ["THE HEADLINE OF THE LETTER", "Sir,", "First Last\nDirector\nExample NGO\nBerlin, Germany",
               "Read the original: https://example.org/letters/original"],
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_skeleton_builds_without_edits(tmp_path, kind):
    result = CliRunner().invoke(main, ["new", f"my-{kind}", "--kind", kind, "--parent", str(tmp_path)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / f"my-{kind}"
    brief = (folder / "brief.yaml").read_text(encoding="utf-8")
    assert f"kind: {kind}\n" in brief and "# optional" in brief
    # every field of the kind is shown, written or commented out
    for name in KINDS[kind].model_fields:
        assert f"\n{name}:" in brief or f"\n# {name}:" in brief, name
    editions = build_brief(folder, out_dir=tmp_path / "out")
    assert [e.lang for e in editions] == ["en", "ru"]
    text = pdf_text(tmp_path / "out" / f"my-{kind}" / f"my-{kind}.en.pdf")
    for shown in SHOWN[kind]:
        assert shown in text.replace("’", "'"), shown
    assert "Часть этого документа ещё не переведена" in pdf_text(tmp_path / "out" / f"my-{kind}" / f"my-{kind}.ru.pdf")


def test_new_writes_under_content_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["new", "kazakh-lawyer", "-k", "interview"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "content" / "kazakh-lawyer").iterdir()) == ["brief.yaml", "footnotes.yaml"]
    assert "content/kazakh-lawyer: new interview" in result.output
    check = CliRunner().invoke(main, ["check"])
    assert check.exit_code == 0 and "1 brief OK: content/kazakh-lawyer" in check.output


def test_new_refuses_an_existing_folder(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "brief.yaml").write_text("title: mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["new", "taken", "-k", "letter", "-p", str(tmp_path)])
    assert result.exit_code == 1
    assert "taken already exists: choose another name, or remove the folder first" in result.output
    assert (tmp_path / "taken" / "brief.yaml").read_text(encoding="utf-8") == "title: mine\n"


def test_new_refuses_a_bad_slug_or_kind(tmp_path):
    bad_slug = CliRunner().invoke(main, ["new", "My Letter", "-p", str(tmp_path)])
    assert bad_slug.exit_code == 1 and "'My Letter' cannot name a brief" in bad_slug.output
    bad_kind = CliRunner().invoke(main, ["new", "x", "-k", "memo", "-p", str(tmp_path)])
    assert bad_kind.exit_code == 2 and "'memo' is not one of 'briefing', 'interview', 'letter'" in bad_kind.output
    assert list(tmp_path.iterdir()) == []
