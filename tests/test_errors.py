"""Bad input: one clear line per problem with file:line:col, exit status 1, never a traceback."""

import subprocess
import sys

import pytest
from click.testing import CliRunner

from briefgen.cli import main
from briefgen.errors import display_path
from conftest import FIXTURES, ROOT, edit

BAD = FIXTURES / "bad"

CASES = {
    "malformed-yaml": [("brief.yaml", 4, 18, "malformed YAML: mapping values are not allowed")],
    "unknown-key": [("brief.yaml", 8, 9, "chapters[0].blocks[0].lable: unknown key 'lable': did you mean 'label'?")],
    "missing-field": [("brief.yaml", 1, 1, "required key 'author' is missing: add it")],
    "wrong-type": [("brief.yaml", 8, 18, "chapters[0].blocks[0].bullets: expected a list (lines starting with '- '), got a text")],
    "undefined-footnote": [("brief.yaml", 8, 9, "chapters[0].blocks[0]: unknown footnote 'no-such-note'")],
    "unused-footnote": [("footnotes.yaml", 4, 3, "footnotes.forgotten: footnote 'forgotten' is never called: call it with [^forgotten] or remove it")],
    "duplicate-id": [("prisoners.yaml", 6, 9, "prisoners[1].id: duplicate id 'anna-alpha'")],
    "missing-image": [("brief.yaml", 8, 16, "chapters[0].blocks[0].image: image 'map.png' not found")],
    "unknown-kind": [("brief.yaml", 1, 7, "kind: unknown kind 'interveiw': write briefing, interview or letter")],
    "letter-with-questions": [("brief.yaml", 10, 1, "questions: unknown key 'questions': a letter has no 'questions' "
                                                     "(an interview has): remove it, or write 'kind: interview'")],
    "interview-without-answers": [
        ("brief.yaml", 3, 7, "date: expected a date written YYYY-MM-DD, YYYY-MM or YYYY"),
        ("brief.yaml", 5, 5, "questions[0]: required key 'answer' is missing: add it"),
        ("brief.yaml", 7, 13, "questions[1].answer: must not be empty: give at least one entry"),
    ],
    "several-problems": [
        ("brief.yaml", 2, 7, "date: expected a date written YYYY-MM-DD"),
        ("brief.yaml", 5, 9, "chapters[0].id: an id is lowercase letters, digits and dashes"),
        ("brief.yaml", 9, 18, "chapters[0].blocks[1].heading: expected a text, got a number — put it in quotes"),
    ],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_reported_with_its_position(case):
    folder = BAD / case
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    expected = CASES[case]
    assert lines[-1] == f"{len(expected)} problem{'s' if len(expected) > 1 else ''} found"
    for (file, line, column, message), shown in zip(expected, lines):
        assert shown.startswith(f"{display_path(folder / file)}:{line}:{column}: {message}"), shown
    assert len(lines) == len(expected) + 1


def test_build_refuses_bad_input_without_writing_anything(tmp_path):
    result = CliRunner().invoke(main, ["build", str(BAD / "unknown-key"), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "unknown key 'lable'" in result.output
    assert list(tmp_path.iterdir()) == []


def test_console_script_exit_codes(tmp_path):
    run = lambda *args: subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=ROOT, capture_output=True, text=True)
    bad = run("check", str(BAD / "wrong-type"))
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "wrong-type/brief.yaml:8:18:" in bad.stderr
    usage = run("build", "--format", "docx")
    assert usage.returncode == 2 and "Invalid value for '-f' / '--format'" in usage.stderr
    good = run("check", str(FIXTURES / "good" / "small-brief"))
    assert good.returncode == 0 and "1 brief OK" in good.stdout
    version = run("--version")
    assert version.returncode == 0 and "briefgen, version" in version.stdout


def test_unknown_language_is_refused(small_copy):
    edit(small_copy / "brief.yaml", "languages: [en, ru]", "languages: [en, xx]")
    result = CliRunner().invoke(main, ["check", str(small_copy)])
    assert result.exit_code == 1
    assert "brief.yaml:3:" in result.output and "unknown language 'xx'" in result.output


def test_unknown_placeholder_is_refused(small_copy):
    edit(small_copy / "brief.yaml", "{prisoners.names}", "{prisoners.nmes}")
    result = CliRunner().invoke(main, ["check", str(small_copy)])
    assert result.exit_code == 1
    assert "unknown placeholder {prisoners.nmes}" in result.output and "{prisoners.names}" in result.output


def test_unknown_file_name_is_refused(small_copy):
    (small_copy / "prisoners.yaml").rename(small_copy / "prisoner.yaml")
    result = CliRunner().invoke(main, ["check", str(small_copy)])
    assert result.exit_code == 1
    assert "prisoner.yaml:1:1: unknown file name: did you mean prisoners.yaml?" in result.output
