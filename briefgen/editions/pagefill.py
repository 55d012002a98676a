"""Page fill: no page left with more than three empty lines above its notes (corrections to WeasyPrint 70).

Two ways a page was left short, each corrected the way a book typesetter would: a long
footnote continued on the next page (:func:`continue_note`), and a block's first line left
alone at the foot of a page or its last line alone at the top of the next (:func:`orphans`,
:func:`widows`).

Continued notes

WeasyPrint places a footnote whole or not at all. With ``footnote-policy: line`` (briefgen's:
a note sits on the page of its call) a line that calls a note too long for the rest of the
page goes to the next page with its note — and leaves the rest of this page empty: four or
five empty lines above the notes when the note is four lines long.

The correction splits such a note where WeasyPrint broke its lines: the first lines stay on the
call's page (as many as leave room for the lines its paragraph needs on this page, two where
the note has more than two), below the notes before it, and the rest is
carried to the top of the next page's notes — the way WeasyPrint already carries a note whose
policy allows it (``context.reported_footnotes``). A note is split only when the line that
calls it is the page's last line that can come (the line would otherwise move), it is the
line's last note, and no note is already waiting for the next page (the notes stay in order).

The parts are WeasyPrint boxes of the same note element:

- the head is the note with ``max-lines: k`` and ``continue: discard`` — WeasyPrint's own
  line clamp, which lays out k lines and nothing after them;
- the tail is the note starting at the skip stack WeasyPrint returned after line k, so its
  lines are exactly the lines the whole note had (notes are set ragged-right: no line of a
  part is justified differently from the whole).

Orphans and widows

A block of three lines (a list item, a short paragraph) cannot break across pages under
``orphans: 2`` and ``widows: 2``; with its note it may not fit in the four or five lines left,
and it moves to the next page whole, leaving them empty. Where moving a block would leave more
than :data:`MAX_EMPTY_LINES` lines empty, its first line may stay alone (``orphans: 1``); where
the last two lines of a paragraph would leave the page with their notes, and leave it that empty,
the last line may go alone (``widows: 1``). A lone line is the lesser fault.

Hooks, each checked against WeasyPrint's source by :mod:`briefgen.editions.weasyfix`, which
applies them: the place in ``_linebox_layout`` where a note that does not fit is moved
(:func:`continue_note`), the start of a block's layout (the tail's skip stack), and
``LayoutContext.unlayout_footnote`` (a line taken back takes back both parts), and the
places where ``_linebox_layout`` and ``_break_line`` read a block's ``orphans`` and ``widows``.
"""

from __future__ import annotations

import logging
from math import inf

from briefgen.editions.weasyfix import MEASURED_NOTES

log = logging.getLogger(__name__)

#: Attribute of a note split by :func:`continue_note`: (head, tail).
PARTS = "_briefgen_parts"
#: Attribute of a tail: the skip stack its layout starts from.
SKIP = "_briefgen_skip"

#: A note keeps at least this many lines with its call where it can, and never fewer than one...
PREFERRED_HEAD_LINES = 2
#: ... and carries at least this many to the next page.
MIN_TAIL_LINES = 1
#: Room kept below the call's line for this many more lines of its text, where the note allows:
#: the lines a paragraph needs to end on this page or to break (``orphans``, ``widows``).
FOLLOWING_LINES = (2, 1, 0)
#: A page may keep at most this many empty lines above its notes, except before a forced break.
MAX_EMPTY_LINES = 3
#: The print stylesheet's custom property ``--under-heading`` as WeasyPrint keeps it in a style.
UNDER_HEADING = "__under_heading"


def orphans(context, box, new_children, line) -> int:
    """The ``orphans`` of ``box`` on this page: its own, or 1 where moving the block to the next
    page (its lines ``new_children`` so far, ``line`` the one that does not fit) would leave more
    than :data:`MAX_EMPTY_LINES` lines of this page empty."""
    wanted = box.style["orphans"]
    if wanted <= 1 or not new_children or context.in_column or under_heading(box):
        return wanted
    return 1 if _empty_lines_without(context, new_children, line) > MAX_EMPTY_LINES else wanted


def under_heading(box) -> bool:
    """Whether ``box`` is the first block under a heading (the print stylesheet's mark,
    ``--under-heading: 1``): its first line is never left alone, the heading would stand at the
    page's foot with one line of its text."""
    try:
        tokens = box.style[UNDER_HEADING]
    except KeyError:
        return False
    return any(getattr(token, "value", None) == 1 for token in tokens or ())


def widows(context, box, new_children, line) -> int:
    """The ``widows`` of ``box`` on this page: its own, or 1 where the lines that keeping them
    would take from this page (with their notes) would leave more than :data:`MAX_EMPTY_LINES`
    lines of it empty — the last line of a paragraph then goes alone to the next page."""
    wanted = box.style["widows"]
    if wanted <= 1 or len(new_children) < wanted - 1 or context.in_column:
        return wanted
    return 1 if _empty_lines_without(context, new_children[-(wanted - 1):], line) > MAX_EMPTY_LINES else wanted


