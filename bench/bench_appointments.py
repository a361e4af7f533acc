"""Appointments: the week view of a centre with 20 professionals and 2,000 appointments
(goal ≤ 200 ms to open), beside the driver fetching the same rows; and 1,000 convocations
merged into one PDF, beside reportlab's canvas drawing the same content directly (goal
≤ 1.5×).

The week is built in a fresh database of its own (the demo's centres are smaller).
"""

from __future__ import annotations

import os
import statistics
import time as timer
from datetime import date, time, timedelta
from types import SimpleNamespace

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import insert, select, text

from backoffice import clock
from backoffice.db import Database
from backoffice.identity import ServiceIdentity
from backoffice.models import (
    Appointment,
    CentreOpeningHours,
    ConsultationSession,
    Employee,
    HealthProfessional,
    Member,
    Role,
    StaffUser,
    VisitCentre,
)
from backoffice.reports import pdf
from backoffice.reports.convocations import (
    LEGAL_NOTE,
    ConvocationLetter,
    details,
    render_convocations,
    visit_moment,
)
from backoffice.services import identity as identity_service
from backoffice.services import settings as settings_service
from backoffice.services.actors import actor_of
from backoffice.services.appointments.agenda import AgendaQuery, Scope, agenda
from backoffice.services.appointments.convocations import _statement, convocation_letter
from backoffice.services.appointments.periods import week_start
from bench.common import Context, Result, fresh_database

PROFESSIONALS = 20
PER_DAY = 20  # 30-minute visits, 08:00–12:00 and 13:00–19:00
LETTERS = 1000
RUNS = 7


