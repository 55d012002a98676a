"""The command line: parses arguments, calls the pipeline, owns the terminal."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from briefgen import __version__
from briefgen.errors import BriefgenError, display_path

DEFAULT_CONTENT = Path("content")


def _brief_dirs(dirs: tuple[Path, ...]) -> list[Path]:
    """The brief folders given, or every folder under content/ holding a brief.yaml."""
    if dirs:
        return list(dirs)
    found = sorted(path.parent for path in DEFAULT_CONTENT.glob("*/brief.yaml"))
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
def check(content_dirs: tuple[Path, ...]) -> None:
    """Validate briefs without rendering (all under content/ by default)."""
    from briefgen.content import load_brief

    problems = []
    dirs = _brief_dirs(content_dirs)
    for directory in dirs:
        try:
            load_brief(directory)
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
@click.option("--force", is_flag=True, help="Rebuild every output, even those that are up to date.")
def build(content_dirs, formats, languages, out_dir, strict, force) -> None:
    """Build the PDF and HTML editions of briefs (all under content/ by default)."""
    from briefgen.fingerprint import FORMATS, unchanged_editions

    problems = []
    for directory in _brief_dirs(content_dirs):
        editions = None if force else unchanged_editions(directory, tuple(formats) or FORMATS, list(languages) or None,
                                                          out_dir, strict)
        try:
            # the full pipeline (pydantic, Jinja, WeasyPrint) is imported only when there is work
            if editions is None:
                from briefgen.build import build_brief

                editions = build_brief(directory, formats=tuple(formats) or FORMATS,
                                       languages=list(languages) or None, out_dir=out_dir, strict=strict,
                                       force=force, progress=lambda m: click.echo(m, err=True))
        except BriefgenError as error:
            if not error.problems:
                raise
            problems.extend(error.problems)
            continue
        if not any(edition.written for edition in editions):
            click.echo(f"{directory.name}: nothing changed, {len(editions)} edition{'s' if len(editions) != 1 else ''} "
                       f"up to date (--force rebuilds)")
            continue
        for edition in editions:
            click.echo(f"{directory.name} {edition.lang}: {_edition_summary(edition)}")
    if problems:
        raise BriefgenError(problems=problems)


def _edition_summary(edition) -> str:
    if edition.source:
        state = "source language"
    elif edition.stale or edition.missing:
        state = (f"{edition.percent:.0f} % translated ({edition.stale} stale, {edition.missing} missing"
                 " — shown in the source language)")
    else:
        state = f"{edition.percent:.0f} % translated"
    parts = []
    if edition.written:
        parts.append("→ " + ", ".join(display_path(f) for f in edition.written))
    if edition.up_to_date:
        parts.append("up to date: " + ", ".join(display_path(f) for f in edition.up_to_date))
    return f"{state} " + "; ".join(parts)


@main.command()
@click.argument("slug")
@click.option("-k", "--kind", type=click.Choice(["briefing", "interview", "letter"]), default="briefing",
              show_default=True, help="What kind of document to start.")
@click.option("-p", "--parent", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_CONTENT,
              show_default=True, help="Folder that receives the new <slug>/ folder.")
def new(slug: str, kind: str, parent: Path) -> None:
    """Start a brief: write a small, valid, commented skeleton into PARENT/SLUG."""
    from briefgen.skeleton import create_brief

    folder = create_brief(slug, kind, parent)
    files = ", ".join(sorted(p.name for p in folder.iterdir()))
    click.echo(f"{display_path(folder)}: new {kind} ({files}) — fill it in, then: briefgen build {display_path(folder)}")


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


@main.command()
@click.argument("content_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--since", default="previous", show_default=True, metavar="EDITION_DATE|previous",
              help="Compare with the edition of this date (YYYY-MM-DD), or with the previous one built.")
@click.option("-l", "--lang", "lang", metavar="CODE", help="Language of the list (default: the brief's source language).")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Where the builds (and their snapshots) are.")
def changes(content_dir, since, lang, out_dir) -> None:
    """What changed in the data since an earlier edition: prisoners, sanctions, recommendations, counts."""
    from briefgen.changes import describe_changes
    from briefgen.content import load_brief
    from briefgen.i18n import format_date
    from briefgen.resolve import Localizer

    brief = load_brief(content_dir)
    lang = lang or brief.source_language
    base, found = describe_changes(brief, out_dir, lang, since)
    from briefgen.model import PartialDate

    loc = Localizer(lang)
    when = format_date(PartialDate.parse(base["edition_date"]), lang) if base["edition_date"] else "—"
    click.echo(loc.gettext("Changes since the edition of %(date)s:") % {"date": when})
    for change in found:
        click.echo(f"- {change.text}")
    if not found:
        click.echo(loc.gettext("No changes in the data."))


@main.command()
@click.argument("content_dir", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option("-l", "--lang", "lang", metavar="CODE", help="Preview only this language.")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Where the preview builds are written.")
def serve(content_dir, port, lang, out_dir) -> None:
    """Preview a brief on 127.0.0.1: rebuilds on save and reloads the open page."""
    from briefgen.serve import serve as run

    directory = content_dir or _brief_dirs(())[0]
    try:
        run(directory, out_dir, "127.0.0.1", port, lang,
            ready=lambda url: click.echo(f"Previewing {display_path(directory)} at {url} — Ctrl-C to stop"))
    except KeyboardInterrupt:
        click.echo("stopped")
    except OSError as error:
        raise BriefgenError(f"cannot listen on 127.0.0.1:{port}: {error.strerror} — try --port {port + 1}") from None
