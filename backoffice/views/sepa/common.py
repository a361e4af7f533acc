"""What the direct-debit tabs share: the tables they show and the labels of the SEPA
states (the rest comes from ``views/widgets``)."""

from __future__ import annotations

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from backoffice.i18n import tr
from backoffice.models import MandateStatus, SepaState

SEPA_TABLES = (
    "sepa_mandates",
    "sepa_prenotifications",
    "sepa_collections",
    "instalments",
    "payments",
    "settings",
)


def state_label(state: SepaState | None) -> str:
    if state is None:
        return tr("Sent again in a later file")
    return {
        SepaState.NONE: tr("Not announced"),
        SepaState.PRENOTIFIED: tr("Pre-notified"),
        SepaState.SENT: tr("Sent to the bank"),
        SepaState.REJECTED: tr("Returned"),
    }[state]


def mandate_status_label(status: MandateStatus) -> str:
    return {
        MandateStatus.ACTIVE: tr("Active"),
        MandateStatus.REVOKED: tr("Revoked"),
        MandateStatus.LAPSED: tr("Lapsed"),
    }[status]


def channel_label(channel: str) -> str:
    return tr("Email") if channel == "email" else tr("Letter")


def formatted_iban(iban: str) -> str:
    """``FR76 3000 6000 0112 3456 7890 189``, easier to read and compare."""
    try:
        return IBAN(iban).formatted
    except SchwiftyException:
        return iban
