"""A second chance for a line left loose by first-fit line breaking.

WeasyPrint 70 breaks a paragraph's lines one at a time, each as full as it can be (first
fit). When the next unit of text cannot be broken — a name, a date, a word that may not be
hyphenated because the two lines before end in a hyphen — the line stops short and its
word spaces take the rest of the measure. The line before it often had the choice: it
ended by hyphenating a word, and had it not, that word's first part would have been at
the start of the loose line, filling it ("…законопослушных ина-" / "комыслящих. … в своей
резолюции от" / "11 февраля 2021 года" becomes "…законопослушных" / "инакомыслящих. …").

:func:`lines_with_second_chance` gives WeasyPrint a paragraph's lines one line late: it
lays out the next line before handing over the current one, and when the next line is
loose (:func:`briefgen.editions.justification.is_loose`: wider word spaces than its
letter spacing can make up for) and the current one ends with a hyphen, it lays both out
again with the current line unhyphenated, and keeps that if neither line is then as loose
as the loose one was. The same is done when a paragraph's last line would hold nothing but
the end of the word hyphenated before it ("gov-" / "ernment."), in justified text, if that
leaves no line loose (TeX's ``\\finalhyphendemerits``, CSS's ``hyphenate-limit-last``). A
line that is still loose is laid out once more on a measure widened by what its spaces and
letters may give back (:func:`briefgen.editions.justification.widened`); if it then takes more
of the text, it is compressed into the measure ("…и контролируемая" + "Правительством"). A
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


def _out_of_flow(line) -> bool:
    """Whether a line holds a box out of the normal flow (positioned, floating, running)."""
    return any(not box.is_in_normal_flow() for box in line.descendants())


def _only_a_word_end(line) -> bool:
    """Whether a paragraph's last line holds nothing but the end of the word hyphenated before
    it ("ков." after "…правозащитни-"): no space in its text."""
    from weasyprint.formatting_structure import boxes

    text = "".join(box.text for box in line.descendants() if isinstance(box, boxes.TextBox)).strip()
    return not any(char.isspace() for char in text)


def lines_with_second_chance(original, run, context, box, position_y, bottom_space, skip_stack,
                             containing_block, absolute_boxes, fixed_boxes, first_letter_style,
                             first_line_style):
    """(line, resume_at) of ``box`` as WeasyPrint's ``iter_line_boxes`` (``original``) yields
    them, one line late, with a loose line's predecessor laid out again unhyphenated where
    that makes neither line as loose (and a last line's, where it holds only a word's end and
    no line becomes loose), and a line still loose compressed to take more text where it can;
    ``run`` (a :class:`~briefgen.editions.hyphenation.LineRun`) follows the paragraph's
    hyphenated lines."""
    from weasyprint.layout.block import remove_placeholders

    def lines_from(start):
        y, skip, first = start
        return original(context, box, y, bottom_space, skip, containing_block, absolute_boxes, fixed_boxes,
                        first_letter_style if first else None, first_line_style if first else None)

    def drop(*lines):
        remove_placeholders(context, list(lines), absolute_boxes, fixed_boxes)

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
        if not WIDENING:  # (the justification's correction is not in place)
            return None
        after = run.save()
        run.restore(laid[3])
        if narrower:
            # (word spaces only: narrowed by its URL's breaks too, a line of a URL broke 226 pt
            # short and was spread over them)
            spaces = count_word_spaces(laid[0])
            if not spaces:
                return None
            allowance = -spaces * NARROWING * laid[0].style["font_size"]
        else:
            allowance = capacity(context, laid[0], more_spaces=1)
        with widened(context, box, allowance):
            lines = lines_from(laid[2])
            again, again_resume = run.next_line(lines)
        kept = (again_resume != laid[1] and word_space(context, again) <= LOOSEST_KEPT) if narrower \
            else again.__dict__.get(COMPRESSED)
        if _out_of_flow(again) or not kept:
            drop(again)
            run.restore(after)
            return None
        return (again, again_resume, laid[2], laid[3]), lines

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
    waiting = None  # (line, resume_at, start, run state before it): laid out, not handed over yet
    while True:
        state = run.save()
        try:
            line, resume_at = run.next_line(lines)
        except StopIteration:
            break
        laid = (line, resume_at, start, state)
        out_of_flow = _out_of_flow(line)
        if waiting is not None and out_of_flow:
            # laid out again below, after the waiting line, and handed over at once
            drop(line)
            run.restore(state)
            yield waiting[:2]
            waiting, lines = None, lines_from(start)
            continue
        retried = None
        if waiting is not None and ends_with_hyphen(waiting[0]):
            if resume_at is not None and is_loose(context, line):
                loose = word_space(context, line)
                retried = retry(waiting, lambda first, second: max(
                    word_space(context, first), word_space(context, second)) < loose)
            elif resume_at is None and _only_a_word_end(line):
                retried = retry(waiting, lambda first, second: not (
                    is_loose(context, first) or is_loose(context, second)))
            if retried is not None:
                drop(line)
                waiting, laid, lines = retried
                line, resume_at = laid[:2]  # (neither holds a box out of flow: retry saw to it)
        attempt = rebreak_mode(context, box)  # the page's lines set again for its notes
        if resume_at is not None and not out_of_flow and (attempt is not None or is_loose(context, line)):
            relaid = widen(laid, narrower=attempt == LOOSE and not is_loose(context, line))
            if relaid is not None:
                drop(line)
                laid, lines = relaid
                line, resume_at = laid[:2]
        start = (line.position_y + line.height, resume_at, False)
        if waiting is not None:
            yield waiting[:2]
            waiting = None
        if out_of_flow:
            yield line, resume_at
        else:
            waiting = laid
        if resume_at is None:
            break
    if waiting is not None:
        yield waiting[:2]
