"""A member's spreadsheet of employees: read as xlsx or CSV, previewed line by line (the
refused ones with why), imported in one transaction."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.models import AuditEvent, Employee, EmployeeOrigin, FollowUpCategory
from backoffice.services.employees import importing
from backoffice.services.employees.importing import LineStatus
from backoffice.services.employees.spreadsheet import read_sheet
from backoffice.services.errors import Conflict, ValidationFailed
from backoffice.services.permissions import Actor
from tests import factories

HEADER = [
    "Civilité",
    "NOM",
    "Prénom",
    "Date de naissance",
    "Code PCS-ESE",
    "Poste",
    "Date d'embauche",
    "Date de sortie",
    "Risques (DSI)",
    "Suivi",
]
ROWS = [
    [
        "M",
        "Koenig",
        "Paul",
        datetime(1990, 4, 2),
        "632a",
        "Menuisier",
        datetime(2027, 2, 15),
        None,
        "Travail de nuit",
        "SI",
    ],
    [
        "Madame",
        "Weber",
        "Claire",
        "12/11/1985",
        "543A",
        "Secrétaire",
        "01/03/2021",
        None,
        None,
        None,
    ],
    [
        "Mme",
        "Muller",
        "Anne",
        "07/07/1979",
        "621a",
        "Désamianteuse",
        "2019-05-06",
        None,
        "amiante; Habilitation électrique",
        "sia",
    ],
    [None, None, None, None, None, None, None, None, None, None],  # an empty line is skipped
    ["M.", "Schmitt", "Luc", "1/1/1980", "621a", "Maçon", "31/02/2024", None, None, None],
    ["M.", "Keller", "Jean", "02/02/1975", "621a", "Maçon", "01/01/2020", "31/12/2019", None, None],
    ["M.", "Roth", "Eric", "03/03/1983", "621", "Maçon", "01/01/2020", None, "vertige", None],
    [
        "Madame",
        "WEBER",
        "Claire",
        "12/11/1985",
        "543a",
        "Secrétaire",
        "01/03/2021",
        None,
        None,
        None,
    ],
    ["M.", "Dupont", "Léa", "", "543a", "Employée", "01/09/2020", None, None, None],
]


def workbook(header: list[str] = HEADER, rows: list[list[object]] = ROWS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Liste des salariés au 01/03/2027"])  # a title above the header
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[object]], encoding: str = "cp1252") -> bytes:
    """As a French spreadsheet program saves it: ``;``, Windows-1252, cells quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(f"{cell:%d/%m/%Y}" if isinstance(cell, datetime) else cell for cell in row)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def member_id(database: Database) -> int:
    with database.transaction() as session:
        member = factories.member(session, member_code="100050")
        factories.employee(
            session, member.id, last_name="Dupont", first_name="Léa", hired_on=date(2020, 9, 1)
        )
        return member.id


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_preview_says_what_each_line_becomes(
    database: Database, actors: dict[str, Actor], member_id: int, kind: str
) -> None:
    content = workbook() if kind == "xlsx" else csv_bytes(ROWS)
    with database.session() as session:
        preview = importing.preview_import(
            session, actors["administrative"], member_id, f"salaries.{kind}", content
        )
    lines = {line.name: line for line in preview.lines}
    first = 4 if kind == "xlsx" else 2  # the header's line, then one per row
    assert [line.number for line in preview.lines][:3] == [first, first + 1, first + 2]
    assert [(line.status, line.category) for line in preview.lines[:3]] == [
        (LineStatus.NEW, FollowUpCategory.SIA),  # night work raises SI
        (LineStatus.NEW, FollowUpCategory.SI),
        (LineStatus.NEW, FollowUpCategory.SIR),  # asbestos
    ]
    assert lines["KOENIG Paul"].values["civility"] == "M."
    assert lines["KOENIG Paul"].values["birth_date"] == date(1990, 4, 2)
    assert lines["MULLER Anne"].values["risk_factors"] == ["amiante", "habilitation_electrique"]
    assert lines["SCHMITT Luc"].problems == ("Date d'embauche : 31/02/2024 n'est pas une date.",)
    assert lines["KELLER Jean"].problems == (
        "Date de sortie (31/12/2019) ne peut pas précéder Date d'embauche (01/01/2020).",
    )
    assert set(lines["ROTH Eric"].problems) == {
        "Risques (DSI) : « vertige » ne figure pas dans la liste des facteurs de risque.",
        "Code PCS : 621 n'est pas un code PCS-ESE (par exemple 621a).",
    }
    weber = [line for line in preview.lines if line.name.startswith("WEBER")]
    assert weber[1].problems == (f"Le même salarié qu'à la ligne {first + 1}.",)
    assert lines["DUPONT Léa"].status == LineStatus.PRESENT  # already recorded: left alone
    assert (preview.count(LineStatus.NEW), preview.count(LineStatus.REFUSED)) == (3, 4)


