"""Headers that cannot be forged: encoded CR/LF in a title, its translation, the contact or a recipient's name;
5,000-character names; escape sequences on the terminal; the message check itself, fed forged messages."""

from __future__ import annotations

import datetime
import re
from email import policy
from email.headerregistry import Address
from email.parser import BytesParser

import pytest
from click.testing import CliRunner

from briefgen.delivery import headers

from briefgen.delivery import send
from briefgen.cli import main
from briefgen.errors import BriefgenError, display_path
from briefgen.delivery.ledger import open_ledger, this_run
from briefgen.delivery.mail import EditionInfo, build
from briefgen.delivery.recipients import Recipient, load_recipients
from conftest import edit
from mailserver import build_small, own_workspace, smtp_server, write_recipients

#: an encoded CR LF that adds a Reply-To (issue 12), and one that starts a body of its own
REPLY_TO = "=?utf-8?q?x=0D=0AReply-To:_attacker@evil.example?="
BODY = "=?utf-8?q?x=0D=0A=0D=0AClick_here=0D=0A?="
#: a recipient name that, decoded, adds two addresses to To
MORE_TO = "=?utf-8?q?Anna=22_<anna@example.org>,_eve@evil.example,_=22?="
SENDER = Address("Jan Kowalski", "jan", "example.org")
ONE = "name,email,language,salutation\nAnna Alpha,anna@example.org,{lang},Ms\n"


def dry_run(brief, recipients, out, *args):
    return CliRunner().invoke(main, ["send", str(brief), "-r", str(recipients), "--out", str(out), *args])


@pytest.mark.parametrize("payload", [REPLY_TO, BODY])
def test_a_forging_title_translation_or_contact_name_is_refused_at_its_line(small_copy, tmp_path, payload):
    """Checked before the edition is even looked for: the brief is not built here."""
    yaml_payload = payload.replace("\r", "\\r").replace("\n", "\\n")  # a double-quoted YAML escape
    edit(small_copy / "brief.yaml", 'title: "Test briefing on detentions"', f'title: "{yaml_payload}"')
    english = write_recipients(tmp_path, ONE.format(lang="en"))
    result = dry_run(small_copy, english, tmp_path / "out")
    assert result.exit_code == 1, result.output
    shown = display_path(small_copy / "brief.yaml")
    assert re.search(rf"^{re.escape(shown)}:4:8: title: .*(encoded word|line break|carriage return)", result.output, re.M)
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()

    # the same payload in the Russian translation of a clean title, and in the contact's name
    edit(small_copy / "brief.yaml", f'title: "{yaml_payload}"', 'title: "Test briefing on detentions"')
    po = small_copy / "translations" / "ru.po"
    edit(po, 'msgstr "Тестовый брифинг о задержаниях"', f'msgstr "{yaml_payload}"')
    russian = write_recipients(tmp_path, ONE.format(lang="ru"))
    result = dry_run(small_copy, russian, tmp_path / "out")
    assert result.exit_code == 1
    line = po.read_text(encoding="utf-8").split("\n").index('msgctxt "brief:title"')  # the entry's first line, its "#:"
    assert re.search(rf"^{re.escape(display_path(po))}:{line}:1: brief:title: ", result.output, re.M), result.output
    assert "brief.yaml" not in result.output  # the source title is fine
    edit(po, f'msgstr "{yaml_payload}"', 'msgstr "Тестовый брифинг о задержаниях"')
    edit(small_copy / "brief.yaml", 'name: "Jan Kowalski"', f'name: "{yaml_payload}"')
    result = dry_run(small_copy, english, tmp_path / "out")
    assert result.exit_code == 1
    assert re.search(rf"^{re.escape(shown)}:\d+:9: contact.name: ", result.output, re.M), result.output


@pytest.mark.parametrize("name, found", [
    (MORE_TO, "encoded word"),
    (REPLY_TO, "decodes to U+000D (a carriage return)"),
    ("Anna \x1b[2K\x1b[1A Alpha", "U+001B (an escape)"),
    ("Anna\x07\x08 Alpha", "U+0007"),
])
def test_a_forging_recipient_name_is_refused_at_its_cell(tmp_path, name, found):
    path = write_recipients(tmp_path, f'name,email,language,salutation\n"{name}",anna@example.org,en,Ms\n')
    with pytest.raises(BriefgenError) as caught:
        load_recipients(path)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{display_path(path)}:2:1: name: ") and found in str(problem)


