"""Spreadsheets read as tables of text: the first sheet of an ``.xlsx`` (openpyxl) or ``.ods`` file.

An ``.ods`` file is a zip holding ``content.xml``; it is read here with the
standard library (no document model is built), with limits on its size so
that a crafted file cannot fill the memory. Each row comes with its number
in the sheet, so that a problem can be shown at its cell ("Sheet1!B7").
"""

from __future__ import annotations

import datetime as _dt
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from briefgen.errors import BriefgenError, display_path

MAX_CONTENT = 64 * 1024 * 1024   # uncompressed content.xml of an .ods
MAX_ROWS = 100_000
MAX_COLUMNS = 64                 # a recipients list has a handful; more are not read

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"

Table = list[tuple[int, list[str]]]  # (row number, cells as text)


def cell_name(row: int, column: int) -> str:
    """``(7, 2)`` → ``B7``."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime) and value.time() == _dt.time():
        return value.date().isoformat()
    return str(value)


def _read_xlsx(path: Path) -> tuple[str, Table]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        table = []
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
            if number > MAX_ROWS:
                raise BriefgenError(f"{display_path(path)}: more than {MAX_ROWS} rows: split the list")
            table.append((number, [_text(value) for value in row]))
        return sheet.title, table
    finally:
        book.close()


def _inline(node) -> str:
    """The text of an ODS paragraph or span, with its spaces, tabs and line breaks spelt out as spaces."""
    out = [node.text or ""]
    for child in node:
        if child.tag == f"{_TEXT}s":
            out.append(" " * int(child.get(f"{_TEXT}c", "1")))
        elif child.tag in (f"{_TEXT}tab", f"{_TEXT}line-break"):
            out.append(" ")
        else:
            out.append(_inline(child))
        out.append(child.tail or "")
    return "".join(out)


def _cell_text(cell) -> str:
    """The text of an ODS cell: its paragraphs, one per line (or the value of a number or date cell)."""
    paragraphs = cell.findall(f"{_TEXT}p")
    if paragraphs:
        return "\n".join(_inline(paragraph) for paragraph in paragraphs)
    return cell.get(f"{_OFFICE}value") or cell.get(f"{_OFFICE}date-value") or ""


def _read_ods(path: Path) -> tuple[str, Table]:
    shown = display_path(path)
    with zipfile.ZipFile(path) as archive:
        try:
            info = archive.getinfo("content.xml")
        except KeyError:
            raise BriefgenError(f"{shown}: not an OpenDocument spreadsheet (no content.xml)") from None
        if info.file_size > MAX_CONTENT:
            raise BriefgenError(f"{shown}: the sheet is larger than {MAX_CONTENT // 2**20} MiB: split the list")
        data = archive.read(info)
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:65536]:
        raise BriefgenError(f"{shown}: the spreadsheet declares XML entities: save it again from the spreadsheet program")
    root = ElementTree.fromstring(data)
    sheet = next(root.iter(f"{_TABLE}table"), None)
    if sheet is None:
        return "Sheet1", []
    table: Table = []
    number = 0
    for row in sheet.iter(f"{_TABLE}table-row"):
        repeat = int(row.get(f"{_TABLE}number-rows-repeated", "1"))
        cells: list[str] = []
        for cell in row:
            if cell.tag not in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                continue
            times = int(cell.get(f"{_TABLE}number-columns-repeated", "1"))
            text = _cell_text(cell)
            cells.extend([text] * min(times, MAX_COLUMNS - len(cells)))
            if len(cells) >= MAX_COLUMNS:
                break
        if any(cells):
            for _ in range(min(repeat, MAX_ROWS)):
                number += 1
                table.append((number, list(cells)))
        else:
            number += repeat  # empty rows, often repeated a million times at the end of a sheet
        if len(table) > MAX_ROWS:
            raise BriefgenError(f"{shown}: more than {MAX_ROWS} rows: split the list")
    return sheet.get(f"{_TABLE}name", "Sheet1"), table


READERS = {".xlsx": _read_xlsx, ".ods": _read_ods}


def read_sheet(path: Path) -> tuple[str, Table]:
    """The name and the non-empty rows (with their numbers) of the first sheet of ``path``."""
    path = Path(path)
    try:
        return READERS[path.suffix.lower()](path)
    except BriefgenError:
        raise
    except OSError as error:
        raise BriefgenError(f"{display_path(path)}: cannot read file: {error.strerror or error}") from None
    except Exception as error:  # a damaged file: zip, XML or the spreadsheet library's own errors
        raise BriefgenError(f"{display_path(path)}: cannot read the spreadsheet ({type(error).__name__}: {error}): "
                            "save it again from the spreadsheet program, or export it as CSV (UTF-8)") from None
