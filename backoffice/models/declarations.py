"""Annual workforce declarations (*déclaration annuelle des effectifs*).

Each January the member declares, on the portal or through the staff, how many employees
(physical persons, not full-time equivalents) it has in each follow-up category. The
annual invoice is computed from it.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import BOTH, Base, Versioned, enum_column, writers
from backoffice.models.members import Member


class DeclarationSource(enum.StrEnum):
    PORTAL = "portal"
    STAFF = "staff"


class WorkforceDeclaration(Versioned, Base):
    __tablename__ = "workforce_declarations"
    __table_args__ = (
        UniqueConstraint("member_id", "year"),
        CheckConstraint(
            "headcount_si >= 0 AND headcount_sia >= 0 AND headcount_sir >= 0",
            name="headcounts_positive",
        ),
        writers(BOTH, "Annual headcount per category, from the portal or entered by staff."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    year: Mapped[int]
    headcount_si: Mapped[int] = mapped_column(default=0)
    headcount_sia: Mapped[int] = mapped_column(default=0)
    headcount_sir: Mapped[int] = mapped_column(default=0)
    declared_at: Mapped[datetime]
    source: Mapped[DeclarationSource] = mapped_column(
        enum_column(DeclarationSource, "declaration_source")
    )
    declared_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("portal_accounts.id"))
    declared_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    member: Mapped[Member] = relationship()

    @property
    def total_headcount(self) -> int:
        return self.headcount_si + self.headcount_sia + self.headcount_sir
