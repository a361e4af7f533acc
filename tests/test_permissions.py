"""The permission matrix, walked whole, and enforced by the services themselves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from backoffice.db import Database
from backoffice.models import PaymentMethod, Role
from backoffice.services import documents, settings, staff
from backoffice.services import members as member_service
from backoffice.services.accounts import queries as account_queries
from backoffice.services.appointments import queries as appointment_queries
from backoffice.services.billing import payments
from backoffice.services.billing import queries as billing_queries
from backoffice.services.errors import PermissionDenied
from backoffice.services.permissions import MATRIX, Actor, Permission, allows, check
from backoffice.services.sepa import mandates
from tests import factories

P = Permission


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_the_whole_matrix(role: Role, permission: Permission) -> None:
    if permission in MATRIX[role]:
        check(role, permission)
        assert allows(role, permission)
    else:
        with pytest.raises(PermissionDenied) as refused:
            check(role, permission)
        assert "ne vous permet pas" in refused.value.message


def test_roles_as_the_brief_describes_them() -> None:
    assert MATRIX[Role.ADMINISTRATOR] == frozenset(Permission)
    assert not MATRIX[Role.MEDICAL_ASSISTANT] & {
        P.BILLING_VIEW,
        P.PAYMENTS_RECORD,
        P.SEPA_MANAGE,
        P.BILLING_ISSUE,
    }
    assert all(p.value.endswith(".view") for p in MATRIX[Role.READ_ONLY])
    assert P.CHANGES_REVIEW in MATRIX[Role.ADMINISTRATIVE]
    assert P.ACCOUNTS_MANAGE in MATRIX[Role.ADMINISTRATIVE]
    assert P.ACCOUNTS_MANAGE not in MATRIX[Role.BILLING]
    assert {P.BILLING_ISSUE, P.SEPA_MANAGE} <= MATRIX[Role.BILLING]
    assert P.APPOINTMENTS_MANAGE in MATRIX[Role.MEDICAL_ASSISTANT]


Call = Callable[[Session, Actor, dict[str, int]], object]

# One real service call per permission: each must refuse a role without it.
CALLS: dict[Permission, Call] = {
    P.MEMBERS_VIEW: lambda s, a, ids: member_service.search_member_ids(
        s, a, member_service.MemberQuery()
    ),
    P.MEMBERS_EDIT: lambda s, a, ids: member_service.update_member(
        s, a, ids["member"], ids["version"], {"phone": "03 89 00 00 01"}
    ),
    P.BILLING_VIEW: lambda s, a, ids: billing_queries.member_invoices(s, a, ids["member"]),
    P.PAYMENTS_RECORD: lambda s, a, ids: payments.record_payment(
        s, a, ids["member"], 1000, PaymentMethod.CHEQUE, date(2026, 1, 5), allow_overpayment=True
    ),
    P.SEPA_MANAGE: lambda s, a, ids: mandates.create_mandate(
        s, a, ids["member"], "FR7630006000011234567890189", "AGRIFRPP", signed_on=date(2026, 1, 5)
    ),
    P.APPOINTMENTS_VIEW: lambda s, a, ids: appointment_queries.member_appointments(
        s, a, ids["member"]
    ),
    P.ACCOUNTS_VIEW: lambda s, a, ids: account_queries.member_account(s, a, ids["member"]),
    P.DOCUMENTS_VIEW: lambda s, a, ids: documents.list_documents(s, a),
    P.DOCUMENTS_MANAGE: lambda s, a, ids: documents.add_document(
        s, a, ids["theme"], "Guide", "guide.pdf", "application/pdf", b"%PDF-1.4"
    ),
    P.STAFF_MANAGE: lambda s, a, ids: staff.list_staff(s, a),
    P.SETTINGS_MANAGE: lambda s, a, ids: settings.put(s, a, "sepa.prenotification_days", 15),
    P.AUDIT_VIEW: lambda s, a, ids: member_service.member_history(s, a, ids["member"]),
}


def test_services_refuse_what_the_role_may_not_do(
    database: Database, actors: dict[str, Actor]
) -> None:
    for role in Role:
        actor = actors[role.value]
        for permission, call in CALLS.items():
            with database.session() as session:
                member = factories.member(session)
                theme = session.execute(text("SELECT id FROM document_themes LIMIT 1")).scalar()
                ids = {"member": member.id, "version": member.version, "theme": theme}
                if permission in MATRIX[role]:
                    call(session, actor, ids)
                else:
                    with pytest.raises(PermissionDenied):
                        call(session, actor, ids)
                session.rollback()


def test_a_medical_assistant_calling_billing_gets_a_clear_refusal(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.session() as session:
        member = factories.member(session)
        with pytest.raises(PermissionDenied) as refused:
            billing_queries.member_invoices(session, actors["medical_assistant"], member.id)
    assert refused.value.message == (
        "Votre rôle (Assistante médicale) ne vous permet pas de consulter les factures et "
        "les règlements."
    )
