"""Load and validate a brief folder into one :class:`Brief`.

``load_brief`` reads every YAML file of ``content/<slug>/``, validates each
against its model, then checks what no single file can: footnote calls
against definitions, placeholders against the data, chapter and prisoner
references, images. All problems of all files are reported together.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel

from briefgen.load import markup
from briefgen.errors import BriefgenError, Problem, display_path
from briefgen.load.limits import size_problems
from briefgen.load.safefile import brief_slug
from briefgen.load.model import (
    COLLECTIONS,
    DATA_FILES,
    DOCUMENT,
    KIND_HINT,
    KINDS,
    Briefing,
    DocumentBase,
    Interview,
    Cases,
    DataBlock,
    FootnotesFile,
    Image,
    KilledFile,
    PrisonersFile,
    ProsecutedFile,
    RecommendationsFile,
    SanctionsFile,
    Text,
)
from briefgen.load.validate import validate_file
from briefgen.load.yamlfile import YamlFile, YamlPath, load_yaml

BRIEF_FILE = "brief.yaml"
TRANSLATIONS_DIR = "translations"


@dataclass(frozen=True)
class Unit:
    """One translatable text: where it lives in the model, in the YAML, and its stable key."""

    file: str          # file stem: "brief", "prisoners", …
    key: str           # stable key (gettext msgctxt), e.g. "brief:chapters/afghanistan/blocks/3/text"
    model_path: tuple  # attribute names and indices in the validated model
    yaml_path: YamlPath
    text: Text


@dataclass
class Brief:
    """A validated brief: its document, its data collections and where each came from."""

    slug: str
    root: Path
    document: DocumentBase  # a Briefing, an Interview or a Letter
    footnotes: FootnotesFile = field(default_factory=FootnotesFile)
    prisoners: PrisonersFile | None = None
    prosecuted: ProsecutedFile | None = None
    killed: KilledFile | None = None
    sanctions: SanctionsFile | None = None
    recommendations: RecommendationsFile | None = None
    files: dict[str, YamlFile] = field(default_factory=dict)

    @property
    def source_language(self) -> str:
        return self.document.language

    def model_of(self, stem: str) -> BaseModel | None:
        return self.document if stem == "brief" else getattr(self, stem)

    def units(self) -> Iterator[Unit]:
        """Every translatable text of the brief, file by file, in file order."""
        found: list[Unit] = []

        def collect(unit: Unit) -> Text:
            found.append(unit)
            return unit.text

        for stem in ("brief", *DATA_FILES):
            model = self.model_of(stem)
            if model is not None:
                map_texts(stem, model, collect)
        yield from found
        if "cover" in self.files:  # cover.md, the cover email's text (briefgen/delivery/cover.py)
            from briefgen.delivery.cover import units

            yield from units(self.files["cover"])

    def problem(self, unit_or_file: Unit | str, yaml_path: YamlPath = (), message: str = "", *, key: bool = False) -> Problem:
        """A problem located in one of the brief's files."""
        if isinstance(unit_or_file, Unit):
            return self.files[unit_or_file.file].problem(unit_or_file.yaml_path, message, key=key)
        return self.files[unit_or_file].problem(yaml_path, message, key=key)


def map_texts(stem: str, value: Any, replace, model_path: tuple = (), yaml_path: YamlPath = (), key_parts: tuple = ()) -> Any:
    """Rebuild ``value`` with every :class:`Text` replaced by ``replace(unit)``.

    This one walk defines what a unit is and its stable key, for listing units
    and for localizing a brief alike: ids replace list indices in the key, so
    inserting a prisoner or a chapter does not shift the keys of the others.
    """
    if isinstance(value, Text):
        return replace(Unit(stem, f"{stem}:{'/'.join(map(str, key_parts))}", model_path, yaml_path, value))
    if isinstance(value, BaseModel):
        update = {}
        for name in type(value).model_fields:
            child = getattr(value, name)
            if child is None:
                continue
            # a paragraph written as a plain string has no 'text' key in the YAML
            child_yaml = yaml_path if (name == "text" and type(value).__name__ == "Paragraph") else yaml_path + (name,)
            new = map_texts(stem, child, replace, model_path + (name,), child_yaml, key_parts + (name,))
            if new is not child:
                update[name] = new
        return value.model_copy(update=update) if update else value
    if isinstance(value, list):
        out = [map_texts(stem, item, replace, model_path + (index,), yaml_path + (index,),
                         key_parts + (getattr(item, "id", None) or index,)) for index, item in enumerate(value)]
        return out if any(a is not b for a, b in zip(out, value)) else value
    if isinstance(value, dict):
        out = {name: map_texts(stem, item, replace, model_path + (name,), yaml_path + (name,), key_parts + (name,))
               for name, item in value.items()}
        return out if any(out[k] is not value[k] for k in value) else value
    return value


