"""The SQLite ledger (the default): one file in the workspace's ``.briefgen/``, 0600 in a 0700 folder.

A rollback journal (``journal_mode=DELETE``) and ``synchronous=FULL``: a
commit returns once it is on disk, and then the main file alone is whole —
the journal exists only while a transaction is open. A claim is an
immediate transaction (``BEGIN IMMEDIATE``), so two processes claim one
after the other. Every SQLite error becomes a :class:`LedgerError` saying
what is wrong and what to do: locked (naming the process that holds the
lock, from ``/proc/locks``), damaged, read-only, disk full.
"""

from __future__ import annotations

import datetime as _dt
import errno
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from briefgen.errors import display_path
from briefgen.delivery.ledger import Ledger, LedgerError, timeout


def lock_holders(path: Path) -> list[str]:
    """Who holds a lock on the file ``path``: "process 123 (python3 …), running since …" per process."""
    try:
        stat = os.stat(path)
        table = Path("/proc/locks").read_text(encoding="ascii", errors="replace")
    except OSError:
        return []
    device = f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
    pids = []
    for line in table.splitlines():
        fields = line.split()
        if "->" in fields:  # a waiter, not a holder
            continue
        if len(fields) >= 6 and fields[5] == device and fields[4].isdigit() and int(fields[4]) != os.getpid():
            pids.append(int(fields[4]))
    return [_describe_process(pid) for pid in sorted(set(pids))]


def _describe_process(pid: int) -> str:
    import socket

    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
        boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime"))
        since = _dt.datetime.fromtimestamp(boot + ticks / os.sysconf("SC_CLK_TCK"), _dt.timezone.utc)
    except (OSError, ValueError, StopIteration, IndexError):
        return f"process {pid} on {socket.gethostname()}"
    return (f"process {pid} ({command[:80]}) on {socket.gethostname()}, "
            f"running since {since.isoformat(timespec='seconds')}")


class SqliteLedger(Ledger):
    param = "?"

    def __init__(self, path: Path, db: sqlite3.Connection):
        self.path = Path(path)
        self.location = str(path)
        self.db = db

    # -- errors -------------------------------------------------------------
    def explain(self, error: Exception) -> LedgerError:
        """A :class:`LedgerError` saying what is wrong with the ledger and what to do."""
        where = display_path(self.path)
        name = getattr(error, "sqlite_errorname", "")
        code = getattr(error, "errno", None)
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            holders = lock_holders(self.path) or lock_holders(Path(f"{self.path}-journal"))
            who = "; ".join(holders) if holders else "another process (it could not be named)"
            return LedgerError(f"the ledger {where} is locked by {who}: wait until it is done (or end it), then run "
                               "the same command again; nothing more was sent")
        if name == "SQLITE_FULL" or code == errno.ENOSPC:
            return LedgerError(f"no space left on the disk that holds the ledger {where}: free some space, then run "
                               "the same command again; nothing more was sent")
        if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")) or code in (
                errno.EACCES, errno.EROFS, errno.EPERM):
            return LedgerError(f"cannot write the ledger {where}: its folder or file is read-only ({error}): make "
                               f"{display_path(self.path.parent)} writable, or set [send] ledger in briefgen.toml "
                               "to a writable place; nothing was sent")
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or isinstance(error, sqlite3.DatabaseError) and (
                "malformed" in str(error) or "not a database" in str(error)):
            return LedgerError(f"the ledger {where} is damaged ({error}): restore it from a backup, or, if it is "
                               "lost, run with --ledger-lost to start a new one (those already sent may get a "
                               "second copy); nothing was sent")
        return LedgerError(f"the ledger {where} cannot be used: {error}")

    @contextmanager
    def guarded(self) -> Iterator[None]:
        try:
            yield
        except (sqlite3.Error, OSError) as error:
            raise self.explain(error) from None

    # -- backend hooks --------------------------------------------------------
    def _execute(self, sql: str, args: tuple = ()):
        with self.guarded():
            return self.db.execute(self._sql(sql), args)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise
        self._execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    # -- opening --------------------------------------------------------------
    @classmethod
    def open(cls, location: str, *, create: bool) -> "SqliteLedger | None":
        path = Path(location)
        probe = cls(path, None)  # for its error messages
        with probe.guarded():
            if not path.is_file() or path.stat().st_size == 0:
                if not create:
                    return None
                _make_private(path)
            db = sqlite3.connect(path, isolation_level=None, timeout=timeout(), check_same_thread=False)
        ledger = cls(path, db)
        try:
            # one file, whole after every commit; each commit on disk before it returns
            ledger._execute("PRAGMA journal_mode=DELETE")
            ledger._execute("PRAGMA synchronous=FULL")
            tables = {row[0] for row in ledger._execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            check = ledger._execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise ledger.explain(sqlite3.DatabaseError(f"database disk image is malformed: {check}"))
            if "meta" not in tables:
                if not create:
                    ledger.close()
                    return None
                if tables:
                    raise LedgerError(f"{display_path(path)} is not a briefgen ledger (it holds the tables "
                                      f"{', '.join(sorted(tables))}): set [send] ledger in briefgen.toml to another file")
                ledger.initialise()
        except BaseException:
            ledger.close()
            raise
        return ledger


def _make_private(path: Path) -> None:
    """Create the ledger file 0600 (and its folder 0700): it lists who was sent what."""
    if not path.parent.is_dir():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)  # mkdir's mode is filtered by the umask
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
