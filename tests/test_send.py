"""Sending for real, to an SMTP server on 127.0.0.1: STARTTLS with a verified certificate, a rejected
recipient, a connection dropped mid-batch, Ctrl-C, stale editions, the ledger and its options."""

from __future__ import annotations

import logging
import re
import shutil

import pytest
from click.testing import CliRunner

from briefgen.delivery import smtp as delivery

from briefgen.delivery import send
from briefgen.editions.build import build_brief
from briefgen.cli import main
from briefgen.delivery.ledger import HANDED_OVER, SENT, open_ledger, this_run
from briefgen.delivery.mailconfig import SmtpSettings
from mailserver import PASSWORD, USER, Recorder, build_small, fresh_out, smtp_server, write_recipients

ADDRESSES = ["anna@example.org", "boris@example.org", "clara@example.org", "darya@example.org", "eve@example.org"]
FAST = ["--attempts", "2", "--backoff", "0.01"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_small(tmp_path_factory)


@pytest.fixture
def brief(built, tmp_path):
    """A copy of the built brief in this test's own workspace (its ledger: tmp_path/.briefgen/)."""
    copy = tmp_path / built[0].name
    shutil.copytree(built[0], copy)
    return copy


@pytest.fixture
def out(built, tmp_path):
    return fresh_out(built[1], tmp_path)


def run(brief, out, recipients, *args, env=None):
    return CliRunner().invoke(main, ["send", str(brief), "-r", str(recipients), "--out", str(out), *args],
                              env={"BRIEFGEN_SMTP_PASSWORD": None, **(env or {})})


def plain(server):
    return ["--smtp-host", "127.0.0.1", "--smtp-port", str(server.port), "--smtp-security", "none", *FAST]


def attachment_language(message) -> str:
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    return attachment.get_filename().rsplit("(", 1)[1][:2].lower()


def test_starttls_with_login_sends_each_recipient_their_language_once(brief, out, tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="briefgen")
    recipients = write_recipients(tmp_path)
    with smtp_server(tmp_path, tls="starttls") as server:
        result = run(brief, out, recipients, "--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(server.port),
                     "--smtp-user", USER, "--smtp-cafile", str(server.cafile), "--from", "Advocacy <advocacy@example.org>",
                     "--reply-to", "jan@example.org", env={"BRIEFGEN_SMTP_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert "sent 5 of 5" in result.output
    languages = {}
    for address in ADDRESSES:
        (message,) = server.handler.copies(address)
        languages[address] = attachment_language(message)
        assert message["Reply-To"] == "jan@example.org"
        assert message["From"].addresses[0].addr_spec == "advocacy@example.org"
    assert languages == {"anna@example.org": "en", "boris@example.org": "ru", "clara@example.org": "en",
                         "darya@example.org": "ru", "eve@example.org": "en"}
    # the password is kept nowhere: not in the ledger, the output or the log
    ledger_file = tmp_path / ".briefgen" / "ledger.sqlite3"
    assert PASSWORD.encode() not in ledger_file.read_bytes()
    assert PASSWORD not in result.output and PASSWORD not in caplog.text
    with open_ledger(str(ledger_file), create=False) as ledger:
        rows = ledger.all()
    assert sorted(r.address for r in rows) == ADDRESSES and {r.state for r in rows} == {SENT}
    assert all(r.response.startswith("250") for r in rows)
    # a second run sends nothing
    again = run(brief, out, recipients, "--send", "--smtp-host", "127.0.0.1", "--smtp-cafile", str(tmp_path / "ca.pem"))
    assert again.exit_code == 0 and "nothing to send" in again.output
    status = CliRunner().invoke(main, ["send", str(brief), "--out", str(out), "--status"])
    assert status.exit_code == 0
    assert re.search(r"Борис Бета <boris@example.org> +ru +sent ", status.output)
    table, totals = status.output.split("\n\n")  # one row per address, then the totals
    assert table.count(" sent ") == 5
    assert totals.split("\n")[1:4] == ["en       sent   3", "ru       sent   2", "all             5"]


def test_an_untrusted_certificate_is_refused(brief, out, tmp_path):
    recipients = write_recipients(tmp_path)
    with smtp_server(tmp_path, tls="ssl") as server:
        result = run(brief, out, recipients, "--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(server.port),
                     "--smtp-security", "ssl", *FAST)
        assert result.exit_code == 1
        assert "certificate is not trusted" in result.output and "--smtp-cafile" in result.output
        assert server.handler.received == []
        trusted = run(brief, out, recipients, "--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(server.port),
                      "--smtp-security", "ssl", "--smtp-cafile", str(server.cafile), *FAST)
    assert trusted.exit_code == 0, trusted.output
    assert sorted(rcpt for rcpts, _ in server.handler.received for rcpt in rcpts) == ADDRESSES


def test_a_permanently_rejected_recipient_is_reported_and_the_rest_sent(brief, out, tmp_path):
    recipients = write_recipients(tmp_path)
    handler = Recorder(reject={"clara@example.org"}, defer_once={"boris@example.org"})
    with smtp_server(tmp_path, handler=handler) as server:
        result = run(brief, out, recipients, "--send", *plain(server))
        assert result.exit_code == 1
        assert "rejected: clara@example.org: 550 5.1.1" in result.output
        assert "1 message(s) not delivered" in result.output
        assert "sent 4 of 5" in result.output
        for address in ADDRESSES:
            assert len(handler.copies(address)) == (0 if address == "clara@example.org" else 1)
        # the same command again: only the rejected one is tried (and reported) again
        again = run(brief, out, recipients, "--send", *plain(server))
    assert again.exit_code == 1 and "sent 0 of 1" in again.output and "rejected: clara@example.org" in again.output
    assert len(handler.received) == 4


def test_a_dropped_connection_loses_nobody_and_doubles_nobody(brief, out, tmp_path):
    recipients = write_recipients(tmp_path)
    handler = Recorder(drop_after=2, reject={"darya@example.org"})
    with smtp_server(tmp_path, handler=handler) as server:
        first = run(brief, out, recipients, "--send", *plain(server))
        assert first.exit_code == 1
        assert "cannot reach the server" in first.output and "running the same command again" in first.output
        assert "outcome unknown: boris@example.org" in first.output
        assert len(handler.received) == 2  # anna, and boris whose 250 never came back
        handler.down = False
        second = run(brief, out, recipients, "--send", *plain(server))
        assert second.exit_code == 1
        assert "rejected: darya@example.org" in second.output
        assert "outcome unknown: boris@example.org" in second.output and "--retry-unknown" in second.output
        for address in ADDRESSES:
            expected = 0 if address == "darya@example.org" else 1
            assert len(handler.copies(address)) == expected, address
        for message in handler.copies("clara@example.org") + handler.copies("anna@example.org"):
            assert attachment_language(message) == "en"
        assert attachment_language(handler.copies("boris@example.org")[0]) == "ru"
        # the user decides: send the unknown one again; the copy has the same Message-ID
        retried = run(brief, out, recipients, "--send", "--retry-unknown", *plain(server))
    assert "sent 1 of 2" in retried.output
    first_copy, second_copy = handler.copies("boris@example.org")
    assert first_copy["Message-ID"] == second_copy["Message-ID"]


def test_ctrl_c_mid_batch_then_the_same_command_sends_the_rest(brief, out, tmp_path):
    recipients = write_recipients(tmp_path)
    with smtp_server(tmp_path) as server:
        settings = SmtpSettings(host="127.0.0.1", port=server.port, security="none")
        plan = send.prepare(brief, recipients, out, settings=settings)
        done = []

        def interrupt(item, outcome):
            done.append(item)
            if len(done) == 2:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            send.send_plan(plan, settings, None, on_progress=interrupt)
        assert len(server.handler.received) == 2
        rest = send.prepare(brief, recipients, out, settings=settings)
        assert len(rest.to_send) == 3
        report = send.send_plan(rest, settings, None)
    assert len(report.sent) == 3
    assert all(len(server.handler.copies(address)) == 1 for address in ADDRESSES)


def test_an_attempt_journalled_but_never_handed_over_is_sent_again(brief, out, tmp_path):
    recipients = write_recipients(tmp_path, "name,email,language,salutation\nAnna Alpha,anna@example.org,en,Ms\n")
    plan = send.prepare(brief, recipients, out)
    item = plan.items[0]
    # a crash between the claim and the DATA command: the run that claimed it is gone (never registered)
    with open_ledger(plan.ledger, create=True) as ledger:
        assert ledger.claim(this_run(), edition=item.edition.fingerprint, address=item.recipient.email,
                            slug=plan.slug, lang="en", name=item.recipient.name, message_id=item.message_id).taken
    assert send.prepare(brief, recipients, out).items[0].action == send.SEND
    with open_ledger(plan.ledger, create=False) as ledger:
        ledger.mark(item.edition.fingerprint, item.recipient.email, HANDED_OVER)
    assert send.prepare(brief, recipients, out).items[0].action == send.UNKNOWN
    assert send.prepare(brief, recipients, out, retry_unknown=True).items[0].action == send.SEND


def test_a_missing_edition_is_refused_and_only_the_editions_needed_are_checked(brief, out, tmp_path):
    (out / "small-brief" / "small-brief.ru.pdf").unlink()
    missing = run(brief, out, write_recipients(tmp_path))
    assert missing.exit_code == 1
    assert "small-brief.ru.pdf has not been built" in missing.output
    assert f"briefgen build {brief} --out {out}" in missing.output
    assert not (out / "small-brief" / "outbox").exists()
    english_only = write_recipients(tmp_path, "name,email,language,salutation\nAnna Alpha,anna@example.org,en,Ms\n")
    assert run(brief, out, english_only).exit_code == 0


def own_copy(brief, tmp_path):
    """A copy of the built brief that a test may change (same folder name, so the same slug)."""
    copy = tmp_path / "own" / brief.name
    shutil.copytree(brief, copy)
    return copy


def test_a_newer_edition_is_refused_until_rebuilt_then_sent_to_earlier_recipients_only_when_asked(brief, out, tmp_path):
    brief = own_copy(brief, tmp_path)
    recipients = write_recipients(tmp_path, "name,email,language,salutation\nAnna Alpha,anna@example.org,en,Ms\n")
    with smtp_server(tmp_path) as server:
        assert run(brief, out, recipients, "--send", *plain(server)).exit_code == 0
        prisoners = brief / "prisoners.yaml"
        prisoners.write_text(prisoners.read_text(encoding="utf-8").replace("Clara Gamma", "Clara Gamma-Delta"),
                             encoding="utf-8")
        stale = run(brief, out, recipients, "--send", *plain(server))
        assert stale.exit_code == 1
        assert "small-brief.en.pdf is older than its content, templates or translations" in stale.output
        assert "nothing was sent: rebuild first with `briefgen build" in stale.output
        build_brief(brief, formats=("pdf",), languages=["en"], out_dir=out)
        skipped = run(brief, out, recipients, "--send", *plain(server))
        assert "has an earlier edition" in skipped.output and "nothing to send" in skipped.output
        updated = run(brief, out, recipients, "--send", "--resend-updated", *plain(server))
    assert updated.exit_code == 0 and "sent 1 of 1" in updated.output
    first, second = server.handler.copies("anna@example.org")
    assert first["Message-ID"] != second["Message-ID"]
    status = CliRunner().invoke(main, ["send", str(brief), "--out", str(out), "--status"])
    assert re.search(r"anna@example.org> +en +sent \(earlier edition\) ", status.output)
    assert re.search(r"anna@example.org> +en +sent +20", status.output)


def test_group_and_country_filters(brief, out, tmp_path):
    recipients = write_recipients(tmp_path)
    with smtp_server(tmp_path) as server:
        result = run(brief, out, recipients, "--send", "--group", "renew", "--country", "Lithuania", *plain(server))
        assert result.exit_code == 0, result.output
        assert [rcpts for rcpts, _ in server.handler.received] == [["darya@example.org"]]
        none = run(brief, out, recipients, "--group", "ECR")
    assert none.exit_code == 1 and "no recipient" in none.output and "EPP" in none.output


def test_transient_failures_are_retried_and_the_rate_is_limited(tmp_path):
    sleeps, now = [], [0.0]

    def sleep(seconds):
        sleeps.append(round(seconds, 3))
        now[0] += seconds

    handler = Recorder(defer_once={"b@example.org"})
    outcomes = []
    with smtp_server(tmp_path, handler=handler) as server:
        settings = SmtpSettings(host="127.0.0.1", port=server.port, security="none", per_minute=120)
        items = [delivery.Outgoing(address, b"Subject: hi\r\n\r\n.leading dot\r\n") for address in
                 ("a@example.org", "b@example.org", "c@example.org")]
        delivery.deliver(items, settings, None, envelope_from="x@example.org", on_attempt=lambda item: None,
                         on_handover=lambda item: None, on_outcome=lambda item, o: outcomes.append(o.state),
                         retry=delivery.Retry(attempts=3, backoff=1.0), sleep=sleep, clock=lambda: now[0])
    assert outcomes == ["sent", "sent", "sent"]
    assert [r for r, _ in handler.received] == [["a@example.org"], ["b@example.org"], ["c@example.org"]]
    assert handler.received[0][1].get_content().startswith(".leading dot")  # dot-stuffing undone by the server
    # 120 a minute: 0.5 s between starts; the 451 waits 1 s (backoff) before its retry
    assert sleeps == [0.5, 1.0, 0.5]


def test_an_unreachable_server_stops_the_run_and_sends_nothing(brief, out, tmp_path):
    from mailserver import free_port

    recipients = write_recipients(tmp_path)
    result = run(brief, out, recipients, "--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(free_port()),
                 "--smtp-security", "none", *FAST)
    assert result.exit_code == 1 and "cannot reach the server" in result.output
    assert "sent 0 of 5" in result.output
    plan = send.prepare(brief, write_recipients(tmp_path), out)
    assert len(plan.to_send) == 5


def test_the_cover_email_and_the_sending_code_are_no_part_of_an_editions_fingerprint():
    from briefgen.editions import fingerprint

    templates = fingerprint._template_files("ru")
    assert templates and not any("email" in path.parts for path in templates)
    assert any(path.name == "messages.po" for path in templates)  # the shared catalog still counts
    hashed = {path.name for path in fingerprint.code_files()}
    for name in ("send.py", "mail.py", "smtp.py", "ledger.py", "ledger_sqlite.py", "ledger_pg.py", "sentindex.py",
                 "recipients.py", "mailconfig.py"):
        assert (fingerprint.PACKAGE_DIR / "delivery" / name).is_file() and name not in hashed, name
