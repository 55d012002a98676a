"""Send the editions of a brief to a list of recipients: plan, dry run (outbox), send, status.

``prepare`` checks everything before anything is sent — the recipients
file, that every edition to attach exists and is as new as its sources
(the manifest's fingerprint still matches), the sender, the workspace
ledger (and that it has not lost sends: :mod:`briefgen.delivery.sentindex`) — reads
each PDF edition once (its bytes are what is attached, their SHA-256 what the
ledger records) and decides per recipient: send, already sent, outcome
unknown, or holds an earlier edition. ``write_outbox`` writes each message
as a ``.eml`` file; ``send_plan`` claims each (edition, address) pair in the
ledger and hands the message to the SMTP server, journalling every step.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import time
from dataclasses import dataclass, field
from email.headerregistry import Address
from pathlib import Path
from typing import Callable

from briefgen.delivery import smtp as delivery

from briefgen.editions import fingerprint

from briefgen.editions import i18n

from briefgen.delivery import sentindex
from briefgen.errors import BriefgenError, display_path
from briefgen.load.safefile import brief_slug
from briefgen.delivery.ledger import (ATTEMPTING, DEFERRED, HANDED_OVER, REJECTED, SENT, Delivery, Ledger, LedgerError,
                             open_ledger, shown, this_run)
from briefgen.delivery.mail import Cover, EditionInfo, build, describe_edition, email_language, header_problems, message_id
from briefgen.delivery.cover import translation_problems as cover_problems
from briefgen.delivery.mailconfig import SmtpSettings
from briefgen.delivery.recipients import Recipient, load_recipients, select
from briefgen.workspace import workspace_of_brief

log = logging.getLogger(__name__)

OUTBOX = "outbox"

#: what a run does with a recipient
SEND, HAS_IT, UNKNOWN, HAS_EARLIER = "send", "already sent", "outcome unknown", "has an earlier edition"
IN_FLIGHT = "being sent by another run"
#: the progress of a message another run claimed first (no SMTP outcome of this run)
SKIPPED = "skipped"
#: `--changes sent`: compare with the edition each recipient was sent (from the ledger)
SINCE_SENT = "sent"


@dataclass
class Planned:
    recipient: Recipient
    edition: EditionInfo
    message_id: str
    action: str
    previous: Delivery | None = None  # the ledger row behind the action, if any

    @property
    def fallback(self) -> bool:
        return self.edition.lang != self.recipient.language


@dataclass
class Plan:
    slug: str
    brief_dir: Path
    out_dir: Path
    sender: Address
    reply_to: Address | None
    items: list[Planned]
    ledger: str = ""                  # where the workspace ledger is (a path or a postgresql:// URL)
    state_dir: Path = Path(".briefgen")
    ledger_lost: str = ""             # what was lost, when the user said --ledger-lost
    damaged: bool = False             # the ledger file is damaged: moved aside before sending
    sources: dict[str, str] = field(default_factory=dict)    # edition hash → manifest fingerprint
    snapshots: dict[str, str] = field(default_factory=dict)  # edition hash → the data it shows (JSON)
    notes: list[str] = field(default_factory=list)           # what the user should know before sending
    covers: dict[str, list[str]] = field(default_factory=dict)  # email language → the brief's cover text (cover.md)

    @property
    def to_send(self) -> list[Planned]:
        return [item for item in self.items if item.action == SEND]

    @property
    def outbox(self) -> Path:
        return self.out_dir / self.slug / OUTBOX

    @property
    def ledger_path(self) -> Path:
        return Path(self.ledger)

    def message(self, item: Planned) -> Cover:
        return build(item.recipient, item.edition, self.sender, self.reply_to,
                     cover=self.covers.get(email_language(item.recipient.language)))


@dataclass
class Report:
    """What a sending run did."""

    sent: list[Planned] = field(default_factory=list)
    rejected: list[tuple[Planned, str]] = field(default_factory=list)
    deferred: list[tuple[Planned, str]] = field(default_factory=list)
    unknown: list[tuple[Planned, str]] = field(default_factory=list)
    taken: list[tuple[Planned, str]] = field(default_factory=list)  # claimed or sent by another run meanwhile
    stopped: str = ""  # why the run stopped early, if it did


def sent_edition(out_dir: Path, slug: str, lang: str, restricted_content: bool) -> Path:
    """The PDF that ``send`` attaches: the restricted edition (for named recipients) when the
    brief has restricted content, else its only edition (see briefgen/editions/audience.py)."""
    return fingerprint.output_path(out_dir, slug, lang, "pdf", "restricted" if restricted_content else "public")


def check_cover_texts(brief, editions) -> None:
    """The proof that no cover email carries restricted text: what the emails say about each
    edition (title, author, contact, changes) is searched for every restricted text of the brief
    (see briefgen/editions/leaks.py); a hit is an error at the restricted text's line, before anything is sent."""
    from briefgen.editions.audience import all_restricted_strings
    from briefgen.editions.leaks import leak_problems, text_leaks

    restricted = all_restricted_strings(brief)
    said = "\n".join(str(part) for info in editions for part in (
        info.title, info.short_title, info.author, info.organisation, info.contact_name, info.contact_role,
        info.contact_email, info.contact_phone, *info.changes))
    found = text_leaks(said, [item.text for item in restricted])
    if found:
        raise BriefgenError(problems=leak_problems(brief, found, restricted, "the cover emails"))


