"""The detectors of the typographic check (see typography.py): one function per group of classes.

Each takes the report (pages of classified lines and tables, metrics measured in the PDF), the
language and the hyphenation dictionary, and adds ``(page, excerpt)`` defects to the report.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter

from typography import (HYPHENS, NOTE_MARKER, NUMBER, ONE_LETTER_RU, PAGE_REF, PAGE_REF_OPEN, SEPARATORS,
                        URL_START, Line, Page, Report, Table)

TEXT_REGIONS = ("body", "notes")


def flows(page: Page, regions=TEXT_REGIONS) -> list[list[Line]]:
    """Runs of lines read one after the other: the body, the notes, and each table cell."""
    # table lines run cell by cell: the page's table lines in reading order mix the columns
    # ("Utepova-" read as continued by the next column's "under house arrest")
    runs = [[l for l in page.lines if l.region == region] for region in regions if region != "table"]
    if "table" in regions:
        runs += [cell[1] for table in page.tables for row in table.rows for cell in row if cell]
    return [run for run in runs if run]


def excerpt(line: Line, start: int | None = None, end: int | None = None) -> str:
    return line.text[max(0, (start or 0) - 25): (end if end is not None else len(line.chars)) + 25]


def tokens(line: Line) -> list[str]:
    return line.text.split()


def continues(line: Line, following: Line) -> bool:
    """Whether ``following`` goes on with the paragraph of ``line`` (no paragraph gap, no new note)."""
    if following.baseline - line.baseline > 1.75 * line.size:
        return False
    return not (following.region == "notes" and NOTE_MARKER.match(following.text))


def call_runs(line: Line) -> list[tuple[int, int]]:
    """(first, last) indexes of each run of raised call characters in a line."""
    runs: list[tuple[int, int]] = []
    for index in sorted(line.sups):
        if runs and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


# --- footnote calls ---------------------------------------------------------------------------

def detect_calls(report: Report, lang, dictionary) -> None:
    """Stray separators before calls, calls starting a line, calls too small or of uneven size."""
    found: list[tuple[Line, int, int, float, list[int]]] = []
    for page in report.pages:
        for line in page.lines:
            if line.region not in ("body", "notes", "table"):
                continue
            chars = line.chars
            for first, last in call_runs(line):
                before = [c for c in chars[:first] if not c["text"].isspace()]
                # a separator belongs between two calls: after another raised digit, never after text
                if chars[first]["text"] in SEPARATORS and first - 1 not in line.sups:
                    report.add("call_punctuation", page.number, excerpt(line, first, last))
                elif len(before) >= 2 and before[-1] is chars[first - 1] and before[-1]["text"] in SEPARATORS \
                        and before[-2]["text"] in ",.;:" and not after_abbreviation(line.text[:first]):
                    report.add("call_punctuation", page.number, excerpt(line, first, last))  # "Google,,²⁶" in text size
                if not before:
                    report.add("call_line_start", page.number, excerpt(line, first, last))
                digits = [c for c in chars[first:last + 1] if c["text"].isdigit()]
                if digits:
                    size = statistics.median(c["size"] for c in digits)
                    if size < 0.6 * line.size - 0.01:
                        report.add("call_size", page.number,
                                   f"{size:.1f} pt call on {line.size:.1f} pt text: " + excerpt(line, first, last))
                    numbers = [int(n) for n in re.findall(r"\d+", "".join(c["text"] for c in chars[first:last + 1]))]
                    found.append((line, first, last, size, numbers))
    detect_call_sizes(report, found)


def after_abbreviation(text: str) -> bool:
    """Whether the separator that ends ``text`` (a line up to a call) follows an abbreviation's
    full stop, where the author typed it: "2020 г.;²⁹", "etc.,⁴" — a lower-case word of at most
    three letters before the stop. The stray separator of issue 11 follows a sentence's stop
    ("Concept.,³", "(ERG).,⁹") or another separator ("Google,,²⁶")."""
    return re.search(r"(?:^|[^\w])[^\W\d_]{1,3}\.[,;]$", text.rstrip()) is not None \
        and not re.search(r"[A-ZА-ЯЁ]{1,3}\.[,;]$", text.rstrip())


def detect_call_sizes(report: Report, found: list[tuple[Line, int, int, float, list[int]]]) -> None:
    """A call printed at another size than the first call of its note, or than the other calls in
    text of its size. Sizes differ when they differ both in points (> 0.25) and as a share of their
    text (> 6 %): calls of a fixed size and calls of a fixed share of their text are both even."""
    first_call: dict[int, tuple[float, float]] = {}
    usual: dict[float, Counter] = {}
    for line, _, _, size, numbers in found:
        for number in numbers:
            first_call.setdefault(number, (size, line.size))
        usual.setdefault(line.size, Counter())[round(size, 1)] += 1

    def differs(size: float, text: float, other: tuple[float, float]) -> bool:
        return abs(size - other[0]) > 0.25 and abs(size / text - other[0] / other[1]) > 0.06

    for line, first, last, size, numbers in found:
        references = [first_call[n] for n in numbers] + [(usual[line.size].most_common(1)[0][0], line.size)]
        other = next((r for r in references if differs(size, line.size, r)), None)
        if other:
            report.add("call_size_mismatch", line.page, f"{size:.1f} pt on {line.size:.1f} pt text "
                       f"(another call: {other[0]:.1f} pt on {other[1]:.1f} pt): " + excerpt(line, first, last))


def split_calls(digits: str, notes: dict[int, int], above: int = 0) -> list[int] | None:
    """Adjacent calls printed without a separator ("4849") as the fewest printed notes, in rising
    order, that they can be (48 and 49), or None when the digits cannot be read so."""
    best = None
    for cut in range(1, len(digits) + 1):
        head = digits[:cut]
        if head[0] == "0" or int(head) not in notes or int(head) <= above:
            continue
        rest = [] if cut == len(digits) else split_calls(digits[cut:], notes, int(head))
        if rest is not None and (best is None or len(rest) + 1 < len(best)):
            best = [int(head)] + rest
    return best


def detect_notes_on_page(report: Report, lang, dictionary) -> None:
    """Every note printed on the page of its first call; adjacent calls run together ("4849")."""
    first_call: dict[int, int] = {}
    note_page: dict[int, int] = {}
    calls: list[tuple[int, str, str]] = []  # (page, digits, excerpt)
    for page in report.pages:
        for line in page.lines:
            if line.region == "notes":
                marker = NOTE_MARKER.match(line.text)
                if marker and line.chars[0]["x0"] <= page.block.x0 + 1:
                    note_page.setdefault(int(marker[1]), page.number)
            elif line.region in ("body", "table"):
                for first, last in call_runs(line):
                    text = "".join(c["text"] for c in line.chars[first:last + 1])
                    calls.extend((page.number, digits, excerpt(line, first, last)) for digits in re.findall(r"\d+", text))
    if not note_page:
        return
    for page, digits, where in calls:
        numbers = [int(digits)]
        if int(digits) not in note_page and len(parts := split_calls(digits, note_page) or []) > 1:
            report.add("call_run_together", page, f"{'+'.join(map(str, parts))}: {where}")
            numbers = parts
        for number in numbers:
            first_call.setdefault(number, page)
    for number, page in sorted(first_call.items()):
        if note_page.get(number) != page:
            where = f"on p. {note_page[number]}" if number in note_page else "not found"
            report.add("note_off_page", page, f"note {number} called on p. {page}, printed {where}")


# --- URLs ---------------------------------------------------------------------------------------

def host_end(joined: str, start: int) -> tuple[int, int]:
    """(end of the scheme, end of the host) of the URL starting at ``start`` in ``joined``."""
    scheme = URL_START.match(joined, start)
    scheme_end = start + len(scheme[0]) if scheme and scheme[0].lower() != "www." else start
    host = re.match(r"[\w.:-]*", joined[scheme_end:])
    return scheme_end, scheme_end + len(host[0])


def ragged_lines(run: list[Line]) -> set[int]:
    """The indexes of the lines of a run whose paragraph is set ragged: one of its lines that the
    paragraph continues ends more than an em short of the run's widest line (in justified text
    only a paragraph's last line does)."""
    edge = max(line.x1 for line in run)
    found: set[int] = set()
    paragraph: list[int] = []
    for index, line in enumerate(run):
        paragraph.append(index)
        following = run[index + 1] if index + 1 < len(run) else None
        if following is not None and continues(line, following):
            continue
        if any(run[i].x1 < edge - run[i].size for i in paragraph[:-1]):
            found.update(paragraph)
        paragraph = []
    return found


