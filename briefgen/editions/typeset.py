"""Typographic care of a rendered edition: where its lines may break, and where not.

:func:`typeset` runs over the whole HTML document of an edition (print and screen)
after Jinja and Markdown, so that every text gets the same rules whichever template,
filter or data field produced it — content, derived sentences, dates, the tool's own
strings. It changes text only (tags and attribute values are left as they are) and
adds only non-breaking spaces, ``<span>`` elements and ``<wbr>``:

* **Footnote calls.** Space before a call is removed (a call sits on the word it
  follows), and a call that directly follows another call gets the class
  ``follows-call``, which the stylesheets give a separating comma ("44,45"). Calls
  with text between them get none. In print a word joiner (U+2060) glues each call to
  the text before it.
* **Non-breaking spaces** (U+00A0), never typed by the officer: after a one-letter
  preposition or conjunction of Slavic languages (в, с, к, о, у, и, а, я; Polish,
  Czech and Slovak ones in those editions); between a number and the word after it
  ("16 political", "20 years", "1 November", "12 %", "500 €"), the groups of a number
  typed with spaces ("1 250 000"), a currency code or sign and its amount ("KZT
  2,917,000"), a month and its year, "No.", "Article", "стр." and the like and their
  number; before a spaced dash ("word —"). In print,
  a word joiner after a hard hyphen that follows a digit ("5-year") or joins
  capitalised parts of a name ("Kassym-Jomart"; in a table cell a name may break there).
* **URLs and e-mail addresses** are never hyphenated (``class="url"``/``"email"`` where
  they are not already in a footnote or a URL link); in print an e-mail address breaks
  only after its "@" and before a "." or "-". A URL breaks only between its
  parts: the scheme and host with the "/" after it are one part, so a line never ends in
  "https://" or inside a host name; the rest breaks after "/" and before "?", "#", "&",
  "=", "-", "_", "." and "%" (no part shorter than 4 characters, none longer than 30);
  in print running text (justified; not in footnotes, tables, headings, the title block, a
  signature or a contact, which are ragged) after any character of the path but its hyphens. In
  print the break opportunities are zero-width spaces and Pango's own are cancelled by
  word joiners — characters, not elements, because every element becomes a structure
  element of the tagged PDF (about 150 bytes each); on screen they are ``<wbr>`` and the
  host is a ``url-host`` span kept whole on its line (screen.css: an inline block that breaks
  only when longer than the line), so that a copied link carries no invisible characters.

The document is read as a stream of tags and text; text between tags is joined with
one marker per tag so that a rule sees across markup ("в <em>Москве</em>"), and the
rules are regular expressions over that string. Dates and words after numbers are kept
from hyphenation by the hyphenation policy itself (:mod:`briefgen.editions.hyphenation`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from briefgen.editions.hyphenation import break_points, month_names

NBSP = "\u00a0"

TAG = re.compile(r"(<[^>]*>)")
#: A tag in the joined text: its kind (\x00 an inline tag, \x02 the start of a footnote
#: call, \x03 the end of one, \x04 any other tag), its index in the tag list, \x01.
ANY_MARK = r"[\x00\x02\x03\x04]\d+\x01"
#: Inline tags, which a rule may see across ("в <em>Москве</em>"); never the end of a
#: paragraph or a table cell, nor a footnote call (in print the note's text sits between
#: the call's tags: "…id=31676</a></span> стало" is not a number and its word).
MARKS = r"(?:\x00\d+\x01)*"
INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q", "s",
          "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr"}
SPACE = r"[ \t\r\n]+"
#: Elements whose text is left alone.
VERBATIM = {"style", "script", "code", "pre", "textarea", "title"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
#: A footnote call, as briefgen's renderer writes it: print first calls, print repeated
#: calls, screen calls.
CALL_START = re.compile(r'<(?:span class="footnote"|sup class="(?:footnote-repeat|fn-call)")[ >]')
CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')

#: One-letter words bound to the next word. Cyrillic ones in every edition (they occur
#: only in text of those languages); Latin ones only in the languages that have them.
ONE_LETTER = {
    "cyrillic": "вВсСкКоОуУиИаАяЯзЗіІйЙ",
    "pl": "wWzZiIaAoOuU",
    "cs": "vVsSzZkKoOuUiIaA",
    "sk": "vVsSzZkKoOuUiIaA",
}
#: Words bound to the number after them.
BEFORE_NUMBER = ("No.", "Nos.", "no.", "p.", "pp.", "Art.", "art.", "Article", "Articles", "article", "articles",
                 "Section", "page", "pages", "Page", "§", "№", "ст.", "стр.", "статья", "статьи", "статьёй",
                 "статьей", "статей", "статьям", "ч.", "п.", "пп.", "гл.", "т.", "с.")
#: Words after a number that do not belong to it.
FUNCTION_WORDS = ("and", "or", "of", "to", "in", "on", "at", "for", "by", "the", "with", "from", "than", "per",
                  "и", "или", "на", "до", "из", "по", "за", "от", "для", "при")
NUMBER = r"[$€£]?\d(?:[\d.,\u00a0\u202f]*\d)?%?"
URL = r"(?:https?://|www\.)(?:&amp;|[^\s&<>\"'\x00-\x04])+"
DOMAIN = r"(?<![\w@/.&-])(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[a-z]{2,6}(?![\w@-])"
EMAIL = r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
#: Closing punctuation that ends a sentence after a URL rather than belonging to it.
TRAILING = ".,;:!?)]»”’"
#: Where a URL's path may break: after "/", before the others.
BREAK_AFTER = "/"
BREAK_BEFORE = "?#&=-_.%"
SHORTEST_PART = 4
LONGEST_PART = 30
WORD_JOINER = "\u2060"
ZERO_WIDTH_SPACE = "\u200b"
#: Elements whose text is never hyphenated: print footnotes, URL links, code.
UNHYPHENATED_ELEMENTS = ('<span class="footnote"', '<a class="url"', "<code", "<pre")
#: Elements set ragged (left-aligned) in print (print.css, common.css): a URL in them breaks only
#: between its parts, as in a footnote — cut after any character, a line was filled for nothing
#: and a word of the path read as broken ("…/2022/01/prozessbe" / "obachtung-memorial…").
RAGGED_TAGS = frozenset({"td", "th", "caption", "h1", "h2", "h3"})
RAGGED_CLASSES = frozenset({"title-block", "signature", "contact", "entries", "republication"})
CLASS_NAMES = re.compile(r'\sclass="([^"]*)"')


def typeset(html: str, lang: str, target: str = "print") -> str:
    """``html`` (an edition's whole document for ``target``, "print" or "screen") with the
    rules above applied to the text of its body."""
    start = html.find("<body")
    if start < 0 or any(c in html for c in "\x00\x01\x02\x03\x04"):
        return html
    text, tags = _join(html[start:], target)
    text = _footnote_calls(text, tags, target)
    text = _no_break_spaces(text, lang)
    text = _glue_page_references(text, tags, lang, target)
    if target == "print":
        text = _joined_hyphens(text, tags)
    return html[:start] + re.sub(ANY_MARK, lambda m: tags[int(m[0][1:-1])], text)


def _join(body: str, target: str) -> tuple[str, list[str]]:
    """The text of ``body`` with each tag (and each verbatim element's text) replaced by a
    marker, and the list of tags the markers stand for; URLs and e-mail addresses are
    already marked up (they never run across tags)."""
    tags: list[str] = []
    out: list[str] = []
    stack: list[tuple[str, bool, bool, bool]] = []  # open elements: name, footnote call, not hyphenated, ragged
    verbatim = 0
    for part in TAG.split(body):
        if not part:
            continue
        if not part.startswith("<"):
            if verbatim:
                tags.append(part)
                out.append(f"\x04{len(tags) - 1}\x01")
            else:
                out.append(_addresses(part, tags, target, *(stack[-1][2:] if stack else (False, False))))
            continue
        name = re.match(r"</?([A-Za-z0-9]+)", part)
        name = name[1].lower() if name else ""
        kind = "\x00" if name in INLINE else "\x04"
        if part.startswith("</"):
            # the innermost open element of that name ends (briefgen writes well-formed HTML)
            while stack:
                open_name, is_call, *_ = stack.pop()
                if open_name == name:
                    kind = "\x03" if is_call else kind
                    break
            verbatim -= name in VERBATIM and verbatim > 0
        elif name and name not in VOID and not part.endswith("/>") and not part.startswith("<!"):
            is_call = bool(CALL_START.match(part))
            # footnotes (print) and URL links are never hyphenated (print.css, common.css)
            unhyphenated = (bool(stack) and stack[-1][2]) or part.startswith(UNHYPHENATED_ELEMENTS)
            ragged = (bool(stack) and stack[-1][3]) or (is_call and target == "print") or _ragged(name, part)
            stack.append((name, is_call, unhyphenated, ragged))
            kind = "\x02" if is_call else kind
            verbatim += name in VERBATIM
        tags.append(part)
        out.append(f"{kind}{len(tags) - 1}\x01")
    return "".join(out), tags


def _ragged(name: str, tag: str) -> bool:
    """Whether the element that ``tag`` opens is set ragged in print (see RAGGED_TAGS)."""
    classes = CLASS_NAMES.search(tag)
    return name in RAGGED_TAGS or bool(classes and RAGGED_CLASSES.intersection(classes[1].split()))


def _add_class(tag: str, name: str) -> str:
    return CLASS_ATTRIBUTE.sub(lambda m: f'class="{m[1]} {name}"', tag, count=1)


def _footnote_calls(text: str, tags: list[str], target: str) -> str:
    """No space before a call; a call right after another call marked ``follows-call``; in
    print, a word joiner before every call: where a call does not fit at a line's end,
    WeasyPrint otherwise moves it alone to the next line ("Sultan," / "³ opened")."""
    text = re.sub(SPACE + r"(?=\x02)", "", text)
    for match in re.finditer(r"\x03\d+\x01\x02(\d+)\x01", text):
        index = int(match[1])
        tags[index] = _add_class(tags[index], "follows-call")
    if target == "print":
        text = re.sub(r"\x02", _joined_call, text)
    return text


def _joined_call(match: re.Match) -> str:
    """A word joiner before a call's start marker that follows text (not a space or the start of a block)."""
    return WORD_JOINER + match[0] if _after_text(match.string, match.start()) else match[0]


def _after_text(text: str, position: int) -> bool:
    """Whether what precedes ``position``, inline markers skipped, is a visible character
    (not a space, not the start of a block)."""
    while position and text[position - 1] == "\x01":
        start = max(text.rfind(kind, 0, position - 1) for kind in "\x00\x02\x03\x04")
        if text[start] == "\x04":
            return False
        position = start
    return bool(position) and not text[position - 1].isspace()


def _alternatives(words) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=None)
def _nbsp_rules(lang: str) -> tuple[tuple[re.Pattern, str], ...]:
    """(pattern, replacement) pairs that turn a breakable space into a non-breaking one.
    Each pattern's group 1 is what stays before the space, and the space is the match's end."""
    letters = ONE_LETTER["cyrillic"] + ONE_LETTER.get(lang.split("-")[0], "")
    word_start = r"(?<![^\s\x01(«„“\"\[\u00a0])"
    # a number is bound to the word after it, unless that word only joins it to the next ("5 and 7")
    next_word = rf"(?={MARKS}(?!(?:{_alternatives(FUNCTION_WORDS)})\b)[^\W\d_]|{MARKS}[«„“\"(\[%‰€$£¥₽₸])"
    rules = [
        # KZT 2,917,000, € 500: a currency code or sign and its amount
        rf"((?<![\w.])(?:[A-Z]{{3}}|[$€£¥₽₸]){MARKS}){SPACE}(?={MARKS}\d)",
        # в Москве, и Казахстан
        rf"{word_start}([{letters}]{MARKS}){SPACE}(?={MARKS}[\w«„“\"(\[])",
        # 16 political, 20 years, 1 November, 2021 г.
        rf"((?<![\w.,/=#?&;:\u200b\u2060-]){NUMBER}(?![\w]){MARKS}){SPACE}{next_word}",  # not in a URL
        # November 2021, ноября 2021 (the word is checked against the month names: see below)
        rf"((?<!\w)(?P<month>[^\W\d_]{{3,}}){MARKS}){SPACE}(?={MARKS}\d)",
        # Article 174, стр. 5
        rf"((?<![\w.])(?:{_alternatives(BEFORE_NUMBER)}){MARKS}){SPACE}(?={MARKS}\d)",
        # word — word: the dash never starts a line (the space follows text, checked below)
        rf"(){SPACE}(?={MARKS}[—–]{MARKS}[ \t\r\n])",
    ]
    return tuple(re.compile(rule) for rule in rules)


#: A number typed with spaces between groups of three digits ("1 250 000", "15 000"): one number,
#: which a line broke ("1 250 / 000"). Not a phone number ("+7 701 555 0101": after "+", or a group
#: of another length follows) nor two numbers side by side.
DIGIT_GROUPS = re.compile(r"(?<![\w.,+\u00a0\u202f-])\d{1,3}(?: \d{3})+(?![\w\u00a0\u202f]|[.,]\d| \d)")


def _no_break_spaces(text: str, lang: str) -> str:
    months = month_names(lang)
    text = DIGIT_GROUPS.sub(lambda match: match[0].replace(" ", NBSP), text)

    def bind(match: re.Match) -> str:
        month = match.groupdict().get("month")
        if month is not None and month.lower() not in months:
            return match[0]
        if not match[1] and not _after_text(match.string, match.start()):
            return match[0]  # a dash at the start of a block
        return match[1] + NBSP

    for pattern in _nbsp_rules(lang):
        text = pattern.sub(bind, text)
    return text


PAGE_REFERENCE = re.compile(r"(?<![^ \t\r\n\x01])([^ \t\r\n\x00-\x04]+?(?:&nbsp;|\u00a0))\x00(\d+)\x01\x00(\d+)\x01")


def _glue_page_references(text: str, tags: list[str], lang: str, target: str) -> str:
    """The overview's "(page N)" (an empty ``a.page-ref`` whose text the print stylesheet
    generates) and the word before it, in one ``nowrap`` span that starts at a space — in
    print, at a point where that word may be hyphenated (:func:`_hyphenable_head`).

    The template joins them with a no-break space, but a unit glued across elements that
    does not fit at a line's end makes WeasyPrint 70 break the text before it at a wrong
    place (its "break the waiting children" step): "применяют" was left alone on a line,
    408 pt short. A span that starts after a real space is moved whole instead."""
    def glue(match: re.Match) -> str:
        if not tags[int(match[2])].startswith('<a class="page-ref"') or tags[int(match[3])] != "</a>":
            return match[0]
        unit, reference = match[1], match[0][len(match[1]):]
        head = _hyphenable_head(unit, lang) if target == "print" else ""
        return head + _wrap(tags, '<span class="nowrap">', unit[len(head):] + reference)
    return PAGE_REFERENCE.sub(glue, text)


#: The words glued to a page reference: what precedes the last word, the word, what follows it.
GLUED_WORD = re.compile(r"(.*?)([^\W\d_]+)([^\w&]*(?:&nbsp;|\u00a0))", re.DOTALL)


def _hyphenable_head(unit: str, lang: str) -> str:
    """The part of ``unit`` (the words glued to a page reference) that may stay at the end of a
    line when the reference does not fit there: up to the word's last break point
    (:func:`briefgen.editions.hyphenation.break_points`), so that WeasyPrint can hyphenate
    the word ("и мессен-" / "джеров; (стр. 5)") instead of moving it whole and leaving the line
    loose. WeasyPrint hyphenates that part as a word of its own: it is cut where its own
    break points are the word's ("мессендже": мес-сен-дже), or not at all ("")."""
    found = GLUED_WORD.fullmatch(unit)
    if not found:
        return ""
    prefix, word = found[1], found[2]
    points = break_points(word, lang)
    for point in reversed(points):
        if break_points(word[:point], lang) and set(break_points(word[:point], lang)) <= set(points):
            return prefix + word[:point]
    return ""


#: Hard hyphens that must not end a line: after a digit ("5-year") and between capitalised
#: parts of a name ("Kassym-Jomart", "Nur-Sultan").
HARD_HYPHEN = re.compile(r"(?<![\w-])([^\W_]+)-(?=[^\W_])")


def _joined_hyphens(text: str, tags: list[str]) -> str:
    """A word joiner after hard hyphens that must not end a line (print only: the PDF's
    text does not show it, a copied HTML text would). In a table cell a name may break
    after its hyphen ("Zhumabekova-/Nurmagambetova"): a name longer than its column was
    otherwise cut anywhere by ``overflow-wrap`` ("Nurmaga/mbetova", without a hyphen)."""
    cells = _cell_spans(text, tags)

    def join(match: re.Match) -> str:
        before, after = match[1], match.string[match.end()]
        if before[-1].isdigit() or (before[0].isupper() and after.isupper()
                                    and not any(start <= match.start() < end for start, end in cells)):
            return match[0] + WORD_JOINER
        return match[0]
    return HARD_HYPHEN.sub(join, text)


def _cell_spans(text: str, tags: list[str]) -> list[tuple[int, int]]:
    """(start, end) positions in the joined ``text`` of the table cells' contents."""
    spans, start = [], None
    for mark in re.finditer(ANY_MARK, text):
        tag = tags[int(mark[0][1:-1])]
        if re.match(r"<t[dh][\s>]", tag):
            start = mark.end()
        elif re.match(r"</t[dh]>", tag) and start is not None:
            spans.append((start, mark.start()))
            start = None
    return spans


def _wrap(tags: list[str], opening: str, content: str, closing: str = "</span>") -> str:
    tags.extend((opening, closing))
    return f"\x00{len(tags) - 2}\x01{content}\x00{len(tags) - 1}\x01"


def url_parts(url: str) -> list[str]:
    """``url`` (as HTML text, "&amp;" for "&") cut where a line may break: the scheme and
    host whole (with the "/" after the host), then after "/" and before ``BREAK_BEFORE``
    characters, no part shorter than ``SHORTEST_PART`` or longer than ``LONGEST_PART``."""
    head = re.match(r"(?:https?://)?[^/?#]*/?", url)[0]
    parts, current, length = [head], "", 0
    for unit in re.findall(r"&amp;|.", url[len(head):], re.DOTALL):  # "&amp;" is one character
        char = "&" if unit == "&amp;" else unit
        # no part shorter than SHORTEST_PART ("-i", "%2"): they would make ragged lines
        if length >= SHORTEST_PART and char in BREAK_BEFORE or length >= LONGEST_PART:
            parts.append(current)
            current, length = "", 0
        current, length = current + unit, length + 1
        if char in BREAK_AFTER:
            parts.append(current)
            current, length = "", 0
    parts.append(current)
    return [part for part in parts if part]


def _no_natural_breaks(part: str, head: bool = False) -> str:
    """``part`` with a word joiner after each character at which Pango's line breaking
    (UAX #14) would otherwise allow a break inside a URL: "/", "-", "?", "!", ":", ";", ",",
    and "." before a digit — in the scheme and host after every character that is not a
    letter or digit ("https:/⁠/⁠", ":8080")."""
    pattern = r"([^\w])(?!$)" if head else r"([/?!:;,-]|\.(?=\d))(?!$)"
    return re.sub(pattern, r"\1" + WORD_JOINER, part)


def _every_character(part: str) -> str:
    """``part`` with a zero-width space after every character but a hyphen, and a word joiner
    after a hyphen (a line that ends in "-" inside a URL would read as a hyphenated word) and
    before a closing bracket (a line starting "]=liquidated" reads as stray punctuation)."""
    units = re.findall(r"&amp;|.", part, re.DOTALL)
    return "".join(unit + ("" if index == len(units) - 1 else
                           WORD_JOINER if unit == "-" or units[index + 1] in ")]}" else ZERO_WIDTH_SPACE)
                   for index, unit in enumerate(units))


def _url(tags: list[str], url: str, target: str, unhyphenated: bool, ragged: bool) -> str:
    """The markup of one URL (HTML text). Print: one run of text whose only break
    opportunities are the zero-width spaces between its parts (word joiners cancel
    Pango's own), which a PDF's text does not show; screen: the host in a ``url-host``
    span (kept whole) and ``<wbr>`` between the other parts (invisible characters would end up in
    a copied link)."""
    parts = url_parts(url)
    if target == "print" and not ragged:
        # in running text, which is justified, the path may break after any character: a
        # line is then filled to its end instead of stretching its few spaces (a 30-character
        # part pushed to the next line would leave gaps of 20 pt)
        markup = _no_natural_breaks(parts[0], head=True) + ZERO_WIDTH_SPACE + _every_character("".join(parts[1:])) \
            if len(parts) > 1 else _no_natural_breaks(parts[0], head=True)
    elif target == "print":
        markup = ZERO_WIDTH_SPACE.join(_no_natural_breaks(part, head=index == 0) for index, part in enumerate(parts))
    else:
        markup = _wrap(tags, '<span class="url-host">', parts[0])
        tags.append("<wbr>")
        wbr = f"\x00{len(tags) - 1}\x01"
        markup += "".join(wbr + part for part in parts[1:])
    return markup if unhyphenated else _wrap(tags, '<span class="url">', markup)


def email_parts(address: str) -> list[str]:
    """``address`` cut where a line may break, as a publisher breaks an e-mail address: after
    the "@" and before a "." or "-" (never after one: a line ending in "-" reads as a
    hyphenated word), no part shorter than ``SHORTEST_PART``."""
    parts, current = [], ""
    for char in address:
        if char in ".-" and len(current) >= SHORTEST_PART:
            parts.append(current)
            current = ""
        current += char
        if char == "@":
            parts.append(current)
            current = ""
    if len(current) < SHORTEST_PART and parts and not parts[-1].endswith("@"):
        current = parts.pop() + current
    return [part for part in parts + [current] if part]


def _email(address: str) -> str:
    """The print markup of an e-mail address: a zero-width space between its parts, after a
    word joiner (so that justification does not widen it: textfix.justify_at_url_breaks), and
    word joiners cancelling Pango's own breaks (after "-"). An address left whole (it was
    ``nowrap``) stretched the word spaces of the line before it to 1–2.5 em."""
    return (WORD_JOINER + ZERO_WIDTH_SPACE).join(_no_natural_breaks(part) for part in email_parts(address))


def _addresses(text: str, tags: list[str], target: str, unhyphenated: bool, ragged: bool) -> str:
    """URLs, bare domain names and e-mail addresses of one text node, marked up so that
    they are never hyphenated nor broken inside their host."""
    def address(match):
        found = match[0]
        if "@" in found:
            markup = _email(found) if target == "print" else found
            return markup if unhyphenated else _wrap(tags, '<span class="email">', markup)
        end = len(found)
        # punctuation that ends the sentence, and a closing bracket that the URL did not open
        while end and found[end - 1] in TRAILING and not (
                found[end - 1] == ")" and found[:end].count("(") >= found[:end].count(")")):
            end -= 1
        return _url(tags, found[:end], target, unhyphenated, ragged) + found[end:]
    return re.sub(f"{EMAIL}|{URL}|{DOMAIN}", address, text)
