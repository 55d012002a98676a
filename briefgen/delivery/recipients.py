"""The recipients of a mailing: a spreadsheet (``.xlsx``, ``.ods``), a CSV export or a YAML file, checked
cell by cell.

Columns: ``name``, ``email``, ``language``, ``salutation`` (required; the
salutation may be empty), ``surname`` (or ``family_name``: what a formal
greeting uses), ``group``, ``country``, ``committee`` (optional). Any other
column is ignored, unless it looks like a misspelt one. Every problem — an
invalid or duplicate address, an unknown language, a missing name, a name
that could forge a mail header — is reported with its position (``file:line:col``;
in a spreadsheet the row and column numbers and the cell, ``Sheet1!B7``)
before anything is sent. Addresses are checked by email-validator:
internationalised ones (``joerg@müller-stiftung.de``) are accepted, their
domain sent IDNA-encoded.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import BriefgenError, Problem, display_path

REQUIRED = ("name", "email", "language", "salutation")
OPTIONAL = ("surname", "family_name", "group", "country", "committee")
COLUMNS = REQUIRED + OPTIONAL
#: columns whose values reach a mail header (To, the greeting is in the body but shares the name)
HEADER_COLUMNS = ("name", "salutation", "surname", "family_name")


@dataclass(frozen=True)
class Recipient:
    """One person to write to, and where they were listed."""

    name: str
    email: str
    language: str
    salutation: str = ""
    group: str = ""
    country: str = ""
    committee: str = ""
    line: int = 0
    surname: str = ""
    ascii_email: str | None = None  # the address with its domain IDNA-encoded (its local part may still not be ASCII)

    @property
    def key(self) -> str:
        """The address as the ledger knows it (case-insensitive)."""
        return self.email.lower()

    @property
    def address(self) -> str:
        """The address to write in the envelope and the To header, its domain IDNA-encoded."""
        return self.ascii_email or self.email

    @property
    def smtputf8(self) -> bool:
        """Whether the address can only be sent through a relay that offers SMTPUTF8."""
        return not self.address.isascii()


def load_recipients(path: Path) -> list[Recipient]:
    """Read and check a recipients file (``.xlsx``, ``.ods``, ``.csv`` or ``.yaml``); raise one
    :class:`BriefgenError` listing every problem."""
    from briefgen.delivery import sheets

    path = Path(path)
    shown = display_path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        rows = _yaml_rows(path)
    elif suffix in (".csv", ".txt"):
        rows = _csv_rows(path)
    elif suffix in sheets.READERS:
        rows = _sheet_rows(path)
    else:
        raise BriefgenError(f"{shown}: a recipients file is a spreadsheet (.xlsx, .ods), a .csv (exported from a "
                            "spreadsheet, UTF-8) or a .yaml file")
    problems: list[Problem] = []
    recipients: list[Recipient] = []
    first_line: dict[str, int] = {}
    for row in rows:
        values, where = row.values, row.where
        row_problems = _check_row(shown, values, where)
        problems.extend(row_problems)
        if row_problems:
            continue
        checked = valid_address(values["email"])
        email = checked.normalized
        if email.lower() in first_line:
            problems.append(Problem(shown, *where("email"),
                                    f"duplicate address {values['email']} (first listed on line {first_line[email.lower()]}): keep one"))
            continue
        first_line[email.lower()] = row.line
        recipients.append(Recipient(name=values["name"], email=email, language=values["language"].lower(),
                                    salutation=values.get("salutation", ""), group=values.get("group", ""),
                                    country=values.get("country", ""), committee=values.get("committee", ""),
                                    line=row.line, surname=values.get("surname") or values.get("family_name", ""),
                                    ascii_email=checked.ascii_email or f"{checked.local_part}@{checked.ascii_domain}"))
    if not problems and not recipients:
        problems.append(Problem(shown, 1, 1, "", "no recipients: add one row per recipient below the header"))
    if problems:
        raise BriefgenError(problems=problems)
    return recipients


def select(recipients: list[Recipient], groups=(), countries=()) -> list[Recipient]:
    """The recipients in any of ``groups`` and any of ``countries`` (case-insensitive; empty = all)."""
    groups = {g.casefold() for g in groups}
    countries = {c.casefold() for c in countries}
    return [r for r in recipients
            if (not groups or r.group.casefold() in groups) and (not countries or r.country.casefold() in countries)]


# ------------------------------------------------------------------ checks

def valid_address(email: str):
    """email-validator's reading of ``email`` (syntax only: no DNS look-up; ``.normalized``, ``.ascii_email``),
    or None if invalid."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(email, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        return None


