"""Page fill, the last resort: a page laid out again so that the lines calling its notes fit.

:mod:`briefgen.editions.pagefill` continues a long note on the next page, but only the last note
a line calls: a continued note must be the last note on its page (its rest opens the next page's
notes) and every note must start on its call's page. A line that calls several notes side by
side ("led by,¹⁴ Bekizhan Mendygazyev¹⁵.¹⁶") whose first note is too long for the room left —
or whose later one-line note does not fit — therefore went to the next page with all its notes,
and left 4.5–6 empty lines above the notes of its page.

A book typesetter changes the page instead, so that the calls land elsewhere or find room. Where
a paragraph breaks at a page's foot (or moves whole to the next page) leaving more than
:data:`~briefgen.editions.pagefill.MAX_EMPTY_LINES` lines empty, the page's content is laid out
again, from the same place, with one change at a time (:func:`_attempts`), and the first layout
that leaves no such gap is kept:

- a paragraph set *tight* (TeX's looseness −1): each of its lines on the page is laid out on a
  measure widened by what its word spaces may shrink (to 80 %) and its letters close up (by 5 %
  of a space), and compressed back into the measure where it then takes more text — the step
  that already fixes a loose line (:func:`briefgen.editions.justification.widened`). The
  paragraph broken at the foot first (its calls move up, and a line may now end between two
  calls, so that its one note can be continued), then the two whose last line is shortest (they
  may lose a line, and the call's line moves up into the room it needed);
- paragraphs set *loose* (looseness +1): each line laid out on a measure narrowed by
  :data:`NARROWING` em per word space and justified to the full one, kept only where its word
  spaces stay within :data:`LOOSEST_KEPT` em — the broken paragraph (its calls move down), then
  the one, two, three whose last line is fullest (each may gain a line, and the page fills);
- the page's vertical spacing *shrunk*: the margins between its blocks (paragraphs, lists,
  tables; not headings) at 75 % of their own, as TeX's ``\\parskip`` may shrink — a
  line that misses its room by a few points then fits with its notes.

The context is put back exactly before each attempt (:class:`_Saved`: the waiting, placed and
carried notes, the page's foot and footnote area, the placeholders, floats, broken boxes and
running elements of the page, the runs of hyphenated lines, the parts of notes split during an
attempt); if no attempt fills the page, it is laid out as before. WeasyPrint lays a page out
again when a page number it shows changes: what was found for a page is remembered by where it
starts and tried first. A page without a gap costs a copy of a few short lists.

Hooks: the ``block_level_layout`` that WeasyPrint's ``make_page`` calls for the page's content
(wrapped in ``layout.page``), ``layout.block._linebox_layout`` (which paragraphs are on the
page, and whether one left a gap), both applied by
:func:`briefgen.editions.weasyfix.rebreak_for_notes`; the lines' measure is set by
:mod:`briefgen.editions.linebreaks`, which asks :func:`mode` for each paragraph, and the
margins by a wrapped ``resolve_percentages`` during one layout (:func:`_spaces_shrunk`).
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from briefgen.editions import flushbottom, tablefloat
from briefgen.editions.flushbottom import HEADINGS
from briefgen.editions.flushbottom import line_height as _line_height
from briefgen.editions.justification import is_loose
from briefgen.editions.pagefill import MAX_EMPTY_LINES, PARTS, empty_lines

log = logging.getLogger(__name__)

TIGHT = "tight"
LOOSE = "loose"
SHRINK = "shrink"
#: The shares of their vertical margins the blocks of a page (but headings) keep, in turn. Not
#: less: paragraphs are not indented, and at half their spacing (baselines 1.75 lines apart
#: instead of 2.05) a paragraph's last line reads as a short line inside one.
SPACES_KEPT = (0.75,)
#: Attribute of the layout context while a page is laid out again: the attempt, (the keys of the
#: paragraphs changed, :func:`_key`; TIGHT, LOOSE or SHRINK; the share of their margins blocks keep).
REBREAK = "_briefgen_rebreak"
#: How much narrower (em per word space of the line as first laid out) a line is laid out in the
#: loose attempt...
NARROWING = 0.3
#: ... and the widest word space (em) such a line may then have to be kept.
LOOSEST_KEPT = 0.7
#: Attribute of a layout context: the key of hyphenation.LineRun's remembered line ends.
LINE_RUNS = "_briefgen_line_runs"
#: Attribute of the layout context while a page is laid out: the paragraphs laid out on it so far
#: (keys, :func:`_key`), and whether one of them broke leaving more than three empty lines.
PARAGRAPHS = "_briefgen_paragraphs"
GAP = "_briefgen_gap"
#: The most paragraphs of a page set loose together, and the most layouts of a page tried.
MOST_PARAGRAPHS = 3
MOST_ATTEMPTS = 8
#: Attribute of the layout context: (page number, where it starts) → the attempt that filled it,
#: or None where none did.
FOUND = "_briefgen_found"


def _key(line_box) -> tuple:
    """A paragraph's line box, known across layouts of a page (its element and pseudo-element)."""
    return id(line_box.element), line_box.element_tag


