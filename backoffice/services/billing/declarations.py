"""Annual workforce declarations: entered on the portal in January, or by staff.

A declaration counts the employees followed (physical persons) per follow-up category;
the annual invoice is computed from it. Staff enter or correct one for a member (a letter,
a phone call), list the members who have not declared, and send them a reminder letter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import Meaning, year_problem
from backoffice.i18n import tr
from backoffice.models import (
    DeclarationSource,
    Invoice,
    InvoiceKind,
    Member,
    MemberStatus,
    PortalAccount,
    StaffUser,
    WorkforceDeclaration,
)
from backoffice.reports.billing import documents as batch
from backoffice.reports.billing.letters import DeclarationReminderLetter, declaration_reminder_story
from backoffice.services import audit
from backoffice.services import identity as identity_service
from backoffice.services.billing import addresses
from backoffice.services.errors import Conflict, FieldError, NotFound, ValidationFailed
from backoffice.services.identity import Purpose
from backoffice.services.permissions import Actor, Permission, require

COUNT_FIELDS = ("headcount_si", "headcount_sia", "headcount_sir")


@dataclass(frozen=True)
class DeclarationRow:
    id: int
    member_id: int
    member_code: str
    member_name: str
    year: int
    headcount_si: int
    headcount_sia: int
    headcount_sir: int
    declared_at: datetime
    source: DeclarationSource
    declared_by: str  # the portal login or the staff member's name
    version: int
    invoiced: bool  # the year's annual invoice is issued

    @property
    def total(self) -> int:
        return self.headcount_si + self.headcount_sia + self.headcount_sir


@dataclass(frozen=True)
class UndeclaredRow:
    member_id: int
    member_code: str
    member_name: str
    postcode: str
    city: str
    email: str | None
    previous_total: int | None  # what the member declared the year before


@dataclass(frozen=True)
class DeclarationOutcome:
    row: DeclarationRow
    already_invoiced: bool  # the invoice does not follow: a regularisation or credit note does


def expected_to_declare(year: int) -> object:
    """Members who owe a declaration for ``year``: active, and members by the year's end."""
    return and_(Member.status == MemberStatus.ACTIVE, Member.joined_on <= date(year, 12, 31))


def declarations_for_year(
    session: Session, actor: Actor, year: int, member_id: int | None = None
) -> list[DeclarationRow]:
    require(session, actor, Permission.BILLING_VIEW)
    invoiced = select(Invoice.member_id).where(
        Invoice.year == year, Invoice.kind == InvoiceKind.ANNUAL
    )
    statement = (
        select(
            WorkforceDeclaration.id,
            WorkforceDeclaration.member_id,
            Member.member_code,
            Member.legal_name,
            WorkforceDeclaration.year,
            WorkforceDeclaration.headcount_si,
            WorkforceDeclaration.headcount_sia,
            WorkforceDeclaration.headcount_sir,
            WorkforceDeclaration.declared_at,
            WorkforceDeclaration.source,
            func.coalesce(PortalAccount.login, StaffUser.full_name, ""),
            WorkforceDeclaration.version,
            WorkforceDeclaration.member_id.in_(invoiced),
        )
        .join(Member, Member.id == WorkforceDeclaration.member_id)
        .outerjoin(PortalAccount, PortalAccount.id == WorkforceDeclaration.declared_by_account_id)
        .outerjoin(StaffUser, StaffUser.id == WorkforceDeclaration.declared_by_staff_id)
        .where(WorkforceDeclaration.year == year)
        .order_by(Member.member_code)
    )
    if member_id is not None:
        statement = statement.where(WorkforceDeclaration.member_id == member_id)
    return [DeclarationRow(*row[:12], invoiced=bool(row[12])) for row in session.execute(statement)]


def undeclared_members(session: Session, actor: Actor, year: int) -> list[UndeclaredRow]:
    """Members expected to declare for ``year`` who have not (yet)."""
    require(session, actor, Permission.BILLING_VIEW)
    declared = exists().where(
        WorkforceDeclaration.member_id == Member.id, WorkforceDeclaration.year == year
    )
    previous = (
        select(
            WorkforceDeclaration.member_id,
            (
                WorkforceDeclaration.headcount_si
                + WorkforceDeclaration.headcount_sia
                + WorkforceDeclaration.headcount_sir
            ).label("total"),
        )
        .where(WorkforceDeclaration.year == year - 1)
        .subquery()
    )
    rows = session.execute(
        select(
            Member.id,
            Member.member_code,
            Member.legal_name,
            Member.postcode,
            Member.city,
            Member.email,
            previous.c.total,
        )
        .outerjoin(previous, previous.c.member_id == Member.id)
        .where(expected_to_declare(year), ~declared)
        .order_by(Member.member_code)
    )
    return [UndeclaredRow(*row) for row in rows]