def detect_urls(report: Report, lang, dictionary) -> None:
    """URLs broken inside the scheme or host; lines ending with a bare (or partial) scheme; in
    ragged text, a URL's path cut between two letters (justified text may cut it anywhere to
    fill its lines; ragged text gains nothing, and "…/prozessbe" / "obachtung-…" reads as a
    broken word)."""
    for page in report.pages:
        for run in flows(page, ("body", "notes", "table")):
            ragged = ragged_lines(run)
            carry = ""  # a URL running over several lines: what the lines before held of it
            for index, (line, following) in enumerate(zip(run, run[1:])):
                end_words, next_words = tokens(line), tokens(following)
                if not end_words or not next_words or not continues(line, following):
                    carry = ""
                    continue
                tail, head = (carry if len(end_words) == 1 else "") + end_words[-1], next_words[0]
                carry = tail
                joined = tail + head
                for match in URL_START.finditer(joined):
                    start = match.start()
                    if start >= len(tail):
                        break
                    if joined[max(0, start - 3):start] == "://":
                        continue  # the host of a URL already seen from its scheme
                    scheme_end, end = host_end(joined, start)
                    cut = len(tail)
                    where = f"{end_words[-1]} / {head}"
                    if start < cut < end and cut != scheme_end:
                        report.add("url_broken", page.number, where)
                    if cut <= scheme_end and start < cut:
                        report.add("bare_scheme", page.number, where)
                    # (a capital after the cut starts the next sentence or line: "…vollstaendig" / "This")
                    if cut > end and index in ragged and tail[-1:].isalpha() and head[:1].islower():
                        report.add("url_split_in_word", page.number, where)


