"""``briefgen init``: make a folder a workspace an officer keeps in git.

Writes ``briefgen.toml`` (organisation, default languages, SMTP and ledger, commented),
``_brand.yml`` (brand.yml: name, colours, fonts, logo), ``.gitignore`` (``output/``,
``.briefgen/``) and an empty ``content/`` from ``templates/init/``. An existing file is
never overwritten: a folder that already holds a ``briefgen.toml`` is refused, and an
existing ``.gitignore`` gets only the lines it lacks.
"""

from __future__ import annotations

import json
from pathlib import Path
from string import Template

from briefgen import TEMPLATES_DIR
from briefgen.errors import BriefgenError, display_path
from briefgen.editions.output import write_atomic
from briefgen.workspace import BRAND_NAME, CONFIG_NAME

INIT_DIR = TEMPLATES_DIR / "init"


def create_workspace(folder: Path, organisation: str = "Our organisation",
                     languages: list[str] | None = None) -> list[Path]:
    """Write a workspace into ``folder`` (created if needed); return the files written."""
    from briefgen.editions.languages import check_tags

    languages = languages or ["en"]
    problems = check_tags(languages)
    if problems:
        raise BriefgenError("--language: " + "; ".join(problems))
    folder = Path(folder)
    if (folder / CONFIG_NAME).exists():
        raise BriefgenError(f"{display_path(folder / CONFIG_NAME)} already exists: this folder is a workspace already")
    if not INIT_DIR.is_dir():
        raise BriefgenError(f"the workspace skeleton {INIT_DIR} is missing: reinstall briefgen")
    # TOML and YAML strings alike take a JSON string literal for plain text
    values = {"organisation": json.dumps(organisation, ensure_ascii=False)[1:-1],
              "languages": json.dumps(languages)}
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in (CONFIG_NAME, BRAND_NAME):
        target = folder / name
        if target.exists():
            continue  # an organisation's own brand file is kept
        write_atomic(target, Template((INIT_DIR / name).read_text(encoding="utf-8")).substitute(values))
        written.append(target)
    written += _merge_gitignore(folder / ".gitignore", (INIT_DIR / "gitignore").read_text(encoding="utf-8"))
    (folder / "content").mkdir(exist_ok=True)
    return written


def _merge_gitignore(path: Path, wanted: str) -> list[Path]:
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    have = {line.strip() for line in existing.splitlines()}
    missing = [line for line in wanted.splitlines() if line.strip() and not line.startswith("#")
               and line.strip() not in have]
    if not missing and existing:
        return []
    text = wanted if not existing else existing.rstrip("\n") + "\n" + "\n".join(missing) + "\n"
    write_atomic(path, text)
    return [path]
