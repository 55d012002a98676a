"""Scoped corrections to how WeasyPrint 70 breaks, justifies and draws text, applied at run time
(the page and footnote corrections are in :mod:`briefgen.editions.weasyfix`, which re-exports these).

Hyphenation (:func:`hyphenate_by_policy`): WeasyPrint hyphenates with the pyphen
dictionary of the text's language, for every word, on every line; the correction hands
WeasyPrint briefgen's :mod:`briefgen.editions.hyphenation` policy instead (en_US patterns for
"en", no break in capitalised words, numbers or month names) and implements CSS
``hyphenate-limit-lines`` (at most two hyphenated lines in a row), which WeasyPrint lacks.

Justification at a URL's break points (:func:`justify_at_url_breaks`): a justified line
holding a long URL stretches the zero-width spaces between the URL's characters as well as its
few word spaces — where that stays unseen or the line would be loose otherwise.

Loose lines (:func:`letter_space_loose_lines`, applied with :func:`draw_text_as_laid_out`):
a line whose word spaces would pass 0.9 em spaces its letters a little, and a line laid out
again on a widened measure is compressed into the real one
(:mod:`briefgen.editions.justification`).

Drawing text (:func:`draw_text_as_laid_out`): justified lines are drawn as wide as
WeasyPrint measured them (they ran up to 6 pt past the margin: kerning across spaces was
lost when drawing), and the "…" of ``text-overflow: ellipsis`` reads as "…", not as the
text it hides.

Each correction is applied only if WeasyPrint's source reads as expected (logged otherwise).
"""

from __future__ import annotations

import inspect
import logging
from functools import lru_cache

log = logging.getLogger(__name__)


def _source(function) -> str:
    """The source text of ``function``, or "" where none is shipped (zipapp, frozen build)."""
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return ""


#: What :func:`hyphenate_by_policy` relies on in WeasyPrint's source: the per-layout
#: dictionary cache, asked for a dictionary and iterated for the word to hyphenate...
HYPHENATION_SOURCE = (
    "dictionary = context.dictionaries.get(dictionary_key)",
    "dictionary = pyphen.Pyphen(lang=lang, left=left, right=right)",
    "dictionary.iterate(next_word)",
)
#: ... and the generator of a block's lines.
LINE_BOXES_SOURCE = ("while True:", "yield line, resume_at", "skip_stack = resume_at")


@lru_cache(maxsize=1)
def hyphenate_by_policy() -> bool:
    """Make WeasyPrint hyphenate under :mod:`briefgen.editions.hyphenation`'s policy; True if applied.

    Two hooks, each where WeasyPrint looks the thing up at run time: the layout
    context's ``dictionaries`` cache becomes a :class:`~briefgen.editions.hyphenation.Dictionaries`
    (so WeasyPrint asks briefgen's hyphenator instead of creating a ``pyphen.Pyphen``),
    and the generator of a block's lines (``iter_line_boxes``, looked up in
    ``layout.block``) suspends hyphenation for a line while the paragraph's last
    :data:`~briefgen.editions.hyphenation.MAX_HYPHENATED_LINES` lines end in a hyphen, and
    hands the lines over one line late, so that a loose line's predecessor can be laid out
    again (:mod:`briefgen.editions.linebreaks`). Each line is broken by WeasyPrint's own code.
    """
    from weasyprint.layout import LayoutContext, block, inline
    from weasyprint.text import line_break

    from briefgen.editions.hyphenation import Dictionaries, LineRun
    from briefgen.editions.linebreaks import lines_with_second_chance

    original = inline.iter_line_boxes
    if not (all(line in _source(line_break.split_first_line) for line in HYPHENATION_SOURCE)
            and "self.dictionaries = {}" in _source(LayoutContext.__init__)
            and all(line in _source(original) for line in LINE_BOXES_SOURCE)
            and block.iter_line_boxes is original and "dictionaries" not in vars(LayoutContext)):
        log.info("WeasyPrint's hyphenation is not the one this correction was written for; left as it is")
        return False

    def dictionaries(context):
        return context.__dict__["_briefgen_dictionaries"]

    def set_dictionaries(context, value):
        # LayoutContext.__init__ sets an empty cache; it is ours from the start
        context.__dict__["_briefgen_dictionaries"] = Dictionaries(context)

    def iter_line_boxes(context, box, position_y, bottom_space, skip_stack, *args):
        if box.style["hyphens"] != "auto":
            # nothing in the block is hyphenated automatically (notes, data tables): no run to follow
            yield from original(context, box, position_y, bottom_space, skip_stack, *args)
            return
        run = LineRun(context, box, skip_stack)
        yield from lines_with_second_chance(original, run, context, box, position_y, bottom_space, skip_stack,
                                            *args)

    LayoutContext.dictionaries = property(dictionaries, set_dictionaries)
    iter_line_boxes.__doc__ = original.__doc__
    iter_line_boxes.briefgen_correction = True
    block.iter_line_boxes = inline.iter_line_boxes = iter_line_boxes
    return True


