"""The gettext files of a brief's translations, written so that gettext's own tools accept them.

``content/<slug>/translations/`` holds

* ``<slug>.pot`` — the template: every text unit of the source language, no
  translation (the GNU layout ``po/<domain>.pot``, with the brief's slug as
  the domain). Weblate's "Template for new translations" and Poedit's "New
  from POT/PO file" start from it;
* ``<lang>.po`` — one catalog per language: ``msgctxt`` is the unit's stable
  key, ``msgid`` the source text, ``msgstr`` the translation.

Files are read and written with polib, which gives exact control of what is
written: no format flags on content units (a unit such as "80% of" is not a
``python-format`` string; briefgen checks placeholders itself), previous
msgids of fuzzy units written as ``#| msgid`` comments line by line, a fixed
wrapping width, units in the order of the source files, obsolete ones last.
Every file passes ``msgfmt -c``. Writing is stable: a file whose messages did
not change is not written at all, so its header dates stay as they are and
``briefgen i18n update`` run twice leaves git clean.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from pathlib import Path

import polib
from babel.messages.catalog import Catalog

from briefgen.load.content import TRANSLATIONS_DIR
from briefgen.errors import BriefgenError, Problem, display_path
from briefgen.editions.output import write_atomic
from briefgen.load.safefile import FileRefused, read_bounded

#: Width at which long messages are wrapped (Poedit's and msgmerge's default is 79).
WRAP_WIDTH = 79
#: A briefgen key: the file stem, a colon, the path ("brief:chapters/x/blocks/3/text").
KEY = re.compile(r"(brief|footnotes|prisoners|prosecuted|killed|sanctions|recommendations):\S+")
DATE_FORMAT = "%Y-%m-%d %H:%M%z"
#: Header values gettext tools treat as "never filled in" (msgfmt -c warns about them).
PLACEHOLDER_VALUES = ("YEAR-MO-DA HO:MI+ZONE", "FULL NAME <EMAIL@ADDRESS>", "EMAIL@ADDRESS")


def catalog_path(root: Path, lang: str) -> Path:
    """The catalog of ``lang`` for the brief in folder ``root``."""
    return Path(root) / TRANSLATIONS_DIR / f"{lang}.po"


def template_path(root: Path) -> Path:
    """The brief's template (``translations/<slug>.pot``)."""
    root = Path(root)
    return root / TRANSLATIONS_DIR / f"{root.name}.pot"


#: A catalog is read whole; the sample's Russian one is about 60 KB.
MAX_CATALOG_BYTES = 20 * 1024 * 1024


def read(path: Path, root: Path | None = None) -> polib.POFile | None:
    """The PO (or POT) file at ``path``, or None if there is none; a malformed one is a positioned
    error. With ``root`` (the brief's folder) it must lie inside it; it must be a regular file,
    read with a bound on the bytes read (safefile.py)."""
    path = Path(path)
    if not os.path.lexists(path):
        return None
    try:
        text = read_bounded(path, root, MAX_CATALOG_BYTES).decode("utf-8")
    except FileRefused as refusal:
        raise BriefgenError(problems=[Problem(display_path(path), 1, 1, "", f"this catalog {refusal}")]) from None
    except OSError as error:
        raise BriefgenError(problems=[Problem(display_path(path), 1, 1, "", f"cannot read catalog: {error.strerror}")]) from None
    except UnicodeDecodeError as error:
        raise BriefgenError(problems=[Problem(display_path(path), 1, 1, "", f"cannot read catalog: not UTF-8 ({error.reason}) — save it as UTF-8")]) from None
    problems = syntax_problems(text, display_path(path))
    if problems:
        raise BriefgenError(problems=problems)
    try:
        return polib.pofile(text, wrapwidth=WRAP_WIDTH)
    except (OSError, ValueError) as error:
        found = re.search(r"line (\d+)", str(error))
        raise BriefgenError(problems=[Problem(display_path(path), int(found[1]) if found else 1, 1, "",
                                              f"malformed PO file: {error}")]) from None


#: A line of a PO file outside comments: a keyword and a C string, or a string continuing the last one.
PO_LINE = re.compile(r'(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+)?"(?:[^"\\]|\\.)*"\s*')


def syntax_problems(text: str, shown: str) -> list[Problem]:
    """Lines gettext's tools would refuse (an unterminated string, an unknown keyword) — polib
    reads some of them silently, so they are checked here, each at its line."""
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        # previous (#|) and obsolete (#~) messages are read by gettext's tools too
        stripped = re.sub(r"^#(?:~\s*\|?|\|)\s*", "", stripped) if re.match(r"#[~|]", stripped) else stripped
        if not stripped or stripped.startswith("#") or PO_LINE.fullmatch(stripped):
            continue
        what = "a string that does not end on its line" if stripped.count('"') % 2 or '"' not in stripped[-1:] else "a line gettext cannot read"
        problems.append(Problem(shown, number, 1, "", f"malformed PO file: {what}: {stripped[:60]!r} — write "
                                "msgid/msgstr \"…\" with each line a whole quoted string (msgfmt -c shows the same)"))
    return problems


