"""SEPA direct debit: mandates, pre-notifications and collection files.

A mandate is identified by its unique mandate reference (*RUM*, référence unique de mandat,
at most 35 characters); the service by its creditor identifier (*ICS*, identifiant
créancier SEPA), kept in the settings. A member with an active mandate gets the SEPA
discount on its annual contribution.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import BACKOFFICE, Base, Timestamped, Versioned, enum_column, writers
from backoffice.models.members import Member


class MandateStatus(enum.StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"
    LAPSED = "lapsed"  # not used for 36 months: caduc


class SepaMandate(Versioned, Timestamped, Base):
    __tablename__ = "sepa_mandates"
    __table_args__ = (
        Index(
            "uq_sepa_mandates_active_member",
            "member_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        # Half of each page free: a collection's update of its mandates stays on their
        # pages and out of the indexes (HOT updates; migration 19t).
        writers(BACKOFFICE, "Direct-debit mandates (one active per member).")
        | {"postgresql_with": {"fillfactor": 50}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    rum: Mapped[str] = mapped_column(String(35), unique=True)
    signed_on: Mapped[date]
    iban: Mapped[str] = mapped_column(String(34))
    bic: Mapped[str] = mapped_column(String(11))
    debtor_name: Mapped[str] = mapped_column(String(140))
    debtor_street: Mapped[str | None] = mapped_column(String(70))
    debtor_postcode: Mapped[str | None] = mapped_column(String(16))
    debtor_town: Mapped[str | None] = mapped_column(String(35))
    debtor_country: Mapped[str] = mapped_column(String(2), default="FR")
    email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[MandateStatus] = mapped_column(
        enum_column(MandateStatus, "mandate_status"), default=MandateStatus.ACTIVE
    )
    first_collected_on: Mapped[date | None]  # FRST before, RCUR after
    last_collected_on: Mapped[date | None]  # lapses 36 months after
    revoked_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    change_request_id: Mapped[int | None] = mapped_column(ForeignKey("change_requests.id"))

    member: Mapped[Member] = relationship()


class SepaPrenotification(Base):
    """The notice sent to a member before a debit: amounts, dates, RUM and ICS."""

    __tablename__ = "sepa_prenotifications"
    __table_args__ = (
        CheckConstraint("total_cents > 0", name="total_positive"),
        writers(BACKOFFICE, "Pre-notifications of direct debits sent to members."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("sepa_mandates.id"))
    collection_date: Mapped[date]
    notified_on: Mapped[date]
    channel: Mapped[str] = mapped_column(String(10))  # "letter" or "email"
    total_cents: Mapped[int] = mapped_column(BigInteger)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


class SepaCollection(Base):
    """A pain.008 file produced for the bank; the XML is kept for audit."""

    __tablename__ = "sepa_collections"
    __table_args__ = (
        CheckConstraint("transaction_count > 0 AND total_cents > 0", name="not_empty"),
        writers(BACKOFFICE, "Direct-debit files sent to the bank, kept whole."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(35), unique=True)
    collection_date: Mapped[date] = mapped_column(index=True)
    schema: Mapped[str] = mapped_column(String(20))  # "pain.008.001.08"
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    transaction_count: Mapped[int]
    total_cents: Mapped[int] = mapped_column(BigInteger)
    file_name: Mapped[str] = mapped_column(String(200))
    xml: Mapped[bytes] = mapped_column(LargeBinary)
    resent: Mapped[bool] = mapped_column(default=False)  # contains instalments sent before