ZERO_WIDTH_SPACE = "\u200b"
WORD_JOINER = "\u2060"
#: Where WeasyPrint counts the spaces a justified line stretches, and where it stretches them.
EXPANDABLE_COUNT = "return box.text.count(' ') + box.text.count('\\u00a0')"
EXPANDABLE_MATCH = "re.finditer(' |\\u00a0'.encode(), bytestring)"
#: WeasyPrint's ``justify_line``: one spacing for every expandable character of a line.
JUSTIFY_LINE_SOURCE = ("if (nb_spaces := count_expandable_spaces(line)):",
                       "add_word_spacing(context, line, extra_width / nb_spaces, 0)")
#: The most a URL's break may be widened (em): letters spread further read as spaced out
#: ("https://egov.kz/c m s / e n", 0.25 em each, in a line of few spaces); the spaces take the rest.
BREAK_STRETCH = 0.04
#: ... and in a line of a URL's path alone (no space to take the rest): a line of 80 breaks 43 pt
#: short of the margin before a word that cannot follow (stress seed 59 ru) is filled at 0.053 em,
#: which reads as a URL, where 10 pt left at its end read as a short line; at 0.13 em (seed 21)
#: its letters stood apart.
ALONE_STRETCH = 0.06


@lru_cache(maxsize=1)
def justify_at_url_breaks() -> bool:
    """Let a justified line stretch a little inside its URLs too; True if applied.

    WeasyPrint justifies a line by widening its spaces (and no-break spaces) only. A line that
    holds a long URL (see :mod:`briefgen.editions.typeset`: in running text it may break after any
    character of its path) has few spaces, so they took the whole leftover width — word gaps
    of 5 to 20 pt. Counting the URL's zero-width spaces as stretchable spreads that width over
    dozens of points, a fraction of a point each. A zero-width space right after a word joiner
    is a break that does not stretch: an e-mail address breaks there only after its "@" and
    before a "." or "-", and a few such breaks widened like word spaces read as spaces inside
    the address ("press -sluzhba .kgd@"). A break is widened by at most
    :data:`BREAK_STRETCH` em, the spaces take what is left: a line with a short URL path and
    few spaces had its letters spread as far apart as its words ("egov.kz/c m s / e n").
    Three places, each replaced only if its source reads as expected: the count
    (``count_expandable_spaces``, looked up at call time in ``layout.inline``; a break counts
    as the share of a space it is widened by), the line's justification (``justify_line``,
    which sets that share on the line's boxes) and the Pango attributes that widen each space
    (``Layout.set_text``, re-compiled from WeasyPrint's source with ``\\u200b`` added to the
    characters it matches).
    """
    import textwrap

    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    from briefgen.editions.justification import UNFILLED

    count_source = _source(inline.count_expandable_spaces)
    set_text_source = _source(line_break.Layout.set_text)
    justify = inline.justify_line
    if (EXPANDABLE_COUNT not in count_source or set_text_source.count(EXPANDABLE_MATCH) != 1
            or not all(line in _source(justify) for line in JUSTIFY_LINE_SOURCE)):
        log.info("WeasyPrint's justification is not the one this correction was written for; left as it is")
        return False
    code = compile(textwrap.dedent(set_text_source).replace(
        EXPANDABLE_MATCH, "re.finditer(' |\\u00a0|(?<!\\u2060)\\u200b'.encode(), bytestring)"),
        inspect.getsourcefile(line_break.Layout.set_text) or line_break.__file__, "exec")
    namespace: dict = {}
    exec(code, vars(line_break), namespace)  # noqa: S102 — WeasyPrint's own source, one pattern extended
    set_text = namespace["set_text"]
    set_text.briefgen_correction = True
    line_break.Layout.set_text = set_text
    # (a zero-width space that ends a box is the break its line ends at: it has nothing after it
    # to widen, and counted, it took its share of the leftover width — a line ending at a URL's
    # break stopped 0.4 pt short of the margin, and a compressed one ran 0.6 pt past it)
    code = compile(textwrap.dedent(count_source).replace(
        EXPANDABLE_COUNT, EXPANDABLE_COUNT + " + (box.text.count('\\u200b') - box.text.count('\\u2060\\u200b')"
        " - (box.text.endswith('\\u200b') and not box.text.endswith('\\u2060\\u200b')))"
        " * getattr(box, 'briefgen_break_share', 1)"),
        inspect.getsourcefile(inline.count_expandable_spaces) or inline.__file__, "exec")
    exec(code, vars(inline))  # noqa: S102 — replaces the function in WeasyPrint's module, where it is looked up
    inline.count_expandable_spaces.briefgen_correction = True

    def justify_line(context, line, extra_width):
        _share_breaks(line, 1)
        total = inline.count_expandable_spaces(line)
        _share_breaks(line, 0)
        spaces = inline.count_expandable_spaces(line)
        share, cap = 1, BREAK_STRETCH * line.style["font_size"]
        if spaces and total > spaces and extra_width / total > cap:
            # the breaks get ``cap`` each, the spaces what is left: a break counts as cap / that
            share = cap / ((extra_width - cap * (total - spaces)) / spaces)
        elif not spaces and total and extra_width / total > ALONE_STRETCH * line.style["font_size"]:
            # a line of a URL alone, far short of the margin: its breaks get ALONE_STRETCH each and
            # the rest is left at the line's end, as on a last line (spread over the breaks, it
            # set the path's letters apart, "e e d o m - p r i s o n e r s", 1.35 pt each)
            cap = ALONE_STRETCH * line.style["font_size"]
            line.__dict__[UNFILLED] = extra_width - cap * total
            extra_width = cap * total
        _share_breaks(line, share)
        return justify(context, line, extra_width)

    justify_line.__doc__ = justify.__doc__
    justify_line.briefgen_correction = True
    inline.justify_line = justify_line
    STRETCHED["characters"] += ZERO_WIDTH_SPACE  # and draw_text_as_laid_out draws them so
    return True


