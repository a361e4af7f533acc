"""The demo database: realistic, consistent, and relative to today."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from schwifty import IBAN
from sqlalchemy import exc, func, select
from stdnum.fr import siret

from backoffice import clock
from backoffice.db import Database
from backoffice.demo.bulk import BulkWriter
from backoffice.demo.generate import DemoOptions, DemoRefused, generate
from backoffice.models import (
    Appointment,
    AppointmentRequest,
    ChangeKind,
    ChangeRequest,
    DocumentTheme,
    Employee,
    Instalment,
    Invoice,
    Member,
    NumberCounter,
    PortalAccount,
    SepaMandate,
    StaffUser,
    WorkforceDeclaration,
)


@pytest.fixture
def demo(database: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setattr("backoffice.demo.generate.CHUNK", 25)  # the background writer works
    generate(database, DemoOptions(members=60, seed=7))
    return database


def test_demo_is_consistent(demo: Database) -> None:
    today = clock.today()
    with demo.session() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 60
        assert {user.role.value for user in session.scalars(select(StaffUser))} == {
            "administrator",
            "administrative",
            "billing",
            "medical_assistant",
            "read_only",
            "system",  # the nightly jobs' account, made by the migrations
        }
        assert all(siret.is_valid(code) for code in session.scalars(select(Member.siret)))
        for mandate in session.scalars(select(SepaMandate)):
            assert IBAN(mandate.iban).bic.compact[:8] == mandate.bic[:8]
            assert len(mandate.rum) <= 35
        # Mandates whose debits were presented remember their first and last collection.
        used = session.scalars(
            select(SepaMandate).where(SepaMandate.first_collected_on.is_not(None))
        ).all()
        assert used and all(m.last_collected_on >= m.first_collected_on for m in used)
        # Past years' declarations count the employees present on the day counted.
        members = {member.id: member for member in session.scalars(select(Member))}
        employees = session.scalars(select(Employee)).all()
        declarations = session.scalars(
            select(WorkforceDeclaration).where(WorkforceDeclaration.year < today.year)
        ).all()
        assert declarations
        for declaration in declarations:
            counted_on = max(date(declaration.year, 1, 1), members[declaration.member_id].joined_on)
            present = Counter(
                employee.follow_up_category
                for employee in employees
                if employee.member_id == declaration.member_id
                and employee.hired_on <= counted_on
                and (employee.exited_on is None or employee.exited_on >= counted_on)
            )
            assert (
                declaration.headcount_si,
                declaration.headcount_sia,
                declaration.headcount_sir,
            ) == (present["si"], present["sia"], present["sir"])
        # Every invoice's schedule adds up to its total, to the cent.
        sums = dict(
            session.execute(
                select(Instalment.invoice_id, func.sum(Instalment.amount_cents)).group_by(
                    Instalment.invoice_id
                )
            ).all()
        )
        for invoice in session.scalars(select(Invoice)):
            assert sums[invoice.id] == invoice.total_ttc_cents
        # Invoice numbers are continuous per year and match the counters.
        invoice_series = NumberCounter.series.like("invoice-%")
        for counter in session.scalars(select(NumberCounter).where(invoice_series)):
            year = counter.series.split("-")[1]
            numbers = sorted(
                int(n.rsplit("-", 1)[1])
                for n in session.scalars(
                    select(Invoice.number).where(Invoice.number.like(f"FA-{year}-%"))
                )
            )
            assert numbers == list(range(1, counter.last_number + 1))
        # Relative to today: overdue and coming instalments, coming appointments.
        assert session.scalar(
            select(func.count())
            .select_from(Instalment)
            .where(Instalment.due_on < today, Instalment.paid_cents < Instalment.amount_cents)
        )
        assert session.scalar(
            select(func.count()).select_from(Instalment).where(Instalment.due_on >= today)
        )
        assert session.scalar(
            select(func.count())
            .select_from(Appointment)
            .where(Appointment.starts_at > clock.now(), Appointment.status == "confirmed")
        )
        kinds = Counter(session.scalars(select(ChangeRequest.kind)))
        assert set(kinds) == set(ChangeKind)
        assert session.scalar(select(func.count()).select_from(AppointmentRequest))
        assert (
            session.scalar(
                select(func.count())
                .select_from(PortalAccount)
                .where(PortalAccount.locked_at.is_not(None))
            )
            >= 1
        )
        assert session.scalar(
            select(func.count()).select_from(Employee).where(Employee.exited_on.is_not(None))
        )


def test_demo_refuses_a_database_with_members(demo: Database) -> None:
    with pytest.raises(DemoRefused):
        generate(demo, DemoOptions(members=5))
    with demo.session() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 60


def test_same_seed_same_members(sqlite_database: Database, tmp_path: object) -> None:
    generate(sqlite_database, DemoOptions(members=15, seed=3))
    other = Database(f"sqlite:///{tmp_path}/other.sqlite3")  # type: ignore[str-bytes-safe]
    other.upgrade()
    generate(other, DemoOptions(members=15, seed=3))
    query = select(Member.member_code, Member.legal_name, Member.siret).order_by(Member.id)
    with sqlite_database.session() as first, other.session() as second:
        assert first.execute(query).all() == second.execute(query).all()


def test_background_writer_writes_every_chunk_and_reports_errors(database: Database) -> None:
    with database.transaction() as session:
        writer = BulkWriter(session.connection())
        for chunk in range(3):
            for number in range(10):
                writer.add("document_themes", {"name": f"thème {chunk}-{number}", "position": 100})
            writer.flush(background=True)
        writer.drain()
        assert (
            session.scalar(
                select(func.count()).select_from(DocumentTheme).where(DocumentTheme.position == 100)
            )
            == 30
        )
    with pytest.raises(exc.IntegrityError), database.transaction() as session:
        writer = BulkWriter(session.connection())
        writer.add("document_themes", {"name": "thème 0-0", "position": 1})  # duplicate name
        writer.flush(background=True)
        writer.drain()


def test_email_addresses_keep_only_letters_digits_and_dots() -> None:
    """The demo's addresses (a regular expression) as the character-by-character rule
    made them: the name folded, spaces as dots, letters, digits and dots kept."""
    from backoffice.demo.people import email_for
    from backoffice.text import fold

    def by_characters(name: str, hint: str) -> str:
        local = "".join(c for c in fold(name).replace(" ", ".") if c.isalnum() or c == ".")
        domain = "".join(c for c in fold(hint) if c.isalnum())[:20] or "entreprise"
        return f"{local.strip('.')}@{domain}.fr"

    names = ["Jean-Pierre Lefèvre", " Œdipe  d'Ørsted_2 ", "Ⅻ ½ ³ ١٢", "", "rh", "a.b c"]
    hints = ["BOULANGERIE D'ALSACE GUILBERT SARL", "Œuvres & Cie — Straße 12", "_", "ﬁﬂ"]
    for name in names:
        for hint in hints:
            assert email_for(name, hint) == by_characters(name, hint)
