"""The history of a record (its audit events) written for people: who by name, what in
French, the values before and after with their field names and in their usual shape
(``12,50 €``, ``15/05/2018``, « oui »), never a raw key.

``history_columns()`` for a list of history rows (any row with ``occurred_at``, ``actor``,
``action``, ``summary``, ``before``, ``after``). A new audited action gets its French label
in :func:`action_label`; a new field, in :func:`field_label`.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from backoffice.i18n import tr
from backoffice.models import DocumentChannel, PaymentMethod
from backoffice.services.member_fields import document_channel_label
from backoffice.views import formatting, labels
from backoffice.views.widgets.rows_model import Column


def action_label(action: str) -> str:
    """``payment.record`` → « Paiement enregistré »."""
    return _action_labels().get(action) or action.replace("_", " ").replace(".", " · ")


def _action_labels() -> dict[str, str]:
    return {
        "accounts.unblock": tr("Unblocked"),
        "accounts.reset": tr("Access reset (letter)"),
        "accounts.first_access": tr("First access (letter)"),
        "accounts.create": tr("Account created"),
        "accounts.recovery_email": tr("Recovery email changed"),
        "accounts.firm_create": tr("Firm created"),
        "accounts.firm_update": tr("Firm record changed"),
        "accounts.firm_grant": tr("Access given"),
        "accounts.firm_revoke": tr("Access revoked"),
        "agenda_block.add": tr("Agenda blocked"),
        "agenda_block.remove": tr("Agenda freed"),
        "appointment.book": tr("Appointment booked"),
        "appointment.cancel": tr("Appointment cancelled"),
        "appointment.move": tr("Appointment moved"),
        "appointment.outcome": tr("Appointment outcome recorded"),
        "campaign.issue": tr("Campaign issued"),
        "change.apply": tr("Portal change applied"),
        "change.approve": tr("Portal change approved"),
        "change.reject": tr("Portal change rejected"),
        "change.take_over": tr("Portal change taken over"),
        "convocation.print": tr("Convocation printed"),
        "convocation.email": tr("Convocation e-mailed"),
        "credit_note.issue": tr("Credit note issued"),
        "declaration.enter": tr("Workforce declaration entered"),
        "declaration.reminder": tr("Declaration reminder printed"),
        "employee.exit": tr("Employee exited"),
        "invoice.issue": tr("Invoice issued"),
        "invoice.replan": tr("Instalments re-planned"),
        "mandate.create": tr("SEPA mandate created"),
        "mandate.lapse": tr("SEPA mandate lapsed"),
        "mandate.revoke": tr("SEPA mandate revoked"),
        "member.edit": tr("Company record changed"),
        "member.referent": tr("Referent doctor changed"),
        "bank.import": tr("Bank file imported"),
        "mandate.first_again": tr("Next direct debit first again"),
        "payment.record": tr("Payment recorded"),
        "payment.reminder": tr("Payment reminder printed"),
        "payment.reverse": tr("Payment reversed"),
        "sepa.collection.export": tr("Direct debit exported"),
        "sepa.collection.received": tr("Direct debit received"),
        "sepa.prenotify": tr("Direct debit pre-notified"),
        "sepa.return": tr("Direct debit returned"),
        "accounting.close": tr("Month closed in the books"),
        "accounting.journal_export": tr("Journal exported"),
        "appointment_request.accept": tr("Appointment request accepted"),
        "appointment_request.refuse": tr("Appointment request refused"),
        "bank.ignore": tr("Bank entry set aside (not ours)"),
        "bank.match": tr("Bank entry matched"),
        "bank.match_slip": tr("Cheque slip matched on the statement"),
        "bank.undo": tr("Bank match undone"),
        "centre.create": tr("Visit centre created"),
        "centre.edit": tr("Visit centre changed"),
        "change.duplicate": tr("Portal change classed as a duplicate"),
        "cheques.remit": tr("Cheques remitted to the bank"),
        "document.add": tr("Document added"),
        "document.move": tr("Document moved to another theme"),
        "document.publish": tr("Document published or withdrawn"),
        "document.remove": tr("Document deleted"),
        "einvoice.collections": tr("Payments reported to the e-invoicing platform"),
        "einvoice.deposit": tr("E-invoices deposited on the platform"),
        "einvoice.statuses": tr("E-invoice statuses received"),
        "einvoice.task_close": tr("E-invoice rejection handled"),
        "employee.add": tr("Employee added"),
        "employee.edit": tr("Employee record changed"),
        "employee.reinstate": tr("Employee reinstated"),
        "employees.import": tr("Employees imported"),
        "invoice.write_off": tr("Invoice written off"),
        "mail.cancel": tr("E-mail cancelled"),
        "mail.mark_sent": tr("E-mail marked as sent"),
        "mail.printed_instead": tr("E-mail kept back, printed instead"),
        "mail.resend": tr("E-mail sent again"),
        "mail.retry": tr("E-mail to send again"),
        "mail.template": tr("E-mail template changed"),
        "member.create": tr("Member created"),
        "member.situation": tr("Member's situation changed"),
        "professional.create": tr("Health professional added"),
        "professional.edit": tr("Health professional changed"),
        "service_account.add": tr("Service bank account added"),
        "service_account.edit": tr("Service bank account changed"),
        "service_account.retire": tr("Service bank account retired"),
        "settings.change": tr("Settings changed"),
        "staff.create": tr("Staff member created"),
        "staff.create_first_admin": tr("First administrator created"),
        "staff.locked": tr("Staff account locked (failed logins)"),
        "staff.login": tr("Logged in"),
        "staff.login_failed": tr("Failed login"),
        "staff.password_changed": tr("Staff password changed"),
        "staff.password_reset": tr("Staff password reset"),
        "staff.unlock": tr("Staff account unlocked"),
        "staff.update": tr("Staff member changed"),
        "tariff.create": tr("Tariff created"),
        "theme.create": tr("Document theme created"),
        "theme.move": tr("Document theme moved"),
        "theme.rename": tr("Document theme renamed"),
        "theme.restore": tr("Document theme restored"),
        "theme.retire": tr("Document theme retired"),
        "visit_type.create": tr("Visit type created"),
    }


def who(actor: str) -> str:
    """The person or program that acted: a name, « Portail (A00012) », « Système »."""
    kind, _, name = actor.partition(":")
    if kind == "portal" and name:
        return tr("Portal ({login})", login=name)
    if kind == "staff" and name:
        return name
    if kind == "bank-import" and name:
        return tr("Bank import ({login})", login=name)
    if actor == "system":
        return tr("System (nightly job)")
    return actor


@cache
def _member_field_labels() -> dict[str, str]:
    from backoffice.services.member_fields import member_fields

    return {name: field.label for name, field in member_fields().items()}


def field_label(name: str) -> str:
    known = {
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
        "amount_cents": tr("amount"),
        "method": tr("method"),
        "invoice_id": tr("invoice (internal no.)"),
        "invoice": tr("invoice"),
        "number": tr("number"),
        "reference": tr("reference"),
        "received_on": tr("received on"),
        "reason": tr("reason"),
        "status": tr("status"),
        "visit_centre_id": tr("visit centre"),
        "referent_professional_id": tr("referent doctor"),
    }
    if name in known:
        return known[name]
    return _member_field_labels().get(name) or name.removesuffix("_cents").replace("_", " ")


def value_text(name: str, value: Any) -> str:
    """A value as the screens show it."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return formatting.yes_no(value)
    if name.endswith("_cents") and isinstance(value, int):
        return formatting.amount(value)
    if value == "changed":
        return tr("changed")
    if name == "method" and value in {method.value for method in PaymentMethod}:
        return labels.label(PaymentMethod(value))
    if name == "documents_by" and value in {channel.value for channel in DocumentChannel}:
        return document_channel_label(value)
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
        tr("{field}: {value}", field=field_label(name), value=value_text(name, value))
        for name, value in (values or {}).items()
    )


def history_columns() -> list[Column[Any]]:
    return [
        Column(tr("When"), lambda r: formatting.moment(r.occurred_at), lambda r: r.occurred_at),
        Column(tr("Who"), lambda r: who(r.actor)),
        Column(tr("Action"), lambda r: action_label(r.action)),
        Column(tr("Note"), lambda r: r.summary or "", tooltip=lambda r: r.summary or ""),
        Column(
            tr("Before"), lambda r: audit_values(r.before), tooltip=lambda r: audit_values(r.before)
        ),
        Column(
            tr("After"), lambda r: audit_values(r.after), tooltip=lambda r: audit_values(r.after)
        ),
    ]