#: WeasyPrint 70's ``Layout.reactivate`` (text/line_break.py), called just before a text box is
#: drawn: it shapes the line again with the justification spacing as Pango letter-spacing on
#: every space.
REACTIVATE_SOURCE = '''def reactivate(self, style):
    self.setup(style)
    self.set_text(self.text, justify=True)
'''
#: Lines of WeasyPrint's ``draw_first_line`` (draw/text.py) and what the correction makes of them:
#: a glyph's advance gets the justification of a space; the glyph Pango puts in place of the
#: text an ellipsis hides is "…" in the PDF's text, not the hidden text.
DRAW_LINES = {
    "            width = glyph_info.geometry.width\n":
        "            width = glyph_info.geometry.width"
        # (a function call only in justified lines: most glyphs of a table or a note are not)
        " + (textbox.justification_spacing and"
        " _briefgen_justification(textbox, glyph_item.item.offset + clusters[i]))\n",
    "                font.to_unicode[glyph_id] = utf8_text[offset+t1:offset+t2].decode()\n":
        "                font.to_unicode[glyph_id] = (_briefgen_ellipsis(glyph_item)"
        " or utf8_text[offset+t1:offset+t2].decode())\n",
    # an empty glyph (a zero-width space: a URL's break) is written as its advance alone, and
    # WeasyPrint converts that from Pango units as if there were 1,000 to the point (there are
    # 1,024): nothing while the advance is 0, but a break widened by justification was drawn
    # 2.4 % wider than laid out — a line holding 30 of them ended 0.3 pt past the margin
    "                string += f'>{-width / font_size}<'\n":
        "                string += f'>{-width * 1000 * FROM_UNITS / font_size}<'\n",
    # the PDF holds each glyph's adjustment in whole thousandths of an em: what is cut off is
    # carried to the next glyph, so that a line of small adjustments (a compressed line's
    # letters, 0.002 em each) ends where it was laid out, not 84 truncations further right
    "    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)\n":
        "    residual = 0.0\n"
        "    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)\n",
    "            kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size\n":
        "            kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size + residual\n"
        "            residual = kerning - int(kerning)\n"
        "            kerning = int(kerning)\n",
}
#: PANGO_ANALYSIS_FLAG_IS_ELLIPSIS, in the byte of ``PangoAnalysis.flags``.
IS_ELLIPSIS = 1 << 1


