"""Hyphenation of the print editions: which words break, where, and how often.

WeasyPrint hyphenates a word that does not fit at the end of a line with a pyphen
dictionary for the text's language. briefgen's policy, which
:func:`briefgen.editions.textfix.hyphenate_by_policy` puts in place of WeasyPrint's own
dictionaries:

* **Patterns.** A bare ``lang="en"`` is hyphenated with the en_US patterns (Liang's
  TeX patterns: "Bu-reau", "ex-clu-sive-ly", "ac-tiv-i-ties", "Mem-o-ran-dum"), not
  with the en_GB ones that pyphen picks for "en" ("Bur-eau", "ex-clus-ively",
  "activ-it-ies", "Memor-andum"). The document's language stays "en"; an explicit
  ``en-GB`` keeps its own patterns.
* **Words never broken.** Capitalised words — names of people and places
  (Kazakhstan, Moscow, Jinping, Казахстан), like TeX's ``\\uchyph=0`` —, words with a
  digit, month names (so that dates never break; a date's spaces are non-breaking,
  see :mod:`briefgen.editions.typeset`) and units and counting words (million, процентов). URLs, e-mail addresses and footnotes are
  ``hyphens: none`` in the stylesheets.
* **Short words and fragments**: ``hyphenate-limit-chars`` in print.css (6 3 3), repeated
  in :data:`LIMIT_CHARS` for the renderer.
* **At most** :data:`MAX_HYPHENATED_LINES` **hyphenated lines in a row** in a paragraph
  (CSS ``hyphenate-limit-lines``, which WeasyPrint does not implement): while a
  paragraph's last lines end in a hyphen, the next line is broken without
  hyphenating (:class:`LineRun` follows the run across pages).
"""

from __future__ import annotations

from functools import lru_cache

#: CSS ``hyphenate-limit-lines``: consecutive lines of a paragraph that may end with a hyphen.
MAX_HYPHENATED_LINES = 2
#: Patterns used for a language given without a region.
PATTERNS = {"en": "en_US"}
#: CSS ``hyphenate-limit-chars`` of print.css (word, before, after the break); the stylesheet
#: sets them, the renderer needs them where it prepares a break (see break_points).
LIMIT_CHARS = (6, 3, 3)
#: Characters that end a hyphenated line (the hyphenate-character, a hard hyphen, a soft hyphen).
HYPHENS = ("-", "\u2010", "\u00ad")
#: Set on the layout context while hyphenation is suspended (the run limit is reached).
SUSPENDED = "_briefgen_hyphenation_suspended"


@lru_cache(maxsize=None)
def month_names(lang: str) -> frozenset[str]:
    """Month names of ``lang`` and of English, in every form CLDR has and lower case; for
    Russian also the prepositional ("в июне", "в марте"), which CLDR does not give."""
    from babel import Locale
    from babel.dates import get_month_names

    names = set()
    for code in {lang.replace("-", "_").split("_")[0], "en"}:
        try:
            locale = Locale.parse(code)
        except (ValueError, LookupError):
            continue
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                names.update(name.lower().rstrip(".") for name in get_month_names(width, context, locale).values())
            if code == "ru" and context == "format":
                # genitive января, марта, мая → prepositional январе, марте, мае
                names.update(name.lower()[:-1] + "е" for name in get_month_names("wide", "format", locale).values())
    return frozenset(names)


#: Units and counting words that follow a number ("$500 million", "5 процентов"): never
#: broken, so that a number and its unit stay whole (the space between them is a no-break
#: space, see briefgen.editions.typeset). Word beginnings, lower case.
UNIT_WORDS = ("million", "billion", "thousand", "hundred", "percent", "kilomet", "kilogram", "centimet",
              "миллион", "миллиард", "тысяч", "процент", "километр", "килограмм", "сантиметр")


def may_hyphenate(word: str, lang: str) -> bool:
    """Whether ``word`` (of a text in ``lang``) may be broken at all."""
    if not word or word[0].isupper() or any(char.isdigit() for char in word):
        return False
    lower = word.lower()
    return lower not in month_names(lang) and not lower.startswith(UNIT_WORDS)


def break_points(word: str, lang: str) -> list[int]:
    """Where the policy lets ``word`` (of a text in ``lang``) break at a line's end: positions
    (number of letters before the break), with the patterns and the limits WeasyPrint gets."""
    total, left, right = LIMIT_CHARS
    if len(word) < total or not may_hyphenate(word, lang):
        return []
    return list(_patterns(PATTERNS.get(lang, lang), left, right).positions(word))


