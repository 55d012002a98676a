"""Interviews and letters: the samples and a fresh interview, built for real and read back."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from click.testing import CliRunner
from pypdf import PdfReader

from briefgen.editions.build import build_brief
from briefgen.cli import main
from conftest import FIXTURES, ROOT, pdf_pages, pdf_text, spaced

INTERVIEW = ROOT / "content" / "interview-lobachev-2021-04"
LETTER = ROOT / "content" / "letter-ft-kazakhstan-2017-10"
SHORT = FIXTURES / "good" / "short-interview"


def flat(text: str) -> str:
    """Text as pdftotext and the typographer leave it comparable: no spaces, hyphens, Markdown or curly quotes."""
    text = re.sub(r"\[\^[a-z0-9-]+\]", "", text)                 # footnote calls become numbers
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)         # links keep their text
    text = text.translate(str.maketrans("‘’“”", "''\"\"")).replace("*", "")
    return re.sub(r"[\s\-\u00ad]+", "", text)


def source_texts(folder: Path) -> list[str]:
    """Every question and answer paragraph of an interview, or every body paragraph of a letter."""
    doc = yaml.safe_load((folder / "brief.yaml").read_text(encoding="utf-8"))
    if doc["kind"] == "letter":
        return [doc["salutation"], *doc["body"]]
    texts = []
    for qa in doc["questions"]:
        answer = qa["answer"]
        texts += [qa["question"], *([answer] if isinstance(answer, str) else answer)]
    return texts


def russian_texts(folder: Path) -> list[str]:
    """The Russian of the texts :func:`source_texts` lists, from the brief's catalog."""
    with (folder / "translations" / "ru.po").open("rb") as handle:
        catalog = read_po(handle, locale="ru")
    return [m.string for m in catalog if m.id and re.search(r"[:/](question|answer|body|salutation)(/\d+)?$", m.context)]


def body_text(pdf: Path) -> str:
    """The running text of a PDF: without running headers (title, author), page footers and footnotes,
    so that a paragraph split across two pages reads as one."""
    meta = PdfReader(pdf).metadata
    furniture = {flat(meta.title), flat(meta.author or "")}
    kept = []
    for page in pdf_pages(pdf):
        for block in page.split("\n\n"):
            # reading order may glue a page's first notes to the body line above them
            block = re.split(r"^(?=\d+\. )", block, maxsplit=1, flags=re.M)[0] or block
            if flat(block) in furniture or re.fullmatch(r"(Page|Страница) \d+ (of|из) \d+", block.strip()) \
                    or re.match(r"\d+\. ", block):
                continue
            kept.append(block)
    return "\n".join(kept)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    for folder in (INTERVIEW, LETTER, SHORT):
        editions = build_brief(folder, out_dir=out, strict=True)
        assert [e.lang for e in editions] == ["en", "ru"]
    return out


def outputs(built: Path, folder: Path, lang: str) -> tuple[str, str, Path]:
    """PDF text, HTML and PDF path of one edition."""
    pdf = built / folder.name / f"{folder.name}.{lang}.pdf"
    return pdf_text(pdf), (built / folder.name / f"{folder.name}.{lang}.html").read_text(encoding="utf-8"), pdf


@pytest.mark.parametrize("folder", [INTERVIEW, LETTER, SHORT], ids=lambda f: f.name)
def test_every_question_answer_and_paragraph_is_printed(built, folder):
    english, russian = (body_text(outputs(built, folder, lang)[2]) for lang in ("en", "ru"))
    for text in source_texts(folder):
        assert flat(text) in flat(english), text
    translations = russian_texts(folder)
    assert len(translations) == len(source_texts(folder))
    for text in translations:
        assert flat(text) in flat(russian), text


