"""French labels of the domain's enumerations, for every view."""

from __future__ import annotations

from backoffice.i18n import tr, trc
from backoffice.models import AppointmentStatus, FollowUpCategory, InvoiceKind, PaymentMethod
from backoffice.services.billing.queries import InstalmentStatus, status_label


def category(value: FollowUpCategory) -> str:
    return value.value.upper()


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


def payment_method(method: PaymentMethod) -> str:
    return {
        PaymentMethod.TRANSFER: tr("Transfer"),
        PaymentMethod.CHEQUE: tr("Cheque"),
        PaymentMethod.CARD: tr("Card"),
        PaymentMethod.DIRECT_DEBIT: tr("Direct debit"),
    }[method]