def test_line_breaks_inside_a_cell_become_spaces(tmp_path):
    """What str.split() calls white space (CR, LF, U+2028, U+0085, form feed) is neutralised, not refused."""
    path = write_recipients(tmp_path, 'name,email,language,salutation\n"Anna\r\nReply-To: a@evil.example\u2028\x85\x0c x",'
                                      "anna@example.org,en,Ms\n")
    (anna,) = load_recipients(path)
    assert anna.name == "Anna Reply-To: a@evil.example x"


def test_the_sender_and_reply_to_options_are_checked_too():
    from briefgen.delivery.mailconfig import load_settings

    for value in (f"{REPLY_TO} <advocacy@example.org>", "Advocacy\r\nBcc: x@evil.example <advocacy@example.org>"):
        with pytest.raises(BriefgenError, match="from address: "):
            load_settings(options={"from": value}, environ={})
    assert load_settings(options={"reply_to": "joerg@müller-stiftung.de"}, environ={}).reply_to.domain == \
        "xn--mller-stiftung-gsb.de"


def test_a_forging_address_in_the_config_file_is_shown_at_its_line(tmp_path):
    from briefgen.delivery.mailconfig import load_settings

    config = tmp_path / "briefgen.toml"
    config.write_text(f'[smtp]\nhost = "smtp.example.org"\nreply_to = "{REPLY_TO} <press@example.org>"\n', encoding="utf-8")
    with pytest.raises(BriefgenError) as caught:
        load_settings(config, environ={})
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{display_path(config)}:3:1: smtp.reply_to: reply-to address: ")
    assert "encoded word" in str(problem)


def test_a_form_feed_in_the_csv_header_is_a_positioned_problem(tmp_path):
    path = write_recipients(tmp_path, "name,email,\x0clanguage,salutation\nAnna,anna@example.org,en,Ms\n")
    with pytest.raises(BriefgenError) as caught:
        load_recipients(path)
    messages = [str(p) for p in caught.value.problems]
    assert f"{display_path(path)}:1:12: column name '\\x0clanguage': control character U+000C at character 1: " \
        "remove it" in messages


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_small(tmp_path_factory)



def edition(built, **changes) -> EditionInfo:
    facts = {"slug": "small-brief", "lang": "en", "path": built[1] / "small-brief" / "small-brief.en.pdf",
             "fingerprint": "fp-en", "title": "Test briefing on detentions", "short_title": "Test briefing",
             "date": datetime.date(2021, 11, 1), "author": "Test Foundation"}
    return EditionInfo(**{**facts, **changes})


LONG_NAMES = ["A" * 5000, "Jürgen Weiß " * 400 + "Ende", "Ж" * 5000, 'Anna "The Boss" <Alpha>, ' * 200 + "x"]


