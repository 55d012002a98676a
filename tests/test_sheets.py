"""Recipients from spreadsheets (.xlsx through openpyxl, .ods read here) with cell positions, and
internationalised addresses: IDNA domains, and SMTPUTF8 local parts against a relay with and without it."""

from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner

from briefgen.cli import main
from briefgen.errors import BriefgenError, display_path
from briefgen.delivery.recipients import load_recipients
from mailserver import build_small, own_workspace, smtp_server, write_recipients

HEADER = ["Name", "Email", "Language", "Salutation", "Surname", "Group"]
ROWS = [
    ["Jürgen Weiß", "juergen.weiss@europarl.europa.eu", "de", "Mr", "Weiß", "EPP"],
    ["Anna Fotyga", "anna.fotyga@europarl.europa.eu", "en", "Ms", "Fotyga", "ECR"],
    ["Jörg Müller", "joerg@müller-stiftung.de", "en", "Mr", "Müller", ""],
    ["Zoé Durand", 33, "fr", "Mme", "Durand", ""],   # a number where an address belongs
]


def write_xlsx(path, rows, header=HEADER, title="MEPs"):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    sheet.append([])  # a blank row: skipped, but the numbering of the rows after it is kept
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_ods(path, rows, header=HEADER, title="MEPs"):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name=title)
    for cells in [header, [], *rows]:
        row = TableRow()
        for value in cells:
            kind = {"valuetype": "float", "value": value} if isinstance(value, (int, float)) else {"valuetype": "string"}
            cell = TableCell(**kind)
            cell.addElement(P(text=str(value)))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


@pytest.mark.parametrize("write, name", [(write_xlsx, "meps.xlsx"), (write_ods, "meps.ods")])
def test_a_spreadsheet_is_read_and_its_problems_shown_at_their_cells(tmp_path, write, name):
    path = write(tmp_path / name, ROWS)
    with pytest.raises(BriefgenError) as caught:
        load_recipients(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{display_path(path)}:6:2: MEPs!B6 (email): invalid address '33': write it as name@example.org"]
    recipients = load_recipients(write(tmp_path / ("ok-" + name), ROWS[:3]))
    weiss, fotyga, mueller = recipients
    assert (weiss.name, weiss.surname, weiss.language, weiss.salutation, weiss.group, weiss.line) == \
        ("Jürgen Weiß", "Weiß", "de", "Mr", "EPP", 3)
    assert fotyga.line == 4 and mueller.email == "joerg@müller-stiftung.de"
    assert mueller.address == "joerg@xn--mller-stiftung-gsb.de" and not mueller.smtputf8


def test_a_forging_name_in_a_spreadsheet_and_a_damaged_file(tmp_path):
    # (a cell starting with "=" is a formula: without a computed value it reads as empty)
    rows = [["Anna =?utf-8?q?a=0D=0ABcc:_x@evil.example?=", "a@example.org", "en", "", "", ""]]
    path = write_xlsx(tmp_path / "meps.xlsx", rows)
    with pytest.raises(BriefgenError) as caught:
        load_recipients(path)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{display_path(path)}:3:1: MEPs!A3 (name): ") and "encoded word" in str(problem)
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(path.read_bytes()[:300])
    with pytest.raises(BriefgenError, match="cannot read the spreadsheet"):
        load_recipients(damaged)
    bomb = tmp_path / "entities.ods"
    with zipfile.ZipFile(bomb, "w") as archive:
        archive.writestr("content.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    with pytest.raises(BriefgenError, match="declares XML entities"):
        load_recipients(bomb)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_small(tmp_path_factory)



def send(brief, out, recipients, server, *args):
    return CliRunner().invoke(main, ["send", str(brief), "-r", str(recipients), "--out", str(out), "--send",
                                     "--smtp-host", "127.0.0.1", "--smtp-port", str(server.port),
                                     "--smtp-security", "none", "--attempts", "1", *args])


def test_an_idna_domain_needs_no_smtputf8(built, tmp_path):
    brief, out = own_workspace(built, tmp_path)
    recipients = write_recipients(tmp_path, "name,email,language,salutation\nJörg Müller,joerg@müller-stiftung.de,en,Mr\n")
    with smtp_server(tmp_path, smtputf8=False) as server:
        result = send(brief, out, recipients, server)
    assert result.exit_code == 0, result.output
    (message,) = server.handler.copies("joerg@xn--mller-stiftung-gsb.de")
    assert [a.addr_spec for a in message["To"].addresses] == ["joerg@xn--mller-stiftung-gsb.de"]


def test_a_non_ascii_mailbox_is_refused_before_sending_unless_the_relay_offers_smtputf8(built, tmp_path):
    brief, out = own_workspace(built, tmp_path)
    recipients = write_recipients(tmp_path, "name,email,language,salutation\nAnna Alpha,anna@example.org,en,Ms\n"
                                            "Jörg Müller,jörg@müller.de,en,Mr\n")
    with smtp_server(tmp_path, smtputf8=False) as server:
        refused = send(brief, out, recipients, server)
    assert refused.exit_code == 1
    assert "does not offer SMTPUTF8" in refused.output and "jörg@xn--mller-kva.de" in refused.output
    assert "Traceback" not in refused.output
    assert server.handler.received == []  # not even the ASCII address: refused before the first message
    with smtp_server(tmp_path, smtputf8=True) as server:
        result = send(brief, out, recipients, server)
    assert result.exit_code == 0, result.output
    assert sorted(rcpt for rcpts, _ in server.handler.received for rcpt in rcpts) == \
        ["anna@example.org", "jörg@xn--mller-kva.de"]


def test_a_spreadsheet_list_is_sent_with_test_copies_first(built, tmp_path):
    """The campaign as staff run it (benchmarks/send705.py does the same with 705 rows and the sample)."""
    brief, out = own_workspace(built, tmp_path)
    languages = ["en", "ru", "de", "fr"]
    rows = [[f"Member {n}", f"mep{n}@europarl.example.org", languages[n % 4], "Mr", f"Nummer {n}", "EPP"] for n in range(40)]
    path = write_xlsx(tmp_path / "meps.xlsx", rows)
    with smtp_server(tmp_path) as server:
        first = send(brief, out, path, server, "--to", "officer@example.org")
        assert first.exit_code == 0, first.output
        assert len(server.handler.received) == 4 and {r for rcpts, _ in server.handler.received for r in rcpts} == \
            {"officer@example.org"}
        result = send(brief, out, path, server)
        assert result.exit_code == 0, result.output
        again = send(brief, out, path, server)
    assert "sent 40 of 40" in result.output and "nothing to send" in again.output
    counts = {}
    for rcpts, message in server.handler.received[4:]:
        (rcpt,) = rcpts
        counts[rcpt] = counts.get(rcpt, 0) + 1
        assert [a.addr_spec for a in message["To"].addresses] == [rcpt] and message["Reply-To"] is None
    assert len(counts) == 40 and set(counts.values()) == {1}
    greetings = {m.get_body(("plain",)).get_content().splitlines()[0] for _, m in server.handler.received[4:8]}
    assert greetings == {"Dear Mr Nummer 0,", "Уважаемый господин Nummer 1!", "Sehr geehrter Herr Nummer 2,", "Monsieur Nummer 3,"}
