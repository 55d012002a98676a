"""The command line: parses arguments, calls the pipeline, owns the terminal."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click

from briefgen import __version__
from briefgen.errors import BriefgenError, display_path



def _brief_dirs(dirs: tuple[Path, ...]) -> list[Path]:
    """The brief folders given, or every folder under the workspace's content/ holding a brief.yaml
    (the workspace is found by walking up from the working directory, as git does)."""
    if dirs:
        return [Path(os.path.normpath(directory)) for directory in dirs]  # content/x/sub/.. is the brief x
    from briefgen.workspace import find_workspace

    content = find_workspace().content_dir
    found = sorted(path.parent for path in content.glob("*/brief.yaml"))
    if not found:
        raise click.UsageError(f"no briefs under {display_path(content)}/ — give a brief folder, e.g. briefgen build "
                               f"content/my-brief, or start one: briefgen new my-brief")
    return found


def _out(out_dir: Path | None, brief_dir: Path) -> Path:
    """``--out``, or the ``output/`` folder of the brief's workspace."""
    if out_dir is not None:
        return out_dir
    from briefgen.workspace import workspace_of_brief

    return workspace_of_brief(brief_dir).output_dir


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
    from briefgen.load.content import load_brief
    from briefgen.editions.translations import check_catalogs

    problems = []
    translated = []
    dirs = _brief_dirs(content_dirs)
    for directory in dirs:
        try:
            found, statuses = check_catalogs(load_brief(directory, allow_remote=allow_remote))
        except BriefgenError as error:
            if not error.problems:
                raise
            problems.extend(error.problems)
            continue
        problems.extend(found)
        translated += [f"{directory.name} {lang}: {status.percent:.0f} % translated"
                       + (f" ({status.counts['stale']} stale, {status.counts['missing']} missing)" if status.incomplete else "")
                       for lang, status in statuses.items()]
    if problems:
        raise BriefgenError(problems=problems)
    click.echo(f"{len(dirs)} brief{'s' if len(dirs) != 1 else ''} OK: {', '.join(display_path(d) for d in dirs)}")
    for line in translated:  # valid is not complete: say how much of each edition is translated
        click.echo(f"  {line}")


@main.command()
@click.argument("content_dirs", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(["pdf", "html"]),
              help="Output format (repeatable; default: both).")