# --- the text block and tables -------------------------------------------------------------------

def detect_edges(report: Report, lang, dictionary) -> None:
    """Lines past the text block; table cells outside it or over their rules."""
    for page in report.pages:
        block = page.block
        for line in page.region("body", "notes"):
            over = max(line.x1 - block.x1, block.x0 - line.x0)
            if over > 0.5:
                report.add("past_right_edge", page.number, f"+{over:.1f} pt: …{line.text[-40:]}")
        for table in page.tables:
            for row in table.rows:
                for cell in row:
                    if not cell:
                        continue
                    bbox, lines = cell
                    ink = [c for line in lines for c in line.ink]
                    text = " ".join(line.text for line in lines)[:40]
                    right = max([bbox[2]] + [c["x1"] for c in ink])
                    left = min([bbox[0]] + [c["x0"] for c in ink])
                    if right > block.x1 + 0.5 or left < block.x0 - 0.5:
                        report.add("table_outside", page.number, f"{max(right - block.x1, block.x0 - left):.1f} pt out: {text}")
                    if ink and (max(c["x1"] for c in ink) > bbox[2] - 0.5 or min(c["x0"] for c in ink) < bbox[0] + 0.5):
                        report.add("table_cell_overflow", page.number, text)


def cell_text(cell) -> str:
    """A cell's text without its footnote calls."""
    if not cell:
        return ""
    return " ".join("".join(c["text"] for i, c in enumerate(line.chars) if i not in line.sups).strip()
                    for line in cell[1]).strip()


def detect_table_numbers(report: Report, lang, dictionary) -> None:
    """In a column whose cells are all numbers, each number sits at the cell's right."""
    for table in report.tables:
        body = table.rows[table.header_rows:]
        columns = max((len(row) for row in body), default=0)
        for column in range(columns):
            cells = [row[column] for row in body if column < len(row) and row[column] and cell_text(row[column])]
            if not cells or not all(NUMBER.match(cell_text(cell)) for cell in cells):
                continue
            for bbox, lines in cells:
                ink = [c for line in lines for i, c in enumerate(line.chars)
                       if i not in line.sups and not c["text"].isspace()]
                left_gap = min(c["x0"] for c in ink) - bbox[0]
                right_gap = bbox[2] - max(c["x1"] for c in ink)
                if right_gap > left_gap + 1.0:
                    report.add("table_numbers_left", table.page, f"{cell_text((bbox, lines))} ({right_gap:.1f} pt from the right rule)")


def detect_table_split(report: Report, lang, dictionary) -> None:
    """A table (≥ 3 rows in all) left with fewer than 3 rows on a page; fragments are joined when
    one ends its page and the next starts the following page with the same columns."""
    chains: list[list[Table]] = []
    previous_last: Table | None = None
    for page in report.pages:
        body = page.region("body")
        for index, table in enumerate(page.tables):
            starts_page = index == 0 and not any(l.baseline < table.bbox[1] for l in body)
            columns = [round(c[0][0]) for c in table.rows[-1] if c]
            if starts_page and previous_last is not None and \
                    [round(c[0][0]) for c in previous_last.rows[-1] if c] == columns:
                chains[-1].append(table)
            else:
                chains.append([table])
        last = page.tables[-1] if page.tables else None
        previous_last = last if last and not any(l.baseline > last.bbox[3] for l in body) else None
    for chain in chains:
        rows = [len(t.rows) - t.header_rows for t in chain]
        if sum(rows) >= 3:
            for table, count in zip(chain, rows):
                if count < 3:
                    first = next((cell_text(c) for row in table.rows[table.header_rows:] for c in row if c), "")
                    report.add("table_split", table.page, f"{count} of {sum(rows)} rows here ({'/'.join(map(str, rows))}): {first}")


# --- hyphenation ------------------------------------------------------------------------------

def line_break(line: Line, following: Line) -> tuple[str, str, bool] | None:
    """(fragment, continuation, in a URL) when a line ends with a hyphen after a letter, else None.
    A URL or address cut after its own hyphen still shows a hyphen at the line end."""
    text = line.text.rstrip()
    if len(text) < 2 or text[-1] not in HYPHENS or not text[-2].isalpha():
        return None
    words = text.split()
    next_words = following.text.split()
    if not next_words:
        return None
    fragment = re.sub(r"^\W+", "", words[-1][:-1])
    continuation = re.match(r"[\w’'-]*", next_words[0])[0]
    return fragment, continuation, bool(re.search(r"/|@|^www\.", words[-1]))


