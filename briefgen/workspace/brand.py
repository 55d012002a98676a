"""An organisation's brand from the workspace's ``_brand.yml`` (Posit's brand.yml schema).

briefgen reads the part of brand.yml a briefing needs, with the same keys and
meanings as the published schema (https://posit-dev.github.io/brand-yml/)::

    meta:       name: "Org"                       (or {short: …, full: …})
    logo:       path/to/logo.svg                  (or {images: {name: path}, small/medium/large: name or path})
    color:      palette: {name: "#rrggbb"}; primary, foreground, background: a colour or a palette name
    typography: fonts: [{family, source: file|system, files: [{path, weight, style}]}]
                base: "Family" (or {family: …}); headings: "Family" (or {family: …, color: …})

Other brand.yml keys (links, defaults, secondary colours, Google fonts …) are accepted
and ignored; a misspelt key among those briefgen reads is an error with its position.
Why not the ``brand-yml`` package: it takes 0.2 s to import and pulls in ruamel.yaml,
htmltools and pydantic models whose errors carry no line numbers; this reader uses
briefgen's safe YAML loader (positions, no tags, size limits). The tests read the
samples' and ``init``'s brand files with ``brand-yml`` too, to prove they follow the schema.

Files (logo, fonts) are relative to the workspace and must lie inside it; they are
served to WeasyPrint through the one :class:`~briefgen.editions.door.Door`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from briefgen.errors import BriefgenError, Problem
from briefgen.workspace import Workspace

TOP_KEYS = ("meta", "logo", "color", "typography", "defaults", "links")
COLOR_KEYS = ("palette", "foreground", "background", "primary", "secondary", "tertiary", "success", "info",
              "warning", "danger", "light", "dark")
TYPOGRAPHY_KEYS = ("fonts", "base", "headings", "monospace", "monospace-inline", "monospace-block", "link")
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_NAMED_COLOUR = re.compile(r"[a-zA-Z]+")
_FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")
#: The built-in look (Open Dialogue's): text in PT Serif, headings in PT Sans.
DEFAULT_BASE = "PT Serif"
DEFAULT_HEADINGS = "PT Sans"


@dataclass(frozen=True)
class FontFile:
    """One face of a family kept in the workspace."""

    path: Path
    weight: str = "400"
    style: str = "normal"


@dataclass(frozen=True)
class Brand:
    """What briefgen uses of a brand; None/empty means "the built-in look"."""

    file: Path | None = None
    name: str | None = None
    logo: Path | None = None
    primary: str | None = None
    foreground: str | None = None
    background: str | None = None
    base_family: str | None = None
    headings_family: str | None = None
    headings_color: str | None = None
    fonts: dict[str, tuple[FontFile, ...]] = field(default_factory=dict)

    @property
    def base_stack(self) -> list[str]:
        """The families running text is set in: the brand's, then Noto Serif for what it lacks."""
        from briefgen.editions.fonts import COVERAGE_SERIF

        return list(dict.fromkeys([self.base_family or DEFAULT_BASE, COVERAGE_SERIF]))

    @property
    def headings_stack(self) -> list[str]:
        """The families headings are set in: the brand's, then Noto Sans for what it lacks."""
        from briefgen.editions.fonts import COVERAGE_SANS

        return list(dict.fromkeys([self.headings_family or DEFAULT_HEADINGS, COVERAGE_SANS]))

    def stacks_for(self, lang: str) -> tuple[list[str], list[str]]:
        """The text and heading families of an edition in ``lang``: the brand's families first,
        unless they lack the language's script (PT has no Greek): then Noto comes first, so that
        a word is never set half in one font and half in another."""
        from briefgen.editions.fonts import missing_glyphs
        from briefgen.editions.languages import script_sample

        sample = script_sample(lang)
        stacks = []
        for stack in (self.base_stack, self.headings_stack):
            first, *rest = stack
            lacking = missing_glyphs(sample, {first: tuple(f.path for f in self.fonts.get(first, ()))})
            stacks.append(rest + [first] if lacking and rest else stack)
        return stacks[0], stacks[1]

    def families(self) -> dict[str, tuple[Path, ...]]:
        """Every family an edition is set in → its workspace font files (() for an installed family)."""
        return {family: tuple(face.path for face in self.fonts.get(family, ()))
                for family in self.base_stack + self.headings_stack}

    @property
    def files(self) -> list[Path]:
        """The files the brand brings into an edition (logo, fonts): the door serves these."""
        return ([self.logo] if self.logo else []) + [face.path for faces in self.fonts.values() for face in faces]


