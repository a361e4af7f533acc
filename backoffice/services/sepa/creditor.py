"""The service's creditor identity (``sepa.creditor`` setting), checked before any file.

The settings dialog already refuses a bad identity; the identity is checked again here
because a file must never leave with one (a value stored by an older version, or by hand).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.reports.sepa import pain008
from backoffice.services import settings, validation
from backoffice.services.errors import FieldError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

ADDRESS_FIELDS = ("street", "postcode", "town", "country")


def problems(value: dict[str, Any]) -> list[FieldError]:
    errors = settings.problems("sepa.creditor", value)
    labels = {
        "street": tr("Creditor street"),
        "postcode": tr("Creditor postcode"),
        "town": tr("Creditor town"),
        "country": tr("Creditor country"),
    }
    for field in ADDRESS_FIELDS:
        message = validation.check_required(labels[field], value.get(field))
        if message:
            errors.append(FieldError(field, message))
    country = str(value.get("country") or "")
    if country and (len(country) != 2 or not country.isalpha()):
        errors.append(
            FieldError(
                "country",
                tr("Creditor country: {value} is not a two-letter country code.", value=country),
            )
        )
    return errors


def load(session: Session) -> pain008.Creditor:
    """The creditor of the files; refuses (in French) an incomplete or invalid identity."""
    value = settings.get(session, "sepa.creditor")
    errors = problems(value)
    if errors:
        raise ValidationFailed(
            [
                FieldError(
                    error.field,
                    tr(
                        "Creditor identity (Settings): {problem}",
                        problem=error.message,
                    ),
                )
                for error in errors
            ]
        )
    return pain008.Creditor(
        name=str(value["name"]).strip(),
        creditor_id=str(value["creditor_id"]).replace(" ", "").upper(),
        iban=str(value["iban"]).replace(" ", "").upper(),
        bic=str(value["bic"]).replace(" ", "").upper(),
        address=pain008.PostalAddress(
            street=str(value["street"]),
            postcode=str(value["postcode"]),
            town=str(value["town"]),
            country=str(value["country"]).upper(),
        ),
    )


def schema(session: Session) -> str:
    chosen = str(settings.get(session, "sepa.schema"))
    if chosen not in pain008.SCHEMAS:
        raise ValidationFailed.single(
            "schema",
            tr(
                "SEPA file format (Settings): {value} is not supported; choose {choices}.",
                value=chosen,
                choices=", ".join(pain008.SCHEMAS),
            ),
        )
    return chosen


def notice_days(session: Session) -> int:
    return int(settings.get(session, "sepa.prenotification_days"))


@dataclass(frozen=True)
class CreditorSummary:
    """The identity the files carry, as the screens show it, with what is wrong."""

    name: str
    creditor_id: str
    iban: str
    bic: str
    address: str
    schema: str
    notice_days: int
    problems: tuple[str, ...]


def summary(session: Session, actor: Actor) -> CreditorSummary:
    require(actor, Permission.BILLING_VIEW)
    value = settings.get(session, "sepa.creditor")
    chosen = str(settings.get(session, "sepa.schema"))
    address = f"{value.get('street', '')}, {value.get('postcode', '')} {value.get('town', '')}"
    return CreditorSummary(
        name=str(value.get("name", "")),
        creditor_id=str(value.get("creditor_id", "")),
        iban=str(value.get("iban", "")),
        bic=str(value.get("bic", "")),
        address=f"{address.strip(', ')} ({value.get('country', '')})",
        schema=chosen,
        notice_days=notice_days(session),
        problems=tuple(error.message for error in problems(value)),
    )