def document_words(report: Report) -> tuple[set[str], set[str], set[str]]:
    """Words printed whole inside lines (lower-cased), hyphenated compounds, and the words
    that the document writes in lower case somewhere (so are not names)."""
    words, compounds, lower = set(), set(), set()
    for page in report.pages:
        for line in page.lines:
            for token in line.text.split()[1:-1]:
                token = re.sub(r"^\W+|\W+$", "", token)
                if token[:1].islower():
                    lower.add(token)
                token = token.lower()
                if "-" in token:
                    compounds.add(token)
                    words.update(token.split("-"))
                elif token:
                    words.add(token)
    return words, compounds, lower


def is_hyphenation(fragment: str, continuation: str, words: set[str], compounds: set[str]) -> bool:
    """Whether a line-end hyphen was put in by hyphenation rather than being the word's own."""
    low = (fragment + "-" + continuation).lower()
    if low in compounds:
        return False
    whole = (fragment + continuation).lower()
    if whole not in words and fragment.lower() in words and continuation.lower() in words and len(continuation) > 2:
        return False
    return True


def is_name(word: str, lower: set[str]) -> bool:
    """A capitalised word is taken for a name unless the document also prints it in lower case
    ("Under" starting a sentence, when "under" is printed elsewhere)."""
    return word[:1].isupper() and word.lower() not in lower


def detect_hyphenation(report: Report, lang, dictionary) -> None:
    """Runs of hyphenated lines, broken capitalised words, breaks off the dictionary's points."""
    words, compounds, lower = document_words(report)
    for page in report.pages:
        for run in flows(page, ("body", "notes", "table")):
            streak: list[Line] = []
            for line, following in zip(run + [None], run[1:] + [None]):
                broken = following is not None and line_break(line, following)
                if broken:
                    streak.append(line)
                    fragment, continuation, in_url = broken
                    if not in_url and continuation and is_hyphenation(fragment, continuation, words, compounds):
                        # the word broken is the part after the compound's own last hyphen ("Self-dis-" /
                        # "solved" breaks "dissolved", not a name; "Kassym-Jo-" / "mart" breaks "Jomart")
                        broken_word = re.split(r"[-\u2010]", fragment)[-1] + continuation
                        if continuation[:1].islower() and is_name(broken_word, lower):
                            report.add("broken_capitalised", page.number, f"{fragment}-/{continuation}")
                        whole = (fragment + continuation).lower()
                        if whole in dictionary:
                            report.checked_breaks += 1
                            if len(fragment) not in dictionary[whole]:
                                report.add("wrong_hyphenation", page.number, f"{fragment}-/{continuation}")
                    continue
                if len(streak) > 2:
                    report.add("hyphen_runs", page.number,
                               f"{len(streak)} lines: " + " | ".join(l.text.split()[-1] for l in streak))
                streak = []


def detect_runts(report: Report, lang, dictionary) -> None:
    """A paragraph whose last line is only the tail of a word hyphenated on the line before
    ("country by coun-" / "try."): TeX's final-hyphen demerits, InDesign's "hyphenate last word" off."""
    words, compounds, _ = document_words(report)
    for page in report.pages:
        body = [l for l in page.region("body") if not l.heading]
        for line, last, after in zip(body, body[1:], body[2:] + [None]):
            broken = line_break(line, last)
            if not broken or broken[2] or not continues(line, last):
                continue
            if after is not None and continues(last, after) and after.x0 >= last.x0 - 0.5:
                continue  # the paragraph goes on
            text = "".join(c["text"] for i, c in enumerate(last.chars) if i not in last.sups).split()
            if len(text) == 1 and is_hyphenation(broken[0], broken[1], words, compounds):
                report.add("runt_line", page.number, f"{line.text[-30:]} / {last.text}")


def detect_hyphenated_headings(report: Report, lang, dictionary) -> None:
    """A heading, a title block's subtitle or another display line (sans-serif, or larger than the
    text) broken by hyphenation ("…ahead of the vote on the interim trade agree-" / "ment"): display
    lines are broken between words, as headings are set (``hyphens: manual``); a compound's own
    hyphen is no hyphenation."""
    words, compounds, _ = document_words(report)
    for page in report.pages:
        body = page.region("body")
        for line, following in zip(body, body[1:]):
            if not (line.heading and following.heading) or abs(line.size - following.size) > 0.05:
                continue
            broken = continues(line, following) and line_break(line, following)
            if (broken and not broken[2] and broken[1] and not own_hyphen(*broken[:2])
                    and is_hyphenation(broken[0], broken[1], words, compounds)):
                report.add("hyphenated_heading", page.number, f"{line.text[-40:]} / {following.text[:30]}")


#: Russian particles written with a hyphen ("что-то", "кто-нибудь", "кое-где"): a line may end at
#: that hyphen, which is the word's own
PARTICLES_AFTER = {"то", "либо", "нибудь", "ка", "таки", "де"}
PARTICLES_BEFORE = {"кое", "кой"}


