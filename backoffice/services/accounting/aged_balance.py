"""The aged balance (*balance âgée*): what each member owes at a date, by how late it is.

An instalment owes at day D what is left to pay on it now, plus what payments received
after D paid on it, less what payments received by D and returned after D paid on it
(they still counted on D), plus what was written off after D — so that the balance of a
past day is the one that day showed. Credit notes and re-planned schedules count as they
are today. Only invoices issued by D count.

The ages: not yet due (due after D), 0–30 days late, 31–60, 61–90, over 90. The total
reconciles to the open instalments: at today's date it equals, to the cent, what is left
to pay on them (``reconciliation_cents``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import BigInteger, Select, and_, case, cast, func, literal, select, union_all
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import Instalment, Invoice, Member, Payment, PaymentAllocation, WriteOff
from backoffice.private_files import whole_file
from backoffice.reports.accounting.aged_balance_file import AgedLine, write_aged_balance
from backoffice.services.errors import ServiceError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

BUCKETS = ("not_due", "days_0_30", "days_31_60", "days_61_90", "over_90")
REMAINING = Instalment.amount_cents - Instalment.paid_cents - Instalment.credited_cents
# Written as the partial indexes of open instalments are (``OPEN_INSTALMENT``), so that
# PostgreSQL reads only the open ones.
OPEN = Instalment.amount_cents > Instalment.paid_cents + Instalment.credited_cents


class AgedRow(NamedTuple):
    """A member's debt by age (a tuple: tens of thousands are built at once)."""

    member_id: int
    member_code: str
    member_name: str
    not_due_cents: int
    days_0_30_cents: int
    days_31_60_cents: int
    days_61_90_cents: int
    over_90_cents: int
    total_cents: int
    oldest_due_on: date

    @property
    def overdue_cents(self) -> int:
        return self.total_cents - self.not_due_cents


@dataclass(frozen=True)
class AgedBalance:
    on: date
    rows: list[AgedRow]
    totals: dict[str, int] = field(default_factory=dict)  # bucket -> cents
    reconciliation_cents: int | None = None  # open instalments now (when ``on`` is today)

    @property
    def total_cents(self) -> int:
        return sum(self.totals.values())


def _adjustments(on: date) -> Select:
    """What changed each instalment's debt after ``on`` (see the module)."""
    received_after = (
        select(
            PaymentAllocation.instalment_id.label("instalment_id"),
            PaymentAllocation.amount_cents.label("cents"),
        )
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(Payment.reversed_at.is_(None), Payment.received_on > on)
    )
    returned_after = (
        select(PaymentAllocation.instalment_id, -PaymentAllocation.amount_cents)
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(Payment.received_on <= on, Payment.reversed_on > on)
    )
    written_off_after = select(WriteOff.instalment_id, WriteOff.amount_cents).where(
        WriteOff.written_off_on > on
    )
    every = union_all(received_after, returned_after, written_off_after).subquery()
    cents = cast(func.sum(every.c.cents), BigInteger).label("cents")
    return select(every.c.instalment_id, cents).group_by(every.c.instalment_id)


def _owed(on: date, today: date) -> Select:
    """(member, due date, owed on ``on``) of each instalment owing something then."""
    live = and_(Instalment.superseded_at.is_(None), Invoice.issued_on <= on)
    if on >= today:  # nothing happened after: the open instalments as they are
        return (
            select(Invoice.member_id, Instalment.due_on, REMAINING.label("owed"))
            .join(Invoice, Invoice.id == Instalment.invoice_id)
            .where(live, OPEN)
        )
    changes = _adjustments(on).cte("changes")  # read once, used by both parts below
    owed = REMAINING + func.coalesce(changes.c.cents, 0)
    open_now = (
        select(Invoice.member_id, Instalment.due_on, owed.label("owed"))
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .outerjoin(changes, changes.c.instalment_id == Instalment.id)
        .where(live, OPEN)
    )
    settled_since = (
        select(Invoice.member_id, Instalment.due_on, owed.label("owed"))
        .select_from(changes)
        .join(Instalment, Instalment.id == changes.c.instalment_id)
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .where(live, ~OPEN)
    )
    return union_all(open_now, settled_since)  # type: ignore[return-value]


