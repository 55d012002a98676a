"""``briefgen new``: a ready-to-fill brief folder for each kind.

The skeletons are YAML files under ``templates/new/<kind>/`` whose comments
explain each field; ``${date}`` becomes today's date and ``${folder}`` the new
folder. Each skeleton is a valid brief that builds as it is.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from string import Template

from briefgen import TEMPLATES_DIR
from briefgen.errors import BriefgenError, display_path
from briefgen.model import KIND_HINT, KINDS

SKELETONS_DIR = TEMPLATES_DIR / "new"


def create_brief(slug: str, kind: str = "briefing", parent: Path = Path("content"),
                 today: _dt.date | None = None) -> Path:
    """Write the skeleton of ``kind`` into ``parent/slug``; return the new folder.

    Refuses a slug that cannot name the outputs and a folder that already exists.
    """
    if kind not in KINDS:
        raise BriefgenError(f"unknown kind '{kind}': {KIND_HINT}")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
        raise BriefgenError(f"'{slug}' cannot name a brief: use lowercase letters, digits and dashes "
                            f"(e.g. interview-lobachev-2021-04); it names the output files")
    folder = Path(parent) / slug
    if folder.exists():
        raise BriefgenError(f"{display_path(folder)} already exists: choose another name, or remove the folder first")
    values = {"date": (today or _dt.date.today()).isoformat(), "folder": display_path(folder)}
    files = sorted((SKELETONS_DIR / kind).glob("*.yaml"))
    folder.mkdir(parents=True)
    for source in files:
        text = Template(source.read_text(encoding="utf-8")).substitute(values)
        (folder / source.name).write_text(text, encoding="utf-8")
    return folder
