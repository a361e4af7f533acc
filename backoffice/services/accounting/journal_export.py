"""Exporting the journal of a period for the accounting software (CSV or Excel).

An export carries the validated entries (of closed months) dated in the period that no
export carried yet, and marks them with its own row (``journal_exports``): the next one
carries only the new entries. ``again`` carries them all, for a file lost on the way,
without changing their marks. Exports queue on a counter row: two at once never carry the
same entries. The file is complete or absent; its marks are saved with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.models import JournalEntry, JournalExport, JournalLine, Member
from backoffice.private_files import whole_file
from backoffice.reports.accounting import journal_files
from backoffice.services import audit
from backoffice.services.accounting import chart
from backoffice.services.accounting.posting import closed_through
from backoffice.services.billing.numbering import take_from
from backoffice.services.errors import ServiceError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Progress, silent
from backoffice.services.tracking import mark_touched

FORMATS = (".csv", ".xlsx")
STREAM_ROWS = 5000


@dataclass(frozen=True)
class JournalExportOutcome:
    export_id: int
    path: Path
    date_from: date
    date_to: date
    entries: int
    lines: int
    debit_cents: int
    credit_cents: int
    not_yet_closed: int  # entries of the period still in open months (next time)


def _selected(date_from: date, date_to: date, again: bool) -> Select:
    statement = select(JournalEntry.id).where(
        JournalEntry.sequence.is_not(None),
        JournalEntry.entry_date >= date_from,
        JournalEntry.entry_date <= date_to,
    )
    return statement if again else statement.where(JournalEntry.export_id.is_(None))


def _rows(
    session: Session, selected: Select, books: chart.Chart
) -> Iterator[journal_files.JournalRow]:
    statement = (
        select(
            JournalEntry.journal,
            JournalEntry.fiscal_year,
            JournalEntry.sequence,
            JournalEntry.entry_date,
            JournalLine.account,
            JournalLine.account_label,
            Member.member_code,
            Member.legal_name,
            JournalEntry.piece_ref,
            JournalEntry.piece_date,
            func.coalesce(JournalLine.label, JournalEntry.label),
            JournalLine.debit_cents,
            JournalLine.credit_cents,
            JournalEntry.validated_on,
        )
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .outerjoin(Member, Member.id == JournalLine.member_id)
        .where(JournalEntry.id.in_(selected.scalar_subquery()))
        .order_by(JournalEntry.journal, JournalEntry.fiscal_year, JournalEntry.sequence)
        .order_by(JournalLine.position)
        .execution_options(yield_per=STREAM_ROWS)
    )
    for row in session.execute(statement):
        (journal, year, sequence, day, account, label, code, name, piece, piece_day) = row[:10]
        auxiliary = books.auxiliary_number(code) if code else ""
        yield journal_files.JournalRow(
            journal,
            f"{journal}-{year}-{sequence:06d}",
            day,
            account,
            label,
            auxiliary,
            (name or "") if auxiliary else "",
            piece,
            piece_day,
            row[10],
            row[11],
            row[12],
            row[13],
        )


def check_period(date_from: date, date_to: date, path: Path) -> None:
    if date_from > date_to:
        raise ValidationFailed.single(
            "date_from",
            tr(
                "The period starts on {start}, after its end ({end}).",
                start=format_day(date_from),
                end=format_day(date_to),
            ),
        )
    if path.suffix.lower() not in FORMATS:
        raise ValidationFailed.single(
            "out", tr("The journal is written as a .csv or .xlsx file, not {name}.", name=path.name)
        )
    if not path.parent.is_dir():
        raise ValidationFailed.single(
            "out", tr("The folder {folder} does not exist.", folder=str(path.parent))
        )


def export_journal(
    session: Session,
    actor: Actor,
    date_from: date,
    date_to: date,
    path: Path,
    *,
    again: bool = False,
    progress: Progress | None = None,
) -> JournalExportOutcome:
    """Write the journal of ``date_from``–``date_to`` to ``path`` (``.csv`` or ``.xlsx``)."""
    require(session, actor, Permission.ACCOUNTING_MANAGE)
    progress = progress or silent()
    check_period(date_from, date_to, path)
    take_from(session, "journal-exports", 1)  # one export at a time
    closed_through(session)  # and no closing meanwhile
    selected = _selected(date_from, date_to, again)
    count = session.scalar(select(func.count()).select_from(selected.subquery())) or 0
    open_count = session.scalar(
        select(func.count()).where(
            JournalEntry.sequence.is_(None),
            JournalEntry.entry_date >= date_from,
            JournalEntry.entry_date <= date_to,
        )
    )
    if count == 0:
        raise ValidationFailed.single(
            "date_from",
            tr(
                "No validated entry between {start} and {end} is left to export "
                "({open} in months not closed yet).",
                start=format_day(date_from),
                end=format_day(date_to),
                open=open_count,
            ),
        )
    books = chart.load(session)
    title = tr(
        "Journal from {start} to {end}", start=format_day(date_from), end=format_day(date_to)
    )
    progress.step(0, count, tr("Exporting the journal"))
    try:
        with whole_file(path) as handle:
            rows = _rows(session, selected, books)
            if path.suffix.lower() == ".csv":
                totals = journal_files.write_csv(handle, rows)
            else:
                totals = journal_files.write_xlsx(handle, rows, title)
            export = _mark(session, actor, selected, again, date_from, date_to, path, totals)
    except OSError as error:
        raise ServiceError(
            tr("The journal could not be written to {path}: {error}", path=str(path), error=error)
        ) from error
    progress.step(count, count, tr("Exporting the journal"))
    return JournalExportOutcome(
        export.id,
        path,
        date_from,
        date_to,
        totals.entries,
        totals.lines,
        totals.debit_cents,
        totals.credit_cents,
        open_count or 0,
    )


def _mark(
    session: Session,
    actor: Actor,
    selected: Select,
    again: bool,
    date_from: date,
    date_to: date,
    path: Path,
    totals: journal_files.JournalTotals,
) -> JournalExport:
    export = JournalExport(
        exported_at=clock.now(),
        exported_by_id=actor.staff_id,
        date_from=date_from,
        date_to=date_to,
        file_format=path.suffix.lower().lstrip("."),
        file_name=path.name[:260],
        entry_count=totals.entries,
        debit_cents=totals.debit_cents,
    )
    session.add(export)
    session.flush()
    if not again:
        session.execute(
            update(JournalEntry)
            .where(JournalEntry.id.in_(selected.scalar_subquery()))
            .values(export_id=export.id)
            .execution_options(synchronize_session=False)
        )
        mark_touched(session, "journal_entries")
    audit.record(
        session,
        actor,
        "accounting.journal_export",
        "journal_export",
        export.id,
        summary=tr(
            "Journal exported ({count} entries, {start} to {end}): {file}",
            count=totals.entries,
            start=format_day(date_from),
            end=format_day(date_to),
            file=path.name,
        ),
        after={"entries": totals.entries, "debit_cents": totals.debit_cents, "again": again},
    )
    return export
