"""Accounts of the members' portal, accounting firms, and the firms' access to members.

A member logs in with its member code; an accounting firm (*mandataire / cabinet
comptable*) with its own code, and acts for every member that granted it access.
Passwords are Argon2id hashes in PHC string format (``$argon2id$v=19$m=...``), which the
portal verifies with any Argon2 library. The lock rule (failures within a window) is the
``portal.lock_rule`` setting, read by the portal.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import (
    BACKOFFICE,
    BOTH,
    PORTAL,
    Base,
    Timestamped,
    Versioned,
    enum_column,
    writers,
    written_by,
)
from backoffice.models.members import Member


class AccountKind(enum.StrEnum):
    MEMBER = "member"
    FIRM = "firm"


class AccountingFirm(Versioned, Timestamped, Base):
    __tablename__ = "accounting_firms"
    __table_args__ = (writers(BACKOFFICE, "Accounting firms acting for several members."),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # login on the portal
    name: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str | None] = mapped_column(String(14))
    contact_name: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))


class PortalAccount(Versioned, Timestamped, Base):
    __tablename__ = "portal_accounts"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'member' AND member_id IS NOT NULL AND firm_id IS NULL)"
            " OR (kind = 'firm' AND firm_id IS NOT NULL AND member_id IS NULL)",
            name="owner_matches_kind",
        ),
        CheckConstraint("failed_attempt_count >= 0", name="failed_attempts_positive"),
        Index("ix_portal_accounts_locked", "locked_at"),
        writers(BOTH, "Logins of the portal; the portal writes logins and failures."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[AccountKind] = mapped_column(enum_column(AccountKind, "account_kind"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), unique=True)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("accounting_firms.id"), unique=True)
    password_hash: Mapped[str | None] = mapped_column(
        String(255), info=written_by(BOTH, "Argon2id PHC string; NULL until access is sent")
    )
    must_change_password: Mapped[bool] = mapped_column(
        default=True, info=written_by(BOTH, "set by a reset, cleared by the portal's first login")
    )
    temporary_password_expires_at: Mapped[datetime | None] = mapped_column(
        info=written_by(BACKOFFICE)
    )
    recovery_email: Mapped[str | None] = mapped_column(String(254), info=written_by(PORTAL))
    last_login_at: Mapped[datetime | None] = mapped_column(info=written_by(PORTAL))
    failed_attempt_count: Mapped[int] = mapped_column(
        default=0, info=written_by(BOTH, "portal increments; unblock resets")
    )
    locked_at: Mapped[datetime | None] = mapped_column(
        info=written_by(BOTH, "portal locks; unblock clears")
    )
    lock_reason: Mapped[str | None] = mapped_column(String(200), info=written_by(BOTH))
    is_active: Mapped[bool] = mapped_column(default=True)

    member: Mapped[Member | None] = relationship()
    firm: Mapped[AccountingFirm | None] = relationship()


class LoginAttempt(Base):
    """Every portal login attempt, so that staff see when the failures happened."""

    __tablename__ = "portal_login_attempts"
    __table_args__ = (
        Index("ix_portal_login_attempts_account_time", "account_id", "attempted_at"),
        writers(PORTAL, "Portal login attempts (success or failure), written by the portal."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("portal_accounts.id", ondelete="CASCADE"))
    attempted_at: Mapped[datetime]
    succeeded: Mapped[bool]
    source_address: Mapped[str | None] = mapped_column(String(45))


class FirmAccess(Base):
    """An accounting firm's right to act for a member, from the member's consent date."""

    __tablename__ = "firm_member_access"
    __table_args__ = (
        Index(
            "uq_firm_member_access_active",
            "firm_id",
            "member_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
        writers(BACKOFFICE, "Which firm acts for which member (one active grant per pair)."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("accounting_firms.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    consent_on: Mapped[date]  # when the member agreed
    granted_at: Mapped[datetime]
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(String(200))

    firm: Mapped[AccountingFirm] = relationship()
    member: Mapped[Member] = relationship()
