"""The workspace: the folder an organisation keeps in git, found by walking up as git does.

::

    my-ngo-briefs/
      briefgen.toml          organisation, default languages, audiences, SMTP (no password), ledger
      _brand.yml             logo, colours, fonts (brand.yml)
      templates/             optional overrides of the built-in templates
      content/<slug>/        briefs
      .briefgen/             state that must outlive output/ (the send ledger)
      output/                generated, disposable

A brief belongs to the workspace of the nearest ancestor folder that holds a
``briefgen.toml``. A brief outside any workspace (a copy in a temporary folder,
an old checkout) keeps its state beside it: the folder above ``content/`` if the
brief lies in one, else the brief's parent folder. Commands that name no brief
look upwards from the working directory.
"""

from __future__ import annotations

import tomllib
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

from briefgen import TEMPLATES_DIR
from briefgen.errors import BriefgenError, Problem, display_path

CONFIG_NAME = "briefgen.toml"
STATE_DIR_NAME = ".briefgen"
LEDGER_NAME = "ledger.sqlite3"
BRAND_NAME = "_brand.yml"
#: The editions of a new brief outside any workspace (a workspace's briefgen.toml says its own).
DEFAULT_LANGUAGES = ("en", "ru")


@dataclass(frozen=True)
class Workspace:
    """Where a brief's settings and lasting state live."""

    root: Path
    config_path: Path | None = None
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def state_dir(self) -> Path:
        """``.briefgen/``: what must outlive ``output/`` (the ledger)."""
        return self.root / STATE_DIR_NAME

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def output_dir(self) -> Path:
        return self.root / "output"

    @property
    def organisation(self) -> str | None:
        """``[organisation] name``, if set."""
        name = self.section("organisation").get("name")
        return name if isinstance(name, str) and name.strip() else None

    @property
    def default_languages(self) -> list[str]:
        """``[build] languages``: the editions ``briefgen new`` writes into a brief."""
        languages = self.section("build").get("languages")
        if isinstance(languages, list) and languages and all(isinstance(code, str) for code in languages):
            return list(languages)
        return list(DEFAULT_LANGUAGES)

    @property
    def brand_file(self) -> Path | None:
        """``_brand.yml`` (brand.yml: name, logo, colours, fonts), if the workspace has one."""
        path = self.root / BRAND_NAME
        return path if path.is_file() else None

    @property
    def templates_dir(self) -> Path | None:
        """``templates/``: files that take precedence over the built-in templates of the same
        name. None when absent, or when it *is* the built-in folder (the project's own
        checkout, whose root is the samples' workspace)."""
        path = self.root / "templates"
        if not path.is_dir() or path.resolve() == TEMPLATES_DIR.resolve():
            return None
        return path

    @property
    def locale_dir(self) -> Path | None:
        """``locale/<lang>/LC_MESSAGES/messages.po``: the workspace's own catalogs of the tool's
        strings, for languages briefgen lacks or to reword its strings."""
        path = self.root / "locale"
        return path if path.is_dir() else None

    def watched(self) -> list[Path]:
        """What the live preview watches besides the brief: the brand file, the overrides, the catalogs."""
        return [path for path in (self.brand_file, self.templates_dir, self.locale_dir) if path is not None]

    def section(self, name: str) -> dict[str, Any]:
        """One table of ``briefgen.toml`` (empty if absent)."""
        value = self.config.get(name, {})
        return value if isinstance(value, dict) else {}

    @property
    def ledger(self) -> str:
        """Where the send ledger lives: ``[send] ledger`` (a path relative to the workspace or a
        ``postgresql://`` URL), by default ``.briefgen/ledger.sqlite3``."""
        configured = self.section("send").get("ledger")
        if isinstance(configured, str) and configured:
            if "://" in configured:
                return configured
            return str((self.root / configured).resolve())
        return str(self.state_dir / LEDGER_NAME)

    def audiences(self) -> dict[str, tuple[str, ...]]:
        """The audiences each format is built for: ``[build] audiences = {pdf = ["public",
        "restricted"], html = "public"}`` (a format not named keeps its default, see
        fingerprint.DEFAULT_AUDIENCES); a wrong value is an error naming the file."""
        from briefgen.editions.fingerprint import DEFAULT_AUDIENCES

        configured = self.section("build").get("audiences", {})
        where = display_path(self.config_path) if self.config_path else CONFIG_NAME
        hint = 'write e.g. audiences = {pdf = ["public", "restricted"], html = "public"}'
        if not isinstance(configured, dict):
            raise BriefgenError(f"{where}: [build] audiences: expected a table of formats: {hint}")
        chosen = dict(DEFAULT_AUDIENCES)
        for fmt, value in configured.items():
            values = [value] if isinstance(value, str) else value
            if fmt not in DEFAULT_AUDIENCES or not isinstance(values, list) or not values \
                    or any(v not in ("public", "restricted") for v in values):
                raise BriefgenError(f"{where}: [build] audiences.{fmt} = {value!r}: formats are pdf and html, "
                                    f"audiences public and restricted: {hint}")
            chosen[fmt] = tuple(dict.fromkeys(values))
        return chosen


def read_config(path: Path) -> dict[str, Any]:
    """Parse a ``briefgen.toml``; a syntax error is a positioned problem."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        line, column = getattr(error, "lineno", 1) or 1, getattr(error, "colno", 1) or 1
        message = str(error).split(" (at line")[0]
        raise BriefgenError(problems=[Problem(display_path(path), line, column, "",
                                              f"malformed TOML: {message} — see the example in the README")]) from None
    except OSError as error:
        raise BriefgenError(f"{display_path(path)}: cannot read the workspace settings: {error.strerror}") from None


def _config_above(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def find_workspace(start: Path | None = None) -> Workspace:
    """The workspace holding ``start`` (default: the working directory); without a
    ``briefgen.toml`` above it, ``start`` itself with default settings."""
    start = (start or Path.cwd()).resolve()
    config_path = _config_above(start)
    if config_path is None:
        return Workspace(start)
    return Workspace(config_path.parent, config_path, read_config(config_path))


def workspace_of_brief(brief_dir: Path) -> Workspace:
    """The workspace a brief belongs to (see the module's docstring)."""
    brief_dir = Path(brief_dir).resolve()
    config_path = _config_above(brief_dir)
    if config_path is not None:
        return Workspace(config_path.parent, config_path, read_config(config_path))
    parent = brief_dir.parent
    return Workspace(parent.parent if parent.name == "content" else parent)


_ACTIVE: ContextVar[Workspace | None] = ContextVar("briefgen_workspace", default=None)


def active() -> Workspace:
    """The workspace of the build in progress (see :func:`activated`), else the one holding
    the working directory. Rendering and the tool's catalogs read their overrides from it."""
    return _ACTIVE.get() or find_workspace()


@contextmanager
def activated(workspace: Workspace) -> Iterator[Workspace]:
    """Make ``workspace`` the one :func:`active` returns while the block runs."""
    token = _ACTIVE.set(workspace)
    try:
        yield workspace
    finally:
        _ACTIVE.reset(token)


F = TypeVar("F", bound=Callable[..., Any])


def in_brief_workspace(function: F) -> F:
    """Run ``function(brief_dir, …)`` with the brief's workspace :func:`activated`: its template
    overrides, catalogs and brand apply to everything rendered inside."""
    @wraps(function)
    def wrapper(brief_dir, *args, **kwargs):
        with activated(workspace_of_brief(Path(brief_dir))):
            return function(brief_dir, *args, **kwargs)
    return wrapper  # type: ignore[return-value]