def mode(context, line_box) -> str | None:
    """The attempt ``line_box`` (a paragraph's line box) is laid out for, or None (most lines)."""
    flagged = context.__dict__.get(REBREAK)
    return flagged[1] if flagged is not None and _key(line_box) in flagged[0] else None


class _Saved:
    """What laying out a page's content changes in the layout context, to be put back."""

    def __init__(self, context, lists):
        area = context.current_footnote_area
        self.waiting = list(context.footnotes)
        self.placed = list(context.current_page_footnotes)
        self.carried = list(context.reported_footnotes)
        self.page_bottom = context.page_bottom
        self.area = (area.children, list(area.children), area.height)
        self.lists = [(each, list(each)) for each in lists]
        self.shapes = dict(context._excluded_shapes), [(each, list(each)) for each in context._excluded_shapes.values()
                                                       if isinstance(each, list)]
        self.shape_roots = list(context._excluded_shapes_root_boxes)
        self.broken = dict(context.broken_out_of_flow)
        # (make_page took this page's running elements out before laying the page out)
        self.running = {name: list(pages[context.current_page]) for name, pages in context.running_elements.items()
                        if context.current_page in pages}
        self.runs = {key: len(run) for key, run in context.__dict__.get(LINE_RUNS, {}).items()}

    def restore(self, context) -> None:
        for note in self.waiting:
            note.__dict__.pop(PARTS, None)  # split during the attempt (pagefill.continue_note)
        context.footnotes[:] = self.waiting
        context.current_page_footnotes[:] = self.placed
        context.reported_footnotes[:] = self.carried
        context.page_bottom = self.page_bottom
        area = context.current_footnote_area
        area.children, content, area.height = self.area
        if isinstance(area.children, list):
            area.children[:] = content
        for each, content in self.lists:
            each[:] = content
        shapes, lists = self.shapes
        context._excluded_shapes.clear()
        context._excluded_shapes.update(shapes)
        for each, content in lists:
            each[:] = content
        context._excluded_shapes_root_boxes[:] = self.shape_roots
        context.broken_out_of_flow.clear()
        context.broken_out_of_flow.update(self.broken)
        for name, pages in context.running_elements.items():
            if name in self.running:
                pages[context.current_page] = list(self.running[name])
            else:
                pages.pop(context.current_page, None)
        runs = context.__dict__.get(LINE_RUNS, {})
        for key in list(runs):
            if key in self.runs:
                del runs[key][self.runs[key]:]
            else:
                del runs[key]


def _last_line_fill(box, lines) -> float:
    """How much of the measure a paragraph's last line fills (0 to 1)."""
    from weasyprint.formatting_structure import boxes

    if not lines or not box.width:
        return 1.0
    line = lines[-1]
    right = max((text.position_x + text.width for text in line.descendants() if isinstance(text, boxes.TextBox)),
                default=line.position_x)
    return (right - line.position_x) / box.width


def _attempts(paragraphs: dict) -> list[tuple[frozenset, str, float]]:
    """What to try on a page that leaves a gap, in order: (paragraphs, way, share of the margins
    kept). The paragraph broken at the page's foot, then those whose last line is shortest are set
    tight (one of them may lose a line: the call's line moves up); the broken one, then those whose
    last line is fullest (one, two, three of them) are set loose (they gain a line each: the page
    fills); then the spacing between the page's blocks is shrunk."""
    ended = [key for key, fill in paragraphs.items() if fill is not None]
    broken = [key for key, fill in paragraphs.items() if fill is None][-1:]
    shortest = sorted(ended, key=paragraphs.get)[:2]
    fullest = sorted(ended, key=paragraphs.get, reverse=True)[:MOST_PARAGRAPHS]
    attempts = [(frozenset([key]), TIGHT, 1.0) for key in broken + shortest]
    attempts += [(frozenset(broken), LOOSE, 1.0)] if broken else []
    attempts += [(frozenset(fullest[:count]), LOOSE, 1.0) for count in range(1, len(fullest) + 1)]
    attempts += [(frozenset(), SHRINK, kept) for kept in SPACES_KEPT]
    return list(dict.fromkeys(attempts))