#: The characters a justified line stretches, as ``layout.inline.count_expandable_spaces``
#: counts them: space and no-break space, and the zero-width space once
#: :func:`justify_at_url_breaks` is applied.
STRETCHED = {"characters": " \u00a0"}


def count_word_spaces(line) -> int:
    """The word spaces of a laid-out line that justification widens, its URLs' breaks left out
    (``count_expandable_spaces`` counts those too once :func:`justify_at_url_breaks` is applied)."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline

    texts = [box for box in line.descendants() if isinstance(box, boxes.TextBox)]
    shares = [box.__dict__.get("briefgen_break_share") for box in texts]
    _share_breaks(line, 0)
    try:
        return inline.count_expandable_spaces(line)
    finally:
        for box, share in zip(texts, shares):
            if share is None:
                box.__dict__.pop("briefgen_break_share", None)
            else:
                box.briefgen_break_share = share


def _share_breaks(box, share: float) -> None:
    """Set on every text box of ``box`` the share of a space that a URL's break is widened by
    (the boxes WeasyPrint's ``count_expandable_spaces`` counts in)."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        box.briefgen_break_share = share
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        for child in box.children:
            _share_breaks(child, share)


@lru_cache(maxsize=256)
def _space_offsets(text: str, characters: str = " \u00a0") -> frozenset[int]:
    """The UTF-8 byte offsets in ``text`` of the ``characters`` WeasyPrint stretches when it justifies."""
    offsets, position, previous = set(), 0, ""
    for char in text:
        # a zero-width space after a word joiner does not stretch (justify_at_url_breaks)
        if char in characters and not (char == ZERO_WIDTH_SPACE and previous == WORD_JOINER):
            offsets.add(position)
        position += len(char.encode())
        previous = char
    return frozenset(offsets)


@lru_cache(maxsize=1)
def draw_text_as_laid_out() -> bool:
    """Draw lines as WeasyPrint laid them out; True if applied.

    Justification: WeasyPrint 70 breaks and justifies a line with the widths Pango gives
    the text as one run — kerning included, also the pairs a space takes part in (PT
    Serif kerns a comma or a full stop before a space, a space before some capitals and
    quotes). It adds the justification spacing to the boxes' widths arithmetically, but
    draws the line after shaping it again with that spacing as a letter-spacing attribute
    on every space; the attributes split Pango's run at each space, so the pairs across a
    space lose their kerning and the drawn line is wider than the measured one (0.04 em
    for each comma): justified lines ran up to 6 pt past the right margin. The correction
    keeps the shaping WeasyPrint measured (``Layout.reactivate`` no longer asks for the
    attributes) and adds the spacing to each space's advance where the glyphs are written
    (``draw_first_line``), exactly what the layout added: all kerning stays, and the
    drawn line ends where the measured one does.

    Ellipsis (``text-overflow: ellipsis``, the running header): Pango draws "…" as a
    glyph whose cluster is the hidden text, and WeasyPrint maps that glyph to the hidden
    text in the PDF's ToUnicode table — for every later use of the glyph in the font. The
    correction maps it to "…" (or "." where Pango falls back to three full stops).

    Applied only if both functions read as expected and Pango's analysis flags can be read.
    """
    import sys
    from textwrap import dedent

    from weasyprint.draw import text as draw_module
    from weasyprint.text import line_break
    from weasyprint.text.ffi import TO_UNITS, ffi

    from briefgen.editions.justification import TRACKED

    draw = draw_module.draw_first_line
    source = _source(draw)
    # WeasyPrint declares PangoAnalysis' four guint8 (level, gravity, flags, script) as
    # guint: the flags are the third byte of ``level`` on a little-endian machine
    fields = dict(ffi.typeof("PangoAnalysis").fields)
    flags_readable = sys.byteorder == "little" and ffi.sizeof(fields["level"].type) == 4
    if (dedent(_source(line_break.Layout.reactivate)) != REACTIVATE_SOURCE or not flags_readable
            or any(source.count(line) != 1 for line in DRAW_LINES)):
        log.info("WeasyPrint's text drawing is not the one this correction was written for; left as it is")
        return False

    def reactivate(self, style):
        self.setup(style)
        self.set_text(self.text)  # the justification is added to the spaces by draw_first_line

    def justification(textbox, index: int) -> float:
        """The width (Pango units) justification adds to the glyph at byte ``index`` of the box:
        the word spacing to a space, the letter spacing of a loose line to a letter."""
        spacing = textbox.justification_spacing
        if not spacing:
            return 0
        text = textbox.pango_layout.text
        if index in _space_offsets(text, STRETCHED["characters"]):
            share = getattr(textbox, "briefgen_break_share", 1)  # a URL's break: justify_at_url_breaks
            if share != 1 and index in _space_offsets(text, ZERO_WIDTH_SPACE):
                spacing *= share
            return spacing * TO_UNITS
        tracked = textbox.__dict__.get(TRACKED)  # a loose or compressed line's letters
        return tracked[0] * TO_UNITS if tracked and index in tracked[1] else 0

    def ellipsis(glyph_item) -> str | None:
        """The text of a glyph of Pango's ellipsis, None for any other glyph."""
        if not (glyph_item.item.analysis.level >> 16) & IS_ELLIPSIS:
            return None
        return "\u2026" if glyph_item.glyphs.num_glyphs == 1 else "."

    reactivate.__doc__ = line_break.Layout.reactivate.__doc__
    for line, corrected in DRAW_LINES.items():
        source = source.replace(line, corrected)
    namespace = vars(draw_module)
    namespace["_briefgen_justification"] = justification
    namespace["_briefgen_ellipsis"] = ellipsis
    code = compile(source, inspect.getsourcefile(draw) or draw_module.__file__, "exec")
    exec(code, namespace)  # noqa: S102 — WeasyPrint's own source, two lines extended
    draw_module.draw_first_line.briefgen_correction = True
    line_break.Layout.reactivate = reactivate
    letter_space_loose_lines()
    return True


#: How WeasyPrint 70 justifies a line (``layout.inline``): the leftover width over the spaces,
#: by ``add_word_spacing`` on the line, which calls itself on the boxes inside it.
JUSTIFY_SOURCE = ("add_word_spacing(context, line, extra_width / nb_spaces, 0)",
                  "x_advance = add_word_spacing(")


@lru_cache(maxsize=1)
def letter_space_loose_lines() -> bool:
    """Let a justified line whose word spaces would be too wide space its letters a little too,
    and one laid out again on a widened measure be compressed into the real one
    (:mod:`briefgen.editions.justification`); True if applied.

    Applied by :func:`draw_text_as_laid_out`, which draws that spacing: without it the letters
    would be drawn unspaced and the line would end short of the margin. WeasyPrint's
    ``add_word_spacing`` is looked up at call time in ``layout.inline`` (by ``justify_line``), and
    ``text_align`` and ``avoid_collisions`` (by ``get_next_linebox``), which
    :func:`briefgen.editions.justification.widened` wraps for the one line it lays out again;
    this applies only if WeasyPrint's source reads as expected.
    """
    from functools import partial

    from weasyprint.layout import inline

    from briefgen.editions import justification

    if not all(_source(inline).count(line) == 1 for line in JUSTIFY_SOURCE) \
            or "justify_line(context, line, offset)" not in _source(inline.text_align) \
            or "if line.width >= available_width:" not in _source(inline.text_align) \
            or _source(inline.get_next_linebox).count("avoid_collisions(") != 3 \
            or _source(inline.get_next_linebox).count("text_align(") != 1:
        log.info("WeasyPrint's justification of a line is not the one this correction was written for; left as it is")
        return False
    replacement = partial(justification.add_word_spacing, inline.add_word_spacing, inline)
    replacement.briefgen_correction = True
    inline.add_word_spacing = replacement
    justification.WIDENING["inline"] = inline  # text_align and avoid_collisions: wrapped while widened
    return True
