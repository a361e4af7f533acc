"""Members the platform could not take are listed by the campaign's preview, before
anything is issued."""

from __future__ import annotations

from backoffice.db import Database
from backoffice.services.billing import campaign
from backoffice.services.billing.campaign import AnomalyKind
from backoffice.services.permissions import Actor
from tests import factories
from tests.billing.builders import declare


def test_the_preview_lists_what_the_platform_cannot_take(
    database: Database, billing: Actor
) -> None:
    with database.transaction() as session:
        factories.tariff(session, 2027)
        fine = factories.member(session, legal_name="BIEN SA")
        public = factories.member(session, legal_name="COMMUNE DE THANN", naf_code="8411Z")
        person = factories.member(session, legal_name="M. DUPONT", naf_code="9700Z")
        no_siren = factories.member(session, legal_name="SANS SIREN", siret="12345678900012")
        for member in (fine, public, person, no_siren):
            declare(session, member, 2027, 2)
    with database.session() as session:
        preview = campaign.preview(session, billing, 2027)
    found = {
        anomaly.member_name: anomaly.message
        for anomaly in preview.anomalies
        if anomaly.kind == AnomalyKind.EINVOICING
    }
    assert set(found) == {"COMMUNE DE THANN", "M. DUPONT", "SANS SIREN"}
    assert "Chorus Pro" in found["COMMUNE DE THANN"]
    assert "particulier employeur" in found["M. DUPONT"]
    assert "aucun SIREN valide (SIRET 12345678900012)" in found["SANS SIREN"]
    assert len(preview.invoices) == 4  # still billed
