#!/bin/sh
# The package as a user installs it: build the wheel, install it into a fresh virtual
# environment, and from an empty folder outside the repository run init, new, build,
# check and a dry-run send. The venv sees the system's site-packages (WeasyPrint's
# dependencies are not downloaded again), but briefgen itself must come from the wheel:
# the script fails if it is imported from anywhere else.
set -eu
REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "check-wheel: building the wheel"
# from a clean copy of the sources: setuptools' build/ folder in the checkout could hold files since removed
mkdir "$WORK/src"
tar -C "$REPO" --exclude=./.git --exclude=./output --exclude=./.cache --exclude=./build --exclude='*.egg-info' \
    --exclude=./.hypothesis --exclude=__pycache__ -cf - . | tar -C "$WORK/src" -xf -
python3 -m pip wheel -q --no-deps --disable-pip-version-check -w "$WORK/dist" "$WORK/src" >/dev/null
# every file of templates/ is in the wheel (as briefgen/templates/), and no compiled catalog
python3 - "$REPO" "$WORK"/dist/briefgen-*.whl <<'PY'
import sys, zipfile
from pathlib import Path
repo, wheel = Path(sys.argv[1]), sys.argv[2]
names = set(zipfile.ZipFile(wheel).namelist())
sources = {"briefgen/templates/" + str(p.relative_to(repo / "templates")) for p in (repo / "templates").rglob("*")
           if p.is_file() and p.suffix not in (".mo", ".pyc") and "__pycache__" not in p.parts}
assert not sources - names, f"missing from the wheel: {sorted(sources - names)}"
assert not [n for n in names if n.endswith(".mo") or n.startswith(("tests/", "content/"))], "stray files in the wheel"
print(f"check-wheel: {len(sources)} template files in the wheel")
PY
python3 -m venv --system-site-packages "$WORK/venv"
VENV_PY="$WORK/venv/bin/python"
"$VENV_PY" -m pip install -q --disable-pip-version-check --no-deps --force-reinstall "$WORK"/dist/briefgen-*.whl
BRIEFGEN="$WORK/venv/bin/briefgen"
mkdir "$WORK/ngo"
cd "$WORK/ngo"
# an installed briefgen, not the checkout (the system may hold an editable install of it)
"$VENV_PY" - "$WORK/venv" <<'PY'
import sys, briefgen
from pathlib import Path
where = Path(briefgen.__file__).resolve()
assert Path(sys.argv[1]).resolve() in where.parents, f"briefgen imported from {where}, not from the wheel"
assert (Path(briefgen.TEMPLATES_DIR) / "base.html.j2").is_file(), briefgen.TEMPLATES_DIR
assert Path(sys.argv[1]).resolve() in Path(briefgen.TEMPLATES_DIR).resolve().parents, briefgen.TEMPLATES_DIR
print(f"check-wheel: briefgen from {where.parent}")
PY
"$BRIEFGEN" init --name "Example NGO" --language en --language de
# the organisation's brand (a logo and a colour) and one template override
"$VENV_PY" -c 'from PIL import Image; Image.new("RGB", (90, 30), (10, 127, 63)).save("logo.png")'
printf 'meta:\n  name: "Example NGO"\nlogo: logo.png\ncolor:\n  primary: "#0a7f3f"\n' > _brand.yml
mkdir -p templates/partials
cp "$("$VENV_PY" -c 'import briefgen; print(briefgen.TEMPLATES_DIR)')/partials/brand.html.j2" templates/partials/
echo '<p class="override">Published by Example NGO</p>' >> templates/partials/brand.html.j2
"$BRIEFGEN" new first-briefing
(cd content/first-briefing && "$BRIEFGEN" build) | tee build.log
grep -q '<html lang="de"' output/first-briefing/first-briefing.de.html
"$VENV_PY" - <<'PY'
import subprocess
import pdfplumber
from pypdf import PdfReader
from briefgen.editions import i18n
log = open("build.log", encoding="utf-8").read()
for lang in ("en", "de"):
    pdf, html = (f"output/first-briefing/first-briefing.{lang}.{ext}" for ext in ("pdf", "html"))
    page = open(html, encoding="utf-8").read()
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert any(image.image.size == (90, 30) for image in PdfReader(pdf).pages[0].images), f"{lang}: no logo in the PDF"
    assert '<header class="brand-logo"><img src="data:image/png;base64,' in page, f"{lang}: no logo in the HTML"
    assert "Published by Example NGO" in page and "Published by Example NGO" in text, f"{lang}: override not used"
    with pdfplumber.open(pdf) as document:
        title = [c for c in document.pages[0].chars if c["size"] > 14]
    assert title and {tuple(round(v * 255) for v in c["non_stroking_color"]) for c in title} == {(10, 127, 63)}, lang
missing, total = i18n.tool_strings_missing("de")
label = i18n.template_translations("de").gettext("Page %(page)s of %(pages)s") % {"page": 1, "pages": 1}
if missing:  # until briefgen ships a complete German catalog, the build must say so
    assert "not translated into Deutsch (de)" in log, log
else:
    assert label in text and label != "Page 1 of 1", label
print(f"check-wheel: logo, colour and override in the PDF and HTML (en, de); German tool strings: "
      f"{total - missing} of {total}")
PY
"$BRIEFGEN" check
printf 'name,email,language,salutation\nAnna Example,anna@example.org,de,Ms\n' > recipients.csv
"$BRIEFGEN" send content/first-briefing --recipients recipients.csv
test -s output/first-briefing/outbox/001-anna@example.org.eml
"$BRIEFGEN" doctor
echo "check-wheel: init, a brand and an override, new, build, check, send (dry run) and doctor work from the installed wheel"
