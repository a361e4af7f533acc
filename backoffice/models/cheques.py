"""Cheque remittance slips (*bordereaux de remise de chèques*).

The cheques received are listed on a numbered slip handed to the bank with them; each
cheque on a slip is a payment recorded (method cheque). The bank credits the slip's total
as one line of its statement, which is matched to the slip, never paid twice.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import BACKOFFICE, Base, writers


class ChequeRemittance(Base):
    """One slip: its gap-free number (``RC-2027-000001``), the day the cheques are handed
    to the bank, the account credited, and its total (the statement's line)."""

    __tablename__ = "cheque_remittances"
    __table_args__ = (
        CheckConstraint("total_cents > 0 AND cheque_count > 0", name="not_empty"),
        writers(BACKOFFICE, "Cheque remittance slips handed to the bank."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    deposited_on: Mapped[date] = mapped_column(index=True)
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("service_bank_accounts.id"))
    cheque_count: Mapped[int]
    total_cents: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # The statement's line of the slip's total, once found (by the import or by hand).
    bank_entry_id: Mapped[int | None] = mapped_column(ForeignKey("bank_entries.id"), unique=True)

    items: Mapped[list[ChequeRemittanceItem]] = relationship(
        back_populates="remittance",
        cascade="all, delete-orphan",
        order_by="ChequeRemittanceItem.position",
    )


class ChequeRemittanceItem(Base):
    """A cheque on a slip, and the payment it recorded (a payment is on one slip only)."""

    __tablename__ = "cheque_remittance_items"
    __table_args__ = (
        UniqueConstraint("remittance_id", "position"),
        UniqueConstraint("payment_id"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        writers(BACKOFFICE, "The cheques of each remittance slip."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    remittance_id: Mapped[int] = mapped_column(
        ForeignKey("cheque_remittances.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    drawer_bank: Mapped[str] = mapped_column(String(80))  # the bank the cheque is drawn on
    cheque_number: Mapped[str] = mapped_column(String(20))
    amount_cents: Mapped[int] = mapped_column(BigInteger)

    remittance: Mapped[ChequeRemittance] = relationship(back_populates="items")