def own_hyphen(fragment: str, continuation: str) -> bool:
    """Whether a line-end hyphen between ``fragment`` and ``continuation`` is a Russian particle's."""
    return continuation.lower() in PARTICLES_AFTER or fragment.lower() in PARTICLES_BEFORE


# --- page fill ------------------------------------------------------------------------------------

#: without an outline, a chapter's title is a heading set this much larger than the text at least
#: (h2: 1.2 em; a sub-heading 1.05 em, a table's caption 0.9 em)
CHAPTER_TITLE = 1.12


def outline_entries(report: Report) -> tuple[dict[int, list[float]], dict[int, list[float]]]:
    """Page number → where (pt from the page's top) the PDF's outline entries lead on it: the
    top-level ones (chapters, annexes, an interview's questions) and the nested ones
    (sub-headings); a table's caption or a contact block's title has none."""
    from pypdf import PdfReader

    reader = PdfReader(str(report.path))
    top: dict[int, list[float]] = {}
    nested: dict[int, list[float]] = {}

    def walk(entries, level: int) -> None:
        for entry in entries:
            if isinstance(entry, list):  # the entries below the one before it
                walk(entry, level + 1)
                continue
            if entry.top is None:
                continue
            page = reader.get_destination_page_number(entry)
            height = float(reader.pages[page].mediabox.height)
            (top if level == 0 else nested).setdefault(page + 1, []).append(height - float(entry.top))

    walk(reader.outline, 0)
    return top, nested


def detect_page_gaps(report: Report, lang, dictionary) -> None:
    """Pages (not the last, not before a chapter) with > 3 empty body lines above the notes. A
    chapter starts the next page when a top-level entry of the PDF's outline leads to its top (a
    sub-heading or a table's caption at the next page's top does not excuse a gap: the page does
    not end a chapter); a PDF without an outline has its chapters' titles set larger than the text.
    A page followed by a closing block alone on its page (a heading not in the outline, then text,
    then a chapter or the end: the contact) ends its chapter's text too."""
    pitch, rise, body_size = (report.metrics[k] for k in ("pitch", "rise", "body_size"))
    starts, sections = outline_entries(report)

    def opens_chapter(number: int) -> bool:
        """Whether page ``number`` starts with a chapter (or is past the document's end)."""
        if number > len(report.pages):
            return True
        first = report.pages[number - 1].region("body", "table")[:1]
        if not first:
            return False
        if starts:
            return any(top <= first[0].top + 1 for top in starts.get(number, []))
        return first[0].heading and first[0].size > CHAPTER_TITLE * body_size

    for index, page in enumerate(report.pages[:-1]):
        body = page.region("body")
        if not body and not page.tables:
            continue
        following = report.pages[index + 1].region("body", "table")
        if not following:
            continue
        if opens_chapter(page.number + 1):
            continue  # the page ends a chapter, or the next starts the annex
        # the chapter's text ends here and the next page holds only a closing block under a
        # heading of its own (the contact: no outline entry, not a table's caption), up to the
        # next chapter or the document's end
        after = report.pages[index + 1]
        entry = any(y <= following[0].top + 1 for y in sections.get(after.number, []))
        caption = any(abs(t.bbox[1] - following[0].bottom) < following[0].size for t in after.tables)
        if following[0].heading and not entry and not caption and opens_chapter(page.number + 2):
            continue
        # line boxes from baselines: a box starts ``rise`` ems above its baseline, is ``pitch`` tall
        bottoms = [l.baseline - rise * l.size + pitch * l.size / body_size for l in body]
        bottom = max(bottoms + [t.bbox[3] for t in page.tables])
        notes = page.region("notes")
        area = notes[0].baseline - rise * notes[0].size if notes else page.block.bottom
        empty = (area - bottom) / pitch
        if int(empty + 0.01) > 3:  # whole body lines that would still fit
            last = max(body, key=lambda l: l.baseline, default=None)
            report.add("page_gap", page.number, f"{empty:.1f} empty lines after: …{last.text[-50:] if last else ''}")


# --- spaces, one-letter words, page references, running heads -----------------------------------

