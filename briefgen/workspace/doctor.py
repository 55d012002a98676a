"""``briefgen doctor``: what this machine and this workspace have, and the fix for what fails.

Each check gives a state — ``ok``, ``FAIL`` (briefgen cannot build or send as it
should) or ``note`` (an optional part is missing: the browser tests, the catalog
checker) — a detail, and the command or edit that fixes it. Nothing is changed and
no password is shown (only whether one is set in the environment).
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from briefgen import TEMPLATES_DIR, __version__
from briefgen.errors import BriefgenError, display_path

OK, FAIL, NOTE = "ok", "FAIL", "note"
SETUP = "sh tools/setup-debian.sh (or: sudo apt-get install fonts-paratype fonts-noto-core)"


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    state: str
    name: str
    detail: str
    fix: str = ""


def run_checks(start: Path | None = None) -> list[Check]:
    """Every check, in the order the report shows them."""
    from briefgen.workspace import find_workspace

    checks = [_python(), *_weasyprint()]
    try:
        workspace = find_workspace(start)
    except BriefgenError as error:
        return checks + [Check(FAIL, "workspace", error.format_message(), "correct briefgen.toml")]
    checks += _workspace(workspace)
    checks += _fonts(workspace)
    checks += _smtp(workspace)
    checks += _optional()
    return checks


def _python() -> Check:
    version = platform.python_version()
    if sys.version_info < (3, 11):
        return Check(FAIL, "Python", version, "install Python 3.11 or later")
    return Check(OK, "Python", f"{version} ({sys.executable}); briefgen {__version__} from {display_path(TEMPLATES_DIR.parent)}")


def _weasyprint() -> list[Check]:
    try:
        import weasyprint
        from weasyprint.text.ffi import pango
    except (ImportError, OSError) as error:
        return [Check(FAIL, "WeasyPrint", f"cannot be loaded: {error}",
                      "pip install 'weasyprint>=70,<71' and the Pango libraries (libpango-1.0-0 libpangoft2-1.0-0)")]
    checks = []
    version = weasyprint.__version__
    state = OK if version.split(".")[0] == "70" else FAIL
    checks.append(Check(state, "WeasyPrint", version, "" if state == OK else
                        "pip install 'weasyprint>=70,<71' (briefgen corrects one function of WeasyPrint 70)"))
    number = pango.pango_version()
    pango_version = f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    state = OK if number >= 14400 else FAIL
    checks.append(Check(state, "Pango", pango_version, "" if state == OK else "WeasyPrint 70 needs Pango 1.44 or later"))
    return checks


def _workspace(workspace) -> list[Check]:
    from briefgen.workspace.brand import load_brand

    if workspace.config_path is None:
        return [Check(NOTE, "workspace", f"none above {display_path(workspace.root)}: default settings",
                      "briefgen init (makes this folder a workspace: briefgen.toml, _brand.yml, content/)")]
    parts = [f"{display_path(workspace.root) or '.'} ({workspace.config_path.name}",
             f"organisation: {workspace.organisation or '—'}", f"languages: {', '.join(workspace.default_languages)}"]
    if workspace.templates_dir:
        parts.append(f"template overrides: {', '.join(sorted(p.name for p in workspace.templates_dir.rglob('*') if p.is_file()))}")
    if workspace.locale_dir:
        parts.append(f"own catalogs: {', '.join(sorted(p.name for p in workspace.locale_dir.iterdir() if p.is_dir()))}")
    checks = [Check(OK, "workspace", "; ".join(parts) + ")")]
    from briefgen.editions.languages import check_tags

    bad = check_tags(workspace.default_languages)
    if bad:
        checks.append(Check(FAIL, "languages", "; ".join(bad), "correct [build] languages in briefgen.toml"))
    try:
        brand = load_brand(workspace)
    except BriefgenError as error:
        return checks + [Check(FAIL, "brand", error.format_message().replace("\n", "; "), "correct _brand.yml as shown")]
    if brand.file is None:
        checks.append(Check(NOTE, "brand", "no _brand.yml: the built-in look", "briefgen init writes one to edit"))
    else:
        checks.append(Check(OK, "brand", f"{brand.name or '(no name)'}; logo: {display_path(brand.logo) if brand.logo else '—'}; "
                            f"primary {brand.primary or '—'}; text {', '.join(brand.base_stack)}; "
                            f"headings {', '.join(brand.headings_stack)}"))
    return checks


def languages_to_check(workspace) -> list[str]:
    """The workspace's languages, its briefs' languages and every language with a catalog."""
    from briefgen.editions.languages import tag_problem

    found = list(workspace.default_languages)
    for brief in sorted(workspace.content_dir.glob("*/brief.yaml")):
        text = brief.read_text(encoding="utf-8", errors="replace")
        for listed in re.findall(r"^languages:\s*\[([^\]]*)\]", text, re.M):  # no YAML parse: doctor stays quick
            found += [code.strip().strip("'\"") for code in listed.split(",") if code.strip()]
    for folder in [TEMPLATES_DIR / "locale"] + ([workspace.locale_dir] if workspace.locale_dir else []):
        found += sorted(p.name.replace("_", "-") for p in folder.iterdir() if p.is_dir())
    return [lang for lang in dict.fromkeys(found) if tag_problem(lang) is None]


def _fonts(workspace) -> list[Check]:
    from briefgen.editions import fonts
    from briefgen.workspace.brand import Brand, load_brand
    from briefgen.editions.languages import script_sample

    try:
        brand = load_brand(workspace)
    except BriefgenError:
        brand = Brand()
    families = brand.families()
    checks = []
    absent = [family for family, files in families.items() if fonts.family_coverage(family, files) is None]
    if absent:
        checks.append(Check(FAIL, "fonts", f"not installed: {', '.join(absent)}", SETUP))
    for lang in languages_to_check(workspace):
        sample = script_sample(lang)
        covering = [family for family, files in families.items()
                    if not fonts.missing_glyphs(sample, {family: files})]
        if not covering:
            missing = "".join(sorted(fonts.missing_glyphs(sample, families)))[:20]
            checks.append(Check(FAIL, f"fonts {lang}", f"no font of {', '.join(families)} has '{missing}'",
                                f"{SETUP}; or name a font that covers {lang} in _brand.yml"))
        else:
            checks.append(Check(OK, f"fonts {lang}", ", ".join(covering)))
    return checks


def _smtp(workspace) -> list[Check]:
    from briefgen.delivery.mailconfig import PASSWORD_ENV, load_settings

    try:
        settings = load_settings(workspace.config_path)
    except BriefgenError as error:
        return [Check(FAIL, "SMTP", error.format_message().replace("\n", "; "), "correct [smtp] in briefgen.toml")]
    if not settings.host:
        return [Check(NOTE, "SMTP", "no server set: `briefgen send` can write the dry run's .eml files only",
                      "set [smtp] host, user and from in briefgen.toml (or BRIEFGEN_SMTP_HOST)")]
    password = f"set in {PASSWORD_ENV}" if os.environ.get(PASSWORD_ENV) else "asked for when sending"
    return [Check(OK, "SMTP", f"{settings.where}; user {settings.user or '—'}; from {settings.sender or '—'}; "
                  f"password {password}")]


def _optional() -> list[Check]:
    checks = []
    chromium = next((path for path in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(path).exists()),
                    shutil.which("chromium"))
    checks.append(Check(OK if chromium else NOTE, "Chromium (browser tests)", chromium or "not found",
                        "" if chromium else "sudo apt-get install chromium (only the test suite needs it)"))
    for tool, package, why in (("msgfmt", "gettext", "checks catalogs: msgfmt -c"),
                               ("pdftotext", "poppler-utils", "the tests read PDFs back")):
        found = shutil.which(tool)
        checks.append(Check(OK if found else NOTE, f"{tool} ({why})", found or "not found",
                            "" if found else f"sudo apt-get install {package}"))
    return checks
