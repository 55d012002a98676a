"""The recipients file and the SMTP settings: read, checked line by line, refused before anything is sent."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from briefgen.cli import main
from briefgen.errors import BriefgenError, display_path
from briefgen.delivery.mailconfig import load_settings
from briefgen.delivery.recipients import load_recipients, select
from mailserver import RECIPIENTS_CSV, smtp_server, write_recipients


def problems_of(path) -> list[str]:
    with pytest.raises(BriefgenError) as caught:
        load_recipients(path)
    return [str(problem) for problem in caught.value.problems]


def test_a_spreadsheet_export_is_read(tmp_path):
    recipients = load_recipients(write_recipients(tmp_path))
    assert [r.email for r in recipients][:2] == ["anna@example.org", "boris@example.org"]
    boris = recipients[1]
    assert (boris.name, boris.language, boris.salutation, boris.group, boris.country, boris.committee, boris.line) == \
        ("Борис Бета", "ru", "Mr", "S&D", "Latvia", "DROI", 3)
    assert [r.name for r in select(recipients, groups=["renew"])] == ["Clara Gamma", "Дарья Дельта"]
    assert [r.name for r in select(recipients, groups=["Renew"], countries=["germany"])] == ["Clara Gamma"]


def test_semicolons_a_byte_order_mark_and_extra_columns_are_fine(tmp_path):
    text = ("\ufeffName;Email;Language;Salutation;Notes\n\"Alpha;\nAnna\";anna@example.org;EN;Ms;met in May\n\n;;;;\n"
            "Boris Beta;boris@example;ru;Mr;\n")
    path = write_recipients(tmp_path, text)
    assert problems_of(path) == [f"{display_path(path)}:6:12: email: invalid address 'boris@example': "
                                 "write it as name@example.org"]
    (anna,) = load_recipients(write_recipients(tmp_path, text.replace("boris@example;", "boris@example.org;")))[:1]
    # a line break inside a cell could forge a mail header: it becomes a space
    assert (anna.name, anna.language, anna.line) == ("Alpha; Anna", "en", 2)


def test_yaml_recipients(tmp_path):
    text = "recipients:\n  - name: Anna Alpha\n    email: anna@example.org\n    language: en\n    salutation: Ms\n"
    (anna,) = load_recipients(write_recipients(tmp_path, text, "meps.yaml"))
    assert anna.email == "anna@example.org" and anna.line == 2
    bad = "- name: Anna Alpha\n  emial: anna@example.org\n  language: xx\n  salutation: Ms\n"
    shown = display_path(tmp_path / "bad.yaml")
    assert problems_of(write_recipients(tmp_path, bad, "bad.yaml")) == [
        f"{shown}:1:3: [0]: required key 'email' is missing: add it",
        f"{shown}:2:3: unknown column 'emial': did you mean 'email'?",
    ]


def test_bad_rows_are_reported_with_line_and_column(tmp_path):
    text = ("name,email,language,salutation\n"
            "Anna Alpha,anna@example.org,en,Ms\n"
            "Boris Beta,boris@example,ru,Mr\n"
            "Clara Gamma,Anna@Example.org,de,Dr\n"
            "Dmitri Delta,dmitri@example.org,rus,Mr\n"
            "Eve Epsilon,Eve Epsilon <eve@example.org>,en,\n"
            ",frank@example.org,en,Mr\n"
            "Gina Eta,gina@example,org,en,Ms\n")
    path = write_recipients(tmp_path, text)
    shown = display_path(path)
    assert problems_of(path) == [
        f"{shown}:3:12: email: invalid address 'boris@example': write it as name@example.org",
        f"{shown}:4:13: email: duplicate address Anna@Example.org (first listed on line 2): keep one",
        f"{shown}:5:33: language: unknown language 'rus': did you mean 'ru'?",
        f"{shown}:6:13: email: invalid address 'Eve Epsilon <eve@example.org>': write only the address, "
        "eve@example.org, and the name in the name column",
        f"{shown}:7:1: name: name is empty: write the recipient's name",
        f"{shown}:8:10: email: invalid address 'gina@example': write it as name@example.org",
        f"{shown}:8:23: language: unknown language 'org': write a language code such as en, ru, de or fr",
    ]


def test_a_missing_or_misspelt_column_and_a_non_utf8_file(tmp_path):
    path = write_recipients(tmp_path, "name,e-mail,language\nAnna,anna@example.org,en\n")
    shown = display_path(path)
    assert problems_of(path) == [
        f"{shown}:1:1: column 'email' is missing: the header needs name, email, language, salutation "
        "(and optionally surname, family_name, group, country, committee)",
        f"{shown}:1:1: column 'salutation' is missing: the header needs name, email, language, salutation "
        "(and optionally surname, family_name, group, country, committee)",
        f"{shown}:1:6: unknown column 'e-mail': did you mean 'email'?",
    ]
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("name,email,language,salutation\nJosé,jose@example.org,es,Mr\n".encode("latin-1"))
    assert "save the file as UTF-8" in problems_of(latin1)[0]


def test_a_bad_recipients_file_is_refused_before_anything_is_sent(small_copy, tmp_path):
    path = write_recipients(tmp_path, RECIPIENTS_CSV + "Frank Zeta,anna@example.org,en,Mr\n")
    with smtp_server(tmp_path) as server:
        # the brief is not even built: the recipients file is checked first
        result = CliRunner().invoke(main, ["send", str(small_copy), "-r", str(path), "--out", str(tmp_path / "out"),
                                           "--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(server.port),
                                           "--smtp-security", "none"])
    assert result.exit_code == 1
    assert f"{display_path(path)}:7:12: email: duplicate address anna@example.org (first listed on line 2)" in result.output
    assert "1 problem found" in result.output
    assert server.handler.connections == 0 and server.handler.received == []


def test_settings_come_from_file_then_environment_then_options(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefgen.toml").write_text(
        '[smtp]\nhost = "smtp.example.org"\nsecurity = "ssl"\nuser = "me@example.org"\n'
        'from = "Advocacy <advocacy@example.org>"\n', encoding="utf-8")
    settings = load_settings(environ={})
    assert (settings.host, settings.port, settings.security, settings.user) == ("smtp.example.org", 465, "ssl", "me@example.org")
    assert str(settings.sender) == "Advocacy <advocacy@example.org>"
    settings = load_settings(environ={"BRIEFGEN_SMTP_HOST": "relay.example.org", "BRIEFGEN_SMTP_PORT": "2525"},
                             options={"host": "cli.example.org", "port": None})
    assert (settings.host, settings.port) == ("cli.example.org", 2525)
    yaml_config = tmp_path / "mail.yaml"
    yaml_config.write_text("smtp:\n  host: y.example.org\n  security: starttls\n  reply_to: r@example.org\n")
    settings = load_settings(yaml_config, environ={})
    assert (settings.host, settings.port, settings.reply_to.addr_spec) == ("y.example.org", 587, "r@example.org")


def test_a_password_or_a_misspelt_setting_in_the_config_file_is_refused(tmp_path):
    config = tmp_path / "briefgen.toml"
    config.write_text('[smtp]\nhost = "smtp.example.org"\npassword = "hunter2"\nsecurty = "ssl"\n', encoding="utf-8")
    with pytest.raises(BriefgenError) as caught:
        load_settings(config, environ={})
    shown = display_path(config)
    assert [str(p) for p in caught.value.problems] == [
        f"{shown}:3:1: smtp.password: a password is never kept in a file: remove it and set BRIEFGEN_SMTP_PASSWORD "
        "or type it when asked",
        f"{shown}:4:1: smtp.securty: unknown setting 'securty': did you mean 'security'?",
    ]
    with pytest.raises(BriefgenError, match="not an email address"):
        load_settings(options={"from": "advocacy at example.org"}, environ={})


def test_a_surname_or_family_name_column(tmp_path):
    text = ("recipients:\n  - {name: Jürgen Weiß, family_name: Weiß, email: jw@example.org, language: de, salutation: Herr}\n"
            "  - {name: Anna Alpha, surname: Alpha, email: anna@example.org, language: en, salutation: Ms}\n"
            "  - {name: Eve Epsilon, email: eve@example.org, language: en, salutation: ''}\n")
    weiss, anna, eve = load_recipients(write_recipients(tmp_path, text, "meps.yaml"))
    assert (weiss.surname, anna.surname, eve.surname) == ("Weiß", "Alpha", "")
