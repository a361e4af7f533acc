"""The service's SEPA creditor, taken from the service's identity and checked before any
file: its name, head-office address, creditor identifier (ICS) and the account debits
are paid into.

The settings already refuse a bad identity; it is checked again here because a file must
never leave with one (a value stored by an older version, or by hand).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.identity import ServiceIdentity
from backoffice.reports.sepa import pain008
from backoffice.services import identity as identity_service
from backoffice.services import settings, validation
from backoffice.services.errors import FieldError, ValidationFailed
from backoffice.services.identity import Purpose
from backoffice.services.permissions import Actor, Permission, require


def problems(identity: ServiceIdentity) -> list[FieldError]:
    """What stops a file: a part missing, or one the checks refuse."""
    errors = [
        FieldError("service_identity", tr("Missing: {part}.", part=part))
        for part in identity_service.missing(identity, Purpose.DIRECT_DEBITS)
    ]
    names = identity_service.labels()
    account = identity.direct_debit_account
    checks = [
        (
            "creditor_id",
            identity.creditor_id
            and validation.check_creditor_id(names["creditor_id"], identity.creditor_id),
        ),
        (
            "address.country_code",
            validation.check_country(names["address.country_code"], identity.address.country_code),
        ),
    ]
    if account is not None:
        checks += [
            ("iban", validation.check_sepa_iban(tr("Creditor IBAN"), account.iban)),
            ("bic", validation.check_bic(tr("Creditor BIC"), account.bic, account.iban)),
        ]
    return errors + [FieldError(field, message) for field, message in checks if message]


def load(session: Session) -> pain008.Creditor:
    """The creditor of the files; refuses (in French) an incomplete or invalid identity."""
    identity = identity_service.load(session)
    errors = problems(identity)
    if errors:
        raise ValidationFailed(
            [
                FieldError(
                    error.field,
                    tr("Creditor identity (Settings): {problem}", problem=error.message),
                )
                for error in errors
            ]
        )
    account = identity.direct_debit_account
    assert account is not None  # problems() said so otherwise
    address = identity.address
    return pain008.Creditor(
        name=identity.legal_name,
        creditor_id=identity.creditor_id,
        iban=account.iban,
        bic=account.bic,
        address=pain008.PostalAddress(
            street=address.line1,
            postcode=address.postcode,
            town=address.city,
            country=address.country_code,
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
    require(session, actor, Permission.BILLING_VIEW)
    identity = identity_service.load(session)
    account = identity.direct_debit_account
    address = identity.address
    return CreditorSummary(
        name=identity.legal_name,
        creditor_id=identity.creditor_id,
        iban=account.iban if account else "",
        bic=account.bic if account else "",
        address=f"{', '.join(address.lines)} ({address.country_code})",
        schema=str(settings.get(session, "sepa.schema")),
        notice_days=notice_days(session),
        problems=tuple(error.message for error in problems(identity)),
    )