def detect_spaces(report: Report, lang, dictionary) -> None:
    """Two space glyphs in a row, or a word gap far wider than the others on its line."""
    for page in report.pages:
        for line in page.region("body", "notes"):
            chars = line.chars
            doubled = [i for i in range(1, len(chars)) if chars[i]["text"].isspace() and chars[i - 1]["text"].isspace()]
            if doubled:
                report.add("double_space", page.number, excerpt(line, doubled[0] - 5, doubled[0] + 5))
                continue
            words = []  # (x0, x1) of each word: split at space glyphs and at blank stretches
            for char in chars:
                if char["text"].isspace():
                    words.append(None)
                elif words and words[-1] is not None and char["x0"] - words[-1][1] < 0.12 * line.size:
                    words[-1] = (words[-1][0], char["x1"])
                else:
                    words.append((char["x0"], char["x1"]))
            spans = [w for w in words if w is not None]
            gaps = [b[0] - a[1] for a, b in zip(spans, spans[1:])]
            spaces = [c["x1"] - c["x0"] for c in chars if c["text"] == " "]
            natural = statistics.median(spaces) if spaces else 0.25 * line.size
            if not gaps or len(gaps) < 3 and line.x1 > page.block.x1 - 1:
                continue  # a justified line with one or two gaps may stretch them as far as it needs
            usual = statistics.median(gaps) if len(gaps) >= 3 else min(natural, min(gaps))
            for number, gap in enumerate(gaps):
                if gap > usual + 0.6 * natural and gap > 1.5 * usual:
                    report.add("double_space", page.number, f"{gap:.1f} pt gap (usual {usual:.1f}): {line.text[:60]}")
                    break


def spaced_to_fit(line: Line) -> bool:
    """Whether a line reaching the right edge was justified to it: its word spaces are stretched
    or shrunk (a gap after a space glyph). A ragged line that happens to end at the edge (a
    contact block's "…, Euro-Belarus Solidarity" / "Platform") has its spaces at their natural
    width; a line without spaces (one long word) is given the benefit of the doubt."""
    chars = line.chars
    gaps = [b["x0"] - a["x1"] for a, b in zip(chars, chars[1:]) if a["text"] == " "]
    return not gaps or any(abs(gap) > 0.05 for gap in gaps)


def detect_short_lines(report: Report, lang, dictionary) -> None:
    """A line of a justified paragraph that stops more than a third of the measure short of the
    right edge although its paragraph goes on (words glued together pushed the rest down)."""
    for page in report.pages:
        body = [l for l in page.region("body") if not l.heading]
        for before, line, after in zip(body, body[1:], body[2:]):
            justified = before.x1 > page.block.x1 - 1 and continues(before, line) and spaced_to_fit(before)
            goes_on = continues(line, after) and after.x0 >= line.x0 - 0.5  # not a new list item
            room = page.block.x1 - line.x1
            if justified and goes_on and room > (page.block.x1 - page.block.x0) / 3:
                report.add("short_line", page.number, f"{room:.0f} pt short: {line.text} / {after.text[:40]}")


def detect_loose_lines(report: Report, lang, dictionary) -> None:
    """A justified line whose widest word space is over 1 em (the samples before issue 11's fixes
    reach 0.8 em): glued words or an unbreakable name left too little to fill it."""
    for page in report.pages:
        for line in page.region("body"):
            if line.heading or line.x1 < page.block.x1 - 1:
                continue
            ink = line.ink
            gap = max((b["x0"] - a["x1"] for a, b in zip(ink, ink[1:])), default=0)
            if gap > line.size:
                report.add("loose_line", page.number, f"{gap / line.size:.2f} em space: {line.text[:70]}")


IN_WORD = re.compile(r"[\w/.@=&?%#~+-]")


#: A gap between two letters of a word (em) that reads as spaced: twice what justification may widen
#: a URL's break (textfix.BREAK_STRETCH; 0.06 em in a line of a path alone, ALONE_STRETCH); 0.15 em
#: let a URL's path spread at 0.13 em pass.
SPACED_LETTERS = 0.08


def detect_spaced_letters(report: Report, lang, dictionary) -> None:
    """Characters of one word set apart: a gap with no space glyph wider than SPACED_LETTERS em between two
    characters of one font in a body or note line (justification widening the break points of an address,
    "press -sluzhba .kgd@", or spreading a URL's letters, "= e n & r e f"). Calls are left out."""
    for page in report.pages:
        for line in page.region("body", "notes"):
            if line.heading:
                continue
            chars = line.chars
            for index in range(1, len(chars)):
                a, b = chars[index - 1], chars[index]
                # inside a word or an address: letters, digits and an address's punctuation (a gap
                # after ";" or before "(" is a word gap drawn without a space glyph: double_space)
                if not (IN_WORD.match(a["text"]) and IN_WORD.match(b["text"])) or {index - 1, index} & line.sups:
                    continue
                if a["fontname"] != b["fontname"]:
                    continue  # a word gap between elements ("1." <strong>name</strong>), drawn without a glyph
                gap = b["x0"] - a["x1"]
                if gap > SPACED_LETTERS * line.size:
                    report.add("spaced_letters", page.number,
                               f"{gap:.1f} pt inside a word: " + excerpt(line, index - 1, index))
                    break