def stale_editions(brief_dir: Path, out_dir: Path, langs, restricted_content: bool = False) -> list[str]:
    """What is wrong with each PDF edition in ``langs`` that is missing or older than its sources."""
    slug = brief_slug(brief_dir)
    outputs = fingerprint.read_manifest(out_dir, slug).get("outputs", {})
    lines = []
    for lang in sorted(set(langs)):
        path = sent_edition(out_dir, slug, lang, restricted_content)
        if fingerprint.up_to_date(outputs, path, fingerprint.edition_fingerprint(brief_dir, lang, "pdf")):
            continue
        state = ("is older than its content, templates or translations" if path.is_file()
                 else "has not been built")
        lines.append(f"{display_path(path)} {state}")
    return lines


def _latest_snapshot(out_dir: Path, slug: str) -> str:
    """The data of the last build (JSON), kept in the ledger with each edition for `changes`."""
    import json

    from briefgen.editions.changes import stored_snapshots

    found = stored_snapshots(out_dir, slug)
    return json.dumps(found[-1], sort_keys=True, ensure_ascii=False) if found else ""


def prepare(brief_dir: Path, recipients_file: Path, out_dir: Path = Path("output"), *, groups=(), countries=(),
            settings: SmtpSettings = SmtpSettings(), retry_unknown: bool = False,
            resend_updated: bool = False, changes_since: str | None = None, ledger_lost: bool = False,
            allow_incomplete: bool = False) -> Plan:
    """Check everything and decide, per recipient, what this run does; raise before anything is sent."""
    from briefgen.editions.audience import has_restricted
    from briefgen.load.content import load_brief

    brief_dir, out_dir = Path(brief_dir), Path(out_dir)
    everyone = load_recipients(recipients_file)
    recipients = select(everyone, groups, countries)
    if not recipients:
        known = sorted({r.group for r in everyone if r.group}) if groups else sorted({r.country for r in everyone if r.country})
        raise BriefgenError(f"no recipient in {display_path(recipients_file)} matches "
                            f"{' / '.join((*groups, *countries))}: the file has {', '.join(known) or 'none'}")
    brief = load_brief(brief_dir)
    statuses = edition_statuses(brief, {r.language for r in recipients})
    lang_of = {r.key: edition_for(r.language, brief, statuses, allow_incomplete) for r in recipients}
    problems = [p for lang in sorted({brief.source_language, *lang_of.values()})
                for p in header_problems(brief, lang, statuses[lang])]
    problems += [p for status in statuses.values() for p in cover_problems(brief, status)]
    if problems:
        raise BriefgenError(problems=problems)
    restricted_content = has_restricted(brief)
    stale = stale_editions(brief_dir, out_dir, lang_of.values(), restricted_content)
    if stale:
        command = f"briefgen build {display_path(brief_dir)}"
        if restricted_content:
            command += " --format pdf --audience restricted"
        if out_dir != Path("output"):
            command += f" --out {display_path(out_dir)}"
        raise BriefgenError("\n".join(stale) + f"\nnothing was sent: rebuild first with `{command}`")
    manifest = fingerprint.read_manifest(out_dir, brief.slug).get("outputs", {})
    infos, sources, snapshots = {}, {}, {}
    snapshot = _latest_snapshot(out_dir, brief.slug)
    for lang in sorted(set(lang_of.values())):
        path = sent_edition(out_dir, brief.slug, lang, restricted_content)
        # read once: a rebuild while this run sends changes nothing of it
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        infos[lang] = dataclasses.replace(describe_edition(brief, lang, path, digest, statuses[lang]), data=data)
        sources[digest], snapshots[digest] = manifest[path.name]["fingerprint"], snapshot
        if changes_since and changes_since != SINCE_SENT:
            infos[lang] = _with_changes(infos[lang], brief, out_dir, changes_since)
    if restricted_content:
        check_cover_texts(brief, infos.values())

    sender = settings.sender
    if sender is None:
        source = describe_edition(brief, brief.source_language, Path(), "", statuses[brief.source_language])
        if not source.contact_email:
            raise BriefgenError("no from address: give --from, set BRIEFGEN_FROM, write from = in briefgen.toml's "
                                "[smtp] table, or give the brief a contact email")
        username, domain = source.contact_email.rsplit("@", 1)
        sender = Address(display_name=source.contact_name, username=username, domain=domain)

    workspace = workspace_of_brief(brief_dir)
    plan = Plan(brief.slug, brief_dir, out_dir, sender, settings.reply_to, [], workspace.ledger, workspace.state_dir,
                sources=sources, snapshots=snapshots, covers=covers_by_language(brief, statuses))
    ledger = _open_for_plan(plan, manifest, ledger_lost)
    try:
        plan.items = [_plan_one(r, infos[lang_of[r.key]], sender.domain, ledger, retry_unknown, resend_updated,
                                sources[infos[lang_of[r.key]].fingerprint])
                      for r in recipients]
        if changes_since and ledger:
            for item in plan.items:
                _changes_since_sent(item, plan, ledger)
    finally:
        if ledger:
            ledger.close()
    return plan