def load_brief(root: Path, *, allow_remote: bool = False) -> Brief:
    """Read and validate the brief in folder ``root``; raise :class:`BriefgenError` listing every problem.

    ``allow_remote`` lets image blocks name http(s) addresses (``--allow-remote``)."""
    root = Path(root)
    brief_file = root / BRIEF_FILE
    if not brief_file.is_file():
        raise BriefgenError(f"{display_path(root)}: no {BRIEF_FILE} here — a brief folder needs one (see docs/content-format.md)")
    problems: list[Problem] = []
    files: dict[str, YamlFile] = {}
    for path in sorted(root.glob("*.y*ml")):
        stem = path.stem
        if stem != "brief" and stem not in DATA_FILES:
            guess = difflib.get_close_matches(stem, list(DATA_FILES), n=1)
            hint = f"did you mean {guess[0]}.yaml?" if guess else f"expected one of brief.yaml, {', '.join(f + '.yaml' for f in DATA_FILES)}"
            problems.append(Problem(display_path(path), 1, 1, "", f"unknown file name: {hint}"))
            continue
        if path.suffix != ".yaml":
            problems.append(Problem(display_path(path), 1, 1, "", f"name the file {stem}.yaml"))
            continue
        try:
            yaml_file = load_yaml(path, root)
        except BriefgenError as error:
            problems.extend(error.problems)
            continue
        too_large = size_problems(yaml_file)
        if too_large:  # not validated further: 100,000 items would only repeat the point
            problems.extend(too_large)
            continue
        files[stem] = yaml_file
    models: dict[str, Any] = {}
    for stem, yaml_file in files.items():
        model_type = DOCUMENT if stem == "brief" else DATA_FILES[stem]
        if stem == "brief" and isinstance(yaml_file.data, dict):
            kind = yaml_file.data.get("kind", "briefing")
            if not isinstance(kind, str) or kind not in KINDS:
                problems.append(yaml_file.problem(("kind",), f"unknown kind '{kind}': {KIND_HINT}"))
                continue
        model, found = validate_file(model_type, yaml_file)
        problems.extend(found)
        models[stem] = model
    if (root / "cover.md").is_file():
        from briefgen.delivery.cover import read_cover

        try:
            files["cover"] = read_cover(root / "cover.md")
        except BriefgenError as error:
            problems.extend(error.problems or [Problem(display_path(root / "cover.md"), 1, 1, "", error.message)])
    if problems or models.get("brief") is None:
        raise BriefgenError(problems=problems)
    brief = Brief(slug=brief_slug(root), root=root, document=models["brief"], files=files,
                  footnotes=models.get("footnotes") or FootnotesFile(),
                  **{stem: models.get(stem) for stem in COLLECTIONS})
    problems = check_references(brief, allow_remote=allow_remote)
    if problems:
        raise BriefgenError(problems=problems)
    return brief


PLACEHOLDER_FIELDS = {
    "prisoners": {"count", "phrase", "names", "as_of"},
    "prosecuted": {"count", "names", "as_of"},
    "killed": {"count", "phrase", "names"},
    "sanctions": {"count", "names", "list"},
    "recommendations": {"count"},
}


def placeholder_error(brief: Brief, name: str) -> str | None:
    """Why placeholder ``name`` cannot be filled from ``brief``'s data, or None if it can."""
    collection, _, rest = name.partition(".")
    if collection not in PLACEHOLDER_FIELDS:
        return f"unknown placeholder {{{name}}}: the data collections are {', '.join(PLACEHOLDER_FIELDS)}"
    if getattr(brief, collection) is None:
        return f"placeholder {{{name}}} needs {collection}.yaml, which this brief does not have"
    if collection == "prosecuted" and rest.startswith("figures."):
        figure = rest.removeprefix("figures.")
        if figure not in brief.prosecuted.figures:
            known = ", ".join(brief.prosecuted.figures) or "none"
            return f"placeholder {{{name}}}: no figure '{figure}' in prosecuted.yaml (figures: {known})"
        return None
    if collection == "prosecuted" and rest == "as_of" and brief.prosecuted.as_of is None:
        return "placeholder {prosecuted.as_of} needs 'as_of' in prosecuted.yaml"
    if rest not in PLACEHOLDER_FIELDS[collection]:
        fields = sorted(PLACEHOLDER_FIELDS[collection]) + (["figures.KEY"] if collection == "prosecuted" else [])
        return f"unknown placeholder {{{name}}}: write one of {', '.join('{' + collection + '.' + f + '}' for f in fields)}"
    return None


