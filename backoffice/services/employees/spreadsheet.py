"""The rows of a spreadsheet a member sends (its employees): an Excel workbook read with
openpyxl, or a CSV file read with the csv module (separator and encoding guessed, as
French spreadsheet programs write them: ``;`` and Windows-1252 as often as ``,`` and
UTF-8).

The first non-empty row names the columns; each is recognised by its French (or English)
name, accents, case and punctuation ignored. A column no one recognises refuses the whole
file: an unknown column could hold what a recognised one should.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from backoffice.i18n import tr
from backoffice.services.employees.checks import REQUIRED, label
from backoffice.services.errors import ValidationFailed
from backoffice.text import fold

MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 20_000
Cell = str | date | None

# Column names as members write them (folded: lower case, no accents, no punctuation).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "civility": ("civilite", "civ", "titre", "civility"),
    "last_name": ("nom", "nom de famille", "nom du salarie", "nom salarie", "last name"),
    "first_name": ("prenom", "prenom du salarie", "first name"),
    "birth_date": ("date de naissance", "naissance", "ne le", "nee le", "birth date"),
    "pcs_code": ("pcs", "code pcs", "pcs ese", "code pcs ese", "pcs code"),
    "job_title": ("poste", "poste de travail", "emploi", "fonction", "metier", "job"),
    "hired_on": (
        "date d embauche",
        "date embauche",
        "embauche",
        "date d entree",
        "entree",
        "hired on",
        "hiring date",
    ),
    "exited_on": ("date de sortie", "sortie", "exited on", "exit date"),
    "exit_reason": ("motif de sortie", "motif", "exit reason"),
    "risk_factors": (
        "risques",
        "risques professionnels",
        "facteurs de risque",
        "determinants",
        "determinants de suivi individuel",
        "dsi",
        "risk factors",
    ),
    "follow_up_category": (
        "suivi",
        "type de suivi",
        "categorie",
        "categorie de suivi",
        "follow up",
        "follow up category",
    ),
}
HEADER_SEARCH = 20  # rows looked at for the header, under a title or a blank line


def _field_names() -> dict[str, str]:
    """Folded column name → field: the usual names, and the labels the refusals give."""
    names = {name: field for field, names in COLUMN_NAMES.items() for name in names}
    return names | {_folded(label(field)): field for field in COLUMN_NAMES}


def _folded(header: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(header)).split())


@dataclass(frozen=True)
class SheetRow:
    number: int  # in the file, the header row counting
    cells: dict[str, Cell]  # by field name


@dataclass(frozen=True)
class Sheet:
    columns: tuple[tuple[str, str], ...]  # (header as written, field name)
    rows: tuple[SheetRow, ...]


def read_sheet(file_name: str, content: bytes) -> Sheet:
    """The rows of the file, by field name; refused whole (field ``file``, in French)
    when it cannot be read, names an unknown column or lacks a required one."""
    if not content:
        raise _refused(tr("The file is empty."))
    if len(content) > MAX_BYTES:
        raise _refused(tr("The file is larger than 5 MB."))
    raw = list(_raw_rows(file_name, content))
    names = _field_names()
    start = _header_index(raw, names)
    if start is None:
        raise _refused(tr("The file holds no line."))
    header = [str(cell or "").strip() for cell in raw[start]]
    columns = _columns(header, names)
    rows = []
    for offset, row in enumerate(raw[start + 1 :], start=start + 2):
        cells = {
            field: _cell(row[index]) if index < len(row) else None
            for index, (_header, field) in enumerate(columns)
            if field
        }
        if any(_present(cell) for cell in cells.values()):
            rows.append(SheetRow(offset, cells))
    if len(rows) > MAX_LINES:
        raise _refused(tr("The file has more than {count} lines.", count=MAX_LINES))
    return Sheet(tuple((h, f) for h, f in columns if f), tuple(rows))


def _header_index(raw: list[list[object]], names: dict[str, str]) -> int | None:
    """The header: the first row naming two known columns (a title may sit above it),
    else the first row that is not empty."""
    filled = [index for index, row in enumerate(raw) if any(_present(c) for c in row)]
    for index in filled[:HEADER_SEARCH]:
        known = sum(1 for cell in raw[index] if _folded(str(cell or "")) in names)
        if known >= 2:
            return index
    return filled[0] if filled else None


def _refused(message: str) -> ValidationFailed:
    return ValidationFailed.single("file", message)


def _present(cell: object) -> bool:
    return cell is not None and str(cell).strip() != ""


def _cell(value: object) -> Cell:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


def _columns(header: list[str], names: dict[str, str]) -> list[tuple[str, str]]:
    """(header, field) of each column; a blank header is a column to ignore."""
    columns, unknown, seen = [], [], {}
    for text in header:
        field = names.get(_folded(text), "") if text else ""
        if text and not field:
            unknown.append(text)
        if field in seen:
            raise _refused(
                tr(
                    "The columns « {first} » and « {second} » both give the {field}.",
                    first=seen[field],
                    second=text,
                    field=label(field).lower(),
                )
            )
        if field:
            seen[field] = text
        columns.append((text, field))
    if unknown:
        raise _refused(
            tr(
                "Unknown columns: {columns}. The columns read are: {known}.",
                columns=", ".join(f"« {name} »" for name in unknown),
                known=", ".join(known_columns()),
            )
        )
    missing = [label(field) for field in REQUIRED if field not in seen]
    if missing:
        raise _refused(tr("Missing columns: {columns}.", columns=", ".join(missing)))
    return columns


def known_columns() -> list[str]:
    """The columns a file may have, as the refusals name them."""
    return [label(field) for field in COLUMN_NAMES]


def _raw_rows(file_name: str, content: bytes) -> Iterator[list[object]]:
    if content[:4] == b"PK\x03\x04":  # a zip: an xlsx workbook
        yield from _xlsx_rows(content)
    elif file_name.lower().endswith((".xlsx", ".xlsm")):
        raise _refused(tr("The file is not an Excel workbook (.xlsx) that can be read."))
    elif file_name.lower().endswith(".xls"):
        raise _refused(
            tr("Old Excel files (.xls) cannot be read: save it as .xlsx or CSV and try again.")
        )
    else:
        yield from _csv_rows(content)


def _xlsx_rows(content: bytes) -> Iterator[list[object]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise _refused(tr("The file is not an Excel workbook (.xlsx) that can be read.")) from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> Iterator[list[object]]:
    text = _decoded(content)
    sample = text[:4096]
    try:
        delimiter = csv.Sniffer().sniff(sample, ";,\t").delimiter
    except csv.Error:  # a single column, or too few lines to tell
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    yield from csv.reader(io.StringIO(text), delimiter=delimiter)


def _decoded(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")
