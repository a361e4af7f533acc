"""What is left to reconcile, and the month's progress (read only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from backoffice.models.bank import BankEntry, BankEntryKind, BankFile, BankMatchState
from backoffice.services.permissions import Actor, Permission, require


@dataclass(frozen=True)
class UnmatchedRow:
    id: int
    version: int
    kind: BankEntryKind
    booked_on: date
    amount_cents: int
    counterparty_name: str | None
    counterparty_iban: str | None
    remittance: str | None
    creditor_reference: str | None
    return_code: str | None
    file_name: str


@dataclass(frozen=True)
class MonthProgress:
    matched: int
    unmatched: int
    unmatched_cents: int  # signed sum of what is left
    matched_cents: int


def unmatched(session: Session, actor: Actor, *, limit: int | None = None) -> list[UnmatchedRow]:
    """The entries left to reconcile, oldest first."""
    require(actor, Permission.BILLING_VIEW)
    statement = (
        select(
            BankEntry.id,
            BankEntry.version,
            BankEntry.kind,
            BankEntry.booked_on,
            BankEntry.amount_cents,
            BankEntry.counterparty_name,
            BankEntry.counterparty_iban,
            BankEntry.remittance,
            BankEntry.creditor_reference,
            BankEntry.return_code,
            BankFile.file_name,
        )
        .join(BankFile, BankFile.id == BankEntry.file_id)
        .where(BankEntry.match_state == BankMatchState.UNMATCHED)
        .order_by(BankEntry.booked_on, BankEntry.id)
    )
    if limit is not None:
        statement = statement.limit(limit)
    return [UnmatchedRow(*row) for row in session.execute(statement)]


def month_progress(
    session: Session, actor: Actor, first_day: date, last_day: date
) -> MonthProgress:
    """Entries booked in the period: how many are done (matched, returned, set aside) and
    how many, for how much, are left."""
    require(actor, Permission.BILLING_VIEW)
    left = BankEntry.match_state == BankMatchState.UNMATCHED
    row = session.execute(
        select(
            func.coalesce(func.sum(case((left, 0), else_=1)), 0),
            func.coalesce(func.sum(case((left, 1), else_=0)), 0),
            func.coalesce(func.sum(case((left, BankEntry.amount_cents), else_=0)), 0),
            func.coalesce(func.sum(case((left, 0), else_=BankEntry.amount_cents)), 0),
        ).where(BankEntry.booked_on >= first_day, BankEntry.booked_on <= last_day)
    ).one()
    return MonthProgress(int(row[0]), int(row[1]), int(row[2]), int(row[3]))
