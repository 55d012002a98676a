"""The send ledger under faults, with real processes, a real SMTP server on 127.0.0.1 and real SQLite and
PostgreSQL ledgers: two senders at once, a sender killed with SIGKILL (and its journal lost), the output
folder deleted, the ledger emptied or damaged, a rebuild during a send, a locked, read-only or full ledger."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.editions.build import build_brief
from briefgen.cli import main
from briefgen.delivery.ledger import SENT, open_ledger
from conftest import ROOT, edit
from mailserver import Recorder, build_small, smtp_server
from pgserver import fresh_database, postgres_cluster

FAST = ["--attempts", "2", "--backoff", "0.01"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_small(tmp_path_factory)


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server for the whole session (started here, or the one BRIEFGEN_TEST_POSTGRES_URL names)."""
    with postgres_cluster() as url:
        yield url


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Workspace:
    root: Path
    brief: Path
    out: Path
    ledger: str          # the ledger's location (a path or a postgresql:// URL)

    @property
    def state(self) -> Path:
        return self.root / ".briefgen"

    def recipients(self, count: int, lang: str = "en", start: int = 0, russian: bool = True) -> Path:
        """``count`` recipients; every fourth reads Russian unless ``russian`` is False."""
        path = self.root / f"meps-{start}-{count}.csv"
        lines = ["name,email,language,salutation"]
        lines += [f"Member {n},m{n:03d}@example.org,{'ru' if russian and n % 4 == 0 else lang},Dr"
                  for n in range(start, start + count)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def command(self, server, recipients: Path, *args: str, out: Path | None = None) -> list[str]:
        return [sys.executable, "-m", "briefgen", "send", str(self.brief), "-r", str(recipients), "--out", str(out or self.out),
                "--smtp-host", "127.0.0.1", "--smtp-port", str(server.port), "--smtp-security", "none", *FAST, *args]

    def start(self, server, recipients: Path, *args: str) -> subprocess.Popen:
        return subprocess.Popen(self.command(server, recipients, *args), cwd=ROOT, env=child_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def run(self, server, recipients: Path, *args: str, out: Path | None = None) -> Ran:
        """The command run in this process (quicker than a child; a traceback fails the test)."""
        result = CliRunner().invoke(main, self.command(server, recipients, *args, out=out)[3:],
                                    env={"BRIEFGEN_LEDGER_TIMEOUT": "2", "BRIEFGEN_SMTP_PASSWORD": None})
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Ran(result.exit_code, result.stdout, result.stderr)

    def rows(self):
        ledger = open_ledger(self.ledger, create=False)
        if ledger is None:
            return []
        with ledger:
            return ledger.all()


def child_env(**extra) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRIEFGEN_LEDGER_TIMEOUT": "2", **extra}
    env.pop("BRIEFGEN_SMTP_PASSWORD", None)
    return env


def make_workspace(built, tmp_path: Path, ledger: str | None = None) -> Workspace:
    """A workspace (briefgen.toml, content/<brief>, output/) holding a copy of the built brief."""
    root = tmp_path / "ws"
    brief = root / "content" / built[0].name
    shutil.copytree(built[0], brief)
    out = root / "output"
    shutil.copytree(built[1], out)
    (root / "briefgen.toml").write_text(f'[send]\nledger = "{ledger}"\n' if ledger else "[send]\n", encoding="utf-8")
    return Workspace(root, brief, out, ledger or str(root / ".briefgen" / "ledger.sqlite3"))


@pytest.fixture(params=["sqlite", "postgresql"])
def ws(request, built, tmp_path):
    """A workspace whose ledger is SQLite (the default) or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield make_workspace(built, tmp_path)
        return
    with fresh_database(request.getfixturevalue("postgres")) as url:
        yield make_workspace(built, tmp_path, url)


@pytest.fixture
def local(built, tmp_path):
    """A workspace with the default SQLite ledger."""
    return make_workspace(built, tmp_path)


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def copies(server, address: str) -> list:
    return server.handler.copies(address)


def attachment_hash(message) -> str:
    (attachment,) = list(message.iter_attachments())
    return hashlib.sha256(attachment.get_content()).hexdigest()


def addresses(recipients: Path) -> list[str]:
    return [line.split(",")[1] for line in recipients.read_text(encoding="utf-8").splitlines()[1:]]


def assert_clean_failure(result: Ran, *phrases: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output, output
    for phrase in phrases:
        assert phrase in output, output


# ------------------------------------------------------------------ at most once


def test_two_senders_at_once_give_every_recipient_exactly_one_copy(ws, tmp_path):
    recipients = ws.recipients(20)
    with smtp_server(tmp_path, handler=Recorder(hold_after=0)) as server:
        first, second = ws.start(server, recipients, "--send"), ws.start(server, recipients, "--send")
        # both at once for sure: each holds a claim and waits for the server's answer to its first message
        wait_for(lambda: len(server.handler.waiting) == 2 or first.poll() is not None or second.poll() is not None)
        both_held = len(server.handler.waiting) == 2
        server.handler.release.set()
        outputs = [process.communicate(timeout=120)[0] for process in (first, second)]
    assert both_held and first.returncode == 0 and second.returncode == 0, outputs
    for address in addresses(recipients):
        assert len(copies(server, address)) == 1, (address, outputs)
    sent = [int(re.search(r"^sent (\d+) of \d+$", output, re.M)[1]) for output in outputs]
    assert sum(sent) == 20, outputs
    # both ran at once (each held a message at the server together): what one sent, the other skipped and said so
    assert min(sent) > 0, outputs
    for output, other in zip(outputs, reversed(sent)):
        assert output.count("skipped: ") == other and f"{other} recipient(s) were being sent" in output, outputs
    assert all("Traceback" not in output for output in outputs)
    assert {row.state for row in ws.rows()} == {SENT} and len(ws.rows()) == 20


def test_a_sender_killed_mid_batch_then_run_again_doubles_nobody(ws, tmp_path):
    killed_mid_batch_then_again(ws, tmp_path, lose_journal=False)


def test_a_sender_killed_then_its_journal_lost_doubles_nobody(local, tmp_path):
    # (PostgreSQL's journal is the server's own write-ahead log, not a file beside the ledger)
    killed_mid_batch_then_again(local, tmp_path, lose_journal=True)


def killed_mid_batch_then_again(ws, tmp_path, lose_journal: bool) -> None:
    recipients = ws.recipients(20)
    with smtp_server(tmp_path, handler=Recorder(hold_after=6)) as server:
        process = ws.start(server, recipients, "--send")
        wait_for(lambda: server.handler.hold_after == len(server.handler.received) and len(server.handler.waiting) == 1)
        # the 7th message is handed over, its answer held back: killed now, its outcome is unknown
        process.send_signal(signal.SIGKILL)
        process.communicate()
        server.handler.release.set()
        if "://" not in ws.ledger:
            # a rollback journal, never a write-ahead log (header bytes 18-19: 1, 1; WAL would be 2, 2):
            # the main file alone holds every commit
            assert Path(ws.ledger).read_bytes()[18:20] == b"\x01\x01"
            assert not Path(f"{ws.ledger}-wal").exists()
            if lose_journal:
                Path(f"{ws.ledger}-journal").unlink(missing_ok=True)
        again = ws.run(server, recipients, "--send")
    output = again.stdout + again.stderr
    assert "Traceback" not in output
    unknown = {row.address for row in ws.rows() if row.state == "handed-over"}
    for address in addresses(recipients):
        count = len(copies(server, address))
        assert count <= 1, (address, output)
        assert count == 1 or address in unknown, (address, output)
    assert unknown == {"m006@example.org"}
    for address in unknown:  # a run with an outcome unknown lists it and exits 1
        assert f"outcome unknown: {address}" in output
    assert again.returncode == 1 and "1 outcome(s) unknown: m006@example.org" in output, output


# ------------------------------------------------------------------ nothing forgets a send


def test_deleting_the_output_folder_or_another_out_forgets_nothing(local, tmp_path):
    recipients = local.recipients(5)
    with smtp_server(tmp_path) as server:
        assert local.run(server, recipients, "--send").returncode == 0
        shutil.rmtree(local.out)
        build_brief(local.brief, formats=("pdf",), out_dir=local.out)  # a real rebuild: the same bytes
        again = local.run(server, recipients, "--send")
        elsewhere = local.out.parent / "elsewhere"
        shutil.copytree(local.out, elsewhere)
        other_out = local.run(server, recipients, "--send", out=elsewhere)
    assert again.returncode == 0 and "nothing to send" in again.stdout, again.stdout + again.stderr
    assert other_out.returncode == 0 and "nothing to send" in other_out.stdout, other_out.stdout + other_out.stderr
    assert all(len(copies(server, address)) == 1 for address in addresses(recipients))


@pytest.mark.parametrize("damage", ["truncated", "half", "deleted", "garbage", "state-folder-deleted"])
def test_a_lost_or_damaged_ledger_stops_sending_until_told(local, tmp_path, damage):
    recipients = local.recipients(5)
    ledger = Path(local.ledger)
    with smtp_server(tmp_path) as server:
        assert local.run(server, recipients, "--send").returncode == 0
        if damage == "truncated":
            ledger.write_bytes(b"")
        elif damage == "deleted":
            ledger.unlink()
        elif damage == "half":
            ledger.write_bytes(ledger.read_bytes()[:len(ledger.read_bytes()) // 2])
        elif damage == "garbage":
            ledger.write_bytes(b"this is not a database, just some bytes " * 100)
        else:
            shutil.rmtree(local.state)
        refused = local.run(server, recipients, "--send")
        assert_clean_failure(refused, "--ledger-lost")
        assert ("damaged" if damage in ("garbage", "half") else "sends were forgotten") in refused.stderr
        assert len(server.handler.received) == 5
        if damage == "truncated":  # a dry run says what --ledger-lost will do, and sends nothing
            dry = local.run(server, recipients, "--ledger-lost")
            assert dry.returncode == 0 and "--ledger-lost:" in dry.stderr and len(server.handler.received) == 5
        knowingly = local.run(server, recipients, "--send", "--ledger-lost")
        assert knowingly.returncode == 0, knowingly.stdout + knowingly.stderr
        assert "sent 5 of 5" in knowingly.stdout  # what the user accepted: a second copy each
        quiet = local.run(server, recipients, "--send")
    assert quiet.returncode == 0 and "nothing to send" in quiet.stdout, quiet.stdout + quiet.stderr
    if damage in ("garbage", "half"):
        assert list(ledger.parent.glob("ledger.sqlite3.damaged-*"))  # kept, not destroyed


def test_a_team_ledger_replaced_by_another_database_is_noticed(built, tmp_path, postgres):
    with fresh_database(postgres) as first, fresh_database(postgres) as second:
        ws = make_workspace(built, tmp_path, first)
        recipients = ws.recipients(3)
        with smtp_server(tmp_path) as server:
            assert ws.run(server, recipients, "--send").returncode == 0
            (ws.root / "briefgen.toml").write_text(f'[send]\nledger = "{second}"\n', encoding="utf-8")
            refused = ws.run(server, recipients, "--send")
    assert_clean_failure(refused, "sends were forgotten", "missing or empty", "--ledger-lost")
    assert len(server.handler.received) == 3


def test_an_old_ledger_in_the_output_folder_is_moved_into_the_workspace(local, tmp_path):
    from briefgen.editions import fingerprint

    manifest = fingerprint.read_manifest(local.out, local.brief.name)["outputs"]
    old = local.out / local.brief.name / "send-ledger.sqlite3"
    db = sqlite3.connect(old)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE deliveries (edition TEXT, address TEXT, slug TEXT, lang TEXT, name TEXT, message_id TEXT,"
               " state TEXT, attempts INTEGER, first_try TEXT, updated TEXT, response TEXT, PRIMARY KEY (edition, address))")
    db.execute("INSERT INTO deliveries VALUES (?, 'm001@example.org', ?, 'en', 'Member 1', '<x@y>', 'sent', 1, "
               "'2021-11-01T10:00:00+00:00', '2021-11-01T10:00:00+00:00', '250 OK')",
               (manifest[f"{local.brief.name}.en.pdf"]["fingerprint"], local.brief.name))
    db.commit()
    db.close()
    recipients = local.recipients(2)
    with smtp_server(tmp_path) as server:
        result = local.run(server, recipients, "--send")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "moved 1 row(s) of the old ledger" in result.stderr
    assert [rcpts for rcpts, _ in server.handler.received] == [["m000@example.org"]]
    assert not old.exists() and old.with_name("send-ledger.sqlite3.migrated").exists()


# ------------------------------------------------------------------ the bytes sent are the bytes recorded


def test_a_rebuild_during_a_send_changes_nothing_of_it(local, tmp_path):
    ws = local
    recipients = ws.recipients(12, lang="en", russian=False)
    pdf = ws.out / ws.brief.name / f"{ws.brief.name}.en.pdf"
    before = hashlib.sha256(pdf.read_bytes()).hexdigest()
    with smtp_server(tmp_path, handler=Recorder(hold_after=2)) as server:
        process = ws.start(server, recipients, "--send")
        wait_for(lambda: len(server.handler.waiting) == 1)  # the sender is mid-batch, its third message held
        edit(ws.brief / "prisoners.yaml", "Clara Gamma", "Clara Gamma-Delta")
        build_brief(ws.brief, formats=("pdf",), languages=["en"], out_dir=ws.out)
        after = hashlib.sha256(pdf.read_bytes()).hexdigest()
        server.handler.release.set()
        first_output = process.communicate(timeout=120)[0]
        assert after != before and process.returncode == 0, first_output
        recorded = {row.address: row.edition for row in ws.rows()}
        for rcpts, message in server.handler.received:
            assert attachment_hash(message) == recorded[rcpts[0]]
        # every recipient got the bytes planned, none the rebuilt ones
        assert len(server.handler.received) == 12 and set(recorded.values()) == {before}
        updated = ws.run(server, recipients, "--send", "--resend-updated")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    for address in addresses(recipients):
        hashes = [attachment_hash(message) for message in copies(server, address)]
        assert len(hashes) == len(set(hashes)), address  # never the same bytes twice
    assert all(len(copies(server, a)) == 2 for a in addresses(recipients))  # the new edition, once


def test_a_forced_rebuild_of_the_same_sources_is_not_a_new_edition(local, tmp_path):
    """The PDF says when it was made, so a --force rebuild of unchanged sources gives other bytes;
    --resend-updated must not take that for an update and send the same edition again."""
    ws = local
    recipients = ws.recipients(3, lang="en", russian=False)
    pdf = ws.out / ws.brief.name / f"{ws.brief.name}.en.pdf"
    with smtp_server(tmp_path) as server:
        assert ws.run(server, recipients, "--send").returncode == 0
        before = hashlib.sha256(pdf.read_bytes()).hexdigest()
        time.sleep(1.1)  # the creation date has seconds
        build_brief(ws.brief, formats=("pdf",), languages=["en"], out_dir=ws.out, force=True)
        assert hashlib.sha256(pdf.read_bytes()).hexdigest() != before
        again = ws.run(server, recipients, "--send", "--resend-updated")
    assert again.returncode == 0, again.stdout + again.stderr
    assert all(len(copies(server, a)) == 1 for a in addresses(recipients))


# ------------------------------------------------------------------ clear errors, no traceback


def test_a_locked_sqlite_ledger_names_its_holder(local, tmp_path):
    recipients = local.recipients(3)
    with smtp_server(tmp_path) as server:
        assert local.run(server, local.recipients(1, start=50), "--send").returncode == 0
        holder = subprocess.Popen([sys.executable, "-c", "import sqlite3, sys, time\n"
                                   f"db = sqlite3.connect({local.ledger!r}, isolation_level=None)\n"
                                   "db.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(60)"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "locked"
            result = local.run(server, recipients, "--send")
        finally:
            holder.kill()
            holder.communicate()
    assert_clean_failure(result, "is locked by process", f"process {holder.pid} (", "running since")
    assert len(server.handler.received) == 1


def test_a_locked_team_ledger_names_the_session_holding_it(built, tmp_path, postgres):
    import psycopg

    with fresh_database(postgres) as url:
        ws = make_workspace(built, tmp_path, url)
        with smtp_server(tmp_path) as server:
            assert ws.run(server, ws.recipients(1, start=50), "--send").returncode == 0
            with psycopg.connect(url, application_name="officer-console") as holder:
                holder.execute("LOCK TABLE deliveries IN ACCESS EXCLUSIVE MODE")
                result = ws.run(server, ws.recipients(3), "--send")
    assert_clean_failure(result, "is locked by session", "(officer-console)")
    assert len(server.handler.received) == 1




@contextmanager
def tmpfs(path: Path, size: str = "1m"):
    """A small tmpfs mounted at ``path`` (root only): a real disk that fills up or turns read-only."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                                            str(path)], capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root (and a kernel that lets us)")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_a_full_disk_stops_the_run_with_a_clear_message(local, tmp_path):
    with tmpfs(local.state, "256k"), smtp_server(tmp_path) as server:
        assert local.run(server, local.recipients(2), "--send").returncode == 0
        filler = local.state / "filler"
        with open(filler, "wb", buffering=0) as handle:  # fill the disk to the last byte
            with pytest.raises(OSError):
                while True:
                    handle.write(b"\0" * 512)
        result = local.run(server, local.recipients(4, start=10), "--send")
        assert_clean_failure(result, "no space left")
        assert len(server.handler.received) == 2  # nothing sent without its claim on disk
        filler.unlink()
        again = local.run(server, local.recipients(4, start=10), "--send")
    assert again.returncode == 0 and "sent 4 of 4" in again.stdout, again.stdout + again.stderr


def read_only(path: Path):
    """Make ``path`` read-only for real: a read-only bind mount when root (root ignores file modes)."""
    if os.geteuid() != 0:
        path.chmod(0o500)
        return contextlib.nullcontext()
    return _read_only_mount(path)


@contextmanager
def _read_only_mount(path: Path):
    if subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True).returncode != 0:
        pytest.skip("cannot bind-mount here")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], check=True, capture_output=True)
        yield
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_a_read_only_ledger_folder_or_output_folder_is_a_clear_error(local, tmp_path):
    local.state.mkdir()
    with smtp_server(tmp_path) as server:
        with read_only(local.state):
            result = local.run(server, local.recipients(3), "--send")
        assert_clean_failure(result, "read-only")
        with read_only(local.out / local.brief.name):
            dry = local.run(server, local.recipients(3))
        assert_clean_failure(dry, "cannot write the outbox")
    assert server.handler.received == []


