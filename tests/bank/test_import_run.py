"""``import_run.import_each``: the files of each second in one transaction, each in a
savepoint of its own, each result handed over once committed; a refused file leaves the
others imported."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.models.bank import BankEntry, BankFile
from backoffice.reports.bank import Movement
from backoffice.services.bank import import_run, importing
from tests import factories
from tests.bank import builders
from tests.bank.builders import CREDITED


@pytest.mark.parametrize("commit_every", [0.0, 3600.0])
def test_each_result_is_committed_when_handed_over(database: Database, commit_every: float) -> None:
    with database.transaction() as session:
        billing = factories.staff_of_every_role(session)["billing"]
        iban, bic = builders.service_iban(session)
    files: list[tuple[str, bytes]] = []
    for number in range(3):
        movement = Movement(500 + number, CREDITED, f"VIR-RUN-{number}", name="INCONNU")
        statement = builders.statement(iban, bic, [movement], day=CREDITED)
        files.append((f"releve-{number}.xml", builders.camt053([statement])))
    files.insert(1, ("casse.xml", b"<Document><pas fini"))
    read = import_run.read_ahead(files)
    seen = []
    for name, result in import_run.import_each(database, billing, read, commit_every=commit_every):
        seen.append(name)
        with database.session() as other:  # another workstation sees what was handed over
            stored = other.scalar(select(func.count(BankFile.id)))
        if name == "casse.xml":
            assert isinstance(result, importing.BankImportRefused)
            continue
        assert isinstance(result, importing.ImportOutcome) and result.new == 1
        assert stored >= len([name for name in seen if name != "casse.xml"])
    assert seen == [name for name, _data in files]
    with database.session() as session:
        assert session.scalar(select(func.count(BankFile.id))) == 3
        assert session.scalar(select(func.count(BankEntry.id))) == 3
