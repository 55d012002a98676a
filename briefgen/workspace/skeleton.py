"""``briefgen new``: a ready-to-fill brief folder for each kind.

The skeletons are YAML files under ``templates/new/<kind>/`` whose comments
explain each field; ``${date}`` becomes today's date, ``${folder}`` the new
folder, ``${language}`` and ``${languages}`` the workspace's default languages
(``[build] languages`` in briefgen.toml; ``[en, ru]`` outside a workspace). Each
skeleton is a valid brief that builds as it is; a briefing comes with every data
file it can use (prisoners, prosecuted, killed, sanctions, recommendations).
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from string import Template

from briefgen import TEMPLATES_DIR
from briefgen.errors import BriefgenError, display_path
from briefgen.load.model import KIND_HINT, KINDS

SKELETONS_DIR = TEMPLATES_DIR / "new"


def create_brief(slug: str, kind: str = "briefing", parent: Path = Path("content"),
                 today: _dt.date | None = None, languages: list[str] | None = None) -> Path:
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
    if languages is None:
        from briefgen.workspace import find_workspace

        languages = find_workspace(folder.parent if folder.parent.exists() else None).default_languages
    values = {"date": (today or _dt.date.today()).isoformat(), "folder": display_path(folder),
              "language": languages[0], "languages": "[" + ", ".join(languages) + "]"}
    files = sorted((SKELETONS_DIR / kind).glob("*.yaml"))
    if not files:
        raise BriefgenError(f"the skeletons of '{kind}' are missing from {SKELETONS_DIR}: reinstall briefgen")
    folder.mkdir(parents=True)
    for source in files:
        text = Template(source.read_text(encoding="utf-8")).substitute(values)
        (folder / source.name).write_text(text, encoding="utf-8")
    return folder
