"""Justification of the print editions: how a justified line shares out its leftover width.

WeasyPrint 70 justifies a line by widening its word spaces only. Its line breaking is
first fit, and briefgen's policy keeps some words whole (names, dates, a "(page N)" with
its word, :mod:`briefgen.editions.hyphenation`); where the next unbreakable unit does not
fit, the few spaces of a line take the whole rest of the measure — word gaps over 1 em,
which the eye reads as holes. As typesetting programs do (the "letter spacing" of Adobe's
justification settings), a line whose spaces would grow past :data:`LOOSEST_SPACE` gives
part of its leftover width to the gaps between its letters, at most
:data:`MOST_LETTER_SPACING` of a space each; the spaces take the rest. Every other line is
justified exactly as WeasyPrint does it.

A line that stays loose even so is laid out once more on a measure wider by what its
spaces may shrink (to 80 %, :data:`MOST_SHRINK`) and its letters close up (by the same 5 %
of a space): if it then takes the next word, it is compressed back into the measure
(:func:`compress_line`, :func:`text_align`, :func:`avoid_collisions`); see
:mod:`briefgen.editions.linebreaks`.

:func:`add_word_spacing` stands in for WeasyPrint's ``layout.inline.add_word_spacing``
(:func:`briefgen.editions.textfix.letter_space_loose_lines`), so that whatever decides which
characters of a line stretch (WeasyPrint's ``justify_line``,
:func:`briefgen.editions.textfix.justify_at_url_breaks`) is kept; the letter spacing is stored
on each text box (:data:`TRACKED`) and drawn by
:func:`briefgen.editions.textfix.draw_text_as_laid_out`, which adds it to each letter's
advance as it adds the justification to each space's: the drawn line ends where the laid
out one does.
"""

from __future__ import annotations

import unicodedata
from contextlib import contextmanager
from functools import partial

#: The widest word space (the space's own width and the justification) a line is given
#: before its letters are spaced, in em of the line's text. The check of the finished PDF
#: counts a gap over 1 em between the ink of two words, which adds the letters' side
#: bearings (up to 0.08 em in PT Serif) to the space.
LOOSEST_SPACE = 0.9
#: The most spacing added between two letters of a loose line, as a share of the font's space
#: (Adobe's default maximum letter spacing for justified text, 5 %: 0.012 em, 0.13 pt in
#: 10.5 pt PT Serif).
MOST_LETTER_SPACING = 0.05
#: Attribute of a text box: (spacing in CSS px, frozenset of the UTF-8 byte offsets of its
#: letters whose glyphs get it, how many glyphs that is).
TRACKED = "_briefgen_tracked"
#: How far a line laid out again to take one more word may shrink its word spaces (Adobe's
#: default minimum word spacing for justified text is 80 % of a space); its letters may then
#: close up by :data:`MOST_LETTER_SPACING` of a space at most.
MOST_SHRINK = 0.2
#: Set on the layout context while a loose line is laid out again (see
#: :mod:`briefgen.editions.linebreaks`): (the paragraph's line box, how far in CSS px its line
#: may run past the measure, to be compressed back into it). Lines of other boxes (an
#: inline-block's) keep their measure.
WIDENED = "_briefgen_widened"
#: Attribute of a line box laid out so: True if it was compressed into the measure.
COMPRESSED = "_briefgen_compressed"
#: Attribute of a justified line with no word space (a URL's path alone): the width (CSS px) left
#: at its end, which its breaks may not take (:func:`briefgen.editions.textfix.justify_at_url_breaks`).
UNFILLED = "_briefgen_unfilled"
#: WeasyPrint's module ``layout.inline`` once :func:`briefgen.editions.textfix.letter_space_loose_lines`
#: found it as expected: a loose line may then be laid out again on a widened measure.
WIDENING: dict = {}


def letter_offsets(text: str) -> list[int]:
    """The UTF-8 byte offsets of the characters of ``text`` that letter spacing widens:
    every character that has its own advance — not spaces, format characters (zero-width
    space, word joiner, soft hyphen) or combining marks."""
    offsets, position = [], 0
    for char in text:
        if not char.isspace() and unicodedata.category(char) not in ("Cf", "Mn", "Me"):
            offsets.append(position)
        position += len(char.encode())
    return offsets


def _text_boxes(box, boxes):
    """The text boxes of a line, in the order of the line (in normal flow)."""
    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        children = box.children[::-1] if box.style["direction"] == "rtl" else box.children
        for child in children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child, boxes)


def space_width(style, context) -> float:
    """The width of a (no-break) space in ``style``'s font, in CSS px (once per font and
    size and layout)."""
    from weasyprint.text.line_break import _font_style_cache_key, create_layout, line_size

    key = _font_style_cache_key(style, include_size=True)
    cache = context.__dict__.setdefault("_briefgen_space_widths", {})
    if key not in cache:
        layout = create_layout("\u00a0", style, context, None, 0)  # kept alive: its line is read
        cache[key] = line_size(layout.get_first_line()[0], style)[0]
    return cache[key]


