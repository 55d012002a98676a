"""Inline Markdown of text units, with footnote calls and data placeholders.

One markdown-it-py parser (CommonMark, raw HTML off) with two inline rules
of ours:

* ``[^id]`` — a footnote call, rendered by the caller (a number linking to an
  endnote on screen, a ``float: footnote`` element in print);
* ``{collection.field}`` — a fact derived from the data, rendered by the caller.

``scan`` lists both without rendering, for validation; ``render`` turns a
text into safe HTML, asking ``InlineContext`` for calls and placeholders.

Text is never a door to files or the network: raw HTML is shown as text,
links lead only to ``https://``, ``http://``, ``mailto:`` or ``#id`` (others
stay text), and Markdown images ``![alt](src)`` render as their alt text —
nothing a text says is ever fetched. Validation refuses both with a position
(``scan`` sees every link and image, allowed or not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline

#: ``[^id]``; an id holds no '[' and is at most 200 characters, so that scanning ``[^x[^x[^x…``
#: stays linear (an unbounded id made `check` quadratic: 13.5 s for 60 KB)
FOOTNOTE_CALL = re.compile(r"\[\^([^\]\s\[]{1,200})\]")
PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z0-9_-]+)+)\}")
SAFE_LINK = re.compile(r"(?i)(https?://[^\s<>\"]+|mailto:[^\s<>\"]+|#[A-Za-z0-9_-]+)")


def safe_link(url: str) -> bool:
    """Whether a link may lead to ``url``: a web address, an email address or an anchor."""
    return bool(SAFE_LINK.fullmatch(url.strip()))


def _image_as_text(self, tokens, idx, options, env) -> str:
    """A Markdown image in text shows its alt text: text never makes a resource load."""
    return escapeHtml(self.renderInlineAsText(tokens[idx].children or [], options, env))


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
def parser(typographer_quotes: str | None = None, *, scanning: bool = False) -> MarkdownIt:
    """The shared parser; ``typographer_quotes`` sets the language's quotation marks.

    The scanning parser accepts every link target so that validation can name
    the ones the rendering parser refuses (which it leaves as text)."""
    options = {"html": False, "linkify": False, "typographer": bool(typographer_quotes)}
    if typographer_quotes:
        options["quotes"] = typographer_quotes
    md = MarkdownIt("commonmark", options)
    md.validateLink = (lambda url: True) if scanning else safe_link
    md.add_render_rule("image", _image_as_text)
    if typographer_quotes:
        md.enable(["replacements", "smartquotes"])
    md.inline.ruler.before("link", "footnote_call", _footnote_call_rule)
    md.inline.ruler.before("emphasis", "placeholder", _placeholder_rule)
    md.add_render_rule("footnote_call", lambda self, tokens, idx, options, env: env["context"].footnote_call(tokens[idx].meta["id"]))
    md.add_render_rule("placeholder", lambda self, tokens, idx, options, env: env["context"].placeholder(tokens[idx].meta["name"]))
    return md


@dataclass
class Scan:
    """The footnote calls, placeholders, links and images found in one text."""

    footnotes: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    too_much: str | None = None    # why the text is too much to lay out (limits.py)

    @property
    def unsafe_links(self) -> list[str]:
        return [link for link in self.links if not safe_link(link)]


@lru_cache(maxsize=8192)
def scan(text: str) -> Scan:
    """Find the footnote calls, placeholders and link targets of ``text`` in order (remembered:
    validation and the translation checks scan the same source texts; treat the result as read-only)."""
    from briefgen.load.limits import MAX_INLINE_MARKS, inline_problem

    found = Scan()
    if text.count("[") > 2 * MAX_INLINE_MARKS:  # each unclosed '[' makes the parser look ahead to the end
        found.too_much = (f"{text.count('['):,} '[' in one text, more than links and footnote calls need: "
                          "split the paragraph")
        return found
    tokens = parser(scanning=True).parseInline(text, {})
    found.too_much = inline_problem(tokens)
    for token in tokens:
        for child in token.children or ():
            if child.type == "footnote_call":
                found.footnotes.append(child.meta["id"])
            elif child.type == "placeholder":
                found.placeholders.append(child.meta["name"])
            elif child.type == "link_open":
                found.links.append(child.attrGet("href") or "")
            elif child.type == "image":
                found.images.append(child.attrGet("src") or "")
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
