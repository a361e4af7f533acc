"""Changes submitted on the portal, waiting for the staff's review.

The portal writes one ``change_requests`` row and one ``change_request_fields`` row per
field it wants changed, with the value it showed the member (``shown_value``) and the
value submitted. Staff approve or reject each field; approved fields are applied to the
member's record on ``effective_on`` (the next day by default).
Values are text: dates ISO ``YYYY-MM-DD``, lists comma-separated, booleans ``true``/``false``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import (
    BACKOFFICE,
    BOTH,
    PORTAL,
    Base,
    Versioned,
    enum_column,
    writers,
    written_by,
)
from backoffice.models.employees import Employee
from backoffice.models.members import PORTAL_EDITABLE_MEMBER_FIELDS, Member
from backoffice.models.portal_accounts import PortalAccount


class ChangeKind(enum.StrEnum):
    COMPANY_RECORD = "company_record"  # address, contacts, phone, email, dates
    SITUATION = "situation"  # cessation of activity, no more employees
    SEPA_OPT_IN = "sepa_opt_in"  # IBAN, BIC, email
    EMPLOYEE_ADDED = "employee_added"
    EMPLOYEE_EXITED = "employee_exited"
    EMPLOYEE_UPDATED = "employee_updated"  # PCS code, job, risk factors → category


# The fields the portal may submit for each kind of change (the contract with the portal).
SUBMITTABLE_FIELDS: dict[ChangeKind, tuple[str, ...]] = {
    ChangeKind.COMPANY_RECORD: PORTAL_EDITABLE_MEMBER_FIELDS,
    # situation: "cessation" (cessation d'activité) or "no_employees" (plus de salarié)
    ChangeKind.SITUATION: ("situation", "situation_date"),
    ChangeKind.SEPA_OPT_IN: ("iban", "bic", "email"),
    ChangeKind.EMPLOYEE_ADDED: (
        "civility",
        "last_name",
        "first_name",
        "birth_date",
        "pcs_code",
        "job_title",
        "hired_on",
        "risk_factors",
        "follow_up_category",
    ),
    ChangeKind.EMPLOYEE_EXITED: ("exited_on", "exit_reason"),
    ChangeKind.EMPLOYEE_UPDATED: ("pcs_code", "job_title", "risk_factors", "follow_up_category"),
}
SITUATIONS = ("cessation", "no_employees")


class ChangeStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"  # every field approved; applied on effective_on
    PARTIALLY_APPROVED = "partially_approved"  # some fields approved, the others rejected
    REJECTED = "rejected"
    DUPLICATE = "duplicate"  # the same request was submitted again; the first one counts
    WITHDRAWN = "withdrawn"  # cancelled by the member before review


class FieldDecision(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ChangeRequest(Versioned, Base):
    __tablename__ = "change_requests"
    __table_args__ = (
        Index("ix_change_requests_status_submitted", "status", "submitted_at"),
        Index("ix_change_requests_due", "effective_on", "applied_at"),
        writers(BOTH, "Changes submitted on the portal and their review."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ChangeKind] = mapped_column(
        enum_column(ChangeKind, "change_kind"), info=written_by(PORTAL)
    )
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True, info=written_by(PORTAL)
    )
    member_code: Mapped[str] = mapped_column(
        String(20), info=written_by(PORTAL, "kept so that a request outlives its member")
    )
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"),
        index=True,
        info=written_by(PORTAL, "the employee concerned; NULL for an addition until applied"),
    )
    employee_label: Mapped[str | None] = mapped_column(
        String(200), info=written_by(PORTAL, "employee's name as the portal showed it")
    )
    submitted_at: Mapped[datetime] = mapped_column(info=written_by(PORTAL))
    submitted_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("portal_accounts.id", ondelete="SET NULL"),
        info=written_by(PORTAL, "member's own account or an accounting firm's"),
    )
    member_version_seen: Mapped[int | None] = mapped_column(
        info=written_by(PORTAL, "members.version when the member opened the form")
    )
    comment: Mapped[str | None] = mapped_column(Text, info=written_by(PORTAL))
    fingerprint: Mapped[str] = mapped_column(
        String(64),
        index=True,
        info=written_by(PORTAL, "sha256 of member, kind, employee and submitted values"),
    )
    status: Mapped[ChangeStatus] = mapped_column(
        enum_column(ChangeStatus, "change_status"),
        default=ChangeStatus.PENDING,
        info=written_by(BOTH, "portal inserts 'pending' or sets 'withdrawn'; staff decide"),
    )
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_requests.id"), info=written_by(BACKOFFICE)
    )
    claimed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id"), info=written_by(BACKOFFICE, "staff member reviewing it now")
    )
    claimed_at: Mapped[datetime | None] = mapped_column(info=written_by(BACKOFFICE))
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id"), info=written_by(BACKOFFICE)
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(info=written_by(BACKOFFICE))
    rejection_reason: Mapped[str | None] = mapped_column(
        Text, info=written_by(BACKOFFICE, "shown to the member on the portal")
    )
    effective_on: Mapped[date | None] = mapped_column(info=written_by(BACKOFFICE))
    applied_at: Mapped[datetime | None] = mapped_column(info=written_by(BACKOFFICE))

    fields: Mapped[list[ChangeRequestField]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="ChangeRequestField.position",
    )
    member: Mapped[Member | None] = relationship()
    employee: Mapped[Employee | None] = relationship()
    submitted_by: Mapped[PortalAccount | None] = relationship()


class ChangeRequestField(Base):
    __tablename__ = "change_request_fields"
    __table_args__ = (
        UniqueConstraint("request_id", "field_name"),
        writers(BOTH, "One submitted field of a change request and its decision."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("change_requests.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0, info=written_by(PORTAL))
    field_name: Mapped[str] = mapped_column(String(60), info=written_by(PORTAL))
    shown_value: Mapped[str | None] = mapped_column(
        Text, info=written_by(PORTAL, "the value the portal displayed when the member edited")
    )
    submitted_value: Mapped[str | None] = mapped_column(Text, info=written_by(PORTAL))
    decision: Mapped[FieldDecision] = mapped_column(
        enum_column(FieldDecision, "field_decision"),
        default=FieldDecision.PENDING,
        info=written_by(BACKOFFICE),
    )
    decision_reason: Mapped[str | None] = mapped_column(
        Text, info=written_by(BACKOFFICE, "shown to the member when the field is rejected")
    )
    value_at_review: Mapped[str | None] = mapped_column(
        Text, info=written_by(BACKOFFICE, "record's value when approved (audit, conflicts)")
    )

    request: Mapped[ChangeRequest] = relationship(back_populates="fields")


def encode_value(value: object) -> str | None:
    """A record's value as the text stored in ``shown_value`` / ``submitted_value``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(sorted(str(item) for item in value))
    return str(value)


def change_fingerprint(
    member_code: str, kind: str, employee_id: int | None, submitted: dict[str, str | None]
) -> str:
    """Identifies a request by what it asks, to detect the same request submitted twice."""
    import hashlib

    parts = [member_code, kind, str(employee_id or "")]
    parts += [f"{name}={submitted[name] or ''}" for name in sorted(submitted)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
