"""Bad input in a portal request: each invalid value is refused with a French sentence naming
the field and the reason, and nothing is written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backoffice import clock
from backoffice.db import Database
from backoffice.i18n import tr
from backoffice.models import ChangeKind, ChangeStatus, Member, MemberStatus
from backoffice.services.changes import decisions, review
from backoffice.services.errors import ValidationFailed
from backoffice.services.permissions import Actor
from tests import changes_support as support
from tests import factories


def iban_with_wrong_rib_key() -> str:
    """A French IBAN whose own checksum is right but whose RIB key is not."""
    bban = "30006000011234567890100"  # the right key of this account is 89
    digits = "".join(str(int(char, 36)) for char in bban + "FR00")
    return f"FR{98 - int(digits) % 97:02d}{bban}"


def order(later: str, later_date: str, earlier: str, earlier_date: str) -> str:
    return tr(
        "{later} ({later_date}) cannot be before {earlier} ({earlier_date}).",
        later=later,
        later_date=later_date,
        earlier=earlier,
        earlier_date=earlier_date,
    )


def refused(database: Database, actor: Actor, request_id: int) -> ValidationFailed:
    with database.transaction() as session, pytest.raises(ValidationFailed) as caught:
        decisions.approve_all(session, actor, request_id)
    assert support.status_of(database, request_id).status == ChangeStatus.PENDING
    assert support.audit_actions(database, request_id) == []
    return caught.value


CASES = [
    (
        ChangeKind.COMPANY_RECORD,
        {"postcode": "6810", "city": "Mulhouse", "address_line1": "1 rue", "address_line2": None},
        "postcode",
        lambda: tr(
            "{field}: {value} is not a French postcode (5 digits).",
            field=tr("Postcode"),
            value="6810",
        ),
    ),
    (
        ChangeKind.COMPANY_RECORD,
        {"email": "contact-at-exemple.fr"},
        "email",
        lambda: tr(
            "{field}: {value} is not an email address.",
            field=tr("Email"),
            value="contact-at-exemple.fr",
        ),
    ),
    (
        ChangeKind.COMPANY_RECORD,
        {"phone": "appelez-nous"},
        "phone",
        lambda: tr(
            "{field}: {value} is not a phone number.", field=tr("Phone"), value="appelez-nous"
        ),
    ),
    (
        ChangeKind.COMPANY_RECORD,
        {"address_line1": "2 rue Haute", "address_line2": None, "postcode": "68100", "city": ""},
        "city",
        lambda: tr("{field} is required.", field=tr("City")),
    ),
    (
        ChangeKind.SEPA_OPT_IN,
        {"iban": iban_with_wrong_rib_key(), "bic": support.BIC},
        "iban",
        lambda: tr(
            "{field}: the RIB key of {value} is wrong.",
            field="IBAN",
            value=iban_with_wrong_rib_key(),
        ),
    ),
    (
        ChangeKind.SEPA_OPT_IN,
        {"iban": "FR7630006000011234567890188", "bic": support.BIC},
        "iban",
        lambda: tr(
            "{field}: {value} is not a valid IBAN (checksum or length).",
            field="IBAN",
            value="FR7630006000011234567890188",
        ),
    ),
    (  # a valid Brazilian IBAN: outside the SEPA scheme, it cannot be debited
        ChangeKind.SEPA_OPT_IN,
        {"iban": "BR1800360305000010009795493C1", "bic": "BCBBBRDF"},
        "iban",
        lambda: tr(
            "{field}: {value} is an account of a country outside the SEPA zone; "
            "it cannot be used for direct debits.",
            field="IBAN",
            value="BR1800360305000010009795493C1",
        ),
    ),
    (
        ChangeKind.SEPA_OPT_IN,
        {"iban": support.IBAN, "bic": "BNPAFRPP"},
        "bic",
        lambda: tr(
            "{field}: {value} is not the BIC of the IBAN's bank ({expected}).",
            field="BIC",
            value="BNPAFRPP",
            expected="AGRIFRPPXXX",
        ),
    ),
    (
        ChangeKind.SEPA_OPT_IN,
        {"iban": support.IBAN, "bic": support.BIC, "email": "compta@"},
        "email",
        lambda: tr(
            "{field}: {value} is not an email address.",
            field=tr("Email for direct debits"),
            value="compta@",
        ),
    ),
    (
        ChangeKind.EMPLOYEE_ADDED,
        {
            "last_name": "Roth",
            "first_name": "Paul",
            "birth_date": date(2001, 5, 4),
            "hired_on": date(2000, 9, 1),
        },
        "hired_on",
        lambda: order("Date d'embauche", "01/09/2000", "Date de naissance", "04/05/2001"),
    ),
    (
        ChangeKind.EMPLOYEE_ADDED,
        {"last_name": "Roth", "first_name": "Paul", "hired_on": date(2024, 9, 1), "pcs_code": "62"},
        "pcs_code",
        lambda: "Code PCS : 62 n'est pas un code PCS-ESE (par exemple 621a).",
    ),
    (
        ChangeKind.EMPLOYEE_ADDED,
        {
            "last_name": "Roth",
            "first_name": "Paul",
            "hired_on": date(2024, 9, 1),
            "risk_factors": ["amiante", "radioactivite_x"],
        },
        "risk_factors",
        lambda: "Risques (DSI) : radioactivite_x ne figure pas dans la liste des risques.",
    ),
    (
        ChangeKind.EMPLOYEE_ADDED,
        {"last_name": "", "first_name": "Paul", "hired_on": date(2024, 9, 1)},
        "last_name",
        lambda: tr("{field} is required.", field=tr("Last name")),
    ),
    (
        ChangeKind.SITUATION,
        {"situation": "faillite", "situation_date": date(2025, 3, 31)},
        "situation",
        lambda: "Situation : faillite n'est pas un changement de situation proposé par le portail.",
    ),
    (
        ChangeKind.SITUATION,
        {"situation": "cessation", "situation_date": date(2010, 3, 31)},
        "situation_date",
        lambda: order("Date du changement", "31/03/2010", tr("Joined on"), "01/03/2015"),
    ),
]


@pytest.mark.parametrize(("kind", "values", "field", "sentence"), CASES)
def test_invalid_values_are_refused_with_a_sentence(
    database: Database,
    actors: dict[str, Actor],
    kind: ChangeKind,
    values: dict,
    field: str,
    sentence,
) -> None:
    _owner, request_id = support.one_request(database, kind, values)
    error = refused(database, actors["administrative"], request_id)
    assert [(item.field, item.message) for item in error.errors] == [(field, sentence())]
    with database.session() as session:  # the review screen shows it before any click
        detail = review.review_detail(session, actors["administrative"], request_id)
    assert next(f for f in detail.fields if f.name == field).problem == sentence()


def test_an_exit_before_the_hire_is_refused(database: Database, actors: dict[str, Actor]) -> None:
    with database.transaction() as session:
        owner = support.member(session)
        worker = factories.employee(session, owner.id, hired_on=date(2020, 9, 1))
        request_id = support.submit(
            session,
            owner,
            ChangeKind.EMPLOYEE_EXITED,
            {"exited_on": date(2020, 8, 31)},
            employee_id=worker.id,
        )
    error = refused(database, actors["administrative"], request_id)
    assert [item.message for item in error.errors] == [
        order("Date de sortie", "31/08/2020", "Date d'embauche", "01/09/2020")
    ]


def test_future_dates_that_cannot_be(database: Database, actors: dict[str, Actor]) -> None:
    tomorrow = clock.today() + timedelta(days=1)
    with database.transaction() as session:
        owner = support.member(session)
        started = support.submit(
            session, owner, ChangeKind.COMPANY_RECORD, {"activity_started_on": tomorrow}
        )
        born = support.submit(
            session,
            owner,
            ChangeKind.EMPLOYEE_ADDED,
            {
                "last_name": "Roth",
                "first_name": "Eva",
                "birth_date": tomorrow,
                "hired_on": tomorrow,
            },
        )
    day = tomorrow.strftime("%d/%m/%Y")
    assert [e.message for e in refused(database, actors["administrative"], started).errors] == [
        f"{tr('Activity started on')} : {day} est dans le futur."
    ]
    assert [e.message for e in refused(database, actors["administrative"], born).errors] == [
        f"Date de naissance : {day} est dans le futur."
    ]


def test_a_member_already_ceased_cannot_cease_again(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        owner = support.member(session)
        request_id = support.submit(
            session,
            owner,
            ChangeKind.SITUATION,
            {"situation": "cessation", "situation_date": date(2025, 6, 30)},
        )
        ceased = session.get(Member, owner.id)
        ceased.status, ceased.ceased_on = MemberStatus.CEASED, date(2025, 5, 31)
    error = refused(database, actors["administrative"], request_id)
    assert [item.message for item in error.errors] == [
        "L'adhérent a déjà cessé son activité le 31/05/2025."
    ]


def test_a_greyed_field_sent_by_the_portal_can_only_be_rejected(
    database: Database, actors: dict[str, Actor]
) -> None:
    """The portal never submits greyed fields; a request that carries one anyway (an old or
    tampered page) cannot change them."""
    from backoffice.models import ChangeRequestField

    with database.transaction() as session:
        owner = support.member(session)
        request_id = support.submit(
            session, owner, ChangeKind.COMPANY_RECORD, {"phone": "0389000005"}
        )
        session.add(
            ChangeRequestField(
                request_id=request_id,
                position=1,
                field_name="siret",
                submitted_value="73282932000075",
            )
        )
    error = refused(database, actors["administrative"], request_id)
    assert [(item.field, item.message) for item in error.errors] == [
        (
            "siret",
            f"{tr('SIRET')} ne peut pas être modifié depuis le portail : seul le service "
            "le modifie.",
        )
    ]
    with database.transaction() as session:  # the phone alone can be approved
        outcome = decisions.approve(
            session,
            actors["administrative"],
            request_id,
            {
                "phone": decisions.FieldChoice(approve=True),
                "siret": decisions.FieldChoice(
                    approve=False, reason="Le SIRET se change auprès du service."
                ),
            },
        )
    assert outcome.status == ChangeStatus.PARTIALLY_APPROVED
    with database.session() as session:
        assert session.get(Member, owner.id).siret == "73282932000074"


def test_an_invalid_iban_leaves_only_the_rejection(
    database: Database, actors: dict[str, Actor]
) -> None:
    _owner, request_id = support.one_request(
        database, ChangeKind.SEPA_OPT_IN, {"iban": iban_with_wrong_rib_key(), "bic": support.BIC}
    )
    with database.session() as session:
        detail = review.review_detail(session, actors["administrative"], request_id)
    problem = tr(
        "{field}: the RIB key of {value} is wrong.", field="IBAN", value=iban_with_wrong_rib_key()
    )
    assert detail.blocking == f"{problem} Cette demande ne peut qu'être rejetée."
    assert detail.warnings == (detail.blocking,) and detail.consequences == ()
    with database.transaction() as session:
        decisions.reject(session, actors["administrative"], request_id, detail.blocking)
    assert support.status_of(database, request_id).rejection_reason == detail.blocking


def test_a_new_hire_without_a_hiring_date_can_only_be_rejected(
    database: Database, actors: dict[str, Actor]
) -> None:
    _owner, request_id = support.one_request(
        database, ChangeKind.EMPLOYEE_ADDED, {"last_name": "Roth", "first_name": "Paul"}
    )
    error = refused(database, actors["administrative"], request_id)
    expected = "Date d'embauche manque dans la demande. Cette demande ne peut qu'être rejetée."
    assert [(item.field, item.message) for item in error.errors] == [("request", expected)]