@contextmanager
def _spaces_shrunk(kept: float):
    """While it lasts (unless ``kept`` is 1), the vertical margins of the blocks laid out but
    headings are ``kept`` of their own: WeasyPrint's ``resolve_percentages``, looked up at call
    time in ``layout.block``, is wrapped for that one layout of a page."""
    if kept == 1:
        yield
        return
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import block

    original = block.resolve_percentages

    def resolve_percentages(box, containing_block, *args, **kwargs):
        original(box, containing_block, *args, **kwargs)
        if (isinstance(box, boxes.BlockBox) and not isinstance(box, boxes.FootnoteAreaBox)
                and box.style["float"] != "footnote" and box.element_tag not in HEADINGS):
            for side in ("margin_top", "margin_bottom"):
                value = getattr(box, side)
                if isinstance(value, (int, float)) and value > 0:
                    setattr(box, side, value * kept)

    block.resolve_percentages = resolve_percentages
    try:
        yield
    finally:
        block.resolve_percentages = original


def _text_goes_on(result) -> bool:
    """Whether the text of a page laid out (``block_level_layout``'s result) goes on on the next
    page without a forced break: a gap there counts (not on the last page, nor where a chapter ends)."""
    return result[1] is not None and result[2].get("break", "any") == "any"


def record_paragraphs(linebox_layout):
    """Wrap WeasyPrint's ``_linebox_layout``: note the justified paragraphs laid out on a page, and
    whether the page breaks in or before one leaving more than three empty lines above the notes."""

    def layout(context, box, index, child, new_children, page_is_empty, absolute_boxes, fixed_boxes,
               adjoining_margins, bottom_space, position_y, *args):
        result = linebox_layout(context, box, index, child, new_children, page_is_empty, absolute_boxes, fixed_boxes,
                                adjoining_margins, bottom_space, position_y, *args)
        paragraphs = context.__dict__.get(PARAGRAPHS)
        if paragraphs is None or args[-1] is not None or context.in_column:
            return result  # (not a page's body text: a note, a clamped head, a column)
        abort, stop = result[:2]
        # (only a justified paragraph's lines can be set tight or loose: linebreaks)
        if not abort and new_children and box.style["text_align_all"] == "justify" and box.style["hyphens"] == "auto":
            if mode(context, child) is not None and any(
                    is_loose(context, line) for line in new_children if getattr(line, "resume_at", None) is not None):
                context.__dict__[GAP] = True  # a line of it left loose: this attempt is no better
            ended = getattr(new_children[-1], "resume_at", True) is None  # (set by WeasyPrint on each line)
            paragraphs[_key(child)] = _last_line_fill(box, new_children) if ended else None
        if abort or stop:
            from weasyprint.formatting_structure import boxes

            lines = [line for line in new_children if isinstance(line, boxes.LineBox)]
            bottom = lines[-1].position_y + lines[-1].height if lines and not abort else position_y
            height = lines[-1].height if lines and not abort else _line_height(box.style)
            if empty_lines(context, bottom, height) > MAX_EMPTY_LINES:
                context.__dict__[GAP] = True
        return result

    layout.__doc__ = linebox_layout.__doc__
    layout.briefgen_correction = True
    return layout


