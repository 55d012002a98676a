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
"$BRIEFGEN" new first-briefing
(cd content/first-briefing && "$BRIEFGEN" build)
test -s output/first-briefing/first-briefing.en.pdf
test -s output/first-briefing/first-briefing.de.html
grep -q '<html lang="de"' output/first-briefing/first-briefing.de.html
"$BRIEFGEN" check
printf 'name,email,language,salutation\nAnna Example,anna@example.org,de,Ms\n' > recipients.csv
"$BRIEFGEN" send content/first-briefing --recipients recipients.csv
test -s output/first-briefing/outbox/001-anna@example.org.eml
"$BRIEFGEN" doctor
echo "check-wheel: init, new, build, check, send (dry run) and doctor work from the installed wheel"
