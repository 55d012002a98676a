"""Bounded work: hostile sizes end in a positioned error within seconds, never in a PDF that
takes minutes and gigabytes (each case below did before the limits)."""

from __future__ import annotations

import resource
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from test_door import with_block


def timed_check(folder) -> tuple[subprocess.CompletedProcess, float, int]:
    """``briefgen check`` in a child process: its output, seconds and peak memory (MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "briefgen", "check", str(folder)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    seconds = time.monotonic() - start
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) // 1024
    return done, seconds, peak


CASES = {
    "a 4.7 MB paragraph": ('      - "' + "word " * 940_000 + '"\n', "characters, more than the 20,000 allowed"),
    "100,000 bullets": ("      - bullets:\n" + "          - x\n" * 100_000, "list of 100,000 items, more than the 1,000 allowed"),
    "5,000 nested emphasis marks": ('      - "' + "*" * 5000 + "x" + "*" * 5000 + '"\n', "inline marks"),
    "2,000 adjacent marks": ('      - "' + "a**b**" * 2000 + '"\n', "2,000 inline marks"),
    "[^x 100,000 times": ('      - "' + "[^x" * 100_000 + '"\n', "text of 300,000 characters"),
    "[^x 6,000 times": ('      - "' + "[^x" * 6_000 + '"\n', "6,000 '[' in one text"),
    "emphasis nested 20 deep": ('      - "' + "".join(f"{'*' if i % 2 else '_'}a " for i in range(20)) + "x"
                                + "".join(f" a{'_' if i % 2 == 0 else '*'}" for i in reversed(range(20))) + '"\n',
                                "marks nested 20 deep"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_sizes_are_positioned_errors_within_seconds(small_copy, case):
    block, words = CASES[case]
    line = with_block(small_copy, block)
    done, seconds, peak = timed_check(small_copy)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    # at the block, or at its list (the line below "- bullets:")
    problems = [text for text in done.stderr.splitlines() if f"brief.yaml:{line}:" in text or f"brief.yaml:{line + 1}:" in text]
    assert problems and words in problems[0], done.stderr[:2000]
    assert seconds < 15, f"{case}: {seconds:.1f} s"
    assert peak < 600, f"{case}: {peak} MB"


def test_real_content_is_far_below_the_limits():
    from briefgen.load import limits

    for path in (ROOT / "content").glob("*/*.yaml"):
        from briefgen.load.yamlfile import load_yaml

        assert limits.size_problems(load_yaml(path)) == [], path


@pytest.mark.parametrize("variable, value, words", [
    ("BRIEFGEN_PDF_SECONDS", "0.3", "took more than 0.3 s to lay out"),
    ("BRIEFGEN_PDF_MEMORY_MB", "40", "needed more than 40 MB of memory"),
])
def test_a_pdf_over_its_budget_stops_with_an_error_naming_the_brief(sample_copy, tmp_path, monkeypatch, variable, value, words):
    """The sample briefing (13 pages) takes about a second even in a warm process: far over 0.3 s."""
    small_copy = sample_copy
    from click.testing import CliRunner

    from briefgen.cli import main
    from briefgen.errors import display_path

    monkeypatch.setenv(variable, value)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(small_copy), "--out", str(out), "--format", "pdf", "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert f"{display_path(small_copy)}: the PDF kazakhstan-2021-11.en.pdf {words}; nothing was written" in result.output
    assert not list(out.rglob("*.pdf"))
    monkeypatch.delenv(variable)
    result = CliRunner().invoke(main, ["build", str(small_copy), "--out", str(out), "--format", "pdf", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert (out / "kazakhstan-2021-11" / "kazakhstan-2021-11.en.pdf").stat().st_size > 1000
