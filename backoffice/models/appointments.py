"""Visit types, appointment requests from the portal, appointments and agenda blocks.

Appointment times are instants (UTC in the database); the agenda shows them in the
service's time zone. Two active appointments of the same professional, or of the same
employee, never overlap: the booking service checks it under a row lock, and on
PostgreSQL an exclusion constraint enforces it as well.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, func, text
from sqlalchemy.dialects.postgresql import ExcludeConstraint
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
from backoffice.models.care_network import HealthProfessional, VisitCentre
from backoffice.models.employees import Employee
from backoffice.models.members import Member


class VisitType(Base):
    """VIP (visite d'information et de prévention), SIR hiring exam, periodic visit,
    reprise (return to work), pré-reprise (before return), visit on request."""

    __tablename__ = "visit_types"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        writers(BACKOFFICE, "Kinds of visit and their usual length."),
    )

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    duration_minutes: Mapped[int]
    is_hiring_visit: Mapped[bool] = mapped_column(default=False)
    by_doctor_only: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)


class AppointmentStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    ABSENT = "absent"  # no-show, may be billed
    EXCUSED = "excused"  # absent with a valid excuse


ACTIVE_APPOINTMENT_STATUSES = ("confirmed", "attended", "absent", "excused")


class Appointment(Versioned, Base):
    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="starts_before_end"),
        Index("ix_appointments_professional_start", "professional_id", "starts_at"),
        Index("ix_appointments_centre_start", "centre_id", "starts_at"),
        Index("ix_appointments_employee_start", "employee_id", "starts_at"),
        ExcludeConstraint(
            ("professional_id", "="),
            (func.tstzrange(text("starts_at"), text("ends_at")), "&&"),
            name="ex_appointments_professional_overlap",
            using="gist",
            where=text("status <> 'cancelled'"),
        ).ddl_if(dialect="postgresql"),
        ExcludeConstraint(
            ("employee_id", "="),
            (func.tstzrange(text("starts_at"), text("ends_at")), "&&"),
            name="ex_appointments_employee_overlap",
            using="gist",
            where=text("status <> 'cancelled'"),
        ).ddl_if(dialect="postgresql"),
        writers(BACKOFFICE, "Appointments booked by the medical assistants; read by the portal."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    professional_id: Mapped[int] = mapped_column(ForeignKey("health_professionals.id"))
    centre_id: Mapped[int] = mapped_column(ForeignKey("visit_centres.id"))
    visit_type_code: Mapped[str] = mapped_column(ForeignKey("visit_types.code"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[AppointmentStatus] = mapped_column(
        enum_column(AppointmentStatus, "appointment_status"), default=AppointmentStatus.CONFIRMED
    )
    request_id: Mapped[int | None] = mapped_column(ForeignKey("appointment_requests.id"))
    booked_at: Mapped[datetime]
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    cancelled_at: Mapped[datetime | None]
    cancellation_reason: Mapped[str | None] = mapped_column(String(300))
    outcome_recorded_at: Mapped[datetime | None]
    outcome_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    note: Mapped[str | None] = mapped_column(Text)  # internal note, not shown to the member

    member: Mapped[Member] = relationship()
    employee: Mapped[Employee] = relationship()
    professional: Mapped[HealthProfessional] = relationship()
    centre: Mapped[VisitCentre] = relationship()
    visit_type: Mapped[VisitType] = relationship()


class RequestKind(enum.StrEnum):
    BOOKING = "booking"  # demande de rendez-vous
    CANCELLATION = "cancellation"  # demande d'annulation


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # withdrawn by the member on the portal


class AppointmentRequest(Versioned, Base):
    __tablename__ = "appointment_requests"
    __table_args__ = (
        Index("ix_appointment_requests_status_submitted", "status", "submitted_at"),
        CheckConstraint(
            "kind <> 'cancellation' OR appointment_id IS NOT NULL",
            name="cancellation_names_appointment",
        ),
        writers(BOTH, "Requests from the portal to book or cancel a visit, and their answer."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RequestKind] = mapped_column(
        enum_column(RequestKind, "request_kind"), info=written_by(PORTAL)
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id"), index=True, info=written_by(PORTAL)
    )
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id"), info=written_by(PORTAL)
    )
    visit_type_code: Mapped[str | None] = mapped_column(
        ForeignKey("visit_types.code"), info=written_by(PORTAL)
    )
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", use_alter=True),
        info=written_by(BOTH, "portal: the appointment to cancel; staff: the one booked"),
    )
    wished_from: Mapped[date | None] = mapped_column(info=written_by(PORTAL))
    wished_to: Mapped[date | None] = mapped_column(info=written_by(PORTAL))
    comment: Mapped[str | None] = mapped_column(Text, info=written_by(PORTAL))
    submitted_at: Mapped[datetime] = mapped_column(info=written_by(PORTAL))
    submitted_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("portal_accounts.id", ondelete="SET NULL"), info=written_by(PORTAL)
    )
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus, "request_status"),
        default=RequestStatus.PENDING,
        info=written_by(BOTH),
    )
    decided_at: Mapped[datetime | None] = mapped_column(info=written_by(BACKOFFICE))
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id"), info=written_by(BACKOFFICE)
    )
    refusal_reason: Mapped[str | None] = mapped_column(
        Text, info=written_by(BACKOFFICE, "shown to the member on the portal")
    )
    claimed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id"), info=written_by(BACKOFFICE)
    )
    claimed_at: Mapped[datetime | None] = mapped_column(info=written_by(BACKOFFICE))

    member: Mapped[Member] = relationship()
    employee: Mapped[Employee | None] = relationship()
    visit_type: Mapped[VisitType | None] = relationship()
    appointment: Mapped[Appointment | None] = relationship(foreign_keys=[appointment_id])


class AgendaBlock(Base):
    """A period when a professional takes no appointment (leave, meeting, training)."""

    __tablename__ = "agenda_blocks"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="starts_before_end"),
        Index("ix_agenda_blocks_professional_start", "professional_id", "starts_at"),
        writers(BACKOFFICE, "Blocked periods in the professionals' agendas."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("health_professionals.id"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("visit_centres.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
