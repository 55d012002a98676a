"""The cover email: greetings, languages, fallback, headers and parts, and the dry run's .eml files."""

from __future__ import annotations

import datetime
from email import policy
from email.headerregistry import Address
from email.parser import BytesParser

import pytest
from click.testing import CliRunner

from briefgen.cli import main
from briefgen.delivery.mail import EditionInfo, compose, greeting, message_id
from briefgen.delivery.recipients import Recipient
from mailserver import build_small, fresh_out, smtp_server, write_recipients

SENDER = Address("Jan Kowalski", "jan", "example.org")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_small(tmp_path_factory)


def person(salutation: str, language: str = "en", name: str = "Anna Alpha") -> Recipient:
    return Recipient(name=name, email="anna@example.org", language=language, salutation=salutation)


@pytest.mark.parametrize("salutation, lang, expected", [
    ("Ms", "en", "Dear Ms Anna Alpha,"),
    ("Mrs.", "en", "Dear Mrs Anna Alpha,"),
    ("Dr", "en", "Dear Dr Anna Alpha,"),
    ("", "en", "Dear Anna Alpha,"),
    ("Ms", "ru", "Уважаемая госпожа Anna Alpha!"),
    ("Mrs", "ru", "Уважаемая госпожа Anna Alpha!"),
    ("Mr", "ru", "Уважаемый господин Anna Alpha!"),
    ("г-жа", "ru", "Уважаемая госпожа Anna Alpha!"),
    ("Dr", "ru", "Здравствуйте, д-р Anna Alpha!"),
    ("", "ru", "Здравствуйте, Anna Alpha!"),
    ("Hon.", "en", "Dear Hon. Anna Alpha,"),
    ("Dear Anna,", "en", "Dear Anna,"),
    ("Frau", "de", "Sehr geehrte Frau Anna Alpha,"),
    ("Herr", "de", "Sehr geehrter Herr Anna Alpha,"),
    ("Mr", "de", "Sehr geehrter Herr Anna Alpha,"),
    ("Frau Dr.", "de", "Sehr geehrte Frau Dr. Anna Alpha,"),
    ("Dr", "de", "Guten Tag, Dr. Anna Alpha,"),
    ("", "de", "Guten Tag, Anna Alpha,"),
    ("Mme", "fr", "Madame Anna Alpha,"),
    ("M.", "fr", "Monsieur Anna Alpha,"),
    ("", "fr", "Bonjour Anna Alpha,"),
    ("Дорогая Анна!", "ru", "Дорогая Анна!"),
])
def test_greeting_agrees_with_the_salutation(salutation, lang, expected):
    assert greeting(person(salutation, lang), lang) == expected


@pytest.mark.parametrize("salutation, lang, expected", [
    ("Mr", "en", "Dear Mr Weiß,"),
    ("", "en", "Dear Jürgen Weiß,"),        # no title: the whole name, never the bare surname
    ("Mr", "ru", "Уважаемый господин Weiß!"),
    ("Herr", "de", "Sehr geehrter Herr Weiß,"),
    ("Frau Dr.", "de", "Sehr geehrte Frau Dr. Weiß,"),
    ("Dr", "en", "Dear Dr Weiß,"),
    ("M.", "fr", "Monsieur Weiß,"),
    ("Dear Jürgen,", "en", "Dear Jürgen,"),
])
def test_a_surname_makes_the_greeting_formal(salutation, lang, expected):
    weiss = Recipient(name="Jürgen Weiß", surname="Weiß", email="jw@example.org", language=lang, salutation=salutation)
    assert greeting(weiss, lang) == expected


def edition(built, lang: str, **changes) -> EditionInfo:
    brief, out = built
    facts = {"slug": "small-brief", "lang": lang, "path": out / "small-brief" / f"small-brief.{lang}.pdf",
             "fingerprint": f"fp-{lang}", "title": "Test briefing on detentions", "short_title": "Test briefing",
             "date": datetime.date(2021, 11, 1), "author": "Test Foundation", "contact_name": "Jan Kowalski",
             "contact_email": "jan@example.org"}
    return EditionInfo(**{**facts, **changes})


def test_a_russian_recipient_gets_a_russian_email_and_edition(built):
    message = compose(person("Ms", "ru", "Дарья Дельта"), edition(built, "ru", title="Тестовый брифинг"), SENDER)
    message = BytesParser(policy=policy.default).parsebytes(message.as_bytes())
    assert message["Subject"] == "Справка: Тестовый брифинг"
    assert message["To"] == "Дарья Дельта <anna@example.org>"
    assert message["Content-Language"] == "ru"
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("Уважаемая госпожа Дарья Дельта!\n\nНаправляем Вам справку «Тестовый брифинг» от 1 ноября 2021")
    assert "С уважением,\nJan Kowalski" in text and "языке оригинала" not in text
    html = message.get_body(("html",)).get_content()
    assert '<html lang="ru">' in html and "<p>Уважаемая госпожа Дарья Дельта!</p>" in html
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "Test briefing (RU).pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == (built[1] / "small-brief" / "small-brief.ru.pdf").read_bytes()


