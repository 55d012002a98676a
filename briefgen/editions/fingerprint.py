"""What an edition was made from, as one hash, and the manifest that records it.

Each output file (``<slug>.<lang>.<format>``, ``<slug>.<lang>.restricted.<format>``) carries a fingerprint of
everything it was made from: the brief's content files and images, its own
language's translation catalog, the templates, stylesheets and the tool's
catalog for that language, the fonts, and the versions of briefgen and
WeasyPrint. The manifest ``output/<slug>/.briefgen-manifest.json`` maps each
output to its fingerprint, so a rebuild with nothing changed renders nothing
— and needs no YAML parsing and no WeasyPrint import to find that out — and
``send`` can refuse an edition older than its sources.

This module imports nothing heavy on purpose.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from briefgen import TEMPLATES_DIR, __version__
from briefgen.editions.output import edition_path, write_atomic
from briefgen.load.safefile import brief_slug
from briefgen.load.safefile import FileRefused, read_bounded

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # briefgen/, all its stages
MANIFEST = ".briefgen-manifest.json"
FORMATS = ("pdf", "html")
MAX_HASHED_BYTES = 64 * 1024 * 1024
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
#: the stage (briefgen/delivery/) and the templates (templates/email/) that only send editions,
#: and so never change one
SEND_ONLY = ("delivery", "email")


def code_files() -> list[Path]:
    """briefgen's own modules that make an edition: every stage but delivery."""
    return [path for path in PACKAGE_DIR.rglob("*.py")
            if not {"__pycache__", *SEND_ONLY} & set(path.relative_to(PACKAGE_DIR).parts)]


def _hash_files(digest, files: list[Path], base: Path) -> None:
    for path in sorted(files):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(b"\0")
        try:  # bounded: a brief's link to a huge file must not stall the no-change check
            digest.update(read_bounded(path, None, MAX_HASHED_BYTES))
        except (FileRefused, OSError) as error:
            digest.update(f"unreadable: {error}".encode())  # validation reports it at its file
        digest.update(b"\0")


