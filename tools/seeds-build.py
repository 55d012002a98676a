import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from stress import write_stress_brief
from briefgen.editions.build import build_brief
out = Path(sys.argv[1]); out.mkdir(exist_ok=True)
for seed in [int(s) for s in sys.argv[2].split(",")]:
    for lang in ("en", "ru"):
        folder = out / f"src{seed}"; folder.mkdir(exist_ok=True)
        brief = write_stress_brief(folder, lang, seed)
        build_brief(brief, out_dir=out / f"o{seed}", formats=("pdf",), strict=False)
