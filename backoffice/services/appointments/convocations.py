"""Convocations: the letters of confirmed appointments, one or a batch merged into one
PDF for printing. A convocation is never produced for a cancelled appointment, nor for
one that is not confirmed; each one printed is recorded in the audit trail (the member
was convened on that day)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.identity import ServiceIdentity
from backoffice.models import (
    Appointment,
    AppointmentStatus,
    Employee,
    HealthProfessional,
    Member,
    ProfessionalKind,
    VisitCentre,
    VisitType,
)
from backoffice.reports.convocations import ConvocationLetter, render_convocations
from backoffice.reports.pdf import PostalAddress
from backoffice.services import audit
from backoffice.services import identity as identity_service
from backoffice.services import settings as settings_service
from backoffice.services.appointments.periods import Period
from backoffice.services.appointments.queries import employee_label
from backoffice.services.appointments.rules import describe
from backoffice.services.errors import FieldError, NotFound, ValidationFailed
from backoffice.services.identity import Purpose
from backoffice.services.mail import documents as mail_documents
from backoffice.services.mail import outbox
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Progress
from backoffice.text import attention_line


@dataclass(frozen=True)
class ConvocationSelection:
    """Explicit appointments, or the confirmed ones of a day (of a centre, a professional)."""

    appointment_ids: Sequence[int] | None = None
    day: date | None = None
    centre_id: int | None = None
    professional_id: int | None = None


@dataclass(frozen=True)
class ConvocationBatch:
    pdf: bytes
    appointment_ids: list[int]


def convocation_address(member: Member) -> PostalAddress:
    """The member's convocation address (its main address when it has none), to the
    attention of its convocation contact."""
    lines = [member.legal_name]
    if member.convocation_contact_name:
        lines.append(attention_line(member.convocation_contact_name))
    if member.convocation_address_line1:
        lines += [member.convocation_address_line1, member.convocation_address_line2 or ""]
        lines.append(f"{member.convocation_postcode or ''} {member.convocation_city or ''}")
    else:
        lines += [member.address_line1, member.address_line2 or ""]
        lines.append(f"{member.postcode} {member.city}")
    return PostalAddress(tuple(line.strip() for line in lines if line and line.strip()))


def professional_role(professional: HealthProfessional) -> str:
    if professional.kind == ProfessionalKind.DOCTOR:
        return "médecin du travail"
    return (
        "infirmière en santé au travail"
        if professional.title == "Mme"
        else ("infirmier en santé au travail")
    )


def _statement() -> Select:
    return (
        select(Appointment, Employee, Member, VisitType, HealthProfessional, VisitCentre)
        .join(Employee, Appointment.employee_id == Employee.id)
        .join(Member, Appointment.member_id == Member.id)
        .join(VisitType, Appointment.visit_type_code == VisitType.code)
        .join(HealthProfessional, Appointment.professional_id == HealthProfessional.id)
        .join(VisitCentre, Appointment.centre_id == VisitCentre.id)
        .order_by(VisitCentre.name, HealthProfessional.last_name, Appointment.starts_at)
    )


def _selected(session: Session, selection: ConvocationSelection) -> list[tuple]:
    statement = _statement()
    if selection.appointment_ids is not None:
        rows = session.execute(
            statement.where(Appointment.id.in_(list(selection.appointment_ids)))
        ).all()
        if len(rows) != len(set(selection.appointment_ids)):
            raise NotFound(tr("This appointment no longer exists."))
        refused = [
            FieldError(
                f"appointment:{row[0].id}",
                tr(
                    "The appointment of {when} ({employee}) is not confirmed: no convocation "
                    "is produced for it.",
                    when=describe(Period(row[0].starts_at, row[0].ends_at)),
                    employee=employee_label(row[1].last_name, row[1].first_name),
                ),
            )
            for row in rows
            if row[0].status != AppointmentStatus.CONFIRMED
        ]
        if refused:
            raise ValidationFailed(refused)
        return list(rows)
    if selection.day is None:
        raise ValidationFailed.single("day", tr("Day: choose the day of the appointments."))
    statement = statement.where(
        Appointment.status == AppointmentStatus.CONFIRMED,
        Appointment.starts_at >= clock.start_of_local_day(selection.day),
        Appointment.starts_at < clock.end_of_local_day(selection.day),
    )
    if selection.centre_id is not None:
        statement = statement.where(Appointment.centre_id == selection.centre_id)
    if selection.professional_id is not None:
        statement = statement.where(Appointment.professional_id == selection.professional_id)
    rows = list(session.execute(statement).all())
    if not rows:
        raise ValidationFailed.single(
            "day",
            tr(
                "There is no confirmed appointment on {day} to convene.",
                day=format_day(selection.day),
            ),
        )
    return rows


def convocation_letter(
    row: tuple, texts: dict[str, str], identity: ServiceIdentity
) -> ConvocationLetter:
    appointment, employee, member, visit, professional, centre = row
    name = f"{employee.first_name} {employee.last_name.upper()}"
    return ConvocationLetter(
        reference=f"RDV-{appointment.id:06d}",
        member_code=member.member_code,
        recipient=convocation_address(member),
        employee=f"{employee.civility} {name}" if employee.civility else name,
        birth_date=employee.birth_date,
        job_title=employee.job_title,
        visit=visit.label,
        starts_at=clock.local(appointment.starts_at),
        duration_minutes=round((appointment.ends_at - appointment.starts_at).total_seconds() / 60),
        centre=centre.name,
        centre_address=tuple(
            line
            for line in (
                centre.address_line1,
                centre.address_line2,
                f"{centre.postcode} {centre.city}",
            )
            if line
        ),
        centre_phone=centre.phone,
        access_notes=centre.access_notes,
        professional=professional.display_name,
        professional_role=professional_role(professional),
        what_to_bring=texts.get("what_to_bring", ""),
        how_to_cancel=texts.get("how_to_cancel", ""),
        issued_on=clock.today(),
        issued_at_city=identity.address.city,
    )


def print_convocations(
    session: Session, actor: Actor, selection: ConvocationSelection, progress: Progress
) -> ConvocationBatch:
    """The convocations of the selection in one PDF (a page each), with progress (the
    nightly batch acts as the system account)."""
    require(session, actor, Permission.CONVOCATIONS_PRINT)
    rows = _selected(session, selection)
    identity = identity_service.load_for(session, Purpose.LETTERS)
    texts = settings_service.get(session, "convocation.texts")
    letters = [convocation_letter(row, texts, identity) for row in rows]
    total = len(letters)
    progress.step(0, total, tr("Preparing {count} convocations…", count=total))
    pdf = render_convocations(
        identity,
        letters,
        lambda page: progress.step(
            page, total, tr("Convocation {page} of {total}", page=page, total=total)
        ),
    )
    for appointment, *_rest in rows:
        audit.record(
            session,
            actor,
            "convocation.print",
            "appointment",
            appointment.id,
            member_id=appointment.member_id,
            summary=tr(
                "Convocation printed for the appointment of {when}",
                when=describe(Period(appointment.starts_at, appointment.ends_at)),
            ),
        )
    return ConvocationBatch(pdf, [row[0].id for row in rows])


@dataclass(frozen=True)
class ConvocationDelivery:
    pdf: bytes | None  # the convocations to print (None when every one went by e-mail)
    printed: list[int]  # appointments
    emailed: list[int]  # appointments whose convocation was queued in the outbox
    problems: list[str]  # messages kept back (no convocation address…), one sentence each


def deliver_convocations(
    session: Session,
    actor: Actor,
    selection: ConvocationSelection,
    delivery: mail_documents.Delivery,
    progress: Progress,
) -> ConvocationDelivery:
    """The convocations of the selection: by e-mail (the letter attached) to the members who
    take their documents so (``delivery``; a mail server set), the others in one PDF, with
    those whose message was kept back (no convocation address…: the sentence says which)."""
    require(session, actor, Permission.APPOINTMENTS_MANAGE)
    if not mail_documents.mail_enabled(session):
        batch = print_convocations(session, actor, selection, progress)
        return ConvocationDelivery(batch.pdf, batch.appointment_ids, [], [])
    rows = _selected(session, selection)
    identity = identity_service.load_for(session, Purpose.LETTERS)
    texts = settings_service.get(session, "convocation.texts")
    to_print: list[int] = []
    emailed: list[int] = []
    problems: list[str] = []
    for done, row in enumerate(rows):
        progress.step(
            done, len(rows), tr("Convocation {page} of {total}", page=done + 1, total=len(rows))
        )
        appointment, _employee, member, *_rest = row
        if not mail_documents.by_email(member, delivery):
            to_print.append(appointment.id)
            continue
        letter = convocation_letter(row, texts, identity)
        outcome = mail_documents.convocation(
            session,
            actor,
            member,
            appointment_id=appointment.id,
            values={
                "employee_name": letter.employee,
                "visit_type": letter.visit[:1].lower() + letter.visit[1:],  # (VIP) kept
                "visit_date": f"{letter.starts_at:%d/%m/%Y}",
                "visit_time": f"{letter.starts_at:%H:%M}",
                "centre": letter.centre,
                "centre_address": ", ".join(letter.centre_address),
                "what_to_bring": letter.what_to_bring,
                "how_to_cancel": letter.how_to_cancel,
            },
            letter_pdf=render_convocations(identity, [letter]),
        )
        if outcome.problem:
            problems.append(outcome.problem)
            to_print.append(appointment.id)
            outbox.printed_instead(session, actor, outcome.message_id)
            continue
        emailed.append(appointment.id)
        audit.record(
            session,
            actor,
            "convocation.email",
            "appointment",
            appointment.id,
            member_id=appointment.member_id,
            summary=tr(
                "Convocation e-mailed for the appointment of {when}",
                when=describe(Period(appointment.starts_at, appointment.ends_at)),
            ),
        )
    pdf = None
    if to_print:
        pdf = print_convocations(
            session, actor, ConvocationSelection(appointment_ids=to_print), progress
        ).pdf
    return ConvocationDelivery(pdf, to_print, emailed, problems)
