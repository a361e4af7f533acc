"""Approving and rejecting: all fields, some fields, the whole request; conflicts need an
explicit choice; duplicates and requests whose member is gone; claims; the audit trail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import (
    AuditEvent,
    ChangeKind,
    ChangeRequestField,
    ChangeStatus,
    Employee,
    FieldDecision,
    Member,
)
from backoffice.services import members as member_service
from backoffice.services import settings
from backoffice.services.changes import claims, decisions, review
from backoffice.services.changes.decisions import FieldChoice
from backoffice.services.errors import Conflict, PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from tests import changes_support as support
from tests import factories

ADDRESS = {
    "address_line1": "8 avenue Foch",
    "address_line2": None,
    "postcode": "68000",
    "city": "Colmar",
}


def fields_of(database: Database, request_id: int) -> dict[str, ChangeRequestField]:
    with database.session() as session:
        found = session.scalars(
            select(ChangeRequestField).where(ChangeRequestField.request_id == request_id)
        )
        return {field.field_name: field for field in found}


def test_approving_records_the_decision_and_the_next_day(
    database: Database, actors: dict[str, Actor]
) -> None:
    owner, request_id = support.one_request(database, ChangeKind.COMPANY_RECORD, ADDRESS)
    reviewer = actors["administrative"]
    with database.transaction() as session:
        outcome = decisions.approve_all(session, reviewer, request_id)
    assert outcome.status == ChangeStatus.APPROVED
    assert outcome.effective_on == clock.today() + timedelta(days=1)
    assert not outcome.applied
    request = support.status_of(database, request_id)
    assert (request.reviewed_by_id, request.effective_on, request.applied_at) == (
        reviewer.staff_id,
        clock.today() + timedelta(days=1),
        None,
    )
    fields = fields_of(database, request_id)
    assert {f.decision for f in fields.values()} == {FieldDecision.APPROVED}
    assert fields["city"].value_at_review == "Mulhouse"
    with database.session() as session:
        assert session.get(Member, owner.id).city == "Mulhouse"  # not before its effective date
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "change.approve"))
        history = member_service.member_history(session, reviewer, owner.id)
    assert event.staff_id == reviewer.staff_id and event.member_id == owner.id
    assert event.before["city"] == "Mulhouse" and event.after["city"] == "Colmar"
    assert any(row.action == "change.approve" for row in history)  # the member's History tab


def test_approving_some_fields_and_rejecting_others(
    database: Database, actors: dict[str, Actor]
) -> None:
    _owner, request_id = support.one_request(
        database,
        ChangeKind.COMPANY_RECORD,
        {"phone": "03 89 12 12 12", "contact_name": "Jean Roth"},
    )
    with database.transaction() as session:
        outcome = decisions.approve(
            session,
            actors["administrative"],
            request_id,
            {
                "phone": FieldChoice(approve=True),
                "contact_name": FieldChoice(
                    approve=False, reason="M. Roth n'est plus dans l'entreprise."
                ),
            },
        )
    assert outcome.status == ChangeStatus.PARTIALLY_APPROVED
    assert (outcome.approved, outcome.rejected) == (("phone",), ("contact_name",))
    fields = fields_of(database, request_id)
    assert fields["contact_name"].decision == FieldDecision.REJECTED
    assert fields["contact_name"].decision_reason == "M. Roth n'est plus dans l'entreprise."
    assert (
        support.status_of(database, request_id).rejection_reason
        == "M. Roth n'est plus dans l'entreprise."
    )


def test_rejecting_needs_a_reason_the_member_will_see(
    database: Database, actors: dict[str, Actor]
) -> None:
    _owner, request_id = support.one_request(
        database, ChangeKind.COMPANY_RECORD, {"phone": "0389000006"}
    )
    with database.transaction() as session, pytest.raises(ValidationFailed) as caught:
        decisions.reject(session, actors["administrative"], request_id, "  ")
    assert (
        caught.value.errors[0].message
        == "Motif : indiquez le motif que l'adhérent verra sur le portail."
    )
    with database.transaction() as session:
        outcome = decisions.reject(
            session, actors["administrative"], request_id, "Numéro non attribué."
        )
    request = support.status_of(database, request_id)
    assert outcome.status == request.status == ChangeStatus.REJECTED
    assert request.rejection_reason == "Numéro non attribué." and request.effective_on is None
    assert support.audit_actions(database, request_id) == ["change.reject"]


def test_a_field_changed_since_the_request_needs_an_explicit_choice(
    database: Database, actors: dict[str, Actor]
) -> None:
    owner, request_id = support.one_request(
        database,
        ChangeKind.COMPANY_RECORD,
        {"email": "nouveau@exemple.fr"},
        email="ancien@exemple.fr",
    )
    with database.transaction() as session:  # a colleague edits the record meanwhile
        member = session.get(Member, owner.id)
        member_service.update_member(
            session,
            actors["administrative"],
            owner.id,
            member.version,
            {"email": "accueil@exemple.fr"},
        )
    reviewer = actors["administrator"]
    with database.session() as session:
        detail = review.review_detail(session, reviewer, request_id)
    email = detail.fields[0]
    assert (email.current, email.shown, email.submitted) == (
        "accueil@exemple.fr",
        "ancien@exemple.fr",
        "nouveau@exemple.fr",
    )
    assert email.conflict == (
        "Modifié depuis la demande : l'adhérent voyait « ancien@exemple.fr », la fiche contient "
        "maintenant « accueil@exemple.fr »."
    )
    with database.transaction() as session, pytest.raises(ValidationFailed) as caught:
        decisions.approve_all(session, reviewer, request_id)
    assert caught.value.errors[0].field == "email"
    assert "Confirmez" in caught.value.errors[0].message
    with database.transaction() as session:
        decisions.approve(
            session, reviewer, request_id, {"email": FieldChoice(True, confirm_conflict=True)}
        )
    assert fields_of(database, request_id)["email"].value_at_review == "accueil@exemple.fr"


def test_another_approved_change_waiting_on_the_same_field_is_a_conflict(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        owner = support.member(session)
        first = support.submit(
            session, owner, ChangeKind.COMPANY_RECORD, {"phone": "03 89 01 01 01"}
        )
        second = support.submit(
            session, owner, ChangeKind.COMPANY_RECORD, {"phone": "03 89 02 02 02"}
        )
    reviewer = actors["administrative"]
    with database.transaction() as session:
        decisions.approve_all(session, reviewer, first)
    with database.session() as session:
        [phone] = review.review_detail(session, reviewer, second).fields
    tomorrow = (clock.today() + timedelta(days=1)).strftime("%d/%m/%Y")
    assert phone.conflict == (
        f"Une autre modification approuvée (demande {first}) le fixe à « 03 89 01 01 01 » "
        f"le {tomorrow}."
    )
    assert phone.expected == "03 89 01 01 01"


def test_fields_that_go_together_and_fields_a_request_needs(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        owner = support.member(session)
        address = support.submit(session, owner, ChangeKind.COMPANY_RECORD, ADDRESS)
        sepa = support.submit(
            session,
            owner,
            ChangeKind.SEPA_OPT_IN,
            {"iban": support.IBAN, "bic": support.BIC, "email": "a@b.fr"},
        )
    no = FieldChoice(approve=False, reason="Adresse inconnue de La Poste.")
    with database.transaction() as session, pytest.raises(ValidationFailed) as caught:
        decisions.approve(
            session,
            actors["administrative"],
            address,
            {
                "address_line1": FieldChoice(True),
                "address_line2": FieldChoice(True),
                "postcode": FieldChoice(True),
                "city": no,
            },
        )
    assert [error.field for error in caught.value.errors] == ["address_line1"]
    assert caught.value.errors[0].message.endswith(": approuvez-les ou rejetez-les ensemble.")
    with database.transaction() as session, pytest.raises(ValidationFailed) as caught:
        decisions.approve(
            session,
            actors["administrative"],
            sepa,
            {"iban": no, "bic": FieldChoice(True), "email": FieldChoice(True)},
        )
    assert caught.value.errors[0].message == (
        "IBAN est nécessaire pour approuver cette demande : approuvez-le, ou rejetez toute "
        "la demande."
    )


def test_a_duplicate_is_closed_not_approved(database: Database, actors: dict[str, Actor]) -> None:
    with database.transaction() as session:
        first, again = support.sent_twice(
            session, support.member(session), {"phone": "0389000007"}, 1
        )
    reviewer = actors["administrative"]
    with database.transaction() as session, pytest.raises(ValidationFailed) as caught:
        decisions.approve_all(session, reviewer, again)
    assert caught.value.errors[0].message == (
        f"Cette demande répète la demande {first}, encore en cours : classez-la comme doublon."
    )
    with database.transaction() as session, pytest.raises(ValidationFailed):
        decisions.close_as_duplicate(session, reviewer, first)  # the first one is no duplicate
    with database.transaction() as session:
        outcome = decisions.close_as_duplicate(session, reviewer, again)
    request = support.status_of(database, again)
    assert outcome.status == request.status == ChangeStatus.DUPLICATE
    assert request.duplicate_of_id == first
    assert (
        request.rejection_reason
        == f"Demande déjà reçue (demande {first}) : elle est traitée une seule fois."
    )
    assert support.status_of(database, first).status == ChangeStatus.PENDING


def test_a_request_whose_employee_is_gone_can_only_be_rejected(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        owner = support.member(session)
        worker = factories.employee(session, owner.id, last_name="Martin", first_name="Léo")
        request_id = support.submit(
            session,
            owner,
            ChangeKind.EMPLOYEE_UPDATED,
            {"job_title": "Cariste"},
            employee_id=worker.id,
        )
    with database.transaction() as session:
        session.execute(delete(Employee).where(Employee.id == worker.id))
    reviewer = actors["administrative"]
    with database.session() as session:
        detail = review.review_detail(session, reviewer, request_id)
    assert (
        detail.refusal
        == "Le salarié MARTIN Léo n'existe plus : la demande ne peut qu'être rejetée."
    )
    assert detail.consequences == ()
    with database.transaction() as session, pytest.raises(ValidationFailed):
        decisions.approve_all(session, reviewer, request_id)
    with database.transaction() as session:
        decisions.reject(session, reviewer, request_id, "Salarié inconnu de nos services.")
    assert support.status_of(database, request_id).status == ChangeStatus.REJECTED


def test_a_request_decided_meanwhile_is_not_decided_again(
    database: Database, actors: dict[str, Actor]
) -> None:
    _owner, request_id = support.one_request(
        database, ChangeKind.COMPANY_RECORD, {"phone": "0389000008"}
    )
    with database.transaction() as session:
        decisions.approve_all(session, actors["administrator"], request_id)
    with database.transaction() as session, pytest.raises(Conflict) as caught:
        decisions.reject(session, actors["administrative"], request_id, "Trop tard")
    assert caught.value.message.startswith(
        "Cette demande a été traitée entre-temps : Approuvée par Agent administrator le "
    )
    assert caught.value.message.endswith("Rien n'a été modifié.")
    assert support.audit_actions(database, request_id) == ["change.approve"]


def test_the_second_reviewer_sees_who_holds_the_request(
    database: Database, actors: dict[str, Actor]
) -> None:
    _owner, request_id = support.one_request(
        database, ChangeKind.COMPANY_RECORD, {"phone": "0389000009"}
    )
    first, second = actors["administrative"], actors["administrator"]
    with database.transaction() as session:
        assert review.open_for_review(session, first, request_id).holder is None
    with database.transaction() as session:
        detail = review.open_for_review(session, second, request_id)
    assert detail.holder is not None and detail.holder.name == "Agent administrative"
    assert detail.warnings[0].startswith("Agent administrative examine cette demande depuis le ")
    with database.transaction() as session, pytest.raises(Conflict) as caught:
        decisions.approve_all(session, second, request_id)
    assert "Reprenez-la pour en décider." in caught.value.message
    with database.transaction() as session:
        assert claims.claim(session, second, request_id, take_over=True) is None
    with database.transaction() as session:
        decisions.approve_all(session, second, request_id)
    assert support.audit_actions(database, request_id) == ["change.take_over", "change.approve"]
    request = support.status_of(database, request_id)
    assert request.claimed_by_id is None and request.reviewed_by_id == second.staff_id


def test_a_stale_claim_lapses(database: Database, actors: dict[str, Actor]) -> None:
    _owner, request_id = support.one_request(
        database, ChangeKind.COMPANY_RECORD, {"phone": "0389000010"}
    )
    with (
        clock.frozen(clock.now() - timedelta(minutes=claims.CLAIM_MINUTES + 1)),
        database.transaction() as session,
    ):
        claims.claim(session, actors["administrative"], request_id)
    with database.transaction() as session:
        assert claims.claim(session, actors["administrator"], request_id) is None


def test_only_reviewers_decide(database: Database, actors: dict[str, Actor]) -> None:
    _owner, request_id = support.one_request(
        database, ChangeKind.COMPANY_RECORD, {"phone": "0389000011"}
    )
    for role in ("billing", "read_only", "medical_assistant"):
        with database.transaction() as session, pytest.raises(PermissionDenied):
            decisions.approve_all(session, actors[role], request_id)
        with database.transaction() as session, pytest.raises(PermissionDenied):
            claims.claim(session, actors[role], request_id)
    with database.transaction() as session:  # billing staff may look, and do not take it
        assert review.open_for_review(session, actors["billing"], request_id).holder is None
    assert support.status_of(database, request_id).claimed_by_id is None


def test_without_delay_an_approved_change_applies_at_once(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        owner = support.member(session)
        request_id = support.submit(session, owner, ChangeKind.COMPANY_RECORD, ADDRESS)
        settings.put(session, actors["administrator"], "changes.effective_delay_days", 0)
    with database.transaction() as session:
        outcome = decisions.approve_all(session, actors["administrative"], request_id)
    assert outcome.applied and outcome.effective_on == clock.today()
    with database.session() as session:
        assert session.get(Member, owner.id).city == "Colmar"
    assert support.status_of(database, request_id).applied_at is not None


def test_an_out_of_period_request_is_said_so(database: Database, actors: dict[str, Actor]) -> None:
    january = clock.at_local(date(clock.today().year, 1, 20), clock.now().time())
    with database.transaction() as session:
        owner = support.member(session)
        request_id = support.submit(
            session,
            owner,
            ChangeKind.EMPLOYEE_ADDED,
            {"last_name": "Roth", "first_name": "Ana", "hired_on": date(2025, 1, 13)},
            at=january,
        )
    with database.session() as session:
        detail = review.review_detail(session, actors["administrative"], request_id)
    assert detail.warnings == (
        "Envoyée pendant la fermeture de « Mes salariés » pour la déclaration annuelle "
        "(01/01 – 31/01) : vérifiez-la avec la déclaration de l'adhérent.",
    )
    assert (
        "Une embauche demande une visite d'embauche (Visite d'information et de prévention à "
        "l'embauche (VIP)) : programmez-la si l'adhérent ne l'a pas demandée sur le portail."
        in detail.consequences
    )
