"""French words of the account console: states, kinds, filters, colours."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtGui import QColor

from backoffice.i18n import ntr, tr
from backoffice.models import AccountKind
from backoffice.services.accounts.queries import AccountFilter, AccountRow
from backoffice.views import formatting

LOCKED_COLOUR = QColor("#fbe3e3")
EXPIRED_COLOUR = QColor("#fff3d6")
CEASED_COLOUR = QColor("#eeeeee")


def kind(value: AccountKind) -> str:
    return tr("Member") if value == AccountKind.MEMBER else tr("Accounting firm")


def short_kind(value: AccountKind) -> str:
    return tr("Member") if value == AccountKind.MEMBER else tr("Firm")


def state(row: AccountRow) -> str:
    if not row.is_active:
        return tr("Disabled")
    if row.locked:
        return tr("Locked")
    if not row.has_password:
        return tr("No access sent")
    if row.temporary_expired:
        return tr("Temporary password expired")
    if row.must_change_password:
        return tr("Awaiting first login")
    return tr("Active")


def filter_label(value: AccountFilter) -> str:
    return {
        AccountFilter.ALL: tr("All accounts"),
        AccountFilter.LOCKED: tr("Locked accounts"),
        AccountFilter.AWAITING_FIRST_LOGIN: tr("Awaiting first login"),
        AccountFilter.EXPIRED: tr("Temporary password expired"),
        AccountFilter.FIRMS: tr("Accounting firms"),
    }[value]


def acts_for(row: AccountRow) -> str:
    """A firm: the members it acts for; a member: the firms acting for it."""
    if not row.acts_for:
        return ""
    codes = ", ".join(row.acts_for[:4]) + ("…" if len(row.acts_for) > 4 else "")
    if row.kind == AccountKind.FIRM:
        return ntr(
            "{count} member: {codes}", "{count} members: {codes}", len(row.acts_for), codes=codes
        )
    return tr("through {codes}", codes=codes)


def colour(row: AccountRow) -> QColor | None:
    if row.locked:
        return LOCKED_COLOUR
    if row.temporary_expired:
        return EXPIRED_COLOUR
    if row.member_ceased or not row.is_active:
        return CEASED_COLOUR
    return None


def _field_label(name: str) -> str:
    return {
        "locked_at": tr("locked at"),
        "lock_reason": tr("reason"),
        "failed_attempt_count": tr("failed attempts"),
        "must_change_password": tr("to change at the first login"),
        "temporary_password_expires_at": tr("temporary password until"),
        "recovery_email": tr("recovery email"),
        "password": tr("password"),
        "consent_on": tr("consent of"),
        "revoked_at": tr("revoked at"),
        "firm": tr("firm"),
        "member": tr("member"),
    }.get(name, name)


def _field_value(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return formatting.yes_no(value)
    if value == "changed":
        return tr("changed")
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return formatting.moment(moment) if "T" in value else formatting.day(moment.date())
    return str(value)


def audit_values(values: dict[str, object] | None) -> str:
    """An audit event's before or after, in words (never a password: none is recorded)."""
    return ", ".join(
        tr("{field}: {value}", field=_field_label(name), value=_field_value(value))
        for name, value in (values or {}).items()
    )
