"""The last lines of a paragraph set again, every way allowed, where first fit left a bad one.

WeasyPrint breaks lines first fit; :mod:`briefgen.editions.linebreaks` mends the two faults that
leaves most often with one change each (the line before laid out unhyphenated, a loose line
compressed to take the next word). Where that is not enough — a paragraph's last line is still
nothing but the end of the word hyphenated before it ("инфраструк-" / "туру."), or a line is
still loose — a typesetter would change the lines before it: pull a word up into a line set a
little tight, push one down from a line set a little loose, or not hyphenate, so that the text
falls differently onto the lines that follow. That is what Knuth and Plass's paragraph breaking
does over a whole paragraph; :func:`least_bad` does it over the lines WeasyPrint does not have
yet (at most :data:`briefgen.editions.linebreaks.LAG` before the bad one), which keeps it local
and cheap:

- each of those lines may be laid out as first fit breaks it, unhyphenated, *tight* (on a
  measure widened by what its spaces may shrink, to 80 %, and its letters close up, 5 % of a
  space, then compressed back into the measure: it takes more) or *narrowed* (on a measure
  0.3 em a word space narrower: it takes less, kept where its spaces stay within 0.7 em);
- the lines after them are laid out as the paragraph's lines always are (first fit, a loose one
  compressed where that takes the next word) to one line past the bad one, or to the
  paragraph's end — a line that ends elsewhere changes the next one, which is judged too;
- every combination is scored as TeX scores a paragraph, and the least bad is kept: first the
  fewest faults (a line whose word space passes :data:`NEARLY_LOOSE`, a last line that is a
  word's end), then the least demerits — per line (10 + badness)², plus 50² for a line ending in
  a hyphen and 5000 for a last line that is a word's end (TeX's ``\\linepenalty``,
  ``\\hyphenpenalty`` and ``\\finalhyphendemerits``); the badness is 100·r³, r the share of the
  way from the font's space to NEARLY_LOOSE that the line's word space goes, or the share of what
  a compressed line may give back that it gives. The lines as they are compete too (laid out to
  the same line): nothing changes unless something is better.

Hyphenation stays under its policy (no name broken, at most two hyphenated lines in a row: the
run is followed through every combination), and a line holding a box out of flow ends a
combination. Not while :mod:`briefgen.editions.rebreak` sets a page's paragraphs tight or loose
(its attempts decide those lines). Cost: about 1 ms a line laid out, 15–35 ms a search (at most
5 ways for each of the two lines, each completed by one or two lines), only where a fault is left.
"""

from __future__ import annotations

import logging

from briefgen.editions.hyphenation import ends_with_hyphen
from briefgen.editions.justification import LOOSEST_SPACE, shrink_used, space_width, word_space
from briefgen.editions.linebreaks import NARROWED, NATURAL, TIGHT, UNHYPHENATED, only_a_word_end

log = logging.getLogger(__name__)

#: The widest word space (em) of a line that is not a fault here. A line is set loose past
#: LOOSEST_SPACE, but the check of the finished PDF counts a gap over 1 em between two words'
#: glyphs, which adds the letter spacing of a loose line (and a kerned pair's difference) to the
#: space: lines just within LOOSEST_SPACE measured 1.00–1.05 em there (stress seeds 38, 39).
NEARLY_LOOSE = LOOSEST_SPACE - 0.1
#: TeX's ``\\linepenalty``, ``\\hyphenpenalty`` and ``\\finalhyphendemerits``.
LINE_PENALTY = 10
HYPHEN_PENALTY = 50
FINAL_HYPHEN_DEMERITS = 5000


def badness(context, line) -> float:
    """TeX's badness of a laid-out line, 100·r³: r is the share of its word spaces' way from the
    font's space to NEARLY_LOOSE em, or the share of what it may be compressed that it gives back
    (spaces to 80 %, letters closed up by 5 % of a space); 0 for a line that is not justified."""
    spacing = word_space(context, line)
    if not spacing:
        return 0.0
    natural = space_width(line.style, context) / line.style["font_size"]
    if spacing >= natural:
        ratio = (spacing - natural) / (NEARLY_LOOSE - natural)
    else:
        ratio = shrink_used(context, line)
    return 100 * ratio ** 3


def is_runt(laid) -> bool:
    """Whether a laid line is a paragraph's last holding only the end of a word hyphenated on the
    line before (the run of hyphenated lines before it is not empty)."""
    line, resume_at, _start, state = laid
    return resume_at is None and state[0] > 0 and only_a_word_end(line)


def nearly_loose(context, line) -> bool:
    """Whether a laid-out line's word space passes NEARLY_LOOSE em."""
    return word_space(context, line) > NEARLY_LOOSE


def score(context, lines) -> tuple[int, float]:
    """(faults, demerits) of consecutive laid lines: (nearly) loose lines and a last line that is
    a word's end; TeX's demerits of every line but the paragraph's last."""
    faults, demerits = 0, 0.0
    for laid in lines:
        line, resume_at = laid[:2]
        if resume_at is None:
            if is_runt(laid):
                faults += 1
                demerits += FINAL_HYPHEN_DEMERITS
            continue
        faults += nearly_loose(context, line)
        demerits += (LINE_PENALTY + badness(context, line)) ** 2
        if ends_with_hyphen(line):
            demerits += HYPHEN_PENALTY ** 2
    return faults, demerits