def check_references(brief: Brief, *, allow_remote: bool = False) -> list[Problem]:
    """Problems that span files: ids, footnotes, placeholders, cases, images, links."""
    problems: list[Problem] = []
    doc = brief.document
    defined = brief.footnotes.footnotes
    used: set[str] = set()

    if isinstance(doc, Briefing):
        problems.extend(_check_chapters(brief, doc, allow_remote))
    elif isinstance(doc, Interview):
        problems.extend(_duplicate_ids(brief, "questions", doc.questions, "question"))
        for index, question in enumerate(doc.questions):
            for source_index, source in enumerate(question.sources):
                used.add(source)
                if source not in defined:
                    problems.append(brief.problem("brief", ("questions", index, "sources", source_index), _unknown("footnote", source, defined)))

    for stem, list_name in (("prisoners", "prisoners"), ("prosecuted", "people"), ("killed", "people"),
                            ("sanctions", "targets"), ("recommendations", "recommendations")):
        data = getattr(brief, stem)
        seen: set[str] = set()
        for index, item in enumerate(getattr(data, list_name, None) or []):
            if item.id in seen:
                problems.append(brief.problem(stem, (list_name, index, "id"), f"duplicate id '{item.id}': ids must be unique in {stem}.yaml"))
            seen.add(item.id)
            for source_index, source in enumerate(getattr(item, "sources", [])):
                used.add(source)
                if source not in defined:
                    problems.append(brief.problem(stem, (list_name, index, "sources", source_index), _unknown("footnote", source, defined)))


    for unit in brief.units():
        found = markup.scan(unit.text)
        if found.too_much:
            problems.append(brief.problem(unit, message=found.too_much))
        for footnote_id in found.footnotes:
            used.add(footnote_id)
            if footnote_id not in defined:
                problems.append(brief.problem(unit, message=_unknown("footnote", footnote_id, defined)))
            elif unit.file == "footnotes":
                problems.append(brief.problem(unit, message=f"a footnote cannot call another footnote ([^{footnote_id}]): cite the source in the text"))
        for name in found.placeholders:
            error = placeholder_error(brief, name)
            if error:
                problems.append(brief.problem(unit, message=error))
        problems.extend(brief.problem(unit, message=error) for error in text_resource_errors(found))
    for footnote_id in defined:
        if footnote_id not in used:
            problems.append(brief.problem("footnotes", ("footnotes", footnote_id), f"footnote '{footnote_id}' is never called: call it with [^{footnote_id}] or remove it", key=True))
    for index, code in enumerate(doc.languages or []):
        problems.extend(_check_language(brief, ("languages", index), code))
    problems.extend(_check_language(brief, ("language",), doc.language))
    from briefgen.editions.audience import identifying_names  # it builds on this module

    problems.extend(identifying_names(brief))
    return problems


def _duplicate_ids(brief: Brief, list_name: str, items, what: str) -> list[Problem]:
    """Ids within one list of brief.yaml must be unique (they make the translation keys)."""
    problems, seen = [], set()
    for index, item in enumerate(items):
        if item.id is not None and item.id in seen:
            problems.append(brief.problem("brief", (list_name, index, "id"), f"duplicate {what} id '{item.id}': give each {what} its own id"))
        seen.add(item.id)
    return problems