def is_key(context: str | None) -> bool:
    """Whether ``context`` is a briefgen unit key (conversion tools may drop or replace it)."""
    return bool(context and KEY.fullmatch(context))


def live(catalog: polib.POFile | None) -> list[polib.POEntry]:
    """The catalog's messages that are not obsolete and not the header."""
    return [e for e in catalog if not e.obsolete and e.msgid] if catalog is not None else []


def plural_forms(lang: str) -> str:
    """The ``Plural-Forms`` header value of ``lang`` (from CLDR, as Babel writes it)."""
    from babel.core import UnknownLocaleError

    from briefgen.editions.languages import babel_id

    try:
        return Catalog(locale=babel_id(lang)).plural_forms
    except (ValueError, UnknownLocaleError):
        return "nplurals=2; plural=(n != 1);"


def _header(slug: str, lang: str, plurals: bool, old: polib.POFile | None, now: str) -> dict[str, str]:
    """The header, keeping what translators' tools wrote into the old one (revision date, translator, team)."""
    kept = dict(old.metadata) if old is not None else {}

    def keep(name: str, default: str) -> str:
        value = kept.get(name, "")
        return value if value and value not in PLACEHOLDER_VALUES and not value.endswith("<LL@li.org>") else default

    header = {
        "Project-Id-Version": slug,
        "Report-Msgid-Bugs-To": keep("Report-Msgid-Bugs-To", ""),
        "POT-Creation-Date": keep("POT-Creation-Date", now),
        "PO-Revision-Date": keep("PO-Revision-Date", now),
        "Last-Translator": keep("Last-Translator", ""),
        "Language-Team": keep("Language-Team", ""),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    header["Language"] = lang
    if plurals:
        header["Plural-Forms"] = plural_forms(lang)
    header["X-Generator"] = keep("X-Generator", "briefgen")
    # fields a translator's tool added (X-Poedit-*, X-Crowdin-*, …) stay, in their order
    header.update((name, value) for name, value in kept.items() if name.startswith("X-") and name not in header)
    return header


def write(path: Path, slug: str, lang: str, entries: list[polib.POEntry], old: polib.POFile | None,
          comment: str, *, template: bool = False) -> bool:
    """Write ``entries`` as a PO file (a POT if ``template``, whose Language is the source language:
    an empty one is a ``msgfmt -c`` warning) if they differ from ``old``'s; return whether the file
    was written. The creation date changes only when the messages do."""
    now = _dt.datetime.now(_dt.timezone.utc).strftime(DATE_FORMAT)

    def render(header_date: str | None) -> str:
        catalog = polib.POFile(wrapwidth=WRAP_WIDTH, check_for_duplicates=False)
        catalog.header = comment
        catalog.metadata = _header(slug, lang, not template, old, now)
        if header_date:
            catalog.metadata["POT-Creation-Date"] = header_date
        for entry in entries:
            catalog.append(entry)
        return str(catalog)

    if old is not None:
        previous = Path(path).read_text(encoding="utf-8") if Path(path).is_file() else ""
        same = render(None)
        if same == previous:
            return False
        if _body(same) == _body(previous):
            text = same  # only the header was tidied (placeholder values, a missing field)
        else:
            text = render(now)
    else:
        text = render(now)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_atomic(Path(path), text.encode("utf-8"))
    return True


def _body(text: str) -> str:
    """A PO file's text after its header entry (messages only)."""
    return text.split("\n\n", 1)[1] if "\n\n" in text else ""


def entry(unit_text: str, key: str, occurrence: tuple[str, int], previous: polib.POEntry | None = None,
          *, template: bool = False) -> polib.POEntry:
    """The message of one unit, carrying over ``previous``'s translation, translator comment and state:
    a changed source makes it fuzzy, with the source it was translated from as the previous msgid."""
    new = polib.POEntry(msgctxt=key, msgid=unit_text, msgstr="", occurrences=[(occurrence[0], str(occurrence[1]))])
    if template or previous is None or not previous.msgstr:
        return new
    new.msgstr = previous.msgstr
    new.tcomment = previous.tcomment
    if previous.fuzzy and not previous.previous_msgid:  # a translator's own doubt: it stays
        new.flags = ["fuzzy"]
        new.previous_msgid = previous.msgid if previous.msgid != unit_text else None
        return new
    # the text the translation was made from: a fuzzy message's previous msgid, else its msgid
    made_from = previous.previous_msgid if previous.fuzzy else previous.msgid
    if made_from == unit_text:
        return new  # translated from exactly this text (also: a source changed and changed back)
    new.flags = ["fuzzy"]
    new.previous_msgid = made_from
    return new


def obsolete(previous: polib.POEntry) -> polib.POEntry:
    """``previous`` kept at the end of the file as an obsolete message (``#~``), without flags."""
    return polib.POEntry(msgctxt=previous.msgctxt, msgid=previous.msgid, msgstr=previous.msgstr,
                         tcomment=previous.tcomment, obsolete=True)
