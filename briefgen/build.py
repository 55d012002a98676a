"""The pipeline for one brief: load → validate → localize → resolve → render → write.

Builds are incremental and parallel: an output whose fingerprint (see
fingerprint.py) matches the manifest is not rendered again, and the PDFs of
several editions are laid out in separate processes, one per edition. (The CLI
asks fingerprint.unchanged_editions first, so that a rebuild with nothing
changed does not even import this module.)
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable

from briefgen import fingerprint
from briefgen.changes import keep_snapshot
from briefgen.content import Brief, load_brief, locate_resource, remote_images
from briefgen.door import Door
from briefgen.fingerprint import FORMATS, Edition, output_path
from briefgen.errors import BriefgenError, Problem, display_path
from briefgen.i18n import TEMPLATES_DIR
from briefgen.output import write_atomic
from briefgen.render import render_html
from briefgen.translations import EditionStatus, catalog_path, check_translations, edition_status, localize

log = logging.getLogger(__name__)


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
                out_dir: Path = Path("output"), strict: bool = False, force: bool = False, parallel: bool = True,
                allow_remote: bool = False, preview: bool = False,
                progress: Callable[[str], None] = lambda message: None,
                html_written: Callable[[], None] = lambda: None) -> list[Edition]:
    """Build the editions of the brief in ``root``; return what was written or already up to date.

    Every file or URL the editions load goes through one :class:`Door`; ``allow_remote``
    opens it to the http(s) images of image blocks. ``preview`` (the live preview) builds
    quick untagged drafts of the PDFs, never taken for editions. ``html_written`` is called
    once the HTML editions are written, before the slower PDFs are laid out."""
    root = Path(root)
    formats = tuple(f for f in FORMATS if f in formats)
    force = force or allow_remote  # remote images are not in the fingerprint: fetch and render anew
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

    outputs = fingerprint.read_manifest(out_dir, brief.slug).get("outputs", {})
    editions: list[Edition] = []
    pdf_jobs: list[tuple[str, Path, str]] = []  # (print html, target path, language)
    manifest: dict[str, dict] = {}
    for lang in langs:
        status = statuses[lang]
        counts = status.counts
        edition = Edition(lang, status.percent, counts["stale"], counts["missing"], status.source)
        facts = {"percent": round(status.percent, 1), "stale": counts["stale"], "missing": counts["missing"],
                 "source": status.source, "complete": not status.incomplete}
        localized = None
        for fmt in formats:
            path = output_path(out_dir, brief.slug, lang, fmt)
            digest = fingerprint.edition_fingerprint(root, lang, fmt)
            if preview and fmt == "pdf":
                digest = "preview:" + digest  # an untagged preview PDF is never taken for an edition
            if not force and fingerprint.up_to_date(outputs, path, digest):
                edition.up_to_date.append(path)
                continue
            localized = localized or localize(brief, lang, status)
            target = "screen" if fmt == "html" else "print"
            progress(f"{brief.slug} {lang}: rendering {fmt.upper()}")
            html = render_html(localized, lang, status, target, brief.document.editions, door=door)
            if fmt == "html":
                write_atomic(path, html)
            else:
                pdf_jobs.append((html, path, lang))
            edition.written.append(path)
            manifest[path.name] = {"fingerprint": digest, **facts}
        editions.append(edition)

    html_written()
    _render_pdfs(pdf_jobs, brief, door, parallel, preview)
    if manifest:  # something was rendered: the data may differ from the last snapshot
        keep_snapshot(brief, out_dir, statuses)
    fingerprint.record(out_dir, brief.slug, manifest, languages=None if languages else langs)
    return editions


#: What the PDF workers need besides their job; set before the workers are forked,
#: because a door (with its cache of remote images) and the brief are not sent by pickle.
_WORKER_CONTEXT: tuple[Brief, Door] | None = None


def _render_pdf(html: str, path: Path, draft: bool) -> None:
    """Write one PDF: tagged (PDF/UA-1), or an untagged uncompressed draft, quicker to write."""
    from briefgen.pdf import PDF_VARIANT, html_to_pdf

    brief, door = _WORKER_CONTEXT
    data = html_to_pdf(html, brief.root, list(door.roots), door=door,
                       locate=lambda url, reason: locate_resource(brief, url, reason),
                       variant=None if draft else PDF_VARIANT, compress=not draft)
    write_atomic(path, data)


def _render_pdfs(jobs: list[tuple[str, Path, str]], brief: Brief, door: Door, parallel: bool,
                 draft: bool) -> None:
    """Lay out the PDFs, one process per edition when there are several and more than one core."""
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = (brief, door)
    try:
        workers = min(len(jobs), os.cpu_count() or 1)
        if not parallel or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
            for html, path, _ in jobs:
                _render_pdf(html, path, draft)
            return
        import weasyprint  # noqa: F401  imported before forking, so the workers share it

        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for future in [pool.submit(_render_pdf, html, path, draft) for html, path, _ in jobs]:
                future.result()
    finally:
        _WORKER_CONTEXT = None
