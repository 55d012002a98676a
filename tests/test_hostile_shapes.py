"""Property: the shapes limits.py bounds — long texts, long runs of marks, deep nesting (inline and
in YAML), huge lists — each end in an edition or in positioned errors, within a time budget.

Hypothesis picks a shape and a size (1 to 100,000: from harmless to far over the limit — a 3 MB
paragraph, 200,000 bullets, 100,000 nested marks, YAML nested 100,000 deep), puts it
into the small test brief and runs ``check``; what passes is built as HTML, and the smaller ones
as a PDF too (under a 20 s PDF budget). Every run must end with exit 0 and the editions written,
or exit 1 and only ``file:line:col`` problems — within seconds. (YAML nested beyond what the
loader allows is refused over the flat event stream, before libyaml's composer could crash, so
the commands run in this process.)
"""

from __future__ import annotations

import os
import re
import shutil
import time

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.cli import main
from conftest import SMALL

PROBLEM_LINE = re.compile(r"^.+:\d+:\d+: \S")


def _nested_marks(n: int) -> str:
    return "".join(f"{'*' if i % 2 else '_'}a " for i in range(n)) + "x" + "".join(
        f" a{'_' if i % 2 == 0 else '*'}" for i in reversed(range(n)))


#: shape → block (YAML at block indentation) of size n
SHAPES = {
    "long paragraph": lambda n: '      - "' + "word " * n + '"\n',
    "adjacent marks": lambda n: '      - "' + "a**b**" * n + '"\n',
    "nested marks": lambda n: '      - "' + _nested_marks(n) + '"\n',
    "stars": lambda n: '      - "' + "*" * n + "x" + "*" * n + '"\n',
    "open footnote calls": lambda n: '      - "' + "[^x" * n + '"\n',
    "links": lambda n: '      - "' + "[a](https://example.org/) " * n + '"\n',
    "bullets": lambda n: "      - bullets:\n" + "          - x\n" * n,
    "table rows": lambda n: "      - table:\n          header: [a, b]\n          rows:\n" + "            - [x, y]\n" * n,
    "nested YAML lists": lambda n: "      - bullets: " + "[" * n + "x" + "]" * n + "\n",
    "nested YAML mappings": lambda n: "      - bullets: " + "{a: " * n + "x" + "}" * n + "\n",
}
#: largest size tried per shape (the first shapes' items are several characters each)
MAX_SIZE = {"table rows": 50_000, "links": 50_000}


SIZES = (1, 7, 40, 300, 2_000, 20_000, 100_000)


@st.composite
def shapes(draw):
    shape = draw(st.sampled_from(sorted(SHAPES)))
    size = min(draw(st.sampled_from(SIZES)), MAX_SIZE.get(shape, 100_000))
    return shape, size


def _run(*args):
    start = time.monotonic()
    result = CliRunner().invoke(main, list(args))
    return result, time.monotonic() - start


def _clear(result, what: str) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), what + repr(result.exception)
    if result.exit_code:
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert result.exit_code == 1 and lines, what + result.output[-2000:]
        assert re.fullmatch(r"\d+ problems? found", lines[-1]), what + lines[-1]
        assert all(PROBLEM_LINE.match(line) for line in lines[:-1]), what + "\n".join(lines[:5])


@settings(max_examples=int(os.environ.get("BRIEFGEN_SHAPES_EXAMPLES", "12")), derandomize=True, database=None,
          deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=shapes())
def test_hostile_shapes_end_in_an_edition_or_positioned_errors_within_budget(tmp_path_factory, case):
    shape, size = case
    what = f"{shape} × {size:,}: "
    folder = tmp_path_factory.mktemp("shape") / "small-brief"
    shutil.copytree(SMALL, folder)
    brief = folder / "brief.yaml"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(text.replace("    blocks:\n", "    blocks:\n" + SHAPES[shape](size), 1), encoding="utf-8")

    checked, seconds = _run("check", str(folder))
    _clear(checked, what)
    assert seconds < 15, f"{what}check took {seconds:.1f} s"
    if checked.exit_code:
        return
    out = folder.parent / "out"
    small = size <= 7  # a PDF for the small ones (1–2 s each)
    os.environ["BRIEFGEN_PDF_SECONDS"] = "20"
    try:
        built, seconds = _run("build", str(folder), "--out", str(out), "--lang", "en",
                              *([] if small else ["--format", "html"]))
    finally:
        del os.environ["BRIEFGEN_PDF_SECONDS"]
    _clear(built, what)
    assert seconds < 40, f"{what}build took {seconds:.1f} s"
    if built.exit_code == 0:
        written = sorted(p.name for p in (out / "small-brief").glob("small-brief.en.*"))
        assert written == (["small-brief.en.html", "small-brief.en.pdf"] if small else ["small-brief.en.html"]), what
    else:
        assert not list((out / "small-brief").glob("*.part")), what
