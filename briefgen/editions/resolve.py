"""Resolve step: facts derived from the data, and footnote numbering.

Nothing here is typed by the author: counts, name lists and plural phrases
come from the data collections, in the edition's language. Footnotes are
numbered in reading order: the renderer asks :class:`FootnoteNumbering` for a
number at each call, so the order of the template is the order of the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

from briefgen.editions import i18n
from briefgen.load.content import Brief
from briefgen.editions.i18n import N_, Nn_
from briefgen.load.model import Sentence


STATUS_LABELS = {
    "pre-trial-detention": N_("in pre-trial detention"),
    "imprisoned": N_("imprisoned"),
    "psychiatric-detention": N_("held in a psychiatric hospital"),
    "restricted-liberty": N_("restriction of liberty"),
    "house-arrest": N_("under house arrest"),
    "released": N_("released"),
}


@dataclass
class Localizer:
    """Everything language-dependent that is not content: gettext and CLDR formatting."""

    lang: str

    def __post_init__(self):
        self.translations = i18n.template_translations(self.lang)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translations.ngettext(singular, plural, count) % {"num": self.number(count)}

    def status(self, status: str) -> str:
        """A prisoner status ("pre-trial-detention") as words of the language."""
        return self.gettext(STATUS_LABELS[status])

    def date(self, value) -> str:
        return i18n.format_date(value, self.lang)

    def number(self, value) -> str:
        return i18n.format_number(value, self.lang)

    def list(self, items: list[str]) -> str:
        return i18n.format_list(items, self.lang)


def text_html(text: str) -> Markup:
    """A data text (a name, a position) as escaped HTML, marked with its language if it fell back."""
    body = escape(str(text))
    if getattr(text, "fallback", False):
        return Markup(f'<span lang="{text.lang}" class="untranslated">{body}</span>')
    return Markup(body)


#: Sentence kinds measured in years or months: (years phrase, months phrase, phrase without a term).
TERM_SENTENCES = {
    "imprisonment": (Nn_("%(num)s year of imprisonment", "%(num)s years of imprisonment"),
                     Nn_("%(num)s month of imprisonment", "%(num)s months of imprisonment"),
                     N_("imprisonment")),
    "restricted-liberty": (Nn_("%(num)s year of restricted liberty", "%(num)s years of restricted liberty"),
                           Nn_("%(num)s month of restricted liberty", "%(num)s months of restricted liberty"),
                           N_("restriction of liberty")),
    "suspended": (Nn_("%(num)s-year suspended sentence", "%(num)s-year suspended sentence"),
                  Nn_("%(num)s-month suspended sentence", "%(num)s-month suspended sentence"),
                  N_("suspended sentence")),
}
OTHER_SENTENCES = {"psychiatric-treatment": N_("compulsory psychiatric treatment"), "fine": N_("a fine")}
BAN = Nn_("%(num)s-year ban on social and political activity", "%(num)s-year ban on social and political activity")


def describe_sentence(sentence: Sentence | None, loc: Localizer) -> str:
    """"7 years of imprisonment; 5-year ban on social and political activity" in the edition's language."""
    if sentence is None:
        return ""
    if sentence.kind in TERM_SENTENCES:
        years, months, bare = TERM_SENTENCES[sentence.kind]
        if sentence.years:
            parts = [loc.ngettext(*years, sentence.years)]
        elif sentence.months:
            parts = [loc.ngettext(*months, sentence.months)]
        else:
            parts = [loc.gettext(bare)]
    else:
        parts = [loc.gettext(OTHER_SENTENCES[sentence.kind])]
    if sentence.ban_years:
        parts.append(loc.ngettext(*BAN, sentence.ban_years))
    return "; ".join(parts)


@dataclass
class Facts:
    """The values of ``{collection.field}`` placeholders for one localized brief."""

    brief: Brief
    loc: Localizer

    def prisoners_held(self):
        return [p for p in self.brief.prisoners.prisoners if p.status != "released"]

    def _names(self, people) -> Markup:
        names = [text_html(p.name) for p in people]
        # format_list only joins; the names are already escaped HTML
        return Markup(self.loc.list([str(n) for n in names]))

    def value(self, name: str) -> Markup:
        """HTML of placeholder ``name`` (validated beforehand, so it exists)."""
        collection, _, field_name = name.partition(".")
        brief, loc = self.brief, self.loc
        if collection == "prisoners":
            held = self.prisoners_held()
            return {
                "count": lambda: Markup(loc.number(len(held))),
                "phrase": lambda: Markup(escape(loc.ngettext("%(num)s political prisoner", "%(num)s political prisoners", len(held)))),
                "names": lambda: self._names(held),
                "as_of": lambda: Markup(escape(loc.date(brief.prisoners.as_of))),
            }[field_name]()
        if collection == "prosecuted":
            data = brief.prosecuted
            if field_name.startswith("figures."):
                return Markup(loc.number(data.figures[field_name.removeprefix("figures.")]))
            return {
                "count": lambda: Markup(loc.number(len(data.people))),
                "names": lambda: self._names(data.people),
                "as_of": lambda: Markup(escape(loc.date(data.as_of))),
            }[field_name]()
        if collection == "killed":
            people = brief.killed.people
            return {
                "count": lambda: Markup(loc.number(len(people))),
                "phrase": lambda: Markup(escape(loc.ngettext("%(num)s activist", "%(num)s activists", len(people)))),
                "names": lambda: self._names(people),
            }[field_name]()
        if collection == "sanctions":
            targets = brief.sanctions.targets
            entry = loc.gettext("%(position)s %(name)s")
            return {
                "count": lambda: Markup(loc.number(len(targets))),
                "names": lambda: self._names(targets),
                "list": lambda: Markup(loc.list([entry % {"position": text_html(t.position), "name": text_html(t.name)}
                                                 for t in targets])),
            }[field_name]()
        if collection == "recommendations":
            return Markup(loc.number(len(brief.recommendations.recommendations)))
        raise KeyError(name)


@dataclass
class FootnoteNumbering:
    """Numbers footnotes 1, 2, 3 … in the order the renderer first calls them."""

    numbers: dict[str, int] = field(default_factory=dict)

    def call(self, footnote_id: str) -> tuple[int, bool]:
        """The number of ``footnote_id`` and whether this is its first call."""
        if footnote_id in self.numbers:
            return self.numbers[footnote_id], False
        self.numbers[footnote_id] = len(self.numbers) + 1
        return self.numbers[footnote_id], True

    @property
    def in_order(self) -> list[tuple[int, str]]:
        return sorted((n, i) for i, n in self.numbers.items())
