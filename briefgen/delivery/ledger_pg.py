"""The team ledger on PostgreSQL (psycopg 3), for officers sending from several machines.

``briefgen.toml``::

    [send]
    ledger = "postgresql://briefgen@db.example.org/briefgen"   # password: PGPASSWORD or ~/.pgpass

The same tables and the same claim as the SQLite ledger: an insert under the
primary key (``ON CONFLICT DO NOTHING``), else the row read ``FOR UPDATE``
and taken only if nobody holds it, in one transaction. Each run holds a
session advisory lock for as long as it runs, so a sender on another
machine can tell a live claim from the leftover of a killed one.
"""

from __future__ import annotations

import socket
from contextlib import contextmanager
from typing import Iterator

from briefgen.delivery.ledger import Ledger, LedgerError, Run, advisory_key, shown, timeout


class PostgresLedger(Ledger):
    for_update = " FOR UPDATE"

    def __init__(self, location: str, conn):
        self.location = location
        self.conn = conn

    def explain(self, error: Exception) -> LedgerError:
        import psycopg

        where = shown(self.location)
        if isinstance(error, (psycopg.errors.LockNotAvailable, psycopg.errors.QueryCanceled)):
            return LedgerError(f"the team ledger {where} is locked by {self._holders()}: wait until it is done (or end "
                               "that session), then run the same command again; nothing more was sent")
        if isinstance(error, psycopg.errors.DiskFull):
            return LedgerError(f"the database server of the team ledger {where} has no space left: nothing more was "
                               "sent; free space there, then run the same command again")
        if isinstance(error, (psycopg.errors.InsufficientPrivilege, psycopg.errors.ReadOnlySqlTransaction)):
            return LedgerError(f"cannot write the team ledger {where}: {_first_line(error)} — grant this user INSERT "
                               "and UPDATE there; nothing was sent")
        if isinstance(error, psycopg.OperationalError):
            return LedgerError(f"cannot reach the team ledger {where}: {_first_line(error)} — check [send] ledger in "
                               "briefgen.toml and that the server runs (password: PGPASSWORD or ~/.pgpass); "
                               "nothing more was sent")
        return LedgerError(f"the team ledger {where} cannot be used: {_first_line(error)}")

    def _holders(self) -> str:
        """The other sessions holding locks on the ledger's tables (read on a fresh connection)."""
        import psycopg

        try:
            with psycopg.connect(self.location, autocommit=True, connect_timeout=5) as conn:
                rows = conn.execute(
                    "SELECT DISTINCT a.pid, a.application_name, coalesce(host(a.client_addr), 'local'), a.xact_start"
                    " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                    " WHERE l.granted AND l.relation IN ('deliveries'::regclass, 'runs'::regclass, 'meta'::regclass)"
                    " AND a.pid <> pg_backend_pid()").fetchall()
        except psycopg.Error:
            rows = []
        if not rows:
            return "another session (it could not be named)"
        return "; ".join(f"session {pid} ({name or 'no application name'}) from {addr}, in a transaction since "
                         f"{start.isoformat(timespec='seconds') if start else '?'}" for pid, name, addr, start in rows)

    @contextmanager
    def guarded(self) -> Iterator[None]:
        import psycopg

        try:
            yield
        except psycopg.Error as error:
            raise self.explain(error) from None

    def _execute(self, sql: str, args: tuple = ()):
        with self.guarded():
            return self.conn.execute(self._sql(sql), args)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.guarded(), self.conn.transaction():
            yield

    def _run_alive(self, run: Run) -> bool:
        # a run holds its advisory lock for as long as its session lives, on whatever machine
        return not self._execute("SELECT pg_try_advisory_xact_lock(%s)", (advisory_key(run.id),)).fetchone()[0]

    def initialise(self) -> None:
        # two first senders at once: one creates the tables, the other waits and finds them
        with self.transaction():
            self._execute("SELECT pg_advisory_xact_lock(%s)", (advisory_key("briefgen ledger schema"),))
            super().initialise()

    def register(self, run: Run) -> None:
        super().register(run)
        self._execute("SELECT pg_advisory_lock(%s)", (advisory_key(run.id),))

    def close(self) -> None:
        self.conn.close()

    @classmethod
    def open(cls, location: str, *, create: bool) -> "PostgresLedger | None":
        try:
            import psycopg
        except ImportError:
            raise LedgerError(f"the team ledger {shown(location)} is on PostgreSQL, which needs psycopg: install it "
                              "with pip install 'briefgen[postgresql]'") from None

        probe = cls(location, None)
        with probe.guarded():
            conn = psycopg.connect(location, autocommit=True, connect_timeout=10,
                                   application_name=f"briefgen on {socket.gethostname()}"[:63])
        ledger = cls(location, conn)
        try:
            ledger._execute(f"SET lock_timeout = {int(timeout() * 1000)}")
            found = ledger._execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()[0]
            if not found:
                if not create:
                    ledger.close()
                    return None
                ledger.initialise()
        except BaseException:
            ledger.close()
            raise
        return ledger


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
