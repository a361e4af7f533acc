"""What the bank tells us: the files imported, their statements and each entry once.

A file (camt.053, camt.054, CFONB 120, pain.002) is kept by its SHA-256: the same bytes
are never imported twice. Each of its statements (one account, one period, its opening
and closing balances) is recorded as read. Each *entry* — a movement on the service's
account — is stored once whatever the number of files that report it: ``dedup_key`` is
the account and the bank's own reference (``AcctSvcrRef``, the CFONB entry reference),
or, when the bank gives none, a hash of the entry's content (and its rank among identical
entries of its statement).

``amount_cents`` is signed: positive is money received (a transfer, our direct debits
credited), negative money out (a direct debit returned, bank fees). A pain.002 reject is
an entry of kind ``reject`` carrying the amount that was *not* collected (no money moved).

Matching (``match_state``): ``unmatched`` until the import or a staff member finds what it
is; ``matched`` when payments were recorded for it (``bank_entry_payments``: undoing a
match reverses them); ``returned`` when a return was applied (``bank_returns``);
``ignored`` when it is not ours to match (bank fees, interest), with a note.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import BACKOFFICE, Base, Versioned, enum_column, writers


class BankFileFormat(enum.StrEnum):
    CAMT053 = "camt.053"  # end-of-day statement (001.02, 001.08)
    CAMT054 = "camt.054"  # debit / credit notification
    CFONB120 = "cfonb120"  # relevé de compte CFONB 120 caractères
    PAIN002 = "pain.002"  # payment status report (rejects of a pain.008)


class BankEntryKind(enum.StrEnum):
    TRANSFER = "transfer"  # a credit transfer received (virement)
    COLLECTION = "collection"  # our direct debits credited (a batch, or one debit)
    RETURN = "return"  # a direct debit of ours returned after settlement (R-transaction)
    REJECT = "reject"  # pain.002: refused before settlement, no money moved
    CHEQUE = "cheque"  # a remittance of cheques credited
    OTHER_CREDIT = "other_credit"  # money in of no known kind
    DEBIT = "debit"  # money out: bank fees, interest, anything else


class BankMatchState(enum.StrEnum):
    UNMATCHED = "unmatched"
    MATCHED = "matched"  # payments recorded for it (bank_entry_payments)
    RETURNED = "returned"  # a return applied (bank_returns)
    IGNORED = "ignored"  # not ours to match (fees, interest), with a note


class BankFile(Base):
    __tablename__ = "bank_files"
    __table_args__ = (writers(BACKOFFICE, "Bank files imported (each content once)."),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    format: Mapped[BankFileFormat] = mapped_column(enum_column(BankFileFormat, "bank_file_format"))
    variant: Mapped[str | None] = mapped_column(String(30))  # "camt.053.001.08"
    imported_at: Mapped[datetime]
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    entry_count: Mapped[int]  # entries read
    new_count: Mapped[int]  # entries stored by this file (the others were known)


class BankStatement(Base):
    __tablename__ = "bank_statements"
    __table_args__ = (
        writers(BACKOFFICE, "Statements (one account, one period) read in the bank files."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("bank_files.id"), index=True)
    account_iban: Mapped[str] = mapped_column(String(34))
    identifier: Mapped[str | None] = mapped_column(String(35))  # Stmt/Id, Ntfctn/Id
    from_on: Mapped[date | None]
    to_on: Mapped[date | None]
    opening_cents: Mapped[int | None] = mapped_column(BigInteger)
    closing_cents: Mapped[int | None] = mapped_column(BigInteger)
    entry_count: Mapped[int]


class BankEntry(Versioned, Base):
    __tablename__ = "bank_entries"
    __table_args__ = (
        CheckConstraint("amount_cents <> 0", name="amount_not_zero"),
        Index(
            "ix_bank_entries_unmatched",
            "booked_on",
            sqlite_where=text("match_state = 'unmatched'"),
            postgresql_where=text("match_state = 'unmatched'"),
        ),
        Index("ix_bank_entries_batch", "batch_message_id"),
        Index("ix_bank_entries_end_to_end", "end_to_end_id"),
        writers(BACKOFFICE, "Each movement the bank reported, once, and what it was matched to."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(100), unique=True)
    account_iban: Mapped[str] = mapped_column(String(34))
    file_id: Mapped[int] = mapped_column(ForeignKey("bank_files.id"), index=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statements.id"), index=True)
    kind: Mapped[BankEntryKind] = mapped_column(enum_column(BankEntryKind, "bank_entry_kind"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)  # signed: + received, - paid out
    booked_on: Mapped[date]
    value_on: Mapped[date | None]
    bank_reference: Mapped[str | None] = mapped_column(String(35))  # AcctSvcrRef, CFONB ref
    bank_code: Mapped[str | None] = mapped_column(String(40))  # PMNT/RCDT/ESCT, CFONB "05"
    end_to_end_id: Mapped[str | None] = mapped_column(String(35))
    counterparty_name: Mapped[str | None] = mapped_column(String(140))
    counterparty_iban: Mapped[str | None] = mapped_column(String(34))
    counterparty_bic: Mapped[str | None] = mapped_column(String(11))
    remittance: Mapped[str | None] = mapped_column(String(500))  # unstructured, joined
    creditor_reference: Mapped[str | None] = mapped_column(String(35))  # structured (RF…)
    batch_message_id: Mapped[str | None] = mapped_column(String(35))  # our pain.008 MsgId
    batch_payment_info_id: Mapped[str | None] = mapped_column(String(35))  # its PmtInfId
    batch_count: Mapped[int | None]  # transactions in the batch, as the bank says
    return_code: Mapped[str | None] = mapped_column(String(4))  # ISO reason (AM04…)
    match_state: Mapped[BankMatchState] = mapped_column(
        enum_column(BankMatchState, "bank_match_state"), default=BankMatchState.UNMATCHED
    )
    match_rule: Mapped[str | None] = mapped_column(String(20))  # collection, reference, …
    matched_at: Mapped[datetime | None]
    matched_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    collection_id: Mapped[int | None] = mapped_column(ForeignKey("sepa_collections.id"))
    note: Mapped[str | None] = mapped_column(String(300))  # why ignored, staff's note

    statement: Mapped[BankStatement] = relationship()
    file: Mapped[BankFile] = relationship()


class BankEntryPayment(Base):
    """The payments a matched entry recorded (a collection credit: one per debit)."""

    __tablename__ = "bank_entry_payments"
    __table_args__ = (writers(BACKOFFICE, "Payments recorded by matching a bank entry."),)

    entry_id: Mapped[int] = mapped_column(ForeignKey("bank_entries.id"), primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payments.id"), primary_key=True, unique=True
    )


class BankReturn(Base):
    """A direct debit the bank returned or rejected, applied to its instalment. While
    ``cleared_at`` is empty the member is flagged (a payment incident to look at)."""

    __tablename__ = "bank_returns"
    __table_args__ = (
        UniqueConstraint("entry_id", "instalment_id"),
        writers(BACKOFFICE, "Direct-debit returns and rejects applied; open ones flag the member."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("bank_entries.id"))
    instalment_id: Mapped[int] = mapped_column(ForeignKey("instalments.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    code: Mapped[str] = mapped_column(String(4))
    returned_on: Mapped[date]
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    mandate_ended: Mapped[bool] = mapped_column(default=False)
    fee_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    cleared_at: Mapped[datetime | None]
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
