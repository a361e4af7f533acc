"""Members, their employees, portal accounts and SEPA mandates, as bulk rows."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from backoffice import clock
from backoffice.demo import identifiers
from backoffice.demo.bulk import BulkWriter
from backoffice.demo.data import JOBS, LEGAL_FORMS, SIA_RISKS, TRADES
from backoffice.demo.people import Address, NamePools, address, email_for, phone
from backoffice.models.employees import FollowUpCategory
from backoffice.models.members import member_search_text

RISK_CATEGORY: dict[str, FollowUpCategory] = {}  # filled from the database by the generator

_JOB_CUMULATIVE = list(itertools.accumulate(job[2] for job in JOBS))
_BIRTH_FIRST = date(1960, 1, 1).toordinal()
_BIRTH_SPAN = date(2006, 12, 31).toordinal() - _BIRTH_FIRST


def _category_of(risks: list[str]) -> FollowUpCategory:
    category = FollowUpCategory.SI
    for risk in risks:
        found = RISK_CATEGORY[risk]
        if found == FollowUpCategory.SIR:
            return found
        category = found
    return category


# (share of members, smallest, largest workforce): mostly small firms, a few large ones.
WORKFORCE_BANDS = [
    (0.50, 1, 5),
    (0.30, 6, 15),
    (0.14, 16, 50),
    (0.055, 51, 200),
    (0.005, 201, 2000),
]


@dataclass
class EmployeeFacts:
    """What the billing and agenda generators need to know of an employee."""

    id: int
    category: FollowUpCategory
    hired_on: date
    exited_on: date | None
    from_portal: bool


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
    employees: list[EmployeeFacts] = field(default_factory=list)
    mandate_row: dict[str, object] | None = None  # updated with the collection dates

    def headcounts_on(self, day: date) -> dict[FollowUpCategory, int]:
        counts = dict.fromkeys(FollowUpCategory, 0)
        for employee in self.employees:
            if employee.hired_on <= day and (
                employee.exited_on is None or employee.exited_on >= day
            ):
                counts[employee.category] += 1
        return counts


def workforce_size(rng: random.Random) -> int:
    draw = rng.random()
    for share, low, high in WORKFORCE_BANDS:
        if draw < share:
            return rng.randint(low, high)
        draw -= share
    return rng.randint(1, 5)


def random_day(rng: random.Random, start: date, end: date) -> date:
    span = (end - start).days
    return start + timedelta(days=rng.randint(0, max(span, 0)))


def company_name(rng: random.Random, pools: NamePools, trade: str) -> str:
    last = rng.choice(pools.last)
    pattern = rng.randrange(4)
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
    ) -> None:
        """``centres`` maps each visit centre to the doctors who consult there."""
        self.rng = rng
        self.pools = pools
        self.today = today
        self.portal_hash = portal_hash
        self.centres = centres
        self.centre_ids = sorted(centres)
        self.now = clock.now()

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
        naf, trade = rng.choice(TRADES)
        name = company_name(rng, self.pools, trade)
        legal_name = f"{name} {rng.choice(LEGAL_FORMS)}".upper()
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
        contact = (
            f"{rng.choice(self.pools.female_first + self.pools.male_first)} "
            f"{rng.choice(self.pools.last)}"
        )
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
                "activity_started_on": joined_on - timedelta(days=rng.randint(0, 3000)),
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
                "visit_centre_id": (centre_id := self.centre_ids[member_id % len(self.centre_ids)]),
                "referent_professional_id": rng.choice(self.centres[centre_id]),
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
        count = employee_count if employee_count is not None else workforce_size(rng)
        self._employees(writer, facts, employee_id, count)
        self._portal_account(writer, facts, contact)
        if ceased_on is None and rng.random() < 0.3:
            facts.mandate_row = self._mandate(writer, facts, mandate_id)
            facts.mandate_signed_on = facts.mandate_row["signed_on"]  # type: ignore[assignment]
        return facts

    def _employees(
        self, writer: BulkWriter, member: MemberFacts, first_id: int, count: int
    ) -> None:
        """``count`` employees, drawn in batches (a million of them must stay cheap)."""
        rng = self.rng
        jobs = rng.choices(JOBS, cum_weights=_JOB_CUMULATIVE, k=count)
        last_names = rng.choices(self.pools.last, k=count)
        end = member.ceased_on or self.today
        hire_span = (end - member.joined_on).days + 1
        recent_start = max(member.joined_on, self.today - timedelta(days=45))
        recent_span = (self.today - recent_start).days + 1
        for offset, (job, last_name) in enumerate(zip(jobs, last_names, strict=True)):
            employee_id = first_id + offset
            female = rng.random() < 0.45
            pcs, title, _weight, likely = job
            risks = [risk for risk in likely if rng.random() < 0.7]
            if rng.random() < 0.05:
                risks.append(SIA_RISKS[int(rng.random() * len(SIA_RISKS))])
            category = _category_of(risks)
            from_portal = member.ceased_on is None and rng.random() < 0.03
            if from_portal:
                hired_on = recent_start + timedelta(days=int(rng.random() * recent_span))
            else:
                hired_on = member.joined_on + timedelta(days=int(rng.random() * hire_span))
            exited_on = member.ceased_on
            if exited_on is None and not from_portal and rng.random() < 0.08:
                exited_on = hired_on + timedelta(
                    days=int(rng.random() * ((self.today - hired_on).days + 1))
                )
            visit_start = max(hired_on, self.today - timedelta(days=1900))
            last_visit = (
                visit_start
                + timedelta(days=int(rng.random() * ((self.today - visit_start).days + 1)))
                if rng.random() < 0.7
                else None
            )
            firsts = self.pools.female_first if female else self.pools.male_first
            writer.add(
                "employees",
                {
                    "id": employee_id,
                    "member_id": member.id,
                    "civility": "Mme" if female else "M.",
                    "last_name": last_name,
                    "first_name": firsts[int(rng.random() * len(firsts))],
                    "birth_date": date.fromordinal(_BIRTH_FIRST + int(rng.random() * _BIRTH_SPAN)),
                    "pcs_code": pcs,
                    "job_title": title,
                    "follow_up_category": category.value,
                    "hired_on": hired_on,
                    "exited_on": exited_on,
                    "exit_reason": None
                    if exited_on is None
                    else ("Cessation d'activité" if member.ceased_on else "Fin de contrat"),
                    "origin": "portal" if from_portal else "backoffice",
                    "last_visit_on": last_visit,
                    "version": 1,
                    "created_at": self.now,
                    "updated_at": self.now,
                },
            )
            for risk in set(risks):
                writer.add("employee_risk_factors", {"employee_id": employee_id, "risk_code": risk})
            member.employees.append(
                EmployeeFacts(employee_id, category, hired_on, exited_on, from_portal)
            )

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

    def _mandate(
        self, writer: BulkWriter, member: MemberFacts, mandate_id: int
    ) -> dict[str, object]:
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
        writer.add("sepa_mandates", row)
        return row


def clock_time(rng: random.Random) -> time:
    return time(rng.randint(7, 19), rng.randrange(0, 60))
