"""Stress briefs for the typographic check: documents the project has never seen, written in its
content format (docs/content-format.md), that crowd every defect class of issue 11.

- notes on nearly every line, several notes in a paragraph's sentence, adjacent calls ("[^a][^b]"),
  calls after commas and full stops, a note called a second time;
- long URLs in notes (sources and notes with extra URLs) and in the text (autolinks);
- long names of people and places (hyphenated and not) in text, in the running head and in tables;
- a table of long words and numbers, and a data annex of prisoners;
- Russian text full of one-letter prepositions and conjunctions, and "(page N)" references;
- a paragraph of the words of the hyphenation lists, so that their line-end breaks are checked.

``write_stress_brief(folder, "en")`` writes an English brief, ``"ru"`` a brief whose source
language is Russian (one edition each). The text is generated from fixed word lists with a seeded
random generator, so a brief is the same on every run.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import yaml

PEOPLE = {
    "en": ["Kassym-Jomart Tokayev", "Nursultan Nazarbayev", "Bekizhan Mendygazyev", "Saltanat Kusmankyzy",
           "Nataliya Dauletiyarova", "Abai Begimbetov", "Yerzhan Kazykhanov", "Askhat Zheksebayev",
           "Marat Zhylanbayev", "Aigerim Tleuzhan", "Zhanbolat Mamay", "Dulat Agadil"],
    "ru": ["Касым-Жомарт Токаев", "Нурсултан Назарбаев", "Бекижан Мендыгазиев", "Салтанат Кусманкызы",
           "Наталья Даулетьярова", "Абай Бегимбетов", "Ержан Казыханов", "Асхат Жексебаев",
           "Марат Жыланбаев", "Айгерим Тлеужан", "Жанболат Мамай", "Дулат Агадил"],
}
PLACES = {
    "en": ["Ust-Kamenogorsk", "Petropavlovsk", "Zhezkazgan", "Kyzylorda", "Taldykorgan", "Semipalatinsk",
           "Kazakhstan", "Kyrgyzstan", "Uzbekistan", "Moscow", "Almaty", "Nur-Sultan", "Shymkent", "Aktobe"],
    "ru": ["Усть-Каменогорск", "Петропавловск", "Жезказган", "Кызылорда", "Талдыкорган", "Семипалатинск",
           "Казахстан", "Кыргызстан", "Узбекистан", "Москва", "Алматы", "Нур-Султан", "Шымкент", "Актобе"],
}
SENTENCES = {
    "en": [
        "{person} was detained in {place} after criticising the government's internationalisation programme",
        "the authorities of {place} opened a criminal investigation against {person} for participation in a banned organisation",
        "according to human rights defenders, the prosecution of {person} is politically motivated",
        "in {place}, the court sentenced {person} to restriction of liberty and a ban on social and political activities",
        "the memorandum signed in {place} gives the consortium exclusive rights over the technological infrastructure",
        "representatives of the international community called on the authorities to release {person} immediately",
        "journalists from {place} reported that {person} had been denied access to a lawyer of their choice",
        "the bureau's investigation into the activities of {person} exclusively concerned peaceful demonstrations",
        "the administration of {place} refused to register the independent trade union led by {person}",
    ],
    "ru": [
        "{person} был задержан в городе {place} после критики государственной программы",
        "власти города {place} возбудили уголовное дело против {person} за участие в запрещённой организации",
        "по мнению правозащитников, преследование {person} носит политический характер и связано с его работой",
        "в городе {place} суд приговорил {person} к ограничению свободы и запрету на общественную деятельность",
        "меморандум, подписанный в городе {place}, даёт консорциуму исключительные права на инфраструктуру",
        "представители международного сообщества и правозащитники призвали власти освободить {person}",
        "журналисты из города {place} сообщили, что {person} не получил доступа к адвокату и к материалам дела",
        "с начала года в городе {place} к уголовной ответственности привлекли {person} и его соратников",
        "о задержании {person} в городе {place} стало известно из сообщений в социальных сетях и в прессе",
    ],
}
WORDS = {
    "en": {"title": "Political prisoners and digital surveillance in Ust-Kamenogorsk, Petropavlovsk and Zhezkazgan",
           "short": "Political prisoners in Ust-Kamenogorsk, Petropavlovsk, Zhezkazgan and Kyzylorda",
           "chapters": ["Notes on every line", "Addresses of the sources", "Figures by region"],
           "overview": ["calls after every name and clause", "long addresses in the text and the notes",
                        "a table of long words and numbers"],
           "header": ["Administrative region", "Characteristics", "Cases", "Share"],
           "label": "Why it matters", "publisher": "Human Rights Monitoring Organisation of Central Asia",
           "see": "The report is published at", "notes": "An explanatory note on the circumstances of the case; see also"},
    "ru": {"title": "Политические заключённые и цифровая слежка в Усть-Каменогорске, Петропавловске и Жезказгане",
           "short": "Политические заключённые в Усть-Каменогорске, Петропавловске, Жезказгане и Кызылорде",
           "chapters": ["Сноски в каждой строке", "Адреса источников", "Данные по регионам"],
           "overview": ["сноски после каждого имени и оборота", "длинные адреса в тексте и в сносках",
                        "таблица длинных слов и чисел"],
           "header": ["Административная область", "Характеристика", "Дела", "Доля"],
           "label": "Почему это важно", "publisher": "Правозащитная организация мониторинга Центральной Азии",
           "see": "Доклад опубликован по адресу", "notes": "Пояснение к обстоятельствам дела; см. также"},
}
LONG_WORDS = {
    "en": ["Internationalisation", "Telecommunications", "Counterterrorism", "Disproportionately",
           "Extraterritoriality", "Intergovernmental", "Institutionalisation", "Unconstitutionality"],
    "ru": ["Телекоммуникационный", "Контртеррористический", "Непропорциональный", "Межправительственный",
           "Экстерриториальность", "Институционализация", "Антиконституционный", "Правоохранительный"],
}
SHORT_HOSTS = ["orda.kz", "rus.azattyq.org", "tengrinews.kz", "hrw.org", "reuters.com", "vlast.kz"]
# long but real-sized hosts: a host longer than what a line leaves after a few words cannot be set
# without a bare scheme, a cut host or a stretched line, whatever the layout
HOSTS = ["www.central-asia-monitoring.example.org",
         "en.odfoundation.example.eu", "www.europarl.europa.example.eu", "tengrinews.example.kz"]


def long_url(rng: random.Random, number: int) -> str:
    """A long address with a long host, several path segments and a query."""
    path = "-".join(rng.choice(["political", "prisoners", "surveillance", "kazakhstan", "report",
                                "international", "freedom", "assembly"]) for _ in range(6))
    return f"https://{rng.choice(HOSTS)}/en/reports/2021/11/{path}-{number}?utm_source=briefing&lang=en&id={number * 7919}"


class Notes:
    """Footnote ids handed out in order; every note written is called at least once."""

    def __init__(self, rng: random.Random, lang: str):
        self.rng, self.lang, self.notes, self.called = rng, lang, {}, []

    def new(self) -> str:
        """A new note: most are one-line sources; every eighth a source with a long address, every
        eighth an explanatory note with long addresses in its text and after it (denser long notes
        leave pages that no layout can fill: a line's notes must sit on its page)."""
        number = len(self.notes) + 1
        note_id = f"note-{number}"
        person, place = self.rng.choice(PEOPLE[self.lang]), self.rng.choice(PLACES[self.lang])
        if number % 8 == 0:
            self.notes[note_id] = {"note": f"{WORDS[self.lang]['notes']} <{long_url(self.rng, number)}>",
                                   "urls": [long_url(self.rng, number + 1000)]}
        elif number % 8 == 4:
            self.notes[note_id] = {"publisher": WORDS[self.lang]["publisher"], "title": f"{person}, {place}",
                                   "date": date(2021, 10, 26), "url": long_url(self.rng, number)}
        else:
            host = self.rng.choice(SHORT_HOSTS)
            self.notes[note_id] = {"publisher": host, "title": f"{place}: {person}", "date": date(2021, 10, 26),
                                   "url": f"https://{host}/a/{number * 31}"}
        self.called.append(note_id)
        return f"[^{note_id}]"

    def again(self) -> str:
        """A second call of a note called earlier (not one of the calls just made)."""
        return f"[^{self.rng.choice(self.called[:-3] or self.called)}]"


def sentence(rng: random.Random, lang: str, notes: Notes) -> str:
    """A sentence with calls after names, after commas, at its end, and now and then two at once."""
    template = rng.choice(SENTENCES[lang])
    person = rng.choice(PEOPLE[lang]) + (notes.new() if "{person}" in template and rng.random() < 0.5 else "")
    text = template.format(person=person, place=rng.choice(PLACES[lang]))
    words = text.split(" ")
    if rng.random() < 0.4:
        cut = rng.randrange(3, len(words) - 2)
        words[cut] += "," + notes.new()
    ending = rng.choice([".", ".", ";"])
    call = notes.new() + (notes.new() if rng.random() < 0.2 else "") + (notes.again() if rng.random() < 0.25 else "")
    text = " ".join(words) + ending + call
    return text[0].upper() + text[1:]


def paragraph(rng: random.Random, lang: str, notes: Notes, sentences: int = 4) -> str:
    return " ".join(sentence(rng, lang, notes) for _ in range(sentences))


def dictionary_words(rng: random.Random, lang: str) -> str:
    """A paragraph of the words of the hyphenation lists (tests/fixtures/hyphenation), so that
    many of them end lines and their breaks are checked against the dictionary."""
    lines = (Path(__file__).parent / "fixtures" / "hyphenation" / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    words = [line.split("#")[0].strip().replace("-", "") for line in lines if line.split("#")[0].strip()]
    words = [w for w in words if w.islower()] * 2
    rng.shuffle(words)
    return ", ".join(words).capitalize() + "."


def write_stress_brief(folder: Path, lang: str, seed: int = 11) -> Path:
    """Write a stress brief in ``lang`` (its source language) into ``folder/stress-<lang>``."""
    rng = random.Random(f"{seed}-{lang}")
    notes = Notes(rng, lang)
    words = WORDS[lang]
    chapters = []
    # 1. notes on nearly every line
    chapters.append({"id": "calls", "title": words["chapters"][0], "blocks": [
        paragraph(rng, lang, notes, 5), {"label": words["label"], "text": paragraph(rng, lang, notes, 4)},
        {"bullets": [sentence(rng, lang, notes) for _ in range(4)]}, paragraph(rng, lang, notes, 6)]})
    # 2. long URLs in the text and the notes
    chapters.append({"id": "addresses", "title": words["chapters"][1], "blocks": [
        f"{words['see']} <{long_url(rng, n)}>{notes.new()}, " + sentence(rng, lang, notes)
        for n in range(5)] + [paragraph(rng, lang, notes, 5)]})
    # 3. a table of long words and numbers
    rows = [[f"{rng.choice(PLACES[lang])}", f"{rng.choice(LONG_WORDS[lang])} {rng.choice(LONG_WORDS[lang]).lower()}",
             f"{rng.randrange(1, 99999):,}".replace(",", " " if lang == "ru" else ","),
             f"{rng.randrange(1, 999) / 10}%".replace(".", "," if lang == "ru" else ".")] for _ in range(9)]
    chapters.append({"id": "figures", "title": words["chapters"][2], "blocks": [
        paragraph(rng, lang, notes, 3), dictionary_words(rng, lang),
        {"table": {"caption": words["chapters"][2], "header": words["header"], "rows": rows}},
        paragraph(rng, lang, notes, 4)]})
    brief = {
        "language": lang, "languages": [lang], "title": words["title"], "short_title": words["short"],
        "date": date(2021, 11, 1), "author": words["publisher"], "organisation": words["publisher"],
        "intro": paragraph(rng, lang, notes, 2),
        "overview": [{"chapter": c["id"], "text": text} for c, text in zip(chapters, words["overview"])],
        "chapters": chapters,
        "annexes": [{"id": "prisoners-annex", "title": words["chapters"][0], "blocks": [{"data": "prisoners", "style": "table"}]}],
        "contact": {"name": PEOPLE[lang][4], "role": words["publisher"], "email": "advocacy@example.org"},
    }
    prisoners = {"as_of": date(2021, 10, 26), "prisoners": [
        {"id": f"prisoner-{i}", "name": name, "status": rng.choice(["imprisoned", "pre-trial-detention", "restricted-liberty"]),
         "charges": rng.choice(LONG_WORDS[lang]).lower(), "articles": ["405", "174"], "sentenced": date(2021, 10, 11),
         "sentence": {"kind": "imprisonment", "years": rng.randrange(1, 9)}, "sources": [notes.called[i]]}
        for i, name in enumerate(PEOPLE[lang])]}
    target = folder / f"stress-{lang}"
    target.mkdir(parents=True, exist_ok=True)
    dump = lambda name, data: (target / name).write_text(  # noqa: E731
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    dump("brief.yaml", brief)
    dump("footnotes.yaml", {"footnotes": notes.notes})
    dump("prisoners.yaml", prisoners)
    return target
