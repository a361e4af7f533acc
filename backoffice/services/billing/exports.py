"""Excel export of the instalment schedules: a year, a member, or a selection of invoices.

The instalments are streamed from the database into a write-only workbook: memory stays
flat with 150,000 rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import Instalment, Invoice, Member
from backoffice.reports.billing.schedules_xlsx import ExportTotals, ScheduleLine, write_schedules
from backoffice.services.billing.queries import InstalmentStatus, instalment_status, status_label
from backoffice.services.errors import ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Progress, silent

STREAM_ROWS = 5000


@dataclass(frozen=True)
class ScheduleSelection:
    year: int | None = None
    member_id: int | None = None
    invoice_ids: tuple[int, ...] | None = None

    def title(self) -> str:
        if self.year is not None:
            return tr("Schedules {year}", year=self.year)
        return tr("Schedules")


def _restrict(statement: Select, selection: ScheduleSelection) -> Select:
    if selection.year is not None:
        statement = statement.where(Invoice.year == selection.year)
    if selection.member_id is not None:
        statement = statement.where(Invoice.member_id == selection.member_id)
    if selection.invoice_ids is not None:
        statement = statement.where(Invoice.id.in_(selection.invoice_ids))
    return statement


def _lines(session: Session, selection: ScheduleSelection) -> Iterator[ScheduleLine]:
    today = clock.today()
    labels = {status: status_label(status) for status in InstalmentStatus}
    statement = _restrict(
        select(
            Member.member_code,
            Member.legal_name,
            Invoice.number,
            Invoice.issued_on,
            Instalment.due_on,
            Instalment.amount_cents,
            Instalment.paid_cents,
            Instalment.credited_cents,
        )
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .join(Member, Member.id == Invoice.member_id)
        .where(Instalment.superseded_at.is_(None))
        .order_by(Member.member_code, Invoice.number, Instalment.due_on, Instalment.position),
        selection,
    ).execution_options(yield_per=STREAM_ROWS)
    for code, name, number, issued_on, due_on, amount, paid, credited in session.execute(statement):
        status = instalment_status(amount, paid, credited, due_on, False, today)
        late = (today - due_on).days if status == InstalmentStatus.OVERDUE else 0
        yield ScheduleLine(
            code,
            name,
            number,
            issued_on,
            due_on,
            amount,
            paid,
            credited,
            amount - paid - credited,
            labels[status],
            late,
        )


def export_schedules(
    session: Session,
    actor: Actor,
    target: Path | IO[bytes],
    selection: ScheduleSelection,
    progress: Progress | None = None,
) -> ExportTotals:
    """Write the workbook of ``selection``'s schedules to ``target``."""
    require(session, actor, Permission.BILLING_VIEW)
    if selection == ScheduleSelection():
        raise ValidationFailed.single("year", tr("Choose a year, a member or invoices to export."))
    progress = progress or silent()
    invoice_count, invoices_ttc = session.execute(
        _restrict(
            select(func.count(), func.coalesce(func.sum(Invoice.total_ttc_cents), 0)), selection
        )
    ).one()
    total = session.scalar(
        _restrict(
            select(func.count())
            .select_from(Instalment)
            .join(Invoice)
            .where(Instalment.superseded_at.is_(None)),
            selection,
        )
    )
    progress.step(0, total or 0, tr("Exporting the schedules"))
    return write_schedules(
        target,
        _lines(session, selection),
        sheet_title=selection.title(),
        invoice_count=invoice_count,
        invoices_ttc_cents=int(invoices_ttc),
        on_progress=lambda done: progress.step(
            done, total or 0, tr("{done} / {total} instalments", done=done, total=total)
        ),
    )
