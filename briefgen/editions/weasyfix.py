"""Scoped corrections to WeasyPrint 70 and its PDF writer pydyf, applied at run time.

Footnote placement (:func:`keep_footnotes_with_their_lines`):

WeasyPrint 70 (``weasyprint/layout/block.py``, ``_linebox_layout``) has a branch
for a line that overflows the page when the block could not have been broken
before it (the block's first lines, because of ``orphans``): instead of pushing
the line to the next page, it moves the page's last footnotes there to make
room — although their calls stay on this page. That contradicts
``footnote-policy: line`` ("a note sits on the page of its call"), which every
briefgen note has, and it made one page in three or four carry a note of the
previous page. Checking the finished layout and laying the document out again
with a page break (what :mod:`briefgen.editions.pdf` does) cost three layouts per edition.

The correction lets that branch move notes only when every note on the page
allows it (``footnote-policy: auto``); otherwise the line is broken where
``orphans``/``widows`` allow, exactly as without footnotes. It is made by
re-compiling that one function from WeasyPrint's own source with one condition
extended, and only if the source still reads as expected: a different
WeasyPrint version is left untouched (logged), and briefgen.editions.pdf's check of the
finished layout still guarantees notes on their call's page, at the cost of
more layouts.

Page fill (:func:`fill_pages`, the rules in :mod:`briefgen.editions.pagefill`): a note too
long for the rest of its call's page is continued on the next page, and a block that cannot
break under ``orphans``/``widows`` may leave its first line alone at a page foot, where moving
it whole would leave more than three empty lines above the notes; where a line calling several
notes still leaves such a gap, the page is laid out again with a paragraph set tight or loose, or
its spacing shrunk (:func:`rebreak_for_notes`, :mod:`briefgen.editions.rebreak`).

Footnote areas (:func:`lay_out_each_note_once`): WeasyPrint lays out a page's
whole footnote area again each time a note is added; the correction measures
each note once and adds the heights up, where that is exact.

Text (:mod:`briefgen.editions.textfix`, whose corrections are importable from here too):
hyphenation by briefgen's policy, justification at a URL's break points, loose lines, and text
drawn as laid out.

Tagging long documents (:func:`remember_page_references`): pydyf's
``PDF.page_references`` builds the tuple of every page's reference anew on each
access, and WeasyPrint's PDF/UA tagging reads it once per structure element —
pages × elements, 8 million strings for a 5,000-row annex (several seconds).
The correction keeps the tuple until a page is added.

"""

from __future__ import annotations

import inspect
import logging
from functools import lru_cache

# the text corrections, applied by briefgen.editions.pdf with these
from briefgen.editions.textfix import (_source, draw_text_as_laid_out, hyphenate_by_policy,  # noqa: F401
                                       justify_at_url_breaks, letter_space_loose_lines)

log = logging.getLogger(__name__)

#: The condition under which WeasyPrint 70 moves a page's notes to the next page.
REPORT_CONDITION = "report = not context.in_column and can_break_now and not could_break_before"
#: ... and only when no note on the page asks to stay with its call.
ONLY_MOVABLE_NOTES = " and all(note.style['footnote_policy'] == 'auto' for note in context.current_page_footnotes)"


#: WeasyPrint's ``_linebox_layout`` as shipped, the replacements each correction made in its
#: source (correction → {text: (replacement, times the text must occur)}) and the wrappers put
#: around the function compiled from it.
_LINEBOX_LAYOUT: dict = {"function": None, "source": "", "replacements": {}, "wrappers": []}


def _recompile_linebox_layout(correction: str, replacements: dict[str, tuple[str, int]]) -> bool:
    """Re-compile WeasyPrint's ``_linebox_layout`` from its shipped source with the replacements of
    every correction applied so far and ``replacements`` for ``correction``; False (and nothing
    changed) where a text to replace does not occur as often as expected."""
    from weasyprint.layout import block

    if _LINEBOX_LAYOUT["function"] is None:
        _LINEBOX_LAYOUT.update(function=block._linebox_layout, source=_source(block._linebox_layout))
    source = _LINEBOX_LAYOUT["source"]
    if any(source.count(text) != times for text, (_, times) in replacements.items()):
        return False
    _LINEBOX_LAYOUT["replacements"][correction] = replacements
    for applied in _LINEBOX_LAYOUT["replacements"].values():
        for text, (replacement, _) in applied.items():
            source = source.replace(text, replacement)
    function = _LINEBOX_LAYOUT["function"]
    # compiled into WeasyPrint's module: same globals, and it replaces the original
    # there, where its callers look it up at call time
    code = compile(source, inspect.getsourcefile(function) or block.__file__, "exec")
    exec(code, vars(block))  # noqa: S102 — WeasyPrint's own source, with the corrections' replacements
    for wrap in _LINEBOX_LAYOUT["wrappers"]:  # (rebreak_for_notes, applied before this one)
        block._linebox_layout = wrap(block._linebox_layout)
    block._linebox_layout.briefgen_correction = True
    return True


