"""Invoice PDFs written to a file or a folder are owner-only (issue 14.6)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from backoffice.db import Database
from backoffice.models import Invoice
from backoffice.services.billing import documents
from backoffice.services.permissions import Actor
from tests.billing.builders import billed_member


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_invoice_files_are_owner_only(database: Database, billing: Actor, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    billed_member(database, billing)
    billed_member(database, billing)
    with database.session() as session:
        ids = list(session.scalars(select(Invoice.id)))
        merged = documents.write_invoice_pdfs(
            session, billing, ids, tmp_path / "out" / "campagne.pdf", one_file=True
        )
        each = documents.write_invoice_pdfs(
            session, billing, ids, tmp_path / "out" / "un", one_file=False
        )
    written = [*merged, *each]
    assert len(written) == 3
    assert {stat.S_IMODE(path.stat().st_mode) for path in written} == {0o600}
    out = tmp_path / "out"
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == sorted(
        p.name for p in written
    )  # no temporary file left beside them