def detect_split_words(report: Report, lang, dictionary) -> None:
    """A word cut at a line end without a hyphen because it was longer than its column
    (``overflow-wrap``: "Zhumabekova-Nurmaga" / "mbetova", "(стат" / "ья 313)"): the line ends in a
    letter and its paragraph or cell goes on with a lower-case letter, and either the line is one
    word filling its box to the edge, or the two pieces make a word the document prints whole
    while neither piece is one. URLs and addresses, which may break between any two characters,
    are not judged."""
    words, _, _ = document_words(report)
    for page in report.pages:
        # (left, right) of the box a run is set in: lines in the body may be indented (lists), so
        # the body's left is each line's own; a cell's padding is the smaller of the gaps its lines
        # leave on either side (a right-aligned cell's lines all touch its right padding)
        edges = [(None, page.block.x1, run) for run in flows(page)]
        for table in page.tables:
            for row in table.rows:
                for cell in row:
                    if cell and cell[1]:
                        box = cell[0]
                        padding = min(min(l.x0 for l in cell[1]) - box[0], box[2] - max(l.x1 for l in cell[1]))
                        edges.append((box[0] + padding, box[2] - padding, cell[1]))
        for left, right, run in edges:
            for previous, line, following in zip([None] + run, run, run[1:]):
                text = "".join(c["text"] for i, c in enumerate(line.chars) if i not in line.sups).strip()
                if not text or not text[-1].isalpha() or re.search(r"[/@=&]|https?:|www\.", text.split()[-1]):
                    continue
                if previous is not None and len(text.split()) == 1 and previous.text.split() \
                        and re.search(r"[/@=&]|https?:|www\.", previous.text.split()[-1]):
                    continue  # the middle of a URL that runs over several lines
                first = next((c for c in following.chars if not c["text"].isspace()), None)
                if first is None or not first["text"].islower() or not continues(line, following):
                    continue
                head = re.sub(r"^\W+", "", text.split()[-1]).lower()
                tail = re.sub(r"\W+$", "", following.text.split()[0]).lower()
                known = head + tail in words and head not in words and tail not in words
                # one word: no space of any kind ("в\u00a0следственном" is two words)
                start = line.x0 if left is None else left
                if known or len(text.split()) == 1 and start + (line.x1 - line.x0) + (first["x1"] - first["x0"]) > right - 0.5:
                    report.add("split_word", page.number, f"{text} / {following.text[:30]}")


#: a line's end and the next line's start that cut a number from its own digits, its sign or its
#: currency: "1 250 / 000", "100 212 / 000 €", "12 / %", "KGS / 4,815,300,000"
NUMBER_END = re.compile(r"(?:^|[\s(])(?:\d{1,3}|[A-Z]{3}|[$€£¥₽₸])$")
NUMBER_CUT = {"digits": (re.compile(r"\d{1,3}$"), re.compile(r"^\d{3}(?!\d)")),
              "sign": (re.compile(r"\d$"), re.compile(r"^[%‰€$£¥₽₸](?!\w)")),
              "currency": (re.compile(r"(?:^|\s)(?:[A-Z]{3}|[$€£¥₽₸])$"), re.compile(r"^\d"))}


def detect_split_numbers(report: Report, lang, dictionary) -> None:
    """A number cut at a line end from its own digits, its per cent or currency sign, or the
    currency code before it (non-breaking spaces belong there)."""
    for page in report.pages:
        for run in flows(page, ("body", "notes", "table")):
            for line, following in zip(run, run[1:]):
                end = "".join(c["text"] for i, c in enumerate(line.chars) if i not in line.sups).rstrip()
                start = following.text.lstrip()
                if not NUMBER_END.search(end) or not continues(line, following):
                    continue
                if any(a.search(end) and b.match(start) for a, b in NUMBER_CUT.values()):
                    report.add("number_split", page.number, f"…{end[-20:]} / {start[:20]}")


def detect_line_ends(report: Report, lang, dictionary) -> None:
    """Russian one-letter words ending a line; "(page N)" alone on a line or cut after "(page"."""
    for page in report.pages:
        for run in flows(page, ("body", "notes", "table")):
            for line, following in zip(run, run[1:] + [None]):
                words = line.text.split()
                if not words:
                    continue
                goes_on = following is not None and continues(line, following)
                if lang in (None, "ru") and words[-1] in ONE_LETTER_RU and goes_on:
                    report.add("one_letter_end", page.number, "…" + line.text[-40:])
                if PAGE_REF.match(line.text.strip()) or PAGE_REF_OPEN.search(line.text.strip()):
                    report.add("page_ref_alone", page.number, line.text.strip())


# --- page make-up: stranded headings, empty pages, page references --------------------------------

def detect_page_makeup(report: Report, lang, dictionary) -> None:
    """A heading (or caption) that is the last text of a page's body, its text on the next page,
    or followed there by one line only; a page with no text in its body (running head, footer and notes apart: the rest of a note
    continued from the page before is no page's content)."""
    for page in report.pages:
        body = [l for l in page.lines if l.region in ("body", "table")]
        if not body:
            report.add("empty_page", page.number, " / ".join(l.text for l in page.lines)[:60] or "(nothing)")
            continue
        if body[-1].heading:
            report.add("stranded_heading", page.number, body[-1].text)
        # a heading followed on its page by one line of text that goes on overleaf (orphans: 1)
        following = report.pages[page.number].region("body", "table") if page.number < len(report.pages) else []
        if len(body) >= 2 and body[-2].heading and not body[-1].heading and following and not following[0].heading:
            report.add("heading_one_line", page.number, f"{body[-2].text} / {body[-1].text[:40]}")