def _open_for_plan(plan: Plan, manifest: dict, ledger_lost: bool) -> Ledger | None:
    """The workspace ledger as it is (None when there is none yet), after checking that it has lost
    nothing; an old per-output ledger is moved into it first."""
    old = plan.out_dir / plan.slug / sentindex.OLD_LEDGER
    if old.is_file():
        with open_ledger(plan.ledger, create=True) as ledger:
            count = sentindex.migrate_old_ledger(ledger, plan.out_dir, plan.slug, manifest)
            sentindex.write_evidence(ledger, plan.state_dir, plan.out_dir, plan.slug)
        plan.notes.append(f"moved {count} row(s) of the old ledger {display_path(old)} into the workspace ledger "
                          f"{shown(plan.ledger)} (the old file is kept as {old.name}.migrated)")
    try:
        ledger = open_ledger(plan.ledger, create=False)
    except LedgerError as error:
        if not (ledger_lost and "damaged" in error.message):
            raise
        plan.damaged = True
        ledger = None
    try:
        lost = sentindex.loss(ledger, sentindex.read_evidence(plan.state_dir, plan.out_dir, plan.slug), plan.ledger)
    except LedgerError:
        if ledger:
            ledger.close()
        raise
    if plan.damaged:
        lost = f"the ledger {shown(plan.ledger)} is damaged" + (f" ({lost})" if lost else "")
    if lost and not ledger_lost:
        if ledger:
            ledger.close()
        raise LedgerError(f"sends were forgotten: {lost}. Nothing was sent: restore the ledger from a backup (or point "
                          "[send] ledger in briefgen.toml at it), or, knowing that those recipients may get a second "
                          "copy, run again with --ledger-lost")
    if lost:
        plan.ledger_lost = lost
        plan.notes.append(f"--ledger-lost: {lost}; this run takes the ledger as it is"
                          + (" (the damaged file is kept beside it, renamed, and a new one started)" if plan.damaged else "")
                          + ": recipients it does not list are sent the edition, even if they had it")
    return ledger


def covers_by_language(brief, statuses: dict) -> dict[str, list[str]]:
    """The brief's cover text in each language it is wholly translated into (else the email falls back
    to the built-in text, in the email's language)."""
    from briefgen.delivery.cover import localized

    covers = {}
    for lang, status in statuses.items():
        paragraphs = localized(brief, status)
        if paragraphs and all(u.state == "translated" for u in status.units if u.unit.file == "cover"):
            covers[lang] = paragraphs
    return covers


