"""Need to know (issue 14.10): every read service, called as each role, returns nothing that
role may not see (``services/visibility.py``). The data returned is walked to its leaves
(dataclasses, mappings, sequences, texts, days) and searched for the seeded member's bank
details (IBAN, BIC, RUM, also as displayed), billing address, its employee's birth date,
risk factors and last visit, a convocation's text, the portal account's recovery e-mail —
and, for every role, any password hash. SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.db import Database
from backoffice.models import (
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Employee,
    MailKind,
    MailMessage,
    PortalAccount,
    RiskFactor,
    Role,
)
from backoffice.services import dashboard, documents
from backoffice.services import members as member_service
from backoffice.services.accounting import aged_balance
from backoffice.services.accounts import queries as account_queries
from backoffice.services.appointments import choices, needs, requests
from backoffice.services.appointments import queries as appointment_queries
from backoffice.services.bank import queries as bank_queries
from backoffice.services.billing import declarations, invoice_lists
from backoffice.services.billing import queries as billing_queries
from backoffice.services.changes import decisions, queue, review, scheduled
from backoffice.services.employees import staff_records
from backoffice.services.errors import PermissionDenied
from backoffice.services.mail import outbox
from backoffice.services.mail import queries as mail_queries
from backoffice.services.members import MemberQuery
from backoffice.services.membership import situation
from backoffice.services.permissions import Actor
from backoffice.services.sepa import queries as sepa_queries
from backoffice.services.visibility import FieldGroup, for_role
from tests import changes_support, factories
from tests.sepa.builders import TODAY, invoice, member_with_mandate

BIRTH = date(1971, 3, 17)
LAST_VISIT = date(2019, 6, 13)
NEW_BIRTH = date(1971, 3, 19)  # a hire the portal declared, approved for tomorrow
RISKS = ["amiante", "travail_nuit"]
VISIT_MARKER = "VISITE-DE-REPRISE-APRES-ARRET"
SEPA_IBAN = changes_support.IBAN  # a portal opt-in approved, effective tomorrow


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with clock.frozen(TODAY):
        yield


@dataclasses.dataclass(frozen=True)
class Known:
    member_id: int
    member_code: str
    employee_id: int
    account_id: int
    invoice_id: int
    request_ids: tuple[int, ...]
    message_ids: tuple[int, ...]
    forbidden: dict[FieldGroup, tuple[object, ...]]


def _spaced(iban: str) -> str:
    return " ".join(iban[start : start + 4] for start in range(0, len(iban), 4))


@pytest.fixture
def known(database: Database, actors: dict[str, Actor]) -> Known:
    """A member with a mandate, billing address, an overdue instalment, a portal account
    with a recovery e-mail; its employee with a birth date, risk factors, a last visit;
    changes pending and approved for tomorrow; a convocation in the outbox."""
    staff = actors["administrative"]
    with database.transaction() as session:
        member, mandate = member_with_mandate(session, actors["billing"])
        member_id, code = member.id, member.member_code
        billing = {
            "billing_name": "CABINET FACTURE ZÉPHYR",
            "billing_address_line1": "9 impasse des Débiteurs",
            "billing_postcode": "68200",
            "billing_city": "Brunstatt-Didenheim",
            "billing_email": "factures.zephyr@exemple.fr",
        }
        member_service.update_member(session, staff, member_id, member.version, billing)
        invoice_id = invoice(session, member, [(date(2027, 1, 20), 24000)]).id
        account = factories.portal_account(
            session, member, recovery_email="secours.zephyr@exemple.fr"
        )
        saved = staff_records.add_employee(
            session,
            staff,
            member_id,
            {
                "civility": "M.",
                "last_name": "Koenig",
                "first_name": "Paul",
                "birth_date": date(1971, 3, 18),
                "pcs_code": "632A",
                "job_title": "Menuisier",
                "hired_on": date(2020, 2, 3),
                "risk_factors": ["amiante"],
                "follow_up_category": "si",
            },
        )
        staff_records.update_employee(
            session, staff, saved.id, None, {"birth_date": BIRTH, "risk_factors": RISKS}
        )
        session.get(Employee, saved.id).last_visit_on = LAST_VISIT
        risk_labels = session.scalars(
            select(RiskFactor.label).where(RiskFactor.code.in_(RISKS))
        ).all()
        hire = {
            "civility": "M.",
            "pcs_code": "632a",
            "job_title": "Couvreur",
            "hired_on": clock.today() - timedelta(days=3),
            "follow_up_category": "si",
        }
        pending = changes_support.submit(
            session,
            member,
            ChangeKind.EMPLOYEE_ADDED,
            {
                **hire,
                "last_name": "Schwartz",
                "first_name": "Hugo",
                "birth_date": date(1971, 3, 20),
                "risk_factors": ["plomb", *RISKS],
            },
        )
        to_approve = [
            changes_support.submit(
                session, member, ChangeKind.SEPA_OPT_IN, {"iban": SEPA_IBAN, "bic": "AGRIFRPP"}
            ),
            changes_support.submit(
                session,
                member,
                ChangeKind.EMPLOYEE_ADDED,
                {
                    **hire,
                    "last_name": "Weber",
                    "first_name": "Anne",
                    "birth_date": NEW_BIRTH,
                    "risk_factors": ["plomb"],
                },
            ),
        ]
        outbox.queue(
            session,
            staff,
            MailKind.CONVOCATION,
            member=member,
            to=["rh.zephyr@exemple.fr"],
            values={
                "employee_name": "Paul KOENIG",
                "visit_type": VISIT_MARKER,
                "visit_date": "16/02/2027",
                "visit_time": "09:30",
                "centre": "Centre de Mulhouse",
                "centre_address": "1 rue du Centre, 68100 Mulhouse",
                "what_to_bring": "",
                "how_to_cancel": "",
            },
        )
    for request_id in to_approve:
        with database.transaction() as session:
            decisions.approve_all(session, staff, request_id)
    with database.session() as session:
        statuses = session.scalars(
            select(ChangeRequest.status).where(ChangeRequest.id.in_(to_approve))
        ).all()
        assert set(statuses) == {ChangeStatus.APPROVED}  # approved, effective tomorrow
        messages = session.scalars(select(MailMessage.id)).all()
    return Known(
        member_id,
        code,
        saved.id,
        account.id,
        invoice_id,
        (pending, *to_approve),
        tuple(messages),
        {
            FieldGroup.BANK: (
                mandate.iban,
                _spaced(mandate.iban),
                mandate.bic,
                mandate.rum,
                SEPA_IBAN,
                _spaced(SEPA_IBAN),
            ),
            FieldGroup.BILLING: tuple(billing.values()),
            FieldGroup.HEALTH: (
                BIRTH,
                NEW_BIRTH,
                LAST_VISIT,
                date(1971, 3, 20),
                *RISKS,
                "plomb",
                *risk_labels,
                VISIT_MARKER,
            ),
            FieldGroup.PORTAL_ACCOUNT: ("secours.zephyr@exemple.fr",),
        },
    )


Call = Callable[[Session, Actor, Known], object]

# Every read service a screen (or the command line) calls, with the member's ids.
READS: dict[str, Call] = {
    "members.search_members": lambda s, a, k: member_service.search_members(s, a, MemberQuery()),
    "members.member_rows": lambda s, a, k: member_service.member_rows(s, a, [k.member_id]),
    "members.member_detail": lambda s, a, k: member_service.member_detail(s, a, k.member_id),
    "members.member_employees": lambda s, a, k: member_service.member_employees(s, a, k.member_id),
    "members.member_history": lambda s, a, k: member_service.member_history(s, a, k.member_id),
    "changes.scheduled_changes": lambda s, a, k: scheduled.scheduled_changes(s, a, k.member_id),
    "changes.pending_queue": lambda s, a, k: queue.pending_queue(s, a),
    "changes.queue_rows": lambda s, a, k: queue.queue_rows(s, a, k.request_ids),
    "changes.review_detail": lambda s, a, k: [
        review.review_detail(s, a, request_id) for request_id in k.request_ids
    ],
    "employees.employee_detail": lambda s, a, k: staff_records.employee_detail(s, a, k.employee_id),
    "employees.exit_consequences": lambda s, a, k: staff_records.exit_consequences(
        s, a, k.employee_id, clock.today()
    ),
    "membership.consequences": lambda s, a, k: situation.consequences(
        s, a, k.member_id, "cessation", clock.today()
    ),
    "accounts.member_account": lambda s, a, k: account_queries.member_account(s, a, k.member_id),
    "accounts.search_accounts": lambda s, a, k: account_queries.search_accounts(
        s, a, account_queries.AccountQuery()
    ),
    "accounts.account_detail": lambda s, a, k: account_queries.account_detail(s, a, k.account_id),
    "appointments.pending_requests": lambda s, a, k: requests.pending_requests(s, a),
    "appointments.member_appointments": lambda s, a, k: appointment_queries.member_appointments(
        s, a, k.member_id
    ),
    "appointments.employees_needing_visit": lambda s, a, k: needs.employees_needing_visit(
        s, a, needs.NeedQuery(needs.NeedKind.PERIODIC, due_by=clock.today() + timedelta(3650))
    ),
    "appointments.search_employees": lambda s, a, k: choices.search_employees(s, a, "Koenig"),
    "billing.member_invoices": lambda s, a, k: billing_queries.member_invoices(s, a, k.member_id),
    "billing.search_invoices": lambda s, a, k: invoice_lists.search_invoices(
        s, a, invoice_lists.InvoiceQuery()
    ),
    "billing.invoice_detail": lambda s, a, k: invoice_lists.invoice_detail(s, a, k.invoice_id),
    "billing.declarations_for_year": lambda s, a, k: declarations.declarations_for_year(s, a, 2027),
    "sepa.find_members": lambda s, a, k: sepa_queries.find_members(s, a, k.member_code),
    "sepa.list_mandates": lambda s, a, k: sepa_queries.list_mandates(s, a),
    "sepa.list_prenotifications": lambda s, a, k: sepa_queries.list_prenotifications(s, a),
    "sepa.list_collections": lambda s, a, k: sepa_queries.list_collections(s, a),
    "bank.unmatched": lambda s, a, k: bank_queries.unmatched(s, a),
    "accounting.aged_balance": lambda s, a, k: aged_balance.aged_balance(s, a),
    "mail.outbox_rows": lambda s, a, k: mail_queries.outbox_rows(s, a, mail_queries.OutboxFilter()),
    "mail.preview": lambda s, a, k: [
        mail_queries.preview(s, a, message_id) for message_id in k.message_ids
    ],
    "documents.list_documents": lambda s, a, k: documents.list_documents(s, a),
    "dashboard.counts": lambda s, a, k: dashboard.counts(s, a),
}


def leaves(value: object) -> Iterator[object]:
    """Every plain value inside ``value``: texts, numbers, days (also as texts)."""
    if isinstance(value, enum.Enum):
        yield value.value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from leaves(getattr(value, item.name))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from leaves(key)
            yield from leaves(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from leaves(item)
    elif isinstance(value, datetime):
        yield value.date()
    elif isinstance(value, date):
        yield value
        yield value.isoformat()
        yield value.strftime("%d/%m/%Y")
    elif isinstance(value, bytes):
        yield value.decode("latin-1")
    else:
        yield value


def found(secret: object, values: list[object]) -> bool:
    if isinstance(secret, date):
        return any(
            value == secret
            or (isinstance(value, str) and secret.strftime("%d/%m/%Y") in value)
            or (isinstance(value, str) and secret.isoformat() in value)
            for value in values
        )
    return any(isinstance(value, str) and str(secret) in value for value in values)


def returned_to(database: Database, actor: Actor, known: Known) -> dict[str, list[object]]:
    """What each read service returns to ``actor`` (its leaves); refused ones absent."""
    answers: dict[str, list[object]] = {}
    for name, call in READS.items():
        with database.session() as session:
            try:
                answers[name] = list(leaves(call(session, actor, known)))
            except PermissionDenied:
                continue
    return answers


ROLES = list(Role)


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.value)
def test_every_read_service_returns_only_what_the_role_may_see(
    database: Database, actors: dict[str, Actor], known: Known, role: Role
) -> None:
    answers = returned_to(database, actors[role.value], known)
    seen = for_role(role)
    leaks = [
        (name, group.value, secret)
        for group in seen.hidden
        for secret in known.forbidden[group]
        for name, values in answers.items()
        if found(secret, values)
    ]
    assert leaks == []
    secrets = [
        name
        for name, values in answers.items()
        if any(isinstance(value, str) and "$argon2" in value for value in values)
    ]
    assert secrets == []
    everything = [value for values in answers.values() for value in values]
    for group in set(FieldGroup) - seen.hidden:
        # What the role may see is there: the search above could find it.
        assert any(found(secret, everything) for secret in known.forbidden[group]), group


def test_the_policy_as_the_roles_have_it() -> None:
    hidden = {role: for_role(role).hidden for role in Role}
    assert hidden[Role.MEDICAL_ASSISTANT] == {
        FieldGroup.BANK,
        FieldGroup.BILLING,
        FieldGroup.PORTAL_ACCOUNT,
    }
    assert hidden[Role.BILLING] == {FieldGroup.HEALTH, FieldGroup.PORTAL_ACCOUNT}
    for role in (Role.ADMINISTRATIVE, Role.ADMINISTRATOR, Role.READ_ONLY):
        assert hidden[role] == set()
    assert hidden[Role.SYSTEM] == set(FieldGroup)


def test_billing_staff_read_an_employees_change_without_its_health_data(
    database: Database, actors: dict[str, Actor], known: Known
) -> None:
    """The field is listed (they know it changes), its values are not there."""
    with database.session() as session:
        detail = review.review_detail(session, actors["billing"], known.request_ids[0])
        full = review.review_detail(session, actors["administrative"], known.request_ids[0])
    names = [field.name for field in detail.fields]
    assert names == [field.name for field in full.fields]
    birth = next(field for field in detail.fields if field.name == "birth_date")
    assert (birth.current, birth.submitted, birth.submitted_display) == (None, None, "")
    risks = next(field for field in detail.fields if field.name == "risk_factors")
    assert risks.submitted_display == ""
    shown = next(field for field in full.fields if field.name == "birth_date")
    assert shown.submitted_display == "20/03/1971"
    last_name = next(field for field in detail.fields if field.name == "last_name")
    assert last_name.submitted_display == "Schwartz"


def test_a_medical_assistant_is_not_told_of_a_sepa_opt_in_to_come(
    database: Database, actors: dict[str, Actor], known: Known
) -> None:
    with database.session() as session:
        hidden = scheduled.scheduled_changes(session, actors["medical_assistant"], known.member_id)
        shown = scheduled.scheduled_changes(session, actors["administrative"], known.member_id)
    assert {change.kind for change in shown} == {ChangeKind.SEPA_OPT_IN, ChangeKind.EMPLOYEE_ADDED}
    assert {change.kind for change in hidden} == {ChangeKind.EMPLOYEE_ADDED}


def test_a_convocation_is_an_envelope_for_billing_staff(
    database: Database, actors: dict[str, Actor], known: Known
) -> None:
    with database.session() as session:
        message_id = session.scalar(
            select(MailMessage.id).where(MailMessage.kind == MailKind.CONVOCATION)
        )
        hidden = mail_queries.preview(session, actors["billing"], message_id)
        shown = mail_queries.preview(session, actors["administrative"], message_id)
    assert VISIT_MARKER in shown.text
    assert hidden.subject == shown.subject and hidden.recipients == shown.recipients
    assert hidden.html == "" and hidden.attachments == ()
    assert hidden.text == "Le texte de ce message n'est pas montré à votre rôle."


def test_no_service_returns_a_password_hash(
    database: Database, actors: dict[str, Actor], known: Known
) -> None:
    with database.session() as session:
        stored = session.scalar(
            select(PortalAccount.password_hash).where(PortalAccount.id == known.account_id)
        )
    assert stored and stored.startswith("$argon2")
    answers = returned_to(database, actors["administrator"], known)
    assert not any(found(stored, values) for values in answers.values())