def read_back(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


def assert_exactly(message, data: bytes, name: str, address: str = "anna@example.org") -> None:
    """The headers as intended: one To, holding the recipient; no Reply-To; the attachment; short lines."""
    assert max(len(line) for line in re.split(rb"\r?\n", data)) <= 78
    assert [a.addr_spec for a in message["To"].addresses] == [address]
    assert message["Reply-To"] is None and message["Cc"] is None and message["Bcc"] is None
    raw = BytesParser(policy=policy.compat32).parsebytes(data, headersonly=True)
    # RFC 2047 readers join adjacent encoded words; Python's own phrase parser keeps the fold's space
    assert headers._display_name(raw["To"]) == name
    assert " ".join(message["To"].addresses[0].display_name.split()).replace(" ", "") == name.replace(" ", "")
    (attachment,) = message.iter_attachments()
    assert attachment.get_content_type() == "application/pdf" and attachment.get_content().startswith(b"%PDF")


@pytest.mark.parametrize("name", LONG_NAMES, ids=["ascii-word", "words", "cyrillic", "quoted"])
def test_a_5000_character_name_is_folded_within_78_octets(built, name):
    recipient = Recipient(name=name, email="anna@example.org", language="en")
    cover = build(recipient, edition(built, title="T " * 2500, short_title="S" * 300), Address(name, "jan", "example.org"))
    for smtp in (True, False):
        data = cover.as_bytes(smtp=smtp)
        message = read_back(data)
        assert_exactly(message, data, name)
        assert message["Subject"] == "Briefing: " + " ".join(["T"] * 2500)


@pytest.mark.parametrize("where", ["name", "title", "sender", "reply_to"])
def test_a_payload_that_got_past_the_files_checks_is_still_never_built(built, where):
    """The last guard: composing refuses what the positioned checks would have refused."""
    name, title = (REPLY_TO, "Test") if where == "name" else ("Anna Alpha", REPLY_TO if where == "title" else "Test")
    sender = Address(MORE_TO if where == "sender" else "Jan", "jan", "example.org")
    reply_to = Address(BODY, "press", "example.org") if where == "reply_to" else None
    recipient = Recipient(name=name, email="anna@example.org", language="en")
    with pytest.raises(BriefgenError, match="encoded word"):
        build(recipient, edition(built, title=title), sender, reply_to)


def test_a_raw_line_break_in_a_title_becomes_a_space(built):
    """Not refused (a YAML block scalar may hold one): the subject is one line of literal text."""
    recipient = Recipient(name="Anna Alpha", email="anna@example.org", language="en")
    cover = build(recipient, edition(built, title="x\r\nReply-To: attacker@evil.example\r\n\r\nbody"), SENDER)
    message = read_back(cover.as_bytes())
    assert message["Subject"] == "Briefing: x Reply-To: attacker@evil.example body"
    assert message["Reply-To"] is None and len(list(message.iter_attachments())) == 1


def test_the_check_catches_a_forged_header_a_second_address_a_long_line_and_a_lost_attachment(built):
    recipient = Recipient(name="Anna Alpha", email="anna@example.org", language="en")
    cover = build(recipient, edition(built), SENDER, Address("Press", "press", "example.org"))
    good = cover.as_bytes()
    headers.check_message(good, cover.intended)
    forged = {
        "unexpected header bcc": good.replace(b"\r\nTo:", b"\r\nBcc: attacker@evil.example\r\nTo:", 1),
        "To holds": good.replace(b"To: Anna Alpha <anna@example.org>", b"To: Anna Alpha <anna@example.org>, eve@evil.example"),
        "To's name differs": good.replace(b"To: Anna Alpha", b"To: Anna Beta"),
        "longer than 998": good.replace(b"Subject: ", b"Subject: " + b"x" * 1000),
        "the subject differs": good.replace(b"Subject: Briefing", b"Subject: Briefing!"),
        "attachments [None] instead": re.sub(rb'filename="[^"]*"', b"", good),
        "header reply-to more than once": good.replace(b"Reply-To: Press <press@example.org>",
                                                       b"Reply-To: Press <press@example.org>\r\nReply-To: Press <press@example.org>"),
    }
    for what, data in forged.items():
        assert data != good, what
        with pytest.raises(BriefgenError, match=re.escape(what)):
            headers.check_message(data, cover.intended)


def test_escape_sequences_never_reach_the_terminal(built, tmp_path):
    assert headers.for_terminal("Anna\x1b[2K\x1b[1A\x1b]0;title\x07 \u202eAlpha\x07") == "Anna Alpha\ufffd"
    brief, out = own_workspace(built, tmp_path)
    recipients = write_recipients(tmp_path, ONE.format(lang="en"))
    assert dry_run(brief, recipients, out).exit_code == 0
    # a name recorded in the ledger by another tool or an older version is shown without its escapes
    with open_ledger(send.prepare(brief, recipients, out).ledger, create=True) as ledger:
        assert ledger.claim(this_run(), edition="fp", address="eve@example.org", slug="small-brief", lang="en",
                            name="Eve\x1b[2K\x1b[1A\x1b[31m Epsilon", message_id="<x@example.org>").taken
    status = CliRunner().invoke(main, ["send", str(brief), "--out", str(out), "--status"])
    assert status.exit_code == 0, status.output
    assert "\x1b" not in status.output and "Eve Epsilon <eve@example.org>" in status.output


@pytest.mark.parametrize("name", [LONG_NAMES[1], "Jürgen Weiß", 'Anna "The Boss" <Alpha>'])
def test_long_and_tricky_names_arrive_as_written_over_smtp(built, tmp_path, name):
    brief, out = own_workspace(built, tmp_path)
    path = write_recipients(tmp_path, 'name,email,language,salutation\n"{}",anna@example.org,en,\n'.format(name.replace('"', '""')))
    with smtp_server(tmp_path) as server:
        result = dry_run(brief, path, out, "--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(server.port),
                         "--smtp-security", "none", "--from", "Advocacy <advocacy@example.org>")
        assert result.exit_code == 0, result.output
        (message,) = server.handler.copies("anna@example.org")
    assert [a.addr_spec for a in message["To"].addresses] == ["anna@example.org"]
    assert message["Reply-To"] is None
    assert message["To"].addresses[0].display_name.replace(" ", "") == name.replace(" ", "")
    if len(name) < 30:
        assert message["To"].addresses[0].display_name == name  # one encoded word: exact for every reader
    assert len(list(message.iter_attachments())) == 1
