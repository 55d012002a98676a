"""Write step, PDF: WeasyPrint renders the print HTML into a tagged (PDF/UA-1) PDF.

WeasyPrint's url_fetcher is a :class:`~briefgen.editions.door.Door`, the one door to
files and the network: only files inside the brief's folder and the
templates, ``data:`` URLs of images and (with ``--allow-remote``) the remote
images of image blocks are served. Anything else — other files, http(s),
path traversal, attachments — stops the render with an error, so nothing
unexpected ends up in a PDF that is then emailed to parliamentarians.

The PDF is written as PDF/UA-1: a structure tree (headings, paragraphs,
lists, tables, links), the document language, and the title shown in the
viewer's window (DisplayDocTitle), so that screen readers can read it.
"""

from __future__ import annotations

import atexit
import gc
import logging
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from briefgen.editions.door import Door, ResourceRefused
from briefgen.errors import BriefgenError, display_path
from briefgen.editions.output import write_atomic

log = logging.getLogger(__name__)

#: WeasyPrint's PDF/UA variant: tags, /Lang, DisplayDocTitle, PDF/UA identification in the XMP metadata.
PDF_VARIANT = "pdf/ua-1"


@lru_cache(maxsize=1)
def font_configuration():
    """One fontconfig set-up per process, reused by every render."""
    from weasyprint.text.fonts import FontConfiguration

    # let it go while the interpreter is whole: its __del__, run at shutdown, found its
    # module's globals gone ("Exception ignored in FontConfiguration.__del__")
    atexit.register(font_configuration.cache_clear)
    return FontConfiguration()


def make_fetcher(door: Door):
    """A WeasyPrint URL fetcher that serves only what ``door`` lets through."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BriefFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"file", "data", "http", "https"}, fail_on_errors=True,
                             allow_redirects=False)

        def fetch(self, url, headers=None):
            resource = door.open(url)
            return URLFetcherResponse(resource.url, body=resource.body, headers={"Content-Type": resource.media_type})

    return BriefFetcher()


def _boxes(box, ancestors=()):
    """Every box below ``box``, with the boxes that contain it."""
    yield box, ancestors
    for child in getattr(box, "children", None) or ():
        yield from _boxes(child, ancestors + (box,))


BLOCK_TAGS = ("p", "li", "tr", "figure", "blockquote")


def misplaced_footnotes(document) -> dict[str, tuple[int, int | None, float]]:
    """Footnotes whose body is not on the page of their call.

    Returns id → (call page, note page, where the calling block starts on the call
    page: 0.0 at the top of the page area, 1.0 at its foot).
    """
    calls: dict[str, tuple[int, float]] = {}
    note_page: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        page_box = page._page_box
        top = page_box.content_box_y()
        height = page_box.height or 1
        for box, ancestors in _boxes(page_box):
            tag = getattr(box, "element_tag", "") or ""
            if tag.endswith("::footnote-call"):
                block = next((a for a in reversed(ancestors) if getattr(a, "element_tag", "") in BLOCK_TAGS), None)
                where = ((block.position_y - top) / height) if block is not None else 1.0
                calls.setdefault(box.element.get("data-note"), (number, where))
            elif type(box).__name__ == "FootnoteAreaBox":
                for note in box.children:
                    note_page.setdefault(note.element.get("data-note"), number)
    return {key: (page, note_page.get(key), where) for key, (page, where) in calls.items() if note_page.get(key) != page}


#: WeasyPrint's footnote-policy does not always keep a note with its call
#: (Kozea/WeasyPrint#1564, #2502); briefgen.editions.weasyfix corrects the case seen in
#: WeasyPrint 70, so one layout is the rule. As a guarantee (other cases, other
#: WeasyPrint versions) we check the finished layout and, for each
#: misplaced note, lay the document out again with a page break before the block
#: that calls it (what footnote-policy: block means) — or, when that block starts
#: near the top of its page and moving it would leave the page nearly empty,
#: after it, so that the content that crowded the note out moves on instead.
MAX_FOOTNOTE_PASSES = 4
NEAR_THE_TOP = 0.35


def _keep_note_with_call(footnote_id: str, break_after: bool) -> str:
    """CSS that gives the note of ``footnote_id`` room on its call's page."""
    target = f'.footnote[data-note="{footnote_id}"]'
    if break_after:
        innermost = f"p:has({target}), li:not(:has(p)):has({target}), tr:has({target}), figure:has({target})"
        return f"{innermost} {{ break-after: page; }}"
    # start the block on a new page — or its heading, if the block follows one, so
    # that no heading is stranded at a page foot
    block = f":is(p, li, tr, figure, blockquote, ul, ol, table):has({target})"
    return (f"{block}:not(:is(h1, h2, h3) + *):not({block} {block}) {{ break-before: page; }}\n"
            f":is(h2, h3):has(+ {block}) {{ break-before: page; }}")


#: From this many pages on, the layout's garbage (≈ 85 MB at 187 pages) is freed before drawing.
LONG_DOCUMENT_PAGES = 40


class RefusedResource(BriefgenError):
    """The door refused a resource the document asked for; ``url`` names it, so that the
    caller, who knows the content, can point at the line that asked (see content.locate_resource)."""

    def __init__(self, message: str, url: str, reason: str):
        super().__init__(message)
        self.url, self.reason = url, reason

    def __reduce__(self):  # crosses the process boundary of the PDF workers
        return (type(self), (self.message, self.url, self.reason))


