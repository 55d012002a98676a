"""The pipeline for one brief: load → validate → localize → resolve → render → write.

Builds are incremental and parallel: an output whose fingerprint (see
fingerprint.py) matches the manifest is not rendered again, and the PDFs of
several editions are laid out in separate processes, one per edition
(workers.py). (The CLI
asks fingerprint.unchanged_editions first, so that a rebuild with nothing
changed does not even import this module.)
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from briefgen import TEMPLATES_DIR, workspace

from briefgen.editions import fingerprint

from briefgen.editions import workers
from briefgen.editions.audience import RestrictedText, all_restricted_strings, edition_view, has_restricted, restricted_strings
from briefgen.editions.editioncheck import edition_roots, glyph_problems, tool_string_problems
from briefgen.editions.changes import keep_snapshot, snapshot_leaks
from briefgen.load.content import Brief, load_brief, locate_resource, remote_images
from briefgen.editions.door import Door
from briefgen.editions.fingerprint import FORMATS, Edition, output_path
from briefgen.errors import BriefgenError, Problem, display_path
from briefgen.editions.leaks import find_leaks, html_leaks, leak_problems
from briefgen.editions.output import write_atomic
from briefgen.editions.pdf import RefusedResource  # the module loads WeasyPrint only when it renders
from briefgen.editions.render import render_html
from briefgen.editions.translations import (EditionStatus, catalog_path, catalog_problems, check_translations, edition_status,
                                   localize, read_catalog)
from briefgen.editions.workers import PdfJob

log = logging.getLogger(__name__)


def plan_editions(brief: Brief, languages: list[str] | None) -> list[str]:
    """The languages to build: the ones asked for, which must be editions of the brief."""
    editions = brief.document.editions
    if not languages:
        return editions
    unknown = [code for code in languages if code not in editions]
    if unknown:
        from briefgen.editions.languages import check_tags

        misspelt = check_tags(unknown)  # --lang pt_BR: say how to write the tag
        where = ("languages",) if brief.document.languages is not None else ("language",)
        raise BriefgenError(problems=[brief.problem(
            "brief", where, f"'{code}' is not among this brief's languages ({', '.join(editions)}): add it with "
            f"'briefgen i18n add {code} {display_path(brief.root)}' (or write it into 'languages' here)"
            + (f"; {'; '.join(misspelt)}" if misspelt else ""), key=True)
            for code in unknown])
    return [code for code in editions if code in languages]


def incomplete_problems(brief: Brief, status: EditionStatus) -> list[Problem]:
    """One problem per missing or stale unit, located at its source text."""
    shown = display_path(catalog_path(brief, status.lang))
    return [brief.problem(item.unit, message=f"{item.state} in {status.lang} ({shown}), key {item.unit.key}")
            for item in status.incomplete]


@workspace.in_brief_workspace
def build_brief(root: Path, *, formats: tuple[str, ...] = FORMATS, languages: list[str] | None = None,
                out_dir: Path = Path("output"), strict: bool = False, force: bool = False, parallel: bool = True,
                allow_remote: bool = False, preview: bool = False, audiences: dict | None = None,
                progress: Callable[[str], None] = lambda message: None,
                html_written: Callable[[], None] = lambda: None,
                preloader: workers.Preloader | None = None) -> list[Edition]:
    """Build the editions of the brief in ``root``; return what was written or already up to date.

    Every file or URL the editions load goes through one :class:`Door`; ``allow_remote``
    opens it to the http(s) images of image blocks. ``audiences`` maps each format to the
    audiences to build (``{"pdf": ("public", "restricted")}``; see briefgen/editions/audience.py):
    a brief with restricted content gets ``<slug>.<lang>.restricted.<fmt>`` beside its
    public ``<slug>.<lang>.<fmt>``, and every public output is searched for restricted
    text once written (briefgen/editions/leaks.py). ``preview`` (the live preview) builds
    quick untagged drafts of the PDFs, never taken for editions, only of the first audience
    of each format, and keeps no snapshot for
    ``changes`` (a half-edited brief is not an edition). ``html_written`` is called
    once the HTML editions are written, before the slower PDFs are laid out. ``preloader``: one
    the caller started before importing this module (the CLI does: :func:`workers.preload`);
    the build owns it from here on, uses it or stops it."""
    formats = tuple(f for f in FORMATS if f in formats)
    if "pdf" not in formats or preview:
        if preloader is not None:
            preloader.close()
        preloader = None
    elif preloader is None:
        # WeasyPrint is imported there while the brief is read and its HTML rendered (workers.py)
        preloader = workers.preload()
    try:
        return _build(Path(root), formats=formats, languages=languages, out_dir=out_dir, strict=strict, force=force,
                      parallel=parallel, allow_remote=allow_remote, preview=preview, audiences=audiences,
                      progress=progress, html_written=html_written, preloader=preloader)
    finally:
        if preloader is not None:
            preloader.close()  # nothing to write, or a problem stopped the build (no-op once written)


def _build(root: Path, *, formats: tuple[str, ...], languages: list[str] | None, out_dir: Path, strict: bool,
           force: bool, parallel: bool, allow_remote: bool, preview: bool, audiences: dict | None,
           progress: Callable[[str], None], html_written: Callable[[], None],
           preloader: workers.Preloader | None) -> list[Edition]:
    """:func:`build_brief`'s work, its PDFs written through ``preloader`` if there is one."""
    force = force or allow_remote  # remote images are not in the fingerprint: fetch and render anew
    brief = load_brief(root, allow_remote=allow_remote)
    door = Door([brief.root, TEMPLATES_DIR, *edition_roots()], remote_images(brief) if allow_remote else ())
    langs = plan_editions(brief, languages)
    catalogs = {lang: read_catalog(brief, lang) for lang in langs if lang != brief.source_language}
    statuses = {lang: edition_status(brief, lang, catalogs.get(lang)) for lang in langs}
    problems = [p for lang, catalog in catalogs.items() for p in catalog_problems(brief, lang, catalog)]
    problems += [p for status in statuses.values() for p in check_translations(brief, status)]
    tool_problems = {lang: tool_string_problems(brief, lang) for lang in langs}
    if strict:
        for status in statuses.values():
            problems.extend(incomplete_problems(brief, status))
            problems.extend(tool_problems[status.lang])
    if problems:
        raise BriefgenError(problems=problems)
    split = has_restricted(brief)
    pairs = fingerprint.audience_outputs(formats, audiences, split)
    if preview:
        pairs = [pair for pair in pairs if pair == next(p for p in pairs if p[0] == pair[0])]

    outputs = fingerprint.read_manifest(out_dir, brief.slug).get("outputs", {})
    available = fingerprint.built_editions(out_dir, brief.slug, brief.document.editions, outputs,
                                           {lang: not status.incomplete for lang, status in statuses.items()}, formats)
    editions: list[Edition] = []
    pdf_jobs: list[PdfJob] = []
    html_files: list[tuple[Path, str]] = []
    manifest: dict[str, dict] = {}
    public: dict[Path, list[RestrictedText]] = {}  # public output → the restricted texts it must not hold
    for lang in langs:
        status = statuses[lang]
        counts = status.counts
        edition = Edition(lang, status.percent, counts["stale"], counts["missing"], status.source,
                          notes=[str(p) for p in tool_problems[lang]])
        listed = fingerprint.others(available, lang)
        facts = {"percent": round(status.percent, 1), "stale": counts["stale"], "missing": counts["missing"],
                 "source": status.source, "complete": not status.incomplete and not tool_problems[lang],
                 "listed": listed, "notes": edition.notes}
        localized = None
        for fmt, audience in pairs:
            path = output_path(out_dir, brief.slug, lang, fmt, audience)
            digest = fingerprint.edition_fingerprint(root, lang, fmt)
            if preview and fmt == "pdf":
                digest = "preview:" + digest  # an untagged preview PDF is never taken for an edition
            # "also available in" names the other editions as they are now
            if not force and fingerprint.up_to_date(outputs, path, digest, listed):
                edition.up_to_date.append(path)
                continue
            localized = localized or localize(brief, lang, status)
            view = edition_view(localized, audience, lang)
            target = "screen" if fmt == "html" else "print"
            progress(f"{brief.slug} {lang}: rendering {fmt.upper()}{' (restricted)' if audience == 'restricted' else ''}")
            html = render_html(view, lang, status, target, brief.document.editions, door=door, available=available,
                               restricted=split and audience == "restricted")
            if split and audience == "public":
                public[path] = restricted_strings(brief) + restricted_strings(localized)
                _check_public(brief, path, public, html)  # before anything of the build is written
            if fmt == "html":
                html_files.append((path, html))
            else:
                problems.extend(glyph_problems(brief, lang, html))
                pdf_jobs.append(PdfJob(html, path, brief.root, door, draft=preview))
            edition.written.append(path)
            manifest[path.name] = {"fingerprint": digest, "audience": audience, **facts}
        editions.append(edition)

    if split and manifest and not preview:  # the snapshot behind `changes` is searched too, before any write
        problems.extend(snapshot_leaks(brief, all_restricted_strings(brief, statuses), statuses))
    if problems:  # a glyph no font has, restricted text in the snapshot: nothing is written
        raise BriefgenError(problems=problems)
    for path, html in html_files:
        write_atomic(path, html)
    html_written()
    _write_pdfs(pdf_jobs, brief, parallel, preloader)
    for job in pdf_jobs:
        _check_public(brief, job.path, public)
    if manifest and not preview:  # something was rendered: the data may differ from the last snapshot
        keep_snapshot(brief, out_dir, statuses)
    fingerprint.record(out_dir, brief.slug, manifest, languages=None if languages else langs, restricted_content=split)
    return editions


def _check_public(brief: Brief, path: Path, public: dict[Path, list[RestrictedText]], html: str | None = None) -> None:
    """Search a public edition for restricted text (source and translation): its HTML before it
    is written, or the output written at ``path`` (then removed on a hit); report each restricted
    text found at its line (see briefgen/editions/leaks.py)."""
    if path not in public:
        return
    texts = [item.text for item in public[path]]
    leaks = html_leaks(html, texts) if html is not None else find_leaks(path, texts)
    if not leaks:
        return
    if html is None:
        path.unlink(missing_ok=True)
    where = f"the public edition {display_path(path)}{' (removed)' if html is None else ''}"
    raise BriefgenError(problems=leak_problems(brief, leaks, public[path], where))


def _write_pdfs(jobs: list[PdfJob], brief: Brief, parallel: bool, preloader: workers.Preloader | None = None) -> None:
    """Write the PDFs (see workers.py); a resource refused in a render is reported at the
    content line that asked for it."""
    try:
        workers.write_pdfs(jobs, parallel, preloader=preloader)
    except RefusedResource as refused:
        problem = locate_resource(brief, refused.url, refused.reason)
        if problem is None:
            raise
        raise BriefgenError(problems=[problem]) from None