@lru_cache(maxsize=1)
def keep_footnotes_with_their_lines() -> bool:
    """Apply the correction once per process; True if WeasyPrint now has it."""
    if not _recompile_linebox_layout("keep_footnotes_with_their_lines",
                                     {REPORT_CONDITION: (REPORT_CONDITION + ONLY_MOVABLE_NOTES, 1)}):
        log.info("WeasyPrint's footnote layout is not the one this correction was written for; "
                 "misplaced notes are fixed by re-layout instead")
        return False
    return True


#: Where WeasyPrint 70's ``_linebox_layout`` and ``_break_line`` read a block's orphans ...
ORPHANS = "box.style['orphans']"
#: ... and what they read instead: that number on this page (:func:`briefgen.editions.pagefill.orphans`)
PAGE_ORPHANS = "_briefgen_orphans(context, box, new_children, line)"
#: Where WeasyPrint 70's ``_linebox_layout`` reads a block's widows, and what it reads instead
WIDOWS = "box.style['widows']"
PAGE_WIDOWS = "_briefgen_widows(context, box, new_children, line)"
#: Where WeasyPrint 70's ``_linebox_layout`` moves a note that does not fit on its call's page...
NOTE_MOVED = "                if overflow:\n                    context.report_footnote(footnote)\n"
#: ... and what is asked first: may part of it stay? (:mod:`briefgen.editions.pagefill`)
NOTE_CONTINUED = ("                if overflow and _briefgen_continue_note(\n"
                  "                        context, footnote, line, bottom_space, new_position_y + offset_y):\n"
                  "                    overflow = False\n")


@lru_cache(maxsize=1)
def fill_pages() -> bool:
    """Apply :mod:`briefgen.editions.pagefill` (long notes continued on the next page, a block's
    first line alone at a page foot rather than a gap); True if WeasyPrint now has it.

    Hooks: ``_linebox_layout`` and ``_break_line`` re-compiled from WeasyPrint's source (the
    orphans they read, and a question before a note is moved), ``block_container_layout``
    (where a continued note starts) and ``LayoutContext.unlayout_footnote`` (both parts taken back).
    """
    from weasyprint.layout import LayoutContext, block

    from briefgen.editions import pagefill

    break_line = _source(block._break_line)
    if break_line.count(ORPHANS) != 1 or not _recompile_linebox_layout(
            "fill_pages", {ORPHANS: (PAGE_ORPHANS, 2), WIDOWS: (PAGE_WIDOWS, 2),
                           NOTE_MOVED: (NOTE_CONTINUED + NOTE_MOVED, 1)}):
        log.info("WeasyPrint's footnote layout is not the one page filling was written for; left as it is")
        return False
    vars(block)["_briefgen_continue_note"] = pagefill.continue_note
    vars(block)["_briefgen_orphans"] = pagefill.orphans
    vars(block)["_briefgen_widows"] = pagefill.widows
    code = compile(break_line.replace(ORPHANS, PAGE_ORPHANS), inspect.getsourcefile(block._break_line) or block.__file__,
                   "exec")
    exec(code, vars(block))  # noqa: S102 — WeasyPrint's own source, the orphans it reads replaced
    block.block_container_layout = pagefill.start_tails_where_they_continue(block.block_container_layout)
    LayoutContext.unlayout_footnote = pagefill.take_back_both_parts(LayoutContext.unlayout_footnote)
    return True


#: How WeasyPrint 70's ``make_page`` lays out a page's content (the call :func:`rebreak_for_notes` wraps).
PAGE_CONTENT_LAYOUT = "root_box, resume_at, next_page, _, _, _ = block_level_layout("


@lru_cache(maxsize=1)
def rebreak_for_notes() -> bool:
    """Apply :mod:`briefgen.editions.rebreak` (a paragraph's lines on a page laid out again, tight
    or loose, where they would leave more than three empty lines above the notes); True if applied.

    Needs :func:`fill_pages` (the question it asks before moving a note, in ``_linebox_layout``)
    and :func:`letter_space_loose_lines` (a line laid out on another measure); the hook is
    ``_linebox_layout`` itself, which ``block_container_layout`` looks up at call time.
    """
    from weasyprint.layout import block, page

    from briefgen.editions import rebreak

    # (the modules' source: _linebox_layout's definition and its one caller, block_container_layout;
    # make_page's one layout of a page's content)
    if not (fill_pages() and letter_space_loose_lines() and "fill_pages" in _LINEBOX_LAYOUT["replacements"]
            and _source(block).count("_linebox_layout(") == 2 and PAGE_CONTENT_LAYOUT in _source(page.make_page)):
        log.info("WeasyPrint's line layout is not the one breaking lines again for notes was written for; "
                 "left as it is")
        return False
    _LINEBOX_LAYOUT["wrappers"].append(rebreak.record_paragraphs)
    block._linebox_layout = rebreak.record_paragraphs(block._linebox_layout)
    block._linebox_layout.briefgen_correction = True
    page.block_level_layout = rebreak.lay_out_pages_again(page.block_level_layout)
    return True