def edition_statuses(brief, languages) -> dict:
    """How complete the brief's edition is in the source language and in each of ``languages`` it has."""
    from briefgen.editions.translations import edition_status

    wanted = {brief.source_language} | (set(languages) & set(brief.document.editions))
    return {lang: edition_status(brief, lang, cover=True) for lang in sorted(wanted)}


def edition_for(language: str, brief, statuses: dict, allow_incomplete: bool = False) -> str:
    """The edition a reader of ``language`` is sent: their own if the brief has it and it is wholly
    translated (or ``allow_incomplete``), else the source language's."""
    status = statuses.get(language)
    # the edition's own units: an untranslated cover text (cover.md) leaves the PDF whole
    if status is None or (not allow_incomplete and any(item.state != "translated" for item in status.units
                                                       if item.unit.file != "cover")):
        return brief.source_language
    return language


def _with_changes(edition: EditionInfo, brief, out_dir: Path, since: str) -> EditionInfo:
    """``edition`` with the list of what changed since an earlier edition, for the cover email."""
    from briefgen.editions.changes import describe_changes
    from briefgen.load.model import PartialDate

    base, found = describe_changes(brief, out_dir, edition.lang, since)
    when = i18n.format_date(PartialDate.parse(base["edition_date"]), edition.lang) if base["edition_date"] else ""
    return dataclasses.replace(edition, changes=tuple(change.text for change in found), changes_since=when)


def _changes_since_sent(item: Planned, plan: Plan, ledger: Ledger) -> None:
    """Make ``item``'s cover email list what changed since the edition its recipient was last sent, when the
    ledger knows one (it keeps the data each edition showed); others keep the list of ``--changes``."""
    import json

    from briefgen.editions.changes import compare
    from briefgen.load.model import PartialDate

    earlier = [d for d in ledger.of_address(item.recipient.email)
               if d.slug == plan.slug and d.state == SENT and d.edition != item.edition.fingerprint]
    base = ledger.edition_snapshot(earlier[-1].edition) if earlier else ""
    current = plan.snapshots.get(item.edition.fingerprint, "")
    if not base or not current:
        return
    base_data = json.loads(base)
    found = compare(base_data, json.loads(current), item.edition.lang)
    when = i18n.format_date(PartialDate.parse(base_data["edition_date"]), item.edition.lang)
    item.edition = dataclasses.replace(item.edition, changes=tuple(change.text for change in found), changes_since=when)


def sent_snapshot(brief_dir: Path, slug: str, address: str | None = None) -> dict:
    """The data of the last edition of ``slug`` the workspace ledger records as sent (to ``address``,
    or to anyone), for `changes --since sent`."""
    import json

    ledger = open_ledger(workspace_of_brief(brief_dir).ledger, create=False)
    if ledger:
        with ledger:
            for row in reversed(ledger.all(slug)):
                if row.state == SENT and (address is None or row.address == address.lower()):
                    text = ledger.edition_snapshot(row.edition)
                    if text:
                        return json.loads(text)
    to = f" to {address}" if address else ""
    raise BriefgenError(f"the ledger records no edition of {slug} sent{to} (with its data kept): compare with "
                        "--since previous or an edition date instead")


def _plan_one(recipient: Recipient, edition: EditionInfo, domain: str, ledger: Ledger | None,
              retry_unknown: bool, resend_updated: bool, source: str = "") -> Planned:
    mid = message_id(edition.fingerprint, recipient.email, domain)
    row = ledger.get(edition.fingerprint, recipient.email) if ledger else None
    if row and row.state == SENT:
        return Planned(recipient, edition, mid, HAS_IT, row)
    # the same sources rebuilt (--force) give other bytes (the PDF says when it was made): not a new edition
    same = [d for d in (ledger.of_address(recipient.email) if ledger and source else [])
            if d.slug == edition.slug and d.state == SENT and d.source == source]
    if same:
        return Planned(recipient, edition, mid, HAS_IT, same[-1])
    if row and ledger.in_flight(row):  # another sender has it right now: not ours, and not unknown yet
        return Planned(recipient, edition, mid, IN_FLIGHT, row)
    if row and row.state == HANDED_OVER:
        return Planned(recipient, edition, mid, SEND if retry_unknown else UNKNOWN, row)
    earlier = [d for d in (ledger.of_address(recipient.email) if ledger else [])
               if d.slug == edition.slug and d.state == SENT and d.edition != edition.fingerprint]
    if earlier and not resend_updated:
        return Planned(recipient, edition, mid, HAS_EARLIER, earlier[-1])
    return Planned(recipient, edition, mid, SEND, row)


