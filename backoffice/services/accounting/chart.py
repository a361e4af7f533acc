"""The chart of accounts (*plan comptable*) the entries are posted to.

Stored in the ``accounting.chart`` setting (defaults in :mod:`chart_defaults`): an account
number and label per role (customers, sales per kind of invoice, VAT, bank...), the
journals' codes and labels, and how members appear — one auxiliary account each
(``CompAuxNum`` = prefix + member code, under the customers' collective account) or only
the collective account. A key missing from a stored chart takes its default, so that a
chart saved before a new account existed keeps working.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models import InvoiceKind, PaymentMethod
from backoffice.services import settings
from backoffice.services.accounting.chart_defaults import DEFAULT_ACCOUNTS, DEFAULT_JOURNALS
from backoffice.services.errors import FieldError, ServiceError

SETTING = "accounting.chart"
ACCOUNT_NUMBER = re.compile(r"\d{3}[0-9A-Z]{0,17}")  # FEC: the first three are digits
JOURNAL_CODE = re.compile(r"[A-Z0-9]{1,10}")
AUXILIARY_PREFIX = re.compile(r"[0-9A-Z]{0,8}")
LABEL_LENGTH = 100

# Which classes of the French chart each role may use (by the first digits).
CLASSES: dict[str, str] = {
    "customers": "41",
    "discount": "70",
    "credit_notes": "70",
    "vat_collected": "445",
    "vat_pending": "445",
    "bank": "5",
    "receipts_transfer": "5",
    "receipts_card": "5",
    "receipts_cheque": "5",
    "direct_debit_clearing": "5",
    "bank_fees": "6",
    "write_offs": "6",
} | {key: "70" for key in DEFAULT_ACCOUNTS if key.startswith("sales_")}

SALES_ACCOUNT = {kind: f"sales_{kind.value}" for kind in InvoiceKind}
RECEIPT_ACCOUNT = {
    PaymentMethod.TRANSFER: "receipts_transfer",
    PaymentMethod.CARD: "receipts_card",
    PaymentMethod.CHEQUE: "receipts_cheque",
    PaymentMethod.DIRECT_DEBIT: "direct_debit_clearing",
}


def account_labels() -> dict[str, str]:
    """What each account of the chart is for, as the settings show it."""
    return {
        "customers": tr("Customers (members)"),
        "sales_annual": tr("Sales: annual contributions"),
        "sales_regularisation": tr("Sales: regularisation invoices"),
        "sales_quarterly": tr("Sales: quarterly contributions"),
        "sales_joining_fee": tr("Sales: joining fees"),
        "sales_no_show": tr("Sales: missed visits"),
        "sales_return_fee": tr("Sales: direct-debit return fees"),
        "discount": tr("Direct-debit discount"),
        "credit_notes": tr("Credit notes"),
        "vat_collected": tr("VAT collected"),
        "vat_pending": tr("VAT on receipts awaiting payment"),
        "bank": tr("Bank"),
        "receipts_transfer": tr("Receipts by transfer"),
        "receipts_card": tr("Receipts by card"),
        "receipts_cheque": tr("Cheques to cash"),
        "direct_debit_clearing": tr("Direct debits to cash (clearing)"),
        "bank_fees": tr("Bank fees"),
        "write_offs": tr("Bad debts written off"),
    }


def journal_labels() -> dict[str, str]:
    return {
        "sales": tr("Sales journal (invoices, credit notes)"),
        "bank": tr("Bank journal (payments, returns)"),
        "misc": tr("Miscellaneous journal (write-offs)"),
    }


@dataclass(frozen=True)
class Account:
    number: str
    label: str


@dataclass(frozen=True)
class Journal:
    code: str
    label: str


class ChartIncomplete(ServiceError):
    """An account or journal the books need is missing from the chart."""


@dataclass(frozen=True)
class Chart:
    accounts: dict[str, Account]
    journals: dict[str, Journal]
    auxiliary_per_member: bool
    auxiliary_prefix: str

    def account(self, key: str) -> Account:
        account = self.accounts.get(key)
        if account is None or not account.number:
            raise ChartIncomplete(
                tr(
                    "The chart of accounts has no account for “{role}”: complete it in "
                    "Settings › Chart of accounts.",
                    role=account_labels().get(key, key),
                )
            )
        return account

    def journal(self, key: str) -> Journal:
        journal = self.journals.get(key)
        if journal is None or not journal.code:
            raise ChartIncomplete(
                tr(
                    "The chart of accounts has no code for the “{journal}”: complete it in "
                    "Settings › Chart of accounts.",
                    journal=journal_labels().get(key, key),
                )
            )
        return journal

    def auxiliary_number(self, member_code: str) -> str:
        return f"{self.auxiliary_prefix}{member_code}" if self.auxiliary_per_member else ""


def from_value(value: dict[str, Any]) -> Chart:
    """The chart of a stored setting, each missing key taking its default."""
    accounts = {key: Account(number, label) for key, (number, label) in DEFAULT_ACCOUNTS.items()}
    for key, stored in (value.get("accounts") or {}).items():
        accounts[key] = Account(str(stored.get("number", "")), str(stored.get("label", "")))
    journals = {key: Journal(code, label) for key, (code, label) in DEFAULT_JOURNALS.items()}
    for key, stored in (value.get("journals") or {}).items():
        journals[key] = Journal(str(stored.get("code", "")), str(stored.get("label", "")))
    auxiliary = value.get("auxiliary") or {}
    return Chart(
        accounts,
        journals,
        bool(auxiliary.get("per_member", True)),
        str(auxiliary.get("prefix", "C")),
    )


def load(session: Session) -> Chart:
    return from_value(settings.get(session, SETTING))


def problems(value: Any) -> list[FieldError]:
    """What is wrong with a chart before it is stored (French sentences)."""
    if not isinstance(value, dict):
        return [FieldError(SETTING, tr("The chart of accounts is not readable."))]
    chart = from_value(value)
    errors = [
        error
        for key, account in chart.accounts.items()
        if key in CLASSES
        for error in _account_problems(key, account)
    ]
    codes: dict[str, str] = {}
    for key, journal in chart.journals.items():
        name = journal_labels().get(key, key)
        if not JOURNAL_CODE.fullmatch(journal.code):
            errors.append(
                FieldError(
                    f"journal.{key}",
                    tr(
                        "{journal}: the code is 1 to 10 capital letters or digits.",
                        journal=name,
                    ),
                )
            )
        elif journal.code in codes:
            errors.append(
                FieldError(
                    f"journal.{key}",
                    tr(
                        "{journal}: the code {code} is already the {other}'s.",
                        journal=name,
                        code=journal.code,
                        other=journal_labels().get(codes[journal.code], codes[journal.code]),
                    ),
                )
            )
        codes.setdefault(journal.code, key)
        if not journal.label.strip() or len(journal.label) > LABEL_LENGTH:
            errors.append(
                FieldError(
                    f"journal.{key}",
                    tr(
                        "{journal}: a label is needed, {count} characters at most.",
                        journal=name,
                        count=LABEL_LENGTH,
                    ),
                )
            )
    if not AUXILIARY_PREFIX.fullmatch(chart.auxiliary_prefix):
        errors.append(
            FieldError(
                "auxiliary.prefix",
                tr("Members' auxiliary accounts: the prefix is at most 8 capitals or digits."),
            )
        )
    return errors


def _account_problems(key: str, account: Account) -> list[FieldError]:
    role = account_labels()[key]
    field = f"account.{key}"
    if not account.number:
        return [FieldError(field, tr("{role}: an account number is needed.", role=role))]
    if not ACCOUNT_NUMBER.fullmatch(account.number):
        return [
            FieldError(
                field,
                tr(
                    "{role}: {number} is not an account number (three digits first, then "
                    "up to 17 digits or capitals).",
                    role=role,
                    number=account.number,
                ),
            )
        ]
    expected = CLASSES[key]
    if not account.number.startswith(expected):
        return [
            FieldError(
                field,
                tr(
                    "{role}: the account must begin with {prefix} in the French chart, "
                    "not {number}.",
                    role=role,
                    prefix=expected,
                    number=account.number,
                ),
            )
        ]
    if not account.label.strip() or len(account.label) > LABEL_LENGTH:
        return [
            FieldError(
                field,
                tr(
                    "{role}: a label is needed, {count} characters at most.",
                    role=role,
                    count=LABEL_LENGTH,
                ),
            )
        ]
    return []
