"""Page fill, the very last resort: the room a page leaves spread between its blocks.

Where a page's text goes on but no break keeps every rule — a line calling several notes side by
side whose first note is too long for the room left, and no paragraph set tight or loose nor
spacing shrunk fills the page (:mod:`briefgen.editions.rebreak`) — WeasyPrint leaves the room
empty above the notes: 4.6–6 lines on 7 of 80 stress editions (seeds 1–40), which reads as a
half-empty page. A book typesetter justifies such a page vertically (TeX's ``\\flushbottom``,
InDesign's vertical justification): the room goes into the gaps between the page's blocks —
paragraphs, list items, tables, before a heading (never between a heading and its text) — each
gap growing with its own size (TeX's glue: paragraphs apart more than list items) by at most
:data:`MOST_GROWTH` times that and :data:`MOST_STRETCH` lines, so that the page ends near its foot
like the pages around it.

Only a page that would leave room for more than :data:`~briefgen.editions.pagefill.MAX_EMPTY_LINES`
whole lines is changed, and only where its text goes on without a forced break (not on the last
page, not before an annex) nor a chapter, an annex or an interview's question at the next page's
top (:func:`briefgen.editions.tablefloat.starts_a_chapter`: a page may end short there, and spread
it was stretched and still short — the unseen Turkmenistan briefing, en p. 4: gaps twice their
size and 3 lines left). The boxes are moved after layout (nothing is laid out again):
a block of lines, a table or a bordered block moves whole; the blocks holding them grow by what
moved inside them. Applied by :func:`briefgen.editions.rebreak.lay_out_pages_again` to the page's
content once its layout is final.
"""

from __future__ import annotations

import logging

from briefgen.editions.pagefill import MAX_EMPTY_LINES, empty_lines

log = logging.getLogger(__name__)

#: The most a gap between two blocks may grow, in lines of the text (one line filled the page
#: before a 9-row table that moved on only to 4.5 empty lines: stress seed 74 en p. 4, whose only
#: gaps are a paragraph's and the one before a heading).
MOST_STRETCH = 1.5
#: The most a gap may grow, in its own size (a paragraph's half-line gap: to one and a half lines).
MOST_GROWTH = 2.0
#: The room (lines) left at the page's foot once spread: as on a page that ends with a short line.
LEFT_EMPTY = 0.5
#: Blocks after which a gap never grows: a heading stays with its text.
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def line_height(style) -> float:
    """A block's line height (CSS px) from its style."""
    value = style["line_height"]
    if isinstance(value, (int, float)):  # a number: times the font size
        return value * style["font_size"]
    return getattr(value, "value", style["font_size"] * 1.2)  # a length, or "normal"


def _moves_whole(box, boxes) -> bool:
    """Whether ``box`` moves as one block: it holds lines, is a table or a replaced block, or draws
    a border or background that would not grow with the gaps inside it."""
    if not isinstance(box, boxes.ParentBox) or getattr(box, "is_table_wrapper", False):
        return True
    if any(not child.is_in_normal_flow() for child in box.children):
        return True  # a list item's marker, a change bar: placed against the box, they move with it
    if any(isinstance(child, boxes.LineBox) for child in box.children):
        return True
    style = box.style
    return bool(any(style[f"border_{side}_width"] for side in ("top", "right", "bottom", "left"))
                or style["background_color"].alpha
                or any(kind != "none" for kind, _ in style["background_image"]))


def blocks(box) -> list:
    """The blocks of a laid-out page's content that move whole, in order (see :func:`_moves_whole`)."""
    from weasyprint.formatting_structure import boxes

    found = []
    for child in getattr(box, "children", ()):
        if not isinstance(child, boxes.BlockLevelBox) or not child.is_in_normal_flow():
            continue
        if _moves_whole(child, boxes):
            found.append(child)
        else:
            found.extend(blocks(child))
    return found


def _shift(box, moves: dict, boxes, shift: float = 0.0) -> float:
    """Move every block of ``box`` down by the gaps grown before it (``moves``: id of a block →
    what its gap grows by) and grow the blocks holding them; the shift after ``box``."""
    for child in getattr(box, "children", ()):
        if not isinstance(child, boxes.BlockLevelBox) or not child.is_in_normal_flow():
            continue
        if _moves_whole(child, boxes):
            shift += moves.get(id(child), 0.0)
            if shift:
                child.translate(0, shift)
        else:
            first = shift + moves.get(id(next(iter(blocks(child)), None)), 0.0)
            after = _shift(child, moves, boxes, shift)
            # the holder starts where its first block's gap ends, and ends below its last block
            child.position_y += first
            child.height += after - first
            shift = after
    return shift


def spread(context, page_content) -> bool:
    """Spread the room left above the notes of a laid-out page (``page_content``: the root box
    ``block_level_layout`` returned) between its blocks, where it leaves more than
    ``MAX_EMPTY_LINES`` of its last line's height; True if it did."""
    from weasyprint.formatting_structure import boxes

    from briefgen.editions.tablefloat import text_bottom

    lines = [box for box in page_content.descendants() if isinstance(box, boxes.LineBox)]
    if not lines:
        return False
    pitch = line_height(lines[-1].style)  # (a line box holding a call is taller)
    empty = empty_lines(context, text_bottom(page_content), pitch)
    if int(empty + 0.01) <= MAX_EMPTY_LINES:  # whole lines that would still fit, as the rule counts them
        return False
    found = [block for block in blocks(page_content) if block.border_height() > 0]  # (an empty one is no gap)
    # each gap grows with its own size, as TeX's glue stretches: paragraphs apart more than list
    # items, none between blocks that touch
    gaps = {id(after): after.border_box_y() - before.border_box_y() - before.border_height()
            for before, after in zip(found, found[1:]) if before.element_tag not in HEADINGS}
    gaps = {key: gap for key, gap in gaps.items() if gap > 0}
    if not gaps:
        return False
    factor = min((empty - LEFT_EMPTY) * pitch / sum(gaps.values()), MOST_GROWTH)
    moves = {key: min(gap * factor, MOST_STRETCH * pitch) for key, gap in gaps.items()}
    _shift(page_content, moves, boxes)
    log.debug("page %d: %.1f empty lines, %.1f spread over %d gaps", context.current_page, empty,
              sum(moves.values()) / pitch, len(moves))
    return True
