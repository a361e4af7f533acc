"""Payments received, their allocation to instalments, and payment reminders.

A payment settles the oldest due instalments first; what exceeds the debt stays on the
payment as the member's credit (``amount - allocated``).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import BACKOFFICE, Base, Versioned, enum_column, writers
from backoffice.models.invoices import Instalment, Invoice


class PaymentMethod(enum.StrEnum):
    TRANSFER = "transfer"  # virement
    CHEQUE = "cheque"
    CARD = "card"  # carte bancaire, on the portal
    DIRECT_DEBIT = "direct_debit"  # prélèvement SEPA


class Payment(Versioned, Base):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        # the debits received of one direct-debit file
        Index(
            "ix_payments_collection_id",
            "collection_id",
            sqlite_where=text("collection_id IS NOT NULL"),
            postgresql_where=text("collection_id IS NOT NULL"),
        ),
        writers(BACKOFFICE, "Payments received (card payments are recorded from the portal)."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod, "payment_method"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    received_on: Mapped[date]
    reference: Mapped[str | None] = mapped_column(String(80))  # cheque number, bank label...
    recorded_at: Mapped[datetime]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    collection_id: Mapped[int | None] = mapped_column(ForeignKey("sepa_collections.id"))
    # A bounced cheque or a returned direct debit: the payment stays, reversed; its
    # allocations no longer count and the instalments are unpaid again.
    reversed_at: Mapped[datetime | None]
    reversed_on: Mapped[date | None]  # the day the money went back (the bank's return date)
    reversed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    reversal_reason: Mapped[str | None] = mapped_column(String(200))

    allocations: Mapped[list[PaymentAllocation]] = relationship(
        back_populates="payment", cascade="all, delete-orphan"
    )
    invoice: Mapped[Invoice | None] = relationship()


class PaymentAllocation(Base):
    __tablename__ = "payment_allocations"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        writers(BACKOFFICE, "Which instalments each payment settled, and how much."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payments.id", ondelete="CASCADE"), index=True
    )
    instalment_id: Mapped[int] = mapped_column(ForeignKey("instalments.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)

    payment: Mapped[Payment] = relationship(back_populates="allocations")
    instalment: Mapped[Instalment] = relationship()


class PaymentReminder(Base):
    """A reminder letter (*relance*) sent for an overdue instalment."""

    __tablename__ = "payment_reminders"
    __table_args__ = (writers(BACKOFFICE, "Reminder letters sent for overdue instalments."),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instalment_id: Mapped[int] = mapped_column(ForeignKey("instalments.id"), index=True)
    level: Mapped[int] = mapped_column(default=1)  # 1st, 2nd reminder, formal notice
    sent_on: Mapped[date]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    amount_due_cents: Mapped[int] = mapped_column(BigInteger)