@click.option("-l", "--lang", "languages", multiple=True, metavar="CODE",
              help="Build only this language (repeatable; default: every language of the brief).")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder that receives <slug>/<slug>.<lang>.<format> [default: the workspace's output/].")
@click.option("--strict", is_flag=True, help="Refuse to build an edition with missing or stale translations.")
@click.option("--force", is_flag=True, help="Rebuild every output, even those that are up to date.")
@click.option("--allow-remote", is_flag=True,
              help="Let image blocks name http(s) addresses; they are downloaded (images only, time and size limits).")
@click.option("-a", "--audience", "audience", multiple=True, type=click.Choice(["public", "restricted"]),
              help="Build the public (web) or the restricted (sent) edition of every format (repeatable; "
                   "default: briefgen.toml's [build] audiences, else public HTML, public and restricted PDF).")
def build(content_dirs, formats, languages, out_dir, strict, force, allow_remote, audience) -> None:
    """Build the PDF and HTML editions of briefs (all under content/ by default)."""
    from briefgen.editions.fingerprint import FORMATS, unchanged_editions
    from briefgen.workspace import workspace_of_brief

    problems = []
    chosen_out = out_dir
    for directory in _brief_dirs(content_dirs):
        out_dir = _out(chosen_out, directory)
        audiences = ({fmt: tuple(audience) for fmt in FORMATS} if audience
                     else workspace_of_brief(directory).audiences())
        editions = None if force or allow_remote else unchanged_editions(directory, tuple(formats) or FORMATS, list(languages) or None,
                                                          out_dir, strict, audiences)
        try:
            # the full pipeline (pydantic, Jinja, WeasyPrint) is imported only when there is work
            if editions is None:
                preloader = _preload_pdf_process(formats)
                from briefgen.editions.build import build_brief

                editions = build_brief(directory, formats=tuple(formats) or FORMATS,
                                       languages=list(languages) or None, out_dir=out_dir, strict=strict,
                                       force=force, allow_remote=allow_remote, audiences=audiences,
                                       progress=lambda m: click.echo(m, err=True), preloader=preloader)
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
            for note in edition.notes:
                click.echo(f"  {note}")
    if problems:
        raise BriefgenError(problems=problems)


def _preload_pdf_process(formats):
    """The process that will write the PDFs, forked before the pipeline is imported (0.2 s
    of pydantic, Jinja, Babel): it imports WeasyPrint meanwhile (briefgen.editions.workers)."""
    if formats and "pdf" not in formats:
        return None
    from briefgen.editions import workers

    return workers.preload()


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
@click.option("-p", "--parent", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder that receives the new <slug>/ folder [default: the workspace's content/].")
def new(slug: str, kind: str, parent: Path | None) -> None:
    """Start a brief: write a small, valid, commented skeleton into PARENT/SLUG, with the
    workspace's default languages."""
    from briefgen.workspace.skeleton import create_brief
    from briefgen.workspace import find_workspace

    folder = create_brief(slug, kind, parent or find_workspace().content_dir)
    files = ", ".join(sorted(p.name for p in folder.iterdir()))
    click.echo(f"{display_path(folder)}: new {kind} ({files}) — fill it in, then: briefgen build {display_path(folder)}")


@main.group()
def i18n() -> None:
    """Translation catalogs of the content (content/<slug>/translations/<lang>.po)."""


@i18n.command("update")
@click.argument("content_dirs", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-l", "--lang", "languages", multiple=True, metavar="CODE", help="Only this language (repeatable).")
def i18n_update(content_dirs, languages) -> None:
    """Write the template (translations/<slug>.pot) and merge the text units into each language's catalog."""
    from briefgen.editions.build import plan_editions
    from briefgen.load.content import load_brief
    from briefgen.editions.pocatalog import template_path
    from briefgen.editions.translations import catalog_path, update_catalogs

    for directory in _brief_dirs(content_dirs):
        brief = load_brief(directory)
        statuses = update_catalogs(brief, plan_editions(brief, list(languages) or None))
        click.echo(f"{display_path(template_path(brief.root))}: template, {sum(1 for _ in brief.units())} units")
        for lang, status in statuses.items():
            counts = status.counts
            click.echo(f"{display_path(catalog_path(brief, lang))}: {counts['translated']} translated, "
                       f"{counts['stale']} stale (fuzzy), {counts['missing']} missing")


@i18n.command("add")
@click.argument("lang", metavar="LANG")
@click.argument("content_dirs", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
def i18n_add(lang, content_dirs) -> None:
    """Add a language: write it into 'languages' of brief.yaml and make its catalog from the template."""
    from briefgen.editions.addlang import add_language
    from briefgen.editions.i18n import catalog_file, language_name
    from briefgen.editions.pocatalog import template_path

    for directory in _brief_dirs(content_dirs):
        added = add_language(directory, lang)
        name = language_name(lang, "en")
        if added.line:
            click.echo(f"{display_path(added.brief_file)}:{added.line}: added {lang} ({name}) to 'languages'")
        else:
            click.echo(f"{display_path(added.brief_file)}: {lang} ({name}) is already among the languages")
        if added.status is None:
            continue
        counts, words = added.status.counts, added.status.words
        todo = counts["stale"] + counts["missing"]
        click.echo(f"{display_path(added.catalog)}: {todo} of {len(added.status.units)} units to translate "
                   f"({words['stale'] + words['missing']:,} source words)")
        shown = display_path(directory)
        click.echo("Next:\n"
                   f"  - translate {display_path(added.catalog)} in Poedit, or in Weblate (template for new translations: "
                   f"{display_path(template_path(directory))}),\n"
                   f"    or in a CAT tool: briefgen i18n export --xliff {lang} {shown}, then briefgen i18n import FILE;\n"
                   f"  - briefgen i18n status {shown} shows what is left;\n"
                   f"  - briefgen build {shown} --lang {lang} builds the edition (untranslated parts in the source "
                   "language, marked).")
        if added.tool_catalog is None:
            click.echo(f"briefgen's own strings (\"Page 3 of 12\", plural phrases) have no {name} catalog yet: they stay "
                       f"in English until {display_path(catalog_file(lang))} is made (pybabel init, see the README).")


@i18n.command("export")
@click.option("--xliff", "lang", required=True, metavar="LANG", help="Export this language as XLIFF (for CAT tools).")
@click.argument("content_dir", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--version", "version", type=click.Choice(["1.2", "2.0"]), default="1.2", show_default=True,
              help="XLIFF version.")
@click.option("-o", "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: output/<slug>/<slug>.<LANG>.xlf).")
def i18n_export(lang, content_dir, version, out_file) -> None:
    """Write a brief's units and their LANG translations as XLIFF 1.2 or 2.0 (unit ids are the stable keys)."""
    from briefgen.editions.build import plan_editions
    from briefgen.load.content import load_brief
    from briefgen.editions.output import write_atomic
    from briefgen.editions.translations import edition_status
    from briefgen.editions.xliff import export

    found = [content_dir] if content_dir else _brief_dirs(())
    if len(found) > 1:
        raise click.UsageError(f"which brief? give its folder, e.g. briefgen i18n export --xliff {lang} {display_path(found[0])}")
    directory = found[0]
    brief = load_brief(directory)
    plan_editions(brief, [lang])
    if lang == brief.source_language:
        raise click.UsageError(f"{lang} is the source language of {brief.slug}: export a translation")
    out_file = out_file or Path("output") / brief.slug / f"{brief.slug}.{lang}.xlf"
    out_file.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out_file, export(brief, lang, version))
    status = edition_status(brief, lang)
    counts, words = status.counts, status.words
    click.echo(f"{display_path(out_file)}: XLIFF {version}, {len(status.units)} units — {counts['stale']} to review, "
               f"{counts['missing']} to translate ({words['stale'] + words['missing']:,} source words); bring it back "
               f"with: briefgen i18n import {display_path(out_file)} {display_path(directory)}")


@i18n.command("import")
@click.argument("xliff_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("content_dir", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def i18n_import(xliff_file, content_dir) -> None:
    """Take the translations of an XLIFF 1.2 or 2.0 file into the brief's catalog (checked first; all or nothing)."""
    from briefgen.load.content import load_brief
    from briefgen.editions.translations import catalog_path
    from briefgen.editions.xliff import file_info, import_file, parse

    if content_dir is None:
        original = file_info(parse(xliff_file)[0])[1]
        if not original or not (DEFAULT_CONTENT / original / "brief.yaml").is_file():
            raise click.UsageError(f"which brief? the file names '{original}'; give the brief folder after the file")
        content_dir = DEFAULT_CONTENT / original
    brief = load_brief(content_dir)
    done = import_file(brief, xliff_file)
    counts = done.status.counts
    click.echo(f"{display_path(catalog_path(brief, done.lang))}: {done.units} units imported ({done.fuzzy} marked for "
               f"review); {done.lang}: {done.status.percent:.0f} % — {counts['translated']} translated, "
               f"{counts['stale']} stale, {counts['missing']} missing")


@i18n.command("status")
@click.argument("content_dirs", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-l", "--lang", "languages", multiple=True, metavar="CODE", help="Only this language (repeatable).")
@click.option("--units/--no-units", default=True, show_default=True, help="List the stale and missing units.")
def i18n_status(content_dirs, languages, units) -> None:
    """Per brief and language: translated / stale / missing units and source words, which units, and
    how much of briefgen's own strings the language has."""
    from briefgen.editions.build import plan_editions
    from briefgen.load.content import load_brief
    from briefgen.editions.translations import edition_status, tool_strings_status

    for directory in _brief_dirs(content_dirs):
        brief = load_brief(directory)
        for lang in plan_editions(brief, list(languages) or None):
            status = edition_status(brief, lang, cover=True)
            words = status.words
            if status.source:
                click.echo(f"{brief.slug} {lang}: source language, {len(status.units)} units, {sum(words.values()):,} words")
                continue
            counts = status.counts
            click.echo(f"{brief.slug} {lang}: {status.percent:.0f} % — {counts['translated']} translated, "
                       f"{counts['stale']} stale, {counts['missing']} missing")
            click.echo(f"  words: {words['translated']:,} translated, {words['stale']:,} stale, {words['missing']:,} missing "
                       f"(source words; {words['stale'] + words['missing']:,} to translate)")
            tool = tool_strings_status(lang)
            click.echo(f"  briefgen's own strings ({display_path(tool.catalog)}): {tool.units['translated']} translated, "
                       f"{tool.units['stale']} stale, {tool.units['missing']} missing; words: {tool.words['translated']:,} "
                       f"translated, {tool.words['stale']:,} stale, {tool.words['missing']:,} missing")
            if units:
                for item in status.incomplete:
                    yaml_file = brief.files[item.unit.file]
                    line, column = yaml_file.position(item.unit.yaml_path)
                    click.echo(f"  {item.state:7} {yaml_file.shown}:{line}:{column}: {item.unit.key}")


@main.command()
@click.argument("content_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--since", default="previous", show_default=True, metavar="EDITION_DATE|previous|sent",
              help="Compare with the edition of this date (YYYY-MM-DD), the previous one built, or the one last "
                   "sent (the workspace's send ledger).")
@click.option("--recipient", metavar="ADDRESS", help="With --since sent: the edition this address was sent.")
@click.option("-l", "--lang", "lang", metavar="CODE", help="Language of the list (default: the brief's source language).")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the builds (and their snapshots) are [default: the workspace's output/].")
def changes(content_dir, since, recipient, lang, out_dir) -> None:
    """What changed in the data since an earlier edition: prisoners, sanctions, recommendations, counts."""
    from briefgen.editions.changes import describe_changes
    from briefgen.load.content import load_brief
    from briefgen.editions.i18n import format_date
    from briefgen.editions.resolve import Localizer

    brief = load_brief(content_dir)
    lang = lang or brief.source_language
    if recipient and since != "sent":
        raise click.UsageError("--recipient goes with --since sent")
    base, found = describe_changes(brief, _out(out_dir, content_dir), lang, since, recipient)
    from briefgen.load.model import PartialDate

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
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None,
              help="Where the preview builds are written, apart from the editions that `send` mails "
                   "[default: the workspace's output/.preview].")
def serve(content_dir, port, lang, out_dir) -> None:
    """Preview a brief on 127.0.0.1: rebuilds on save and reloads the open page."""
    from briefgen.editions.serve import serve as run

    directory = content_dir or _brief_dirs(())[0]
    try:
        run(directory, out_dir or _out(None, directory) / ".preview", "127.0.0.1", port, lang,
            ready=lambda url: click.echo(f"Previewing {display_path(directory)} at {url} — Ctrl-C to stop"))
    except KeyboardInterrupt:
        click.echo("stopped")
    except OSError as error:
        raise BriefgenError(f"cannot listen on 127.0.0.1:{port}: {error.strerror} — try --port {port + 1}") from None


@main.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--name", "organisation", default="Our organisation", show_default=True,
              help="The organisation's name (briefgen.toml and _brand.yml).")
@click.option("-l", "--language", "languages", multiple=True, metavar="TAG",
              help="A default language of new briefs, BCP 47 (repeatable; default: en).")
def init(folder: Path, organisation: str, languages: tuple[str, ...]) -> None:
    """Make FOLDER (default: here) a workspace: briefgen.toml, _brand.yml, .gitignore, content/."""
    from briefgen.workspace.init import create_workspace

    written = create_workspace(folder, organisation, list(languages) or None)
    click.echo(f"{display_path(folder.resolve()) or '.'}: workspace ({', '.join(p.name for p in written)}, content/) — "
               "next: briefgen new my-first-brief")


@main.command()
def doctor() -> None:
    """Check this machine and workspace: Python, WeasyPrint, Pango, fonts per language, SMTP, optional parts."""
    from briefgen.workspace.doctor import FAIL, run_checks

    checks = run_checks()
    for check in checks:
        click.echo(f"{check.state:4}  {check.name}: {check.detail}")
        if check.fix:
            click.echo(f"      fix: {check.fix}")
    failed = [check for check in checks if check.state == FAIL]
    if failed:
        raise BriefgenError(f"{len(failed)} check{'s' if len(failed) != 1 else ''} failed (see the fixes above)")
    click.echo("everything briefgen needs is here")


# ---------------------------------------------------------------- send (issue #4)

@main.command()
@click.argument("content_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-r", "--recipients", "recipients_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=".xlsx, .ods, CSV (UTF-8, header row) or YAML: name, email, language, salutation[, surname, group, "
                   "country, committee].")
@click.option("--send", "really_send", is_flag=True, help="Send for real (default: a dry run that writes .eml files).")
@click.option("--group", "groups", multiple=True, help="Only recipients of this group (repeatable).")
@click.option("--country", "countries", multiple=True, help="Only recipients from this country (repeatable).")
@click.option("--status", "show_status", is_flag=True, help="Show who has which edition, from the send ledger.")
@click.option("--retry-unknown", is_flag=True,
              help="Send again the messages whose outcome is unknown (the connection dropped after hand-over).")
@click.option("--resend-updated", is_flag=True, help="Send the new edition to those who have an earlier one.")
@click.option("--changes", "changes_since", metavar="EDITION_DATE|previous|sent",
              help="List in the cover email what changed since that edition (see `briefgen changes`); sent: since "
                   "the edition each recipient was sent.")
@click.option("--ledger-lost", is_flag=True,
              help="The ledger lost sends (missing, emptied, damaged, replaced): go on with it as it is, knowing that "
                   "those it forgot may get a second copy.")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The build's output folder, with the editions and the outbox [default: the workspace's output/; "
                   "the ledger is the workspace's].")
@click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="SMTP settings, TOML or YAML with an [smtp] table (default: the workspace's briefgen.toml).")
@click.option("--smtp-host", help="SMTP server [BRIEFGEN_SMTP_HOST].")
@click.option("--smtp-port", type=int, help="Port (default 587 for starttls, 465 for ssl) [BRIEFGEN_SMTP_PORT].")
@click.option("--smtp-security", type=click.Choice(["starttls", "ssl", "none"]),
              help="Encryption (default starttls) [BRIEFGEN_SMTP_SECURITY].")
@click.option("--smtp-user", help="Login; the password comes from BRIEFGEN_SMTP_PASSWORD or a prompt [BRIEFGEN_SMTP_USER].")
@click.option("--smtp-cafile", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="PEM file of the CA to trust for the server's certificate [BRIEFGEN_SMTP_CAFILE].")
@click.option("--smtp-timeout", type=float, help="Seconds to wait for the server (default 30).")
@click.option("--from", "sender", help="From address, e.g. \"Name <a@b.org>\" (default: the brief's contact) [BRIEFGEN_FROM].")
@click.option("--reply-to", help="Reply-To address [BRIEFGEN_REPLY_TO].")
@click.option("--per-minute", type=float, help="Send at most this many messages a minute.")
@click.option("--attempts", type=click.IntRange(1, 20), default=4, show_default=True,
              help="Tries per message on a transient failure (4xx, dropped connection).")
@click.option("--backoff", type=float, default=2.0, hidden=True, help="Seconds before the first retry; doubled each time.")
@click.option("--to", "test_to", metavar="ADDRESS",
              help="Send only test copies to ADDRESS: one per recipient language, as its first recipient would get "
                   "it; not recorded in the ledger.")
@click.option("--limit", type=click.IntRange(min=1), help="Send at most N messages this run (the rest next time).")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation on a terminal before sending.")
@click.option("--allow-incomplete", is_flag=True,
              help="Send an edition whose translation is incomplete (default: the source-language edition, saying so).")
@click.option("--csv", "as_csv", is_flag=True, help="With --status: write the status as CSV for a spreadsheet.")
def send(content_dir, recipients_file, really_send, groups, countries, show_status, retry_unknown, resend_updated,
         changes_since, ledger_lost, out_dir, config, smtp_host, smtp_port, smtp_security, smtp_user, smtp_cafile, smtp_timeout, sender, reply_to,
         per_minute, attempts, backoff, test_to, limit, yes, allow_incomplete, as_csv) -> None:
    """Email the PDF editions of a brief, each recipient in their language (dry run unless --send)."""
    from briefgen.delivery import campaign
    from briefgen.delivery import send as sending
    from briefgen.delivery.smtp import Retry
    from briefgen.delivery.mailconfig import load_settings
    from briefgen.delivery.recipients import load_recipients

    out_dir = _out(out_dir, content_dir)
    if show_status:
        recipients = load_recipients(recipients_file) if recipients_file else None
        lines = sending.status(content_dir, out_dir, recipients)
        if as_csv:
            click.echo(campaign.status_csv(lines), nl=False)
            return
        _show_status(lines)
        if lines:
            click.echo()
            header = ("edition", "state", "addresses") if recipients is None else \
                ("language", "edition", "state", "addresses")
            _table(header, campaign.status_totals(lines, recipients))
        return
    if as_csv:
        raise click.UsageError("--csv goes with --status")
    if recipients_file is None:
        raise click.UsageError("give the recipients file: --recipients meps.csv")
    settings = load_settings(config, {
        "host": smtp_host, "port": smtp_port, "security": smtp_security, "user": smtp_user, "from": sender,
        "reply_to": reply_to, "cafile": smtp_cafile, "timeout": smtp_timeout, "per_minute": per_minute})
    plan = sending.prepare(content_dir, recipients_file, out_dir, groups=groups, countries=countries,
                           settings=settings, retry_unknown=retry_unknown, resend_updated=resend_updated,
                           changes_since=changes_since, ledger_lost=ledger_lost, allow_incomplete=allow_incomplete)
    for note in plan.notes:
        click.echo(note, err=True)
    held = campaign.limit(plan, limit)
    if test_to:
        _send_test_copies(plan, campaign.test_copies(plan, test_to), test_to, really_send, yes, settings,
                          Retry(attempts=attempts, backoff=backoff))
        return
    _show_plan(plan)
    count = len(plan.to_send)
    plural = "message" if count == 1 else "messages"
    later = f" ({held} more on the next run: --limit)" if held else ""
    if not really_send:
        written = sending.write_outbox(plan)
        click.echo()
        _table(("language", "edition", "to send", "had it", "earlier edition", "other"), campaign.plan_totals(plan))
        if written:
            click.echo(f"{len(written)} {plural} written to {display_path(plan.outbox)}/ (open them in your mail program)")
        click.echo(f"nothing was sent; add --send to send {count} {plural}{later}" if count else
                   "nothing to send: every recipient listed already has this edition or awaits a decision")
        return
    if not count:
        click.echo("nothing to send: every recipient listed already has this edition or awaits a decision")
        if any(item.action == sending.UNKNOWN for item in plan.items):
            _show_report(plan, sending.Report())  # outcomes still unknown: listed, exit 1
        return
    _confirm(f"Send {count} {plural} to {len({item.recipient.key for item in plan.to_send})} recipient(s) in "
             f"{_languages(plan.to_send)} through {settings.where}{later}?", yes)
    password = _password(settings)
    with click.progressbar(length=count, label=f"Sending {count} {plural}", file=click.get_text_stream("stderr"),
                           show_pos=True) as bar:
        try:
            report = sending.send_plan(plan, settings, password, retry=Retry(attempts=attempts, backoff=backoff),
                                       on_progress=lambda item, outcome: bar.update(1))
        except KeyboardInterrupt:
            click.echo("\ninterrupted: every message handed over is recorded in the ledger; run the same command "
                       "again to send the rest", err=True)
            raise SystemExit(130) from None
    _show_report(plan, report)


def _languages(items) -> str:
    from collections import Counter

    counts = Counter(item.recipient.language for item in items)
    return ", ".join(f"{lang} {count}" for lang, count in sorted(counts.items()))


def _confirm(question: str, yes: bool) -> None:
    """On a terminal, ask before the first message leaves (``--yes`` skips it); elsewhere (scripts, CI) go on."""
    import sys

    if yes or not sys.stdin.isatty():
        return
    if not click.confirm(question, default=False, err=True):
        raise BriefgenError("nothing was sent (not confirmed)")


def _password(settings) -> str | None:
    import os

    from briefgen.delivery.mailconfig import PASSWORD_ENV

    if not settings.user:
        return None
    return os.environ.get(PASSWORD_ENV) or click.prompt(f"Password for {settings.user} at {settings.host}",
                                                       hide_input=True, err=True)


def _send_test_copies(plan, copies, address, really_send, yes, settings, retry) -> None:
    from briefgen.delivery import campaign
    from briefgen.editions.output import write_atomic

    rows = [(f"{item.recipient.name} ({item.recipient.language})", item.edition.attachment_name, item.recipient.address)
            for item in copies]
    _table(("as it goes to", "attachment", "test copy to"), rows)
    if not really_send:
        plan.outbox.mkdir(mode=0o700, parents=True, exist_ok=True)
        for item in copies:
            write_atomic(plan.outbox / f"test-{item.recipient.language}.eml", plan.message(item).as_bytes(smtp=False),
                         mode=0o600)
        click.echo(f"{len(copies)} test copies written to {display_path(plan.outbox)}/test-*.eml; "
                   f"add --send to send them to {address}")
        return
    _confirm(f"Send {len(copies)} test copies to {address}?", yes)
    outcomes = campaign.send_test_copies(plan, copies, settings, _password(settings), retry=retry)
    failed = [(item, outcome) for item, outcome in outcomes if outcome.state != "sent"]
    for item, outcome in failed:
        click.echo(f"test copy ({item.recipient.language}) not delivered: {outcome.response}", err=True)
    click.echo(f"{len(outcomes) - len(failed)} test copies sent to {address} (not recorded in the ledger); "
               f"{len(plan.to_send)} message(s) to send: run the same command without --to")
    if failed or len(outcomes) < len(copies):
        raise BriefgenError(f"{len(copies) - len(outcomes) + len(failed)} test copies not delivered")


def _show_plan(plan) -> None:
    from briefgen.delivery.send import SEND

    rows = [(f"{item.recipient.name} <{item.recipient.email}>",
             item.recipient.language + (f" → {item.edition.lang}" if item.fallback else ""),
             item.edition.attachment_name, _size(len(item.edition.data) or item.edition.path.stat().st_size),
             "" if item.action == SEND else item.action) for item in plan.items]
    _table(("recipient", "language", "attachment", "size", "note"), rows)


def _show_report(plan, report) -> None:
    from briefgen.delivery.send import HAS_EARLIER, HAS_IT, IN_FLIGHT, UNKNOWN

    click.echo(f"sent {len(report.sent)} of {len(plan.to_send)}")
    taken = report.taken + [(item, IN_FLIGHT) for item in plan.items if item.action == IN_FLIGHT]
    for item, response in taken:
        click.echo(f"skipped: {item.recipient.email}: {response}")
    if taken:
        click.echo(f"{len(taken)} recipient(s) were being sent this edition by another run at the same time "
                   "and were skipped")
    for item, response in report.rejected:
        click.echo(f"rejected: {item.recipient.email}: {response}", err=True)
    for item, response in report.deferred:
        click.echo(f"not sent (will be tried again): {item.recipient.email}: {response}", err=True)
    unknown = [(item, response) for item, response in report.unknown]
    unknown += [(item, item.previous.response) for item in plan.items if item.action == UNKNOWN]
    for item, response in unknown:
        click.echo(f"outcome unknown: {item.recipient.email}: {response}", err=True)
    if unknown:
        click.echo(f"{len(unknown)} message(s) may or may not have arrived: check with the recipient or the mail "
                   "server, then send them again with --retry-unknown if needed", err=True)
    has_it = sum(item.action == HAS_IT for item in plan.items)
    earlier = sum(item.action == HAS_EARLIER for item in plan.items)
    if has_it:
        click.echo(f"{has_it} recipient(s) already had this edition and were skipped")
    if earlier:
        click.echo(f"{earlier} recipient(s) have an earlier edition and were skipped (--resend-updated sends them this one)")
    if report.stopped:
        raise BriefgenError(report.stopped)
    if report.rejected or report.deferred:
        raise BriefgenError(f"{len(report.rejected) + len(report.deferred)} message(s) not delivered (listed above)")
    if unknown:
        raise BriefgenError(f"{len(unknown)} outcome(s) unknown: " + ", ".join(item.recipient.email for item, _ in unknown))


def _show_status(lines) -> None:
    if not lines:
        click.echo("nothing sent yet")
        return
    shown = {"handed-over": "outcome unknown", "attempting": "not sent (interrupted)", "deferred": "not sent (deferred)"}
    rows = [(f"{line.name} <{line.address}>", line.lang,
             shown.get(line.state, line.state) + ("" if line.current or line.state == "not sent" else " (earlier edition)"),
             line.when, line.response[:60]) for line in lines]
    _table(("recipient", "edition", "state", "when", "server answer"), rows)


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    from briefgen.delivery.headers import for_terminal

    # names come from files others wrote: an escape sequence could erase or rewrite rows of the terminal
    rows = [tuple(for_terminal(str(cell)) for cell in row) for row in rows]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    for row in (header, *rows):
        click.echo("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