def write_outbox(plan: Plan) -> list[Path]:
    """Write every message of the plan that would be sent as ``outbox/NNN-address.eml``
    (earlier ``.eml`` files are removed, so the outbox shows exactly this run). The outbox is private:
    0700, its files 0600 (they name the recipients)."""
    from briefgen.editions.output import write_atomic

    from briefgen.load.safefile import inside

    if plan.outbox.is_symlink() or (plan.outbox.exists() and not inside(plan.outbox, plan.out_dir)):
        # the old messages are deleted before new ones are written: never anywhere but here
        raise BriefgenError(f"the outbox {display_path(plan.outbox)} is a link to {os.path.realpath(plan.outbox)}: "
                            "remove the link (the outbox is a folder of its own; nothing was sent or deleted)")
    try:
        plan.outbox.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(plan.outbox, 0o700)
        for old in plan.outbox.glob("*.eml"):
            old.unlink()
    except OSError as error:
        raise BriefgenError(f"cannot write the outbox {display_path(plan.outbox)}: {error.strerror} — make "
                            f"{display_path(plan.out_dir)} writable (nothing was sent)") from None
    paths = []
    for number, item in enumerate(plan.to_send, 1):
        safe = "".join(c if c.isalnum() or c in "@.-_" else "_" for c in item.recipient.email.lower())
        path = plan.outbox / f"{number:03d}-{safe}.eml"
        # LF line ends on disk: what mail programs and Python's email parser read back most plainly
        try:
            write_atomic(path, plan.message(item).as_bytes(smtp=False), mode=0o600)
        except OSError as error:
            raise BriefgenError(f"cannot write {display_path(path)}: {error.strerror} (nothing was sent)") from None
        paths.append(path)
    return paths


def _move_aside(location: str) -> None:
    """Keep a damaged ledger file under another name (the user said --ledger-lost)."""
    path = Path(location)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    try:
        for suffix in ("", "-journal", "-wal", "-shm"):
            part = Path(f"{path}{suffix}")
            if part.exists():
                part.rename(Path(f"{path}.damaged-{stamp}{suffix}"))
    except OSError as error:
        raise LedgerError(f"cannot move the damaged ledger {display_path(path)} aside: {error.strerror} — move it "
                          "yourself, then run the same command again; nothing was sent") from None


