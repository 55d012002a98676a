"""The command line: parses arguments, calls the pipeline, owns the terminal."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from briefgen import __version__
from briefgen.errors import BriefgenError, display_path

DEFAULT_CONTENT = Path("content")


def _brief_dirs(dirs: tuple[Path, ...]) -> list[Path]:
    from briefgen.content import find_briefs

    if dirs:
        return list(dirs)
    found = find_briefs(DEFAULT_CONTENT)
    if not found:
        raise click.UsageError(f"no briefs under {DEFAULT_CONTENT}/ — give a brief folder, e.g. briefgen build content/my-brief")
    return found


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefgen")
@click.option("-v", "--verbose", is_flag=True, help="Show what each step does.")
def main(verbose: bool) -> None:
    """Human-rights briefings from YAML to print-quality PDF and accessible HTML."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("weasyprint.progress", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@main.command()
@click.argument("content_dirs", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--allow-remote", is_flag=True,
              help="Let image blocks name http(s) addresses; they are downloaded (images only, time and size limits).")
def check(content_dirs: tuple[Path, ...], allow_remote: bool) -> None:
    """Validate briefs without rendering (all under content/ by default)."""
    from briefgen.content import load_brief

    problems = []
    dirs = _brief_dirs(content_dirs)
    for directory in dirs:
        try:
            load_brief(directory, allow_remote=allow_remote)
        except BriefgenError as error:
            if not error.problems:
                raise
            problems.extend(error.problems)
    if problems:
        raise BriefgenError(problems=problems)
    click.echo(f"{len(dirs)} brief{'s' if len(dirs) != 1 else ''} OK: {', '.join(display_path(d) for d in dirs)}")


@main.command()
@click.argument("content_dirs", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(["pdf", "html"]),
              help="Output format (repeatable; default: both).")
@click.option("-l", "--lang", "languages", multiple=True, metavar="CODE",
              help="Build only this language (repeatable; default: every language of the brief).")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Folder that receives <slug>/<slug>.<lang>.<format>.")
@click.option("--strict", is_flag=True, help="Refuse to build an edition with missing or stale translations.")
@click.option("--allow-remote", is_flag=True,
              help="Let image blocks name http(s) addresses; they are downloaded (images only, time and size limits).")
def build(content_dirs, formats, languages, out_dir, strict, allow_remote) -> None:
    """Build the PDF and HTML editions of briefs (all under content/ by default)."""
    from briefgen.build import FORMATS, build_brief

    problems = []
    for directory in _brief_dirs(content_dirs):
        try:
            editions = build_brief(directory, formats=tuple(formats) or FORMATS, languages=list(languages) or None,
                                   out_dir=out_dir, strict=strict, allow_remote=allow_remote, progress=lambda m: click.echo(m, err=True))
        except BriefgenError as error:
            if not error.problems:
                raise
            problems.extend(error.problems)
            continue
        for edition in editions:
            status = edition.status
            counts = status.counts
            summary = (f"{status.percent:.0f} % translated" + (
                f" ({counts['stale']} stale, {counts['missing']} missing — shown in the source language)"
                if status.incomplete else "")) if not status.source else "source language"
            files = ", ".join(display_path(f) for f in edition.files)
            click.echo(f"{edition.lang}: {summary} → {files}")
    if problems:
        raise BriefgenError(problems=problems)


@main.group()
def i18n() -> None:
    """Translation catalogs of the content (content/<slug>/translations/<lang>.po)."""


@i18n.command("update")
@click.argument("content_dirs", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-l", "--lang", "languages", multiple=True, metavar="CODE", help="Only this language (repeatable).")
def i18n_update(content_dirs, languages) -> None:
    """Extract the text units of the source language and merge them into each language's catalog."""
    from briefgen.content import load_brief
    from briefgen.translations import catalog_path, update_catalogs

    for directory in _brief_dirs(content_dirs):
        brief = load_brief(directory)
        for lang, status in update_catalogs(brief, list(languages) or None).items():
            counts = status.counts
            click.echo(f"{display_path(catalog_path(brief, lang))}: {counts['translated']} translated, "
                       f"{counts['stale']} stale (fuzzy), {counts['missing']} missing")


@i18n.command("status")
@click.argument("content_dirs", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-l", "--lang", "languages", multiple=True, metavar="CODE", help="Only this language (repeatable).")
@click.option("--units/--no-units", default=True, show_default=True, help="List the stale and missing units.")
def i18n_status(content_dirs, languages, units) -> None:
    """Per brief and language: translated / stale / missing, and which units."""
    from briefgen.build import plan_editions
    from briefgen.content import load_brief
    from briefgen.translations import edition_status

    for directory in _brief_dirs(content_dirs):
        brief = load_brief(directory)
        for lang in plan_editions(brief, list(languages) or None):
            status = edition_status(brief, lang)
            if status.source:
                click.echo(f"{brief.slug} {lang}: source language, {len(status.units)} units")
                continue
            counts = status.counts
            click.echo(f"{brief.slug} {lang}: {status.percent:.0f} % — {counts['translated']} translated, "
                       f"{counts['stale']} stale, {counts['missing']} missing")
            if units:
                for item in status.incomplete:
                    yaml_file = brief.files[item.unit.file]
                    line, column = yaml_file.position(item.unit.yaml_path)
                    click.echo(f"  {item.state:7} {yaml_file.shown}:{line}:{column}: {item.unit.key}")
