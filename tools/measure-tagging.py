"""Measure what tagging (PDF/UA-1) costs: each edition of the sample is laid out once, then
written alternately with and without tags. Run from the repository: python3 tools/measure-tagging.py"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefgen.load.content import load_brief  # noqa: E402
from briefgen import TEMPLATES_DIR  # noqa: E402
from briefgen.editions.pdf import PDF_VARIANT, render_document  # noqa: E402
from briefgen.editions.render import render_html  # noqa: E402
from briefgen.editions.translations import edition_status, localize  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "content" / "kazakhstan-2021-11"
ROUNDS = 10

brief = load_brief(SAMPLE)
times: dict[str | None, list[float]] = {None: [], PDF_VARIANT: []}
sizes: dict[str | None, int] = {}
for lang in brief.document.editions:
    status = edition_status(brief, lang)
    html = render_html(localize(brief, lang, status), lang, status, "print", brief.document.editions)
    start = time.perf_counter()
    document = render_document(html, SAMPLE, [SAMPLE, TEMPLATES_DIR])
    print(f"{lang}: layout {time.perf_counter() - start:.2f} s")
    for _ in range(ROUNDS):
        for variant in times:
            start = time.perf_counter()
            data = document.write_pdf(pdf_variant=variant)
            times[variant].append(time.perf_counter() - start)
            if lang == "en":
                sizes.setdefault(variant, len(data))
for variant, values in times.items():
    print(f"write {variant or 'untagged'}: best {min(values):.3f} s, median {statistics.median(values):.3f} s, "
          f"en {sizes[variant] // 1000} KB")