def html_to_pdf(html: str, base_dir: Path, allowed_roots: list[Path], *, door: Door | None = None,
                variant: str | None = PDF_VARIANT, compress: bool = True) -> bytes:
    """Render ``html`` (relative URLs resolved against ``base_dir``) to PDF bytes.

    ``door`` defaults to one serving ``allowed_roots``. A resource the door refuses
    stops the render with :class:`RefusedResource`.
    """
    with _refusals(base_dir), _full_collections_between_steps():
        document = render_document(html, base_dir, allowed_roots, door=door)
        if len(document.pages) >= LONG_DOCUMENT_PAGES:
            gc.collect()  # the boxes the layout discarded, before the drawing allocates its own
        # attachments are fetched only now
        return document.write_pdf(pdf_variant=variant, uncompressed_pdf=not compress, custom_metadata=True)


def write_pdf_file(html: str, path: Path, base_dir: Path, door: Door, draft: bool = False) -> None:
    """Render ``html`` and write it to ``path`` (atomically): a tagged PDF/UA-1 edition, or
    an untagged, uncompressed draft (the live preview), quicker to write. Runs in the
    PDF workers as well as in the calling process."""
    data = html_to_pdf(html, base_dir, list(door.roots), door=door, variant=None if draft else PDF_VARIANT,
                       compress=not draft)
    write_atomic(path, data)


@contextmanager
def _full_collections_between_steps():
    """Python's full garbage collections, off inside WeasyPrint's steps.

    Laying out and drawing allocate millions of long-lived objects (boxes, styles),
    so the collector's full passes — each one scans every live object — run again
    and again: a third of the time of a 5,000-row annex. Young collections stay on;
    the garbage the layout leaves is collected once before drawing, in long
    documents (in short ones that pass costs more than the memory it frees).
    """
    young, middle, full = gc.get_threshold()
    gc.set_threshold(young, middle, 1 << 30)
    try:
        yield
    finally:
        gc.set_threshold(young, middle, full)


def apply_corrections() -> None:
    """briefgen.editions.weasyfix's corrections to WeasyPrint, once per process (each is cached)."""
    from briefgen.editions.weasyfix import (draw_text_as_laid_out, fill_pages, hyphenate_by_policy,
                                            justify_at_url_breaks, keep_footnotes_with_their_lines,
                                            lay_out_each_note_once, rebreak_for_notes, remember_page_references)

    hyphenate_by_policy()
    justify_at_url_breaks()
    keep_footnotes_with_their_lines()
    fill_pages()
    lay_out_each_note_once()
    remember_page_references()
    draw_text_as_laid_out()
    rebreak_for_notes()  # (after the justification's correction, applied with the drawing's)


def warm_up() -> None:
    """Apply the corrections and lay out a small page with the print stylesheet, so that a process
    forked from this one starts its PDF with WeasyPrint's caches (fonts, styles) filled: the
    preloaded process of briefgen.editions.workers does it while the build renders its HTML."""
    from briefgen import TEMPLATES_DIR

    css = "".join((TEMPLATES_DIR / name).read_text(encoding="utf-8") for name in ("common.css", "print.css"))
    html = (f'<html lang="en"><head><style>{css}</style></head><body><h2>Warm</h2><p>Up <em>and</em> '
            '<strong>ready</strong><span class="footnote" data-note="w">A note.</span>.</p></body></html>')
    render_document(html, TEMPLATES_DIR, [TEMPLATES_DIR]).write_pdf()


def render_document(html: str, base_dir: Path, allowed_roots: list[Path], *, door: Door | None = None):
    """Lay out ``html`` with WeasyPrint; every footnote ends up on the page of its call.

    briefgen.editions.weasyfix's corrections are applied first (with them one layout is the
    rule). The layout is then checked and re-done with a page break next to each
    block whose note was pushed to a later page (see MAX_FOOTNOTE_PASSES).
    """
    from weasyprint import CSS, HTML

    apply_corrections()
    fetcher = make_fetcher(door or Door(allowed_roots))
    # footnote id → break after (True) or before (False) the block that calls it
    fixes: dict[str, bool] = {}
    with _refusals(base_dir):
        source = HTML(string=html, base_url=base_dir.resolve().as_uri() + "/", url_fetcher=fetcher)
        for attempt in range(MAX_FOOTNOTE_PASSES):
            css = "\n".join(_keep_note_with_call(key, after) for key, after in fixes.items())
            extra = [CSS(string=css, font_config=font_configuration())] if css else None
            document = source.render(font_config=font_configuration(), stylesheets=extra, optimize_images=True)
            misplaced = misplaced_footnotes(document)
            if not misplaced:
                break
            log.info("footnotes off their call's page (pass %d): %s", attempt + 1, misplaced)
            for key, (_, _, where) in misplaced.items():
                # a break after did not help: fall back to a break before
                fixes[key] = where < NEAR_THE_TOP and key not in fixes
        else:
            log.warning("footnotes still off their call's page: %s", ", ".join(sorted(misplaced)))
        return document


@contextmanager
def _refusals(base_dir: Path):
    """Turn a failed fetch inside WeasyPrint into a :class:`BriefgenError` (a
    :class:`RefusedResource` when the door refused it)."""
    from weasyprint.urls import FatalURLFetchingError

    try:
        yield
    except FatalURLFetchingError as error:  # a BaseException: nothing in between swallows it
        cause = error.__cause__
        reason = str(cause or error)
        url = _quoted_url(str(error))
        message = f"{display_path(base_dir)}: {reason}"
        if url and isinstance(cause, ResourceRefused):
            raise RefusedResource(message, url, reason) from None
        raise BriefgenError(message) from None


def _quoted_url(message: str) -> str | None:
    """The URL in WeasyPrint's 'Error fetching "URL"' message."""
    start, end = message.find('"'), message.rfind('"')
    return message[start + 1:end] if 0 <= start < end else None
