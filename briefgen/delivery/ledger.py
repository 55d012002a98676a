"""The send ledger: which edition went to which address, when, and what the server said.

One ledger per workspace (``.briefgen/ledger.sqlite3``, or a PostgreSQL
database named by ``[send] ledger`` in ``briefgen.toml``: see
:mod:`briefgen.delivery.ledger_pg`), outside ``output/``, so that no clean, rebuild or
other ``--out`` forgets a send. One row per (edition, address): the edition is
the SHA-256 of the attached PDF's bytes — exactly what the recipient got —
and the address is lower-cased. Each delivery moves through

``attempting`` → ``handed-over`` → ``sent``   (or ``rejected`` / ``deferred``)

and every step is committed (and on disk) before the next one starts:

* ``attempting`` is the *claim*: taken in one transaction (an insert under the
  primary key, or an update of a row nobody holds) before the SMTP
  transaction starts, so two senders at once never both take a pair; the
  data never left: safe to send again once its run is over;
* ``handed-over`` is written just before the message data goes to the
  server (after its ``354``): the outcome is unknown until the server
  answers; never resent by itself (``--retry-unknown``);
* ``sent`` — never sent again (a newer edition only with ``--resend-updated``).

SQLite runs with a rollback journal and ``synchronous=FULL``: after every
commit the main file alone holds everything committed (no ``-wal`` file to
lose), and a commit returns only once it is on disk.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import socket
import uuid
from dataclasses import dataclass

from briefgen.errors import BriefgenError

ATTEMPTING, HANDED_OVER, SENT, REJECTED, DEFERRED = "attempting", "handed-over", "sent", "rejected", "deferred"
STATES = (ATTEMPTING, HANDED_OVER, SENT, REJECTED, DEFERRED)
#: seconds to wait for a ledger another process is writing (BRIEFGEN_LEDGER_TIMEOUT)
DEFAULT_TIMEOUT = 15.0

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    f"""CREATE TABLE IF NOT EXISTS deliveries (
        edition     TEXT NOT NULL,          -- SHA-256 of the attached PDF's bytes
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
        source      TEXT NOT NULL DEFAULT '',   -- the manifest fingerprint of the sources it was built from
        run         TEXT NOT NULL DEFAULT '',   -- the run that holds or last held the row
        PRIMARY KEY (edition, address))""",
    """CREATE TABLE IF NOT EXISTS runs (
        id TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, proc_start TEXT NOT NULL,
        started TEXT NOT NULL, finished TEXT NOT NULL DEFAULT '')""",
    """CREATE TABLE IF NOT EXISTS editions (
        edition TEXT PRIMARY KEY, slug TEXT NOT NULL, lang TEXT NOT NULL, source TEXT NOT NULL,
        snapshot TEXT NOT NULL DEFAULT '', recorded TEXT NOT NULL)""",
]
_COLUMNS = "edition, address, slug, lang, name, message_id, state, attempts, first_try, updated, response, source, run"


class LedgerError(BriefgenError):
    """The ledger cannot be used (locked, damaged, unwritable, disk full); nothing was sent after it."""


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
    source: str = ""
    run: str = ""


@dataclass(frozen=True)
class Run:
    """One sending process, recorded so that others can tell whose claim a row is and whether it lives."""

    id: str
    host: str
    pid: int
    proc_start: str
    started: str
    finished: str = ""

    def describe(self) -> str:
        return f"process {self.pid} on {self.host}, running since {self.started}"


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming a pair: taken, or the row (and the run) that holds it."""

    taken: bool
    row: Delivery | None = None
    holder: Run | None = None


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def process_start(pid: int) -> str:
    """When process ``pid`` started, in clock ticks since boot ('' when unknown): tells a live
    process from a later one that got the same pid."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def this_run() -> Run:
    """A new :class:`Run` for the current process."""
    return Run(uuid.uuid4().hex, socket.gethostname(), os.getpid(), process_start(os.getpid()), now())


def advisory_key(run_id: str) -> int:
    """A signed 64-bit number for a run (PostgreSQL advisory locks)."""
    return int.from_bytes(hashlib.sha256(run_id.encode()).digest()[:8], "big", signed=True)


def timeout() -> float:
    try:
        return float(os.environ.get("BRIEFGEN_LEDGER_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


def may_take(row: Delivery | None, run: Run, *, retry_unknown: bool, seen_attempts: int | None,
             alive) -> bool:
    """Whether ``run`` may claim the pair whose current row is ``row`` (read inside the claim's transaction)."""
    if row is None:
        return True
    if row.state == SENT:
        return False
    if row.state == HANDED_OVER:
        # only the unknown outcome the user saw and chose to retry, not one that appeared since
        return retry_unknown and row.attempts == seen_attempts
    if row.state == ATTEMPTING:
        return row.run == run.id or not alive(row.run)
    return True  # rejected or deferred: nobody holds it


class Ledger:
    """What both backends share: the queries and the claim; subclasses open, transact and explain errors."""

    location: str
    for_update = ""     # PostgreSQL locks the row it reads inside a claim
    param = "%s"

    # -- backend hooks ----------------------------------------------------
    def _execute(self, sql: str, args: tuple = ()):
        raise NotImplementedError

    def transaction(self):
        """A context manager: one transaction, writers one after the other, committed on exit."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- queries ----------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql.replace("%s", self.param)

    def _rows(self, where: str = "", args: tuple = ()) -> list[Delivery]:
        cursor = self._execute(f"SELECT {_COLUMNS} FROM deliveries {where} ORDER BY updated, address", args)
        return [Delivery(*row) for row in cursor.fetchall()]

    @property
    def id(self) -> str:
        """This ledger's identity, made when it was created: a replaced ledger has another."""
        row = self._execute("SELECT value FROM meta WHERE key = %s", ("id",)).fetchone()
        return row[0] if row else ""

    def get(self, edition: str, address: str) -> Delivery | None:
        rows = self._rows("WHERE edition = %s AND address = %s", (edition, address.lower()))
        return rows[0] if rows else None

    def of_address(self, address: str) -> list[Delivery]:
        return self._rows("WHERE address = %s", (address.lower(),))

    def all(self, slug: str | None = None) -> list[Delivery]:
        return self._rows("WHERE slug = %s", (slug,)) if slug else self._rows()

    def recorded_count(self, slug: str | None = None) -> int:
        """How many (edition, address) pairs the ledger records: rows are never deleted, so this only grows."""
        cursor = self._execute("SELECT count(*) FROM deliveries WHERE slug = %s", (slug,)) if slug else \
            self._execute("SELECT count(*) FROM deliveries")
        return cursor.fetchone()[0]

    def run(self, run_id: str) -> Run | None:
        row = self._execute("SELECT id, host, pid, proc_start, started, finished FROM runs WHERE id = %s",
                            (run_id,)).fetchone()
        return Run(*row) if row else None

    def edition_snapshot(self, edition: str) -> str:
        row = self._execute("SELECT snapshot FROM editions WHERE edition = %s", (edition,)).fetchone()
        return row[0] if row else ""

    # -- writes -----------------------------------------------------------
    def initialise(self) -> None:
        """Create the tables and this ledger's identity (in one transaction; a no-op when they exist)."""
        with self.transaction():
            for statement in SCHEMA:
                self._execute(statement)
            self._execute("INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING",
                          ("id", uuid.uuid4().hex))
            self._execute("INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING",
                          ("created", now()))

    def register(self, run: Run) -> None:
        """Record ``run`` so that other senders can name it and tell whether it still runs."""
        self._execute("INSERT INTO runs (id, host, pid, proc_start, started) VALUES (%s, %s, %s, %s, %s)",
                      (run.id, run.host, run.pid, run.proc_start, run.started))

    def finish(self, run: Run) -> None:
        self._execute("UPDATE runs SET finished = %s WHERE id = %s", (now(), run.id))

    def record_edition(self, edition: str, slug: str, lang: str, source: str, snapshot: str) -> None:
        """Keep the data an edition was made from, so that `changes` can compare with what someone was sent."""
        self._execute("INSERT INTO editions (edition, slug, lang, source, snapshot, recorded)"
                      " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (edition) DO NOTHING",
                      (edition, slug, lang, source, snapshot, now()))

    def insert(self, row: Delivery) -> None:
        """Add a row as it is (migrating an old ledger); an existing pair is kept."""
        self._execute(f"INSERT INTO deliveries ({_COLUMNS}) VALUES ({', '.join(['%s'] * 13)})"
                      " ON CONFLICT (edition, address) DO NOTHING",
                      tuple(getattr(row, name) for name in _COLUMNS.split(", ")))

    def _alive(self, run_id: str) -> bool:
        run = self.run(run_id)
        if run is None or run.finished:
            return False
        return self._run_alive(run)

    def _run_alive(self, run: Run) -> bool:
        """Whether an unfinished run still runs: its process, on this machine; elsewhere unknowable
        for a file (the claim stands)."""
        if run.host == socket.gethostname():
            return bool(run.proc_start) and process_start(run.pid) == run.proc_start
        return True

    def in_flight(self, row: Delivery) -> Run | None:
        """The live run that is sending ``row`` right now (claimed or handed over, outcome not yet known)."""
        if row.state not in (ATTEMPTING, HANDED_OVER) or not row.run or not self._alive(row.run):
            return None
        return self.run(row.run)

    def claim(self, run: Run, *, edition: str, address: str, slug: str, lang: str, name: str, message_id: str,
              source: str = "", retry_unknown: bool = False, seen_attempts: int | None = None) -> Claim:
        """Take the pair (edition, address) for ``run`` in one transaction, or say who has it.

        Committed (on disk) before it returns: a message is handed over only after its claim.
        """
        address, stamp = address.lower(), now()
        with self.transaction():
            inserted = self._execute(
                f"INSERT INTO deliveries ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, 1, %s, %s, '', %s, %s)"
                " ON CONFLICT (edition, address) DO NOTHING",
                (edition, address, slug, lang, name, message_id, ATTEMPTING, stamp, stamp, source, run.id)).rowcount
            if inserted == 1:
                return Claim(True)
            cursor = self._execute(f"SELECT {_COLUMNS} FROM deliveries WHERE edition = %s AND address = %s"
                                   f"{self.for_update}", (edition, address))
            row = Delivery(*cursor.fetchone())
            if not may_take(row, run, retry_unknown=retry_unknown, seen_attempts=seen_attempts, alive=self._alive):
                return Claim(False, row, self.run(row.run) if row.run else None)
            self._execute("UPDATE deliveries SET state = %s, attempts = attempts + 1, run = %s, updated = %s, name = %s,"
                          " lang = %s, message_id = %s WHERE edition = %s AND address = %s",
                          (ATTEMPTING, run.id, stamp, name, lang, message_id, edition, address))
        return Claim(True)

    def mark(self, edition: str, address: str, state: str, response: str = "") -> None:
        """Move a delivery to ``state``, with the server's answer (committed before it returns)."""
        if state not in STATES:
            raise ValueError(state)
        self._execute("UPDATE deliveries SET state = %s, response = %s, updated = %s WHERE edition = %s AND address = %s",
                      (state, response, now(), edition, address.lower()))


def is_postgres(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://"))


def shown(location: str) -> str:
    """A ledger location fit to print: a path relative to here, or a URL without its password."""
    if is_postgres(location):
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(location)
        if parts.password:
            netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
            return urlunsplit(parts._replace(netloc=netloc))
        return location
    from briefgen.errors import display_path

    return display_path(location)


def open_ledger(location: str, *, create: bool) -> Ledger | None:
    """The ledger at ``location`` (a file path or a ``postgresql://`` URL).

    Without ``create``, ``None`` when there is none yet (no file, an empty
    file, or a database without the tables); with it, the tables are made.
    Raises :class:`LedgerError` when it is locked, damaged or unwritable.
    """
    if is_postgres(location):
        from briefgen.delivery.ledger_pg import PostgresLedger

        return PostgresLedger.open(location, create=create)
    from briefgen.delivery.ledger_sqlite import SqliteLedger

    return SqliteLedger.open(location, create=create)
