"""A second chance for a line left loose by first-fit line breaking.

WeasyPrint 70 breaks a paragraph's lines one at a time, each as full as it can be (first
fit). When the next unit of text cannot be broken — a name, a date, a word that may not be
hyphenated because the two lines before end in a hyphen — the line stops short and its
word spaces take the rest of the measure. The line before it often had the choice: it
ended by hyphenating a word, and had it not, that word's first part would have been at
the start of the loose line, filling it ("…законопослушных ина-" / "комыслящих. … в своей
резолюции от" / "11 февраля 2021 года" becomes "…законопослушных" / "инакомыслящих. …").

:func:`lines_with_second_chance` gives WeasyPrint a justified paragraph's lines
:data:`LAG` lines late: it lays out the next lines before handing over the current one, and
when the next line is loose (:func:`briefgen.editions.justification.is_loose`: wider word
spaces than its letter spacing can make up for) and the line before ends with a hyphen, it
lays both out again with that line unhyphenated, and keeps that if neither line is then as
loose as the loose one was. The same is done when a paragraph's last line would hold
nothing but the end of the word hyphenated before it ("gov-" / "ernment."), in justified
text, if that leaves no line loose (TeX's ``\\finalhyphendemerits``, CSS's
``hyphenate-limit-last``). A line that is still loose is laid out once more on a measure
widened by what its spaces and letters may give back
(:func:`briefgen.editions.justification.widened`); if it then takes more of the text, it is
compressed into the measure ("…и контролируемая" + "Правительством"). Where a loose line or
a last line that is a word's end is left even so, the lines not yet handed over are set
again every way :mod:`briefgen.editions.linesearch` allows, and the least bad is kept. A
line is never changed once WeasyPrint has it (its notes and page breaks are decided on it),
and no line waits that holds a positioned or floating box (WeasyPrint keeps those in lists
the moment a line is laid out): such a line is laid out again and handed over at once.

While :mod:`briefgen.editions.rebreak` lays a page out again with a paragraph set tight or loose,
each line of that paragraph is laid out on the widened measure (and kept if it took more) or on a
narrowed one (kept if it took less and its spaces stay within ``rebreak.LOOSEST_KEPT`` em).
"""

from __future__ import annotations

from briefgen.editions.hyphenation import ends_with_hyphen
from briefgen.editions.justification import COMPRESSED, WIDENING, capacity, is_loose, widened, word_space
from briefgen.editions.rebreak import LOOSE, LOOSEST_KEPT, NARROWING
from briefgen.editions.rebreak import mode as rebreak_mode
from briefgen.editions.textfix import count_word_spaces

#: How many lines of a justified paragraph are laid out before the first of them is handed to
#: WeasyPrint: the lines :mod:`briefgen.editions.linesearch` may still set again.
LAG = 2
#: How a line may be laid out: as WeasyPrint breaks it (first fit), without hyphenating its last
#: word, on a measure widened by what it may be compressed (and compressed back into the real
#: one: it takes more), or on a measure narrowed by rebreak.NARROWING em a space (it takes less).
NATURAL, UNHYPHENATED, TIGHT, NARROWED = "natural", "unhyphenated", "tight", "narrowed"


def _out_of_flow(line) -> bool:
    """Whether a line holds a box out of the normal flow (positioned, floating, running)."""
    return any(not box.is_in_normal_flow() for box in line.descendants())


def only_a_word_end(line) -> bool:
    """Whether a paragraph's last line holds nothing but the end of the word hyphenated before
    it ("ков." after "…правозащитни-"): no space in its text."""
    from weasyprint.formatting_structure import boxes

    text = "".join(box.text for box in line.descendants() if isinstance(box, boxes.TextBox)).strip()
    return not any(char.isspace() for char in text)


