import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.errors import BriefgenError
from briefgen.load.yamlfile import format_path, load_yaml
from conftest import ROOT


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "brief.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_positions_of_values_and_keys(tmp_path):
    loaded = load_yaml(write(tmp_path, "title: T\nchapters:\n  - id: one\n    blocks:\n      - hello\n"))
    assert loaded.data == {"title": "T", "chapters": [{"id": "one", "blocks": ["hello"]}]}
    assert loaded.position(("chapters", 0, "blocks", 0)) == (5, 9)
    assert loaded.position(("chapters", 0, "id"), key=True) == (3, 5)
    # a path that does not exist falls back to its nearest parent
    assert loaded.position(("chapters", 0, "missing")) == (3, 5)


def test_malformed_yaml_names_line_and_column(tmp_path):
    with pytest.raises(BriefgenError) as caught:
        load_yaml(write(tmp_path, "title: T\nsubtitle: a: b\n"))
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (2, 12)
    assert "put in quotes" in problem.message


def test_duplicate_keys_are_refused(tmp_path):
    with pytest.raises(BriefgenError) as caught:
        load_yaml(write(tmp_path, "title: A\ntitle: B\n"))
    (problem,) = caught.value.problems
    assert problem.line == 2 and "duplicate key" in problem.message and "line 1" in problem.message


def test_billion_laughs_aliases_are_refused(tmp_path):
    lol = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for index, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[index]
        lol += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
    with pytest.raises(BriefgenError) as caught:
        load_yaml(write(tmp_path, lol))
    assert all("aliases" in p.message for p in caught.value.problems)


def test_python_object_tags_are_refused(tmp_path):
    with pytest.raises(BriefgenError) as caught:
        load_yaml(write(tmp_path, "title: !!python/object/apply:os.system ['echo hacked']\n"))
    assert caught.value.problems[0].line == 1


def test_format_path():
    assert format_path(("chapters", 2, "blocks", 0, "text")) == "chapters[2].blocks[0].text"


@pytest.mark.parametrize("tag", ["!!python/name:os.system", "!!python/object/new:os.system [echo]", "!!binary aGk=",
                                 "!custom x", "!!set {a}", "!!omap [a: 1]"])
def test_every_tag_beyond_plain_data_is_refused(tmp_path, tag):
    with pytest.raises(BriefgenError) as caught:
        load_yaml(write(tmp_path, f"title: {tag}\n"))
    assert caught.value.problems[0].line == 1 and "not allowed" in caught.value.problems[0].message


@pytest.mark.parametrize("text", [
    "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "a: " + "{b: " * 100_000 + "1" + "}" * 100_000 + "\n",
    "".join("  " * depth + f"k{depth}:\n" for depth in range(2000)) + "  " * 2000 + "x\n",
], ids=["flow-lists", "flow-mappings", "block-mappings"])
def test_deep_nesting_is_refused_before_it_is_composed(tmp_path, text):
    """Composed recursively, this crashes libyaml (a segmentation fault): run it in a child process."""
    folder = tmp_path / "deep"
    folder.mkdir()
    (folder / "brief.yaml").write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "briefgen", "check", str(folder)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, (result.returncode, result.stderr[-500:])
    assert "nested more than 40 levels deep" in result.stderr and "Traceback" not in result.stderr


def test_huge_files_are_refused_before_they_are_read(tmp_path):
    path = tmp_path / "brief.yaml"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("items:\n")
        line = "  - " + "x" * 1000 + "\n"
        for _ in range(6 * 1024):
            handle.write(line)
    with pytest.raises(BriefgenError) as caught:
        load_yaml(path)
    assert "more than the 5 MiB allowed" in caught.value.problems[0].message


def test_non_text_keys_and_documents_are_refused(tmp_path):
    for text, words in (("? [a, b]\n: 1\n", "a key must be a plain word"),
                        ("{!!python/object }\n", "a key must be a plain word"),
                        ("!!binary aGk=: 1\n", "a key must be a plain word"),
                        ("2021-13-45: 1\n", "a key must be a plain word"),
                        ("a: 1\n---\nb: 2\n", "malformed YAML"),
                        ("a: 1\nb: \"x\x07\"\n", "character U+0007 is not allowed"),
                        ('a: 1\nb: "x\\x8a\\u2028"\n', "control character U+008A")):
        with pytest.raises(BriefgenError) as caught:
            load_yaml(write(tmp_path, text))
        assert words in caught.value.problems[0].message
