#!/usr/bin/env python3
"""Print the typographic check's counts for PDFs: one column per PDF, one row per defect class.

    python3 tools/typography-report.py output/kazakhstan-2021-11/*.pdf [--details] [--markdown] [--margins M]

The language of each PDF is taken from its name (``<slug>.<lang>.pdf``); ``--details`` adds the
pages and excerpts of every defect (as the tests print them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from typography import CLASSES, check_pdf, css_margins  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="+", type=Path)
    parser.add_argument("--details", action="store_true", help="list every defect with its page and text")
    parser.add_argument("--markdown", action="store_true", help="a Markdown table (for the README)")
    parser.add_argument("--margins", help="the @page margins as in CSS (\"22mm 20mm 24mm 22mm\"); "
                                          "default: those of templates/print.css")
    args = parser.parse_args()
    margins = css_margins(f"@page {{ margin: {args.margins} }}") if args.margins else None
    reports = []
    for path in args.pdfs:
        suffixes = path.name.split(".")
        lang = suffixes[-2] if len(suffixes) >= 3 else None
        reports.append(check_pdf(path, lang, margins))
    names = [r.path.name.replace(".pdf", "") for r in reports]
    rows = [(name, [r.counts()[name] for r in reports]) for name in CLASSES]
    rows.append(("total", [r.total() for r in reports]))
    if args.markdown:
        print("| class | " + " | ".join(f"`{n}`" for n in names) + " |")
        print("|---|" + "---:|" * len(names))
        for name, counts in rows:
            print(f"| {name} | " + " | ".join(str(c) for c in counts) + " |")
    else:
        width = max(len(n) for n in CLASSES)
        print(" " * width + "  " + "  ".join(f"{n[-12:]:>12}" for n in names))
        for name, counts in rows:
            print(f"{name:<{width}}  " + "  ".join(f"{c:>12}" for c in counts))
    if args.details:
        for report in reports:
            print()
            print(report.summary(per_class=1000))
    return 0


if __name__ == "__main__":
    sys.exit(main())
