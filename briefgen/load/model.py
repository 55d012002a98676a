"""Validate step, part one: the typed content model.

The model is plain pydantic: each YAML file of a brief has a model, unknown
keys are refused (``extra="forbid"``), and translatable strings have the type
:class:`Text` so that the localize step can find every text unit by walking
a validated model, without a second list of "which fields are text".
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    PlainValidator,
    TypeAdapter,
    ValidationInfo,
    ConfigDict,
    Discriminator,
    Field,
    GetCoreSchemaHandler,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from briefgen.load.yamlfile import PARAGRAPH_BREAK


class Text(str):
    """A translatable string of inline Markdown (one translation unit)."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(cls, core_schema.str_schema(strict=True))


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day (``2021``, ``2021-06``, ``2021-06-03``)."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: Any) -> "PartialDate":
        if isinstance(value, _dt.datetime):
            value = value.date()
        if isinstance(value, _dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, int) and 1000 <= value <= 9999:
            return cls(value)
        if isinstance(value, str):
            match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value.strip())
            if match and (match[3] is None or match[2] is not None):
                year, month, day = (int(g) if g else None for g in match.groups())
                try:
                    _dt.date(year, month or 1, day or 1)
                except ValueError:
                    pass
                else:
                    return cls(year, month, day)
        raise PydanticCustomError("partial_date", "expected a date written YYYY-MM-DD, YYYY-MM or YYYY (e.g. 2021-11-01)")

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(cls.parse)

    def as_date(self) -> _dt.date:
        return _dt.date(self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p]
        return "-".join(parts)