class Paragraph:
    """The lines of one paragraph (a block's line box) as they are laid out: each laid line is a
    tuple (line, resume_at, start, run state before it), ``start`` = (y, skip stack, whether it is
    the first line of WeasyPrint's call)."""

    def __init__(self, original, run, context, box, bottom_space, containing_block, absolute_boxes, fixed_boxes,
                 first_letter_style, first_line_style):
        self.original, self.run, self.context, self.box = original, run, context, box
        self.bottom_space, self.containing_block = bottom_space, containing_block
        self.absolute_boxes, self.fixed_boxes = absolute_boxes, fixed_boxes
        self.first_letter_style, self.first_line_style = first_letter_style, first_line_style

    def lines_from(self, start):
        """WeasyPrint's generator of the lines from ``start``."""
        y, skip, first = start
        return self.original(self.context, self.box, y, self.bottom_space, skip, self.containing_block,
                             self.absolute_boxes, self.fixed_boxes, self.first_letter_style if first else None,
                             self.first_line_style if first else None)

    def drop(self, *lines) -> None:
        """Forget lines laid out and not kept (their placeholders, notes, running elements)."""
        from weasyprint.layout.block import remove_placeholders

        remove_placeholders(self.context, list(lines), self.absolute_boxes, self.fixed_boxes)

    @staticmethod
    def after(laid):
        """Where the line after ``laid`` starts."""
        line, resume_at = laid[:2]
        return line.position_y + line.height, resume_at, False

    def lay(self, start, state, how: str = NATURAL, natural=None):
        """One line from ``start`` with the run in ``state``, laid out ``how``: the laid line,
        or None where ``how`` changes nothing (a tight line that took no more, a narrowed one that
        took no less or whose spaces pass rebreak.LOOSEST_KEPT em, an unhyphenated line whose
        natural one — ``natural``, needed for all but NATURAL — ends without a hyphen) or the line
        holds a box out of flow. The run is left as after the line."""
        if how == UNHYPHENATED and not ends_with_hyphen(natural[0]):
            return None
        allowance = 0.0
        if how in (TIGHT, NARROWED):
            if not WIDENING:  # (the justification's correction is not in place)
                return None
            if how == TIGHT:
                allowance = capacity(self.context, natural[0], more_spaces=1)
            else:
                # (word spaces only: narrowed by its URL's breaks too, a line of a URL broke 226 pt
                # short and was spread over them)
                spaces = count_word_spaces(natural[0])
                if not spaces:
                    return None
                allowance = -spaces * NARROWING * natural[0].style["font_size"]
        self.run.restore(state)
        lines = self.lines_from(start)
        if allowance:
            with widened(self.context, self.box, allowance):
                line, resume_at = self.run.next_line(lines)
        else:
            line, resume_at = self.run.next_line(lines, suspend=how == UNHYPHENATED)
        if how == TIGHT:
            kept = line.__dict__.get(COMPRESSED)
        elif how == NARROWED:
            kept = resume_at != natural[1] and word_space(self.context, line) <= LOOSEST_KEPT
        else:
            kept = True
        if _out_of_flow(line) or not kept:
            self.drop(line)
            return None
        return line, resume_at, start, state