def detect_overlaps(report: Report, lang, dictionary) -> None:
    """Printed text over other text: two characters of different lines whose boxes (the font's
    size high, its advance wide) cross by more than 1 pt across and a third of the smaller size
    down (a note area over the body, a head over the first line, a table over a paragraph)."""
    for page in report.pages:
        lines = [l for l in page.lines if l.ink]
        for index, first in enumerate(lines):
            for second in lines[index + 1:]:
                if abs(second.baseline - first.baseline) < 1 or second.top >= first.bottom or first.top >= second.bottom \
                        or second.x0 >= first.x1 or first.x0 >= second.x1:
                    continue
                depth = min(first.size, second.size) / 3
                crossing = next(((a, b) for a in first.ink for b in second.ink
                                 if min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > 1
                                 and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > depth), None)
                if crossing:
                    report.add("overlap", page.number, f"{first.text[:40]} / {second.text[:40]}")


PAGE_NUMBER = re.compile(r"\d+")


def detect_page_references(report: Report, lang, dictionary) -> None:
    """A page reference ("(page 5)", "(стр. 5)": a link into the document whose text is a word and
    a number) whose number is not the page its link leads to."""
    from pypdf import PdfReader

    reader = PdfReader(str(report.path))
    targets = {}
    for name, destination in reader.named_destinations.items():
        try:
            targets[name] = reader.get_destination_page_number(destination) + 1
        except Exception:  # noqa: BLE001 — a destination without a page is no target
            continue
    for page in report.pages:
        pdf_page = reader.pages[page.number - 1]
        height = float(pdf_page.mediabox.height)
        for annotation in pdf_page.get("/Annots") or []:
            annotation = annotation.get_object()
            destination = annotation.get("/Dest")
            if annotation.get("/Subtype") != "/Link" or not isinstance(destination, str) or destination not in targets:
                continue
            x0, y0, x1, y1 = (float(v) for v in annotation["/Rect"])
            box = (min(x0, x1) - 0.5, height - max(y0, y1) - 0.5, max(x0, x1) + 0.5, height - min(y0, y1) + 0.5)
            text = "".join(c["text"] for line in page.lines for c in line.chars
                           if box[0] <= (c["x0"] + c["x1"]) / 2 <= box[2] and box[1] <= (c["top"] + c["bottom"]) / 2 <= box[3])
            numbers = PAGE_NUMBER.findall(text)
            if len(numbers) == 1 and re.search(r"[^\W\d_]", text) and int(numbers[0]) != targets[destination]:
                report.add("page_ref_wrong", page.number, f"{text.strip()} leads to page {targets[destination]}")


def detect_running_heads(report: Report, lang, dictionary) -> None:
    """A running head or footer set on more than one line (or reaching into the text block)."""
    for page in report.pages:
        for region in ("head", "foot"):
            lines = page.region(region)
            # the left and right parts of a head share a baseline; a wrapped part adds one
            if lines and max(l.baseline for l in lines) - min(l.baseline for l in lines) > 1:
                report.add("wrapped_head", page.number, " / ".join(l.text for l in lines))


def detect_head_collisions(report: Report, lang, dictionary) -> None:
    """The parts of a running head or footer run together: a part cut with "…" followed by the
    next part less than half an em away ("Arbeitsgemeinschaft Mensche…Interdisziplinäres"), or
    characters of the two parts printed over each other."""
    for page in report.pages:
        for region in ("head", "foot"):
            chars = sorted((c for l in page.region(region) for c in l.chars if not c["text"].isspace()),
                           key=lambda c: c["x0"])
            for a, b in zip(chars, chars[1:]):
                if abs(a["bottom"] - b["bottom"]) > 1:
                    continue  # not on one baseline: wrapped_head's business
                gap = b["x0"] - a["x1"]
                if a["text"] == "…" and gap < 0.5 * a["size"] or gap < -0.2 * a["size"]:
                    text = "".join(c["text"] for c in chars)
                    at = chars.index(b)
                    report.add("head_collision", page.number, f"{gap:.1f} pt: …{text[max(0, at - 20):at + 20]}…")
                    break


DETECTORS = [detect_calls, detect_notes_on_page, detect_urls, detect_edges, detect_table_numbers,
             detect_table_split, detect_hyphenation, detect_page_gaps, detect_spaces, detect_short_lines,
             detect_loose_lines, detect_spaced_letters, detect_split_words, detect_split_numbers, detect_line_ends,
             detect_running_heads, detect_head_collisions, detect_page_makeup, detect_page_references, detect_overlaps, detect_runts,
             detect_hyphenated_headings]