def _check_chapters(brief: Brief, doc: Briefing, allow_remote: bool = False) -> list[Problem]:
    """A briefing's chapter ids, overview, case profiles, data blocks and images."""
    problems: list[Problem] = []
    chapter_ids: dict[str, int] = {}
    for group in ("chapters", "annexes"):
        for index, chapter in enumerate(getattr(doc, group)):
            if chapter.id in chapter_ids:
                problems.append(brief.problem("brief", (group, index, "id"), f"duplicate chapter id '{chapter.id}': give each chapter its own id"))
            chapter_ids[chapter.id] = index
    for index, item in enumerate(doc.overview):
        if item.chapter not in chapter_ids:
            problems.append(brief.problem("brief", ("overview", index, "chapter"), _unknown("chapter", item.chapter, chapter_ids)))

    prisoner_ids = {p.id for p in (brief.prisoners.prisoners if brief.prisoners else [])}
    for group in ("chapters", "annexes"):
        for c_index, chapter in enumerate(getattr(doc, group)):
            for b_index, block in enumerate(chapter.blocks):
                where = (group, c_index, "blocks", b_index)
                if isinstance(block, Cases):
                    for i, prisoner in enumerate(block.cases):
                        if prisoner not in prisoner_ids:
                            problems.append(brief.problem("brief", where + ("cases", i), _unknown("prisoner", prisoner, prisoner_ids)))
                elif isinstance(block, DataBlock) and getattr(brief, block.data) is None:
                    problems.append(brief.problem("brief", where + ("data",), f"this block lists {block.data}, but there is no {block.data}.yaml in {display_path(brief.root)}"))
                elif isinstance(block, Image):
                    problems.extend(_check_image(brief, block.image, where + ("image",), allow_remote))
    return problems


def _check_language(brief: Brief, path: YamlPath, code: str) -> list[Problem]:
    from briefgen.editions.languages import tag_problem

    problem = tag_problem(code)
    return [brief.problem("brief", path, problem)] if problem else []


def text_resource_errors(found: markup.Scan) -> list[str]:
    """Why the links and images of one text are refused: text never loads anything."""
    from briefgen.editions.door import shorten

    errors = [f"images in text are not allowed (![…]({shorten(src)})): use an image block (see docs/content-format.md)"
              for src in found.images]
    errors += [f"link to '{shorten(link)}' is not allowed: links lead to https:// addresses, mailto: or #ids"
               for link in found.unsafe_links]
    return errors


def _check_image(brief: Brief, name: str, where: YamlPath, allow_remote: bool = False) -> list[Problem]:
    from briefgen.editions.door import Door, ResourceRefused, is_remote, scheme_of, shorten

    if is_remote(name):
        if not allow_remote:
            return [brief.problem("brief", where, f"remote image '{shorten(name)}' refused: download it into "
                                  f"{display_path(brief.root)}, or build with --allow-remote")]
        if not markup.SAFE_LINK.fullmatch(name):
            return [brief.problem("brief", where, f"'{shorten(name)}' is not a web address: write https://… without spaces")]
        return []  # downloaded, and checked to be an image, when the edition is built
    if scheme_of(name):
        return [brief.problem("brief", where, f"image '{shorten(name)}' refused: name a file in {display_path(brief.root)}"
                              + (" or an https:// address (with --allow-remote)" if allow_remote else ""))]
    target = (brief.root / name).resolve()
    if brief.root.resolve() not in target.parents:
        return [brief.problem("brief", where, f"image '{name}' is outside the brief folder: copy it into {display_path(brief.root)}")]
    if not target.is_file():
        return [brief.problem("brief", where, f"image '{name}' not found: put the file in {display_path(brief.root)} or fix the name")]
    try:
        Door([brief.root]).image(name, brief.root)
    except ResourceRefused as error:
        return [brief.problem("brief", where, str(error))]
    return []


def remote_images(brief: Brief) -> set[str]:
    """The http(s) addresses of the brief's image blocks (downloaded only with --allow-remote)."""
    from briefgen.editions.door import is_remote

    return {block.image for _, block in _image_blocks(brief) if is_remote(block.image)}


def _image_blocks(brief: Brief) -> Iterator[tuple[YamlPath, Image]]:
    for group in ("chapters", "annexes"):
        for c_index, chapter in enumerate(getattr(brief.document, group, None) or []):
            for b_index, block in enumerate(chapter.blocks):
                if isinstance(block, Image):
                    yield (group, c_index, "blocks", b_index, "image"), block


def locate_resource(brief: Brief, url: str, reason: str) -> Problem | None:
    """The problem ``reason`` placed at the content line that names ``url``, if one does."""
    from urllib.parse import unquote, urlsplit

    path = unquote(urlsplit(url).path) if url.startswith("file:") else None
    for where, block in _image_blocks(brief):
        if block.image == url or (path and (brief.root / block.image).resolve() == Path(path).resolve()):
            return brief.problem("brief", where, reason)
    for unit in brief.units():
        if url in unit.text or (path and path in unit.text):
            return brief.problem(unit, message=reason)
    return None


def _unknown(what: str, name: str, known) -> str:
    guess = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = f"did you mean '{guess[0]}'?" if guess else f"define it first or fix the {what} id"
    return f"unknown {what} '{name}': {hint}"
