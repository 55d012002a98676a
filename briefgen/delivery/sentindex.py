"""Evidence that sends happened, kept apart from the ledger, so that a lost ledger is noticed.

Two small files, written by every sending run (before its first message and
after its last), each naming the ledger by its identity and counting the
(edition, address) pairs it records — messages sent or tried; rows are never
deleted, so the count only grows:

* ``.briefgen/sent-marker.json`` in the workspace — survives a ledger file
  deleted, truncated or replaced;
* ``output/<slug>/.sent-index.json`` beside the editions (with a count per
  edition) — survives the whole ``.briefgen/`` folder lost.

Before anything is sent, :func:`check` compares them with the ledger: a ledger
that is missing, empty, another one, or holds fewer rows than recorded means
sends were forgotten, and sending stops until the user says ``--ledger-lost``.
An old per-output ledger (``output/<slug>/send-ledger.sqlite3``) is moved into
the workspace ledger by :func:`migrate_old_ledger`.
"""

from __future__ import annotations

import errno
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import display_path
from briefgen.delivery.ledger import Delivery, Ledger, LedgerError, now, shown
from briefgen.editions.output import write_atomic

MARKER = "sent-marker.json"
INDEX = ".sent-index.json"
OLD_LEDGER = "send-ledger.sqlite3"


@dataclass(frozen=True)
class Evidence:
    """What one marker or index file says: which ledger, and how many pairs it recorded."""

    path: Path
    ledger_id: str
    recorded: int
    slug: str | None  # None: the workspace marker (counts every brief)


def marker_path(state_dir: Path) -> Path:
    return Path(state_dir) / MARKER


def index_path(out_dir: Path, slug: str) -> Path:
    return Path(out_dir) / slug / INDEX


def _read(path: Path, slug: str | None) -> Evidence | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Evidence(path, str(data["ledger_id"]), int(data["recorded"]), slug)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        # an unreadable record still says that sends happened
        return Evidence(path, "", 1, slug)


def read_evidence(state_dir: Path, out_dir: Path, slug: str) -> list[Evidence]:
    found = [_read(marker_path(state_dir), None), _read(index_path(out_dir, slug), slug)]
    return [evidence for evidence in found if evidence is not None]


def loss(ledger: Ledger | None, evidence: list[Evidence], location: str) -> str | None:
    """Why the ledger has forgotten sends the evidence records, or None when it has not."""
    for record in evidence:
        if record.recorded <= 0:
            continue
        claim = (f"{display_path(record.path)} records {record.recorded} message(s) sent or tried"
                 + (f" with ledger {record.ledger_id[:8]}" if record.ledger_id else ""))
        if ledger is None:
            return f"{claim}, but the ledger {shown(location)} is missing or empty"
        if record.ledger_id and ledger.id != record.ledger_id:
            return f"{claim}, but {shown(location)} is another ledger ({ledger.id[:8]})"
        count = ledger.recorded_count(record.slug)
        if count < record.recorded:
            return f"{claim}, but the ledger {shown(location)} holds only {count}"
    return None


def write_evidence(ledger: Ledger, state_dir: Path, out_dir: Path, slug: str) -> None:
    """Record, in both files, the ledger's identity and how many pairs it holds (0600)."""
    rows = ledger.all(slug)
    editions: dict[str, int] = {}
    for row in rows:
        editions[row.edition] = editions.get(row.edition, 0) + 1
    stamp = now()
    marker = {"ledger": shown(ledger.location), "ledger_id": ledger.id, "recorded": ledger.recorded_count(),
              "updated": stamp}
    index = {"ledger": shown(ledger.location), "ledger_id": ledger.id, "recorded": len(rows), "editions": editions,
             "updated": stamp}
    for path, data in ((marker_path(state_dir), marker), (index_path(out_dir, slug), index)):
        try:
            if not path.parent.exists():
                path.parent.mkdir(mode=0o700, parents=True)
            write_atomic(path, json.dumps(data, indent=1, sort_keys=True), mode=0o600)
        except OSError as error:
            why = ("no space left on the disk" if error.errno == errno.ENOSPC else
                   "its folder is read-only" if error.errno in (errno.EACCES, errno.EROFS, errno.EPERM) else error.strerror)
            raise LedgerError(f"cannot write {display_path(path)} ({why}), which records that sends happened: "
                              "fix that, then run the same command again; nothing more was sent") from None


def migrate_old_ledger(ledger: Ledger, out_dir: Path, slug: str, manifest: dict) -> int:
    """Move the rows of an old ``output/<slug>/send-ledger.sqlite3`` into ``ledger``; return how many.

    Old rows name an edition by its manifest fingerprint; where the PDF now in
    the output folder was built from those sources, the row is keyed by that
    PDF's hash (the same edition), else it stays an earlier edition. The old
    file is renamed ``send-ledger.sqlite3.migrated``.
    """
    old = Path(out_dir) / slug / OLD_LEDGER
    try:
        db = sqlite3.connect(old)
        try:
            rows = db.execute("SELECT edition, address, slug, lang, name, message_id, state, attempts, first_try,"
                              " updated, response FROM deliveries").fetchall()
        finally:
            db.close()
    except sqlite3.Error as error:
        raise LedgerError(f"the old ledger {display_path(old)} cannot be read ({error}): restore it, or move it away "
                          "if it is lost (then --ledger-lost may be needed); nothing was sent") from None
    hashes = {}
    for name, entry in manifest.items():
        path = Path(out_dir) / slug / name
        if name.endswith(".pdf") and path.is_file():
            hashes[entry.get("fingerprint")] = hashlib.sha256(path.read_bytes()).hexdigest()
    with ledger.transaction():
        for row in rows:
            edition = hashes.get(row[0], row[0])
            ledger.insert(Delivery(edition, *row[1:], source=row[0]))
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{old}{suffix}")
        if part.exists():
            part.rename(Path(f"{old}.migrated{suffix}"))
    return len(rows)
