"""The books: journal entries generated from what happened, period closures, exports.

An entry is written **at the event, in the event's transaction** (an invoice issued, a
payment recorded...), from the facts the service knows then; each event has at most one
entry (``source``, ``source_id`` is unique). An entry is never updated except once, when
its period is closed: it then receives its number in its journal and year (``sequence``,
gap-free, in date order) and its validation date. It is never deleted: a correction is a
new entry (a reversed payment has its own entry, mirroring the payment's).

Lines keep the account number and label as they were when posted, the member (the
auxiliary account) and, for the VAT lines, the invoice whose VAT they move: the VAT on
receipts of each invoice is followed to the cent.
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


class EntrySource(enum.StrEnum):
    """The kind of event an entry records."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"
    PAYMENT_REVERSAL = "payment_reversal"  # a bounced cheque, a returned direct debit
    COLLECTION = "collection"  # the bank credited debits of a file (by its first payment)
    WRITE_OFF = "write_off"  # a debt given up (créance irrécouvrable)


class LineKind(enum.StrEnum):
    """What a line's account stands for (the account number may change in the chart)."""

    CUSTOMER = "customer"
    SALES = "sales"
    DISCOUNT = "discount"
    CREDIT_NOTE = "credit_note"
    VAT_PENDING = "vat_pending"  # TVA sur encaissements à régulariser
    VAT_COLLECTED = "vat_collected"  # TVA collectée (due)
    RECEIPT = "receipt"  # where a payment arrives (bank, cheques or debits to cash)
    BANK = "bank"
    CLEARING = "clearing"  # direct debits to cash, cleared by the bank's credit
    WRITE_OFF = "write_off"
    BANK_FEES = "bank_fees"


class AccountingBooks(Versioned, Base):
    """The one row (id 1) saying up to which day the books are closed.

    Posting reads it under a shared lock, closing takes it exclusively: an entry is never
    dated in a period that a parallel transaction is closing.
    """

    __tablename__ = "accounting_books"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        writers(BACKOFFICE, "The closing state of the books (one row)."),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    closed_through: Mapped[date | None]


class AccountingClosure(Base):
    """A closing of the books through the last day of a month: the entries up to that day
    are numbered and validated; nothing can be dated in that period any more."""

    __tablename__ = "accounting_closures"
    __table_args__ = (writers(BACKOFFICE, "Closings of accounting periods (monthly)."),)

    id: Mapped[int] = mapped_column(primary_key=True)
    through_day: Mapped[date] = mapped_column(unique=True)
    closed_on: Mapped[date]  # the validation date of its entries
    closed_at: Mapped[datetime]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    entry_count: Mapped[int]


class JournalExport(Base):
    """A journal export given to the accounting software (CSV or Excel); its entries point
    to it, so that the next export carries only the new ones."""

    __tablename__ = "journal_exports"
    __table_args__ = (writers(BACKOFFICE, "Journal exports for the accounting software."),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exported_at: Mapped[datetime]
    exported_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    date_from: Mapped[date]
    date_to: Mapped[date]
    file_format: Mapped[str] = mapped_column(String(10))  # "csv" or "xlsx"
    file_name: Mapped[str] = mapped_column(String(260))
    entry_count: Mapped[int]
    debit_cents: Mapped[int] = mapped_column(BigInteger)


class JournalEntry(Base):
    __tablename__ = "journal_entries"
    __table_args__ = (
        UniqueConstraint("source", "source_id"),
        UniqueConstraint("journal", "fiscal_year", "sequence"),
        CheckConstraint(
            "(sequence IS NULL) = (validated_on IS NULL)", name="numbered_when_validated"
        ),
        Index("ix_journal_entries_entry_date", "entry_date"),
        # Drafts (not yet numbered) are few: what the next closing numbers.
        Index(
            "ix_journal_entries_drafts",
            "journal",
            "entry_date",
            sqlite_where=text("sequence IS NULL"),
            postgresql_where=text("sequence IS NULL"),
        ),
        writers(BACKOFFICE, "Journal entries, one per accounting event; numbered when closed."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    journal: Mapped[str] = mapped_column(String(10))  # JournalCode, e.g. "VT"
    journal_label: Mapped[str] = mapped_column(String(100))
    fiscal_year: Mapped[int]
    sequence: Mapped[int | None]  # number in the journal and year, given at closing
    entry_date: Mapped[date]  # EcritureDate: the event's day (or the first open day)
    piece_ref: Mapped[str] = mapped_column(String(40))
    piece_date: Mapped[date]  # the event's own day
    label: Mapped[str] = mapped_column(String(200))
    source: Mapped[EntrySource] = mapped_column(enum_column(EntrySource, "entry_source"))
    source_id: Mapped[int]
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    posted_at: Mapped[datetime]
    validated_on: Mapped[date | None]  # ValidDate: the closing's day
    closure_id: Mapped[int | None] = mapped_column(ForeignKey("accounting_closures.id"))
    export_id: Mapped[int | None] = mapped_column(ForeignKey("journal_exports.id"))

    lines: Mapped[list[JournalLine]] = relationship(
        back_populates="entry", order_by="JournalLine.position"
    )

    @property
    def number(self) -> str | None:
        if self.sequence is None:
            return None
        return entry_number(self.journal, self.fiscal_year, self.sequence)


def entry_number(journal: str, fiscal_year: int, sequence: int) -> str:
    """``VT-2027-000123``: EcritureNum, continuous per journal and year."""
    return f"{journal}-{fiscal_year}-{sequence:06d}"


class JournalLine(Base):
    __tablename__ = "journal_lines"
    __table_args__ = (
        UniqueConstraint("entry_id", "position"),
        CheckConstraint(
            "debit_cents >= 0 AND credit_cents >= 0 AND (debit_cents = 0) <> (credit_cents = 0)",
            name="one_side",
        ),
        # The VAT still pending on an invoice, read when a payment settles it.
        Index(
            "ix_journal_lines_invoice_kind",
            "invoice_id",
            "kind",
            sqlite_where=text("invoice_id IS NOT NULL"),
            postgresql_where=text("invoice_id IS NOT NULL"),
        ),
        writers(BACKOFFICE, "The debit and credit lines of each journal entry."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"))
    position: Mapped[int]
    kind: Mapped[LineKind] = mapped_column(enum_column(LineKind, "line_kind"))
    account: Mapped[str] = mapped_column(String(20))  # CompteNum
    account_label: Mapped[str] = mapped_column(String(100))  # CompteLib
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))  # CompAux
    label: Mapped[str | None] = mapped_column(String(200))  # else the entry's label
    debit_cents: Mapped[int] = mapped_column(BigInteger)
    credit_cents: Mapped[int] = mapped_column(BigInteger)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    vat_rate_bp: Mapped[int | None]
    vat_base_cents: Mapped[int | None] = mapped_column(BigInteger)  # VAT lines: the base HT

    entry: Mapped[JournalEntry] = relationship(back_populates="lines")


class WriteOff(Base):
    """A debt given up (*créance irrécouvrable*): what was left to pay on an instalment,
    taken off it (``credited_cents``) and booked as a loss."""

    __tablename__ = "write_offs"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        writers(BACKOFFICE, "Debts written off as losses, per instalment."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instalment_id: Mapped[int] = mapped_column(ForeignKey("instalments.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    written_off_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
