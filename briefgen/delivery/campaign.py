"""What a mail-merge campaign needs around the plan: test copies to oneself, a limit per run, totals.

* :func:`test_copies` — ``--to ADDRESS``: one message per recipient language, exactly
  as the first recipient of that language would get it (greeting, edition, fallback
  sentence), addressed to the officer instead. Sent outside the ledger: a test copy
  is no delivery, and sending it changes nothing of what the real run will do.
* :func:`limit` — ``--limit N``: at most N messages this run; the rest wait for
  the next run (the ledger knows who already has the edition).
* :func:`plan_totals` / :func:`status_totals` — counts per recipient language and
  edition, for the end of a dry run and for ``--status``; :func:`status_csv`
  writes ``--status`` as a spreadsheet.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
from collections import Counter
from typing import Callable

from briefgen.delivery import smtp as delivery
from briefgen.errors import BriefgenError
from briefgen.delivery.mail import message_id
from briefgen.delivery.mailconfig import SmtpSettings
from briefgen.delivery.recipients import valid_address
from briefgen.delivery.send import HAS_EARLIER, HAS_IT, SEND, Plan, Planned

log = logging.getLogger(__name__)

LATER = "next run (--limit)"


def limit(plan: Plan, count: int | None) -> int:
    """Keep at most ``count`` messages to send in ``plan`` (the others wait, marked :data:`LATER`);
    return how many were held back."""
    if count is None:
        return 0
    held = plan.to_send[count:]
    for item in held:
        item.action = LATER
    return len(held)


def test_copies(plan: Plan, officer: str) -> list[Planned]:
    """One planned message per recipient language (the first recipient of each, as they would get it),
    addressed to ``officer``; fixed Message-IDs of their own, so that no copy is taken for a delivery."""
    checked = valid_address(officer)
    if checked is None:
        raise BriefgenError(f"--to: '{officer}' is not an email address: write it as name@example.org")
    ascii_address = checked.ascii_email or f"{checked.local_part}@{checked.ascii_domain}"
    pool = plan.to_send or plan.items
    firsts: dict[str, Planned] = {}
    for item in pool:
        firsts.setdefault(item.recipient.language, item)
    copies = []
    for language, item in sorted(firsts.items()):
        to = dataclasses.replace(item.recipient, email=checked.normalized, ascii_email=ascii_address)
        mid = message_id(item.edition.fingerprint, f"test copy ({language}) to {officer}", plan.sender.domain)
        copies.append(Planned(to, item.edition, mid, SEND))
    return copies


def send_test_copies(plan: Plan, copies: list[Planned], settings: SmtpSettings, password: str | None, *,
                     retry: delivery.Retry = delivery.Retry(),
                     on_progress: Callable[[Planned, delivery.Outcome], None] = lambda item, outcome: None
                     ) -> list[tuple[Planned, delivery.Outcome]]:
    """Send the test copies, recording nothing in the ledger; return each outcome."""
    settings = settings if settings.sender else dataclasses.replace(settings, sender=plan.sender)
    outcomes: list[tuple[Planned, delivery.Outcome]] = []

    def on_outcome(out, outcome):
        outcomes.append((out.key, outcome))
        on_progress(out.key, outcome)

    items = [delivery.Outgoing(item.recipient.address, _test_message(plan, item), item, smtputf8=item.recipient.smtputf8)
             for item in copies]
    delivery.deliver(items, settings, password, envelope_from=plan.sender.addr_spec, on_attempt=lambda out: True,
                     on_handover=lambda out: None, on_outcome=on_outcome, retry=retry,
                     smtputf8=tuple(item.recipient.address for item in copies if item.recipient.smtputf8))
    return outcomes


def _test_message(plan: Plan, item: Planned) -> bytes:
    cover = plan.message(item)
    del cover.message["Message-ID"]
    cover.message["Message-ID"] = item.message_id
    return cover.as_bytes(smtp=True)


# ------------------------------------------------------------------ totals

def plan_totals(plan: Plan) -> list[tuple[str, str, int, int, int, int]]:
    """Per recipient language and attached edition: (language, edition, to send, already had it,
    have an earlier edition, other — unknown outcome, held back by --limit)."""
    counts: dict[tuple[str, str], Counter] = {}
    for item in plan.items:
        edition = item.edition.lang + ("" if not item.fallback else f" (instead of {item.recipient.language})")
        key = (item.recipient.language, edition)
        kind = {SEND: "send", HAS_IT: "has", HAS_EARLIER: "earlier"}.get(item.action, "other")
        counts.setdefault(key, Counter())[kind] += 1
    rows = [(lang, edition, c["send"], c["has"], c["earlier"], c["other"]) for (lang, edition), c in sorted(counts.items())]
    total = Counter()
    for c in counts.values():
        total.update(c)
    rows.append(("all", "", total["send"], total["has"], total["earlier"], total["other"]))
    return rows


def status_totals(lines, recipients=None) -> list[tuple]:
    """Per edition language and state (the current edition told apart from earlier ones): how many addresses;
    given the recipients list, per recipient language too (language, edition, state, count)."""
    def state(line) -> str:
        return line.state + ("" if line.current or line.state == "not sent" else " (earlier edition)")

    if recipients is None:
        counts = Counter((line.lang, state(line)) for line in lines)
        return [*((lang, st, n) for (lang, st), n in sorted(counts.items())), ("all", "", sum(counts.values()))]
    language = {r.key: r.language for r in recipients}
    counts = Counter((language.get(line.address, "not listed"), "" if line.state == "not sent" else line.lang, state(line))
                     for line in lines)
    return [*((lang, edition, st, n) for (lang, edition, st), n in sorted(counts.items())),
            ("all", "", "", sum(counts.values()))]


STATUS_COLUMNS = ("email", "name", "edition language", "state", "current edition", "when", "server answer")


def status_csv(lines) -> str:
    """``--status --csv``: one row per address and edition, for a spreadsheet (formulas neutralised)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(STATUS_COLUMNS)
    for line in lines:
        row = (line.address, line.name, line.lang, line.state, "yes" if line.current else "no", line.when, line.response)
        # a cell starting with = + - @ is a formula to a spreadsheet: a name could run one
        writer.writerow(["'" + cell if cell[:1] in ("=", "+", "-", "@") else cell for cell in map(str, row)])
    return buffer.getvalue()