def test_the_import_writes_the_accepted_lines_in_one_transaction(
    database: Database, actors: dict[str, Actor], member_id: int
) -> None:
    content = workbook()
    with database.transaction() as session:
        done = importing.import_employees(
            session, actors["administrative"], member_id, "salaries.xlsx", content, expected_new=3
        )
    assert (done.imported, done.present, done.refused) == (3, 1, 4)
    with database.session() as session:
        imported = session.scalars(select(Employee).where(Employee.id.in_(done.employee_ids)))
        assert {(e.last_name, e.origin, e.follow_up_category) for e in imported} == {
            ("Koenig", EmployeeOrigin.IMPORT, FollowUpCategory.SIA),
            ("Weber", EmployeeOrigin.IMPORT, FollowUpCategory.SI),
            ("Muller", EmployeeOrigin.IMPORT, FollowUpCategory.SIR),
        }
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "employees.import"))
        assert event.after["imported"] == 3 and event.member_id == member_id
    # The same file again: everything is already recorded, nothing is imported twice.
    with pytest.raises(Conflict), database.transaction() as session:
        importing.import_employees(
            session, actors["administrative"], member_id, "salaries.xlsx", content, expected_new=3
        )
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        importing.import_employees(
            session, actors["administrative"], member_id, "salaries.xlsx", content
        )
    assert refused.value.message == "Aucune ligne du fichier ne peut être importée."


def test_a_failure_midway_leaves_nothing_written(
    database: Database, actors: dict[str, Actor], member_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing.audit, "record", broken)
    with pytest.raises(RuntimeError), database.transaction() as session:
        importing.import_employees(
            session, actors["administrative"], member_id, "salaries.xlsx", workbook()
        )
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Employee)) == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "salaries.csv",
            "Nom;Prénom;Date d'embauche;Salaire;Badge\nKoenig;Paul;01/02/2027;2000;12\n".encode(),
            "Colonnes inconnues : « Salaire », « Badge ». Les colonnes lues sont : Civilité, "
            "Nom, Prénom, Date de naissance, Code PCS, Poste, Date d'embauche, Date de sortie, "
            "Motif de sortie, Risques (DSI), Catégorie de suivi.",
        ),
        (
            "salaries.csv",
            "Nom;Prénom;Poste\nKoenig;Paul;Menuisier\n".encode(),
            "Colonnes manquantes : Date d'embauche.",
        ),
        (
            "salaries.xlsx",
            b"not a workbook",
            "Le fichier n'est pas un classeur Excel (.xlsx) lisible.",
        ),
        (
            "salaries.xls",
            b"\xd0\xcf\x11\xe0",
            "Les anciens fichiers Excel (.xls) ne peuvent "
            "pas être lus : enregistrez-le en .xlsx ou en CSV et recommencez.",
        ),
        ("salaries.csv", b"", "Le fichier est vide."),
        (
            "salaries.csv",
            "Nom,Nom de famille,Prénom,Embauche\n".encode(),
            "Les colonnes « Nom » et « Nom de famille » donnent toutes deux le champ nom.",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(
    name: str, content: bytes, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        read_sheet(name, content)
    assert refused.value.errors[0].field == "file"
    assert refused.value.message == message


def test_csv_in_utf8_with_commas_is_read_too() -> None:
    content = "\ufeffNom,Prénom,Date d'embauche\nÉtienne,Zoé,15/01/2027\n".encode()
    sheet = read_sheet("export.csv", content)
    assert sheet.rows[0].cells == {
        "last_name": "Étienne",
        "first_name": "Zoé",
        "hired_on": "15/01/2027",
    }


def test_the_command_line_previews_then_imports(
    database: Database,
    actors: dict[str, Actor],
    member_id: int,
    tmp_path: object,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    staff_password: str,
) -> None:
    from pathlib import Path

    from backoffice.cli.main import main

    monkeypatch.setenv("BACKOFFICE_LANG", "fr")
    url = database.engine.url.render_as_string(hide_password=False)
    sheet = Path(str(tmp_path)) / "salaries.csv"
    sheet.write_bytes(csv_bytes(ROWS))
    command = ["--database", url, "members", "import-employees", "100050", str(sheet)]
    assert main([*command, "--as", "administrative", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Ligne 6 (SCHMITT Luc) : Date d'embauche : 31/02/2024 n'est pas une date." in out
    assert out.strip().endswith("3 salariés à importer, 1 déjà enregistré, 4 lignes refusées.")
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Employee)) == 1
    assert main([*command, "--as", "administrative"]) == 0
    assert "3 salariés importés" in capsys.readouterr().out
    assert main([*command, "--as", "medical_assistant"]) == 1
    assert "ne vous permet pas" in capsys.readouterr().err
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Employee)) == 4