@lru_cache(maxsize=1)
def remember_page_references() -> bool:
    """Make ``pydyf.PDF.page_references`` build its tuple once per page count; True if applied."""
    import pydyf

    original = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(original, property):
        log.info("pydyf's PDF.page_references is not the property this correction was written for")
        return False

    def page_references(pdf):
        kids = pdf.pages["Kids"]
        remembered = pdf.__dict__.get("_briefgen_page_references")
        # pages are only ever appended (add_page), so the length tells whether the tuple is current
        if remembered is None or remembered[0] is not kids or remembered[1] != len(kids):
            remembered = (kids, len(kids), original.fget(pdf))
            pdf.__dict__["_briefgen_page_references"] = remembered
        return remembered[2]

    pydyf.PDF.page_references = property(page_references, doc=original.__doc__)
    return True


#: Attribute of a page's footnote area: what :func:`lay_out_each_note_once` measured there,
#: note id → (note, height, the area's margins, borders and padding).
MEASURED_NOTES = "_briefgen_notes"
#: Lines that must be in WeasyPrint's ``LayoutContext._update_footnote_area`` for
#: :func:`lay_out_each_note_once` to stand in for it.
FOOTNOTE_AREA_SOURCE = (
    "self.current_footnote_area.children = self.current_page_footnotes",
    "footnote_area = build.create_anonymous_boxes(",
    "self.current_footnote_area.height = footnote_area.height",
    "self.page_bottom -= footnote_area.margin_height()",
)


@lru_cache(maxsize=1)
def lay_out_each_note_once() -> bool:
    """Let WeasyPrint lay out each footnote of a page once, not once per note added after it.

    Whenever a note is added to a page (or moved off it), WeasyPrint 70 lays the page's
    whole footnote area out again to learn its height — for k notes on a page, k(k+1)/2
    note layouts, a quarter of the sample's layout time. When the notes stack without
    margins and the area has no maximum height, the area's height is the sum of the
    notes' heights plus its own margins; the correction measures each note once (in an
    area of its own, the way WeasyPrint measures the whole area) and adds them up.
    Anything else — a note with a vertical margin, an area with max-height or a fixed
    height, an unexpected WeasyPrint — goes through WeasyPrint's own code. The final
    layout of each page's footnote area is WeasyPrint's, untouched.
    """
    from math import inf

    from weasyprint.formatting_structure import build
    from weasyprint.layout import LayoutContext, block_level_layout

    original = LayoutContext._update_footnote_area
    source = _source(original)
    if not all(line in source for line in FOOTNOTE_AREA_SOURCE):
        log.info("WeasyPrint's footnote area is not the one this correction was written for; left as it is")
        return False

    def measure(context, area, note):
        """(height of ``note`` alone in ``area``, the area's margins, borders and padding), or None."""
        alone = area.copy_with_children([note])
        laid = block_level_layout(context, build.create_anonymous_boxes(alone.deepcopy()), -inf, None, area.page)[0]
        if len(laid.children) != 1 or laid.children[0].margin_top or laid.children[0].margin_bottom:
            return None
        return laid.height, laid.margin_height() - laid.height

    def update_footnote_area(self):
        area = self.current_footnote_area
        notes = self.current_page_footnotes
        if not notes or area.style["height"] != "auto" or area.max_height != inf:
            return original(self)
        measured = area.__dict__.setdefault(MEASURED_NOTES, {})
        for note in notes:
            if id(note) not in measured:
                result = measure(self, area, note)
                if result is None:
                    return original(self)
                measured[id(note)] = (note, *result)  # the note is kept, so its id is not reused
        content = 0
        for note in notes:
            content += measured[id(note)][1]
        frame = measured[id(notes[0])][2]
        if area.height != "auto" and not self.in_column:
            self.page_bottom += area.margin_height()
        area.children = notes
        area.height = content
        if not self.in_column:
            self.page_bottom -= content + frame
        return False  # no maximum height: the notes never overflow the area

    update_footnote_area.__doc__ = original.__doc__
    update_footnote_area.briefgen_correction = True
    LayoutContext._update_footnote_area = update_footnote_area
    return True
