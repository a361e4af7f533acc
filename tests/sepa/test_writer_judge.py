"""The demo's collection through the application's writer and through sepaxml (the
writer it replaced): the two files say the same thing, field by field, and both
validate against the official schema."""

from __future__ import annotations

import pytest
from lxml import etree
from sqlalchemy import update

from backoffice import clock
from backoffice.db import Database
from backoffice.demo.generate import DemoOptions, generate
from backoffice.models import SepaMandate
from backoffice.reports.sepa import pain008
from backoffice.services import settings
from backoffice.services.actors import actor_for_login
from backoffice.services.sepa import collections, creditor, selection
from tests.sepa.builders import TODAY
from tests.sepa.sepaxml_judge import meaning, sepaxml_file
from tests.sepa.xsd import assert_valid


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = tmp_path_factory.mktemp("judge") / "demo.sqlite3"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    with clock.frozen(TODAY):
        generate(database, DemoOptions(members=300, seed=19))
    return database


@pytest.mark.parametrize("schema", pain008.SCHEMAS)
def test_the_demo_collection_says_the_same_through_both_writers(
    demo: Database, schema: str
) -> None:
    with demo.session() as session:  # never committed: each schema exports the same
        billing = actor_for_login(session, "compta")
        admin = actor_for_login(session, "admin")
        settings.put(session, admin, "sepa.schema", schema)
        # The demo's mandates have all been used: a few new ones make a FRST batch too.
        session.execute(
            update(SepaMandate).where(SepaMandate.id % 4 == 0).values(first_collected_on=None)
        )
        day = selection.suggested_collection_date(session, billing)
        review = selection.build_review(session, day, resend=True, late_notice=True)
        the_creditor = creditor.load(session)
        outcome = collections.export_collection(
            session, billing, day, resend=True, late_notice=True
        )
    lines = review.included
    assert outcome.count == len(lines) >= 10
    assert {line.sequence for line in lines} == {"FRST", "RCUR"}
    assert any(line.name_in_file != line.debtor_name for line in lines)  # transliterated
    ours = outcome.xml
    created_at = etree.fromstring(ours).findtext(".//{*}GrpHdr/{*}CreDtTm")
    theirs = sepaxml_file(
        the_creditor,
        day,
        outcome.message_id,
        created_at,
        [collections.direct_debit(line, outcome.collection_id) for line in lines],
        schema,
    )
    assert_valid(ours, schema)
    assert_valid(theirs, schema)
    ours_meaning, theirs_meaning = meaning(ours), meaning(theirs)
    assert len(ours_meaning) > 12 * len(lines)
    for ours_value, theirs_value in zip(ours_meaning, theirs_meaning, strict=True):
        assert ours_value == theirs_value
    assert clock.today() < day