def lay_out_pages_again(block_level_layout):
    """Wrap the ``block_level_layout`` that WeasyPrint's ``make_page`` calls: where the page's
    content breaks leaving more than three empty lines above the notes, lay it out again with one
    change at a time (:func:`_attempts`), and keep the first layout that does not."""
    from weasyprint.formatting_structure import boxes

    def layout(context, box, bottom_space, skip_stack, containing_block, page_is_empty, absolute_boxes,
               fixed_boxes, adjoining_margins=None, *args, **kwargs):
        if not isinstance(containing_block, boxes.PageBox) or box.element_tag != "html" or PARAGRAPHS in context.__dict__:
            return block_level_layout(context, box, bottom_space, skip_stack, containing_block, page_is_empty,
                                      absolute_boxes, fixed_boxes, adjoining_margins, *args, **kwargs)
        if not context.footnotes:  # (no note waits: nothing to lay out again for)
            result = block_level_layout(context, box, bottom_space, skip_stack, containing_block, page_is_empty,
                                        absolute_boxes, fixed_boxes, adjoining_margins, *args, **kwargs)
        else:
            result = lay_out_for_notes(context, box, bottom_space, skip_stack, containing_block, page_is_empty,
                                       absolute_boxes, fixed_boxes, adjoining_margins, *args, **kwargs)
        # (not before a chapter that starts the next page: the rule lets that page end short,
        # and spread there it was stretched and still short, "the last resort" of flushbottom)
        if result[0] is not None and _text_goes_on(result) and not tablefloat.starts_a_chapter(box, result[1]):
            flushbottom.spread(context, result[0])
        return result

    def lay_out_for_notes(context, box, bottom_space, skip_stack, containing_block, page_is_empty, absolute_boxes,
                          fixed_boxes, adjoining_margins=None, *args, **kwargs):
        lists = [absolute_boxes, fixed_boxes] + ([adjoining_margins] if adjoining_margins is not None else [])
        saved = _Saved(context, lists)

        def attempt(instruction):
            context.__dict__[PARAGRAPHS] = {}
            context.__dict__.pop(GAP, None)
            if instruction is not None:
                context.__dict__[REBREAK] = instruction
            try:
                with _spaces_shrunk(1.0 if instruction is None else instruction[2]):
                    result = block_level_layout(context, box, bottom_space, skip_stack, containing_block,
                                                page_is_empty, absolute_boxes, fixed_boxes, adjoining_margins, *args,
                                                **kwargs)
            finally:
                context.__dict__.pop(REBREAK, None)
                paragraphs = context.__dict__.pop(PARAGRAPHS)
            gap = context.__dict__.pop(GAP, False) and _text_goes_on(result)
            # the document's text ends here, and a note's rest would fill a page of its own
            stranded = result[1] is None and bool(context.reported_footnotes)
            return result, paragraphs, gap or stranded

        def defer_table(result):
            """The page laid out again with the table it moves on after the block that follows it
            (:mod:`briefgen.editions.tablefloat`), where it leaves more than three empty lines and
            the swap fills it, or leaves at least a line less empty (the last resort,
            :mod:`briefgen.editions.flushbottom`, then spreads what is left: a note-heavy paragraph
            after a table left 11.8 lines empty where the swap leaves 3.7); else ``result``."""
            if not _text_goes_on(result):
                return result
            moved = tablefloat.moved_table(box, result[1])
            if moved is None:
                return result
            height = _line_height(moved[0].style)
            before = empty_lines(context, tablefloat.text_bottom(result[0]), height)
            if before <= MAX_EMPTY_LINES:
                return result
            tablefloat.swap(*moved)
            saved.restore(context)
            again, _, gap = attempt(None)
            if not gap and (again[1] is None or empty_lines(context, tablefloat.text_bottom(again[0]), height)
                            <= max(MAX_EMPTY_LINES, before - 1)):
                log.debug("page %d: the table it moved on comes after the next block", context.current_page)
                return again
            tablefloat.swap(*moved)
            saved.restore(context)
            return attempt(None)[0]

        # WeasyPrint lays a page out again when a page number it shows changes: what was found
        # for the page starting there is tried first (and nothing, where nothing was found)
        found = context.__dict__.setdefault(FOUND, {})
        start = (context.current_page, repr(skip_stack))
        result, paragraphs, gap = attempt(found.get(start))
        if not gap:  # (or one on the last page, or before a forced break: a chapter ends)
            return defer_table(result) if start not in found else result
        if start in found:
            if found[start] is None:
                return result
            saved.restore(context)
            result, paragraphs, gap = attempt(None)
        for instruction in _attempts(paragraphs)[:MOST_ATTEMPTS]:
            saved.restore(context)
            result, _, gap = attempt(instruction)
            log.debug("page %d: %d paragraphs set %s, margins at %d %%: %s", context.current_page,
                      len(instruction[0]), instruction[1], instruction[2] * 100, "still a gap" if gap else "filled")
            if not gap:
                found[start] = instruction
                return result
        found[start] = None
        saved.restore(context)
        return defer_table(attempt(None)[0])

    layout.__doc__ = block_level_layout.__doc__
    layout.briefgen_correction = True
    return layout
