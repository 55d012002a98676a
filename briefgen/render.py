"""Render step: one localized brief → one HTML document, for screen or for print.

The same Jinja templates serve both targets; they differ where the media
differ: footnotes are linked endnotes with back-links on screen and
``float: footnote`` elements at the foot of the page in print; the overview
shows page numbers (``target-counter``) in print and links on screen.
Autoescaping is on: content never becomes markup except through the
Markdown renderer, whose raw HTML is off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

import jinja2
from markupsafe import Markup

from briefgen import TEMPLATES_DIR, i18n, markup
from briefgen.typeset import typeset
from briefgen.content import Brief, locate_resource
from briefgen.door import Door, ResourceRefused
from briefgen.errors import BriefgenError
from briefgen.model import Footnote
from briefgen.resolve import Facts, FootnoteNumbering, Localizer, describe_sentence, text_html
from briefgen.translations import EditionStatus

TARGETS = ("screen", "print")

#: Typographic quotation marks per language for the Markdown typographer.
QUOTES = {"en": "“”‘’", "ru": "«»„“", "de": "„“‚‘", "fr": ["« ", " »", "‹ ", " ›"]}


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (Jinja's per-user cache folder in the system's
    temporary directory, keyed by each template's source): compiling them costs every
    build about 0.1 s. None where that folder cannot be made safely."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


@lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    """The Jinja environment (created once per process)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
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
    env.globals["numeric_columns"] = numeric_columns
    return env


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
#: style), an optional sign or currency, an optional per cent or per mille.
NUMBER = re.compile(r"[+\-\u2212]?[$€£¥₽₸]?\s?\d[\d\s,.'\u00a0\u202f]*(\s?[%‰])?")


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

    def inline(self, text) -> Markup:
        html = markup.render(str(text), self, quotes=QUOTES.get(self.lang))
        if getattr(text, "fallback", False):
            return Markup(f'<span lang="{escape(text.lang)}" class="untranslated">{html}</span>')
        return Markup(html)

    def footnote_call(self, footnote_id: str) -> str:
        number, first = self.numbering.call(footnote_id)
        if self.target == "print":
            if first:
                body = self.footnote_body(footnote_id)
                return f'<span class="footnote" id="fn-{number}" data-note="{escape(footnote_id)}">{body}</span>'
            return f'<sup class="footnote-repeat"><a href="#fn-{number}">{number}</a></sup>'
        anchor = f'fnref-{number}' if first else f'fnref-{number}-{footnote_id}-{id(object())}'
        label = escape(self.loc.gettext("Note %(number)s") % {"number": number})
        return (f'<sup class="fn-call"><a href="#fn-{number}" id="{anchor}" role="doc-noteref" '
                f'aria-label="{label}">{number}</a></sup>')

    def placeholder(self, name: str) -> str:
        return str(self.facts.value(name))

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
        fetcher). Both go through the one :class:`~briefgen.door.Door`."""
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
                door: Door | None = None) -> str:
    """The HTML document of ``brief`` (already localized into ``lang``) for ``target``;
    images come through ``door`` (by default one serving the brief's folder)."""
    if target not in TARGETS:
        raise ValueError(target)
    loc = Localizer(lang)
    state = RenderState(brief=brief, lang=lang, target=target, loc=loc, facts=Facts(brief, loc), door=door)
    env = environment()
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
        editions=[(code, i18n.language_name(code), f"{brief.slug}.{code}.html") for code in editions],
        source_language_name=i18n.language_name(brief.source_language, lang),
        fallback_count=len(fallback_units),
        page_label=css_counter_label(loc.gettext("Page %(page)s of %(pages)s")),
        page_ref_label=css_counter_label(loc.gettext("page %(page)s").replace(" ", "\u00a0"), target="attr(href)"),
    )
    # non-breaking spaces, unbreakable URLs, calls: the same rules for every text of the edition
    return typeset(html, lang, target)


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
