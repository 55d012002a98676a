"""The PDF workers' preloaded process (briefgen.editions.workers.Preloader): a build in a fresh
process imports WeasyPrint in a forked copy of itself while it reads the brief and renders the
HTML. The test process has WeasyPrint loaded already (where the build writes its PDFs itself), so
every test here runs the build in a process of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pypdf

from conftest import ROOT, edit

#: A build in a fresh process: its PDFs, whether the building process itself loaded WeasyPrint,
#: and, on a problem, the message (exit status 1).
BUILD = """
import json, sys
from pathlib import Path
from briefgen.editions.build import build_brief
from briefgen.errors import BriefgenError
try:
    editions = build_brief(Path(sys.argv[1]), out_dir=Path(sys.argv[2]), formats=("pdf", "html"))
    result = {"written": sorted(p.name for e in editions for p in e.written)}
except BriefgenError as error:
    result = {"error": error.format_message()}
result["weasyprint_loaded_here"] = "weasyprint" in sys.modules
print(json.dumps(result))
"""


def build_in_a_fresh_process(brief: Path, out: Path, **environment: str) -> dict:
    done = subprocess.run([sys.executable, "-c", BUILD, str(brief), str(out)], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **environment}, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def processes_naming(marker: str) -> list[int]:
    """Processes whose command line holds ``marker`` (a forked copy of a build shares its own)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_a_fresh_build_writes_its_pdfs_through_the_preloaded_process(small_copy, tmp_path):
    out = tmp_path / "out"
    result = build_in_a_fresh_process(small_copy, out)
    assert not result["weasyprint_loaded_here"]  # the PDFs were laid out elsewhere
    pdfs = sorted(out.rglob("*.pdf"))
    assert [p.name for p in pdfs] == [n for n in result["written"] if n.endswith(".pdf")] and len(pdfs) == 2
    for path in pdfs:
        assert len(pypdf.PdfReader(path).pages) >= 1
    assert not processes_naming(str(out))  # nothing left running


def test_a_pdf_error_in_the_preloaded_process_reaches_the_build(small_copy, tmp_path):
    """A PDF over its time budget is refused with the brief's name; nothing is written."""
    out = tmp_path / "out"
    result = build_in_a_fresh_process(small_copy, out, BRIEFGEN_PDF_SECONDS="0.05")
    assert "took more than 0.05 s to lay out; nothing was written" in result["error"]
    assert not list(out.rglob("*.pdf")) and not processes_naming(str(out))


def test_a_problem_found_before_the_pdfs_stops_the_preloaded_process(small_copy, tmp_path):
    """A character no font has is found in the print HTML, after the preloaded process was
    started: the build stops with the problem at its line, writes nothing, leaves nothing running."""
    edit(small_copy / "brief.yaml", "title:", "title: 漢")
    out = tmp_path / "out"
    result = build_in_a_fresh_process(small_copy, out)
    assert "U+6F22 CJK UNIFIED IDEOGRAPH-6F22" in result["error"]
    assert not list(out.rglob("*.pdf")) and not processes_naming(str(out))


def test_nothing_to_write_leaves_nothing_running(small_copy, tmp_path):
    """A build with nothing to write stops the preloaded process (killed, not waited for: a build
    whose output is captured, as in a script or CI, would otherwise wait for WeasyPrint's import;
    benchmarks/run.py measures "nothing changed")."""
    out = tmp_path / "out"
    build_in_a_fresh_process(small_copy, out)
    result = build_in_a_fresh_process(small_copy, out)
    assert result["written"] == [] and not result["weasyprint_loaded_here"]
    assert not processes_naming(str(out))


#: The CLI's build in a fresh process, noting what was imported when the PDF process was forked.
CLI_BUILD = """
import json, os, sys
forks = []
fork = os.fork
def noted_fork():
    forks.append(sorted(name for name in ("briefgen.editions.build", "jinja2", "pydantic", "weasyprint")
                        if name in sys.modules))
    return fork()
os.fork = noted_fork
from briefgen.cli import main
try:
    main(sys.argv[1:])
finally:
    print(json.dumps(forks))
"""


def test_the_cli_forks_the_pdf_process_before_it_imports_the_pipeline(small_copy, tmp_path):
    """The 0.2 s of importing the pipeline (pydantic, Jinja, Babel) is not spent before
    WeasyPrint's import starts: the PDF process is forked first, then writes both PDFs."""
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", CLI_BUILD, "build", str(small_copy), "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    forks = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0, done.stderr
    assert forks and forks[0] == []  # forked before anything heavy was imported
    assert len(list(out.rglob("*.pdf"))) == 2 and not processes_naming(str(out))


def test_an_html_only_build_forks_no_pdf_process(small_copy, tmp_path):
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", CLI_BUILD, "build", str(small_copy), "--format", "html",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
    assert len(list(out.rglob("*.html"))) == 2 and not list(out.rglob("*.pdf"))
