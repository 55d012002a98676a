"""Property: whatever the content, ``check`` and ``build`` end in a built edition or in clear
errors with positions — never a traceback, never a half-written or stray output file.

Hypothesis mutates the small test brief two ways: as data (keys removed, values
replaced by other types, unknown keys, hostile texts) and as raw text (characters
inserted, lines cut or repeated, files truncated), in the YAML files and in the
Russian PO catalog. Most examples that pass ``check`` are built as HTML; a few
as PDF too. Under CI (``CI`` set) the run is derandomized, with a few hundred
examples; locally it is random and shorter; ``BRIEFGEN_HYPOTHESIS_PROFILE=long``
hunts with 2000 random examples.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from briefgen.cli import main
from conftest import SMALL

settings.register_profile("ci", max_examples=300, derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("dev", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("long", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("BRIEFGEN_HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

#: One PDF for about this many examples that pass ``check`` (PDFs take a second or two each).
PDF_ONE_IN = 25

YAML_FILES = sorted(p.name for p in SMALL.glob("*.yaml"))
PO_FILE = "translations/ru.po"
PROBLEM_LINE = re.compile(r"^.+:\d+:\d+: \S")
SUMMARY_LINE = re.compile(r"^\d+ problems? found$")

HOSTILE = [
    "<script>alert(1)</script>", "[x](javascript:alert(1))", "![x](/etc/passwd)", "[^no-such-note]", "[^intro-note]",
    "{prisoners.names}", "{prisoners.nope}", "{killed.count}", "{prosecuted.figures.x}", "../../etc/passwd",
    "file:///etc/passwd", "https://example.org/x", "", " ", "**", "[", "{", "\\", "\u202e", "‮𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "2021-13-45",
    "a" * 3000, "- item", "key: value", "%", "{{ 7 * 7 }}", "\t", "anna-alpha", "released",
]
scalars = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates().map(lambda d: d.isoformat()),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(st.sampled_from(["id", "text", "name", "x", "label", "restricted", "anonymous"]), inner, max_size=3)),
                      max_leaves=6)


def _paths(data, prefix=()):
    """Every path to a value inside ``data``."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, prefix + (index,))


def _parent(data, path):
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def data_mutation(draw, data):
    """Change one value of ``data`` (in place): remove, replace, rewrite a text, add an unknown key,
    repeat a list item."""
    paths = [p for p in _paths(data) if p]
    path = draw(st.sampled_from(paths))
    parent, last = _parent(data, path), path[-1]
    action = draw(st.sampled_from(["remove", "replace", "retext", "retext", "retext", "unknown", "repeat"]))
    if action == "retext" and isinstance(parent[last], str):  # a text that is still a text: it gets rendered
        parent[last] = draw(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60),
                                      st.builds("{} {}".format, st.sampled_from(HOSTILE), st.sampled_from(HOSTILE))))
    elif action in ("replace", "retext"):
        parent[last] = draw(values)
    elif action == "remove":
        del parent[last]
    elif action == "unknown" and isinstance(parent, dict):
        key = draw(st.sampled_from(["lable", "extra", "id", "text", "image", "cases", "data", "restricted", "restricted"]))
        # restricted: true or a list of field names (audience.py), else any value
        parent[key] = draw(st.one_of(st.just(True), st.lists(st.sampled_from(["name", "profile", "phone", "x", "text"]),
                                                             max_size=2), values) if key == "restricted" else values)
    elif action == "repeat" and isinstance(parent, list):
        parent.insert(last, parent[last])
    return data


@st.composite
def text_mutation(draw, text):
    """Change ``text`` as characters: insert, delete, repeat a line, truncate."""
    if not text:
        return draw(st.text(max_size=20))
    position = draw(st.integers(0, len(text)))
    action = draw(st.sampled_from(["insert", "delete", "repeat-line", "truncate"]))
    if action == "insert":
        return text[:position] + draw(st.one_of(st.sampled_from([":", "- ", "&a ", "*a", "!!python/object ", "\t", '"', "'",
                                                                  "\n", "  ", "[", "{", "#", "|", "msgid ", "\\"]),
                                                 st.text(max_size=8))) + text[position:]
    if action == "delete":
        return text[:position] + text[position + draw(st.integers(1, 40)):]
    if action == "repeat-line":
        lines = text.splitlines(keepends=True)
        index = draw(st.integers(0, len(lines) - 1))
        return "".join(lines[:index + 1] + lines[index:])
    return text[:position]


