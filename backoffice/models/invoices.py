"""Invoices, their lines and their instalment schedule (*échéancier*).

An invoice row exists only once issued: its number is taken from ``number_counters`` in the
issuing transaction. An issued invoice is never edited nor deleted; it is corrected by a
credit note (*avoir*), which reduces the unpaid instalments (``credited_cents``).
Amounts are integer cents; ``total_ttc = total_ht - discount + vat`` is checked by the
database.
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
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import (
    BACKOFFICE,
    BOTH,
    Base,
    Versioned,
    enum_column,
    writers,
    written_by,
)
from backoffice.models.employees import FollowUpCategory
from backoffice.models.members import Member
from backoffice.references import creditor_reference


class InvoiceKind(enum.StrEnum):
    ANNUAL = "annual"  # cotisation annuelle, from the workforce declaration
    REGULARISATION = "regularisation"  # hires after the declaration
    JOINING_FEE = "joining_fee"  # droit d'entrée
    QUARTERLY = "quarterly"  # cotisation trimestrielle
    NO_SHOW = "no_show"  # absence non excusée à une visite
    RETURN_FEE = "return_fee"  # frais de rejet de prélèvement refacturés


class SepaState(enum.StrEnum):
    NONE = "none"
    PRENOTIFIED = "prenotified"
    SENT = "sent"  # in a pain.008 file given to the bank
    REJECTED = "rejected"  # returned by the bank (R-transaction)


class BillingCampaign(Base):
    """One run of the annual invoicing for a year (who issued it, how much)."""

    __tablename__ = "billing_campaigns"
    __table_args__ = (writers(BACKOFFICE, "Runs of the annual invoicing campaign."),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    issued_at: Mapped[datetime]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    invoice_count: Mapped[int]
    total_ttc_cents: Mapped[int] = mapped_column(BigInteger)


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (
        CheckConstraint(
            "total_ht_cents >= 0 AND discount_cents >= 0 AND vat_cents >= 0"
            " AND total_ttc_cents >= 0",
            name="amounts_positive",
        ),
        CheckConstraint(
            "total_ttc_cents = total_ht_cents - discount_cents + vat_cents", name="totals_add_up"
        ),
        # The campaign bills a member once per year, however often it is run.
        Index(
            "uq_invoices_annual_member_year",
            "member_id",
            "year",
            unique=True,
            sqlite_where=text("kind = 'annual'"),
            postgresql_where=text("kind = 'annual'"),
        ),
        Index("ix_invoices_member_issued", "member_id", "issued_on"),
        writers(BACKOFFICE, "Issued invoices (never updated, never deleted)."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[InvoiceKind] = mapped_column(enum_column(InvoiceKind, "invoice_kind"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    year: Mapped[int] = mapped_column(index=True)
    period_label: Mapped[str] = mapped_column(String(60))  # "Année 2027", "2e trimestre 2027"
    period_start: Mapped[date]
    period_end: Mapped[date]
    issued_on: Mapped[date]
    issued_at: Mapped[datetime]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("billing_campaigns.id"))
    tariff_id: Mapped[int | None] = mapped_column(ForeignKey("tariffs.id"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    total_ht_cents: Mapped[int] = mapped_column(BigInteger)
    discount_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # SEPA discount, HT
    discount_rate_bp: Mapped[int] = mapped_column(default=0)
    vat_rate_bp: Mapped[int]
    vat_cents: Mapped[int] = mapped_column(BigInteger)
    total_ttc_cents: Mapped[int] = mapped_column(BigInteger)
    pays_by_direct_debit: Mapped[bool] = mapped_column(default=False)
    # The billing address as it was on the day of issue (an invoice never changes).
    billing_name: Mapped[str] = mapped_column(String(200))
    billing_address_line1: Mapped[str] = mapped_column(String(200))
    billing_address_line2: Mapped[str | None] = mapped_column(String(200))
    billing_postcode: Mapped[str] = mapped_column(String(10))
    billing_city: Mapped[str] = mapped_column(String(100))
    # ISO 11649 structured creditor reference made from the number (``RF78FA2027000123``,
    # ``backoffice.references``): printed on the invoice for transfers, carried in the
    # direct debits' remittance information, read back from bank statements.
    creditor_reference: Mapped[str] = mapped_column(
        String(25),
        unique=True,
        info=written_by(BACKOFFICE, "derived from the number when the invoice is issued"),
    )

    member: Mapped[Member] = relationship()
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="InvoiceLine.position"
    )
    instalments: Mapped[list[Instalment]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="Instalment.position"
    )


@event.listens_for(Invoice, "before_insert")
def _derive_creditor_reference(_mapper: object, _connection: object, invoice: Invoice) -> None:
    """Rows written in bulk set it themselves; an invoice added as an object gets it here."""
    if not invoice.creditor_reference:
        invoice.creditor_reference = creditor_reference(invoice.number)


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"
    __table_args__ = (
        UniqueConstraint("invoice_id", "position"),
        CheckConstraint(
            "quantity >= 0 AND unit_price_cents >= 0 AND amount_cents >= 0", name="amounts_positive"
        ),
        writers(BACKOFFICE, "Lines of an invoice (HT)."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))
    category: Mapped[FollowUpCategory | None] = mapped_column(
        enum_column(FollowUpCategory, "line_category")
    )
    quantity: Mapped[int]
    unit_price_cents: Mapped[int]
    amount_cents: Mapped[int] = mapped_column(BigInteger)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


OPEN_INSTALMENT = "superseded_at IS NULL AND amount_cents > paid_cents + credited_cents"


class Instalment(Versioned, Base):
    """One due date of an invoice's schedule (*échéance*).

    What remains to pay is ``amount - paid - credited``. A re-planned instalment is kept,
    marked ``superseded_at``, and replaced by new ones for its unpaid part.
    """

    __tablename__ = "instalments"
    __table_args__ = (
        UniqueConstraint("invoice_id", "position"),
        CheckConstraint(
            "amount_cents >= 0 AND paid_cents >= 0 AND credited_cents >= 0"
            " AND paid_cents + credited_cents <= amount_cents",
            name="amounts_consistent",
        ),
        Index("ix_instalments_due_on", "due_on"),
        # Open (unsettled, current) instalments are a small part of all: partial indexes
        # give the planner their true number, for "members with overdue instalments",
        # the overdue list and the dashboard.
        Index(
            "ix_instalments_open_invoice",
            "invoice_id",
            sqlite_where=text(OPEN_INSTALMENT),
            postgresql_where=text(OPEN_INSTALMENT),
        ),
        Index(
            "ix_instalments_open_due",
            "due_on",
            sqlite_where=text(OPEN_INSTALMENT),
            postgresql_where=text(OPEN_INSTALMENT),
        ),
        # the debits of one direct-debit file (its settlement, its returns, its screen)
        Index(
            "ix_instalments_collection_id",
            "collection_id",
            sqlite_where=text("collection_id IS NOT NULL"),
            postgresql_where=text("collection_id IS NOT NULL"),
        ),
        writers(BACKOFFICE, "The schedule of each invoice; the portal shows it."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    position: Mapped[int]
    due_on: Mapped[date]
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    paid_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    credited_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    superseded_at: Mapped[datetime | None]
    sepa_state: Mapped[SepaState] = mapped_column(
        enum_column(SepaState, "sepa_state"), default=SepaState.NONE
    )
    prenotification_id: Mapped[int | None] = mapped_column(ForeignKey("sepa_prenotifications.id"))
    collection_id: Mapped[int | None] = mapped_column(ForeignKey("sepa_collections.id"))
    end_to_end_id: Mapped[str | None] = mapped_column(String(35), unique=True)
    rejection_code: Mapped[str | None] = mapped_column(String(4))  # ISO reason, e.g. AM04
    card_payment_reference: Mapped[str | None] = mapped_column(
        String(60), info=written_by(BOTH, "set by the portal's card payment page")
    )

    invoice: Mapped[Invoice] = relationship(back_populates="instalments")

    @property
    def remaining_cents(self) -> int:
        return self.amount_cents - self.paid_cents - self.credited_cents


class CreditNote(Base):
    """*Avoir*: cancels all or part of an issued invoice, with its own number series."""

    __tablename__ = "credit_notes"
    __table_args__ = (
        CheckConstraint(
            "total_ht_cents >= 0 AND vat_cents >= 0 AND total_ttc_cents > 0",
            name="amounts_positive",
        ),
        CheckConstraint("total_ttc_cents = total_ht_cents + vat_cents", name="totals_add_up"),
        writers(BACKOFFICE, "Credit notes (avoirs), never updated nor deleted."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    issued_on: Mapped[date]
    issued_at: Mapped[datetime]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    reason: Mapped[str] = mapped_column(String(300))
    is_full: Mapped[bool]
    total_ht_cents: Mapped[int] = mapped_column(BigInteger)
    vat_cents: Mapped[int] = mapped_column(BigInteger)
    total_ttc_cents: Mapped[int] = mapped_column(BigInteger)

    invoice: Mapped[Invoice] = relationship()


class NumberCounter(Base):
    """The last number given in a series (e.g. ``invoice-2027``).

    Numbers are taken with ``SELECT ... FOR UPDATE`` in the issuing transaction: a rolled
    back issue gives its number back, so the series has no gap (a database sequence would).
    """

    __tablename__ = "number_counters"
    __table_args__ = (
        CheckConstraint("last_number >= 0", name="last_number_positive"),
        writers(BACKOFFICE, "Gap-free counters for invoice and credit-note numbers."),
    )

    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