# No member employs more in France (the largest employers declare per establishment).
MAX_EMPLOYEES = 100_000


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_EMPLOYEES


def check_counts(si: int, sia: int, sir: int) -> None:
    errors = [
        FieldError(
            name,
            tr(
                "Employees in {category}: {count} is not a valid number of employees "
                "(0 to {most}).",
                category=category,
                count=count,
                most=MAX_EMPLOYEES,
            ),
        )
        for name, category, count in zip(
            COUNT_FIELDS, ("SI", "SIA", "SIR"), (si, sia, sir), strict=True
        )
        if not _is_count(count)
    ]
    if errors:
        raise ValidationFailed(errors)


def enter_declaration(
    session: Session,
    actor: Actor,
    member_id: int,
    year: int,
    si: int,
    sia: int,
    sir: int,
    *,
    expected_version: int | None = None,
) -> DeclarationOutcome:
    """Record (or correct) a member's declaration for ``year`` on the member's behalf."""
    require(session, actor, Permission.DECLARATIONS_EDIT)
    if problem := year_problem(Meaning.BILLED_YEAR, lambda: tr("Declaration year"), year):
        raise ValidationFailed.single("year", problem)
    check_counts(si, sia, sir)
    if session.get(Member, member_id) is None:
        raise NotFound(tr("This member no longer exists."))
    declaration = session.scalar(
        select(WorkforceDeclaration)
        .where(WorkforceDeclaration.member_id == member_id, WorkforceDeclaration.year == year)
        .with_for_update()
    )
    before = None
    if declaration is None:
        declaration = WorkforceDeclaration(member_id=member_id, year=year)
        session.add(declaration)
    else:
        if expected_version is not None and declaration.version != expected_version:
            raise Conflict(
                tr(
                    "This declaration was changed meanwhile (on the portal or by a colleague); "
                    "reload it before correcting it."
                )
            )
        before = audit.snapshot(declaration, (*COUNT_FIELDS, "source"))
    declaration.headcount_si, declaration.headcount_sia, declaration.headcount_sir = si, sia, sir
    declaration.declared_at = clock.now()
    declaration.source = DeclarationSource.STAFF
    declaration.declared_by_account_id = None
    declaration.declared_by_staff_id = actor.staff_id
    session.flush()
    audit.record(
        session,
        actor,
        "declaration.enter",
        "workforce_declaration",
        declaration.id,
        member_id=member_id,
        summary=tr(
            "Workforce declaration {year}: SI {si}, SIA {sia}, SIR {sir}",
            year=year,
            si=si,
            sia=sia,
            sir=sir,
        ),
        before=before,
        after=audit.snapshot(declaration, (*COUNT_FIELDS, "source")),
    )
    row = declarations_for_year(session, actor, year, member_id)[0]
    return DeclarationOutcome(row, row.invoiced)


def declaration_reminders(
    session: Session, actor: Actor, year: int, member_ids: list[int]
) -> bytes:
    """The reminder letters to the selected members who have not declared (one PDF); each
    letter is noted in the member's history."""
    require(session, actor, Permission.DECLARATIONS_EDIT)
    wanted = set(member_ids)
    pending = [row for row in undeclared_members(session, actor, year) if row.member_id in wanted]
    if not pending:
        raise ValidationFailed.single(
            "members",
            tr("None of the selected members still has to declare for {year}.", year=year),
        )
    today = clock.today()
    letters = []
    for row in pending:
        member = session.get(Member, row.member_id)
        assert member is not None
        letters.append(
            DeclarationReminderLetter(
                member.member_code, addresses.letter_address(member), year, today
            )
        )
        audit.record(
            session,
            actor,
            "declaration.reminder",
            "member",
            member.id,
            member_id=member.id,
            summary=tr("Reminder to declare the workforce of {year}", year=year),
        )
    service = identity_service.load_for(session, Purpose.LETTERS)
    return batch.render_batch(
        service,
        tr("Declaration reminders"),
        (declaration_reminder_story(letter, service) for letter in letters),
    )
