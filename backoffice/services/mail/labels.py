"""French names of the outbox's statuses and kinds, for the screen, the CLI and errors."""

from __future__ import annotations

from backoffice.i18n import trc
from backoffice.models import MailKind, MailStatus


def status_label(status: MailStatus) -> str:
    return {
        MailStatus.QUEUED: trc("message", "queued"),
        MailStatus.SENDING: trc("message", "sending"),
        MailStatus.SENT: trc("message", "sent"),
        MailStatus.FAILED: trc("message", "failed"),
        MailStatus.CANCELLED: trc("message", "cancelled"),
        MailStatus.UNCERTAIN: trc("message", "uncertain"),
    }[status]


def kind_label(kind: MailKind) -> str:
    return {
        MailKind.PRENOTIFICATION: trc("message", "Direct debit notice"),
        MailKind.INVOICE: trc("message", "Invoice"),
        MailKind.REMINDER: trc("message", "Reminder"),
        MailKind.CONVOCATION: trc("message", "Convocation"),
        MailKind.CHANGE_APPROVED: trc("message", "Change approved"),
        MailKind.CHANGE_REJECTED: trc("message", "Change rejected"),
        MailKind.APPOINTMENT_CONFIRMED: trc("message", "Appointment confirmed"),
        MailKind.APPOINTMENT_REFUSED: trc("message", "Appointment refused"),
        MailKind.TEST: trc("message", "Test message"),
    }[kind]
