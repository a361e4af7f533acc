"""Members, their employees, portal accounts and SEPA mandates, as bulk rows."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from backoffice import clock
from backoffice.demo import employees, identifiers
from backoffice.demo.bulk import BulkWriter
from backoffice.demo.data import LEGAL_FORMS, TRADES
from backoffice.demo.draw import between, pick
from backoffice.demo.employees import EmployeeFacts, EmployeeGenerator
from backoffice.demo.people import Address, NamePools, address, email_for, phone
from backoffice.models.employees import FollowUpCategory
from backoffice.models.members import member_search_text

RISK_CATEGORY: dict[str, FollowUpCategory] = {}  # filled from the database by the generator


# (share of members, smallest, largest workforce): mostly small firms, a few large ones.
WORKFORCE_BANDS = [
    (0.50, 1, 5),
    (0.30, 6, 15),
    (0.14, 16, 50),
    (0.055, 51, 200),
    (0.005, 201, 2000),
]


@dataclass
class MemberFacts:
    id: int
    code: str
    name: str
    address: Address
    joined_on: date
    ceased_on: date | None
    centre_id: int
    account_id: int
    mandate_signed_on: date | None
    employee_count: int = 0
    active: list[EmployeeFacts] = field(default_factory=list)  # employees not exited
    headcounts: dict[date, dict[FollowUpCategory, int]] = field(default_factory=dict)
    # Written once the billing has set its first and last collections.
    mandate_row: dict[str, object] | None = None

    def headcounts_on(self, day: date) -> dict[FollowUpCategory, int]:
        """Employees present on ``day`` per category (days counted while generating)."""
        return self.headcounts[day]


def workforce_size(rng: random.Random) -> int:
    draw = rng.random()
    for share, low, high in WORKFORCE_BANDS:
        if draw < share:
            return between(rng, low, high)
        draw -= share
    return between(rng, 1, 5)


def random_day(rng: random.Random, start: date, end: date) -> date:
    span = (end - start).days
    return start + timedelta(days=between(rng, 0, max(span, 0)))


def company_name(rng: random.Random, pools: NamePools, trade: str) -> str:
    last = pick(rng, pools.last)
    pattern = int(rng.random() * 4)
    if pattern == 0:
        return f"{trade} {last}"
    if pattern == 1:
        return f"{last} et Fils"
    if pattern == 2:
        return f"{trade} d'Alsace {last}"
    return f"Ets {last}"


class MemberFactory:
    """Builds one member and everything hanging off it into a :class:`BulkWriter`."""

    def __init__(
        self,
        rng: random.Random,
        pools: NamePools,
        today: date,
        portal_hash: str,
        centres: dict[int, list[int]],
        count_years: Sequence[int],
    ) -> None:
        """``centres`` maps each visit centre to the doctors who consult there;
        ``count_years`` are the years whose workforce the billing counts."""
        self.rng = rng
        self.pools = pools
        self.today = today
        self.portal_hash = portal_hash
        self.centres = centres
        self.centre_ids = sorted(centres)
        self.count_years = list(count_years)
        self.first_names = pools.female_first + pools.male_first
        self.now = clock.now()
        self.employees = EmployeeGenerator(rng, pools, today, RISK_CATEGORY, self.now)

    def build(
        self,
        writer: BulkWriter,
        member_id: int,
        employee_id: int,
        account_id: int,
        mandate_id: int,
        *,
        employee_count: int | None = None,
    ) -> MemberFacts:
        rng = self.rng
        code = f"{100000 + member_id}"
        naf, trade = pick(rng, TRADES)
        name = company_name(rng, self.pools, trade)
        legal_name = f"{name} {pick(rng, LEGAL_FORMS)}".upper()
        place = address(rng)
        joined_on = (
            random_day(rng, date(1990, 1, 1), self.today - timedelta(days=200))
            if rng.random() < 0.93
            else random_day(rng, date(self.today.year, 1, 2), self.today - timedelta(days=30))
        )
        ceased_on = (
            random_day(
                rng,
                max(joined_on, self.today - timedelta(days=700)),
                self.today - timedelta(days=20),
            )
            if rng.random() < 0.03
            else None
        )
        contact = f"{pick(rng, self.first_names)} {pick(rng, self.pools.last)}"
        siret = identifiers.siret(rng)
        writer.add(
            "members",
            {
                "id": member_id,
                "member_code": code,
                "legal_name": legal_name,
                "trade_name": name if rng.random() < 0.4 else None,
                "siret": siret,
                "naf_code": naf,
                "status": "ceased" if ceased_on else "active",
                "joined_on": joined_on,
                "activity_started_on": joined_on - timedelta(days=between(rng, 0, 3000)),
                "ceased_on": ceased_on,
                "has_employees": ceased_on is None,
                "address_line1": place.line1,
                "address_line2": place.line2,
                "postcode": place.postcode,
                "city": place.city,
                "country_code": "FR",
                "contact_name": contact,
                "phone": phone(rng),
                "email": email_for(contact, name),
                "billing_name": None,
                "billing_address_line1": None,
                "billing_address_line2": None,
                "billing_postcode": None,
                "billing_city": None,
                "billing_email": email_for("comptabilite", name) if rng.random() < 0.5 else None,
                "convocation_contact_name": contact,
                "convocation_address_line1": None,
                "convocation_address_line2": None,
                "convocation_postcode": None,
                "convocation_city": None,
                "convocation_phone": phone(rng),
                "convocation_email": email_for("rh", name) if rng.random() < 0.6 else None,
                # one member in ten wants its documents by post (no draw: same demo)
                "documents_by": "post" if member_id % 10 == 3 else "email",
                "visit_centre_id": (centre_id := self.centre_ids[member_id % len(self.centre_ids)]),
                "referent_professional_id": pick(rng, self.centres[centre_id]),
                "search_text": member_search_text(
                    code, legal_name, None, siret, place.postcode, place.city
                ),
                "version": 1,
                "created_at": self.now,
                "updated_at": self.now,
            },
        )
        facts = MemberFacts(
            id=member_id,
            code=code,
            name=legal_name,
            address=place,
            joined_on=joined_on,
            ceased_on=ceased_on,
            centre_id=centre_id,
            account_id=account_id,
            mandate_signed_on=None,
        )
        workforce = self.employees.generate(
            writer.table("employees", employees.COLUMNS),
            writer.table("employee_risk_factors", employees.RISK_COLUMNS),
            member_id,
            joined_on,
            ceased_on,
            employee_id,
            employee_count if employee_count is not None else workforce_size(rng),
            [max(date(year, 1, 1), joined_on) for year in self.count_years],
        )
        facts.employee_count, facts.active, facts.headcounts = workforce
        self._portal_account(writer, facts, contact)
        if ceased_on is None and rng.random() < 0.3:
            facts.mandate_row = self._mandate(facts, mandate_id)
            facts.mandate_signed_on = facts.mandate_row["signed_on"]  # type: ignore[assignment]
        return facts

    def _portal_account(self, writer: BulkWriter, member: MemberFacts, contact: str) -> None:
        rng = self.rng
        logged_in = rng.random() < 0.75
        writer.add(
            "portal_accounts",
            {
                "id": member.account_id,
                "login": member.code,
                "kind": "member",
                "member_id": member.id,
                "firm_id": None,
                "password_hash": self.portal_hash,
                "must_change_password": not logged_in,
                "temporary_password_expires_at": None,
                "recovery_email": email_for(contact, member.name) if logged_in else None,
                "last_login_at": clock.at_local(
                    random_day(rng, self.today - timedelta(days=90), self.today), clock_time(rng)
                )
                if logged_in
                else None,
                "failed_attempt_count": 0,
                "locked_at": None,
                "lock_reason": None,
                "is_active": True,
                "version": 1,
                "created_at": self.now,
                "updated_at": self.now,
            },
        )

    def _mandate(self, member: MemberFacts, mandate_id: int) -> dict[str, object]:
        """The mandate's row, for the caller to write once its collections are known."""
        iban, bic = identifiers.bank_account(self.rng)
        signed_on = random_day(
            self.rng, max(member.joined_on, date(2015, 1, 1)), date(self.today.year - 2, 1, 31)
        )
        row: dict[str, object] = {
            "id": mandate_id,
            "member_id": member.id,
            "rum": identifiers.mandate_reference(member.code),
            "signed_on": signed_on,
            "iban": iban,
            "bic": bic,
            "debtor_name": member.name[:70],
            "debtor_street": member.address.line1[:70],
            "debtor_postcode": member.address.postcode,
            "debtor_town": member.address.city[:35],
            "debtor_country": "FR",
            "email": None,
            "status": "active",
            "first_collected_on": None,
            "last_collected_on": None,
            "revoked_on": None,
            "created_by_id": None,
            "change_request_id": None,
            "version": 1,
            "created_at": self.now,
            "updated_at": self.now,
        }
        return row


def clock_time(rng: random.Random) -> time:
    return time(between(rng, 7, 19), between(rng, 0, 59))
