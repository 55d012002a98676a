"""The brief's own cover text (cover.md): placeholders, Markdown without raw HTML, translation through the
brief's PO catalogs, the built-in text as the fallback, and its mistakes shown at their line."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

import pytest
from click.testing import CliRunner

from briefgen.delivery import send
from briefgen.cli import main
from briefgen.load.content import load_brief
from briefgen.errors import display_path
from briefgen.delivery.recipients import Recipient
from conftest import edit
from mailserver import build_small, own_workspace, write_recipients

COVER = """Our coalition has updated its briefing **{title}** of {date}, {name}.

It documents <script>alert(1)</script> new cases; see [our site](https://example.org/cases)
and write to {contact} with questions, {surname}.
"""
TRICKY = Recipient(name="Anna <b>*Alpha*</b>", surname="Alpha & Co", email="anna@example.org", language="en",
                   salutation="Ms")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_small(tmp_path_factory)


def bodies(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_the_cover_text_replaces_the_built_in_one_with_its_placeholders_filled(built, tmp_path):
    brief, out = own_workspace(built, tmp_path)
    (brief / "cover.md").write_text(COVER, encoding="utf-8")
    recipients = write_recipients(tmp_path, "name,email,language,salutation,surname\n"
                                            "Anna Alpha,anna@example.org,en,Ms,Alpha\n")
    # cover.md is no part of the edition: the built PDF is still up to date
    result = CliRunner().invoke(main, ["send", str(brief), "-r", str(recipients), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (eml,) = (out / "small-brief" / "outbox").glob("*.eml")
    text, html = bodies(BytesParser(policy=policy.default).parsebytes(eml.read_bytes()))
    assert text.startswith("Dear Ms Alpha,\n\nOur coalition has updated its briefing Test briefing on detentions "
                           "of 1 November 2021, Anna Alpha.\n\nIt documents <script>alert(1)</script> new cases; "
                           "see our site and write to Jan Kowalski with questions, Alpha.\n")
    assert "Please find attached" not in text and "We would be grateful" not in text
    assert "<strong>Test briefing on detentions</strong>" in html
    assert '<a href="https://example.org/cases">our site</a>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html

    # values are never read as Markdown or HTML
    plan = send.prepare(brief, recipients, out)
    message = send.build(TRICKY, plan.items[0].edition, plan.sender, cover=plan.covers["en"]).message
    text, html = bodies(message)
    assert ", Anna <b>*Alpha*</b>." in text and "questions, Alpha & Co." in text
    assert "Anna &lt;b&gt;*Alpha*&lt;/b&gt;" in html and "Alpha &amp; Co" in html and "<em>" not in html


def test_the_cover_is_translated_through_the_briefs_catalog(built, tmp_path):
    brief, _ = own_workspace(built, tmp_path)
    (brief / "cover.md").write_text(COVER, encoding="utf-8")
    update = CliRunner().invoke(main, ["i18n", "update", str(brief)])
    assert update.exit_code == 0, update.output
    po = brief / "translations" / "ru.po"
    catalog = po.read_text(encoding="utf-8")
    assert 'msgctxt "cover:1"' in catalog and 'msgctxt "cover:2"' in catalog and "#: cover.md:1" in catalog
    status = CliRunner().invoke(main, ["i18n", "status", str(brief)])
    assert "0 stale, 2 missing" in status.output

    russian = Recipient(name="Борис Бета", surname="Бета", email="boris@example.org", language="ru", salutation="Mr")
    brief_model = load_brief(brief)
    statuses = send.edition_statuses(brief_model, ["ru"])
    # untranslated: the Russian edition is still whole, the email uses the built-in Russian text
    assert send.edition_for("ru", brief_model, statuses) == "ru"
    assert send.covers_by_language(brief_model, statuses).keys() == {"en"}

    edit(po, 'msgctxt "cover:1"\nmsgid "Our coalition has updated its briefing **{title}** of {date}, {name}."\nmsgstr ""',
         'msgctxt "cover:1"\nmsgid "Our coalition has updated its briefing **{title}** of {date}, {name}."\n'
         'msgstr "Наша коалиция обновила справку **{title}** от {date}, {name}."')
    second = ('msgctxt "cover:2"\nmsgid ""\n"It documents <script>alert(1)</script> new cases; see [our site](https://example.org/cases)\\n"\n'
              '"and write to {contact} with questions, {surname}."\nmsgstr ""')
    assert second in po.read_text(encoding="utf-8")
    edit(po, second, second[:-2] + '"Вопросы — {contact}, {surname}."')
    brief_model = load_brief(brief)
    covers = send.covers_by_language(brief_model, send.edition_statuses(brief_model, ["ru"]))
    assert covers["ru"] == ["Наша коалиция обновила справку **{title}** от {date}, {name}.", "Вопросы — {contact}, {surname}."]

    # a translation may not bring a placeholder of its own
    edit(po, '"Вопросы — {contact}, {surname}."', '"Вопросы — {contact}, {email}."')
    brief_model = load_brief(brief)
    (problem,) = send.cover_problems(brief_model, send.edition_statuses(brief_model, ["ru"])["ru"])
    assert str(problem).startswith(f"{display_path(po)}:") and "cover:2: unknown placeholder {email}" in str(problem)


def test_cover_mistakes_are_shown_at_their_line(small_copy):
    (small_copy / "cover.md").write_text("Hello {name},\n\nthe list of {prisoners.count} prisoners and {nmae}.\n",
                                         encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(small_copy)])
    assert result.exit_code == 1
    assert f"{display_path(small_copy / 'cover.md')}:3:1: paragraph 2: unknown placeholder {{prisoners.count}}: " \
           "a cover text may use {name}, {surname}, {title}, {date}, {author}, {contact}" in result.output


def test_the_mail_merge_modules_are_no_part_of_an_editions_fingerprint():
    from briefgen.editions import fingerprint

    hashed = {path.name for path in fingerprint.code_files()}
    for name in ("headers.py", "sheets.py", "campaign.py", "cover.py"):
        assert (fingerprint.PACKAGE_DIR / "delivery" / name).is_file() and name not in hashed, name
    assert {"render.py", "pdf.py", "model.py"} <= hashed
