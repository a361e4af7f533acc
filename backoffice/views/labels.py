"""French labels of the domain's enumerations, for every view."""

from __future__ import annotations

from backoffice.i18n import tr, trc
from backoffice.models import (
    AppointmentStatus,
    FollowUpCategory,
    InvoiceKind,
    MemberStatus,
    PaymentMethod,
)
from backoffice.models.bank import BankEntryKind, BankMatchState
from backoffice.services.billing.queries import InstalmentStatus, status_label


def category(value: FollowUpCategory) -> str:
    return value.value.upper()


def member_status(status: MemberStatus) -> str:
    return tr("Active") if status == MemberStatus.ACTIVE else tr("Ceased")


def invoice_kind(kind: InvoiceKind) -> str:
    return {
        InvoiceKind.ANNUAL: tr("Annual contribution"),
        InvoiceKind.REGULARISATION: tr("Regularisation"),
        InvoiceKind.JOINING_FEE: tr("Joining fee"),
        InvoiceKind.QUARTERLY: tr("Quarterly contribution"),
        InvoiceKind.NO_SHOW: tr("Missed appointment"),
        InvoiceKind.RETURN_FEE: tr("Direct-debit return fee"),
    }[kind]


def instalment_status(status: InstalmentStatus) -> str:
    return status_label(status)


def appointment_status(status: AppointmentStatus) -> str:
    return {
        AppointmentStatus.CONFIRMED: tr("Confirmed"),
        AppointmentStatus.CANCELLED: trc("appointment", "Cancelled"),
        AppointmentStatus.ATTENDED: tr("Attended"),
        AppointmentStatus.ABSENT: tr("Absent"),
        AppointmentStatus.EXCUSED: tr("Excused"),
    }[status]


def bank_entry_kind(kind: BankEntryKind) -> str:
    return {
        BankEntryKind.TRANSFER: tr("Transfer received"),
        BankEntryKind.COLLECTION: tr("Direct debits credited"),
        BankEntryKind.RETURN: tr("Direct debit returned"),
        BankEntryKind.REJECT: tr("Direct debit rejected"),
        BankEntryKind.CHEQUE: tr("Cheques remitted"),
        BankEntryKind.OTHER_CREDIT: tr("Other credit"),
        BankEntryKind.DEBIT: tr("Debit"),
    }[kind]


def bank_match_state(state: BankMatchState) -> str:
    return {
        BankMatchState.UNMATCHED: tr("To reconcile"),
        BankMatchState.MATCHED: tr("Reconciled"),
        BankMatchState.RETURNED: tr("Return applied"),
        BankMatchState.IGNORED: tr("Set aside"),
    }[state]


def match_rule(rule: str) -> str:
    """How a bank entry was matched (``bank_entries.match_rule``)."""
    return {
        "": "",
        "collection": tr("Direct-debit file"),
        "reference": tr("Payment reference"),
        "invoice": tr("Invoice number"),
        "member": tr("Member code"),
        "iban": tr("Payer's IBAN"),
        "name": tr("Payer's name"),
        "manual": tr("By hand"),
        "cheques": tr("Cheque slip"),
    }.get(rule, rule)


def payment_method(method: PaymentMethod) -> str:
    return {
        PaymentMethod.TRANSFER: tr("Transfer"),
        PaymentMethod.CHEQUE: tr("Cheque"),
        PaymentMethod.CARD: tr("Card"),
        PaymentMethod.DIRECT_DEBIT: tr("Direct debit"),
    }[method]
