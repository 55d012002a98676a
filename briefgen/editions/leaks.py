"""The proof that a public edition holds no restricted text.

Every public edition's HTML (the screen page, and the print HTML a PDF is laid out from)
is searched before anything of the build is written, and each public PDF once written:
the HTML's text, attribute values (alt text, titles) and meta elements; the PDF's text
(pdftotext: the page text a reader copies) and its metadata (title, author, subject,
keywords, XMP). Each is searched for every restricted text of the brief (see
briefgen/editions/audience.py), in the source language and in the edition's. Any hit is an error
at the restricted text's line (and a PDF that holds one is removed): a restricted text
also written in a public place (a phone number marked restricted in the contact, and
repeated in a paragraph) is caught here, whatever path it took.

Texts are compared after the typography both outputs apply (quotation marks, dashes,
no-break and soft hyphens, hyphenation at line ends, case). A long text is searched as
overlapping runs of eight words, so that one that crosses a page break in the PDF (where
running headers and footnotes come between its parts) is still found.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from briefgen.load import markup

#: Words per searched run of a long restricted text.
RUN_WORDS = 8
#: Restricted texts shorter than this (after normalising) are not searched: "5" or "No" would be found anywhere.
MIN_CHARS = 3

_QUOTES = str.maketrans({c: "'" for c in "\"“”„‟«»‹›‘’‚‛`´"} | {c: "-" for c in "‐‑‒–—―−"}
                        | {c: " " for c in "\u00a0\u202f\u2007\u2009\u200a"} | {c: "" for c in "\u00ad\u200b\u200c\u200d\u2060"})
_PLACEHOLDER = re.compile(r"\{[a-z_.]+\}")


def normalize(text: str) -> str:
    """``text`` as compared: NFKC, one kind of quote and dash, no soft hyphens, single spaces, case-folded."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip().casefold()


def needles(text: str) -> list[str]:
    """What to search for one restricted text: the whole (if short) or runs of RUN_WORDS words."""
    found = []
    for part in _PLACEHOLDER.split(markup.plain(text) if text else ""):  # a placeholder is filled in differently
        words = normalize(part).split(" ")
        if len(words) <= RUN_WORDS:
            found.append(" ".join(words))
        else:
            step = RUN_WORDS // 2
            found += [" ".join(words[i:i + RUN_WORDS]) for i in range(0, len(words) - RUN_WORDS + step, step)]
    return [n.strip(" .,;:") for n in found if len(n.strip(" .,;:")) >= MIN_CHARS]


def html_text(source: str) -> str:
    """The text of an HTML document with its attribute values (alt, title, content of meta)."""
    # inlined images (data: URIs) are no text: a short name could be found by chance in megabytes of base64
    attributes = " ".join(html.unescape(value) for value in re.findall(r'=\s*"([^"]*)"', source)
                          if not value.startswith("data:"))
    body = re.sub(r"<style\b.*?</style>", " ", source, flags=re.S | re.I)
    # inline elements end in the middle of a word ("<strong>Ab</strong>c"): only block ends make a space
    body = re.sub(r"</?(p|div|li|td|th|tr|h\d|br|section|header|footer|nav|aside|title|meta)\b[^>]*>", " ", body, flags=re.I)
    body = re.sub(r"<[^>]+>", "", body)
    return html.unescape(body) + " " + attributes


def pdf_text(path: Path) -> str:
    """The text of a PDF: its pages (poppler's pdftotext, else pypdf) and its metadata."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = ""
    if shutil.which("pdftotext"):
        pages = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                               timeout=120).stdout.decode("utf-8", "replace")
    else:
        pages = "\n".join(page.extract_text() or "" for page in reader.pages)
    meta = " ".join(str(value) for value in (reader.metadata or {}).values())
    xmp = reader.trailer["/Root"].get("/Metadata")
    if xmp is not None:
        meta += " " + re.sub(r"<[^>]+>", " ", xmp.get_object().get_data().decode("utf-8", "replace"))
    return pages + "\n" + meta


#: A line end inside an address: after "@" or "/", before ".", "-", "_", "?", "#", "&", "=" or "%"
#: (where typeset.py lets an e-mail address or a URL break in print).
ADDRESS_BREAK = re.compile(r"(?<=[@/])[ \t]*\n\s*|[ \t]*\n\s*(?=[.\-_?#&=%][\w%])")


def _searchable(raw: str) -> str:
    """Three forms of a text, normalised: hyphenated words at line ends joined, line ends as
    spaces (a hyphenated name "Ab-\\nc" or a compound "banking-\\nsector"), and addresses
    broken across lines joined ("jan@\\nexample.org")."""
    joined = re.sub(r"[-\u2010\u00ad]\s*\n\s*", "", raw)
    return normalize(raw) + " \n " + normalize(joined) + " \n " + normalize(ADDRESS_BREAK.sub("", raw))


def output_text(path: Path) -> str:
    """The searchable text of a written output (HTML or PDF)."""
    path = Path(path)
    return _searchable(pdf_text(path) if path.suffix == ".pdf" else html_text(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Leak:
    text: str      # the restricted text (as written)
    found: str     # the part of it found in the output


def search(hay: str, texts: list[str]) -> list[Leak]:
    """The restricted ``texts`` of which some part is in ``hay`` (from :func:`output_text`)."""
    leaks = []
    for text in dict.fromkeys(texts):
        for needle in needles(text):
            # a plain search first (fast), then whole words only ("Zeta" is not found in "Zetas")
            if needle in hay and re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", hay):
                leaks.append(Leak(text, needle))
                break
    return leaks


def find_leaks(path: Path, texts: list[str]) -> list[Leak]:
    """The restricted ``texts`` of which some part is in the output written at ``path``."""
    return search(output_text(path), texts)


def html_leaks(source: str, texts: list[str]) -> list[Leak]:
    """The restricted ``texts`` of which some part is in an HTML document not yet written."""
    return search(_searchable(html_text(source)), texts)


def text_leaks(text: str, texts: list[str]) -> list[Leak]:
    """The restricted ``texts`` of which some part is in a plain text (a snapshot, an email)."""
    return search(_searchable(text), texts)


def leak_problems(brief, leaks: list[Leak], restricted, where: str) -> list:
    """One problem per leak, at the restricted text's line (``restricted``: the brief's
    :class:`~briefgen.editions.audience.RestrictedText` items; ``where``: what would have held it)."""
    first: dict = {}
    for item in restricted:
        first.setdefault(item.text, item)
    return [brief.problem(first[leak.text].file, first[leak.text].yaml_path,
                          f"restricted text \"{leak.text if len(leak.text) <= 80 else '…' + leak.found + '…'}\" "
                          f"would be in {where}: it is also written in a public "
                          "place (another field, a text, a translation) — remove it there, or mark that place "
                          "restricted too")
            for leak in leaks]