def build_week(database: Database) -> tuple[int, date]:
    """A centre, 20 professionals, 2,000 employees and their appointments next week."""
    monday = week_start(clock.today()) + timedelta(days=7)
    with database.transaction() as session:
        centre = VisitCentre(
            code="BEN", name="Centre de mesure", address_line1="1 rue", postcode="68100", city="M"
        )
        centre.opening_hours = [
            CentreOpeningHours(weekday=d, opens_at=time(7), closes_at=time(20)) for d in range(5)
        ]
        session.add(centre)
        member = Member(
            member_code="900001",
            legal_name="MESURE SA",
            siret="73282932000074",
            joined_on=date(2020, 1, 1),
            address_line1="1 rue",
            postcode="68100",
            city="Mulhouse",
        )
        session.add(member)
        staff = StaffUser(
            login="bench", full_name="Bench", role=Role.ADMINISTRATOR, password_hash="x"
        )
        session.add(staff)
        session.flush()
        professionals = []
        for index in range(PROFESSIONALS):
            professional = HealthProfessional(
                kind="doctor", title="Dr", first_name="Anne", last_name=f"Médecin{index:02d}"
            )
            professional.sessions = [
                ConsultationSession(
                    centre_id=centre.id, weekday=d, starts_at=start, ends_at=end, slot_minutes=15
                )
                for d in range(5)
                for start, end in ((time(8), time(12)), (time(13), time(19)))
            ]
            session.add(professional)
            professionals.append(professional)
        session.flush()
        total = PROFESSIONALS * 5 * PER_DAY
        session.execute(
            insert(Employee),
            [
                {
                    "member_id": member.id,
                    "last_name": f"Salarie{number:04d}",
                    "first_name": "Léa",
                    "hired_on": date(2020, 1, 1),
                }
                for number in range(total)
            ],
        )
        employees = list(session.scalars(select(Employee.id).order_by(Employee.id)))
        rows = []
        for p_index, professional in enumerate(professionals):
            for day_index in range(5):
                day = monday + timedelta(days=day_index)
                for slot in range(PER_DAY):
                    minutes = 8 * 60 + slot * 30 + (60 if slot >= 8 else 0)
                    starts = clock.at_local(day, time(minutes // 60, minutes % 60))
                    rows.append(
                        {
                            "member_id": member.id,
                            "employee_id": employees[(p_index * 5 + day_index) * PER_DAY + slot],
                            "professional_id": professional.id,
                            "centre_id": centre.id,
                            "visit_type_code": "periodique",
                            "starts_at": starts,
                            "ends_at": starts + timedelta(minutes=30),
                            "booked_at": clock.now(),
                        }
                    )
        session.execute(insert(Appointment), rows)
        return centre.id, monday


def open_week(database: Database, centre_id: int, monday: date) -> tuple[float, float]:
    """Seconds to open the week view (query, grid, Qt model, spans, first paint), and the
    part spent in the service."""
    from PySide6.QtWidgets import QTableView

    from backoffice.views.app import application
    from backoffice.views.appointments.agenda_model import AgendaModel

    application()  # as the application runs: collection on the GUI thread
    with database.session() as session:
        actor = actor_of(session.scalar(select(StaffUser).where(StaffUser.login == "bench")))
    start = timer.perf_counter()
    with database.session() as session:
        grid = agenda(session, actor, AgendaQuery(Scope.CENTRE, centre_id, monday, 7))
    service = timer.perf_counter() - start
    model = AgendaModel()
    view = QTableView()
    view.resize(1400, 800)
    model.set_grid(grid, {"periodique": "Visite périodique"})
    view.setModel(model)
    for column, cells in enumerate(grid.cells):
        for row, cell in enumerate(cells):
            if cell.first and cell.span > 1:
                view.setSpan(row, column, cell.span, 1)
    view.grab()  # lays out and paints what is visible
    assert grid.appointment_count == PROFESSIONALS * 5 * PER_DAY
    return timer.perf_counter() - start, service


def raw_fetch(database: Database, centre_id: int, monday: date) -> float:
    """The driver alone fetching the week's appointments with the same joins."""
    sql = (
        "SELECT a.id, a.version, a.starts_at, a.ends_at, a.status, a.professional_id, "
        "a.centre_id, c.name, a.employee_id, e.last_name, e.first_name, a.member_id, "
        "m.member_code, m.trade_name, m.legal_name, a.visit_type_code FROM appointments a "
        "JOIN employees e ON e.id = a.employee_id JOIN members m ON m.id = a.member_id "
        "JOIN visit_centres c ON c.id = a.centre_id WHERE a.centre_id = :centre "
        "AND a.status <> 'cancelled' AND a.starts_at >= :start AND a.starts_at < :end "
        "ORDER BY a.starts_at"
    )
    start, end = clock.start_of_local_day(monday), clock.end_of_local_day(monday + timedelta(6))
    if database.backend == "sqlite":
        start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    began = timer.perf_counter()
    with database.engine.connect() as connection:
        rows = connection.execute(text(sql), {"centre": centre_id, "start": start, "end": end})
        assert len(rows.fetchall()) == PROFESSIONALS * 5 * PER_DAY
    return timer.perf_counter() - began


# -- convocations ---------------------------------------------------------------------------


def letters(database: Database, count: int) -> tuple[ServiceIdentity, list[ConvocationLetter]]:
    with database.session() as session:
        identity = identity_service.load(session)
        texts = settings_service.get(session, "convocation.texts")
        rows = session.execute(_statement().limit(count)).all()
        found = [convocation_letter(row, texts, identity) for row in rows]
    return identity, (found * (count // len(found) + 1))[:count]


def draw_directly(identity: ServiceIdentity, batch: list[ConvocationLetter]) -> bytes:
    """The same letters drawn line by line on reportlab's canvas (no layout engine)."""
    from io import BytesIO

    pdf.register_fonts()
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    width, height = A4
    header = pdf._letterhead(identity, "Convocation")
    for number, letter in enumerate(batch, start=1):
        header(canvas, SimpleNamespace(page=number))
        y = height - 45 * mm - 5 * mm
        canvas.setFont(pdf.FONT_BOLD, 10)
        for index, line in enumerate(letter.recipient.lines):
            canvas.setFont(pdf.FONT_BOLD if index == 0 else pdf.FONT, 10)
            canvas.drawString(width - 2 * pdf.MARGIN - 85 * mm + pdf.MARGIN, y, line)
            y -= 4.6 * mm
        y = height - 45 * mm - 40 * mm
        canvas.setFont(pdf.FONT, 9.5)
        canvas.drawRightString(
            width - pdf.MARGIN,
            y,
            f"{identity.address.city}, le {pdf.long_french_date(letter.issued_on)}",
        )
        y -= 10 * mm
        for line in (
            "Objet : convocation à une visite de santé au travail",
            f"N° adhérent : {letter.member_code} · Référence : {letter.reference}",
            "Madame, Monsieur,",
            "Nous vous prions d'informer votre salarié(e) de la visite ci-dessous et de lui "
            "remettre cette convocation.",
        ):
            for part in simpleSplit(line, pdf.FONT, 9.5, width - 2 * pdf.MARGIN):
                canvas.drawString(pdf.MARGIN, y, part)
                y -= 13
        canvas.setFont(pdf.FONT, 8.5)
        for label, value in details(letter):
            lines = value.split("\n")
            canvas.rect(pdf.MARGIN, y - 11 * (len(lines) - 1) - 3, 174 * mm, 11 * len(lines) + 2)
            canvas.drawString(pdf.MARGIN + 2, y, label)
            for line in lines:
                canvas.drawString(pdf.MARGIN + 47 * mm, y, line)
                y -= 11
            y -= 3
        for title, body in (
            ("À apporter", letter.what_to_bring),
            ("En cas d'empêchement", letter.how_to_cancel),
            ("", LEGAL_NOTE),
            ("", "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."),
        ):
            if title:
                canvas.setFont(pdf.FONT_BOLD, 10.5)
                canvas.drawString(pdf.MARGIN, y, title)
                y -= 14
            canvas.setFont(pdf.FONT, 9.5)
            for part in simpleSplit(body, pdf.FONT, 9.5, width - 2 * pdf.MARGIN):
                canvas.drawString(pdf.MARGIN, y, part)
                y -= 13
        canvas.setFont(pdf.FONT_BOLD, 9.5)
        canvas.drawString(pdf.MARGIN, y - 10, "Le secrétariat médical")
        assert visit_moment(letter.starts_at)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def median(work: object, runs: int) -> float:
    samples = []
    for _ in range(runs):
        began = timer.perf_counter()
        work()  # type: ignore[operator]
        samples.append(timer.perf_counter() - began)
    return statistics.median(samples)


def week_view(context: Context, backend: str, database: Database) -> None:
    centre_id, monday = build_week(database)
    open_week(database, centre_id, monday)  # warm the statement cache
    timings = [open_week(database, centre_id, monday) for _ in range(RUNS)]
    service = statistics.median(part for _total, part in timings)
    context.add(
        Result(
            f"agenda: week of a centre, {PROFESSIONALS} pros, 2000 appts",
            backend,
            statistics.median(total for total, _service in timings),
            median(lambda: raw_fetch(database, centre_id, monday), RUNS),
            "driver fetching the same rows",
            "≤ 200 ms",
            f"service {service * 1000:.0f} ms, the rest Qt (model, spans, paint)",
        )
    )


def cpu_seconds(work: object) -> float:
    began = timer.process_time()
    work()  # type: ignore[operator]
    return timer.process_time() - began


def convocations(context: Context, backend: str, database: Database) -> None:
    """Both renderings alternate, timed in CPU seconds of this process: the work is pure
    computation, and a busy machine (other processes) then skews neither side."""
    identity, batch = letters(database, LETTERS)
    ours, direct = [], []
    for _ in range(3):
        ours.append(cpu_seconds(lambda: render_convocations(identity, batch)))
        direct.append(cpu_seconds(lambda: draw_directly(identity, batch)))
    context.add(
        Result(
            f"{LETTERS} convocations in one PDF (platypus, CPU)",
            backend,
            statistics.median(ours),
            statistics.median(direct),
            "reportlab canvas, same content",
            "≤ 1.5×",
            f"{len(render_convocations(identity, batch[:10])) // 1024} KiB for 10 letters",
        )
    )


def run(context: Context) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for backend in context.backends:
        database = fresh_database(backend, "bench_appointments")
        week_view(context, backend, database)
        convocations(context, backend, database)
        database.dispose()
