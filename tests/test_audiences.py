"""Anonymity and audiences: an anonymous interview and a brief with restricted details are built
(en and ru); their public outputs — HTML, PDF text, PDF metadata, snapshots, `changes`, the cover
emails of a dry run — hold no restricted text and no anonymous person's name, and their restricted
editions do. Placeholder names are refused at their line. The leak check is itself tested on
outputs made to contain a restricted text."""

from __future__ import annotations

import email
import html
import json
import shutil
import subprocess
import sys
from email import policy
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from briefgen.editions.build import build_brief
from briefgen.cli import main
from briefgen.errors import display_path
from briefgen.editions.leaks import find_leaks
from conftest import FIXTURES, ROOT, SMALL, edit, pdf_text

ANONYMOUS = FIXTURES / "good" / "anonymous-interview"

#: what only the restricted editions of the anonymous interview may hold (en, ru)
INTERVIEW_SECRETS = ["Aigerim Seitkali", "Айгерим Сейткали", "Seitkali", "Shymkent", "Шымкент", "+7 701 555 0199",
                     "Nurlan", "Нурлан", "Yerlan Kassymov", "Ерлана Касымова", "How can officials reach you"]

#: the details the test marks restricted in the small brief, and their Russian translations
RUSSIAN = {
    "Anna Alpha is held in penal colony UG-157/11, 12 Lenin Street, Arshaly.":
        "Анна Альфа содержится в колонии УГ-157/11, ул. Ленина, 12, Аршалы.",
    "Source: Gulnara Zeta, a guard at the colony.": "Источник: Гульнара Зета, охранница колонии.",
    "Her sister Dana Alpha visits her every month.": "Её сестра Дана Альфа навещает её каждый месяц.",
    "Daniyar Delta": "Данияр Дельта",
    "a blogger from Aktobe": "блогер из Актобе",
    "Erlan Epsilon": "Ерлан Эпсилон",
}
BRIEF_SECRETS = ["+7 701 555 0101", "UG-157/11", "12 Lenin Street", "ул. Ленина", "Gulnara Zeta", "Гульнара Зета",
                 "Dana Alpha", "Дана Альфа", "Daniyar Delta", "Данияр Дельта", "Erlan Epsilon", "Ерлан Эпсилон"]


def restrict(folder: Path) -> None:
    """Mark details of the small brief restricted, as an officer would, and translate them."""
    brief = folder / "brief.yaml"
    edit(brief, "  email: jan@example.org\n", '  email: jan@example.org\n  phone: "+7 701 555 0101"\n  restricted: [phone]\n')
    edit(brief, "      - label: \"Why it matters\"\n",
         "      - text: \"Anna Alpha is held in penal colony UG-157/11, 12 Lenin Street, Arshaly.\"\n"
         "        restricted: true\n      - label: \"Why it matters\"\n")
    edit(brief, "critics.[^hrw-report]", "critics.[^hrw-report][^guard]")
    edit(brief, "cases: [anna-alpha]", "cases: [anna-alpha, clara-gamma, daniyar-delta]")
    with (folder / "footnotes.yaml").open("a", encoding="utf-8") as notes:
        notes.write("  guard:\n    restricted: true\n    note: \"Source: Gulnara Zeta, a guard at the colony.\"\n")
    prisoners = folder / "prisoners.yaml"
    edit(prisoners, "    status: psychiatric-detention\n",
         "    status: psychiatric-detention\n    profile: \"Her sister Dana Alpha visits her every month.\"\n"
         "    restricted: [profile]\n")
    with prisoners.open("a", encoding="utf-8") as data:
        data.write("  - id: daniyar-delta\n    name: Daniyar Delta\n    status: imprisoned\n    restricted: true\n"
                   "  - id: blogger-aktobe\n    name: {anonymous: true, description: \"a blogger from Aktobe\", "
                   "name: \"Erlan Epsilon\"}\n    status: pre-trial-detention\n")
    result = CliRunner().invoke(main, ["i18n", "update", str(folder)])
    assert result.exit_code == 0, result.output
    catalog = polib.pofile(str(folder / "translations" / "ru.po"))
    for entry in catalog:
        if entry.msgid in RUSSIAN:
            entry.msgstr = RUSSIAN[entry.msgid]
        elif entry.fuzzy:  # the paragraph that now calls the restricted note
            entry.msgstr += "[^guard]"
        entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
        entry.previous_msgid = None
    catalog.save()


