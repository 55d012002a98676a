"""A table that moves on whole, followed by text that comes first (page fill, the last resort).

A table of up to five rows stays whole, and a longer one keeps at least three rows on a page
(print.css). Where the room left at a page's foot is too small for it, WeasyPrint moves the
table to the next page and leaves the room empty: 4.8 empty lines above the notes in the unseen
Central Asia briefing (p. 3), where no paragraph of the page set tight or loose fills it
(:mod:`briefgen.editions.rebreak`). A book typesetter floats such a table to the top of the
next page and lets the text after it fill the room: :func:`defer` does that for one block — the
table's next sibling, a paragraph or list (never a heading: the next section starts after the
table) — by swapping the two boxes in the box tree for this layout; the page is then laid out
again, and the swap kept where the page no longer leaves more than three empty lines, or at least
a line less than before (:func:`briefgen.editions.rebreak.lay_out_pages_again`).
The swap is of boxes, not of the document: the HTML edition keeps the source order; in the PDF
(its text and its tags) the paragraph comes before the table, as it is printed.
"""

from __future__ import annotations

import logging

from briefgen.editions.flushbottom import HEADINGS

log = logging.getLogger(__name__)

#: Blocks that may come before a table moved on (text, not the next section's heading).
MOVABLE_TAGS = ("p", "ul", "ol", "blockquote")


def next_block(root, resume_at) -> tuple | None:
    """(parent box, index) of the block the next page starts with, moved on whole from this page
    (``resume_at``: WeasyPrint's skip stack for ``root`` after it); None where the page breaks
    inside a block."""
    from weasyprint.formatting_structure import boxes

    parent, skip = root, resume_at
    while isinstance(skip, dict) and len(skip) == 1:
        ((index, skip),) = skip.items()
        if not isinstance(parent, boxes.ParentBox) or not 0 <= index < len(parent.children):
            return None
        if skip is None:  # the next page starts with this child, whole
            return parent, index
        parent = parent.children[index]
    return None


def moved_table(root, resume_at) -> tuple | None:
    """(parent box, index) of the table the next page starts with, moved on whole from this page
    (``resume_at``: WeasyPrint's skip stack for ``root`` after it), when the block after it may
    come first (:data:`MOVABLE_TAGS`); else None."""
    from weasyprint.formatting_structure import boxes

    found = next_block(root, resume_at)
    if found is None:
        return None
    parent, index = found
    child = parent.children[index]
    after = parent.children[index + 1] if index + 1 < len(parent.children) else None
    if (getattr(child, "is_table_wrapper", False) and isinstance(after, boxes.BlockBox)
            and after.element_tag in MOVABLE_TAGS and after.style["float"] == "none"):
        return parent, index
    return None


def starts_a_chapter(root, resume_at) -> bool:
    """Whether the next page starts with a top-level heading (``bookmark-level: 1``: a chapter, an
    annex, an interview's question), moved on whole with its first lines from this page."""
    from weasyprint.formatting_structure import boxes

    found = next_block(root, resume_at)
    if found is None:
        return False
    box = found[0].children[found[1]]
    while isinstance(box, boxes.BlockContainerBox) and box.element_tag not in HEADINGS:
        flow = [child for child in box.children if child.is_in_normal_flow()]
        if not flow or not isinstance(flow[0], boxes.BlockLevelBox):
            return False
        box = flow[0]
    return box.element_tag in HEADINGS and box.style["bookmark_level"] == 1


def swap(parent, index: int) -> None:
    """Swap the children ``index`` and ``index + 1`` of ``parent`` (again: put them back)."""
    children = parent.children
    children[index], children[index + 1] = children[index + 1], children[index]


def text_bottom(page_content) -> float:
    """Where the text of a laid-out page's content ends (the last line or table row)."""
    from weasyprint.formatting_structure import boxes

    return max((box.position_y + box.height for box in page_content.descendants()
                if isinstance(box, (boxes.LineBox, boxes.TableRowBox))), default=page_content.position_y)