def lines_with_second_chance(original, run, context, box, position_y, bottom_space, skip_stack,
                             containing_block, absolute_boxes, fixed_boxes, first_letter_style,
                             first_line_style):
    """(line, resume_at) of ``box`` as WeasyPrint's ``iter_line_boxes`` (``original``) yields
    them, :data:`LAG` lines late, with a loose line's predecessor laid out again unhyphenated
    where that makes neither line as loose (and a last line's, where it holds only a word's end
    and no line becomes loose), a line still loose compressed to take more text where it can,
    and where a loose line or a word's end alone is left, the lines not handed over set again
    (:func:`briefgen.editions.linesearch.least_bad`); ``run`` (a
    :class:`~briefgen.editions.hyphenation.LineRun`) follows the paragraph's hyphenated lines."""
    from briefgen.editions.linesearch import least_bad

    paragraph = Paragraph(original, run, context, box, bottom_space, containing_block, absolute_boxes, fixed_boxes,
                          first_letter_style, first_line_style)
    lines_from, drop = paragraph.lines_from, paragraph.drop

    def retry(waiting, better):
        """Both lines again, ``waiting`` unhyphenated: the new (waiting, line, lines) if
        ``better(first, second)`` says so, else None."""
        after = run.save()
        run.restore(waiting[3])
        lines = lines_from(waiting[2])
        first, first_resume = run.next_line(lines, suspend=True)
        if first_resume is None:  # (cannot be: the line had less text than when it hyphenated)
            drop(first)
            run.restore(after)
            return None
        here = (first.position_y + first.height, first_resume, False)
        second_state = run.save()
        second, second_resume = run.next_line(lines)
        if _out_of_flow(first) or _out_of_flow(second) or not better(first, second):
            drop(first, second)
            run.restore(after)
            return None
        drop(*waiting[:1])
        return (first, first_resume, waiting[2], waiting[3]), (second, second_resume, here, second_state), lines

    def widen(laid, narrower: bool = False):
        """The line ``laid`` again, on a measure widened by what it may be compressed: the new
        (laid, lines) if it took more and was compressed into the measure, or None. If
        ``narrower``, on a measure narrowed by rebreak.NARROWING em a space instead: the new
        (laid, lines) if it took less and its spaces stay within rebreak.LOOSEST_KEPT em."""
        after = run.save()
        again = paragraph.lay(laid[2], laid[3], NARROWED if narrower else TIGHT, laid)
        if again is None:
            run.restore(after)
            return None
        return again, lines_from(paragraph.after(again))

    if box.style["text_align_all"] != "justify":
        # no line of a ragged paragraph or a table cell is loose, and its last line is kept:
        # moving a word down there only makes the line before it short, or the column's widest
        # word stand alone. Its lines are WeasyPrint's, handed over at once.
        lines = original(context, box, position_y, bottom_space, skip_stack, containing_block, absolute_boxes,
                         fixed_boxes, first_letter_style, first_line_style)
        while True:
            try:
                yield run.next_line(lines)
            except StopIteration:
                return
    start = (position_y, skip_stack, True)  # where the next line starts: y, skip stack, first of the call
    lines = lines_from(start)
    pending = []  # lines laid out, not handed over yet, oldest first
    while True:
        state = run.save()
        try:
            line, resume_at = run.next_line(lines)
        except StopIteration:
            break
        laid = (line, resume_at, start, state)
        out_of_flow = _out_of_flow(line)
        if pending and out_of_flow:
            # laid out again below, after the waiting lines, and handed over at once
            drop(line)
            run.restore(state)
            for waiting in pending:
                yield waiting[:2]
            pending, lines = [], lines_from(start)
            continue
        waiting = pending[-1] if pending else None
        retried = None
        if waiting is not None and ends_with_hyphen(waiting[0]):
            if resume_at is not None and is_loose(context, line):
                loose = word_space(context, line)
                retried = retry(waiting, lambda first, second: max(
                    word_space(context, first), word_space(context, second)) < loose)
            elif resume_at is None and only_a_word_end(line):
                retried = retry(waiting, lambda first, second: not (
                    is_loose(context, first) or is_loose(context, second)))
            if retried is not None:
                drop(line)
                pending[-1], laid, lines = retried
                line, resume_at = laid[:2]  # (neither holds a box out of flow: retry saw to it)
        attempt = rebreak_mode(context, box)  # the page's lines set again for its notes
        if resume_at is not None and not out_of_flow and (attempt is not None or is_loose(context, line)):
            relaid = widen(laid, narrower=attempt == LOOSE and not is_loose(context, line))
            if relaid is not None:
                drop(line)
                laid, lines = relaid
                line, resume_at = laid[:2]
        if attempt is None and not out_of_flow and pending:
            better = least_bad(paragraph, pending, laid)
            if better is not None:
                pending, laid = better[:-1], better[-1]
                line, resume_at = laid[:2]
                lines = lines_from(paragraph.after(laid))
        start = paragraph.after(laid)
        if out_of_flow:
            for waiting in pending:
                yield waiting[:2]
            pending = []
            yield line, resume_at
        else:
            pending.append(laid)
        while len(pending) > (LAG if resume_at is not None else 0):
            yield pending.pop(0)[:2]
        if resume_at is None:
            break
    for waiting in pending:
        yield waiting[:2]
