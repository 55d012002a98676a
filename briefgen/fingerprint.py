"""What an edition was made from, as one hash, and the manifest that records it.

Each output file (``<slug>.<lang>.<format>``) carries a fingerprint of
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
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from briefgen import TEMPLATES_DIR, __version__
from briefgen.output import write_atomic

PACKAGE_DIR = Path(__file__).resolve().parent
MANIFEST = ".briefgen-manifest.json"
FORMATS = ("pdf", "html")
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
#: code and templates that only send editions, and so never change one
SEND_ONLY = {"recipients.py", "mail.py", "mailconfig.py", "delivery.py", "ledger.py", "ledger_sqlite.py", "ledger_pg.py",
             "sentindex.py", "send.py", "email", "headers.py", "sheets.py", "campaign.py", "cover.py"}


def _hash_files(digest, files: list[Path], base: Path) -> None:
    for path in sorted(files):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")


@lru_cache(maxsize=None)
def tool_fingerprint() -> str:
    """briefgen's own code and version, WeasyPrint's version and the installed fonts."""
    digest = hashlib.sha256(f"briefgen {__version__}".encode())
    try:
        digest.update(f"weasyprint {metadata.version('weasyprint')}".encode())
    except metadata.PackageNotFoundError:
        pass
    _hash_files(digest, [p for p in PACKAGE_DIR.glob("*.py") if p.name not in SEND_ONLY], PACKAGE_DIR)
    for font_dir in FONT_DIRS:
        if font_dir.is_dir():
            for root, _, names in os.walk(font_dir):
                for name in sorted(names):
                    if name.lower().endswith((".ttf", ".otf", ".ttc", ".woff", ".woff2")):
                        stat = (Path(root) / name).stat()
                        digest.update(f"{root}/{name}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    return digest.hexdigest()


def _template_files(lang: str) -> list[Path]:
    files = []
    for path in TEMPLATES_DIR.rglob("*"):
        if not path.is_file():
            continue
        parts = path.relative_to(TEMPLATES_DIR).parts
        if parts[0] == "locale" and len(parts) > 2 and parts[1] != lang:
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


def edition_fingerprint(brief_dir: Path, lang: str, fmt: str) -> str:
    """The fingerprint of ``<slug>.<lang>.<fmt>`` as it would be built now."""
    brief_dir = Path(brief_dir)
    digest = hashlib.sha256(f"{fmt}\0{lang}\0{tool_fingerprint()}\0".encode())
    _hash_files(digest, _template_files(lang), TEMPLATES_DIR)
    digest.update(b"\1content\1")
    _hash_files(digest, _content_files(brief_dir, lang), brief_dir)
    return digest.hexdigest()


def manifest_path(out_dir: Path, slug: str) -> Path:
    return Path(out_dir) / slug / MANIFEST


def read_manifest(out_dir: Path, slug: str) -> dict:
    """The manifest of a brief's outputs ({} when there is none or it is unreadable)."""
    try:
        return json.loads(manifest_path(out_dir, slug).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def record(out_dir: Path, slug: str, entries: dict[str, dict], languages: list[str] | None = None) -> None:
    """Merge ``entries`` (output file name → facts) into the manifest; ``languages`` are
    the brief's editions, recorded when all of them were built."""
    manifest = read_manifest(out_dir, slug)
    manifest.setdefault("outputs", {}).update(entries)
    if languages:
        manifest["languages"] = languages
    write_atomic(manifest_path(out_dir, slug), json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False))


def up_to_date(outputs: dict, path: Path, digest: str) -> bool:
    """Whether output ``path`` exists and the manifest's ``outputs`` record it as made from ``digest``."""
    return outputs.get(Path(path).name, {}).get("fingerprint") == digest and Path(path).is_file()


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


def output_path(out_dir: Path, slug: str, lang: str, fmt: str) -> Path:
    return Path(out_dir) / slug / f"{slug}.{lang}.{fmt}"


def unchanged_editions(root: Path, formats, languages, out_dir: Path, strict: bool) -> list[Edition] | None:
    """The editions as recorded by the last build if every requested output is up to date, else None.

    Reads only the manifest and hashes files: no YAML parsing, no WeasyPrint.
    """
    manifest = read_manifest(out_dir, root.name)
    langs = languages or manifest.get("languages")
    outputs = manifest.get("outputs", {})
    if not langs:
        return None
    editions = []
    for lang in langs:
        paths = [output_path(out_dir, root.name, lang, fmt) for fmt in formats]
        entries = [outputs.get(path.name) for path in paths]
        if not all(entries) or (strict and not all(e.get("complete") for e in entries)):
            return None
        if not all(up_to_date(outputs, path, edition_fingerprint(root, lang, fmt)) for path, fmt in zip(paths, formats)):
            return None
        first = entries[0]
        editions.append(Edition(lang, first.get("percent", 100.0), first.get("stale", 0), first.get("missing", 0),
                                first.get("source", False), up_to_date=paths))
    return editions
