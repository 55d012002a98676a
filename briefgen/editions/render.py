"""Render step: one localized brief → one HTML document, for screen or for print.

The same Jinja templates serve both targets; they differ where the media
differ: footnotes are linked endnotes with back-links on screen and
``float: footnote`` elements at the foot of the page in print; the overview
shows page numbers (``target-counter``) in print and links on screen.
Autoescaping is on: content never becomes markup except through the
Markdown renderer, whose raw HTML is off.
"""

from __future__ import annotations

import base64
import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path

import jinja2
from markupsafe import Markup

from briefgen import TEMPLATES_DIR, workspace

from briefgen.editions import i18n

from briefgen.load import markup
from briefgen.editions.typeset import typeset
from briefgen.load.content import Brief, locate_resource
from briefgen.editions.door import Door, ResourceRefused
from briefgen.editions.languages import direction
from briefgen.errors import BriefgenError
from briefgen.load.model import Footnote
from briefgen.editions.resolve import Facts, FootnoteNumbering, Localizer, describe_sentence, text_html
from briefgen.editions.translations import EditionStatus

TARGETS = ("screen", "print")

#: Typographic quotation marks per language for the Markdown typographer.
QUOTES = {"en": "“”‘’", "ru": "«»„“", "de": "„“‚‘", "fr": ("«\u00a0", "\u00a0»", "‹\u00a0", "\u00a0›")}


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (Jinja's per-user cache folder in the system's
    temporary directory, keyed by each template's source): compiling them costs every
    build about 0.1 s. None where that folder cannot be made safely."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


@lru_cache(maxsize=None)
def environment(overrides: Path | None = None) -> jinja2.Environment:
    """The Jinja environment (created once per process and overrides folder): a workspace's
    ``templates/`` (``overrides``) first, then the built-in templates, file by file."""
    loaders = [jinja2.FileSystemLoader(str(overrides))] if overrides else []
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders + [jinja2.FileSystemLoader(str(TEMPLATES_DIR))]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["md"] = _md_filter
    env.filters["plain"] = lambda text: markup.plain(str(text)) if text else ""
    env.filters["css_string"] = css_string
    env.filters["text"] = text_html
    env.globals["lang_attr"] = lang_attr
    env.globals["language_name"] = i18n.language_name
    env.globals["translated_first"] = translated_first
    env.globals["direction"] = direction
    env.globals["withheld"] = lambda name: getattr(name, "withheld", False)  # an anonymous person, not named here
    env.globals["anonymous"] = lambda name: getattr(name, "anonymous", False)  # never in metadata
    env.globals["numeric_columns"] = numeric_columns
    return env


def build_time() -> str:
    """When this edition is made, as a W3C date-time (the PDF's creation date); a set
    ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) fixes it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = (_dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch.isdigit()
              else _dt.datetime.now(_dt.timezone.utc))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def translated_first(*texts):
    """The first of ``texts`` shown in the edition's language, else the first given: a running
    header cannot carry a ``lang``, so a translated short title is preferred to a title in the
    source language."""
    given = [text for text in texts if text]
    return next((text for text in given if not getattr(text, "fallback", False)), given[0] if given else "")


def css_string(value: str) -> Markup:
    """``value`` as a CSS string literal (quotes included): nothing in it can end the string,
    the rule or the ``<style>`` element."""
    out = []
    for char in str(value):
        if char in '\\"<>&' or ord(char) < 0x20 or 0x7f <= ord(char) < 0xa0:
            out.append(" " if char in "\r\n\t\f" else f"\\{ord(char):x} ")
        else:
            out.append(char)
    return Markup('"' + "".join(out) + '"')


#: A table cell that is a number: digits with group and decimal separators (in any language's
#: style), an optional sign, an optional per cent or per mille, and an amount's currency sign or
#: ISO code before or after it ("€49,118,000", "KGS 4,815,300,000", "4 815 300 000 KGS").
NUMBER = re.compile(r"[+\-\u2212]?(?:[$€£¥₽₸]\s?|[A-Z]{3}[\s\u00a0])?\d[\d\s,.'\u00a0\u202f]*"
                    r"(?:\s?[%‰$€£¥₽₸]|[\s\u00a0][A-Z]{3})?")


def numeric_columns(rows) -> list[bool]:
    """For each column of a table's rows: whether every filled cell is a number, so that the
    column is set right-aligned (digits under digits)."""
    columns = [[markup.plain(str(cell)) for cell in column] for column in zip(*rows)]
    return [any(column) and all(NUMBER.fullmatch(cell) for cell in column if cell) for column in columns]


def lang_attr(text) -> Markup:
    """` lang="en"` for a unit shown in another language than the edition's, else nothing."""
    if getattr(text, "fallback", False):
        return Markup(f' lang="{escape(text.lang)}"')
    return Markup("")


@jinja2.pass_context
def _md_filter(context, text) -> Markup:
    if text is None:
        return Markup("")
    state: RenderState = context["_state"]
    return state.inline(text)


@dataclass
class RenderState(markup.InlineContext):
    """What the templates need while rendering one edition for one target."""

    brief: Brief
    lang: str
    target: str
    loc: Localizer
    facts: Facts
    numbering: FootnoteNumbering = field(default_factory=FootnoteNumbering)
    door: Door | None = None
    #: while a unit shown in the source language is rendered: its facts, in that language
    speaking: Facts | None = None

    def inline(self, text) -> Markup:
        """A text unit as HTML. A unit that fell back to the source language is rendered entirely
        as source-language text: its placeholders (dates, counts, plurals, name lists) from the
        untranslated data in that language, its quotation marks that language's, in an element
        carrying its ``lang``."""
        if getattr(text, "fallback", False) and self.speaking is None:
            source = getattr(self.brief, "source_brief", self.brief)
            self.speaking = Facts(source, Localizer(text.lang))
            try:
                html = markup.render(str(text), self, quotes=QUOTES.get(text.lang))
            finally:
                self.speaking = None
            return Markup(f'<span lang="{escape(text.lang)}" class="untranslated">{html}</span>')
        return Markup(markup.render(str(text), self, quotes=QUOTES.get(self.speaking.loc.lang if self.speaking else self.lang)))

    def footnote_call(self, footnote_id: str) -> str:
        if footnote_id not in self.brief.footnotes.footnotes:
            return ""  # a restricted note, left out of this public edition with its call and its number
        number, first = self.numbering.call(footnote_id)
        if self.target == "print":
            if first:
                # the note belongs to the edition, even when called from a passage in the source language
                speaking, self.speaking = self.speaking, None
                try:
                    body = self.footnote_body(footnote_id)
                finally:
                    self.speaking = speaking
                lang = f' lang="{escape(self.lang)}"' if speaking else ""
                return f'<span class="footnote" id="fn-{number}"{lang} data-note="{escape(footnote_id)}">{body}</span>'
            return f'<sup class="footnote-repeat"><a href="#fn-{number}">{number}</a></sup>'
        anchor = f'fnref-{number}' if first else f'fnref-{number}-{footnote_id}-{id(object())}'
        label = escape(self.loc.gettext("Note %(number)s") % {"number": number})
        return (f'<sup class="fn-call"><a href="#fn-{number}" id="{anchor}" role="doc-noteref" '
                f'aria-label="{label}">{number}</a></sup>')

    def placeholder(self, name: str) -> str:
        return str((self.speaking or self.facts).value(name))

    def footnote_body(self, footnote_id: str) -> Markup:
        note: Footnote = self.brief.footnotes.footnotes[footnote_id]
        parts = []
        if note.note:
            parts.append(str(self.inline(note.note)))
        source = []
        if note.publisher:
            source.append(str(self.inline(note.publisher)))
        if note.title:
            source.append(f"<cite>{self.inline(note.title)}</cite>")
        if note.date:
            source.append(escape(self.loc.date(note.date)))
        if source:
            parts.append(", ".join(source))
        for url in ([note.url] if note.url else []) + list(note.urls):
            parts.append(f'<a class="url" href="{escape(url)}">{escape(url)}</a>')
        return Markup(_join_sentences(parts))

    def image_src(self, name: str) -> str:
        """Where an image block's file is found: a data: URI on screen (the HTML stays one
        self-contained file), the reference as written in print (served by the PDF's URL
        fetcher). Both go through the one :class:`~briefgen.editions.door.Door`."""
        if self.target == "print":
            return name
        door = self.door or Door([self.brief.root])
        try:
            return door.image(name, self.brief.root).data_uri()
        except ResourceRefused as error:
            problem = locate_resource(self.brief, name, str(error))
            raise (BriefgenError(problems=[problem]) if problem else BriefgenError(str(error))) from None

    def sentence(self, sentence) -> str:
        return describe_sentence(sentence, self.loc)

    def status(self, status: str) -> str:
        return self.loc.status(status)


def _join_sentences(parts: list[str]) -> str:
    """Note, source and URLs of a footnote joined into one run of text."""
    out = ""
    for part in parts:
        if out:
            if part.startswith('<a class="url"'):
                out += "; " if out.endswith("</a>") else " " if out.rstrip().endswith((".", ":", ";")) else ": "
            else:
                out += " " if out.rstrip().endswith((".", ":", ";")) else ". "
        out += part
    return out


def render_html(brief: Brief, lang: str, status: EditionStatus, target: str, editions: list[str],
                door: Door | None = None, available: dict[str, dict] | None = None, restricted: bool = False) -> str:
    """The HTML document of ``brief`` (already localized into ``lang`` and made the view of
    one audience, see briefgen/editions/audience.py) for ``target``; images come through ``door``
    (by default one serving the brief's folder). ``restricted`` marks a restricted edition
    that differs from the public one: it says so at its top.

    ``available`` says which other editions exist ({code: {"complete": bool, "html": bool}}):
    only those are listed ("also available in", the language switcher), a partial one is
    marked as such, and only an HTML file that exists is linked. Without it every edition
    of ``editions`` is taken as built and complete."""
    if target not in TARGETS:
        raise ValueError(target)
    loc = Localizer(lang)
    state = RenderState(brief=brief, lang=lang, target=target, loc=loc, facts=Facts(brief, loc), door=door)
    current = workspace.active()
    env = environment(current.templates_dir)
    translations = loc.translations
    template = env.get_template(f"{brief.document.kind}.html.j2")
    # install_gettext_callables binds the edition's catalog for this render only
    env.install_gettext_translations(translations, newstyle=True)
    fallback_units = [u for u in status.units if u.state != "translated"] if not status.source else []
    html = template.render(
        _state=state,
        brief=brief,
        doc=brief.document,
        lang=lang,
        target=target,
        loc=loc,
        facts=state.facts,
        numbering=state.numbering,
        editions=listed_editions(brief.slug, lang, editions, available, loc),
        source_language_name=i18n.language_name(brief.source_language, lang),
        fallback_count=len(fallback_units),
        built=build_time(),
        restricted_edition=restricted,
        fallback_chapters=fallback_chapters(brief, fallback_units),
        page_label=css_counter_label(loc.gettext("Page %(page)s of %(pages)s")),
        page_ref_label=css_counter_label(loc.gettext("page %(page)s").replace(" ", "\u00a0"), target="attr(href)"),
        **brand_context(current, door, lang, target),
    )
    # non-breaking spaces, unbreakable URLs, calls: the same rules for every text of the edition
    return typeset(html, lang, target)


def listed_editions(slug: str, lang: str, editions: list[str], available: dict[str, dict] | None,
                    loc: Localizer) -> list[tuple[str, str, str | None]]:
    """(code, name, link or None) of this edition and the other editions that exist; a partial
    one's name says so, in this edition's language."""
    listed = []
    for code in editions:
        facts = {"complete": True, "html": True} if available is None or code == lang else available.get(code)
        if not facts:
            continue  # not built: never named, never linked
        name = Markup(escape(i18n.language_name(code)))
        if not facts.get("complete", True):  # said in this edition's language, inside the other's name
            name += Markup(f' <span lang="{escape(lang)}">{escape(loc.gettext("(partly translated)"))}</span>')
        listed.append((code, name, f"{slug}.{code}.html" if facts.get("html") else None))
    return listed


def fallback_chapters(brief: Brief, units) -> list[tuple[str, object]]:
    """(id, title) of the chapters and annexes holding passages shown in the source language, in order."""
    wanted = {item.unit.key.split("/")[1] for item in units
              if item.unit.key.startswith(("brief:chapters/", "brief:annexes/"))}
    chapters = [*getattr(brief.document, "chapters", []), *getattr(brief.document, "annexes", [])]
    return [(chapter.id, chapter.title) for chapter in chapters if chapter.id in wanted]


def brand_context(current: workspace.Workspace, door: Door | None = None, lang: str = "en",
                  target: str = "print") -> dict:
    """What the templates receive of the workspace's brand: ``brand``, ``brand_logo`` (the
    logo as a ``data:`` URI, checked like an image block's image by the door), the families
    of an edition in ``lang`` (``base_stack``, ``headings_stack``) and where each font file
    is found (``font_src``: its ``file:`` URL, which WeasyPrint fetches through the door, in
    print; the file itself as a ``data:`` URL on screen, so the HTML stays one file)."""
    from briefgen.workspace.brand import cached_brand

    brand = cached_brand(current)
    logo = None
    if brand.logo:
        try:
            logo = (door or Door(brand.files)).image(str(brand.logo), current.root).data_uri()
        except ResourceRefused as error:
            raise BriefgenError(f"{brand.file}: logo: {error}") from None
    base_stack, headings_stack = brand.stacks_for(lang)
    font_src = {}
    for faces in brand.fonts.values():
        for face in faces:
            if target == "print":
                font_src[face.path] = face.path.as_uri()
            else:
                body = (door or Door(brand.files)).open_file(face.path).body
                kind = face.path.suffix.lower().lstrip(".")
                font_src[face.path] = f"data:font/{kind};base64,{base64.b64encode(body).decode('ascii')}"
    return {"brand": brand, "brand_logo": logo, "base_stack": base_stack, "headings_stack": headings_stack,
            "font_src": font_src}


def css_counter_label(label: str, target: str | None = None) -> Markup:
    """A translated "Page %(page)s of %(pages)s" as a CSS ``content`` value with counters."""
    page = f"target-counter({target}, page)" if target else "counter(page)"
    out, rest = [], label
    while rest:
        positions = [(rest.find(token), token) for token in ("%(page)s", "%(pages)s") if token in rest]
        if not positions:
            out.append(str(css_string(rest)))
            break
        index, token = min(positions)
        if index:
            out.append(str(css_string(rest[:index])))
        out.append(page if token == "%(page)s" else "counter(pages)")
        rest = rest[index + len(token):]
    return Markup(" ".join(out))
