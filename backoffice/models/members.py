"""Member companies (*adhérents*) of the service.

The portal shows a member its record and lets it edit some fields; those edits never touch
this table directly: they arrive as change requests (``change_requests``) that the staff
approve, and are applied on their effective date. Fields the portal shows greyed
(legal name, SIRET, convocation contacts...) can only be changed here by staff.
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import BACKOFFICE, Base, Timestamped, Versioned, enum_column, writers
from backoffice.models.care_network import HealthProfessional, VisitCentre
from backoffice.text import fold


class MemberStatus(enum.StrEnum):
    ACTIVE = "active"
    CEASED = "ceased"  # cessation d'activité: no more billing, employees exited


class DocumentChannel(enum.StrEnum):
    """How the member receives its documents (invoices, notices, convocations…)."""

    EMAIL = "email"
    POST = "post"


class Member(Versioned, Timestamped, Base):
    __tablename__ = "members"
    __table_args__ = (
        CheckConstraint("length(siret) = 14", name="siret_length"),
        CheckConstraint("status <> 'ceased' OR ceased_on IS NOT NULL", name="ceased_has_date"),
        # The member list scans this covering index in name order, testing the search text
        # without touching the table (a quarter of the time of a table scan and sort).
        Index("ix_members_list", "legal_name", "id", "search_text"),
        Index("ix_members_postcode", "postcode"),
        writers(
            BACKOFFICE,
            "Member companies. Portal edits arrive as change requests, applied here by staff.",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_code: Mapped[str] = mapped_column(String(20), unique=True)  # login on the portal
    legal_name: Mapped[str] = mapped_column(String(200))  # raison sociale (greyed)
    trade_name: Mapped[str | None] = mapped_column(String(200))  # enseigne
    siret: Mapped[str] = mapped_column(String(14))
    naf_code: Mapped[str | None] = mapped_column(String(6))  # code APE, e.g. "4332A"
    status: Mapped[MemberStatus] = mapped_column(
        enum_column(MemberStatus, "member_status"), default=MemberStatus.ACTIVE, index=True
    )
    joined_on: Mapped[date]  # date d'adhésion (greyed)
    activity_started_on: Mapped[date | None]  # date de début d'activité
    ceased_on: Mapped[date | None]
    has_employees: Mapped[bool] = mapped_column(default=True)

    # Main address (adresse principale) and contacts: editable on the portal.
    address_line1: Mapped[str] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(100))
    country_code: Mapped[str] = mapped_column(String(2), default="FR")
    contact_name: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))

    # Billing address and contact: editable on the portal; empty means the main address.
    billing_name: Mapped[str | None] = mapped_column(String(200))
    billing_address_line1: Mapped[str | None] = mapped_column(String(200))
    billing_address_line2: Mapped[str | None] = mapped_column(String(200))
    billing_postcode: Mapped[str | None] = mapped_column(String(10))
    billing_city: Mapped[str | None] = mapped_column(String(100))
    billing_email: Mapped[str | None] = mapped_column(String(254))

    # Convocation contact: greyed on the portal ("contactez votre centre médical").
    convocation_contact_name: Mapped[str | None] = mapped_column(String(120))
    convocation_address_line1: Mapped[str | None] = mapped_column(String(200))
    convocation_address_line2: Mapped[str | None] = mapped_column(String(200))
    convocation_postcode: Mapped[str | None] = mapped_column(String(10))
    convocation_city: Mapped[str | None] = mapped_column(String(100))
    convocation_phone: Mapped[str | None] = mapped_column(String(30))
    convocation_email: Mapped[str | None] = mapped_column(String(254))

    # E-mail or post for each document sent to the member (the staff's choice per action
    # follows it by default).
    documents_by: Mapped[DocumentChannel] = mapped_column(
        enum_column(DocumentChannel, "document_channel"),
        default=DocumentChannel.EMAIL,
        server_default=DocumentChannel.EMAIL.value,
    )

    visit_centre_id: Mapped[int | None] = mapped_column(ForeignKey("visit_centres.id"), index=True)
    referent_professional_id: Mapped[int | None] = mapped_column(
        ForeignKey("health_professionals.id"), index=True
    )

    # Folded (unaccented, lower-case) name, code, SIRET, postcode and city: the member list
    # searches it with LIKE, identically on SQLite and PostgreSQL. Kept by a mapper event.
    search_text: Mapped[str] = mapped_column(String(600), default="")

    visit_centre: Mapped[VisitCentre | None] = relationship()
    referent_professional: Mapped[HealthProfessional | None] = relationship()

    @property
    def display_name(self) -> str:
        return self.trade_name or self.legal_name


# Fields the portal lets a member edit (through a change request). Everything else on
# ``members`` is greyed on the portal and changed by staff only.
PORTAL_EDITABLE_MEMBER_FIELDS: tuple[str, ...] = (
    "trade_name",
    "activity_started_on",
    "address_line1",
    "address_line2",
    "postcode",
    "city",
    "contact_name",
    "phone",
    "email",
    "billing_name",
    "billing_address_line1",
    "billing_address_line2",
    "billing_postcode",
    "billing_city",
    "billing_email",
)


def member_search_text(
    member_code: str, legal_name: str, trade_name: str | None, siret: str, postcode: str, city: str
) -> str:
    return " ".join(
        fold(part) for part in (member_code, legal_name, trade_name, siret, postcode, city) if part
    )


@event.listens_for(Member, "before_insert")
@event.listens_for(Member, "before_update")
def _refresh_search_text(_mapper: object, _connection: object, member: Member) -> None:
    member.search_text = member_search_text(
        member.member_code,
        member.legal_name,
        member.trade_name,
        member.siret,
        member.postcode,
        member.city,
    )
