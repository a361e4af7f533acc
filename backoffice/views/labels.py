"""French labels of the domain's enumerations, for every view: one table per enumeration,
all of them here, read through :func:`label`."""

from __future__ import annotations

from enum import Enum
from functools import cache

from backoffice.i18n import language, tr, trc
from backoffice.models import (
    AppointmentStatus,
    EntrySource,
    FollowUpCategory,
    InvoiceKind,
    MandateStatus,
    MemberStatus,
    PaymentMethod,
    SepaState,
)
from backoffice.models.bank import BankEntryKind, BankMatchState
from backoffice.services.accounting.journal import EntryState
from backoffice.services.billing.campaign import AnomalyKind
from backoffice.services.billing.invoice_lists import Settlement
from backoffice.services.billing.queries import InstalmentStatus, status_label
from backoffice.services.employees.importing import LineStatus


def _tables() -> dict[type[Enum], dict[Enum, str]]:
    """Every enumeration's labels in the current language, keyed by the enumeration (two
    ``StrEnum`` members with the same value are different keys of different tables)."""
    return {
        InvoiceKind: {
            InvoiceKind.ANNUAL: tr("Annual contribution"),
            InvoiceKind.REGULARISATION: tr("Regularisation"),
            InvoiceKind.JOINING_FEE: tr("Joining fee"),
            InvoiceKind.QUARTERLY: tr("Quarterly contribution"),
            InvoiceKind.NO_SHOW: tr("Missed appointment"),
            InvoiceKind.RETURN_FEE: tr("Direct-debit return fee"),
        },
        AppointmentStatus: {
            AppointmentStatus.CONFIRMED: tr("Confirmed"),
            AppointmentStatus.CANCELLED: trc("appointment", "Cancelled"),
            AppointmentStatus.ATTENDED: tr("Attended"),
            AppointmentStatus.ABSENT: tr("Absent"),
            AppointmentStatus.EXCUSED: tr("Excused"),
        },
        BankEntryKind: {
            BankEntryKind.TRANSFER: tr("Transfer received"),
            BankEntryKind.COLLECTION: tr("Direct debits credited"),
            BankEntryKind.RETURN: tr("Direct debit returned"),
            BankEntryKind.REJECT: tr("Direct debit rejected"),
            BankEntryKind.CHEQUE: tr("Cheques remitted"),
            BankEntryKind.OTHER_CREDIT: tr("Other credit"),
            BankEntryKind.DEBIT: tr("Debit"),
        },
        BankMatchState: {
            BankMatchState.UNMATCHED: tr("To reconcile"),
            BankMatchState.MATCHED: tr("Reconciled"),
            BankMatchState.RETURNED: tr("Return applied"),
            BankMatchState.IGNORED: tr("Set aside"),
        },
        PaymentMethod: {
            PaymentMethod.TRANSFER: tr("Transfer"),
            PaymentMethod.CHEQUE: tr("Cheque"),
            PaymentMethod.CARD: tr("Card"),
            PaymentMethod.DIRECT_DEBIT: tr("Direct debit"),
        },
        SepaState: {
            SepaState.NONE: tr("Not announced"),
            SepaState.PRENOTIFIED: tr("Pre-notified"),
            SepaState.SENT: tr("Sent to the bank"),
            SepaState.REJECTED: tr("Returned"),
        },
        MandateStatus: {
            MandateStatus.ACTIVE: tr("Active"),
            MandateStatus.REVOKED: tr("Revoked"),
            MandateStatus.LAPSED: tr("Lapsed"),
        },
        EntryState: {
            EntryState.DRAFT: trc("entry", "Draft"),
            EntryState.VALIDATED: trc("entry", "Validated"),
            EntryState.EXPORTED: trc("entry", "Exported"),
        },
        EntrySource: {
            EntrySource.INVOICE: tr("Invoice"),
            EntrySource.CREDIT_NOTE: tr("Credit note"),
            EntrySource.PAYMENT: tr("Payment"),
            EntrySource.PAYMENT_REVERSAL: tr("Payment reversed"),
            EntrySource.COLLECTION: tr("Direct-debit file credited"),
            EntrySource.WRITE_OFF: tr("Write-off"),
        },
        AnomalyKind: {
            AnomalyKind.NO_DECLARATION: tr("No declaration"),
            AnomalyKind.CEASED: tr("Member ceased"),
            AnomalyKind.NO_EMPLOYEES: tr("No employee"),
            AnomalyKind.PRICE_OUT_OF_RANGE: tr("Price out of range"),
            AnomalyKind.EINVOICING: tr("E-invoicing"),
        },
        Settlement: {
            Settlement.ALL: tr("Paid or not"),
            Settlement.UNPAID: tr("Unpaid"),
            Settlement.OVERDUE: tr("With overdue instalments"),
            Settlement.PAID: tr("Paid in full"),
        },
        LineStatus: {
            LineStatus.NEW: tr("To import"),
            LineStatus.PRESENT: tr("Already recorded"),
            LineStatus.REFUSED: tr("Refused"),
        },
    }


@cache
def _tables_in(_language: str) -> dict[type[Enum], dict[Enum, str]]:
    return _tables()


def label(value: Enum) -> str:
    """The French (or current language's) label of an enumeration's member."""
    return _tables_in(language())[type(value)][value]


def category(value: FollowUpCategory) -> str:
    return value.value.upper()


def member_status(status: MemberStatus) -> str:
    return tr("Active") if status == MemberStatus.ACTIVE else tr("Ceased")


def instalment_status(status: InstalmentStatus) -> str:
    return status_label(status)


def sepa_state(state: SepaState | None) -> str:
    """A debit's SEPA state; ``None``: the debit was taken out of its file."""
    return tr("Sent again in a later file") if state is None else label(state)


def channel(channel: str) -> str:
    """How a pre-notification went: ``email`` or a letter."""
    return tr("Email") if channel == "email" else tr("Letter")


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
