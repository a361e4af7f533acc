"""What is left to reconcile, as the command line lists it (the screen reads
``reconcile.entries``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
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


def unmatched(session: Session, actor: Actor, *, limit: int | None = None) -> list[UnmatchedRow]:
    """The entries left to reconcile, oldest first."""
    require(session, actor, Permission.BILLING_VIEW)
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
