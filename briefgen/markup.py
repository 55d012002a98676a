"""Inline Markdown of text units, with footnote calls and data placeholders.

One markdown-it-py parser (CommonMark, raw HTML off) with two inline rules
of ours:

* ``[^id]`` — a footnote call, rendered by the caller (a number linking to an
  endnote on screen, a ``float: footnote`` element in print);
* ``{collection.field}`` — a fact derived from the data, rendered by the caller.

``scan`` lists both without rendering, for validation; ``render`` turns a
text into safe HTML, asking ``InlineContext`` for calls and placeholders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

FOOTNOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")
PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z0-9_-]+)+)\}")


def _footnote_call_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[^", state.pos):
        return False
    match = FOOTNOTE_CALL.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("footnote_call", "", 0)
        token.meta = {"id": match[1]}
    state.pos = match.end()
    return True


def _placeholder_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "{":
        return False
    match = PLACEHOLDER.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("placeholder", "", 0)
        token.meta = {"name": match[1]}
    state.pos = match.end()
    return True


class InlineContext(Protocol):
    """What rendering needs from the caller."""

    def footnote_call(self, footnote_id: str) -> str:
        """HTML of a call to footnote ``footnote_id``."""

    def placeholder(self, name: str) -> str:
        """HTML of the derived fact ``name`` (already escaped)."""


@lru_cache(maxsize=None)
def parser(typographer_quotes: str | None = None) -> MarkdownIt:
    """The shared parser; ``typographer_quotes`` sets the language's quotation marks."""
    options = {"html": False, "linkify": False, "typographer": bool(typographer_quotes)}
    if typographer_quotes:
        options["quotes"] = typographer_quotes
    md = MarkdownIt("commonmark", options)
    if typographer_quotes:
        md.enable(["replacements", "smartquotes"])
    md.inline.ruler.before("link", "footnote_call", _footnote_call_rule)
    md.inline.ruler.before("emphasis", "placeholder", _placeholder_rule)
    md.add_render_rule("footnote_call", lambda self, tokens, idx, options, env: env["context"].footnote_call(tokens[idx].meta["id"]))
    md.add_render_rule("placeholder", lambda self, tokens, idx, options, env: env["context"].placeholder(tokens[idx].meta["name"]))
    return md


@dataclass
class Scan:
    """The footnote calls, placeholders and links found in one text."""

    footnotes: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def scan(text: str) -> Scan:
    """Find the footnote calls, placeholders and link targets of ``text`` in order."""
    found = Scan()
    for token in parser().parseInline(text, {}):
        for child in token.children or ():
            if child.type == "footnote_call":
                found.footnotes.append(child.meta["id"])
            elif child.type == "placeholder":
                found.placeholders.append(child.meta["name"])
            elif child.type == "link_open":
                found.links.append(child.attrGet("href") or "")
    return found


def render(text: str, context: InlineContext, quotes: str | None = None) -> str:
    """``text`` (inline Markdown) as safe HTML."""
    return parser(quotes).renderInline(text, {"context": context})


def plain(text: str) -> str:
    """``text`` without Markdown markup, calls or placeholders (for metadata and bookmarks)."""
    text = FOOTNOTE_CALL.sub("", text)
    out = []
    for token in parser().parseInline(text, {}):
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                out.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                out.append(" ")
            elif child.type == "placeholder":
                out.append("{" + child.meta["name"] + "}")
    return "".join(out).strip()
