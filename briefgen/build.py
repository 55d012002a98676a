"""The pipeline for one brief: load → validate → localize → resolve → render → write."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from briefgen.content import Brief, load_brief, locate_resource, remote_images
from briefgen.door import Door
from briefgen.errors import BriefgenError, Problem, display_path
from briefgen.i18n import TEMPLATES_DIR
from briefgen.output import write_atomic
from briefgen.render import render_html
from briefgen.translations import EditionStatus, catalog_path, check_translations, edition_status, localize

log = logging.getLogger(__name__)

FORMATS = ("pdf", "html")


@dataclass
class Edition:
    """One built language of a brief."""

    lang: str
    status: EditionStatus
    files: list[Path] = field(default_factory=list)


def output_path(out_dir: Path, slug: str, lang: str, fmt: str) -> Path:
    return Path(out_dir) / slug / f"{slug}.{lang}.{fmt}"


def plan_editions(brief: Brief, languages: list[str] | None) -> list[str]:
    """The languages to build: the ones asked for, which must be editions of the brief."""
    editions = brief.document.editions
    if not languages:
        return editions
    unknown = [code for code in languages if code not in editions]
    if unknown:
        raise BriefgenError(
            f"{display_path(brief.root / 'brief.yaml')}: {', '.join(unknown)} is not among this brief's languages "
            f"({', '.join(editions)}): add it to 'languages' in brief.yaml")
    return [code for code in editions if code in languages]


def incomplete_problems(brief: Brief, status: EditionStatus) -> list[Problem]:
    """One problem per missing or stale unit, located at its source text."""
    shown = display_path(catalog_path(brief, status.lang))
    return [brief.problem(item.unit, message=f"{item.state} in {status.lang} ({shown}), key {item.unit.key}")
            for item in status.incomplete]


def build_brief(root: Path, *, formats: tuple[str, ...] = FORMATS, languages: list[str] | None = None,
                out_dir: Path = Path("output"), strict: bool = False, allow_remote: bool = False,
                progress: Callable[[str], None] = lambda message: None) -> list[Edition]:
    """Build the editions of the brief in ``root``; return what was written.

    Every file or URL the editions load goes through one :class:`Door`; ``allow_remote``
    opens it to the http(s) images of image blocks."""
    brief = load_brief(root, allow_remote=allow_remote)
    door = Door([brief.root, TEMPLATES_DIR], remote_images(brief) if allow_remote else ())
    langs = plan_editions(brief, languages)
    statuses = {lang: edition_status(brief, lang) for lang in langs}
    problems = [p for status in statuses.values() for p in check_translations(brief, status)]
    if strict:
        for status in statuses.values():
            problems.extend(incomplete_problems(brief, status))
    if problems:
        raise BriefgenError(problems=problems)

    editions = []
    all_editions = brief.document.editions
    for lang in langs:
        status = statuses[lang]
        localized = localize(brief, lang, status)
        edition = Edition(lang, status)
        if "html" in formats:
            progress(f"{brief.slug} {lang}: rendering HTML")
            html = render_html(localized, lang, status, "screen", all_editions, door=door)
            path = output_path(out_dir, brief.slug, lang, "html")
            write_atomic(path, html)
            edition.files.append(path)
        if "pdf" in formats:
            progress(f"{brief.slug} {lang}: rendering PDF")
            from briefgen.pdf import html_to_pdf

            html = render_html(localized, lang, status, "print", all_editions, door=door)
            data = html_to_pdf(html, brief.root, list(door.roots), door=door,
                               locate=lambda url, reason: locate_resource(brief, url, reason))
            path = output_path(out_dir, brief.slug, lang, "pdf")
            write_atomic(path, data)
            edition.files.append(path)
        editions.append(edition)
    return editions
