"""docs/schema.md, the contract with the portal, matches the models."""

from __future__ import annotations

from tools import schema_doc


def test_schema_document_is_up_to_date() -> None:
    assert schema_doc.TARGET.read_text(encoding="utf-8") == schema_doc.render(), (
        "docs/schema.md is out of date: run python tools/schema_doc.py"
    )