def _check_id(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
        raise PydanticCustomError("id", "an id is lowercase letters, digits and dashes (e.g. 'bekizhan-mendygazyev'), not '{value}'", {"value": value})
    return value


def _check_url(value: str) -> str:
    if not re.fullmatch(r"https?://[^\s<>\"]+", value):
        raise PydanticCustomError("url", "expected a full web address starting with https:// (no spaces), not '{value}'", {"value": value})
    return value


def _check_language(value: str) -> str:
    from briefgen.editions.languages import tag_problem

    problem = tag_problem(value)
    if problem:
        raise PydanticCustomError("language", "{problem}", {"problem": problem})
    return value


def _check_email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", value):
        raise PydanticCustomError("email", "expected an email address like name@example.org, not '{value}'", {"value": value})
    return value


def _date(value: Any) -> _dt.date:
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value
    raise PydanticCustomError("full_date", "expected a date written YYYY-MM-DD (e.g. 2021-11-01)")



Id = Annotated[str, Field(strict=True), AfterValidator(_check_id)]
Url = Annotated[str, Field(strict=True), AfterValidator(_check_url)]
Language = Annotated[str, Field(strict=True), AfterValidator(_check_language)]
Email = Annotated[str, Field(strict=True), AfterValidator(_check_email)]
Date = Annotated[_dt.date, PlainValidator(_date)]


class Strict(BaseModel):
    """Base of every content model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built on first use: `check` stays quick


# ---------------------------------------------------------------- audiences and anonymity

#: How an item says it is left out of public editions: ``restricted: true`` (the whole item)
#: or ``restricted: [phone, profile]`` (those of its fields).
RestrictedMark = Union[Annotated[bool, Field(strict=True)], list[Annotated[str, Field(strict=True)]]]


class Item(Strict):
    """A block, a data item, a footnote, a question …: something ``restricted`` may mark.

    Restricted content appears only in restricted editions (sent to named recipients);
    public editions (the web) leave it out everywhere (see briefgen/editions/audience.py)."""

    restricted: RestrictedMark = False

    #: False where only single fields may be restricted (the document itself).
    whole_item_restrictable: ClassVar[bool] = True

    @field_validator("restricted")
    @classmethod
    def _restricted_fields(cls, value: Any) -> Any:
        if value is True and not cls.whole_item_restrictable:
            fields = [n for n, f in cls.model_fields.items() if not f.is_required() and n not in ("restricted", "language", "languages")]
            raise PydanticCustomError(
                "restricted_whole", "this cannot be restricted as a whole: list the fields to leave out of the "
                "public edition (restricted: [{example}]), or mark what holds it (a block, a question) restricted: true",
                {"example": ", ".join(fields[:2])})
        if isinstance(value, list):
            for name in value:
                field = cls.model_fields.get(name)
                if field is None or name in ("id", "restricted", "kind", "language", "languages"):
                    allowed = [n for n, f in cls.model_fields.items() if not f.is_required()
                               and n not in ("id", "restricted", "kind", "language", "languages")]
                    raise PydanticCustomError(
                        "restricted_field", "'{name}' is not a field that can be restricted here: list some of {allowed}",
                        {"name": name, "allowed": ", ".join(allowed) or "nothing (write restricted: true)"})
                if field.is_required():
                    ways = ["mark the whole item restricted: true"] if cls.whole_item_restrictable else []
                    if name in ("name", "interviewee"):
                        ways.append(anonymity_hint(name))
                    raise PydanticCustomError(
                        "restricted_required", "'{name}' is required, so a public edition cannot leave it out: {ways}",
                        {"name": name, "ways": "; or ".join(ways) or "remove it from the list"})
        return value


#: Names that are no names: an anonymous person is written {anonymous: true, …} instead.
PLACEHOLDER_NAMES = re.compile(
    r"(?i)^[\s\W_]*(|x+|n/?a|none|null|nil|unknown|anon(ymous)?|redacted|withheld|name|tbd|tba|"
    r"name\s+(withheld|redacted|unknown|hidden|not\s+given)|(withheld|hidden|redacted)\s+name|\[?name\]?|"
    r"аноним(но)?|неизвестн\w*|имя\s+(скрыто|не\s+указано|изменено)|без\s+имени)[\s\W_]*$")

def anonymity_hint(key: str) -> str:
    """How to mark the person of field ``key`` anonymous (for error messages)."""
    return (f'to keep the person anonymous write {key}: {{anonymous: true, description: "a banking-sector activist"}} '
            '(or pseudonym: "…"; see docs/content-format.md, "Anonymity")')


def _check_name(value: str, key: str) -> str:
    if PLACEHOLDER_NAMES.match(value):
        raise PydanticCustomError("placeholder_name", "'{value}' is not a name: write the person's name, or {hint}",
                                  {"value": value.strip(), "hint": anonymity_hint(key)})
    return value


def _real_name(value: str, info: ValidationInfo) -> str:
    return _check_name(value, info.field_name or "name")


class Anonymous(Strict):
    """A person who must not be named in public: shown by pseudonym, description or "name withheld"."""

    anonymous: Literal[True]
    pseudonym: Text | None = None      # a name used instead ("Aigerim"), shown as a pseudonym
    description: Text | None = None    # shown instead of the name ("a banking-sector activist")
    note: Text | None = None           # why, in the reader's words ("name withheld at the defender's request")
    name: Text | None = None           # the real name: only in restricted editions; leave it out if nobody may know

    @field_validator("name")
    @classmethod
    def _name_is_a_name(cls, value: Any) -> Any:
        return _check_name(value, "name") if value is not None else value


def _person_kind(value: Any) -> str:
    return "anonymous-person" if isinstance(value, (dict, Anonymous)) else "person-name"


#: Union tags pydantic puts into error locations (dropped when the location is shown).
NAME_TAGS = ("person-name", "anonymous-person")

#: A person's name, or ``{anonymous: true, …}``; an empty or placeholder name is refused.
PersonName = Annotated[
    Union[Annotated[Annotated[Text, AfterValidator(_real_name)], Tag("person-name")],
          Annotated[Anonymous, Tag("anonymous-person")]],
    Discriminator(_person_kind),
]

#: (model, field) pairs that hold a PersonName: their empty-value message says how to mark anonymity.
PERSON_NAME_FIELDS = {("Interview", "interviewee"), ("Prisoner", "name"), ("ProsecutedPerson", "name"),
                      ("KilledPerson", "name")}


# ---------------------------------------------------------------- blocks

class Paragraph(Item):
    text: Text
    id: Id | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_string(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value


class Labelled(Item):
    label: Text
    text: Text
    id: Id | None = None


class Heading(Item):
    heading: Text
    id: Id | None = None


class Bullets(Item):
    bullets: list[Text] = Field(min_length=1)
    id: Id | None = None


class Numbered(Item):
    numbered: list[Text] = Field(min_length=1)
    id: Id | None = None


class Quote(Item):
    quote: Text
    source: Text | None = None
    id: Id | None = None


class Cases(Item):
    cases: list[Id] = Field(min_length=1)
    id: Id | None = None


class TableSpec(Item):
    whole_item_restrictable: ClassVar[bool] = False  # the table block is: restricted: true beside `table:`

    caption: Text | None = None
    header: list[Text] = Field(min_length=1)
    rows: list[list[Text]] = Field(min_length=1)

    @model_validator(mode="after")
    def _rows_fit_header(self) -> "TableSpec":
        for index, row in enumerate(self.rows):
            if len(row) != len(self.header):
                raise PydanticCustomError(
                    "table_row", "row {index} has {got} cells but the header has {want}: give every row {want} cells",
                    {"index": index + 1, "got": len(row), "want": len(self.header)})
        return self


class Table(Item):
    table: TableSpec
    id: Id | None = None


COLLECTIONS = ("prisoners", "prosecuted", "killed", "sanctions", "recommendations")


class DataBlock(Item):
    data: Literal["prisoners", "prosecuted", "killed", "sanctions", "recommendations"]
    style: Literal["list", "table", "entries"] = "list"  # entries: one compact block per person, for long annexes
    id: Id | None = None


class Image(Item):
    image: str = Field(strict=True)
    alt: Text
    caption: Text | None = None
    id: Id | None = None


#: Which key tells a block's kind, in the order they are tried.
BLOCK_KEYS = ("label", "heading", "bullets", "numbered", "quote", "cases", "table", "data", "image", "text")


def _block_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        for key in BLOCK_KEYS:
            if key in value:
                return key
        return None
    if isinstance(value, BaseModel):  # already validated
        return next(k for k in BLOCK_KEYS if k in type(value).model_fields)
    return None


Block = Annotated[
    Union[
        Annotated[Labelled, Tag("label")],
        Annotated[Heading, Tag("heading")],
        Annotated[Bullets, Tag("bullets")],
        Annotated[Numbered, Tag("numbered")],
        Annotated[Quote, Tag("quote")],
        Annotated[Cases, Tag("cases")],
        Annotated[Table, Tag("table")],
        Annotated[DataBlock, Tag("data")],
        Annotated[Image, Tag("image")],
        Annotated[Paragraph, Tag("text")],
    ],
    Discriminator(
        _block_kind,
        custom_error_type="block_kind",
        custom_error_message="not a block: write a text, or a mapping with one of the keys "
        + ", ".join(BLOCK_KEYS),
    ),
]


# ---------------------------------------------------------------- brief.yaml

class Chapter(Item):
    id: Id
    title: Text
    blocks: list[Block] = Field(min_length=1)


class OverviewItem(Item):
    chapter: Id
    text: Text


class Contact(Item):
    name: Text
    role: Text | None = None
    email: Email | None = None
    phone: str | None = Field(default=None, strict=True)


class DocumentBase(Item):
    """What every kind of brief.yaml has: its kind and its languages (and which of its fields
    public editions leave out: ``restricted: [city]``)."""

    whole_item_restrictable: ClassVar[bool] = False

    kind: str
    language: Language = "en"
    languages: list[Language] | None = None

    @property
    def editions(self) -> list[str]:
        """The languages to build, the source language first."""
        rest = [code for code in (self.languages or []) if code != self.language]
        return [self.language, *dict.fromkeys(rest)]


class Briefing(DocumentBase):
    kind: Literal["briefing"] = "briefing"
    title: Text
    short_title: Text | None = None
    subtitle: Text | None = None
    date: Date
    author: Text
    organisation: Text | None = None
    intro: Text | None = None
    overview: list[OverviewItem] = []
    chapters: list[Chapter] = Field(min_length=1)
    annexes: list[Chapter] = []
    contact: Contact | None = None


def _one_or_more(value: Any) -> Any:
    """Paragraphs may be written as a list, or as one text with blank lines between paragraphs."""
    if isinstance(value, str):
        return [part.strip() for part in PARAGRAPH_BREAK.split(value) if part.strip()]
    return value


#: One or more paragraphs of inline Markdown.
Paragraphs = Annotated[list[Text], BeforeValidator(_one_or_more), Field(min_length=1)]


class QuestionAnswer(Item):
    question: Text
    answer: Paragraphs
    id: Id | None = None
    sources: list[Id] = []             # footnotes for the whole answer, called after its last paragraph


class OriginalPublication(Strict):
    """Where an interview was first published; ``publisher`` and ``date`` default to the interview's."""

    url: Url
    publisher: Text | None = None
    title: Text | None = None
    date: PartialDate | None = None
    language: Language | None = None


class Interview(DocumentBase):
    """A human-rights-defender interview: who, then ordered questions and answers."""

    kind: Literal["interview"]
    title: Text | None = None          # default: "Interview with <interviewee>"
    short_title: Text | None = None    # the PDF's running header; default: the title
    interviewee: PersonName            # a name, or {anonymous: true, description/pseudonym: …}
    role: Text | None = None
    organisation: Text | None = None
    city: Text | None = None           # where the defender is based
    country: Text | None = None
    date: PartialDate | None = None
    publisher: Text | None = None
    original: OriginalPublication | None = None
    intro: Text | None = None
    questions: list[QuestionAnswer] = Field(min_length=1)


class Signature(Strict):
    name: Text
    title: Text | None = None
    organisation: Text | None = None
    city: Text | None = None


class Republication(Strict):
    """Where a letter was first published: "originally published in … — read the original"."""

    outlet: Text | None = None          # default: the letter's outlet
    url: Url


class Letter(DocumentBase):
    """A letter to the editor of a newspaper."""

    kind: Literal["letter"]
    title: Text
    short_title: Text | None = None    # the PDF's running header; default: the title
    outlet: Text
    date: PartialDate
    salutation: Text
    body: Paragraphs
    signature: Signature
    republication: Republication | None = None


#: The kinds of brief.yaml and their models.
KINDS: dict[str, type[DocumentBase]] = {"briefing": Briefing, "interview": Interview, "letter": Letter}
KIND_HINT = "write briefing, interview or letter"


def _document_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        kind = value.get("kind", "briefing")
        return kind if isinstance(kind, str) else None
    return getattr(value, "kind", None)


#: brief.yaml: a choice on ``kind`` (briefing when not given).
Document = Annotated[
    Union[
        Annotated[Briefing, Tag("briefing")],
        Annotated[Interview, Tag("interview")],
        Annotated[Letter, Tag("letter")],
    ],
    Discriminator(
        _document_kind,
        custom_error_type="document_kind",
        custom_error_message="unknown kind: " + KIND_HINT,
    ),
]

#: Validates brief.yaml into a Briefing, an Interview or a Letter.
DOCUMENT = TypeAdapter(Document)


# ---------------------------------------------------------------- data files

class Footnote(Item):
    note: Text | None = None
    publisher: Text | None = None
    title: Text | None = None
    date: PartialDate | None = None
    url: Url | None = None
    urls: list[Url] = []

    @model_validator(mode="after")
    def _has_content(self) -> "Footnote":
        if not (self.note or self.title or self.url or self.urls):
            raise PydanticCustomError("empty_footnote", "a footnote needs a 'note', or a 'title' and 'url' (a source)")
        return self


class FootnotesFile(Strict):
    footnotes: dict[Id, Footnote] = {}

    @field_validator("footnotes", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for key in value:
                _check_id(key)
        return value


class Sentence(Strict):
    kind: Literal["imprisonment", "restricted-liberty", "psychiatric-treatment", "fine", "suspended"]
    years: int | None = Field(default=None, ge=0, le=99, strict=True)
    months: int | None = Field(default=None, ge=0, le=11, strict=True)
    ban_years: int | None = Field(default=None, ge=0, le=99, strict=True)


PRISONER_STATUSES = ("pre-trial-detention", "imprisoned", "psychiatric-detention", "restricted-liberty", "house-arrest", "released")


class Prisoner(Item):
    id: Id
    name: PersonName
    status: Literal["pre-trial-detention", "imprisoned", "psychiatric-detention", "restricted-liberty", "house-arrest", "released"]
    charges: Text | None = None
    articles: list[Annotated[str, Field(strict=True)]] = []
    detained: PartialDate | None = None
    sentenced: PartialDate | None = None
    sentence: Sentence | None = None
    profile: Text | None = None
    sources: list[Id] = []

    @field_validator("articles", mode="before")
    @classmethod
    def _articles_as_text(cls, value: Any) -> Any:
        return [str(v) if isinstance(v, int) else v for v in value] if isinstance(value, list) else value


class PrisonersFile(Strict):
    as_of: Date
    prisoners: list[Prisoner] = []


class ProsecutedPerson(Item):
    id: Id
    name: PersonName
    convicted: PartialDate | None = None
    sentence: Sentence | None = None
    note: Text | None = None
    sources: list[Id] = []


class ProsecutedFile(Strict):
    as_of: Date | None = None
    figures: dict[Id, Annotated[int, Field(strict=True, ge=0)]] = {}
    people: list[ProsecutedPerson] = []


class KilledPerson(Item):
    id: Id
    name: PersonName
    died: PartialDate | None = None
    summary: Text | None = None
    sources: list[Id] = []


class KilledFile(Strict):
    people: list[KilledPerson] = []


class SanctionTarget(Item):
    id: Id
    name: Text
    position: Text
    grounds: Text | None = None
    sources: list[Id] = []


class SanctionsFile(Strict):
    targets: list[SanctionTarget] = []


class Recommendation(Item):
    id: Id
    text: Text


class RecommendationsFile(Strict):
    title: Text | None = None
    recommendations: list[Recommendation] = []


#: The data files of a brief: file stem → model. ``brief.yaml`` is handled apart.
DATA_FILES: dict[str, type[Strict]] = {
    "footnotes": FootnotesFile,
    "prisoners": PrisonersFile,
    "prosecuted": ProsecutedFile,
    "killed": KilledFile,
    "sanctions": SanctionsFile,
    "recommendations": RecommendationsFile,
}

#: Every key any model accepts: the vocabulary for "did you mean …?".
def all_keys() -> set[str]:
    keys: set[str] = set()
    stack: list[type[BaseModel]] = [*KINDS.values(), QuestionAnswer, Signature, Republication, *DATA_FILES.values(), Labelled, Heading, Bullets, Numbered, Quote,
                                    Cases, Table, TableSpec, DataBlock, Image, Paragraph, Chapter, OverviewItem,
                                    Contact, Footnote, Sentence, Anonymous, Prisoner, ProsecutedPerson, KilledPerson,
                                    SanctionTarget, Recommendation]
    for model in stack:
        keys.update(model.model_fields)
    return keys