def test_the_ledger_and_outbox_are_private(local, tmp_path):
    recipients = local.recipients(2)
    with smtp_server(tmp_path) as server:
        assert local.run(server, recipients).returncode == 0
        assert local.run(server, recipients, "--send").returncode == 0
    mode = lambda path: path.stat().st_mode & 0o777  # noqa: E731
    outbox = local.out / local.brief.name / "outbox"
    assert mode(local.state) == 0o700 and mode(Path(local.ledger)) == 0o600
    assert mode(local.state / "sent-marker.json") == 0o600
    assert mode(local.out / local.brief.name / ".sent-index.json") == 0o600
    assert mode(outbox) == 0o700 and {mode(p) for p in outbox.glob("*.eml")} == {0o600}


def test_a_linked_outbox_is_refused_and_nothing_outside_is_deleted(local, tmp_path):
    """The dry run replaces the outbox's old messages: a link must not make it delete others' files."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.eml").write_text("someone else's message")
    outbox = local.out / local.brief.name / "outbox"
    outbox.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(outbox, ignore_errors=True)
    os.symlink(elsewhere, outbox)
    with smtp_server(tmp_path) as server:
        result = local.run(server, local.recipients(2))
    assert_clean_failure(result, "is a link to", "remove the link")
    assert (elsewhere / "keep.eml").read_text() == "someone else's message"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.eml"]


def test_a_message_too_big_is_not_called_a_bad_address(local, tmp_path):
    recipients = local.recipients(2)
    with smtp_server(tmp_path, handler=Recorder(too_big={"m001@example.org"})) as server:
        result = local.run(server, recipients, "--send")
    assert_clean_failure(result, "rejected: m001@example.org: 552", "message too big")
    assert "bad address" not in result.stderr


def test_changes_and_the_cover_email_compare_with_what_each_recipient_was_sent(local, tmp_path):
    with smtp_server(tmp_path) as server:
        assert local.run(server, local.recipients(1, start=1), "--send").returncode == 0  # m001 has the first edition
        edit(local.brief / "prisoners.yaml", "    status: pre-trial-detention\n", "    status: released\n")
        build_brief(local.brief, formats=("pdf",), languages=["en"], out_dir=local.out)
        runner = CliRunner()
        since = runner.invoke(main, ["changes", str(local.brief), "--out", str(local.out), "--since", "sent",
                                     "--recipient", "M001@example.org"])
        never = runner.invoke(main, ["changes", str(local.brief), "--out", str(local.out), "--since", "sent",
                                     "--recipient", "m002@example.org"])
        both = local.run(server, local.recipients(2, start=1, russian=False), "--send", "--resend-updated",
                         "--changes", "sent")
    assert since.exit_code == 0 and "- Released: Boris Beta" in since.output, since.output
    assert never.exit_code == 1 and "no edition of small-brief sent to m002@example.org" in never.output
    assert both.returncode == 0, both.stdout + both.stderr
    (first, second), (other,) = copies(server, "m001@example.org"), copies(server, "m002@example.org")
    assert "Released: Boris Beta" in second.get_body(("plain",)).get_content()
    assert "Released" not in other.get_body(("plain",)).get_content()  # m002 had no earlier edition


def test_an_unreachable_team_ledger_is_a_clear_error(built, tmp_path):
    from mailserver import free_port

    ws = make_workspace(built, tmp_path, f"postgresql://briefgen:secret-pw@127.0.0.1:{free_port()}/briefgen")
    with smtp_server(tmp_path) as server:
        result = ws.run(server, ws.recipients(2), "--send")
    assert_clean_failure(result, "cannot reach the team ledger postgresql://briefgen:***@127.0.0.1")
    assert "secret-pw" not in result.stdout + result.stderr and server.handler.received == []


def test_a_claim_is_taken_over_only_once_its_run_is_gone(ws):
    import socket
    import uuid

    from briefgen.delivery.ledger import Run, now, process_start, this_run

    pair = {"edition": "e" * 64, "address": "A@example.org", "slug": "s", "lang": "en", "name": "A", "message_id": "<m@x>"}
    holder = open_ledger(ws.ledger, create=True)
    elsewhere = Run(uuid.uuid4().hex, "another-machine", os.getpid(), "1", now())
    holder.register(elsewhere)
    assert holder.claim(elsewhere, **pair).taken
    me = this_run()
    with open_ledger(ws.ledger, create=False) as mine:
        mine.register(me)
        refused = mine.claim(me, **pair)
        assert not refused.taken and refused.holder.host == "another-machine" and refused.row.state == "attempting"
        holder.close()  # the other machine's run ends without a word: its connection drops
        # PostgreSQL knows (the run's advisory lock went with its session); a file cannot tell, so the claim stands
        assert mine.claim(me, **pair).taken == ("://" in ws.ledger)
        # a run on this machine whose process has ended: its claim is taken over
        child = subprocess.Popen(["sleep", "30"])
        gone = Run(uuid.uuid4().hex, socket.gethostname(), child.pid, process_start(child.pid), now())
        child.kill()
        child.wait()
        with open_ledger(ws.ledger, create=False) as former:  # its own connection, closed when it ended
            former.register(gone)
            other_pair = {**pair, "address": "b@example.org"}
            assert former.claim(gone, **other_pair).taken
        assert mine.claim(me, **other_pair).taken
        # and one that still runs keeps it
        with open_ledger(ws.ledger, create=False) as theirs:
            alive = Run(uuid.uuid4().hex, socket.gethostname(), os.getpid(), process_start(os.getpid()), now())
            theirs.register(alive)
            third = {**pair, "address": "c@example.org"}
            assert theirs.claim(alive, **third).taken and not mine.claim(me, **third).taken


def test_an_unreadable_old_ledger_is_a_clear_error(local, tmp_path):
    (local.out / local.brief.name / "send-ledger.sqlite3").write_bytes(b"garbage " * 200)
    with smtp_server(tmp_path) as server:
        result = local.run(server, local.recipients(2), "--send")
    assert_clean_failure(result, "the old ledger", "cannot be read")
    assert server.handler.received == []


def test_outcomes_still_unknown_are_listed_and_fail_every_run_until_decided(local, tmp_path):
    recipients = local.recipients(2)
    with smtp_server(tmp_path, handler=Recorder(drop_after=1)) as server:
        first = local.run(server, recipients, "--send")  # m000's answer never comes back
        server.handler.down = False
        nothing_else = local.run(server, local.recipients(1), "--send")
        decided = local.run(server, local.recipients(1), "--send", "--retry-unknown")
    assert_clean_failure(first, "outcome unknown: m000@example.org")
    assert_clean_failure(nothing_else, "nothing to send", "outcome unknown: m000@example.org",
                         "1 outcome(s) unknown: m000@example.org")
    assert decided.returncode == 0 and "sent 1 of 1" in decided.stdout