def _text(line) -> str:
    """The text of a laid-out line (for the log)."""
    from weasyprint.formatting_structure import boxes

    text = "".join(box.text for box in line.descendants() if isinstance(box, boxes.TextBox))
    return text.replace("\u200b", "").replace("\u2060", "")


def _run_after(paragraph, lines):
    """Put the paragraph's run of hyphenated lines as after ``lines`` (consecutive, laid from the
    first one's state) and return that state."""
    run = paragraph.run
    run.restore(lines[0][3])
    for line, resume_at, _start, state in lines:
        run.replay(state, line, resume_at)
    return run.save()


def least_bad(paragraph, pending, laid):
    """The lines from ``pending[0]`` on (``pending``: the paragraph's lines not handed over yet,
    oldest first; ``laid``: the line just laid out after them) set again where ``laid`` is loose or
    a last line that is a word's end: the least bad combination (see the module) as a list of laid
    lines, its last the one to go on from, with the paragraph's run as after it; None where nothing
    is better than the lines as they are (the run is then as after ``laid``)."""
    context = paragraph.context
    current = pending + [laid]
    if not (is_runt(laid) or (laid[1] is not None and nearly_loose(context, laid[0]))):
        return None
    made = []  # every line laid out here, to forget those not kept
    how_laid = {}  # id of a line laid out here → how (for the log)

    def options(prefix, start, state, unchanged):
        """The ways the line after ``prefix`` may be laid out, one per break (the line as it is
        first, while the lines before are as they are)."""
        found = [current[len(prefix)]] if unchanged else []
        natural = paragraph.lay(start, state, NATURAL)
        if natural is None:
            return found
        made.append(natural[0])
        how_laid[id(natural[0])] = NATURAL
        ways = [natural]
        for how in (UNHYPHENATED, TIGHT, NARROWED):
            ways.append(paragraph.lay(start, state, how, natural))
            if ways[-1] is not None:
                how_laid[id(ways[-1][0])] = how
        for way in ways:
            if way is None:
                continue
            if way is not natural:
                made.append(way[0])
            if all(way[1] != other[1] for other in found):
                found.append(way)
        return found

    def complete(prefix, length):
        """``prefix`` followed by the lines the paragraph would have after it, up to ``length``
        lines (None if one holds a box out of flow)."""
        lines = list(prefix)
        while lines[-1][1] is not None and len(lines) < length:
            state = _run_after(paragraph, lines)
            start = paragraph.after(lines[-1])
            nxt = paragraph.lay(start, state, NATURAL)
            if nxt is None:
                return None
            made.append(nxt[0])
            if nxt[1] is not None and nearly_loose(context, nxt[0]):
                tight = paragraph.lay(start, state, TIGHT, nxt)
                if tight is not None:
                    made.append(tight[0])
                    how_laid[id(tight[0])] = "then " + TIGHT
                    nxt = tight
            lines.append(nxt)
        return lines

    # every combination is laid out to one line past the bad one (its end may move, and a line
    # ending elsewhere changes the next), or to the paragraph's end; the lines as they are too
    length = len(current) + 1
    compared = complete(current, length)
    before = score(context, compared) if compared is not None else (len(current), float("inf"))
    best, best_score = None, before
    prefixes = [([], True)]
    for _ in pending:
        longer = []
        for prefix, unchanged in prefixes:
            if prefix and prefix[-1][1] is None:
                longer.append((prefix, False))  # the paragraph ended sooner
                continue
            start = paragraph.after(prefix[-1]) if prefix else current[0][2]
            state = _run_after(paragraph, prefix) if prefix else current[0][3]
            for way in options(prefix, start, state, unchanged):
                longer.append((prefix + [way], unchanged and way is current[len(prefix)]))
        prefixes = longer
    for prefix, unchanged in prefixes:
        if unchanged:
            continue
        candidate = complete(prefix, length)
        if candidate is None or (laid[1] is None and candidate[-1][1] is not None):
            continue  # (a paragraph that ended must still end)
        scored = score(context, candidate)
        if scored < best_score:
            best, best_score = candidate, scored
    kept = {id(line) for line, *_ in best} if best is not None else {id(line) for line, *_ in current}
    paragraph.drop(*[line for line in made if id(line) not in kept])
    if best is None:
        paragraph.run.restore(current[0][3])
        _run_after(paragraph, current)
        return None
    paragraph.drop(*[line for line, *_ in current if id(line) not in kept])
    _run_after(paragraph, best)
    if log.isEnabledFor(logging.DEBUG):
        log.debug("lines set again (%d faults, demerits %.0f → %d faults, %.0f): %s\n%s", *before, *best_score,
                  ", ".join(how_laid.get(id(line), "as it was") for line, *_ in best),
                  "\n".join(f"  {_text(line)}" for line, *_ in best))
    return best
