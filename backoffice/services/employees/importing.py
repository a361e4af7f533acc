"""A member's spreadsheet of employees: previewed (each line accepted, already recorded,
or refused with its reasons), then imported in one transaction.

Each line is checked as an employee added by staff (``checks``): required names and hiring
date, dates that are dates and in order, PCS-ESE code, civility, risk factors of the list
(by code or by name), follow-up category raised to what they require. A line naming the
same person as an earlier line is refused; one naming an employee the member already has
(still present) is left alone. The import reads the file again in its own transaction and
refuses to go on when what it would do differs from the preview someone looked at.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import dates
from backoffice.i18n import ntr, tr
from backoffice.models import Employee, EmployeeOrigin, EmployeeRiskFactor, Member
from backoffice.models.employees import FollowUpCategory
from backoffice.services import audit
from backoffice.services.employees.checks import RiskCatalogue, label, problems
from backoffice.services.employees.spreadsheet import Cell, Sheet, SheetRow, read_sheet
from backoffice.services.employees.staff_records import active_member, employee_key
from backoffice.services.errors import Conflict, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.text import fold

CIVILITIES = {
    "m": "M.",
    "mr": "M.",
    "monsieur": "M.",
    "mme": "Mme",
    "madame": "Mme",
    "mlle": "Mme",
    "mademoiselle": "Mme",
}
DATE_FIELDS = ("birth_date", "hired_on", "exited_on")


class LineStatus(enum.StrEnum):
    NEW = "new"  # imported
    PRESENT = "present"  # the member already has this employee: left alone
    REFUSED = "refused"  # not imported: see its problems


@dataclass(frozen=True)
class ImportLine:
    number: int  # the line in the file
    values: dict[str, object]  # typed, by field name (what could be read)
    category: FollowUpCategory | None  # the one recorded, for an accepted line
    status: LineStatus
    problems: tuple[str, ...]

    @property
    def name(self) -> str:
        last, first = self.values.get("last_name") or "", self.values.get("first_name") or ""
        return f"{str(last).upper()} {first}".strip()


@dataclass(frozen=True)
class ImportPreview:
    member_id: int
    member_code: str
    member_name: str
    file_name: str
    columns: tuple[tuple[str, str], ...]  # (header as written, its field's label)
    lines: tuple[ImportLine, ...]

    def count(self, status: LineStatus) -> int:
        return sum(1 for line in self.lines if line.status == status)

    def summary(self, *, imported: bool = False) -> str:
        """« 3 salariés à importer, 1 déjà enregistré, 4 lignes refusées »."""
        new = self.count(LineStatus.NEW)
        return ", ".join(
            (
                ntr("{count} employee imported", "{count} employees imported", new)
                if imported
                else ntr("{count} employee to import", "{count} employees to import", new),
                ntr(
                    "{count} already recorded",
                    "{count} already recorded",
                    self.count(LineStatus.PRESENT),
                ),
                ntr(
                    "{count} line refused", "{count} lines refused", self.count(LineStatus.REFUSED)
                ),
            )
        )


@dataclass(frozen=True)
class ImportDone:
    member_id: int
    imported: int
    present: int
    refused: int
    employee_ids: tuple[int, ...]


def preview_import(
    session: Session, actor: Actor, member_id: int, file_name: str, content: bytes
) -> ImportPreview:
    require(session, actor, Permission.MEMBERS_EDIT)
    member = active_member(session, member_id)
    return _preview(session, member, file_name, read_sheet(file_name, content))


def import_employees(
    session: Session,
    actor: Actor,
    member_id: int,
    file_name: str,
    content: bytes,
    *,
    expected_new: int | None = None,
) -> ImportDone:
    """Import the accepted lines, all in this transaction. ``expected_new``: the number of
    lines the preview accepted; a different number now (someone added an employee
    meanwhile) refuses the import, to be previewed again."""
    require(session, actor, Permission.MEMBERS_EDIT)
    session.get(Member, member_id, with_for_update=True)  # two imports for one member queue
    member = active_member(session, member_id)
    preview = _preview(session, member, file_name, read_sheet(file_name, content))
    accepted = [line for line in preview.lines if line.status == LineStatus.NEW]
    if expected_new is not None and len(accepted) != expected_new:
        raise Conflict(
            tr(
                "The member's employees changed since the preview: {now} lines would be "
                "imported instead of {before}. Preview the file again.",
                now=len(accepted),
                before=expected_new,
            )
        )
    if not accepted:
        raise ValidationFailed.single("file", tr("No line of the file can be imported."))
    employees = [_employee(member.id, line) for line in accepted]
    session.add_all(employees)
    member.has_employees = True
    session.flush()
    ids = tuple(employee.id for employee in employees)
    audit.record(
        session,
        actor,
        "employees.import",
        "member",
        member.id,
        member_id=member.id,
        summary=tr("{count} employees imported from {file}", count=len(ids), file=file_name),
        after={
            "file": file_name,
            "imported": len(ids),
            "present": preview.count(LineStatus.PRESENT),
            "refused": preview.count(LineStatus.REFUSED),
            "employee_ids": list(ids),
        },
    )
    return ImportDone(
        member.id,
        len(ids),
        preview.count(LineStatus.PRESENT),
        preview.count(LineStatus.REFUSED),
        ids,
    )


def _employee(member_id: int, line: ImportLine) -> Employee:
    values = {
        k: v for k, v in line.values.items() if k not in ("risk_factors", "follow_up_category")
    }
    employee = Employee(
        member_id=member_id,
        origin=EmployeeOrigin.IMPORT,
        follow_up_category=line.category,
        **values,
    )
    employee.risk_factors = [
        EmployeeRiskFactor(risk_code=code)
        for code in line.values.get("risk_factors") or []  # type: ignore[union-attr]
    ]
    return employee


# -- the preview ---------------------------------------------------------------------------


def _preview(session: Session, member: Member, file_name: str, sheet: Sheet) -> ImportPreview:
    risks = RiskCatalogue.load(session)
    present = {
        employee_key(*row)
        for row in session.execute(
            select(
                Employee.last_name, Employee.first_name, Employee.birth_date, Employee.hired_on
            ).where(Employee.member_id == member.id, Employee.exited_on.is_(None))
        )
    }
    seen: dict[tuple, int] = {}
    lines = []
    for row in sheet.rows:
        values, unreadable = _typed(row, risks)
        found = list(unreadable.values()) + [
            error.message
            for error in problems(values, risks, adding=True)
            if error.field not in unreadable  # said once: not a date, rather than missing
        ]
        key = employee_key(
            values.get("last_name"),
            values.get("first_name"),
            values.get("birth_date"),
            values.get("hired_on"),
        )
        if not found and key in seen:
            found.append(tr("The same employee as line {line}.", line=seen[key]))
        if not found and key in present and values.get("exited_on"):
            found.append(tr("This employee is present: record the exit on the member's employee."))
        seen.setdefault(key, row.number)
        status = (
            LineStatus.REFUSED
            if found
            else LineStatus.PRESENT
            if key in present
            else LineStatus.NEW
        )
        category = (
            risks.category(values.get("follow_up_category"), values.get("risk_factors") or [])  # type: ignore[arg-type]
            if not found
            else None
        )
        lines.append(ImportLine(row.number, values, category, status, tuple(found)))
    return ImportPreview(
        member.id,
        member.member_code,
        member.display_name,
        file_name,
        tuple((header, label(field)) for header, field in sheet.columns),
        tuple(lines),
    )


def _typed(row: SheetRow, risks: RiskCatalogue) -> tuple[dict[str, object], dict[str, str]]:
    """The line's values typed, and what could not be read (by field)."""
    values: dict[str, object] = {}
    found: dict[str, str] = {}
    for field, cell in row.cells.items():
        if cell is None:
            continue
        if field in DATE_FIELDS:
            day = _day(cell)
            if day is None:
                found[field] = tr("{field}: {value} is not a date.", field=label(field), value=cell)
            else:
                values[field] = day
        elif field == "risk_factors":
            codes, unknown = _risk_codes(str(cell), risks)
            values[field] = codes
            if unknown:
                found[field] = tr(
                    "{field}: {codes} is not a risk factor of the list.",
                    field=label(field),
                    codes=", ".join(f"« {text} »" for text in unknown),
                )
        elif field == "civility":
            values[field] = CIVILITIES.get(fold(str(cell)).rstrip("."), str(cell))
        elif field == "follow_up_category":
            values[field] = fold(str(cell))
        elif field == "pcs_code":
            values[field] = str(cell).strip().lower()
        else:
            values[field] = str(cell).strip()
    return values, found


def _day(cell: Cell) -> date | None:
    if isinstance(cell, date):
        return cell
    try:
        return dates.parse_day(str(cell))
    except ValueError:
        return None


def _risk_codes(text: str, risks: RiskCatalogue) -> tuple[list[str], list[str]]:
    """The codes named in a cell, by code or by label (« Travail de nuit; amiante »), and
    the parts that name none."""
    by_name = {fold(code.replace("_", " ")): code for code in risks.factors}
    by_name |= {fold(text_): code for code, (text_, _category) in risks.factors.items()}
    codes: list[str] = []
    unknown: list[str] = []
    for part in (p.strip() for p in re.split(r"[;\n|/]+", text) if p.strip()):
        code = by_name.get(fold(part.replace("_", " ")))
        if code is not None:
            codes.append(code)
            continue
        for piece in (p.strip() for p in part.split(",") if p.strip()):
            code = by_name.get(fold(piece.replace("_", " ")))
            (codes if code else unknown).append(code or piece)
    return sorted(set(codes)), unknown