@lru_cache(maxsize=None)
def _patterns(lang: str, left: int, right: int):
    import pyphen

    return pyphen.Pyphen(lang=lang, left=left, right=right)


class Hyphenator:
    """What WeasyPrint asks for a word to hyphenate (``iterate``), under briefgen's policy.

    Stands in for a ``pyphen.Pyphen`` in WeasyPrint's per-layout dictionary cache;
    ``context`` is that layout's context, on which the line-run limit is signalled."""

    def __init__(self, context, lang: str, left: int, right: int):
        import pyphen

        self.context = context
        self.lang = lang
        self.dictionary = pyphen.Pyphen(lang=PATTERNS.get(lang, lang), left=left, right=right)

    def iterate(self, word: str):
        """(start, end) pairs, the longest start first, as ``pyphen.Pyphen.iterate``; none
        for a word that must not break or while hyphenation is suspended."""
        if self.context.__dict__.get(SUSPENDED) or not may_hyphenate(word, self.lang):
            return iter(())
        return self.dictionary.iterate(word)


class Dictionaries(dict):
    """WeasyPrint's per-layout cache of hyphenation dictionaries, keyed by (lang, left,
    right, total), that hands out :class:`Hyphenator` objects."""

    def __init__(self, context):
        super().__init__()
        self.context = context

    def get(self, key, default=None):
        if key not in self:
            lang, left, right, _total = key
            self[key] = Hyphenator(self.context, lang, left, right)
        return self[key]


def ends_with_hyphen(line) -> bool:
    """Whether a laid-out line box ends with a hyphen (its last non-blank text)."""
    text = _last_text(line)
    return bool(text) and text.endswith(HYPHENS)


def _last_text(box) -> str | None:
    """The last non-blank text of an inline box, trailing spaces removed (None if none)."""
    boxes = _boxes()
    for child in reversed(getattr(box, "children", None) or ()):
        if isinstance(child, boxes.TextBox):
            if child.text.strip():
                return child.text.rstrip()
        elif isinstance(child, (boxes.InlineBox, boxes.LineBox)) and child.is_in_normal_flow():
            found = _last_text(child)
            if found is not None:
                return found
    return None


@lru_cache(maxsize=1)
def _boxes():
    """WeasyPrint's box classes (imported on first use: this module is read without WeasyPrint)."""
    from weasyprint.formatting_structure import boxes

    return boxes


class LineRun:
    """The run of hyphenated lines of one paragraph, followed across the pages it spans.

    A paragraph broken by a page is laid out again from where the page broke it (its
    ``skip_stack``); the run at each line's end is remembered by that position, so that
    the first line of the next page knows how many hyphenated lines precede it."""

    def __init__(self, context, box, skip_stack):
        self.context = context
        # an anonymous box has no element to be known by: its run starts at each page
        self.remembered = [] if box.element is None else context.__dict__.setdefault(
            "_briefgen_line_runs", {}).setdefault((id(box.element), box.element_tag), [])
        self.count = next((count for resume_at, count in self.remembered if resume_at == skip_stack), 0) \
            if skip_stack is not None else 0

    def next_line(self, lines, suspend: bool = False):
        """The next (line, resume_at) of the generator ``lines``, laid out with hyphenation
        suspended if the run has reached the limit (or if ``suspend``); StopIteration at the end."""
        outer = self.context.__dict__.get(SUSPENDED, False)
        self.context.__dict__[SUSPENDED] = suspend or self.count >= MAX_HYPHENATED_LINES
        try:
            line, resume_at = next(lines)
        finally:
            self.context.__dict__[SUSPENDED] = outer
        self.count = self.count + 1 if ends_with_hyphen(line) else 0
        if resume_at is not None:
            self.remembered.append((resume_at, self.count))
        return line, resume_at

    def replay(self, state: tuple[int, int], line, resume_at) -> None:
        """The run as :meth:`next_line` leaves it after ``line`` (ending at ``resume_at``), laid out
        with the run in ``state``: for lines laid out on another branch and kept after all."""
        self.restore(state)
        self.count = self.count + 1 if ends_with_hyphen(line) else 0
        if resume_at is not None:
            self.remembered.append((resume_at, self.count))

    def save(self) -> tuple[int, int]:
        """The run's state, for :meth:`restore` when lines laid out since are dropped."""
        return self.count, len(self.remembered)

    def restore(self, state: tuple[int, int]) -> None:
        self.count, length = state
        del self.remembered[length:]