def public_texts(out: Path, slug: str) -> dict[str, str]:
    """Every public output of a build, as text a reader or a program could see."""
    folder = out / slug
    texts = {}
    for path in sorted(folder.glob(f"{slug}.*")):
        if ".restricted." in path.name or path.suffix not in (".html", ".pdf"):
            continue
        if path.suffix == ".html":
            texts[path.name] = html.unescape(path.read_text(encoding="utf-8"))
        else:
            texts[path.name] = pdf_text(path) + "\n" + pdf_metadata(path)
    for snapshot in sorted((folder / "snapshots").glob("*.json")):
        texts[f"snapshots/{snapshot.name}"] = json.dumps(json.loads(snapshot.read_text(encoding="utf-8")), ensure_ascii=False)
    return {name: " ".join(text.split()) for name, text in texts.items()}


def pdf_metadata(path: Path) -> str:
    """Title, author, subject, keywords and the XMP packet of a PDF."""
    reader = PdfReader(str(path))
    xmp = reader.trailer["/Root"].get("/Metadata")
    packet = xmp.get_object().get_data().decode("utf-8") if xmp is not None else ""
    return " ".join(str(v) for v in (reader.metadata or {}).values()) + " " + packet


def absent(secrets: list[str], texts: dict[str, str]) -> None:
    found = [(secret, name) for secret in secrets for name, text in texts.items() if secret in text]
    assert not found, found