def cached_brand(workspace: Workspace) -> Brand:
    """:func:`load_brand`, read again only when ``_brand.yml`` changes (the live preview)."""
    path = workspace.brand_file
    stamp = path.stat().st_mtime_ns if path else None
    return _cached(workspace.root, stamp)


@lru_cache(maxsize=8)
def _cached(root: Path, stamp) -> Brand:
    return load_brand(Workspace(root))


def load_brand(workspace: Workspace) -> Brand:
    """The brand of ``workspace`` (the built-in look if it has no ``_brand.yml``)."""
    path = workspace.brand_file
    if path is None:
        return Brand()
    from briefgen.load.yamlfile import load_yaml

    return _Reader(load_yaml(path), workspace.root).brand()


class _Reader:
    def __init__(self, yaml_file, root: Path):
        self.file = yaml_file
        self.root = root.resolve()
        self.problems: list[Problem] = []
        self.palette: dict[str, str] = {}

    def brand(self) -> Brand:
        data = self.file.data if self.file.data is not None else {}
        if not isinstance(data, dict):
            raise BriefgenError(problems=[self.file.problem((), "a brand file is a mapping: meta, logo, color, typography")])
        self._keys(data, (), TOP_KEYS)
        meta = self._mapping(data, "meta")
        color = self._mapping(data, "color")
        typography = self._mapping(data, "typography")
        self._keys(color, ("color",), COLOR_KEYS)
        self._keys(typography, ("typography",), TYPOGRAPHY_KEYS)
        palette = color.get("palette") or {}
        if isinstance(palette, dict):
            for name, value in palette.items():
                self.palette[str(name)] = self._colour(value, ("color", "palette", name), palette=False) or ""
        headings = typography.get("headings")
        brand = Brand(
            file=self.file.path,
            name=self._name(meta.get("name")),
            logo=self._logo(data.get("logo")),
            primary=self._colour(color.get("primary"), ("color", "primary")),
            foreground=self._colour(color.get("foreground"), ("color", "foreground")),
            background=self._colour(color.get("background"), ("color", "background")),
            base_family=self._family(typography.get("base"), ("typography", "base")),
            headings_family=self._family(headings, ("typography", "headings")),
            headings_color=self._colour(headings.get("color"), ("typography", "headings", "color"))
            if isinstance(headings, dict) else None,
            fonts=self._fonts(typography.get("fonts"), ("typography", "fonts")),
        )
        if self.problems:
            raise BriefgenError(problems=self.problems)
        return brand

    def _problem(self, path, message: str, key: bool = False) -> None:
        self.problems.append(self.file.problem(path, message, key=key))

    def _keys(self, mapping: dict, path: tuple, known: tuple[str, ...]) -> None:
        for key in mapping:
            if key not in known:
                guess = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
                hint = f"did you mean '{guess[0]}'?" if guess else f"brand.yml has {', '.join(known)} here"
                self._problem(path + (key,), f"unknown key '{key}': {hint}", key=True)

    def _mapping(self, data: dict, key: str) -> dict:
        value = data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self._problem((key,), f"'{key}' must be a mapping (see the brand.yml example in the README)")
            return {}
        return value

    def _name(self, value) -> str | None:
        if isinstance(value, dict):
            value = value.get("full") or value.get("short")
        return str(value) if value else None

    def _colour(self, value, path: tuple, palette: bool = True) -> str | None:
        if value is None:
            return None
        text = str(value).strip()
        if palette and text in self.palette:
            return self.palette[text] or None
        if _HEX.fullmatch(text) or _NAMED_COLOUR.fullmatch(text):
            return text
        names = f" or a palette name ({', '.join(self.palette)})" if palette and self.palette else ""
        self._problem(path, f"'{text}' is not a colour: write a hex colour such as \"#7a1b1b\"{names}")
        return None

    def _family(self, value, path: tuple) -> str | None:
        if isinstance(value, dict):
            value = value.get("family")
        if value is None:
            return None
        family = str(value).strip()
        if not family or any(char in family for char in "\"';{}<>\\"):
            self._problem(path, f"'{family}' cannot name a font family: write the family's name, e.g. \"PT Serif\"")
            return None
        return family

    def _file(self, value, path: tuple, what: str, suffixes: tuple[str, ...]) -> Path | None:
        if not isinstance(value, str) or not value.strip():
            self._problem(path, f"the {what} must be a file path relative to the workspace")
            return None
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]+:", value):
            self._problem(path, f"the {what} '{value}' must be a file in the workspace, not an address: download it")
            return None
        resolved = (self.root / value).resolve()
        if self.root not in resolved.parents:
            self._problem(path, f"the {what} '{value}' is outside the workspace: copy it into the workspace")
        elif not resolved.is_file():
            self._problem(path, f"the {what} '{value}' does not exist: check the path (relative to {self.root.name}/)")
        elif resolved.suffix.lower() not in suffixes:
            self._problem(path, f"the {what} '{value}' must be one of {', '.join(suffixes)}")
        else:
            return resolved
        return None

    def _logo(self, value) -> Path | None:
        """``logo: file``, or ``logo: {images: {name: file}, small|medium|large: name or file}`` (the
        largest given is used); a file may be ``{path: …, alt: …}`` or ``{light: …, dark: …}``
        (a printed page is light)."""
        if value is None:
            return None
        path: tuple = ("logo",)
        if isinstance(value, dict):
            images = value.get("images") if isinstance(value.get("images"), dict) else {}
            size = next((size for size in ("large", "medium", "small") if value.get(size)), None)
            if size is None:
                return None
            path, value = path + (size,), value[size]
            if isinstance(value, dict) and (value.get("light") or value.get("dark")):
                variant = "light" if value.get("light") else "dark"
                path, value = path + (variant,), value[variant]
            if isinstance(value, str) and value in images:
                path, value = ("logo", "images", value), images[value]
        if isinstance(value, dict):
            path, value = path + ("path",), value.get("path")
        return self._file(value, path, "logo", (".svg", ".png"))

    def _fonts(self, value, path: tuple) -> dict[str, tuple[FontFile, ...]]:
        if value is None:
            return {}
        if not isinstance(value, list):
            self._problem(path, "'fonts' must be a list of {family, source, files}")
            return {}
        fonts: dict[str, tuple[FontFile, ...]] = {}
        for index, font in enumerate(value):
            where = path + (index,)
            if not isinstance(font, dict) or not font.get("family"):
                self._problem(where, "each font needs a family: {family: \"Name\", source: file, files: [...]}")
                continue
            source = font.get("source", "file")
            if source == "system":
                continue  # an installed family: nothing to load
            if source != "file":
                self._problem(where + ("source",), f"fonts from '{source}' would be downloaded at build time: "
                              "keep the font files in the workspace and write source: file")
                continue
            faces = []
            for number, face in enumerate(font.get("files") or []):
                face_path = face.get("path") if isinstance(face, dict) else face
                found = self._file(face_path, where + ("files", number) + (("path",) if isinstance(face, dict) else ()),
                                   "font file", _FONT_SUFFIXES)
                if found:
                    options = face if isinstance(face, dict) else {}
                    faces.append(FontFile(found, str(options.get("weight", 400)), str(options.get("style", "normal"))))
            family = self._family(font["family"], where + ("family",))
            if family:
                fonts[family] = tuple(faces)
        return fonts


@dataclass(frozen=True)
class EmailLogo:
    """The logo as an inline part of the cover email (``cid:``)."""

    body: bytes
    subtype: str
    cid: str
    name: str | None


def email_logo() -> EmailLogo | None:
    """The active workspace's logo for the cover email's signature, checked like any image
    (an SVG that refers to files or scripts is refused); None without a logo."""
    from briefgen.editions.door import Door, ResourceRefused
    from briefgen.workspace import active

    brand = cached_brand(active())
    if brand.logo is None:
        return None
    try:
        resource = Door([brand.logo]).image(str(brand.logo), brand.logo.parent)
    except ResourceRefused as error:
        raise BriefgenError(f"{brand.file}: logo: {error}") from None
    import hashlib

    digest = hashlib.sha256(resource.body).hexdigest()[:16]
    return EmailLogo(resource.body, resource.media_type.split("/")[1], f"logo.{digest}@briefgen", brand.name)