def _empty_lines_without(context, moved: list, line) -> float:
    """How many of ``line``'s lines a page would leave empty if the lines ``moved`` (its last)
    went to the next page with their notes, counted as a reader sees them: down to the first
    note, the footnote area's margin included. The notes' heights are those measured by
    weasyfix.lay_out_each_note_once (without it, the notes are not counted)."""
    area = context.current_footnote_area
    measured = area.__dict__.get(MEASURED_NOTES, {})
    leaving = set()
    for moved_line in moved:
        for box in moved_line.descendants():
            if box.footnote is not None:  # the note, or the head of it left here (continue_note)
                for note in (box.footnote, *box.footnote.__dict__.get(PARTS, ())[:1]):
                    if note in context.current_page_footnotes:
                        leaving.add(id(note))
    freed = sum(measured[key][1] for key in leaving if key in measured)
    return empty_lines(context, moved[0].position_y - freed, line.height)


def empty_lines(context, bottom: float, line_height: float) -> float:
    """How many lines of ``line_height`` a page whose text ends at ``bottom`` leaves empty above its
    notes (counted down to the first note, the footnote area's margin included, as a reader sees them)."""
    area = context.current_footnote_area
    above_notes = area.margin_top if area.children and isinstance(area.margin_top, (int, float)) else 0
    return (context.page_bottom + above_notes - bottom) / (line_height or 1)


def _lines_of(context, note) -> list | None:
    """The line boxes of ``note`` laid out alone in this page's footnote area, or None where the
    note is not a block of lines (a note holding blocks is moved whole, as before)."""
    from weasyprint.formatting_structure import boxes, build
    from weasyprint.layout import block_level_layout

    area = context.current_footnote_area
    alone = build.create_anonymous_boxes(area.copy_with_children([note]).deepcopy())
    laid = block_level_layout(context, alone, -inf, None, area.page)[0]
    if laid is None or len(laid.children) != 1:
        return None
    lines = laid.children[0].children
    if not lines or not all(isinstance(line, boxes.LineBox) for line in lines):
        return None
    return lines


def _head(note, lines: int):
    """The note cut after its first ``lines`` lines (WeasyPrint's line clamp)."""
    head = note.copy()
    head.style = note.style.copy()
    head.style["max_lines"] = lines
    head.style["continue"] = "discard"
    return head


def _tail(note, skip_stack: dict):
    """The note from the skip stack on (its remaining lines)."""
    tail = note.copy()
    tail.__dict__[SKIP] = skip_stack
    return tail


def continue_note(context, note, line, bottom_space: float, line_bottom: float) -> bool:
    """Called where WeasyPrint found that ``note`` (just added to the page) does not fit with
    ``line``, its call's line. Leave as many of its lines as fit on this page and carry the rest
    to the next one; True if done (the line stays), False to let WeasyPrint move the line."""
    if (context.in_column or context.reported_footnotes or note.style["footnote_policy"] != "line"
            or context.current_page_footnotes[-1:] != [note]):
        return False
    notes_called = [box.footnote for box in line.descendants() if box.footnote is not None]
    if not notes_called or notes_called[-1] is not note:
        return False  # the notes after it would come before its continuation
    lines = _lines_of(context, note)
    if lines is None or len(lines) < 1 + MIN_TAIL_LINES:
        return False
    most = len(lines) - MIN_TAIL_LINES
    preferred = min(PREFERRED_HEAD_LINES, most)
    heads: dict[int, object] = {}  # one head per length: each is measured once
    # the preferred lengths first, with room kept for the lines that follow; one line last
    for shortest, longest in ((preferred, most), (1, preferred - 1)):
        for following in FOLLOWING_LINES:
            for kept in range(longest, shortest - 1, -1):
                if kept not in heads:
                    heads[kept] = _head(note, kept)
                head = heads[kept]
                context.current_page_footnotes[-1] = head
                overflow = context._update_footnote_area()
                if not overflow and not context.overflows_page(bottom_space, line_bottom + following * line.height):
                    tail = _tail(note, {0: lines[kept - 1].resume_at})
                    context.reported_footnotes.append(tail)
                    note.__dict__[PARTS] = (head, tail)
                    log.debug("note %s: %d of %d lines on page %d, the rest on the next",
                              note.element.get("data-note"), kept, len(lines), context.current_page)
                    return True
    context.current_page_footnotes[-1] = note
    context._update_footnote_area()
    return False


def start_tails_where_they_continue(block_container_layout):
    """Wrap WeasyPrint's ``block_container_layout``: a tail made by :func:`continue_note` starts
    at its skip stack."""

    def layout(context, box, bottom_space, skip_stack, *args, **kwargs):
        if skip_stack is None:
            skip_stack = box.__dict__.get(SKIP)
        return block_container_layout(context, box, bottom_space, skip_stack, *args, **kwargs)

    layout.__doc__ = block_container_layout.__doc__
    layout.briefgen_correction = True
    return layout


def take_back_both_parts(unlayout_footnote):
    """Wrap ``LayoutContext.unlayout_footnote``: when the line calling a split note is taken back
    (moved to the next page), its head leaves this page and its tail the waiting list."""

    def unlayout(context, footnote):
        parts = footnote.__dict__.pop(PARTS, None)
        if parts:
            head, tail = parts
            if head in context.current_page_footnotes:
                context.current_page_footnotes.remove(head)
            if tail in context.reported_footnotes:
                context.reported_footnotes.remove(tail)
        return unlayout_footnote(context, footnote)

    unlayout.__doc__ = unlayout_footnote.__doc__
    unlayout.briefgen_correction = True
    return unlayout
