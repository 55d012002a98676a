"""Mail-merge basics around a real SMTP server on 127.0.0.1: test copies to oneself (--to), --limit, the
confirmation on a terminal, totals, --status --csv, and incomplete translations."""

from __future__ import annotations

import csv
import io
import os
import pty
import select
import subprocess
import sys
import time
from email import policy
from email.parser import BytesParser

import pytest
from click.testing import CliRunner

from briefgen.delivery import send
from briefgen.cli import main
from conftest import ROOT, edit
from mailserver import RECIPIENTS_CSV, build_small, own_workspace, smtp_server, write_recipients

FAST = ["--attempts", "1", "--backoff", "0.01"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_small(tmp_path_factory)


@pytest.fixture
def brief_out(built, tmp_path):
    """The built brief and its output in this test's own workspace (its own ledger)."""
    return own_workspace(built, tmp_path)


def run(brief, out, recipients, *args):
    return CliRunner().invoke(main, ["send", str(brief), "-r", str(recipients), "--out", str(out), *args])


def plain(server):
    return ["--smtp-host", "127.0.0.1", "--smtp-port", str(server.port), "--smtp-security", "none", *FAST]


def test_test_copies_go_to_the_officer_one_per_language_and_outside_the_ledger(brief_out, tmp_path):
    brief, out = brief_out
    recipients = write_recipients(tmp_path)  # en, ru, de (no German edition), ru, en
    dry = run(brief, out, recipients, "--to", "officer@example.org")
    assert dry.exit_code == 0, dry.output
    written = sorted(p.name for p in (out / "small-brief" / "outbox").glob("*.eml"))
    assert written == ["test-de.eml", "test-en.eml", "test-ru.eml"]
    german = BytesParser(policy=policy.default).parsebytes((out / "small-brief" / "outbox" / "test-de.eml").read_bytes())
    assert [a.addr_spec for a in german["To"].addresses] == ["officer@example.org"]
    assert "noch nicht vor; die beigefügte Fassung ist in der Originalsprache (Englisch)" in \
        german.get_body(("plain",)).get_content()
    with smtp_server(tmp_path) as server:
        result = run(brief, out, recipients, "--send", "--to", "officer@example.org", *plain(server))
        assert result.exit_code == 0, result.output
        assert "3 test copies sent to officer@example.org" in result.output
        copies = server.handler.copies("officer@example.org")
        assert len(server.handler.received) == 3 and len(copies) == 3
        assert sorted(m["Content-Language"] for m in copies) == ["de", "en", "ru"]
        greetings = sorted(m.get_body(("plain",)).get_content().splitlines()[0] for m in copies)
        assert greetings == ["Dear Ms Anna Alpha,", "Guten Tag, Dr. Clara Gamma,", "Уважаемый господин Борис Бета!"]
        # nothing was recorded: the real run sends to all five, with Message-IDs of their own
        status = CliRunner().invoke(main, ["send", str(brief), "--out", str(out), "--status"])
        assert status.output.strip() == "nothing sent yet"
        real = run(brief, out, recipients, "--send", *plain(server))
    assert real.exit_code == 0, real.output
    assert "sent 5 of 5" in real.output
    test_ids = {m["Message-ID"] for m in copies}
    assert not test_ids & {m["Message-ID"] for _, m in server.handler.received[3:]}


def test_limit_sends_at_most_n_per_run_and_the_rest_next_time(brief_out, tmp_path):
    brief, out = brief_out
    recipients = write_recipients(tmp_path)
    dry = run(brief, out, recipients, "--limit", "2")
    assert "nothing was sent; add --send to send 2 messages (3 more on the next run: --limit)" in dry.output
    with smtp_server(tmp_path) as server:
        for expected in (2, 4, 5, 5):
            result = run(brief, out, recipients, "--send", "--limit", "2", *plain(server))
            assert result.exit_code == 0, result.output
            assert len(server.handler.received) == expected
    assert sorted(r for rcpts, _ in server.handler.received for r in rcpts) == sorted(
        line.split(",")[1] for line in RECIPIENTS_CSV.splitlines()[1:])


def test_dry_run_totals_per_language_and_edition_and_status_as_csv(brief_out, tmp_path):
    brief, out = brief_out
    recipients = write_recipients(tmp_path)
    dry = run(brief, out, recipients)
    totals = dry.output.split("\n\n")[1].splitlines()
    assert totals[0].split() == ["language", "edition", "to", "send", "had", "it", "earlier", "edition", "other"]
    assert [line.split() for line in totals[1:5]] == [
        ["de", "en", "(instead", "of", "de)", "1", "0", "0", "0"], ["en", "en", "2", "0", "0", "0"],
        ["ru", "ru", "2", "0", "0", "0"], ["all", "5", "0", "0", "0"]]
    with smtp_server(tmp_path) as server:
        assert run(brief, out, recipients, "--send", "--limit", "3", *plain(server)).exit_code == 0
    with_formula = write_recipients(tmp_path, RECIPIENTS_CSV + "=HYPERLINK(\"x\"),fred@example.org,en,Mr\n", "more.csv")
    result = CliRunner().invoke(main, ["send", str(brief), "--out", str(out), "--status", "--csv", "-r", str(with_formula)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["email"], r["state"]) for r in rows] == [
        ("anna@example.org", "sent"), ("boris@example.org", "sent"), ("clara@example.org", "sent"),
        ("darya@example.org", "not sent"), ("eve@example.org", "not sent"), ("fred@example.org", "not sent")]
    assert rows[-1]["name"] == "'=HYPERLINK(\"x\")"  # no formula runs when the file is opened
    assert {r["current edition"] for r in rows[:3]} == {"yes"}
    status = CliRunner().invoke(main, ["send", str(brief), "--out", str(out), "--status", "-r", str(recipients)])
    totals = status.output.split("\n\n")[1].splitlines()
    assert totals[0].split() == ["language", "edition", "state", "addresses"]
    assert [line.split() for line in totals[1:]] == [          # Clara (de) was sent the English edition
        ["de", "en", "sent", "1"], ["en", "not", "sent", "1"], ["en", "en", "sent", "1"], ["ru", "not", "sent", "1"],
        ["ru", "ru", "sent", "1"], ["all", "5"]]
    plain_status = CliRunner().invoke(main, ["send", str(brief), "--out", str(out), "--status"])
    assert [line.split() for line in plain_status.output.split("\n\n")[1].splitlines()[1:]] == [
        ["en", "sent", "2"], ["ru", "sent", "1"], ["all", "3"]]


def test_an_incomplete_translation_sends_the_source_edition_unless_allowed(brief_out, tmp_path):
    brief, out = brief_out
    edit(brief / "translations" / "ru.po", 'msgstr "Тестовый брифинг о задержаниях"', 'msgstr ""')
    recipients = write_recipients(tmp_path)
    plan = send.prepare(brief, recipients, out)  # the Russian PDF is now out of date: not needed, not checked
    russian = [item for item in plan.items if item.recipient.language == "ru"]
    assert {item.edition.lang for item in russian} == {"en"} and all(item.fallback for item in russian)
    text = plan.message(russian[0]).message.get_body(("plain",)).get_content()
    assert "Эта справка пока не переведена на Ваш язык (русский)" in text
    allowed = run(brief, out, recipients, "--allow-incomplete")
    assert allowed.exit_code == 1 and "small-brief.ru.pdf is older than its content" in allowed.output


def _read_until(fd, marker: bytes, timeout: float = 30) -> bytes:
    seen, end = b"", time.monotonic() + timeout
    while marker not in seen and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
    return seen


@pytest.mark.parametrize("answer, sent", [(b"n\n", 0), (b"y\n", 5)])
def test_on_a_terminal_the_totals_are_confirmed_before_the_first_message(brief_out, tmp_path, answer, sent):
    brief, out = brief_out
    recipients = write_recipients(tmp_path)
    with smtp_server(tmp_path) as server:
        primary, secondary = pty.openpty()
        process = subprocess.Popen([sys.executable, "-m", "briefgen", "send", str(brief), "-r", str(recipients),
                                    "--out", str(out), "--send", *plain(server)],
                                   cwd=ROOT, stdin=secondary, stdout=secondary, stderr=secondary, close_fds=True)
        os.close(secondary)
        prompt = _read_until(primary, b"[y/N]")
        assert b"Send 5 messages to 5 recipient(s) in de 1, en 2, ru 2 through 127.0.0.1:" in prompt
        assert server.handler.received == []  # nothing leaves before the answer
        os.write(primary, answer)
        _read_until(primary, b"\x00", timeout=30 if sent else 10)
        assert process.wait(timeout=60) == (0 if sent else 1)
        os.close(primary)
        assert len(server.handler.received) == sent


def test_the_changes_in_the_cover_email_are_those_since_the_edition_each_recipient_was_sent(brief_out, tmp_path):
    from briefgen.editions.build import build_brief

    brief, out = brief_out
    anna = write_recipients(tmp_path, "name,email,language,salutation\nAnna Alpha,anna@example.org,en,Ms\n", "anna.csv")
    both = write_recipients(tmp_path, "name,email,language,salutation\nAnna Alpha,anna@example.org,en,Ms\n"
                                      "Eve Epsilon,eve@example.org,en,\n", "both.csv")
    prisoners = brief / "prisoners.yaml"
    with smtp_server(tmp_path) as server:
        assert run(brief, out, anna, "--send", *plain(server)).exit_code == 0            # edition A to Anna
        edit(prisoners, "    status: pre-trial-detention\n", "    status: released\n")
        build_brief(brief, formats=("pdf",), languages=["en"], out_dir=out)             # edition B
        eve = write_recipients(tmp_path, "name,email,language,salutation\nEve Epsilon,eve@example.org,en,\n", "eve.csv")
        assert run(brief, out, eve, "--send", "--changes", "previous", *plain(server)).exit_code == 0
        edit(prisoners, "sentence: {kind: imprisonment, years: 5, ban_years: 5}", "sentence: {kind: imprisonment, years: 7}")
        build_brief(brief, formats=("pdf",), languages=["en"], out_dir=out)             # edition C
        result = run(brief, out, both, "--send", "--resend-updated", "--changes", "previous", *plain(server))
        assert result.exit_code == 0, result.output

    def changes(message) -> list[str]:
        text = message.get_body(("plain",)).get_content()
        return [line for line in text.splitlines() if line.startswith("- ")]

    released = ["- Released: Boris Beta", "- Political prisoners: 3 → 2"]
    first_to_eve = server.handler.copies("eve@example.org")[0]
    assert changes(first_to_eve) == released                                          # B against A (previous build)
    _, third_to_anna = server.handler.copies("anna@example.org")
    _, second_to_eve = server.handler.copies("eve@example.org")
    sentence = "- Sentenced or re-sentenced: Anna Alpha — 7 years of imprisonment"
    assert sorted(changes(third_to_anna)) == sorted([*released, sentence])            # C against A, which Anna had
    assert changes(second_to_eve) == [sentence]                                       # C against B, which Eve had