def tracking_for(extra_width: float, spaces: int, letters: int, space: float, font_size: float) -> float:
    """The spacing (CSS px) to add between the letters of a justified line: none while
    ``spaces`` spaces of width ``space`` widened by ``extra_width`` in all stay within
    :data:`LOOSEST_SPACE`; else what brings them back to it, at most
    :data:`MOST_LETTER_SPACING` of a space."""
    if not spaces or letters < 2 or font_size <= 0:
        return 0.0
    excess = (space + extra_width / spaces - LOOSEST_SPACE * font_size) * spaces
    if excess <= 0:
        return 0.0
    return min(excess / letters, MOST_LETTER_SPACING * space)


def _glyphs(box, context) -> dict[int, int]:
    """The glyphs of a text box as Pango shapes it: byte offset of each cluster → its number of
    glyphs (a ligature, "fi", is one glyph for two letters; the drawing spaces glyphs). The
    box's own layout is put away once laid out: the text is shaped again, as for drawing."""
    from weasyprint.text.ffi import ffi
    from weasyprint.text.line_break import create_layout

    layout = create_layout(box.text, box.style, context, None, 0)  # kept alive: its line is read
    counts: dict[int, int] = {}
    run = layout.get_first_line()[0].runs[0]
    while run != ffi.NULL:
        glyph_item, run = run.data, run.next
        clusters = glyph_item.glyphs.log_clusters
        for index in range(glyph_item.glyphs.num_glyphs):
            offset = glyph_item.item.offset + clusters[index]
            counts[offset] = counts.get(offset, 0) + 1
    return counts


def _letters(line, boxes, context) -> list[tuple[object, frozenset[int], int]]:
    """The text boxes of a line with the offsets of their letters that letter spacing widens and
    how many glyphs those are: all but the line's last letter, so that the line still ends at
    the margin."""
    tracked = []
    for box in _text_boxes(line, boxes):
        offsets = letter_offsets(box.text)
        if offsets:  # (a box of spaces has no glyph run to read)
            glyphs = _glyphs(box, context)
            offsets = [offset for offset in offsets if offset in glyphs]
        if offsets:
            tracked.append([box, offsets, glyphs])
    if tracked:
        tracked[-1][1] = tracked[-1][1][:-1]
    return [(box, frozenset(offsets), sum(glyphs[offset] for offset in offsets)) for box, offsets, glyphs in tracked]


def add_word_spacing(original, inline, context, box, justification_spacing: float, x_advance: float):
    """WeasyPrint's ``add_word_spacing`` (``original``; ``inline`` is its module,
    ``layout.inline``). Called on a whole line — as ``justify_line`` does with the line's
    leftover width divided among its spaces — it shares that width out between the spaces
    and, in a loose line, the letters; on the boxes inside a line (its own recursion) it is
    WeasyPrint's."""
    from weasyprint.formatting_structure import boxes

    if not isinstance(box, boxes.LineBox) or x_advance:
        return original(context, box, justification_spacing, x_advance)
    line = box
    spaces = inline.count_expandable_spaces(line)
    extra_width = justification_spacing * spaces
    font_size = line.style["font_size"]
    space = space_width(line.style, context)
    tracked = _letters(line, boxes, context) if spaces and justification_spacing + space > LOOSEST_SPACE * font_size \
        else []
    letters = sum(count for _, _, count in tracked)
    tracking = tracking_for(extra_width, spaces, letters, space, font_size) if tracked else 0.0
    advance = original(context, line, (extra_width - tracking * letters) / spaces if tracking else justification_spacing,
                       0)
    if tracking:
        for text_box, offsets, count in tracked:
            text_box.__dict__[TRACKED] = (tracking, offsets, count)
        advance += _add_letter_spacing(line, boxes, 0.0)
    return advance


def capacity(context, line, more_spaces: int = 0) -> float:
    """How much (CSS px) a line can be compressed: its spaces (and ``more_spaces``) to 80 %,
    its letters closed up by 5 % of a space."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline

    space = space_width(line.style, context)
    letters = sum(count for _, _, count in _letters(line, boxes, context))
    return (inline.count_expandable_spaces(line) + more_spaces) * MOST_SHRINK * space \
        + letters * MOST_LETTER_SPACING * space


def shrink_used(context, line) -> float:
    """The share of what a line may be compressed (:func:`capacity`) that its spaces and letters
    give back: 0 for a line that is not compressed, 1 for one compressed as far as it may be."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline

    texts = list(_text_boxes(line, boxes))
    spacing = min((box.justification_spacing for box in texts), default=0)
    tracking = min((box.__dict__[TRACKED][0] for box in texts if TRACKED in box.__dict__), default=0.0)
    if spacing >= 0 and tracking >= 0:
        return 0.0
    letters = sum(count for _, _, count in _letters(line, boxes, context)) if tracking < 0 else 0
    given = -(min(spacing, 0) * inline.count_expandable_spaces(line) + min(tracking, 0) * letters)
    room = capacity(context, line)
    return given / room if room else 0.0