def _check_row(shown: str, values: dict[str, str], where) -> list[Problem]:
    from briefgen.delivery.headers import unsafe

    problems = []
    for column in ("name", "email", "language"):
        if not values.get(column):
            problems.append(Problem(shown, *where(column), f"{column} is empty: write the recipient's {column}"))
    for column in HEADER_COLUMNS:
        if values.get(column) and (problem := unsafe(values[column])):
            problems.append(Problem(shown, *where(column), problem))
    email = values.get("email", "")
    if email and (valid_address(email) is None or "=?" in email):
        problems.append(Problem(shown, *where("email"), _address_hint(email)))
    language = values.get("language", "")
    if language:
        canonical = _canonical_language(language)
        if canonical != language.lower():
            hint = f"did you mean '{canonical}'?" if canonical else "write a language code such as en, ru, de or fr"
            problems.append(Problem(shown, *where("language"), f"unknown language '{language}': {hint}"))
    return problems


def _address_hint(email: str) -> str:
    match = re.search(r"<([^<>]+)>", email)
    if match:
        return f"invalid address '{email}': write only the address, {match[1].strip()}, and the name in the name column"
    cleaned = email.strip(" .;,'\"").replace(" ", "").replace(",", ".").replace("..", ".")
    if cleaned != email and valid_address(cleaned):
        return f"invalid address '{email}': did you mean {cleaned}?"
    return f"invalid address '{email}': write it as name@example.org"


def _canonical_language(code: str) -> str | None:
    """The language code Babel knows ``code`` by ("rus" → "ru"), or None."""
    from babel import Locale, UnknownLocaleError

    if not re.fullmatch(r"[a-z]{2,3}", code.lower()):
        return None
    try:
        return Locale.parse(code.lower()).language
    except (UnknownLocaleError, ValueError):
        return None


# ------------------------------------------------------------------ files

@dataclass
class _Row:
    line: int
    values: dict[str, str]
    where: object  # column name → (line, column, what to call the place: the column, or a spreadsheet cell)


