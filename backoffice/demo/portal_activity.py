"""What the portal has been doing lately, replayed through the portal simulator:
changes submitted in the last days (every kind, a duplicate, a conflict, some out of
period), late workforce declarations, appointment and cancellation requests, accounting
firms, and accounts locked by repeated failed logins."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.demo import identifiers
from backoffice.demo.agenda import EmployeePool
from backoffice.demo.data import JOBS, TOWNS
from backoffice.demo.members import RISK_CATEGORY
from backoffice.demo.people import NamePools, address, email_for, phone
from backoffice.models import (
    AccountingFirm,
    AccountKind,
    Appointment,
    ChangeKind,
    Employee,
    FirmAccess,
    Member,
    MemberStatus,
    PortalAccount,
)
from backoffice.models.employees import FollowUpCategory, highest_category
from backoffice.portal import simulator
from backoffice.services import audit

WRONG_PASSWORD = "mauvais-mot-de-passe"
BATCH = 500  # portal actions submitted at once


class ChangeTarget(NamedTuple):
    """What a change needs to know of its member."""

    id: int
    legal_name: str
    employee_id: int | None  # the first employee still present, if any


class PortalActivity:
    def __init__(
        self,
        session: Session,
        rng: random.Random,
        pools: NamePools,
        today: date,
        portal_hash: str,
        staff_id: int,
    ) -> None:
        self.session = session
        self.rng = rng
        self.pools = pools
        self.today = today
        self.portal_hash = portal_hash
        self.staff_id = staff_id
        self.active_codes = list(
            session.scalars(
                select(Member.member_code)
                .where(Member.status == MemberStatus.ACTIVE)
                .order_by(Member.id)
            )
        )

    def recent(self, days: int = 10) -> datetime:
        day = self.today - timedelta(days=self.rng.randint(0, days))
        moment = clock.at_local(day, time(self.rng.randint(7, 21), self.rng.randrange(60)))
        return min(moment, clock.now() - timedelta(minutes=self.rng.randint(5, 600)))

    # -- member changes -------------------------------------------------------------------

    def submit_changes(self, count: int) -> int:
        """``count`` changes of every kind by random members, submitted in batches (the
        portal simulator reads and writes a batch at once)."""
        kinds = list(ChangeKind)
        codes = [self.rng.choice(self.active_codes) for _index in range(count)]
        facts = self._member_facts(codes)
        submissions = [
            submission
            for index, code in enumerate(codes)
            if (submission := self._submission(kinds[index % len(kinds)], code, facts[code]))
        ]
        self._submit_all(submissions)
        return len(submissions)

    def _submit_all(self, submissions: list[simulator.ChangeSubmission]) -> None:
        for start in range(0, len(submissions), BATCH):
            simulator.submit_changes(self.session, submissions[start : start + BATCH])
            self._lighten()

    def _lighten(self) -> None:
        """Keep the session small: every flush scans what it holds."""
        self.session.flush()
        self.session.expunge_all()

    def _member_facts(self, codes: Iterable[str]) -> dict[str, ChangeTarget]:
        """(id, legal name, first employee still present) of each member, two queries."""
        rows = self.session.execute(
            select(Member.member_code, Member.id, Member.legal_name).where(
                Member.member_code.in_(set(codes))
            )
        ).all()
        first = dict(
            self.session.execute(
                select(Employee.member_id, func.min(Employee.id))
                .where(
                    Employee.member_id.in_([row.id for row in rows]),
                    Employee.exited_on.is_(None),
                )
                .group_by(Employee.member_id)
            ).all()
        )
        return {
            row.member_code: ChangeTarget(row.id, row.legal_name, first.get(row.id)) for row in rows
        }

    def _submission(
        self,
        kind: ChangeKind,
        code: str,
        member: ChangeTarget,
        *,
        at: datetime | None = None,
        login: str | None = None,
    ) -> simulator.ChangeSubmission | None:
        values: dict[str, object]
        employee_id = None
        if kind == ChangeKind.COMPANY_RECORD:
            values = self._company_values(member.legal_name)
        elif kind == ChangeKind.SITUATION:
            values = {
                "situation": self.rng.choice(["cessation", "no_employees"]),
                "situation_date": self.today + timedelta(days=self.rng.randint(5, 60)),
            }
        elif kind == ChangeKind.SEPA_OPT_IN:
            iban, bic = identifiers.bank_account(self.rng)
            values = {"iban": iban, "bic": bic, "email": email_for("compta", member.legal_name)}
        elif kind == ChangeKind.EMPLOYEE_ADDED:
            values = self._new_employee_values()
        elif member.employee_id is None:
            return None
        elif kind == ChangeKind.EMPLOYEE_EXITED:
            employee_id = member.employee_id
            values = {
                "exited_on": self.today - timedelta(days=self.rng.randint(0, 20)),
                "exit_reason": self.rng.choice(
                    ["Démission", "Fin de CDD", "Rupture conventionnelle", "Retraite"]
                ),
            }
        else:
            employee_id = member.employee_id
            pcs, job, _weight, risks = self.rng.choice(JOBS)
            values = {
                "pcs_code": pcs,
                "job_title": job,
                "risk_factors": list(risks),
                "follow_up_category": _category(risks).value,
            }
        return simulator.ChangeSubmission(
            login or code,
            kind,
            values,
            member_code=code,
            employee_id=employee_id,
            comment="Merci de prendre en compte ce changement."
            if self.rng.random() < 0.2
            else None,
            submitted_at=at or self.recent(),
        )

    def _company_values(self, legal_name: str) -> dict[str, object]:
        variant = self.rng.randrange(5)
        if variant == 0:
            place = address(self.rng)
            return {
                "address_line1": place.line1,
                "address_line2": place.line2,
                "postcode": place.postcode,
                "city": place.city,
            }
        if variant == 1:
            return {"phone": phone(self.rng)}
        if variant == 2:
            name = f"{self.rng.choice(self.pools.female_first)} {self.rng.choice(self.pools.last)}"
            return {"contact_name": name, "email": email_for(name, legal_name)}
        if variant == 3:
            return {"billing_email": email_for("factures", legal_name)}
        postcode, city = self.rng.choice(TOWNS)
        return {
            "billing_name": legal_name,
            "billing_address_line1": "BP 42",
            "billing_postcode": postcode,
            "billing_city": city,
        }

    def _new_employee_values(self) -> dict[str, object]:
        female = self.rng.random() < 0.5
        pcs, job, _weight, risks = self.rng.choice(JOBS)
        return {
            "civility": "Mme" if female else "M.",
            "last_name": self.rng.choice(self.pools.last),
            "first_name": self.rng.choice(
                self.pools.female_first if female else self.pools.male_first
            ),
            "birth_date": date(
                self.rng.randint(1965, 2005), self.rng.randint(1, 12), self.rng.randint(1, 28)
            ),
            "pcs_code": pcs,
            "job_title": job,
            "hired_on": self.today - timedelta(days=self.rng.randint(0, 15)),
            "risk_factors": list(risks),
            "follow_up_category": _category(risks).value,
        }

    def special_cases(self) -> None:
        """A duplicate, a conflict with a staff edit, and employee requests sent in January
        while 'Mes salariés' was closed."""
        code = self.rng.choice(self.active_codes)
        values = {"phone": "03 89 00 00 00"}
        for _ in range(2):
            simulator.submit_change(
                self.session, code, ChangeKind.COMPANY_RECORD, values, submitted_at=self.recent(3)
            )
        member = self.session.scalar(
            select(Member).where(Member.member_code == self.rng.choice(self.active_codes))
        )
        assert member is not None
        simulator.submit_change(
            self.session,
            member.member_code,
            ChangeKind.COMPANY_RECORD,
            {"email": "nouvelle.adresse@exemple.fr"},
            submitted_at=self.recent(4),
        )
        before = member.email
        member.email = "accueil@" + (member.email or "exemple.fr").split("@")[-1]
        audit.record(
            self.session,
            "staff:gestion",
            "member.edit",
            "member",
            member.id,
            member_id=member.id,
            before={"email": before},
            after={"email": member.email},
        )
        january = clock.at_local(date(self.today.year, 1, 12), time(9, 40))
        codes = [self.rng.choice(self.active_codes) for _kind in range(2)]
        facts = self._member_facts(codes)
        self._submit_all(
            [
                submission
                for kind, code in zip(
                    (ChangeKind.EMPLOYEE_ADDED, ChangeKind.EMPLOYEE_EXITED), codes, strict=True
                )
                if (submission := self._submission(kind, code, facts[code], at=january))
            ]
        )
        self._requests_to_reject(member)

    def _requests_to_reject(self, member: Member) -> None:
        """An update of an employee removed since (entered twice by mistake), and an opt-in
        whose IBAN has a wrong RIB key: the review can only reject them."""
        mistake = Employee(
            member_id=member.id, last_name="Doublon", first_name="Saisie", hired_on=self.today
        )
        self.session.add(mistake)
        self.session.flush()
        simulator.submit_change(
            self.session,
            member.member_code,
            ChangeKind.EMPLOYEE_UPDATED,
            {"job_title": "Magasinier"},
            employee_id=mistake.id,
            submitted_at=self.recent(2),
        )
        self.session.delete(mistake)
        simulator.submit_change(
            self.session,
            self.rng.choice(self.active_codes),
            ChangeKind.SEPA_OPT_IN,
            {"iban": identifiers.iban_with_wrong_rib_key(self.rng), "bic": "BNPAFRPP"},
            submitted_at=self.recent(2),
        )

    # -- declarations, firms, accounts ------------------------------------------------------

    def late_declarations(self, member_ids: list[int]) -> int:
        """Half of the members who had not declared this year do it now."""
        codes = dict(
            self.session.execute(
                select(Member.id, Member.member_code).where(
                    Member.id.in_(member_ids[: len(member_ids) // 2]),
                    Member.status == MemberStatus.ACTIVE,
                )
            ).all()
        )
        declarations = [
            simulator.Declaration(
                codes[member_id],
                self.today.year,
                self.rng.randint(0, 12),
                self.rng.randint(0, 3),
                self.rng.randint(0, 4),
                declared_at=self.recent(6),
            )
            for member_id in member_ids[: len(member_ids) // 2]
            if member_id in codes
        ]
        for start in range(0, len(declarations), BATCH):
            simulator.declare_workforces(self.session, declarations[start : start + BATCH])
            self._lighten()
        return len(declarations)

    def accounting_firms(self, count: int) -> list[str]:
        logins = []
        ids = self._member_ids()
        requests = []
        for number in range(1, count + 1):
            name = f"Cabinet {self.rng.choice(self.pools.last)} Expertise Comptable"
            place = address(self.rng)
            firm = AccountingFirm(
                code=f"CAB{number:04d}",
                name=name,
                siret=identifiers.siret(self.rng),
                contact_name=f"{self.rng.choice(self.pools.male_first)} "
                f"{self.rng.choice(self.pools.last)}",
                email=email_for("contact", name),
                phone=phone(self.rng),
                address_line1=place.line1,
                postcode=place.postcode,
                city=place.city,
            )
            self.session.add(firm)
            self.session.flush()
            self.session.add(
                PortalAccount(
                    login=firm.code,
                    kind=AccountKind.FIRM,
                    firm_id=firm.id,
                    password_hash=self.portal_hash,
                    must_change_password=False,
                    recovery_email=firm.email,
                    last_login_at=self.recent(20),
                )
            )
            clients = self.rng.sample(
                self.active_codes, k=min(len(self.active_codes), self.rng.randint(4, 25))
            )
            self.session.add_all(
                FirmAccess(
                    firm_id=firm.id,
                    member_id=ids[code],
                    consent_on=self.today - timedelta(days=self.rng.randint(30, 1500)),
                    granted_at=clock.now() - timedelta(days=self.rng.randint(30, 1500)),
                    granted_by_id=self.staff_id,
                )
                for code in clients
            )
            logins.append(firm.code)
            requests.append((firm.code, clients[0]))
        self._lighten()
        # Firms submit on behalf of their clients, too.
        facts = self._member_facts(code for _login, code in requests)
        self._submit_all(
            [
                submission
                for login, code in requests
                if (
                    submission := self._submission(
                        ChangeKind.EMPLOYEE_ADDED, code, facts[code], login=login
                    )
                )
            ]
        )
        return logins

    def _member_ids(self) -> dict[str, int]:
        """Every member's id by its code (one query)."""
        return dict(self.session.execute(select(Member.member_code, Member.id)).all())

    def lock_accounts(self, count: int) -> list[str]:
        codes = self.rng.sample(self.active_codes, k=min(count, len(self.active_codes)))
        rule = simulator.LockRule.of(self.session)
        for code in codes:
            start = clock.now() - timedelta(hours=self.rng.randint(1, 72))
            for attempt in range(rule.max_failures):
                simulator.log_in(
                    self.session,
                    code,
                    WRONG_PASSWORD,
                    at=start + timedelta(minutes=2 * attempt),
                    source_address=f"82.64.{self.rng.randrange(256)}.{self.rng.randrange(256)}",
                )
        return codes

    def pending_access(self, count: int) -> None:
        """The newest members still await their first access letter; a few older letters
        were never used and their temporary password expired."""
        unused = (
            select(PortalAccount)
            .join(Member, PortalAccount.member_id == Member.id)
            .where(PortalAccount.last_login_at.is_(None), PortalAccount.locked_at.is_(None))
            .order_by(Member.joined_on.desc(), Member.id)
            .limit(2 * count)
        )
        for position, account in enumerate(self.session.scalars(unused)):
            account.recovery_email = None
            if position < count:
                account.password_hash = None  # no letter sent yet
            else:
                account.temporary_password_expires_at = clock.now() - timedelta(days=position)
        self.session.flush()

    # -- appointments ---------------------------------------------------------------------

    def appointment_requests(self, pool: EmployeePool, count: int) -> int:
        """New hires' first visits, then periodic and return-to-work requests."""
        asks = [
            simulator.AppointmentAsk(
                login,
                employee.id,
                "examen_sir" if employee.category == FollowUpCategory.SIR else "vip_embauche",
                wished_from=self.today + timedelta(days=2),
                wished_to=self.today + timedelta(days=21),
                comment="Nouvelle embauche",
                submitted_at=self.recent(5),
            )
            for _member_id, login, employee in pool.new_hires[:count]
        ]
        centres = list(pool.by_centre)
        picked = [
            self.rng.choice(pool.by_centre[self.rng.choice(centres)])
            for _ in range(max(2, count // 3))
        ]
        codes = dict(
            self.session.execute(
                select(Member.id, Member.member_code).where(
                    Member.id.in_({member_id for member_id, _centre, _employee in picked})
                )
            ).all()
        )
        asks += [
            simulator.AppointmentAsk(
                codes[member_id],
                employee.id,
                self.rng.choice(["periodique", "reprise", "demande"]),
                wished_from=self.today + timedelta(days=3),
                wished_to=self.today + timedelta(days=30),
                comment=self.rng.choice([None, "Plutôt le matin", "Reprise après arrêt maladie"]),
                submitted_at=self.recent(7),
            )
            for member_id, _centre, employee in picked
        ]
        for start in range(0, len(asks), BATCH):
            simulator.request_appointments(self.session, asks[start : start + BATCH])
            self._lighten()
        return len(asks)

    def cancellation_requests(self, count: int) -> int:
        upcoming = self.session.scalars(
            select(Appointment)
            .where(
                Appointment.status == "confirmed",
                Appointment.starts_at > clock.now() + timedelta(days=1),
            )
            .order_by(Appointment.starts_at)
            .limit(count * 3)
        ).all()
        made = 0
        for appointment in self.rng.sample(upcoming, k=min(count, len(upcoming))):
            code = self.session.scalar(
                select(Member.member_code).where(Member.id == appointment.member_id)
            )
            simulator.request_cancellation(
                self.session,
                code,
                appointment.id,
                comment="Salarié en déplacement ce jour-là",
                submitted_at=self.recent(2),
            )
            made += 1
        return made


def _category(risks: tuple[str, ...]) -> FollowUpCategory:
    return highest_category([RISK_CATEGORY[risk] for risk in risks])
