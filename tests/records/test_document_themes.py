"""The document library's themes: created, renamed, ordered, retired and brought back by
the administrator; a retired theme is offered no more."""

from __future__ import annotations

import pytest

from backoffice.db import Database
from backoffice.services import document_themes, documents
from backoffice.services.errors import PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor


def names(database: Database, actor: Actor) -> list[str]:
    with database.session() as session:
        return [theme.name for theme in documents.themes(session, actor)]


def test_themes_are_created_renamed_and_ordered(
    database: Database, actors: dict[str, Actor]
) -> None:
    admin = actors["administrator"]
    before = names(database, admin)
    with database.transaction() as session:
        created = document_themes.create_theme(session, admin, "  Fiches   de prévention ")
    assert names(database, admin) == [*before, "Fiches de prévention"]
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        document_themes.create_theme(session, admin, "FICHES DE PRÉVENTION")
    assert refused.value.message == (
        "Nom du thème : un thème s'appelle déjà « FICHES DE PRÉVENTION »."
    )
    with database.transaction() as session:
        document_themes.rename_theme(session, admin, created.id, "Fiches prévention")
        document_themes.move_theme(session, admin, created.id, -1)
    after = names(database, admin)
    assert after[-2:] == ["Fiches prévention", before[-1]]
    with database.transaction() as session:
        document_themes.move_theme(session, admin, created.id, -100)
    assert names(database, admin)[0] == "Fiches prévention"
    with pytest.raises(PermissionDenied), database.transaction() as session:
        document_themes.create_theme(session, actors["administrative"], "Autre")


def test_a_theme_with_published_documents_is_not_retired(
    database: Database, actors: dict[str, Actor]
) -> None:
    admin = actors["administrator"]
    with database.transaction() as session:
        theme = document_themes.create_theme(session, admin, "Archives")
        other = documents.themes(session, admin)[0]
        document_id = documents.add_document(
            session,
            admin,
            theme.id,
            "Statuts 2019",
            "statuts.pdf",
            "application/pdf",
            b"%PDF-1.4",
            publish=True,
        )
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        document_themes.retire_theme(session, admin, theme.id)
    assert "montre encore 1 document publié sur le portail" in refused.value.message
    with database.transaction() as session:
        documents.move_document(session, admin, document_id, other.id)
        document_themes.retire_theme(session, admin, theme.id)
    assert "Archives" not in names(database, admin)
    with database.session() as session:
        rows = {row.name: row for row in document_themes.theme_rows(session, admin)}
    assert rows["Archives"].retired and rows[other.name].documents == 1
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        documents.add_document(
            session, admin, theme.id, "Vieux", "vieux.pdf", "application/pdf", b"%PDF"
        )
    assert refused.value.message == "Le thème « Archives » est retiré : choisissez-en un autre."
    with database.transaction() as session:
        document_themes.restore_theme(session, admin, theme.id)
    assert names(database, admin)[-1] == "Archives"
