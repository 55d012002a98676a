"""Audiences and anonymity: what one edition may show.

An edition is ``public`` (published on the web) or ``restricted`` (sent to named
recipients). Content marked ``restricted: true`` (a block, a chapter, a question, a
footnote, a data item) or ``restricted: [phone, profile]`` (single fields of an item)
appears only in restricted editions. A person written ``{anonymous: true, …}`` is
shown by pseudonym or description, or as "name withheld"; their real ``name``, if
given at all, only in restricted editions.

:func:`edition_view` makes the brief an edition renders from: restricted content
taken out of public editions (so text, alt text, footnotes and their numbering,
metadata, snapshots and cover emails never see it), anonymous names replaced by
what the edition shows. :func:`restricted_strings` lists every restricted text with
its position, and :mod:`briefgen.editions.leaks` searches each written public output for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from briefgen.load.content import Brief
from briefgen.errors import Problem
from briefgen.load.model import DATA_FILES, Anonymous, Cases, Chapter, Interview, Item, Text
from briefgen.editions.resolve import Localizer
from briefgen.editions.translations import LocalText
from briefgen.load.yamlfile import YamlPath

AUDIENCES = ("public", "restricted")

#: Fields that hold ids, kinds and other words of the format, never text a reader could recognise.
NOT_TEXT = {"id", "kind", "style", "data", "language", "languages", "cases", "sources", "chapter", "restricted",
            "status", "anonymous", "articles"}


class ShownName(LocalText):
    """An anonymous person's name as one edition shows it; ``withheld`` when the real name is
    not shown. Metadata (author, keywords) never carries it, in any audience."""

    anonymous = True
    withheld: bool
    note: Text | None

    def __new__(cls, text: str, lang: str, fallback: bool = False, *, withheld: bool = False, note: Text | None = None):
        obj = super().__new__(cls, text, lang, fallback)
        obj.withheld = withheld
        obj.note = note
        return obj


def shown_name(person: Anonymous, audience: str, loc: Localizer) -> ShownName:
    """What an edition in ``audience`` prints for an anonymous person."""
    def like(text, shown: str, withheld: bool) -> ShownName:
        return ShownName(shown, getattr(text, "lang", loc.lang), getattr(text, "fallback", False),
                         withheld=withheld, note=person.note)

    if audience == "restricted" and person.name:
        return like(person.name, str(person.name), False)
    if person.pseudonym:
        return like(person.pseudonym, loc.gettext("%(name)s (pseudonym)") % {"name": person.pseudonym}, True)
    if person.description:
        return like(person.description, loc.gettext("%(description)s (name withheld)") % {"description": person.description}, True)
    return like(None, loc.gettext("Name withheld"), True)


def _title_of_anonymous_interview(person: Anonymous, loc: Localizer) -> LocalText:
    """"Interview with a banking-sector activist" — never the real name, in any audience."""
    who = person.pseudonym or person.description
    if who is None:
        return LocalText(loc.gettext("Interview with a human rights defender"), loc.lang)
    return LocalText(loc.gettext("Interview with %(name)s") % {"name": who}, getattr(who, "lang", loc.lang),
                     getattr(who, "fallback", False))


def is_hidden(item: Any, audience: str) -> bool:
    """Whether ``item`` as a whole is left out of an edition for ``audience``."""
    return audience == "public" and isinstance(item, Item) and item.restricted is True


@dataclass
class _Walk:
    audience: str
    loc: Localizer
    hidden_notes: set[str]
    hidden_people: set[str]

    def value(self, value: Any) -> Any:
        if isinstance(value, Anonymous):
            return shown_name(value, self.audience, self.loc)
        if isinstance(value, BaseModel):
            return self.model(value)
        if isinstance(value, list):
            kept = [self.value(item) for item in value if not is_hidden(item, self.audience)]
            return [item for item in kept if item is not None]
        if isinstance(value, dict):
            kept = {key: self.value(item) for key, item in value.items() if not is_hidden(item, self.audience)}
            return {key: item for key, item in kept.items() if item is not None}
        return value

    def model(self, model: BaseModel) -> BaseModel | None:
        fields = type(model).model_fields
        left_out = set(model.restricted) if self.audience == "public" and isinstance(getattr(model, "restricted", None), list) else set()
        update: dict[str, Any] = {}
        for name, info in fields.items():
            child = getattr(model, name)
            if name in left_out or is_hidden(child, self.audience):  # a field, or an item held by one (the contact)
                update[name] = info.get_default(call_default_factory=True)
            elif name == "sources" and self.hidden_notes:
                update[name] = [note for note in child if note not in self.hidden_notes]
            elif name == "cases" and isinstance(model, Cases):
                update[name] = [case for case in child if case not in self.hidden_people]
            elif child is not None and not isinstance(child, (str, int, float, bool)):
                update[name] = self.value(child)
        if isinstance(model, Cases) and not update["cases"]:
            return None  # every profile it showed is restricted
        if isinstance(model, Chapter) and not update["blocks"]:
            return None  # every block of it is restricted
        if isinstance(model, Interview) and isinstance(model.interviewee, Anonymous) and model.title is None \
                and "title" not in left_out:
            update["title"] = _title_of_anonymous_interview(model.interviewee, self.loc)
        return model.model_copy(update=update)


def edition_view(brief: Brief, audience: str, lang: str) -> Brief:
    """``brief`` (localized into ``lang``) as an edition for ``audience`` shows it."""
    if audience not in AUDIENCES:
        raise ValueError(audience)
    loc = Localizer(lang)
    notes = {key for key, note in brief.footnotes.footnotes.items() if is_hidden(note, audience)}
    people = {p.id for p in (brief.prisoners.prisoners if brief.prisoners else ()) if is_hidden(p, audience)}
    walk = _Walk(audience, loc, notes, people)
    changes: dict[str, Any] = {}
    for stem in ("brief", *DATA_FILES):
        model = brief.model_of(stem)
        if model is not None:
            changes["document" if stem == "brief" else stem] = walk.model(model)
    doc = changes["document"]
    if getattr(doc, "overview", None):
        chapters = {chapter.id for chapter in [*doc.chapters, *doc.annexes]}
        changes["document"] = doc.model_copy(update={"overview": [o for o in doc.overview if o.chapter in chapters]})
    fields = {name: value for name, value in brief.__dict__.items() if name != "source_brief"}
    view = Brief(**{**fields, **changes})
    source = getattr(brief, "source_brief", None)
    if source is not None:  # what a passage shown in the source language draws its facts from: the same view
        view.source_brief = edition_view(source, audience, source.source_language)
    return view


@dataclass(frozen=True)
class RestrictedText:
    """One text a public edition must not contain, and where it is written."""

    text: str
    file: str          # file stem: "brief", "prisoners", …
    yaml_path: YamlPath


def _strings(value: Any, path: YamlPath, out: list[tuple[str, YamlPath]]) -> None:
    if isinstance(value, str):
        out.append((value, path))
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name not in NOT_TEXT:
                _strings(getattr(value, name), path + (name,), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _strings(item, path + (index,), out)
    elif isinstance(value, dict):
        for key, item in value.items():
            _strings(item, path + (key,), out)


def _restricted(value: Any, path: YamlPath, out: list[tuple[str, YamlPath]]) -> None:
    """Collect the strings of every restricted part under ``value``."""
    if isinstance(value, Anonymous):
        if value.name:
            out.append((value.name, path + ("name",)))
        return
    if isinstance(value, BaseModel):
        mark = getattr(value, "restricted", False)
        if mark is True:
            _strings(value, path, out)
            return
        for name in type(value).model_fields:
            child = getattr(value, name)
            if isinstance(mark, list) and name in mark:
                _strings(child, path + (name,), out)
            elif name != "text" or type(value).__name__ != "Paragraph":
                _restricted(child, path + (name,), out)
            else:
                _restricted(child, path, out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _restricted(item, path + (index,), out)
    elif isinstance(value, dict):
        for key, item in value.items():
            _restricted(item, path + (key,), out)


def restricted_strings(brief: Brief) -> list[RestrictedText]:
    """Every restricted text of ``brief`` (source or localized), with its position."""
    found: list[RestrictedText] = []
    for stem in ("brief", *DATA_FILES):
        model = brief.model_of(stem)
        if model is None:
            continue
        pairs: list[tuple[str, YamlPath]] = []
        _restricted(model, (), pairs)
        found += [RestrictedText(str(text), stem, path) for text, path in pairs if str(text).strip()]
    return found


def all_restricted_strings(brief: Brief, statuses: dict | None = None) -> list[RestrictedText]:
    """The restricted texts of ``brief`` in its source language and in each of its editions'
    (``statuses``: translation statuses already read, by language)."""
    from briefgen.editions.translations import edition_status, localize

    found = restricted_strings(brief)
    for lang in brief.document.editions:
        if lang != brief.source_language:
            status = (statuses or {}).get(lang) or edition_status(brief, lang)
            found += restricted_strings(localize(brief, lang, status))
    return found


def has_restricted(brief: Brief) -> bool:
    """Whether a restricted edition of ``brief`` differs from its public one: something is
    marked restricted, or an anonymous person's real name is given."""
    stack: list[Any] = [brief.model_of(stem) for stem in ("brief", *DATA_FILES)]
    while stack:
        value = stack.pop()
        if (isinstance(value, Item) and value.restricted) or (isinstance(value, Anonymous) and value.name):
            return True
        if isinstance(value, BaseModel):
            stack.extend(getattr(value, name) for name in type(value).model_fields)
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
    return False