def _by_member(owed: Select, on: date) -> Select:
    """Per member: the five ages, the total, what is overdue and the oldest due date,
    summed as whole numbers (no Decimal to convert back)."""
    rows = owed.subquery()
    late = {
        "not_due": rows.c.due_on > on,
        "days_0_30": rows.c.due_on >= on - timedelta(days=30),
        "days_31_60": rows.c.due_on >= on - timedelta(days=60),
        "days_61_90": rows.c.due_on >= on - timedelta(days=90),
    }
    bucket = case(
        *((condition, literal(name)) for name, condition in late.items()), else_=literal("over_90")
    )
    aged = (
        select(rows.c.member_id, rows.c.due_on, rows.c.owed, bucket.label("bucket"))
        .where(rows.c.owed > 0)
        .subquery()
    )

    def total(value: object) -> object:
        return cast(func.sum(value), BigInteger)

    amounts = [
        total(case((aged.c.bucket == name, aged.c.owed), else_=0)).label(name) for name in BUCKETS
    ]
    overdue = total(case((aged.c.bucket != "not_due", aged.c.owed), else_=0)).label("overdue")
    return select(
        aged.c.member_id,
        *amounts,
        total(aged.c.owed).label("total"),
        overdue,
        func.min(aged.c.due_on).label("oldest"),
    ).group_by(aged.c.member_id)


def aged_balance(session: Session, actor: Actor, on: date | None = None) -> AgedBalance:
    """The aged balance at ``on`` (today by default), one row per member owing something,
    the largest overdue first."""
    require(session, actor, Permission.ACCOUNTING_VIEW)
    return compute(session, on)


def compute(session: Session, on: date | None = None) -> AgedBalance:
    """:func:`aged_balance` for a caller that checked its own permission."""
    today = clock.today()
    on = on or today
    grouped = _by_member(_owed(on, today), on).subquery()
    statement = (
        select(
            Member.id,
            Member.member_code,
            Member.legal_name,
            *(grouped.c[name] for name in BUCKETS),
            grouped.c.total,
            grouped.c.oldest,
        )
        .join(grouped, grouped.c.member_id == Member.id)
        .order_by(grouped.c.overdue.desc(), grouped.c.total.desc(), Member.member_code)
    )
    make = AgedRow._make
    rows = [make(row) for row in session.connection().execute(statement).fetchall()]
    sums = [0] * len(BUCKETS)
    for row in rows:
        for index, cents in enumerate(row[3:8]):
            sums[index] += cents
    totals = dict(zip(BUCKETS, sums, strict=True))
    reconciliation = open_instalments_cents(session) if on >= today else None
    return AgedBalance(on, rows, totals, reconciliation)


def _amounts(row: AgedRow) -> Iterable[int]:
    return row[3:8]


def open_instalments_cents(session: Session) -> int:
    """What is left to pay on all open instalments, summed independently of the ages."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(REMAINING), 0)).where(
                Instalment.superseded_at.is_(None), OPEN
            )
        )
        or 0
    )


def export_aged_balance(session: Session, actor: Actor, on: date | None, path: Path) -> AgedBalance:
    """Write the aged balance at ``on`` as an Excel workbook at ``path``."""
    if path.suffix.lower() != ".xlsx" or not path.parent.is_dir():
        raise ValidationFailed.single(
            "out",
            tr(
                "The aged balance is written to an .xlsx file in an existing folder: {path}.",
                path=str(path),
            ),
        )
    balance = aged_balance(session, actor, on)
    lines = (
        AgedLine(
            row.member_code,
            row.member_name,
            *_amounts(row),
            row.total_cents,
            row.oldest_due_on,
        )
        for row in balance.rows
    )
    totals = [*(balance.totals[name] for name in BUCKETS), balance.total_cents]
    try:
        with whole_file(path) as handle:
            write_aged_balance(handle, balance.on, lines, totals, balance.reconciliation_cents)
    except OSError as error:
        raise ServiceError(
            tr("The file {path} could not be written: {error}", path=str(path), error=error)
        ) from error
    return balance