def test_interview_sample(built):
    doc = yaml.safe_load((INTERVIEW / "brief.yaml").read_text(encoding="utf-8"))
    assert len(doc["questions"]) >= 6
    text, html, pdf = outputs(built, INTERVIEW, "en")
    head = " ".join(text.split("\n")[:12])
    assert "INTERVIEW WITH PAVEL LOBACHEV" in head and "8 April 2021" in head
    assert "Pavel Lobachev, Chairman of the Board, Ekho, Almaty, Kazakhstan" in head
    assert "Originally published by Business & Human Rights Resource Centre on 8 April 2021: https://" in head
    assert "https://www.bhrrc.org/pt/latest-news/hrd-interview-pavel-lobachev-chairman-of-the-board-of-ekho-ngo/" in head.replace(" ", "")
    assert '<meta name="Location" content="Almaty, Kazakhstan">' in html
    assert '<a href="https://www.bhrrc.org/pt/latest-news/hrd-interview-pavel-lobachev-chairman-of-the-board-of-ekho-ngo/" hreflang="en">Read the original</a>' in html
    assert "This interview is also available in: Русский" in head
    assert '<a href="interview-lobachev-2021-04.ru.html" hreflang="ru" lang="ru">Русский</a>' in html
    assert html.count('<h2 class="question"') == len(doc["questions"])
    assert re.search(r"^1\. Business & Human Rights Resource Centre, HRD Interview", text, re.M)
    reader = PdfReader(pdf)
    assert reader.metadata.title == "Interview with Pavel Lobachev"
    assert reader.metadata.author == "Business & Human Rights Resource Centre"
    # the PDF says when it was made; the edition's date has a field of its own
    made = reader.metadata.creation_date
    assert abs((datetime.datetime.now(datetime.timezone.utc) - made).total_seconds()) < 3600, made
    assert reader.metadata["/editiondate"] == "2021-04-08"
    assert [straight_title(item.title) for item in reader.outline][:2] == [
        straight_title(doc["questions"][0]["question"]), straight_title(doc["questions"][1]["question"])]

    ru_text, ru_html, _ = outputs(built, INTERVIEW, "ru")
    ru_head = " ".join(ru_text.split("\n")[:12])
    assert "ИНТЕРВЬЮ: ПАВЕЛ ЛОБАЧЕВ" in ru_head and "8 апреля 2021" in ru_head
    assert "Павел Лобачев, председатель правления, «Эхо», Алматы, Казахстан" in ru_head
    assert ("Впервые опубликовано: Ресурсный центр по бизнесу и правам человека, 8 апреля 2021 г. (английский): https://"
            .replace(" ", "") in ru_head.replace(" ", ""))
    assert ('<a href="https://www.bhrrc.org/pt/latest-news/hrd-interview-pavel-lobachev-chairman-of-the-board-of-ekho-ngo/" '
            'hreflang="en">Читать оригинал</a> (английский)') in ru_html
    assert "Это интервью есть также на других языках: English" in ru_head
    assert '<a href="interview-lobachev-2021-04.en.html" hreflang="en" lang="en">English</a>' in ru_html
    assert re.search(r"Страница 1 из \d", ru_text)
    for english in ("Interview with", "Published by", "Page ", "available in"):
        assert english not in ru_text, english


def straight_title(text: str) -> str:
    return text.translate(str.maketrans("‘’“”", "''\"\""))


def test_letter_sample(built):
    text, html, pdf = outputs(built, LETTER, "en")
    assert "LETTER TO THE EDITOR OF THE FINANCIAL TIMES" in text and "October 2017" in text
    assert "KAZAKHSTAN’S IMAGE DOES NOT MATCH ITS CONDUCT" in text
    assert "Hugh Williamson\nDirector, Europe and Central Asia Division\nHuman Rights Watch\nBerlin, Germany" in text
    assert "Originally published in the Financial Times. Read the original: https://www.ft.com/letters" in text.replace("\n", " ")
    assert '<a href="https://www.ft.com/letters">Read the original</a>' in html
    assert 'This letter is also available in: <a href="letter-ft-kazakhstan-2017-10.ru.html"' in html
    reader = PdfReader(pdf)
    links = {a.get_object()["/A"].get("/URI") for page in reader.pages for a in page.get("/Annots", [])}
    assert "https://www.ft.com/letters" in links
    assert reader.metadata.author == "Hugh Williamson"

    ru_text, ru_html, _ = outputs(built, LETTER, "ru")
    assert "ПИСЬМО В РЕДАКЦИЮ ИЗДАНИЯ FINANCIAL TIMES" in ru_text and "октябрь 2017" in ru_text
    assert "Хью Уильямсон\nдиректор отдела Европы и Центральной Азии\nHuman Rights Watch\nБерлин, Германия" in ru_text
    assert "Впервые опубликовано в издании Financial Times. Читать оригинал" in ru_text.replace("\n", " ")
    assert '<a href="https://www.ft.com/letters">Читать оригинал</a>' in ru_html