@pytest.fixture(scope="module")
def interview(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("anonymous")
    build_brief(ANONYMOUS, out_dir=out)
    return out / "anonymous-interview"


def test_an_anonymous_interview_names_nobody_in_public(interview):
    assert sorted(p.name for p in interview.glob("anonymous-interview.*")) == [
        "anonymous-interview.en.html", "anonymous-interview.en.pdf", "anonymous-interview.en.restricted.pdf",
        "anonymous-interview.ru.html", "anonymous-interview.ru.pdf", "anonymous-interview.ru.restricted.pdf"]
    texts = public_texts(interview.parent, "anonymous-interview")
    assert len(texts) == 5  # 2 HTML, 2 PDF, 1 snapshot
    absent(INTERVIEW_SECRETS, texts)
    english, russian = texts["anonymous-interview.en.pdf"], texts["anonymous-interview.ru.pdf"]
    # the templates say so in the edition's language; the title names a description, not a person
    assert "INTERVIEW WITH A BANKING-SECTOR ACTIVIST a banking-sector activist (name withheld), trade unionist, Kazakhstan " \
           "Name withheld at the defender’s request." in english
    assert "активистка из банковского сектора (имя не называется), профсоюзная активистка, Казахстан" in russian
    reader = PdfReader(str(interview / "anonymous-interview.en.pdf"))
    assert reader.metadata.title == "Interview with a banking-sector activist"
    assert reader.metadata.get("/Keywords") == "human rights" and "/Author" not in reader.metadata
    assert PdfReader(str(interview / "anonymous-interview.ru.pdf")).metadata.title == "Интервью: активистка из банковского сектора"
    # the restricted note is left out with its number: one note, numbered 1
    assert "1. Example Watch" in english and "2. " not in english and "union.1 " in english


def test_the_restricted_interview_carries_what_the_public_one_leaves_out(interview):
    english = " ".join(pdf_text(interview / "anonymous-interview.en.restricted.pdf").split())
    russian = " ".join(pdf_text(interview / "anonymous-interview.ru.restricted.pdf").split())
    assert english.startswith("Restricted edition — not for publication.")
    assert russian.startswith("Издание ограниченного доступа — не для публикации.")
    for secret in ["Aigerim Seitkali, trade unionist, Shymkent, Kazakhstan", "+7 701 555 0199", "Nurlan Seitkali",
                   "union.1,2", "2. Told to us by Yerlan Kassymov"]:
        assert secret in english, secret
    for secret in ["Айгерим Сейткали", "Шымкент", "Нурлана Сейткали", "Ерлана Касымова"]:
        assert secret in russian, secret
    # metadata never carries an anonymous person's name, not even in the restricted edition
    metadata = pdf_metadata(interview / "anonymous-interview.en.restricted.pdf")
    assert "Seitkali" not in metadata and "Interview with a banking-sector activist" in metadata


@pytest.fixture(scope="module")
def restricted_brief(tmp_path_factory):
    """The small brief built once as it is (the earlier edition), then with restricted details,
    then its `changes` and the dry run of `send`."""
    base = tmp_path_factory.mktemp("restricted")
    folder, out = base / "small-brief", base / "out"
    shutil.copytree(SMALL, folder)
    build_brief(folder, out_dir=out, formats=("html",))
    restrict(folder)
    editions = build_brief(folder, out_dir=out)
    runner = CliRunner()
    changes = {lang: runner.invoke(main, ["changes", str(folder), "--out", str(out), "--lang", lang]) for lang in ("en", "ru")}
    recipients = base / "meps.csv"
    recipients.write_text("name,email,language,salutation\nAnna Nowak,anna@example.eu,en,Ms\n"
                          "Иван Петров,ivan@example.eu,ru,Mr\n", encoding="utf-8")
    sent = runner.invoke(main, ["send", str(folder), "--recipients", str(recipients), "--out", str(out),
                                "--changes", "previous", "--allow-incomplete"])  # ru is partly translated
    return folder, out, editions, changes, sent


def test_public_editions_of_a_brief_leave_restricted_details_out(restricted_brief):
    folder, out, editions, changes, sent = restricted_brief
    assert [sorted(p.name for p in e.written) for e in editions] == [
        ["small-brief.en.html", "small-brief.en.pdf", "small-brief.en.restricted.pdf"],
        ["small-brief.ru.html", "small-brief.ru.pdf", "small-brief.ru.restricted.pdf"]]
    texts = public_texts(out, "small-brief")
    assert sum(name.startswith("snapshots/") for name in texts) == 2
    absent(BRIEF_SECRETS, texts)
    for name in ("small-brief.en.html", "small-brief.en.pdf"):
        # the anonymous prisoner is counted and described; the restricted one is not counted
        assert "4 political prisoners" in texts[name] and "a blogger from Aktobe (name withheld)" in texts[name]
    assert "4 политических заключённых" in texts["small-brief.ru.pdf"]
    assert "блогер из Актобе (имя не называется)" in texts["small-brief.ru.html"]
    # footnote numbers run on without the restricted note's: 1–3 in public, the fourth only in the restricted edition
    page = (out / "small-brief" / "small-brief.en.html").read_text(encoding="utf-8")
    assert [n for n in range(1, 6) if f'id="fn-{n}"' in page] == [1, 2, 3]
    restricted = " ".join(pdf_text(out / "small-brief" / "small-brief.en.restricted.pdf").split())
    assert "4. Source: Gulnara Zeta, a guard at the colony." in restricted


def test_restricted_editions_of_a_brief_hold_every_restricted_detail(restricted_brief):
    folder, out, *_ = restricted_brief
    english = " ".join(pdf_text(out / "small-brief" / "small-brief.en.restricted.pdf").split())
    russian = " ".join(pdf_text(out / "small-brief" / "small-brief.ru.restricted.pdf").split())
    for secret in BRIEF_SECRETS:
        assert secret in english or secret in russian, secret
    assert "5 political prisoners" in english and "Erlan Epsilon" in english and "Source: Gulnara Zeta" in english
    assert "Данияр Дельта" in russian and "Её сестра Дана Альфа" in russian


def test_changes_and_cover_emails_carry_nothing_restricted(restricted_brief):
    folder, out, editions, changes, sent = restricted_brief
    assert changes["en"].exit_code == 0, changes["en"].output
    assert "- New political prisoner: a blogger from Aktobe (name withheld) (in pre-trial detention)" in changes["en"].output
    assert "- Political prisoners: 3 → 4" in changes["en"].output
    assert "блогер из Актобе (имя не называется)" in changes["ru"].output
    absent(BRIEF_SECRETS, {lang: result.output for lang, result in changes.items()})
    assert sent.exit_code == 0, sent.output
    emls = sorted((out / "small-brief" / "outbox").glob("*.eml"))
    assert len(emls) == 2
    for path, lang in zip(emls, ("en", "ru")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        (attachment,) = list(message.iter_attachments())
        # `send` attaches the restricted edition …
        assert attachment.get_content() == (out / "small-brief" / f"small-brief.{lang}.restricted.pdf").read_bytes()
        # … and its cover email (headers, text, HTML, attachment name) is written from the public view
        shown = str(message["Subject"]) + attachment.get_filename() + "".join(
            part.get_content() for part in message.walk() if part.get_content_maintype() == "text")
        absent(BRIEF_SECRETS, {path.name: " ".join(shown.split())})
        assert ("a blogger from Aktobe" if lang == "en" else "блогер из Актобе") in shown


def test_restricted_text_also_written_in_public_stops_the_build(small_copy, tmp_path):
    """The check of every public edition: a restricted phone repeated in a public paragraph is found,
    reported at the restricted phone's line, and nothing of the build is written."""
    edit(small_copy / "brief.yaml", "  email: jan@example.org\n",
         '  email: jan@example.org\n  phone: "+7 701 555 0101"\n  restricted: [phone]\n')
    edit(small_copy / "brief.yaml", '"No comment."', '"Call +7 701 555 0101."')
    result = CliRunner().invoke(main, ["build", str(small_copy), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    lines = (small_copy / "brief.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("  phone:"))
    assert f"brief.yaml:{line}:10: contact.phone: restricted text \"+7 701 555 0101\" would be in the public edition" in result.output
    assert not (tmp_path / "out").exists()


def test_the_leak_check_finds_a_restricted_text_in_an_output(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<html><head><meta name="keywords" content="Dana Alpha"></head><body>'
                    "<p>Call <strong>+7&nbsp;701</strong> 555 0101 — “twelve Lenin Street”.</p></body></html>",
                    encoding="utf-8")
    found = {leak.text for leak in find_leaks(page, ["Dana Alpha", "+7 701 555 0101", '"Twelve Lenin Street"', "Zeta"])}
    assert found == {"Dana Alpha", "+7 701 555 0101", '"Twelve Lenin Street"'}
    # a PDF: a name only in its metadata, and a long sentence broken (and hyphenated) across lines
    from weasyprint import HTML

    sentence = ("The prisoner's sister can be reached through the parish of Saint Nicholas in the "
                "Kazybekbiyskiy district of Karaganda")
    pdf = tmp_path / "page.pdf"
    HTML(string=f'<html lang="en"><head><title>Report by Gulnara Zeta</title></head><body>'
                f'<p style="width: 4cm; hyphens: auto">{sentence}</p></body></html>').write_pdf(pdf)
    found = {leak.text for leak in find_leaks(pdf, ["Gulnara Zeta", sentence, "Erlan Epsilon"])}
    assert found == {"Gulnara Zeta", sentence}
    assert find_leaks(pdf, ["Erlan Epsilon", "a sentence that is nowhere in this document at all, not even in part"]) == []


def test_the_leak_check_finds_an_address_broken_across_lines(tmp_path):
    """In print an e-mail address breaks after its "@" and before a "." or "-" (typeset.py): a
    restricted one broken across lines of a public PDF is still found."""
    from weasyprint import HTML

    from briefgen.editions.leaks import pdf_text
    from briefgen.editions.typeset import typeset

    address = "aizhan.abdrakhmanova-tokhtarbekova@partnership-for-human-rights.example.org"
    pdf = tmp_path / "address.pdf"
    HTML(string=typeset(f'<html lang="en"><body><p style="width: 3.5cm">Write to {address} or call.</p>'
                        "</body></html>", "en", "print")).write_pdf(pdf)
    lines = pdf_text(pdf).splitlines()
    assert not any(address in line for line in lines) and any(line.endswith("@") for line in lines)
    assert {leak.text for leak in find_leaks(pdf, [address, "jan@example.org"])} == {address}


@pytest.mark.parametrize("name", ['""', "Name withheld", "Anonymous", "N/A", "XXX", "unknown", "Имя скрыто", '" - "'])
def test_placeholder_names_are_refused_with_their_position(tmp_path, name):
    folder = tmp_path / "interview"
    shutil.copytree(FIXTURES / "good" / "short-interview", folder)
    edit(folder / "brief.yaml", 'interviewee: "Zhanna Orynbayeva"', f"interviewee: {name}")
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 1
    assert result.output.startswith(f"{display_path(folder / 'brief.yaml')}:4:14: interviewee: ")
    assert "is not a name" in result.output and "interviewee: {anonymous: true, description:" in result.output


def test_placeholder_names_of_prisoners_and_required_restricted_fields(small_copy):
    edit(small_copy / "prisoners.yaml", "name: Boris Beta", "name: N/A")
    edit(small_copy / "prisoners.yaml", "    status: psychiatric-detention\n",
         "    status: psychiatric-detention\n    restricted: [name]\n")
    result = CliRunner().invoke(main, ["check", str(small_copy)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(":13:11: prisoners[1].name: 'N/A' is not a name: write the person's name, or to keep the person "
               "anonymous write name: {anonymous: true" in line for line in lines), lines
    assert any(":19:17: prisoners[2].restricted: 'name' is required, so a public edition cannot leave it out: mark the "
               "whole item restricted: true; or to keep the person anonymous write name: {anonymous: true" in line
               for line in lines), lines


def test_audiences_from_the_workspace_and_the_command_line(small_copy, tmp_path):
    restrict_phone = ('  email: jan@example.org\n', '  email: jan@example.org\n  phone: "+7 701 555 0101"\n  restricted: [phone]\n')
    edit(small_copy / "brief.yaml", *restrict_phone)
    (small_copy.parent / "briefgen.toml").write_text('[build]\naudiences = {html = ["public", "restricted"], pdf = "public"}\n',
                                                     encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "briefgen", "build", str(small_copy), "--out", str(out), "--lang", "en",
                             "--format", "html"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    built = sorted(p.name for p in (out / "small-brief").glob("small-brief.*"))
    assert built == ["small-brief.en.html", "small-brief.en.restricted.html"]
    assert "+7 701 555 0101" in (out / "small-brief" / "small-brief.en.restricted.html").read_text(encoding="utf-8")
    again = CliRunner().invoke(main, ["build", str(small_copy), "--out", str(out), "--lang", "en", "--format", "html"])
    assert "nothing changed" in again.output  # the fast path knows both file names
    only = CliRunner().invoke(main, ["build", str(small_copy), "--out", str(out), "--lang", "en", "--format", "html",
                                     "--audience", "restricted", "--force"])
    assert only.exit_code == 0 and "small-brief.en.restricted.html" in only.output and "en.html" not in only.output.replace("restricted.html", "")
    (small_copy.parent / "briefgen.toml").write_text('[build]\naudiences = {html = "secret"}\n', encoding="utf-8")
    bad = CliRunner().invoke(main, ["build", str(small_copy), "--out", str(out)])
    assert bad.exit_code == 1 and "[build] audiences.html = 'secret'" in bad.output


def test_an_anonymous_name_in_a_file_name_or_an_id_is_refused(tmp_path, small_copy):
    folder = tmp_path / "interview-seitkali"
    shutil.copytree(ANONYMOUS, folder)
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 1
    assert result.output.startswith(f"{display_path(folder / 'brief.yaml')}:9:9: interviewee.name: the brief's folder "
                                    "name contains 'seitkali' from this anonymous person's name")
    with (small_copy / "prisoners.yaml").open("a", encoding="utf-8") as data:
        data.write("  - id: erlan-epsilon\n    name: {anonymous: true, name: \"Erlan Epsilon\"}\n    status: imprisoned\n")
    result = CliRunner().invoke(main, ["check", str(small_copy)])
    assert result.exit_code == 1 and "prisoners[3].name.name: the id contains 'epsilon' from this anonymous person's name" in result.output


def test_restricted_chapters_contacts_and_fields_of_blocks(small_copy, tmp_path):
    brief = small_copy / "brief.yaml"
    edit(brief, '  - id: recommendations\n    title: "Recommendations"\n',
         '  - id: recommendations\n    restricted: true\n    title: "Recommendations"\n')
    edit(brief, '  name: "Jan Kowalski"\n', '  restricted: [id]\n  name: "Jan Kowalski"\n')
    result = CliRunner().invoke(main, ["check", str(small_copy)])
    assert result.exit_code == 1 and ("contact.restricted: 'id' is not a field that can be restricted here: list some "
                                      "of role, email, phone") in result.output
    edit(brief, '  restricted: [id]\n', '  restricted: true\n')
    edit(brief, '          caption: "Requests"\n',
         '          caption: "Requests from the Almaty prosecutor"\n          restricted: [caption]\n')
    out = tmp_path / "out"
    build_brief(small_copy, out_dir=out, formats=("html",), languages=["en"], audiences={"html": ("public", "restricted")})
    public = (out / "small-brief" / "small-brief.en.html").read_text(encoding="utf-8")
    restricted = (out / "small-brief" / "small-brief.en.restricted.html").read_text(encoding="utf-8")
    for text in ("what should be done", "Recommendations", "Sanctions are proposed", "Jan Kowalski",
                 "jan@example.org", "Almaty prosecutor"):
        assert text not in public, text
        assert text in restricted, text
    assert "<caption>Requests" not in public and "Criticism" in public  # the table stays, without its caption
    # send attaches the restricted PDF, and says how to build it when there is none
    recipients = tmp_path / "meps.csv"
    recipients.write_text("name,email,language,salutation\nAnna Nowak,anna@example.eu,en,Ms\n", encoding="utf-8")
    sent = CliRunner().invoke(main, ["send", str(small_copy), "--recipients", str(recipients), "--out", str(out),
                                     "--from", "office@example.org"])
    assert sent.exit_code == 1, sent.output
    assert "small-brief.en.restricted.pdf has not been built" in sent.output and "--audience restricted" in sent.output


def test_the_snapshot_check_finds_a_restricted_text_in_a_snapshot():
    """The snapshot behind `changes` is searched like every public output (its values, not its keys)."""
    from briefgen.editions.audience import RestrictedText
    from briefgen.editions.changes import snapshot_leaks
    from briefgen.load.content import load_brief

    brief = load_brief(SMALL)
    texts = [RestrictedText("Борис Бета", "prisoners", ("prisoners", 1, "name")),
             RestrictedText("Recommendations", "brief", ("chapters", 1, "title")),
             RestrictedText("Zoe Omega", "prisoners", ("prisoners", 2, "name"))]
    problems = snapshot_leaks(brief, texts)
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [
        (13, 'restricted text "Борис Бета" would be in the data snapshot')]


def test_the_cover_email_check_finds_a_restricted_text(restricted_brief):
    """What the cover emails say about an edition is searched too: here made to hold a restricted name."""
    import dataclasses

    from briefgen.load.content import load_brief
    from briefgen.errors import BriefgenError
    from briefgen.delivery.mail import describe_edition
    from briefgen.delivery.send import check_cover_texts

    folder, out, *_ = restricted_brief
    brief = load_brief(folder)
    clean = describe_edition(brief, "ru", out / "small-brief" / "small-brief.ru.restricted.pdf", "")
    check_cover_texts(brief, [clean])  # what the view gives: nothing restricted
    leaking = dataclasses.replace(clean, changes=("Новый политический заключённый: Данияр Дельта",))
    with pytest.raises(BriefgenError) as raised:
        check_cover_texts(brief, [clean, leaking])
    (problem,) = raised.value.problems
    assert problem.file.endswith("prisoners.yaml") and (problem.line, problem.path) == (22, "prisoners[3].name")
    assert problem.message.startswith('restricted text "Данияр Дельта" would be in the cover emails')


def test_a_written_public_pdf_holding_a_restricted_text_is_removed(restricted_brief, tmp_path):
    """The check after a PDF is written (the last line behind the HTML's): on a copy of a real public
    PDF, taken to hold a restricted text (its title), the file is removed and the text reported."""
    from briefgen.editions.audience import RestrictedText
    from briefgen.editions.build import _check_public
    from briefgen.load.content import load_brief
    from briefgen.errors import BriefgenError

    folder, out, *_ = restricted_brief
    pdf = tmp_path / "small-brief.en.pdf"
    shutil.copy(out / "small-brief" / "small-brief.en.pdf", pdf)
    brief = load_brief(folder)
    _check_public(brief, pdf, {pdf: [RestrictedText("Erlan Epsilon", "prisoners", ("prisoners", 4, "name", "name"))]})
    assert pdf.is_file()  # nothing restricted in it
    with pytest.raises(BriefgenError) as raised:
        _check_public(brief, pdf, {pdf: [RestrictedText("Test briefing on detentions", "brief", ("title",))]})
    (problem,) = raised.value.problems
    assert (problem.line, problem.path) == (4, "title") and "(removed)" in problem.message
    assert not pdf.exists()
