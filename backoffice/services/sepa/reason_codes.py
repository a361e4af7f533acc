"""The ISO 20022 reason codes of returned direct debits (R-transactions) staff meet."""

from __future__ import annotations

from backoffice.i18n import tr

# Codes after which debiting the same account again is pointless: the mandate should go.
MANDATE_UNUSABLE = frozenset({"AC01", "AC04", "AC06", "AG01", "MD01", "MD07", "RC01"})


def reason_labels() -> dict[str, str]:
    return {
        "AM04": tr("Insufficient funds"),
        "AC01": tr("Incorrect account number"),
        "AC04": tr("Account closed"),
        "AC06": tr("Account blocked"),
        "AC13": tr("Invalid debtor account type"),
        "AG01": tr("Direct debit forbidden on this account"),
        "AG02": tr("Invalid bank operation code"),
        "AM05": tr("Duplicate collection"),
        "BE05": tr("Unrecognised creditor"),
        "FF01": tr("Invalid file format"),
        "MD01": tr("No mandate"),
        "MD02": tr("Missing or incorrect mandate information"),
        "MD06": tr("Refund requested by the debtor"),
        "MD07": tr("Debtor deceased"),
        "MS02": tr("Refused by the debtor"),
        "MS03": tr("Reason not specified"),
        "RC01": tr("Incorrect BIC"),
        "RR01": tr("Missing debtor account or identification"),
        "RR02": tr("Missing debtor name or address"),
        "RR03": tr("Missing creditor name or address"),
        "RR04": tr("Regulatory reason"),
        "SL01": tr("Specific service of the debtor's bank"),
    }


def reason_label(code: str | None) -> str:
    if not code:
        return tr("unknown reason")
    return reason_labels().get(code, tr("unknown reason"))