def test_interview_without_organisation_or_date_renders_cleanly(built):
    for lang, name, line in (("en", "Zhanna Orynbayeva", "Zhanna Orynbayeva, independent lawyer, Kazakhstan"),
                             ("ru", "Жанна Орынбаева", "Жанна Орынбаева, независимый адвокат, Казахстан")):
        text, html, pdf = outputs(built, SHORT, lang)
        assert line in text
        assert name.upper() in text  # the default title names the interviewee
        for leftover in ("None", "Published by", "Публикация", ", ,", "()"):
            assert leftover not in text and leftover not in html.split("</style>")[1], leftover
        assert "<time" not in html and "EditionDate" not in html
        assert "1. Example Watch, " in text and "https://example.org/strike" in text
        assert PdfReader(pdf).metadata.author == name
    assert '<a href="https://example.org/register">реестр суда</a>' in outputs(built, SHORT, "ru")[1]


def test_partly_translated_interview_carries_the_fallback_notice(tmp_path):
    folder = tmp_path / "short-interview"
    shutil.copytree(SHORT, folder)
    po = folder / "translations" / "ru.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Кого вы защищаете?"', 'msgstr ""'), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(folder), "-f", "html", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "ru: 90 % translated (0 stale, 1 missing" in result.output
    # non-breaking spaces (briefgen.editions.typeset binds "и" to the next word) read as spaces
    html = spaced((tmp_path / "out" / "short-interview" / "short-interview.ru.html").read_text(encoding="utf-8"))
    assert "Часть этого документа ещё не переведена и показана на языке оригинала (английский)" in html
    assert '<span lang="en" class="untranslated">Whom do you defend?</span>' in html


DUPLICATE_IDS = ('  - question: "Whom', '  - id: same\n    question: "Whom'), ('  - question: "What happens', '  - id: same\n    question: "What happens')


@pytest.mark.parametrize("changes, message", [
    ([("interviewee:", "interviewe:")], "brief.yaml:4:1: interviewe: unknown key 'interviewe': did you mean 'interviewee'?"),
    ([("kind: interview", "kind: [interview]")], "brief.yaml:2:7: kind: unknown kind '['interview']': write briefing, interview or letter"),
    ([("questions:", "chapters: []\nquestions:")], "brief.yaml:7:1: chapters: unknown key 'chapters': an interview has no 'chapters' (a briefing has)"),
    (DUPLICATE_IDS, "brief.yaml:11:9: questions[1].id: duplicate question id 'same': give each question its own id"),
], ids=["typo", "kind-not-a-word", "key-of-a-briefing", "duplicate-question-id"])
def test_interview_input_errors(tmp_path, changes, message):
    folder = tmp_path / "short-interview"
    shutil.copytree(SHORT, folder)
    brief = folder / "brief.yaml"
    text = brief.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    brief.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 1
    assert message in result.output, result.output


def test_an_answer_may_be_one_text_with_blank_lines_between_paragraphs(tmp_path):
    folder = tmp_path / "short-interview"
    shutil.copytree(SHORT, folder)
    (folder / "translations" / "ru.po").unlink()
    brief = folder / "brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace(
        '    answer: "Workers of the oil fields who were *dismissed* after the strike.[^strike-report]"',
        '    answer: |\n      Workers of the oil fields\n      who were dismissed.[^strike-report]\n\n      Then their families.'),
        encoding="utf-8")
    build_brief(folder, formats=("html",), languages=["en"], out_dir=tmp_path / "out")
    html = (tmp_path / "out" / "short-interview" / "short-interview.en.html").read_text(encoding="utf-8")
    assert re.search(r'<p class="answer">Workers of the oil fields\s+who were dismissed\.<sup', html)
    assert '<p class="answer">Then their families.</p>' in html
