"""The send ledger: which edition went to which address, when, and what the server said.

One SQLite file per brief (``output/<slug>/send-ledger.sqlite3``), one row per
(edition fingerprint, address). Each delivery moves through

``attempting`` → ``handed-over`` → ``sent``   (or ``rejected`` / ``deferred``)

and every step is committed before the next one starts: ``attempting`` is
written before the SMTP transaction begins, ``handed-over`` just before the
message data goes to the server (after its ``354``), ``sent`` only after the
server accepted it. So after a crash, Ctrl-C or a dropped connection:

* ``attempting`` — the data never left: safe to send again;
* ``handed-over`` — the outcome is unknown: never resent by itself, listed
  for the user to decide (``--retry-unknown``);
* ``sent`` — never sent again (a newer edition only with ``--resend-updated``).
"""

from __future__ import annotations

import datetime as _dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

LEDGER = "send-ledger.sqlite3"

ATTEMPTING, HANDED_OVER, SENT, REJECTED, DEFERRED = "attempting", "handed-over", "sent", "rejected", "deferred"
STATES = (ATTEMPTING, HANDED_OVER, SENT, REJECTED, DEFERRED)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS deliveries (
    edition     TEXT NOT NULL,          -- fingerprint of the PDF edition (manifest)
    address     TEXT NOT NULL,          -- lower-cased email address
    slug        TEXT NOT NULL,
    lang        TEXT NOT NULL,          -- language of the attached edition
    name        TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ({", ".join(f"'{s}'" for s in STATES)})),
    attempts    INTEGER NOT NULL DEFAULT 0,
    first_try   TEXT NOT NULL,
    updated     TEXT NOT NULL,
    response    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (edition, address)
);
"""


@dataclass(frozen=True)
class Delivery:
    """One row of the ledger."""

    edition: str
    address: str
    slug: str
    lang: str
    name: str
    message_id: str
    state: str
    attempts: int
    first_try: str
    updated: str
    response: str


def ledger_path(out_dir: Path, slug: str) -> Path:
    return Path(out_dir) / slug / LEDGER


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


class Ledger:
    """The ledger of one brief; every method commits before it returns."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # autocommit: each statement is its own durable transaction
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=10)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _rows(self, where: str = "", args: tuple = ()) -> list[Delivery]:
        cursor = self.db.execute(f"SELECT edition, address, slug, lang, name, message_id, state, attempts, first_try, "
                                 f"updated, response FROM deliveries {where} ORDER BY updated, address", args)
        return [Delivery(*row) for row in cursor.fetchall()]

    def get(self, edition: str, address: str) -> Delivery | None:
        rows = self._rows("WHERE edition = ? AND address = ?", (edition, address.lower()))
        return rows[0] if rows else None

    def of_address(self, address: str) -> list[Delivery]:
        return self._rows("WHERE address = ?", (address.lower(),))

    def all(self) -> list[Delivery]:
        return self._rows()

    def attempting(self, *, edition: str, address: str, slug: str, lang: str, name: str, message_id: str) -> None:
        """Journal an attempt before the SMTP transaction starts."""
        now = _now()
        self.db.execute(
            "INSERT INTO deliveries (edition, address, slug, lang, name, message_id, state, attempts, first_try, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
            " ON CONFLICT (edition, address) DO UPDATE SET state = excluded.state, attempts = attempts + 1,"
            " updated = excluded.updated, name = excluded.name",
            (edition, address.lower(), slug, lang, name, message_id, ATTEMPTING, now, now))

    def mark(self, edition: str, address: str, state: str, response: str = "") -> None:
        """Move a delivery to ``state``, with the server's answer."""
        if state not in STATES:
            raise ValueError(state)
        self.db.execute("UPDATE deliveries SET state = ?, response = ?, updated = ? WHERE edition = ? AND address = ?",
                        (state, response, _now(), edition, address.lower()))
