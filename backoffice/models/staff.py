"""Staff users of the back-office and their roles."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.models.base import BACKOFFICE, Base, Timestamped, Versioned, enum_column, writers


class Role(enum.StrEnum):
    """What a staff member does all day; the permission matrix hangs off it."""

    ADMINISTRATIVE = "administrative"  # gestion adhérents
    BILLING = "billing"  # comptabilité / facturation
    MEDICAL_ASSISTANT = "medical_assistant"  # assistante médicale / secrétaire
    ADMINISTRATOR = "administrator"
    READ_ONLY = "read_only"
    SYSTEM = "system"  # the nightly jobs' own account (never a person; cannot log in)


class StaffUser(Versioned, Timestamped, Base):
    __tablename__ = "staff_users"
    __table_args__ = (
        CheckConstraint("failed_login_count >= 0", name="failed_login_count_positive"),
        writers(BACKOFFICE, "Staff members who log into the back-office (never the portal)."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(enum_column(Role, "staff_role"))
    password_hash: Mapped[str] = mapped_column(String(255))  # Argon2id, PHC string
    is_active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    failed_login_count: Mapped[int] = mapped_column(default=0)
    last_failed_login_at: Mapped[datetime | None]
    locked_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
