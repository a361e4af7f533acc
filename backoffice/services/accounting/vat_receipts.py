"""The VAT on receipts (*TVA sur les encaissements*), month by month.

The contributions are services: their VAT is due when they are paid. Each month of the
books (by entry date: what goes on that month's VAT return) shows:

- the receipts: the payments booked that month, less the ones returned, as recorded;
- per VAT rate, the price excl. VAT and the VAT of the invoices those receipts settled
  (the VAT each payment moved from pending to due when it was posted);
- what settled no invoice (an overpayment, kept as the member's credit);
- the movement of the VAT-collected account in the journal, which the VAT due must equal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models import EntrySource, JournalEntry, JournalLine, LineKind, Payment
from backoffice.money import format_rate
from backoffice.private_files import whole_file
from backoffice.reports.accounting.vat_file import VatLine, write_vat
from backoffice.services.accounting import chart
from backoffice.services.errors import ServiceError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require


@dataclass(frozen=True)
class VatRate:
    rate_bp: int
    base_cents: int
    vat_cents: int


@dataclass(frozen=True)
class VatMonth:
    month: date  # its first day
    receipts_cents: int
    rates: tuple[VatRate, ...]
    journal_vat_cents: int  # the VAT-collected account's movement in the journal

    @property
    def base_cents(self) -> int:
        return sum(rate.base_cents for rate in self.rates)

    @property
    def vat_cents(self) -> int:
        return sum(rate.vat_cents for rate in self.rates)

    @property
    def unsettled_cents(self) -> int:
        """Receipts that settled no invoice (overpayments): no VAT moved."""
        return self.receipts_cents - self.base_cents - self.vat_cents

    @property
    def difference_cents(self) -> int:
        return self.journal_vat_cents - self.vat_cents


@dataclass(frozen=True)
class VatReport:
    fiscal_year: int
    months: list[VatMonth]

    def total(self, attribute: str) -> int:
        return sum(getattr(month, attribute) for month in self.months)

    @property
    def rates(self) -> list[int]:
        return sorted({rate.rate_bp for month in self.months for rate in month.rates})


def _month(day: date) -> date:
    return day.replace(day=1)


def _vat_moved(session: Session, fiscal_year: int) -> dict[date, dict[int, list[int]]]:
    """month -> rate -> [base, VAT] moved to due by the payments (less the returns)."""
    sign = case((JournalLine.credit_cents > 0, 1), else_=-1)
    rows = session.execute(
        select(
            JournalEntry.entry_date,
            JournalLine.vat_rate_bp,
            func.sum(sign * func.coalesce(JournalLine.vat_base_cents, 0)),
            func.sum(JournalLine.credit_cents - JournalLine.debit_cents),
        )
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            JournalEntry.fiscal_year == fiscal_year,
            JournalLine.kind == LineKind.VAT_COLLECTED,
            JournalEntry.source.in_((EntrySource.PAYMENT, EntrySource.PAYMENT_REVERSAL)),
        )
        .group_by(JournalEntry.entry_date, JournalLine.vat_rate_bp)
    )
    moved: dict[date, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for day, rate, base, vat in rows:
        amounts = moved[_month(day)][rate or 0]
        amounts[0] += int(base)
        amounts[1] += int(vat)
    return moved


def _journal_vat(session: Session, fiscal_year: int, account: str) -> dict[date, int]:
    rows = session.execute(
        select(
            JournalEntry.entry_date,
            func.sum(JournalLine.credit_cents - JournalLine.debit_cents),
        )
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalEntry.fiscal_year == fiscal_year, JournalLine.account == account)
        .group_by(JournalEntry.entry_date)
    )
    found: dict[date, int] = defaultdict(int)
    for day, cents in rows:
        found[_month(day)] += int(cents)
    return found


def _receipts(session: Session, fiscal_year: int) -> dict[date, int]:
    """The payments (less the returned ones) by the month of their entry."""
    found: dict[date, int] = defaultdict(int)
    for source, sign in ((EntrySource.PAYMENT, 1), (EntrySource.PAYMENT_REVERSAL, -1)):
        rows = session.execute(
            select(JournalEntry.entry_date, func.sum(Payment.amount_cents))
            .join(Payment, Payment.id == JournalEntry.source_id)
            .where(JournalEntry.source == source, JournalEntry.fiscal_year == fiscal_year)
            .group_by(JournalEntry.entry_date)
        )
        for day, cents in rows:
            found[_month(day)] += sign * int(cents)
    return found


def vat_on_receipts(session: Session, actor: Actor, fiscal_year: int) -> VatReport:
    """The twelve months of ``fiscal_year`` (the months with nothing show zeros)."""
    require(session, actor, Permission.ACCOUNTING_VIEW)
    account = chart.load(session).account("vat_collected").number
    moved = _vat_moved(session, fiscal_year)
    journal = _journal_vat(session, fiscal_year, account)
    receipts = _receipts(session, fiscal_year)
    months = []
    for number in range(1, 13):
        month = date(fiscal_year, number, 1)
        rates = tuple(
            VatRate(rate, base, vat) for rate, (base, vat) in sorted(moved[month].items())
        )
        months.append(VatMonth(month, receipts[month], rates, journal[month]))
    return VatReport(fiscal_year, months)


def _lines(report: VatReport) -> Iterator[VatLine]:
    for month in report.months:
        label = f"{month.month:%m/%Y}"
        rates = month.rates or (VatRate(0, 0, 0),)
        for index, rate in enumerate(rates):
            first = index == 0
            yield VatLine(
                label,
                month.receipts_cents if first else None,
                format_rate(rate.rate_bp) if rate.rate_bp else "",
                rate.base_cents,
                rate.vat_cents,
                month.unsettled_cents if first else None,
                month.journal_vat_cents if first else None,
                month.difference_cents if first else None,
            )


def export_vat(session: Session, actor: Actor, fiscal_year: int, path: Path) -> VatReport:
    """Write the year's VAT on receipts as an Excel workbook at ``path``."""
    if path.suffix.lower() != ".xlsx" or not path.parent.is_dir():
        raise ValidationFailed.single(
            "out",
            tr(
                "The report is written to an .xlsx file in an existing folder: {path}.",
                path=str(path),
            ),
        )
    report = vat_on_receipts(session, actor, fiscal_year)
    totals = VatLine(
        "",
        report.total("receipts_cents"),
        "",
        report.total("base_cents"),
        report.total("vat_cents"),
        report.total("unsettled_cents"),
        report.total("journal_vat_cents"),
        report.total("difference_cents"),
    )
    try:
        with whole_file(path) as handle:
            write_vat(handle, fiscal_year, _lines(report), totals)
    except OSError as error:
        raise ServiceError(
            tr("The file {path} could not be written: {error}", path=str(path), error=error)
        ) from error
    return report
