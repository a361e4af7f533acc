"""French words of the account console: states, kinds, filters, colours."""

from __future__ import annotations

from PySide6.QtGui import QColor

from backoffice.i18n import ntr, tr
from backoffice.models import AccountKind
from backoffice.services.accounts.queries import AccountFilter, AccountRow
from backoffice.views.widgets import history

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


def audit_values(values: dict[str, object] | None) -> str:
    """An audit event's before or after, in words (``views/widgets/history``)."""
    return history.audit_values(values)