def compress_line(inline, context, line, excess: float) -> bool:
    """Bring a line ``excess`` (CSS px) wider than its measure back into it: its spaces shrink
    first (to 80 % of a space), then its letters close up (by 5 % of a space at most). True if
    that was enough."""
    from weasyprint.formatting_structure import boxes

    spaces = inline.count_expandable_spaces(line)
    space = space_width(line.style, context)
    tracked = _letters(line, boxes, context)
    letters = sum(count for _, _, count in tracked)
    if not spaces or excess > capacity(context, line) + 0.01:
        return False
    shrink = min(excess, spaces * MOST_SHRINK * space)
    inline.add_word_spacing(context, line, -shrink / spaces, 0)  # spaces only: not loose
    if excess > shrink and letters:
        for box, offsets, count in tracked:
            box.__dict__[TRACKED] = (-(excess - shrink) / letters, offsets, count)
        _add_letter_spacing(line, boxes, 0.0)
    return True


@contextmanager
def widened(context, box, allowance: float):
    """While it lasts, the lines of ``box`` are laid out on a measure ``allowance`` (CSS px)
    wider, and compressed into the real one: WeasyPrint's ``avoid_collisions`` and
    ``text_align`` (looked up at call time in ``layout.inline``) are wrapped for that one line,
    so that every other line costs nothing."""
    inline = WIDENING["inline"]
    saved = inline.avoid_collisions, inline.text_align
    context.__dict__[WIDENED] = (box, allowance)
    inline.avoid_collisions = partial(avoid_collisions, saved[0])
    inline.text_align = partial(text_align, saved[1], inline)
    try:
        yield
    finally:
        inline.avoid_collisions, inline.text_align = saved
        del context.__dict__[WIDENED]


def text_align(original, inline, context, line, available_width, last):
    """WeasyPrint's ``text_align`` (``original``), on the real measure while a line is laid out
    on a widened one (:func:`widened`): a justified line that took more than the measure is
    compressed into it (and marked :data:`COMPRESSED` if it fits)."""
    target, allowance = context.__dict__.get(WIDENED, (None, 0))
    if not allowance or line.element is not target.element or line.element_tag != target.element_tag:
        return original(context, line, available_width, last)
    available_width -= allowance
    if line.width > available_width and line.style["text_align_all"] == "justify":
        line.__dict__[COMPRESSED] = compress_line(inline, context, line, line.width - available_width)
        return 0
    return original(context, line, available_width, last)


def avoid_collisions(original, context, box, containing_block, outer=True):
    """WeasyPrint's ``avoid_collisions`` (``original``), with a line's room widened while a loose
    line is laid out again (:func:`widened`)."""
    position_x, position_y, available_width = original(context, box, containing_block, outer)
    target, allowance = context.__dict__.get(WIDENED, (None, 0))
    if allowance and box is target:
        available_width += allowance
    return position_x, position_y, available_width


def word_space(context, line) -> float:
    """The word space (a space and its justification) of a laid-out line, in em, as
    :func:`add_word_spacing` makes it — whether or not it is in place, so that line breaking
    does not depend on it: 0 for a line that is not justified."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline

    texts = list(_text_boxes(line, boxes))
    spacing = max((box.justification_spacing for box in texts), default=0)
    font_size = line.style["font_size"]
    if line.__dict__.get(UNFILLED, 0) > font_size:
        # a URL's path alone, more than an em short of the margin: as loose as that width
        # (its breaks, counted as spaces, made it look as tight as any)
        return line.__dict__[UNFILLED] / font_size
    spaces = inline.count_expandable_spaces(line)
    if not spacing or not spaces or not font_size:
        return 0.0
    space = space_width(line.style, context)
    tracking = next((box.__dict__[TRACKED][0] for box in texts if TRACKED in box.__dict__), 0.0)
    if not tracking and space + spacing <= LOOSEST_SPACE * font_size:
        return (space + spacing) / font_size  # spaced by its spaces alone (most lines)
    letters = sum(count for _, _, count in _letters(line, boxes, context))
    extra = spacing * spaces + tracking * letters  # the leftover width the line was justified with
    return (space + (extra - tracking_for(extra, spaces, letters, space, font_size) * letters) / spaces) / font_size


def is_loose(context, line) -> bool:
    """Whether a laid-out line's word spaces are wider than :data:`LOOSEST_SPACE` even with its
    letters spaced as far as they may be."""
    return word_space(context, line) > LOOSEST_SPACE + 0.005


def _add_letter_spacing(box, boxes, x_advance: float) -> float:
    """Widen the text boxes of a line by their letter spacing and move what follows them,
    as WeasyPrint's ``add_word_spacing`` does for the word spacing."""
    if isinstance(box, boxes.TextBox):
        box.position_x += x_advance
        tracking, _, count = box.__dict__.get(TRACKED, (0.0, (), 0))
        box.width += tracking * count
        return x_advance + tracking * count
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        children = box.children[::-1] if box.style["direction"] == "rtl" else box.children
        for child in children:
            if child.is_in_normal_flow():
                x_advance = _add_letter_spacing(child, boxes, x_advance)
        box.width += x_advance - before
        return x_advance
    box.translate(x_advance, 0)  # an atomic inline box
    return x_advance