def _anonymous_people(brief: Brief):
    """(file stem, YAML path, id or None, person) of every anonymous person whose real name is given."""
    doc = brief.document
    if isinstance(doc, Interview) and isinstance(doc.interviewee, Anonymous):
        yield "brief", ("interviewee",), None, doc.interviewee
    for stem, list_name in (("prisoners", "prisoners"), ("prosecuted", "people"), ("killed", "people")):
        for index, item in enumerate(getattr(brief.model_of(stem), list_name, None) or []):
            if isinstance(item.name, Anonymous):
                yield stem, (list_name, index, "name"), item.id, item.name


def identifying_names(brief: Brief) -> list[Problem]:
    """An anonymous person's real name in a file name (the brief's folder) or an id (which
    public editions and snapshots carry, in anchors and keys): each a problem at the name."""
    problems = []
    slug_words = set(brief.slug.casefold().split("-"))
    for stem, path, item_id, person in _anonymous_people(brief):
        if not person.name:
            continue
        words = {w for w in re.split(r"\W+", person.name.casefold()) if len(w) >= 3}
        for where, parts in (("the brief's folder name", slug_words), ("the id", set((item_id or "").split("-")))):
            found = sorted(words & parts)
            if found:
                problems.append(brief.problem(stem, path + ("name",),
                    f"{where} contains '{found[0]}' from this anonymous person's name, and public editions carry it "
                    "(file names, links, snapshots): rename it without the name"))
    return problems
