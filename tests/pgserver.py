"""A real PostgreSQL server for the team-ledger tests: a throwaway cluster on 127.0.0.1, or the one
``BRIEFGEN_TEST_POSTGRES_URL`` names. Without a server the tests are skipped on a developer's machine
and fail under CI (``CI`` set), like the browser tests."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from mailserver import free_port

URL_ENV = "BRIEFGEN_TEST_POSTGRES_URL"


def _bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return candidates[-1].parent if candidates else None


def unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}")
    pytest.skip(reason)


@contextmanager
def postgres_cluster(base: Path | None = None) -> Iterator[str]:
    """The URL of a PostgreSQL server's maintenance database (``postgres``), for as long as the block runs."""
    given = os.environ.get(URL_ENV)
    if given:
        yield given
        return
    bindir = _bindir()
    if bindir is None:
        unavailable(f"no PostgreSQL server binaries (initdb): install Debian's postgresql or set {URL_ENV}")
    home = Path(tempfile.mkdtemp(prefix="briefgen-pg-", dir=base))
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        user = next((name for name in ("postgres", "nobody") if _exists(name)), None)
        if user is None:
            unavailable("running as root and no 'postgres' or 'nobody' user to run the server as")
        entry = pwd.getpwnam(user)
        os.chown(home, entry.pw_uid, entry.pw_gid)
        as_user = ["runuser", "-u", user, "--"]
    data, port = home / "data", free_port()
    try:
        subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "briefgen", "--auth=trust",
                        "-E", "UTF8", "--locale=C"], check=True, capture_output=True)
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(home / "log"), "-w", "-t", "60",
                        "-o", f"-h 127.0.0.1 -p {port} -k {home}", "start"], check=True, capture_output=True)
    except subprocess.CalledProcessError as error:
        shutil.rmtree(home, ignore_errors=True)
        unavailable(f"could not start PostgreSQL: {error.stderr.decode(errors='replace')[-400:]}")
    try:
        yield f"postgresql://briefgen@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
        return True
    except KeyError:
        return False


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server for one test; dropped afterwards."""
    import psycopg

    name = f"briefgen_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
