"""Employees of the members, with their follow-up category.

The *Déterminants de Suivi Individuel* (risk factors the member ticks on the portal) decide
the follow-up category: SI (suivi individuel), SIA (suivi individuel adapté: night work,
pregnancy, disability...) or SIR (suivi individuel renforcé: asbestos, lead, heights...).
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import (
    BACKOFFICE,
    Base,
    Timestamped,
    Versioned,
    enum_column,
    writers,
)


class FollowUpCategory(enum.StrEnum):
    SI = "si"
    SIA = "sia"
    SIR = "sir"


class EmployeeOrigin(enum.StrEnum):
    PORTAL = "portal"  # declared by the member (shown green until the next declaration)
    BACKOFFICE = "backoffice"
    IMPORT = "import"


class RiskFactor(Base):
    """Reference list of the risk factors (*Déterminants de Suivi Individuel*)."""

    __tablename__ = "risk_factors"
    __table_args__ = (writers(BACKOFFICE, "Reference list of risk factors and their category."),)

    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    category: Mapped[FollowUpCategory] = mapped_column(
        enum_column(FollowUpCategory, "risk_category")
    )
    position: Mapped[int] = mapped_column(default=0)


class Employee(Versioned, Timestamped, Base):
    __tablename__ = "employees"
    __table_args__ = (
        CheckConstraint("exited_on IS NULL OR exited_on >= hired_on", name="exit_after_hire"),
        Index("ix_employees_member_name", "member_id", "last_name", "first_name"),
        writers(BACKOFFICE, "Employees followed; portal additions and exits arrive as requests."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    civility: Mapped[str | None] = mapped_column(String(5))  # "M.", "Mme"
    last_name: Mapped[str] = mapped_column(String(80))
    first_name: Mapped[str] = mapped_column(String(80))
    birth_date: Mapped[date | None]
    pcs_code: Mapped[str | None] = mapped_column(String(6))  # PCS-ESE, e.g. "621a"
    job_title: Mapped[str | None] = mapped_column(String(120))  # poste de travail
    follow_up_category: Mapped[FollowUpCategory] = mapped_column(
        enum_column(FollowUpCategory, "follow_up_category"), default=FollowUpCategory.SI
    )
    hired_on: Mapped[date]
    exited_on: Mapped[date | None]
    exit_reason: Mapped[str | None] = mapped_column(String(200))
    origin: Mapped[EmployeeOrigin] = mapped_column(
        enum_column(EmployeeOrigin, "employee_origin"), default=EmployeeOrigin.BACKOFFICE
    )
    # Last attended visit; kept by the appointment service when a visit is marked attended,
    # so that "periodic visit due" over a million employees needs no aggregate.
    last_visit_on: Mapped[date | None]

    risk_factors: Mapped[list[EmployeeRiskFactor]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def full_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"

    @property
    def risk_codes(self) -> list[str]:
        return sorted(link.risk_code for link in self.risk_factors)


class EmployeeRiskFactor(Base):
    __tablename__ = "employee_risk_factors"
    __table_args__ = (writers(BACKOFFICE, "Risk factors ticked for each employee."),)

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True
    )
    risk_code: Mapped[str] = mapped_column(ForeignKey("risk_factors.code"), primary_key=True)


_CATEGORY_RANK = {FollowUpCategory.SI: 0, FollowUpCategory.SIA: 1, FollowUpCategory.SIR: 2}


def highest_category(categories: list[FollowUpCategory]) -> FollowUpCategory:
    """The follow-up an employee needs: the strictest among its risk factors (SI if none)."""
    return max(categories, key=_CATEGORY_RANK.__getitem__, default=FollowUpCategory.SI)
