"""The service's care network: visit centres, their opening hours, and the health
professionals (doctors, nurses) who consult there on given days."""

from __future__ import annotations

import enum
from datetime import time

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import BACKOFFICE, Base, Timestamped, Versioned, enum_column, writers


class ProfessionalKind(enum.StrEnum):
    DOCTOR = "doctor"
    NURSE = "nurse"


class VisitCentre(Versioned, Timestamped, Base):
    __tablename__ = "visit_centres"
    __table_args__ = (writers(BACKOFFICE, "Visit centres (lieux de visite) with their address."),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    address_line1: Mapped[str] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    access_notes: Mapped[str | None] = mapped_column(String(500))  # parking, tram, floor...
    is_active: Mapped[bool] = mapped_column(default=True)

    opening_hours: Mapped[list[CentreOpeningHours]] = relationship(
        back_populates="centre", cascade="all, delete-orphan", order_by="CentreOpeningHours.weekday"
    )


class CentreOpeningHours(Base):
    """One opening period of a centre on a weekday (0 = Monday); several per day allowed."""

    __tablename__ = "centre_opening_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("opens_at < closes_at", name="opens_before_closing"),
        writers(BACKOFFICE, "Opening hours of the visit centres."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("visit_centres.id", ondelete="CASCADE"))
    weekday: Mapped[int]
    opens_at: Mapped[time]
    closes_at: Mapped[time]

    centre: Mapped[VisitCentre] = relationship(back_populates="opening_hours")


class HealthProfessional(Versioned, Timestamped, Base):
    __tablename__ = "health_professionals"
    __table_args__ = (writers(BACKOFFICE, "Doctors and nurses, with their secretary's contact."),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ProfessionalKind] = mapped_column(
        enum_column(ProfessionalKind, "professional_kind")
    )
    title: Mapped[str] = mapped_column(String(20))  # "Dr", "Mme", "M."
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    secretary_name: Mapped[str | None] = mapped_column(String(120))
    secretary_phone: Mapped[str | None] = mapped_column(String(30))
    secretary_email: Mapped[str | None] = mapped_column(String(254))
    is_active: Mapped[bool] = mapped_column(default=True)

    sessions: Mapped[list[ConsultationSession]] = relationship(
        back_populates="professional", cascade="all, delete-orphan"
    )

    @property
    def display_name(self) -> str:
        return f"{self.title} {self.first_name} {self.last_name}"


class ConsultationSession(Base):
    """A weekly period when a professional consults at a centre (e.g. Tuesday 8:30–12:00)."""

    __tablename__ = "consultation_sessions"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("starts_at < ends_at", name="starts_before_end"),
        CheckConstraint("slot_minutes > 0", name="slot_minutes_positive"),
        UniqueConstraint("professional_id", "weekday", "starts_at"),
        writers(BACKOFFICE, "Weekly consultation periods of each professional at a centre."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    professional_id: Mapped[int] = mapped_column(
        ForeignKey("health_professionals.id", ondelete="CASCADE")
    )
    centre_id: Mapped[int] = mapped_column(ForeignKey("visit_centres.id"))
    weekday: Mapped[int]
    starts_at: Mapped[time]
    ends_at: Mapped[time]
    slot_minutes: Mapped[int] = mapped_column(default=20)  # agenda grid step

    professional: Mapped[HealthProfessional] = relationship(back_populates="sessions")
    centre: Mapped[VisitCentre] = relationship()
