"""Lays out an HTML file with WeasyPrint and some of briefgen's corrections, in a process of its own.

    python tests/weasyprint_child.py HTML_FILE BASE_DIR [CORRECTION ...] [--pdf=OUT]

CORRECTION names a function of briefgen.editions.weasyfix to apply first. Prints JSON: the
text of each page, and the footnotes found off their call's page; with ``--pdf=OUT``
also writes the PDF there. The tests compare it with a layout made in the test
process, where every correction is applied.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# this checkout's briefgen, not an installed one (run as a script, the tests folder comes first)
sys.path.insert(0, str(ROOT))


def page_texts(document) -> list[str]:
    """The text of each laid-out page, in box order: two layouts with the same
    texts put the same lines and notes on the same pages."""
    def walk(box, out):
        if getattr(box, "text", None):
            out.append(box.text)
        for child in getattr(box, "children", None) or ():
            walk(child, out)
        return out
    return [" ".join(walk(page._page_box, [])) for page in document.pages]


def main(html_file: str, base_dir: str, *arguments: str) -> None:
    from weasyprint import HTML

    from briefgen.editions import weasyfix
    from briefgen.editions.door import Door
    from briefgen.editions.pdf import make_fetcher, misplaced_footnotes

    corrections = [name for name in arguments if not name.startswith("--pdf=")]
    pdf = [name.split("=", 1)[1] for name in arguments if name.startswith("--pdf=")]
    for name in corrections:
        assert getattr(weasyfix, name)() is True, name
    base = Path(base_dir)
    document = HTML(string=Path(html_file).read_text(encoding="utf-8"), base_url=base.resolve().as_uri() + "/",
                    url_fetcher=make_fetcher(Door([base, ROOT / "templates"]))).render()
    if pdf:
        document.write_pdf(pdf[0])
    print(json.dumps({"pages": page_texts(document), "misplaced": sorted(misplaced_footnotes(document))}))


if __name__ == "__main__":
    main(*sys.argv[1:])
