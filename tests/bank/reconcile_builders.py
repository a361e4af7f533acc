"""Bank entries as the import leaves them, for the reconciliation tests: one file and
statement per database, entries added straight (their import is tested elsewhere)."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.models.bank import (
    BankEntry,
    BankEntryKind,
    BankFile,
    BankFileFormat,
    BankMatchState,
    BankStatement,
)

ACCOUNT = "FR7610278030000002012340151"  # the demo service's account
_keys = itertools.count(1)


def statement(session: Session) -> BankStatement:
    found = session.scalar(select(BankStatement).order_by(BankStatement.id))
    if found is not None:
        return found
    file = BankFile(
        sha256=f"{next(_keys):064d}",
        file_name="releve.xml",
        format=BankFileFormat.CAMT053,
        variant="camt.053.001.08",
        imported_at=clock.now(),
        entry_count=0,
        new_count=0,
    )
    session.add(file)
    session.flush()
    created = BankStatement(file_id=file.id, account_iban=ACCOUNT, entry_count=0)
    session.add(created)
    session.flush()
    return created


def entry(
    session: Session,
    cents: int,
    *,
    text: str | None = None,
    name: str | None = None,
    iban: str | None = None,
    kind: BankEntryKind = BankEntryKind.TRANSFER,
    booked_on: date | None = None,
    reference: str | None = None,
    state: BankMatchState = BankMatchState.UNMATCHED,
) -> int:
    """An entry of the statement; its id."""
    owner = statement(session)
    created = BankEntry(
        dedup_key=f"{ACCOUNT}:{next(_keys)}",
        account_iban=ACCOUNT,
        file_id=owner.file_id,
        statement_id=owner.id,
        kind=kind,
        amount_cents=cents,
        booked_on=booked_on or clock.today(),
        value_on=booked_on or clock.today(),
        bank_reference=reference or f"REF{next(_keys):08d}",
        counterparty_name=name,
        counterparty_iban=iban,
        remittance=text,
        match_state=state,
    )
    session.add(created)
    session.flush()
    return created.id
