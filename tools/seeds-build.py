#!/usr/bin/env python3
"""Build the stress brief of tests/stress.py for some seeds, in English and Russian (PDF only).

    python3 tools/seeds-build.py OUT 1,2,3

writes OUT/src<seed>/stress-<lang>/ (the brief) and OUT/o<seed>/stress-<lang>/ (its PDF); measure them
with ``python3 tools/typography-report.py --details OUT/o*/*/*.pdf``. Run from the checkout's root so
that its briefgen is the one used.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from stress import write_stress_brief  # noqa: E402

from briefgen.editions.build import build_brief  # noqa: E402

out = Path(sys.argv[1])
out.mkdir(exist_ok=True)
for seed in [int(s) for s in sys.argv[2].split(",")]:
    for lang in ("en", "ru"):
        folder = out / f"src{seed}"
        folder.mkdir(exist_ok=True)
        brief = write_stress_brief(folder, lang, seed)
        build_brief(brief, out_dir=out / f"o{seed}", formats=("pdf",), strict=False)