@lru_cache(maxsize=None)
def tool_fingerprint() -> str:
    """briefgen's own code and version, WeasyPrint's version and the installed fonts."""
    digest = hashlib.sha256(f"briefgen {__version__}".encode())
    try:
        digest.update(f"weasyprint {metadata.version('weasyprint')}".encode())
    except metadata.PackageNotFoundError:
        pass
    _hash_files(digest, code_files(), PACKAGE_DIR)
    for font_dir in FONT_DIRS:
        if font_dir.is_dir():
            for root, _, names in os.walk(font_dir):
                for name in sorted(names):
                    if name.lower().endswith((".ttf", ".otf", ".ttc", ".woff", ".woff2")):
                        stat = (Path(root) / name).stat()
                        digest.update(f"{root}/{name}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    return digest.hexdigest()


def _template_files(lang: str, base: Path = TEMPLATES_DIR) -> list[Path]:
    from briefgen.editions.languages import catalog_names

    names = set(catalog_names(lang))
    files = []
    for path in base.rglob("*"):
        if not path.is_file():
            continue
        parts = path.relative_to(base).parts
        if parts[0] == "locale" and len(parts) > 2 and parts[1] not in names:
            continue  # another language's catalog does not change this edition
        if parts[0] in SEND_ONLY:
            continue  # the cover email's templates
        if path.suffix in (".mo", ".pyc"):
            continue
        files.append(path)
    return files


def _content_files(brief_dir: Path, lang: str) -> list[Path]:
    files = []
    for path in brief_dir.rglob("*"):
        if not path.is_file() or any(part.startswith(".") for part in path.relative_to(brief_dir).parts):
            continue
        relative = path.relative_to(brief_dir)
        if relative.parts[0] == "translations" and path.suffix == ".po" and path.stem != lang:
            continue  # another language's translation does not change this edition
        if relative == Path("cover.md"):
            continue  # the cover email's text is no part of the edition
        files.append(path)
    return files


#: Values in _brand.yml that name files the edition loads (a logo, fonts).
_BRAND_FILE = re.compile(r"""[:\-]\s*["']?([^"'\s#]+\.(?:svg|png|ttf|otf|woff2?))["']?\s*(?:#.*)?$""", re.I | re.M)


def _workspace_files(brief_dir: Path, lang: str) -> tuple[Path, list[Path]]:
    """The workspace's files that change an edition: its template overrides, its own catalog of
    ``lang``, its brand file and the files the brand names (found without parsing the YAML)."""
    from briefgen.workspace import workspace_of_brief

    workspace = workspace_of_brief(brief_dir)
    files = []
    if workspace.templates_dir:
        files += _template_files(lang, workspace.templates_dir)
    if workspace.locale_dir:
        from briefgen.editions.languages import catalog_names

        files += [workspace.locale_dir / name / "LC_MESSAGES" / "messages.po" for name in catalog_names(lang)]
    if workspace.brand_file:
        files.append(workspace.brand_file)
        for name in _BRAND_FILE.findall(workspace.brand_file.read_text(encoding="utf-8")):
            path = (workspace.root / name).resolve()
            if path.is_file() and workspace.root.resolve() in path.parents:
                files.append(path)
    return workspace.root.resolve(), sorted(set(f.resolve() for f in files if f.is_file()))


def edition_fingerprint(brief_dir: Path, lang: str, fmt: str) -> str:
    """The fingerprint of ``<slug>.<lang>.<fmt>`` as it would be built now."""
    brief_dir = Path(brief_dir)
    digest = hashlib.sha256(f"{fmt}\0{lang}\0{tool_fingerprint()}\0".encode())
    _hash_files(digest, _template_files(lang), TEMPLATES_DIR)
    digest.update(b"\1workspace\1")
    root, files = _workspace_files(brief_dir, lang)
    _hash_files(digest, files, root)
    digest.update(b"\1content\1")
    _hash_files(digest, _content_files(brief_dir, lang), brief_dir)
    return digest.hexdigest()


def manifest_path(out_dir: Path, slug: str) -> Path:
    return edition_path(out_dir, slug, MANIFEST)


def read_manifest(out_dir: Path, slug: str) -> dict:
    """The manifest of a brief's outputs ({} when there is none or it is unreadable)."""
    try:
        return json.loads(manifest_path(out_dir, slug).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def record(out_dir: Path, slug: str, entries: dict[str, dict], languages: list[str] | None = None,
           restricted_content: bool | None = None) -> None:
    """Merge ``entries`` (output file name → facts) into the manifest; ``languages`` are
    the brief's editions, recorded when all of them were built; ``restricted_content``
    whether its public and restricted editions differ (they then have two file names)."""
    manifest = read_manifest(out_dir, slug)
    manifest.setdefault("outputs", {}).update(entries)
    if restricted_content is not None:
        manifest["restricted_content"] = restricted_content
    if languages:
        manifest["languages"] = languages
    write_atomic(manifest_path(out_dir, slug), json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False))


def up_to_date(outputs: dict, path: Path, digest: str, listed: dict | None = None) -> bool:
    """Whether output ``path`` exists and the manifest's ``outputs`` record it as made from ``digest``
    (and, if given, naming the other editions ``listed``, as "also available in" does)."""
    entry = outputs.get(Path(path).name, {})
    if listed is not None and entry.get("listed", listed) != listed:
        return False
    return entry.get("fingerprint") == digest and Path(path).is_file()


def built_editions(out_dir: Path, slug: str, codes: list[str], outputs: dict, now: dict[str, bool],
                   formats) -> dict[str, dict]:
    """The editions another edition may name: those built now (``now``: code → complete) and
    those already on disk, each with whether it is complete and whether its HTML file exists
    (only that is ever linked)."""
    available = {}
    for code in codes:
        html = output_path(out_dir, slug, code, "html")
        if code in now:
            available[code] = {"complete": now[code], "html": "html" in formats or html.is_file()}
            continue
        built = [outputs[path.name] for path in (output_path(out_dir, slug, code, fmt) for fmt in FORMATS)
                 if path.name in outputs and path.is_file()]
        if built:
            available[code] = {"complete": all(entry.get("complete") for entry in built), "html": html.is_file()}
    return available


def others(available: dict[str, dict], lang: str) -> dict[str, dict]:
    """What the edition ``lang`` lists: the other available editions."""
    return {code: facts for code, facts in available.items() if code != lang}


@dataclass
class Edition:
    """One language of a brief: what was written, what was already up to date."""

    lang: str
    percent: float
    stale: int = 0
    missing: int = 0
    source: bool = False
    written: list[Path] = field(default_factory=list)
    up_to_date: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # problems that do not stop a build without --strict


#: The audience of each format when neither briefgen.toml's ``[build] audiences`` nor
#: ``--audience`` says: the web gets public HTML and a public PDF, ``send`` the restricted PDF.
DEFAULT_AUDIENCES = {"pdf": ("public", "restricted"), "html": ("public",)}


def output_path(out_dir: Path, slug: str, lang: str, fmt: str, audience: str = "public") -> Path:
    """``<slug>.<lang>.<fmt>``, or ``<slug>.<lang>.restricted.<fmt>`` for a restricted edition
    (only briefs with restricted content have one; see briefgen/editions/audience.py)."""
    middle = ".restricted" if audience == "restricted" else ""
    return edition_path(out_dir, slug, f"{slug}.{lang}{middle}.{fmt}")


def audience_outputs(formats, audiences: dict | None, split: bool) -> list[tuple[str, str]]:
    """(format, audience) of each output to build: a brief without restricted content
    (``split`` false) has one edition per format, whatever the audience asked for."""
    audiences = audiences or DEFAULT_AUDIENCES
    pairs = []
    for fmt in formats:
        for audience in audiences.get(fmt, DEFAULT_AUDIENCES[fmt]) if split else ("public",):
            pairs.append((fmt, audience))
    return list(dict.fromkeys(pairs))


def unchanged_editions(root: Path, formats, languages, out_dir: Path, strict: bool,
                       audiences: dict | None = None) -> list[Edition] | None:
    """The editions as recorded by the last build if every requested output is up to date, else None.

    Reads only the manifest and hashes files: no YAML parsing, no WeasyPrint.
    """
    manifest = read_manifest(out_dir, brief_slug(root))
    langs = languages or manifest.get("languages")
    outputs = manifest.get("outputs", {})
    if not langs or "restricted_content" not in manifest:
        return None
    pairs = audience_outputs(formats, audiences, manifest["restricted_content"])
    editions = []
    now = {lang: all(outputs.get(output_path(out_dir, root.name, lang, fmt).name, {}).get("complete") for fmt in formats)
           for lang in langs}
    available = built_editions(out_dir, root.name, manifest.get("languages") or langs, outputs, now, formats)
    for lang in langs:
        paths = [output_path(out_dir, brief_slug(root), lang, fmt, audience) for fmt, audience in pairs]
        entries = [outputs.get(path.name) for path in paths]
        if not all(entries) or (strict and not all(e.get("complete") for e in entries)):
            return None
        if not all(up_to_date(outputs, path, edition_fingerprint(root, lang, fmt), others(available, lang))
                   for path, (fmt, _) in zip(paths, pairs)):
            return None
        first = entries[0]
        editions.append(Edition(lang, first.get("percent", 100.0), first.get("stale", 0), first.get("missing", 0),
                                first.get("source", False), up_to_date=paths, notes=first.get("notes", [])))
    return editions