def test_a_language_without_an_edition_gets_the_source_edition_and_a_sentence_saying_so(built):
    german = compose(person("Dr", "de"), edition(built, "en"), SENDER)
    text = german.get_body(("plain",)).get_content()
    assert text.startswith("Guten Tag, Dr. Anna Alpha,\n\nAnbei erhalten Sie das Briefing „Test briefing on detentions“ vom 1. November 2021")
    assert "Dieses Briefing liegt in Ihrer Sprache (Deutsch) noch nicht vor; die beigefügte Fassung ist in der Originalsprache (Englisch)." in text
    assert german["Content-Language"] == "de"  # the tool speaks German: the email is in German, the edition English
    # a language the tool has no catalog for: the email itself is in English
    japanese = compose(person("Dr", "ja"), edition(built, "en"), SENDER)
    text = japanese.get_body(("plain",)).get_content()
    assert "not yet available in your language (Japanese); the attached edition is in the original language (English)" in text
    assert japanese["Content-Language"] == "en"
    # a Russian reader of a brief with no Russian edition reads the sentence in Russian
    russian = compose(person("Mr", "ru"), edition(built, "en"), SENDER).get_body(("plain",)).get_content()
    assert "Эта справка пока не переведена на Ваш язык (русский); прилагается версия на языке оригинала (английский)." in russian


def test_texts_are_escaped_in_html_and_names_are_safe_in_headers(built):
    tricky = edition(built, "en", title='Rights <b>now</b> & "later"', short_title='A/B: "C"?')
    message = compose(person("Ms", name='Anna "The Boss" <Alpha>'), tricky, SENDER)
    html = message.get_body(("html",)).get_content()
    assert "Rights &lt;b&gt;now&lt;/b&gt; &amp; &#34;later&#34;" in html and "<b>now</b>" not in html
    assert message["To"].addresses[0].addr_spec == "anna@example.org"
    assert message["To"].addresses[0].display_name == 'Anna "The Boss" <Alpha>'
    assert tricky.attachment_name == "A B C (EN).pdf"
    assert edition(built, "ru", short_title="Казахстан, ноябрь 2021 г.").attachment_name == "Казахстан, ноябрь 2021 г. (RU).pdf"


def test_the_message_id_is_fixed_per_edition_and_recipient(built):
    first = compose(person("Ms"), edition(built, "en"), SENDER)
    again = compose(person("Ms"), edition(built, "en"), SENDER)
    assert first["Message-ID"] == again["Message-ID"] == message_id("fp-en", "ANNA@example.org", "example.org")
    assert compose(person("Ms"), edition(built, "en", fingerprint="other"), SENDER)["Message-ID"] != first["Message-ID"]


def test_the_dry_run_sends_nothing_and_writes_one_eml_per_recipient(built, tmp_path):
    brief, built_out = built
    out = fresh_out(built_out, tmp_path)
    recipients = write_recipients(tmp_path)
    with smtp_server(tmp_path) as server:
        result = CliRunner().invoke(main, ["send", str(brief), "-r", str(recipients), "--out", str(out),
                                           "--smtp-host", "127.0.0.1", "--smtp-port", str(server.port),
                                           "--smtp-security", "none", "--reply-to", "Press <press@example.org>"])
    assert result.exit_code == 0, result.output
    assert server.handler.connections == 0 and server.handler.received == []
    lines = result.output.splitlines()
    assert lines[0].split() == ["recipient", "language", "attachment", "size", "note"]
    assert "de → en" in lines[3] and "Test briefing (EN).pdf" in lines[3] and "KB" in lines[3]
    assert lines[-1] == "nothing was sent; add --send to send 5 messages"
    assert not (out / "small-brief" / "send-ledger.sqlite3").exists()
    emls = sorted((out / "small-brief" / "outbox").glob("*.eml"))
    assert [path.name for path in emls] == ["001-anna@example.org.eml", "002-boris@example.org.eml",
                                            "003-clara@example.org.eml", "004-darya@example.org.eml",
                                            "005-eve@example.org.eml"]
    boris = BytesParser(policy=policy.default).parsebytes(emls[1].read_bytes())
    assert boris["From"] == "Jan Kowalski <jan@example.org>"  # the brief's contact when no --from is given
    assert boris["To"] == "Борис Бета <boris@example.org>" and boris["Reply-To"] == "Press <press@example.org>"
    assert boris["Subject"] == "Справка: Тестовый брифинг о задержаниях"
    assert boris["Message-ID"].startswith("<briefgen.") and boris["Date"]
    assert boris.get_content_type() == "multipart/mixed"
    assert boris.get_body(("plain",)).get_content().startswith("Уважаемый господин Борис Бета!")
    assert "Уважаемый господин Борис Бета!" in boris.get_body(("html",)).get_content()
    (attachment,) = boris.iter_attachments()
    assert (attachment.get_content_type(), attachment.get_filename()) == ("application/pdf", "Тестовый брифинг (RU).pdf")
    assert attachment.get_content() == (out / "small-brief" / "small-brief.ru.pdf").read_bytes()
    eve = BytesParser(policy=policy.default).parsebytes(emls[4].read_bytes())
    assert eve.get_body(("plain",)).get_content().startswith("Dear Eve Epsilon,\n")


@pytest.mark.parametrize("lang", ["ru", "de", "fr"])
def test_every_email_string_has_a_translation_in_each_context(lang):
    """pgettext strings too (the general catalog test does not extract them)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    from briefgen.editions.i18n import catalog_file
    from conftest import ROOT

    method_map = [("briefgen/delivery/mail.py", "python"), ("templates/email/**.j2", "jinja2")]
    options = {"templates/email/**.j2": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "gettext": None, "pgettext": ((1, "c"), 2), "N_": None}
    marked = {(message[4], message[2]) for message in extract_from_dir(str(ROOT), method_map, options, keywords=keywords)}
    with catalog_file(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    translated = {(m.context, m.id) for m in catalog if m.id and m.string and not m.fuzzy}
    assert len(marked) >= 15 and ("greeting to a woman", "Dear %(title)s %(name)s,") in marked
    assert marked <= translated, sorted(marked - translated)