def _read_text(path: Path) -> str:
    shown = display_path(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise BriefgenError(problems=[Problem(shown, 1, 1, "", f"not UTF-8 text ({error.reason}): export or save the "
                                                               "file as UTF-8 (CSV UTF-8 in a spreadsheet)")]) from None
    except OSError as error:
        raise BriefgenError(f"{shown}: cannot read file: {error.strerror}") from None


def _header_problems(shown: str, names: list[str], where, required: bool = True) -> list[Problem]:
    """Misspelt, unreadable and missing column names; ``where(name)`` → (line, column)."""
    from briefgen.errors import control_character_error

    problems = []
    for name in names:
        if error := control_character_error(name):
            problems.append(Problem(shown, *where(name), "", f"column name {name!r}: {error}"))
        elif name and name not in COLUMNS:
            guess = difflib.get_close_matches(name, COLUMNS, n=1, cutoff=0.75)
            if guess and guess[0] not in names:
                problems.append(Problem(shown, *where(name), "", f"unknown column '{name}': did you mean '{guess[0]}'?"))
    for name in REQUIRED if required else ():
        if name not in names:
            problems.append(Problem(shown, 1, 1, "", f"column '{name}' is missing: the header needs "
                                                     f"{', '.join(REQUIRED)} (and optionally {', '.join(OPTIONAL)})"))
    return problems


def _header_name(cell: str) -> str:
    # only spaces and tabs are trimmed: a form feed or another control stays, to be reported where it is
    return cell.strip(" \t").lower()


def _csv_rows(path: Path) -> list[_Row]:
    shown = display_path(path)
    text = _read_text(path)
    # the csv module ends lines at CR and LF only; str.splitlines() would also split at a form feed
    lines = re.split(r"\r\n|\r|\n", text)
    first = lines[0]
    # spreadsheets in much of Europe export with ';'
    delimiter = max(",;\t", key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise BriefgenError(problems=[Problem(shown, 1, 1, "", f"cannot read the header: {error}")]) from None
    if header is None:
        raise BriefgenError(problems=[Problem(shown, 1, 1, "", "empty file: the first row names the columns "
                                                               f"({', '.join(REQUIRED)})")])
    names = [_header_name(cell) for cell in header]
    header_columns = _cell_columns(first, delimiter)

    def header_where(name):
        index = names.index(name)
        return 1, header_columns[index] if index < len(header_columns) else 1

    problems = _header_problems(shown, names, header_where)
    if problems:
        raise BriefgenError(problems=problems)
    rows = []
    previous_end = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise BriefgenError(problems=[Problem(shown, reader.line_num, 1, "", f"cannot read this row: {error}")]) from None
        line = previous_end + 1
        previous_end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank lines and rows of empty cells, common at the end of exports
        columns = _cell_columns(lines[line - 1] if line <= len(lines) else "", delimiter)
        values = {name: _clean(cells[i] if i < len(cells) else "") for i, name in enumerate(names) if name in COLUMNS}

        def where(name, line=line, columns=columns):
            index = names.index(name)
            return line, columns[index] if index < len(columns) else 1, name

        rows.append(_Row(line, values, where))
    return rows


def _clean(value: str) -> str:
    """A cell on one line: line breaks and runs of spaces (which could forge mail headers) become one space."""
    return " ".join(value.split())


def _cell_columns(line: str, delimiter: str) -> list[int]:
    """The 1-based column where each cell of a CSV line starts (quotes understood)."""
    starts, quoted = [1], False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            starts.append(index + 2)
    return starts


def _sheet_rows(path: Path) -> list[_Row]:
    """The rows of a spreadsheet's first sheet, the first row naming the columns; a place is shown as
    row and column number and as the cell (``Sheet1!B7``)."""
    from briefgen.delivery.sheets import cell_name, read_sheet

    shown = display_path(path)
    sheet, table = read_sheet(path)
    if not table:
        raise BriefgenError(problems=[Problem(shown, 1, 1, "", f"sheet '{sheet}' is empty: the first row names the "
                                                               f"columns ({', '.join(REQUIRED)})")])
    (header_row, header), body = table[0], table[1:]
    names = [_header_name(cell) for cell in header]
    problems = _header_problems(shown, names, lambda name: (header_row, names.index(name) + 1))
    if problems:
        raise BriefgenError(problems=problems)
    rows = []
    for number, cells in body:
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: _clean(cells[i] if i < len(cells) else "") for i, name in enumerate(names) if name in COLUMNS}

        def where(name, number=number):
            column = names.index(name) + 1
            return number, column, f"{sheet}!{cell_name(number, column)} ({name})"

        rows.append(_Row(number, values, where))
    return rows


def _yaml_rows(path: Path) -> list[_Row]:
    from briefgen.load.yamlfile import load_yaml

    yaml_file = load_yaml(path)
    data = yaml_file.data
    prefix: tuple = ()
    if isinstance(data, dict) and set(data) == {"recipients"}:
        data, prefix = data["recipients"], ("recipients",)
    if not isinstance(data, list):
        raise BriefgenError(problems=[yaml_file.problem((), "expected a list of recipients (or 'recipients:' and a "
                                                            "list), each with name, email, language, salutation")])
    rows, problems = [], []
    for index, item in enumerate(data):
        path_ = prefix + (index,)
        if not isinstance(item, dict):
            problems.append(yaml_file.problem(path_, "expected a recipient: name, email, language, salutation"))
            continue
        keys = [str(key) for key in item]
        problems.extend(_header_problems(yaml_file.shown, keys, lambda name, p=path_: yaml_file.position(p + (name,), key=True),
                                         required=False))
        for column in REQUIRED:
            if column not in item:
                problems.append(yaml_file.problem(path_, f"required key '{column}' is missing: add it", key=True))
        values = {key: _clean("" if value is None else str(value)) for key, value in item.items() if key in COLUMNS}
        rows.append(_Row(yaml_file.position(path_)[0], values,
                         lambda name, p=path_: (*yaml_file.position(p + (name,)), name)))
    if problems:
        raise BriefgenError(problems=problems)
    return rows
