from pathlib import Path

import pytest

from briefgen.errors import BriefgenError
from briefgen.yamlfile import format_path, load_yaml


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