@st.composite
def mutated_brief(draw) -> dict[str, str]:
    """The small brief's files (name → text) with one to three mutations."""
    files = {name: (SMALL / name).read_text(encoding="utf-8") for name in YAML_FILES + [PO_FILE]}
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(YAML_FILES + [PO_FILE]))
        if name.endswith(".yaml") and draw(st.booleans()):
            data = yaml.safe_load(files[name]) if _loads(files[name]) else None
            if isinstance(data, (dict, list)) and data:
                data = draw(data_mutation(data))
                files[name] = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
                continue
        files[name] = draw(text_mutation(files[name]))
    return files


def _loads(text: str) -> bool:
    try:
        yaml.safe_load(text)
        return True
    except yaml.YAMLError:
        return False


def assert_clear_failure(result, out: Path) -> None:
    """Exit 1, every line a positioned problem (and the count), nothing written."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip() and not line.startswith("small-brief ")]
    assert lines and SUMMARY_LINE.match(lines[-1]), result.output
    assert all(PROBLEM_LINE.match(line) for line in lines[:-1]), result.output
    assert not out.exists() or not any(out.rglob("*")), sorted(out.rglob("*"))


def assert_whole_outputs(out: Path) -> None:
    """Only whole editions, the build manifest and data snapshots; no temporary or stray file."""
    from briefgen.editions.fingerprint import MANIFEST

    files = sorted(p for p in out.rglob("*") if p.is_file())
    stray = [p for p in files if p.suffix == ".part" or (p.name.startswith(".") and p.name != MANIFEST)]
    assert files and not stray, files
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".json":  # the manifest and the snapshots of the data (changes.py)
            assert path.name == MANIFEST or path.parent.name == "snapshots", path
            json.loads(data)
        elif path.suffix == ".html":
            assert data.startswith(b"<!DOCTYPE html>") and data.rstrip().endswith(b"</html>"), path
        else:
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), path


@contextmanager
def only_missing_glyph_warnings():
    """Fail on any warning logged, except WeasyPrint's for a character no installed font has
    (generated text holds any script; the build then tells the user, as it should)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logging.getLogger().addHandler(handler)
    try:
        yield
    finally:
        logging.getLogger().removeHandler(handler)
    unexpected = [r.getMessage() for r in records if not r.getMessage().startswith(".notdef glyph rendered")]
    assert not unexpected, unexpected


@pytest.mark.allow_logs  # checked per example by only_missing_glyph_warnings
@settings(phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target])  # no shrinking of slow builds
@given(files=mutated_brief(), pdf=st.integers(1, PDF_ONE_IN))
def test_any_content_builds_or_fails_clearly(files, pdf):
    with tempfile.TemporaryDirectory() as workdir, only_missing_glyph_warnings():
        folder = Path(workdir) / "small-brief"
        (folder / "translations").mkdir(parents=True)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        out = Path(workdir) / "out"
        runner = CliRunner()
        checked = runner.invoke(main, ["check", str(folder)])
        if checked.exit_code != 0:
            assert_clear_failure(checked, out)
        formats = ["--format", "html"] + (["--format", "pdf"] if pdf == 1 and checked.exit_code == 0 else [])
        built = runner.invoke(main, ["build", str(folder), "--out", str(out), *formats])
        if checked.exit_code != 0 or built.exit_code != 0:
            event("refused by check" if checked.exit_code else "refused by build")
            assert_clear_failure(built, out)
        else:
            event("built " + " and ".join(formats[1::2]))
            assert_whole_outputs(out)
        shutil.rmtree(out, ignore_errors=True)