def send_plan(plan: Plan, settings: SmtpSettings, password: str | None, *,
              on_progress: Callable[[Planned, delivery.Outcome], None] = lambda item, outcome: None,
              retry: delivery.Retry = delivery.Retry(), sleep=None) -> Report:
    """Send the plan's messages, claiming each pair in the ledger first; return what happened.

    A claim another run holds skips the message (``Report.taken``). A lost
    connection or a ledger that can no longer be written stops the run
    (``Report.stopped``); Ctrl-C propagates, with the ledger already in order.
    """
    report = Report()
    settings = settings if settings.sender else SmtpSettings(**{**settings.__dict__, "sender": plan.sender})
    extra = {"sleep": sleep} if sleep else {}
    if plan.damaged:
        _move_aside(plan.ledger)

    def outgoing():
        for item in plan.to_send:
            yield delivery.Outgoing(item.recipient.address, plan.message(item).as_bytes(smtp=True), item,
                                    smtputf8=item.recipient.smtputf8)

    ledger = open_ledger(plan.ledger, create=True)
    run = this_run()
    handed: dict[int, Planned] = {}  # handed over, outcome not yet recorded
    try:
        lost = None if plan.ledger_lost else sentindex.loss(
            ledger, sentindex.read_evidence(plan.state_dir, plan.out_dir, plan.slug), plan.ledger)
        if lost:  # lost between the plan and now
            raise LedgerError(f"sends were forgotten: {lost}. Nothing was sent; see --ledger-lost")
        ledger.register(run)
        for digest, source in plan.sources.items():
            lang = next(item.edition.lang for item in plan.items if item.edition.fingerprint == digest)
            ledger.record_edition(digest, plan.slug, lang, source, plan.snapshots.get(digest, ""))
        sentindex.write_evidence(ledger, plan.state_dir, plan.out_dir, plan.slug)

        def on_attempt(out):
            item: Planned = out.key
            claim = ledger.claim(run, edition=item.edition.fingerprint, address=item.recipient.email, slug=plan.slug,
                                 lang=item.edition.lang, name=item.recipient.name, message_id=item.message_id,
                                 source=plan.sources.get(item.edition.fingerprint, ""),
                                 retry_unknown=item.previous is not None and item.previous.state == HANDED_OVER,
                                 seen_attempts=item.previous.attempts if item.previous else None)
            if not claim.taken:
                state = {ATTEMPTING: "being sent", HANDED_OVER: "handed over (outcome unknown)"}.get(
                    claim.row.state, claim.row.state)
                who = claim.holder.describe() if claim.holder else "another run"
                report.taken.append((item, f"{state} by another run: {who}"))
                log.info("%s: skipped, %s by %s", item.recipient.email, state, who)
                on_progress(item, delivery.Outcome(SKIPPED, report.taken[-1][1]))
                return False
            return True

        def on_handover(out):
            ledger.mark(out.key.edition.fingerprint, out.key.recipient.email, HANDED_OVER)
            handed[id(out.key)] = out.key

        def on_outcome(out, outcome: delivery.Outcome):
            item: Planned = out.key
            state = {delivery.SENT: SENT, delivery.REJECTED: REJECTED, delivery.DEFERRED: DEFERRED,
                     delivery.UNKNOWN: HANDED_OVER}[outcome.state]
            ledger.mark(item.edition.fingerprint, item.recipient.email, state, outcome.response)
            handed.pop(id(item), None)
            if outcome.state == delivery.SENT:
                report.sent.append(item)
            else:
                getattr(report, outcome.state).append((item, outcome.response))
            log.info("%s: %s (%s)", item.recipient.email, outcome.state, outcome.response)
            on_progress(item, outcome)

        try:
            delivery.deliver(outgoing(), settings, password, envelope_from=plan.sender.addr_spec,
                             on_attempt=on_attempt, on_handover=on_handover, on_outcome=on_outcome, retry=retry,
                             smtputf8=tuple(item.recipient.address for item in plan.to_send if item.recipient.smtputf8),
                             **extra)
        except delivery.ConnectionLost as error:
            report.stopped = error.message
        except LedgerError as error:
            report.stopped = error.message
            report.unknown += [(item, "handed over, but the ledger could not record the server's answer")
                               for item in handed.values()]
    finally:
        _finish(ledger, run, plan)
    return report


def _finish(ledger: Ledger, run, plan: Plan) -> None:
    """Mark the run over and bring the evidence files up to date (best effort: the ledger is what counts)."""
    try:
        ledger.finish(run)
        sentindex.write_evidence(ledger, plan.state_dir, plan.out_dir, plan.slug)
    except (LedgerError, OSError) as error:
        log.info("could not bring the sent index up to date: %s", error)
    finally:
        ledger.close()


@dataclass(frozen=True)
class StatusLine:
    address: str
    name: str
    lang: str
    state: str           # a ledger state, or "not sent"
    current: bool        # the row's edition is the one built now
    when: str
    response: str


def current_editions(out_dir: Path, slug: str) -> set[str]:
    """The SHA-256 of each PDF edition now in the output folder."""
    return {hashlib.sha256(path.read_bytes()).hexdigest() for path in (Path(out_dir) / slug).glob(f"{slug}.*.pdf")}


def status(brief_dir: Path, out_dir: Path = Path("output"), recipients: list[Recipient] | None = None) -> list[StatusLine]:
    """Who has which edition: every workspace ledger row of the brief (and, given the recipients, who has none)."""
    slug = brief_slug(brief_dir)
    current = current_editions(out_dir, slug)
    rows: list[Delivery] = []
    ledger = open_ledger(workspace_of_brief(brief_dir).ledger, create=False)
    if ledger:
        with ledger:
            rows = ledger.all(slug)
    lines = [StatusLine(d.address, d.name, d.lang, d.state, d.edition in current, d.updated, d.response) for d in rows]
    listed = {d.address for d in rows}
    lines += [StatusLine(r.key, r.name, r.language, "not sent", False, "", "") for r in recipients or []
              if r.key not in listed]
    return sorted(lines, key=lambda line: (line.address, line.when))
