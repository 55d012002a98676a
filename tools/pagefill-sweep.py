#!/usr/bin/env python3
"""Count the pages left with more than 3 empty lines above their notes in random briefs, with and
without briefgen's page-fill corrections (briefgen.editions.pagefill, and the page laid out again
of briefgen.editions.rebreak), and say what the remaining gaps have in common.

    python3 tools/pagefill-sweep.py [--seeds 40]

The briefs are tests/test_pagefill.py's ``random_brief``: the briefing's stylesheets on A6 pages,
paragraphs, lists and subheadings, notes of 1 to 12 lines, some calls side by side. Each is laid
out as briefgen does (``pdf.render_document``), in a process with every correction, one without the
page's second layout (rebreak_for_notes) and one without page filling at all, and measured by the
typographic check (tests/typography.py).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEASURE = """
import json, re, sys, tempfile
from pathlib import Path
sys.path[:0] = [{root!r}, {tests!r}]
from briefgen.editions import weasyfix
if {without} == "fill":
    weasyfix.fill_pages = lambda: False
elif {without} == "rebreak":
    weasyfix.rebreak_for_notes = lambda: False
from briefgen.editions.pdf import render_document
from test_pagefill import SMALL_MARGINS, random_brief
from typography import check_pdf
out = []
for seed in {seeds!r}:
    folder = Path(tempfile.mkdtemp())
    render_document(random_brief(seed), folder, [folder]).write_pdf(folder / "brief.pdf")
    report = check_pdf(folder / "brief.pdf", "en", margins=SMALL_MARGINS)
    for gap in report.defects["page_gap"]:
        following = [line.text for line in report.pages[gap.page].region("body")[:4]]
        out.append({{"seed": seed, "page": gap.page, "side_by_side": any(re.search(r"\\d+,\\d+", t) for t in following)}})
print(json.dumps(out))
"""


def gaps(seeds: list[int], without: str) -> list[dict]:
    code = MEASURE.format(root=str(ROOT), tests=str(ROOT / "tests"), without=repr(without), seeds=seeds)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tempfile.gettempdir())
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=40, help="how many random briefs (default 40)")
    args = parser.parse_args()
    seeds = list(range(args.seeds))
    with_fill, without_rebreak, without_fill = gaps(seeds, ""), gaps(seeds, "rebreak"), gaps(seeds, "fill")
    side = sum(gap["side_by_side"] for gap in with_fill)
    print(f"{len(seeds)} random briefs: pages with more than 3 empty lines above their notes")
    for name, found in (("without page filling", without_fill), ("without the second layout", without_rebreak),
                        ("with both", with_fill)):
        print(f"  {name:26s} {len(found):4d} (in {len({g['seed'] for g in found})} briefs)")
    print(f"  {side} of the last before calls side by side on the next page's first lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
