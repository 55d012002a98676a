"""Sentences that count or list data follow the data: edit a prisoner, rebuild, see it everywhere."""

from __future__ import annotations

import re

from briefgen.editions.build import build_brief
from conftest import edit, pdf_pages, pdf_text, spaced

NEW_PRISONER = """  - id: new-prisoner
    name: Zarina Newcomer
    status: pre-trial-detention
    charges: "spreading false information"
    detained: 2021-10-20
"""


def test_adding_and_releasing_prisoners_changes_count_list_and_annex(sample_copy, tmp_path):
    prisoners = sample_copy / "prisoners.yaml"
    text = prisoners.read_text(encoding="utf-8")
    text = text.rstrip("\n") + "\n" + NEW_PRISONER
    # release one: she leaves the count and the list, but stays in the annex with her status
    text = re.sub(r"(name: Saltanat Kusmankyzy\n    status: )\S+", r"\1released", text)
    prisoners.write_text(text, encoding="utf-8")
    (sample_copy / "translations" / "ru.po").unlink()  # the Russian edition is not built here

    build_brief(sample_copy, languages=["en"], out_dir=tmp_path)
    pdf = pdf_text(tmp_path / sample_copy.name / f"{sample_copy.name}.en.pdf").replace("\n", " ")
    sentence = re.search(r"As of 26 October 2021, .{0,80}?16 political prisoners.*?Zarina Newcomer\.", pdf)
    assert sentence, "the count sentence should list 16 prisoners ending with the new one"
    assert "Saltanat Kusmankyzy" not in sentence[0]
    pages = pdf_pages(tmp_path / sample_copy.name / f"{sample_copy.name}.en.pdf", layout=True)
    annex = "\n".join(pages[next(i for i, p in enumerate(pages) if "ANNEX 1" in p):])
    assert re.search(r"16 political prisoners as of 26\s+October 2021", annex)
    assert re.search(r"^ *17 +Zarina Newcomer +in pre-trial\b.*20 October 2021$", annex, re.M)
    assert re.search(r"Saltanat Kusmankyzy\S*\s+released", annex)
    # the HTML's non-breaking spaces (briefgen.editions.typeset: "16 political") read as spaces
    html = spaced((tmp_path / sample_copy.name / f"{sample_copy.name}.en.html").read_text(encoding="utf-8"))
    assert "<strong>16 political prisoners</strong>" in html or "16 political prisoners" in html
    assert html.count("Zarina Newcomer") == 2  # the count sentence and the annex
    row = re.search(r"<tr>\s*<td class=\"num\">17</td>(.*?)</tr>", html, re.S)[1]
    assert "Zarina Newcomer" in row and "in pre-trial detention" in row and "spreading false information" in row


def test_entries_style_lists_every_prisoner_compactly(small_copy, tmp_path):
    """`style: entries` — one block per person, for annexes of thousands of rows."""
    edit(small_copy / "brief.yaml", "        style: table\n", "        style: entries\n")
    build_brief(small_copy, out_dir=tmp_path / "out")
    pdf = pdf_text(tmp_path / "out" / "small-brief" / "small-brief.en.pdf").replace("\n", " ")
    assert "3 political prisoners as of 26 October 2021" in pdf
    assert re.search(r"1\. Anna Alpha\d* — imprisoned; extremism; Article 405; 5 years of imprisonment; "
                     r"5-year ban on social and political activity; sentenced 11 October 2021", pdf)
    assert "2. Boris Beta — in pre-trial detention; since June 2021" in pdf
    assert "3. Clara Gamma — held in a psychiatric hospital" in pdf
    ru = pdf_text(tmp_path / "out" / "small-brief" / "small-brief.ru.pdf").replace("\n", " ")
    assert "2. Борис Бета — в следственном изоляторе; под стражей с: июнь 2021" in ru
