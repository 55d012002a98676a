"""briefgen benchmarks: one run measures everything the README's results table shows.

    python3 benchmarks/run.py [--quick]

Measured, on the sample briefing content/kazakhstan-2021-11 (en + ru):
  check                         `briefgen check` (median of 5 runs)
  cold build                    `briefgen build --force`, en + ru, PDF + HTML (median of 3)
  floor                         the plain `weasyprint` command on each edition's print HTML (median of 3;
                                the slower edition counts), both commands started at once, and the
                                command writing the same tagged PDF/UA-1 as briefgen (--pdf-variant)
  nothing changed               `briefgen build` again (median of 5)
  preview                       `briefgen serve`: save → refreshed HTML, → refreshed PDF (median of 5 saves)
  one prisoner edited           `briefgen build` after changing one prisoner's sentence
  annex of N rows               a generated brief whose annex lists N prisoners, English PDF only,
                                as compact entries and as a table: pages, seconds, seconds per page,
                                peak memory (largest process)
  PDF size                      per edition of the sample
Each command runs in a fresh process, as a user would run it. A fixed pure-Python loop is timed
before and after (calibration), to tell a busy shared machine from a quiet one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Measure as a user's machine runs: Python caches compiled bytecode (some sandboxes and CI
#: images set PYTHONDONTWRITEBYTECODE, which makes every start compile briefgen anew).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
SAMPLE = ROOT / "content" / "kazakhstan-2021-11"


def run(args: list[str], cwd: Path = ROOT) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak RSS in MB of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    # run through a tiny wrapper so that each measurement gets its own process tree's peak
    wrapper = [sys.executable, "-c",
               "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]);"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)"]
    done = subprocess.run(wrapper + args, cwd=cwd, capture_output=True, text=True, env=ENV)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{done.stdout}\n{done.stderr}")
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    del before
    return seconds, peak_kb / 1024


def calibration() -> float:
    """Seconds for a fixed pure-Python loop (best of 3): how fast the machine is right now,
    so that runs made on a busy and on a quiet shared machine can be told apart."""
    def loop() -> float:
        start = time.perf_counter()
        total = 0
        for number in range(5_000_000):
            total += number
        return time.perf_counter() - start
    return min(loop() for _ in range(3))


def run_together(commands: list[list[str]]) -> float:
    """Wall seconds for running ``commands`` at the same time, all to completion."""
    start = time.perf_counter()
    running = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
               for command in commands]
    if any(process.wait() for process in running):
        raise SystemExit(f"failed: {commands}")
    return time.perf_counter() - start


def briefgen(*args: str) -> list[str]:
    return [sys.executable, "-m", "briefgen", *args]


def timed(args: list[str]) -> float:
    """Wall seconds of one run of a command, started directly (no wrapper process)."""
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, capture_output=True, env=ENV, check=True)
    return time.perf_counter() - start


def median_of(count: int, args: list[str]) -> float:
    timed(args)  # warm-up: bytecode and file caches
    return statistics.median(timed(args) for _ in range(count))


def print_html(brief_dir: Path, lang: str) -> str:
    sys.path.insert(0, str(ROOT))
    from briefgen.load.content import load_brief
    from briefgen.editions.render import render_html
    from briefgen.editions.translations import edition_status, localize

    brief = load_brief(brief_dir)
    status = edition_status(brief, lang)
    return render_html(localize(brief, lang, status), lang, status, "print", brief.document.editions)


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def preview_latency(brief_dir: Path, out_dir: Path, saves: int = 5) -> tuple[float, float]:
    """Seconds from saving prisoners.yaml to the refreshed HTML preview, and to the refreshed
    PDF: medians over ``saves`` saves in one preview session, as an officer edits."""
    import threading

    sys.path.insert(0, str(ROOT))
    from briefgen.editions.serve import Preview

    preview = Preview(brief_dir, out_dir, lang="en")
    preview.rebuild()  # the first build, as `briefgen serve` does on start
    watcher = threading.Thread(target=preview.watch, daemon=True)
    watcher.start()
    time.sleep(1.0)
    prisoners = brief_dir / "prisoners.yaml"
    to_html, to_pdf = [], []
    for _ in range(saves):
        seen = preview.version
        saved = time.perf_counter()
        prisoners.write_text(one_sentence_longer(prisoners.read_text(encoding="utf-8")), encoding="utf-8")
        with preview.changed:
            html_seen = preview.changed.wait_for(lambda: preview.version > seen and not preview.error, timeout=60)
            html_at = time.perf_counter()
            pdf_seen = preview.changed.wait_for(lambda: not preview.pdf_pending, timeout=120)
            pdf_at = time.perf_counter()
        if not (html_seen and pdf_seen):
            raise SystemExit(f"the preview did not refresh: {preview.error}")
        to_html.append(html_at - saved)
        to_pdf.append(pdf_at - saved)
        time.sleep(0.5)  # an officer reads before saving again
    preview.stop.set()
    watcher.join(timeout=5)
    return statistics.median(to_html), statistics.median(to_pdf)


def one_sentence_longer(prisoners_yaml: str) -> str:
    """The prisoners file with the first prison sentence one year longer: a real change."""
    return re.sub(r"years: (\d+)", lambda match: f"years: {int(match[1]) + 1}", prisoners_yaml, count=1)


def annex_brief(target: Path, rows: int, style: str = "entries") -> None:
    """A brief whose annex lists ``rows`` generated prisoners (``style``: entries or table)."""
    target.mkdir(parents=True)
    (target / "brief.yaml").write_text(
        "title: Annex benchmark\ndate: 2021-11-01\nauthor: Benchmark\nlanguages: [en]\n"
        "chapters:\n  - id: summary\n    title: Summary\n    blocks:\n"
        "      - \"As of {prisoners.as_of} there are {prisoners.phrase}.\"\n"
        "annexes:\n  - id: list\n    title: List of political prisoners\n    blocks:\n      - data: prisoners\n"
        f"        style: {style}\n",
        encoding="utf-8")
    lines = ["as_of: 2021-10-26", "prisoners:"]
    for index in range(rows):
        lines += [f"  - id: person-{index}", f"    name: Person Number{index} Testname",
                  "    status: imprisoned", "    charges: \"extremism, inciting social discord\"",
                  "    articles: [\"174\", \"405\"]", "    sentenced: 2021-10-11",
                  "    sentence: {kind: imprisonment, years: 5, ban_years: 5}"]
    (target / "prisoners.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="annexes of 100 and 1,000 rows only")
    parser.add_argument("--json", type=Path, help="also write the results here")
    options = parser.parse_args()
    results: dict[str, object] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
    }
    results["calibration_before_s"] = calibration()
    work = Path(tempfile.mkdtemp(prefix="briefgen-bench-"))
    try:
        brief = work / "kazakhstan-2021-11"
        shutil.copytree(SAMPLE, brief)
        out = work / "out"
        results["check_s"] = median_of(5, briefgen("check", str(brief)))
        # the build, then the floor, three times over, alternating: medians, so that a noisy
        # neighbour on a shared machine weighs on both sides alike
        colds, peaks, floors, together = [], [], {"en": [], "ru": []}, []
        tagged_floors: dict[str, list[float]] = {"en": [], "ru": []}
        htmls = {}
        for lang in ("en", "ru"):
            htmls[lang] = work / f"print.{lang}.html"
            htmls[lang].write_text(print_html(brief, lang), encoding="utf-8")
        floor_command = lambda lang, *options: ["weasyprint", *options, "--base-url", str(brief) + "/",  # noqa: E731
                                                str(htmls[lang]), str(work / f"floor.{lang}.pdf")]
        for _ in range(3):
            seconds, peak = run(briefgen("build", str(brief), "--out", str(out), "--force"))
            colds.append(seconds)
            peaks.append(peak)
            for lang in ("en", "ru"):
                floors[lang].append(run(floor_command(lang))[0])
                tagged_floors[lang].append(run(floor_command(lang, "--pdf-variant", "pdf/ua-1"))[0])
            together.append(run_together([floor_command("en"), floor_command("ru")]))
        cold = statistics.median(colds)
        results["cold_build_s"], results["cold_build_peak_mb"] = cold, max(peaks)
        results["cold_build_runs_s"] = [round(x, 2) for x in colds]
        results["floor_s"] = {lang: statistics.median(times) for lang, times in floors.items()}
        results["floor_both_at_once_s"] = statistics.median(together)
        results["cold_over_floor"] = cold / max(results["floor_s"].values())
        results["cold_over_floor_both_at_once"] = cold / results["floor_both_at_once_s"]
        results["tagged_floor_s"] = {lang: statistics.median(times) for lang, times in tagged_floors.items()}
        results["cold_over_tagged_floor"] = cold / max(results["tagged_floor_s"].values())

        results["nothing_changed_s"] = median_of(5, briefgen("build", str(brief), "--out", str(out)))
        prisoners = brief / "prisoners.yaml"
        text = prisoners.read_text(encoding="utf-8")
        prisoners.write_text(one_sentence_longer(text), encoding="utf-8")
        results["one_prisoner_edit_s"] = run(briefgen("build", str(brief), "--out", str(out)))[0]
        results["preview_html_s"], results["preview_pdf_s"] = preview_latency(brief, work / "preview")
        results["pdf_kb"] = {lang: round((out / brief.name / f"{brief.name}.{lang}.pdf").stat().st_size / 1024)
                             for lang in ("en", "ru")}

        annexes = {}
        for style in ("entries", "table"):
            for rows in ((100, 1000) if options.quick else (100, 1000, 5000)):
                folder = work / f"annex-{style}-{rows}"
                annex_brief(folder, rows, style)
                seconds, peak = run(briefgen("build", str(folder), "--out", str(work / "annex-out"), "-f", "pdf", "--force"))
                pages = pdf_pages(work / "annex-out" / folder.name / f"{folder.name}.en.pdf")
                annexes[f"{style} {rows}"] = {"pages": pages, "seconds": round(seconds, 2),
                                               "s_per_page": round(seconds / pages, 4), "peak_mb": round(peak)}
        results["annex"] = annexes
    finally:
        shutil.rmtree(work, ignore_errors=True)

    results["calibration_after_s"] = calibration()
    print(f"machine: {results['machine']}")
    print(f"calibration loop           {results['calibration_before_s']:.3f} s before, "
          f"{results['calibration_after_s']:.3f} s after (lower = machine quieter)")
    print(f"check                      {results['check_s']:.2f} s")
    floors = results["floor_s"]
    print(f"cold build en+ru pdf+html  {results['cold_build_s']:.2f} s  (runs {results['cold_build_runs_s']}, peak {results['cold_build_peak_mb']:.0f} MB)")
    print(f"floor (weasyprint CLI)     en {floors['en']:.2f} s, ru {floors['ru']:.2f} s → ratio {results['cold_over_floor']:.2f}")
    print(f"floor, en and ru at once   {results['floor_both_at_once_s']:.2f} s → ratio {results['cold_over_floor_both_at_once']:.2f}")
    tagged = results["tagged_floor_s"]
    print(f"floor, tagged (pdf/ua-1)   en {tagged['en']:.2f} s, ru {tagged['ru']:.2f} s → ratio {results['cold_over_tagged_floor']:.2f}")
    print(f"nothing changed            {results['nothing_changed_s']:.2f} s")
    print(f"one prisoner edited        {results['one_prisoner_edit_s']:.2f} s")
    print(f"save → preview HTML / PDF  {results['preview_html_s']:.2f} s / {results['preview_pdf_s']:.2f} s")
    print(f"PDF size                   en {results['pdf_kb']['en']} KB, ru {results['pdf_kb']['ru']} KB")
    for name, row in annexes.items():
        style, rows = name.split()
        print(f"annex {style:7} {int(rows):>5} rows  {row['pages']} pages, {row['seconds']} s, {row['s_per_page']} s/page, peak {row['peak_mb']} MB")
    if options.json:
        options.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
