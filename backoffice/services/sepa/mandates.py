"""SEPA mandates: created when a portal opt-in is approved, or by staff; revoked; lapsed.

A mandate's unique reference (*RUM*, référence unique de mandat) is at most 35 characters:
``STRV-<member code>-<sequence>``, the sequence counting the member's mandates. A member
has at most one active mandate (a database constraint): a new one revokes the previous.
A mandate not used for 36 months lapses (*caduc*, EPC rulebook): it counts from the last
collection presented, or from the signature when it was never used.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import Meaning, day_problem, format_day
from backoffice.i18n import tr
from backoffice.models import MandateStatus, Member, SepaMandate
from backoffice.reports.sepa import pain008
from backoffice.reports.sepa.charset import transliterated
from backoffice.services import audit, validation
from backoffice.services.errors import (
    Conflict,
    FieldError,
    NotFound,
    ServiceError,
    ValidationFailed,
)
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.sepa import french_accounts

RUM_PREFIX = "STRV"
LIFETIME_MONTHS = 36


@dataclass(frozen=True)
class DebtorDetails:
    """The account holder as the bank knows it, with a structured postal address."""

    name: str
    street: str | None = None
    postcode: str | None = None
    town: str | None = None
    country: str = "FR"


@dataclass(frozen=True)
class MandateInfo:
    id: int
    member_id: int
    rum: str
    iban: str
    bic: str
    signed_on: date
    status: MandateStatus
    debtor_name: str = ""
    name_in_file: str | None = None  # the name the bank receives, when transliterated


def rum_for(member_code: str, sequence: int) -> str:
    reference = f"{RUM_PREFIX}-{member_code}-{sequence:03d}"
    assert len(reference) <= 35
    return reference


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@lru_cache(maxsize=8192)
def lapses_on(signed_on: date, last_collected_on: date | None) -> date:
    """The day a mandate lapses if no collection is presented before (a review asks it
    for thousands of mandates signed or used on a few hundred days)."""
    return add_months(last_collected_on or signed_on, LIFETIME_MONTHS)


def check_bank_details(iban: str, bic: str) -> None:
    errors = [
        FieldError(field, message)
        for field, message in (
            ("iban", validation.check_sepa_iban(tr("IBAN"), iban)),
            ("bic", validation.check_bic(tr("BIC"), bic, iban)),
        )
        if message
    ]
    if errors:
        raise ValidationFailed(errors)


_BANK_BICS: dict[tuple[str, str, str], str | None] = {}


def _bank_bic(iban: IBAN) -> str | None:
    """The first 8 characters of the BIC of the IBAN's bank (schwifty's registry), looked
    up once per bank: a collection has thousands of accounts in a few dozen banks."""
    key = (iban.country_code, iban.bank_code, iban.branch_code)
    if key not in _BANK_BICS:
        found = iban.bic
        _BANK_BICS[key] = found.compact[:8] if found is not None else None
    return _BANK_BICS[key]


@lru_cache(maxsize=100_000)
def _bank_details_fine(iban: str, bic: str) -> bool:
    """schwifty's checks of an account, remembered: a collection's review and its export
    check the same few thousand accounts one after the other (the answer is the same
    for a given IBAN and BIC whatever the language or the moment). A French account is
    first checked in plain arithmetic (:mod:`french_accounts`: the same rules with
    schwifty's registry read once); schwifty decides whatever that path does not accept."""
    if french_accounts.fine(iban, bic):
        return True
    try:
        parsed = IBAN(iban, validate_bban=True)
        given = BIC(bic)
    except SchwiftyException:
        return False
    if not parsed.in_sepa_zone:
        return False
    expected = _bank_bic(parsed)
    return expected is None or expected == given.compact[:8]


def bank_details_problem(iban: str, bic: str) -> str | None:
    """What is wrong with a stored IBAN and BIC (a French sentence), or None.

    One parse of the IBAN on the usual path (a collection checks thousands); the
    validation helpers word the problem when there is one.
    """
    if _bank_details_fine(iban, bic):
        return None
    return validation.check_sepa_iban(tr("IBAN"), iban) or validation.check_bic(
        tr("BIC"), bic, iban
    )


def check_debtor(debtor: DebtorDetails, signed_on: date) -> None:
    checks = [
        ("debtor_name", validation.check_required(tr("Account holder"), debtor.name)),
        ("signed_on", _check_signature_date(signed_on)),
        ("debtor_country", _check_country(debtor.country)),
    ]
    if debtor.country.upper() == "FR":
        checks.append(
            ("debtor_postcode", validation.check_postcode(tr("Postcode"), debtor.postcode))
        )
    errors = [FieldError(field, message) for field, message in checks if message]
    if errors:
        raise ValidationFailed(errors)


def _check_signature_date(signed_on: date) -> str | None:
    if signed_on > clock.today():
        return tr("Signature date: {day} is in the future.", day=format_day(signed_on))
    return day_problem(Meaning.MANDATE_SIGNED, lambda: tr("Signature date"), signed_on)


def _check_country(country: str) -> str | None:
    if len(country) != 2 or not country.isalpha():
        return tr("Country: {value} is not a two-letter country code.", value=country)
    return None


def _debtor_of(member: Member) -> DebtorDetails:
    return DebtorDetails(
        name=member.legal_name,
        street=member.address_line1,
        postcode=member.postcode,
        town=member.city,
        country=member.country_code,
    )


def info(mandate: SepaMandate) -> MandateInfo:
    return MandateInfo(
        mandate.id,
        mandate.member_id,
        mandate.rum,
        mandate.iban,
        mandate.bic,
        mandate.signed_on,
        mandate.status,
        mandate.debtor_name,
        transliterated(mandate.debtor_name, pain008.NAME_LENGTH),
    )


def create_mandate(
    session: Session,
    actor: Actor,
    member_id: int,
    iban: str,
    bic: str,
    *,
    signed_on: date,
    email: str | None = None,
    debtor: DebtorDetails | None = None,
) -> MandateInfo:
    """A new active mandate for the member (revoking the active one, if any), recorded by
    staff who manage the direct debits. ``debtor`` defaults to the member's legal name and
    address."""
    require(session, actor, Permission.SEPA_MANAGE)
    return _new_mandate(
        session, actor, member_id, iban, bic, signed_on=signed_on, email=email, debtor=debtor
    )


def create_opt_in_mandate(
    session: Session,
    actor: Actor,
    change_request_id: int,
    member_id: int,
    iban: str,
    bic: str,
    *,
    signed_on: date,
    email: str | None = None,
) -> MandateInfo:
    """The mandate of a SEPA opt-in submitted on the portal, on behalf of the staff member
    who approved it (``changes.review``)."""
    require(session, actor, Permission.CHANGES_REVIEW)
    return _new_mandate(
        session,
        actor,
        member_id,
        iban,
        bic,
        signed_on=signed_on,
        email=email,
        change_request_id=change_request_id,
    )


def _new_mandate(
    session: Session,
    actor: Actor,
    member_id: int,
    iban: str,
    bic: str,
    *,
    signed_on: date,
    email: str | None = None,
    change_request_id: int | None = None,
    debtor: DebtorDetails | None = None,
) -> MandateInfo:
    check_bank_details(iban, bic)
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(tr("This member no longer exists."))
    holder = debtor or _debtor_of(member)
    check_debtor(holder, signed_on)
    if email and (message := validation.check_email(tr("Email"), email)):
        raise ValidationFailed.single("email", message)
    compact_iban = IBAN(validation.compact(iban)).compact
    for previous in session.scalars(
        select(SepaMandate).where(
            SepaMandate.member_id == member_id, SepaMandate.status == MandateStatus.ACTIVE
        )
    ):
        previous.status = MandateStatus.REVOKED
        previous.revoked_on = signed_on
        audit.record(
            session,
            actor,
            "mandate.revoke",
            "sepa_mandate",
            previous.id,
            member_id=member_id,
            summary=tr("Replaced by a new mandate"),
            before={"status": MandateStatus.ACTIVE},
            after={"status": MandateStatus.REVOKED, "revoked_on": signed_on},
        )
    session.flush()
    count = (
        session.scalar(
            select(func.count()).select_from(SepaMandate).where(SepaMandate.member_id == member_id)
        )
        or 0
    )
    mandate = SepaMandate(
        member_id=member_id,
        rum=rum_for(member.member_code, count + 1),
        signed_on=signed_on,
        iban=compact_iban,
        bic=validation.compact(bic),
        debtor_name=holder.name.strip()[:140],
        debtor_street=(holder.street or "").strip()[:70] or None,
        debtor_postcode=validation.compact(holder.postcode or "")[:16] or None,
        debtor_town=(holder.town or "").strip()[:35] or None,
        debtor_country=holder.country.upper(),
        email=email or None,
        created_by_id=actor.staff_id,
        change_request_id=change_request_id,
    )
    session.add(mandate)
    session.flush()
    audit.record(
        session,
        actor,
        "mandate.create",
        "sepa_mandate",
        mandate.id,
        member_id=member_id,
        after={
            "rum": mandate.rum,
            "iban": mandate.iban,
            "bic": mandate.bic,
            "signed_on": signed_on,
            "debtor_name": mandate.debtor_name,
        },
    )
    return info(mandate)


def _active_mandate(session: Session, mandate_id: int, expected_version: int | None) -> SepaMandate:
    mandate = session.get(SepaMandate, mandate_id, with_for_update=True)
    if mandate is None:
        raise NotFound(tr("This mandate no longer exists."))
    if expected_version is not None and mandate.version != expected_version:
        raise Conflict(
            tr("A colleague changed this mandate since you opened it; reload and try again.")
        )
    if mandate.status != MandateStatus.ACTIVE:
        raise ServiceError(
            tr("The mandate {rum} is no longer active: nothing to do.", rum=mandate.rum)
        )
    return mandate


def revoke_mandate(
    session: Session,
    actor: Actor,
    mandate_id: int,
    *,
    revoked_on: date,
    reason: str,
    expected_version: int | None = None,
) -> MandateInfo:
    """The member withdrew its mandate (letter, portal, closed account...)."""
    require(session, actor, Permission.SEPA_MANAGE)
    errors = []
    if revoked_on > clock.today():
        errors.append(
            FieldError(
                "revoked_on",
                tr(
                    "Revocation date: {day} is in the future.",
                    day=format_day(revoked_on),
                ),
            )
        )
    if not reason.strip():
        errors.append(FieldError("reason", tr("A reason is required.")))
    if errors:
        raise ValidationFailed(errors)
    mandate = _active_mandate(session, mandate_id, expected_version)
    if revoked_on < mandate.signed_on:
        raise ValidationFailed.single(
            "revoked_on",
            tr(
                "Revocation date: {day} is before the signature of the mandate ({signed}).",
                day=format_day(revoked_on),
                signed=format_day(mandate.signed_on),
            ),
        )
    mandate.status = MandateStatus.REVOKED
    mandate.revoked_on = revoked_on
    session.flush()
    audit.record(
        session,
        actor,
        "mandate.revoke",
        "sepa_mandate",
        mandate.id,
        member_id=mandate.member_id,
        summary=reason.strip(),
        before={"status": MandateStatus.ACTIVE},
        after={"status": MandateStatus.REVOKED, "revoked_on": revoked_on},
    )
    return info(mandate)


def lapse_mandates(session: Session, actor: Actor) -> list[MandateInfo]:
    """Mark lapsed the active mandates unused for 36 months (as of today)."""
    require(session, actor, Permission.SEPA_MANAGE)
    today = clock.today()
    # A coarse bound in SQL (a few days of margin for month ends), the exact rule below.
    last_use = func.coalesce(SepaMandate.last_collected_on, SepaMandate.signed_on)
    lapsed = []
    for mandate in session.scalars(
        select(SepaMandate)
        .where(
            SepaMandate.status == MandateStatus.ACTIVE,
            last_use <= add_months(today, -LIFETIME_MONTHS) + timedelta(days=3),
        )
        .order_by(SepaMandate.id)
        .with_for_update()
    ):
        ends_on = lapses_on(mandate.signed_on, mandate.last_collected_on)
        if ends_on > today:
            continue
        mandate.status = MandateStatus.LAPSED
        audit.record(
            session,
            actor,
            "mandate.lapse",
            "sepa_mandate",
            mandate.id,
            member_id=mandate.member_id,
            summary=tr(
                "Unused for 36 months (last use {day})",
                day=format_day(mandate.last_collected_on or mandate.signed_on),
            ),
            before={"status": MandateStatus.ACTIVE},
            after={"status": MandateStatus.LAPSED},
        )
        lapsed.append(mandate)
    session.flush()
    return [info(mandate) for mandate in lapsed]
