"""The French label of a database column, for sentences that name a field.

A member's fields are named as on its form (``member_fields``); other columns by their
usual meaning, a table's own label first. A column nobody named is quoted as is rather
than left out: the sentence still says which field.
"""

from __future__ import annotations

from collections.abc import Callable

from backoffice.i18n import tr

_COMMON: dict[str, Callable[[], str]] = {
    "legal_name": lambda: tr("Legal name"),
    "name": lambda: tr("Name"),
    "siret": lambda: tr("SIRET"),
    "iban": lambda: tr("IBAN"),
    "bic": lambda: tr("BIC"),
    "bank_name": lambda: tr("Bank"),
    "label": lambda: tr("Label"),
    "title": lambda: tr("Title"),
    "first_name": lambda: tr("First name"),
    "last_name": lambda: tr("Last name"),
    "full_name": lambda: tr("Full name"),
    "login": lambda: tr("Login"),
    "email": lambda: tr("Email"),
    "phone": lambda: tr("Phone"),
    "postcode": lambda: tr("Postcode"),
    "city": lambda: tr("City"),
    "address_line1": lambda: tr("Address"),
    "address_line2": lambda: tr("Address (continued)"),
    "contact_name": lambda: tr("Contact"),
    "code": lambda: tr("Code"),
    "reason": lambda: tr("Reason"),
    "reference": lambda: tr("Reference"),
    "amount_cents": lambda: tr("Amount"),
    "job_title": lambda: tr("Job title"),
    "exit_reason": lambda: tr("Exit reason"),
    "hired_on": lambda: tr("Hired on"),
    "exited_on": lambda: tr("Exited on"),
    "birth_date": lambda: tr("Date of birth"),
    "received_on": lambda: tr("Received on"),
    "signed_on": lambda: tr("Signed on"),
    "debtor_name": lambda: tr("Debtor"),
    "year": lambda: tr("Year"),
    "file_name": lambda: tr("File name"),
    "due_on": lambda: tr("Due on"),
    "issued_on": lambda: tr("Issued on"),
}

_BY_TABLE: dict[tuple[str, str], Callable[[], str]] = {
    ("service_bank_accounts", "label"): lambda: tr("Account label"),
    ("staff_users", "full_name"): lambda: tr("Full name"),
    ("visit_centres", "name"): lambda: tr("Centre name"),
    ("document_themes", "name"): lambda: tr("Theme"),
    ("payments", "reference"): lambda: tr("Payment reference"),
    ("credit_notes", "reason"): lambda: tr("Reason for the credit note"),
    ("workforce_declarations", "headcount"): lambda: tr("Headcount"),
}


def column_label(table: str | None, column: str) -> str:
    """``column`` of ``table`` as a field's label (a quoted column name as a last resort)."""
    if table == "members":
        from backoffice.services.member_fields import member_fields

        field = member_fields().get(column)
        if field is not None:
            return field.label
    named = _BY_TABLE.get((table or "", column)) or _COMMON.get(column)
    if named is not None:
        return named()
    return tr("The field \u201c{name}\u201d", name=column or "?")
