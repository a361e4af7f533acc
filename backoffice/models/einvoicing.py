"""Electronic invoices given to the approved platform (*plateforme agréée*) and the
lifecycle statuses it sends back.

One ``einvoices`` row per invoice or credit note deposited (its Factur-X written to the
platform's outbox), with its latest status; ``einvoice_events`` keeps every status with
its date, who or what reported it and why: the statuses of the French specification's
lifecycle (*cycle de vie*, CDV codes 200 to 213). A rejection (213) or a refusal by the
buyer (210) opens a task for the billing staff (``task_open``), closed when handled.
A payment recorded by the back-office produces the « encaissée » status (212) with its
amount, which the service reports for services taxed on receipt (``payment_id``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import BACKOFFICE, Base, Versioned, writers

DEPOSITED = 200
REFUSED = 210  # by the buyer
COLLECTED = 212  # encaissée: paid, reported by the seller
REJECTED = 213  # by the platform (not conforming)
STATUS_CODES = range(200, 214)
TASK_CODES = (REFUSED, REJECTED)


class EInvoice(Versioned, Base):
    __tablename__ = "einvoices"
    __table_args__ = (
        CheckConstraint("(invoice_id IS NULL) <> (credit_note_id IS NULL)", name="one_document"),
        CheckConstraint("status_code BETWEEN 200 AND 213", name="status_code_range"),
        Index("ix_einvoices_status", "status_code"),
        writers(BACKOFFICE, "Invoices and credit notes deposited with the e-invoicing platform."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), unique=True)
    credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("credit_notes.id"), unique=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # what statuses name
    file_name: Mapped[str] = mapped_column(String(120))
    deposited_at: Mapped[datetime]
    deposited_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    status_code: Mapped[int]
    status_at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(String(500))  # of the latest status
    task_open: Mapped[bool] = mapped_column(default=False, index=True)
    task_closed_at: Mapped[datetime | None]
    task_closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    events: Mapped[list[EInvoiceEvent]] = relationship(
        back_populates="einvoice", order_by="EInvoiceEvent.id"
    )


class EInvoiceEvent(Base):
    __tablename__ = "einvoice_events"
    __table_args__ = (
        CheckConstraint("code BETWEEN 200 AND 213", name="code_range"),
        Index("ix_einvoice_events_einvoice", "einvoice_id", "code", "happened_at"),
        # A payment is reported once per invoice it settled.
        UniqueConstraint("payment_id", "einvoice_id", name="uq_einvoice_events_payment"),
        writers(BACKOFFICE, "Every lifecycle status of a deposited invoice (history)."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    einvoice_id: Mapped[int] = mapped_column(ForeignKey("einvoices.id"))
    code: Mapped[int]
    happened_at: Mapped[datetime]  # as the platform (or the back-office) dates it
    recorded_at: Mapped[datetime]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    source: Mapped[str] = mapped_column(String(120))  # "outbox", the status file's name…
    reason: Mapped[str | None] = mapped_column(String(500))
    # The « encaissée » status of a payment: what was received, when, for this invoice.
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    received_on: Mapped[date | None]
    reported_at: Mapped[datetime | None]  # written to the outbox for the platform

    einvoice: Mapped[EInvoice] = relationship(back_populates="events")
