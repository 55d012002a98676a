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
    # the YAML mistakes a non-programmer makes, each with what to write instead
    "yaml-unescaped-quote": [("brief.yaml", 2, 22, "malformed YAML: did not find expected key — a quote inside a quoted "
                                                   "text ends it: write \\\" for each \" inside \"…\"")],
    "yaml-tab": [("brief.yaml", 3, 1, "malformed YAML: found character that cannot start any token — indent with spaces, not tabs")],
    "yaml-unquoted-colon": [("brief.yaml", 4, 38, "malformed YAML: mapping values are not allowed in this context — a text "
                                                  "containing ': ' must be put in quotes, e.g. "
                                                  "question: \"Why did the police come: what did they want?\"")],
    "yaml-unquoted-hash": [("brief.yaml", 3, 7, "role: the text after ' #' is read as a comment and left out: put the whole "
                                                "text in quotes, e.g. role: \"Observer at polling station #12 in Almaty\"")],
    "yaml-dash-without-space": [("brief.yaml", 4, 3, "malformed YAML: a list item needs a space after '-'")],
    "yaml-list-indent": [("brief.yaml", 6, 4, "malformed YAML: did not find expected '-' indicator — this list item is not "
                                              "lined up with the items above it")],
    # suggestions only among the keys valid at that place, never the refused key itself
    "key-of-a-nested-mapping": [("brief.yaml", 10, 1, "city: unknown key 'city': 'city' belongs under 'signature:'")],
    "unknown-key-of-a-chapter": [
        ("brief.yaml", 5, 5, "chapters[0]: required key 'title' is missing: add it"),
        ("brief.yaml", 6, 5, "chapters[0].lable: unknown key 'lable': remove it; keys allowed here: blocks, id, restricted, title"),
    ],
    # a person's name: say how to mark the person anonymous, never to write "Name withheld"
    "empty-required-text": [("brief.yaml", 2, 14, "interviewee: 'interviewee' is empty: write the person's name after the "
                                                  "colon, e.g. interviewee: \"…\"; or to keep the person anonymous write "
                                                  "interviewee: {anonymous: true, description: ")],
    # each paragraph of a block scalar (answer: |) has its own line
    "block-scalar-paragraphs": [
        ("brief.yaml", 9, 7, "questions[0].answer[1]: unknown footnote 'no-such-note'"),
        ("brief.yaml", 11, 7, "questions[0].answer[2]: unknown footnote 'another-missing-note'"),
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


@pytest.mark.parametrize("key, place, expected", [
    ("city", "interview", None),                       # valid there: never suggested for itself
    ("lable", "chapter", "remove it; keys allowed here: blocks, id, restricted, title"),
    ("lable", "block", "did you mean 'label'?"),
    ("url", "interview", "'url' belongs under 'original:'"),
    ("name", "interview", "did you mean 'interviewee'?"),
    ("titel", "letter", "did you mean 'title'?"),
])
def test_suggestions_are_keys_valid_at_that_place(key, place, expected):
    from briefgen.load.model import Document
    from briefgen.load.validate import unknown_key_hint

    loc = {"interview": ("interview",), "letter": ("letter",), "chapter": ("briefing", "chapters", 0),
           "block": ("briefing", "chapters", 0, "blocks", 0, "text")}[place] + (key,)
    hint = unknown_key_hint(Document, loc)
    assert f"'{key}'?" not in hint, hint
    if expected:
        assert hint.startswith(expected), hint


def test_interview_fields_are_valid(tmp_path):
    folder = tmp_path / "iv"
    folder.mkdir()
    (folder / "brief.yaml").write_text(
        'kind: interview\ninterviewee: "Anna Alpha"\ncity: "Almaty"\ncountry: "Kazakhstan"\n'
        "original:\n  url: https://example.org/a\n  publisher: \"Example Watch\"\n  date: 2021-04\n  language: en\n"
        'questions:\n  - question: "Why?"\n    answer: "Because."\n    sources: [note]\n', encoding="utf-8")
    (folder / "footnotes.yaml").write_text('footnotes:\n  note:\n    note: "A note."\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 0, result.output
    (folder / "brief.yaml").write_text((folder / "brief.yaml").read_text().replace("[note]", "[note, nope]"))
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 1
    assert f"{display_path(folder / 'brief.yaml')}:13:21: questions[0].sources[1]: unknown footnote 'nope'" in result.output
