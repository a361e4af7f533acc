"""The January closure of the portal's *Mes salariés*: while the members declare their
workforce for the year, the portal closes the employee list (``portal.employees_lock_period``,
shared with the portal: ``MM-DD`` start and end, which may run over the new year).

The staff who take the declarations change its dates; the dashboard shows it while it
runs, with the declarations received so far; employee requests the portal lets through
during it are flagged in the changes queue (``services.changes.timing``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice import clock, dates
from backoffice.i18n import tr
from backoffice.models import Member, MemberStatus, WorkforceDeclaration
from backoffice.services import settings
from backoffice.services.changes.timing import in_lock_period, lock_period
from backoffice.services.errors import FieldError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, allows, current_role, require

KEY = "portal.employees_lock_period"


@dataclass(frozen=True)
class ClosureState:
    start: str  # MM-DD, as stored
    end: str
    running: bool  # today falls in it
    starts_on: date  # this year's (or the running) period
    ends_on: date
    declarations_received: int | None  # for the year being declared, while it runs
    members_to_declare: int | None


def state(session: Session, actor: Actor) -> ClosureState:
    """The period and, while it runs, how many active members declared (any staff member
    sees the period; the counts are for those who take the declarations)."""
    value = settings.get(session, KEY)
    period = lock_period(session)
    today = clock.today()
    running = in_lock_period(today, period)
    (start_month, start_day), (end_month, end_day) = period
    starts_on = date(today.year, start_month, start_day)
    if running and starts_on > today:  # a period over the new year, in its second part
        starts_on = date(today.year - 1, start_month, start_day)
    ends_on = date(starts_on.year + (period[1] < period[0]), end_month, end_day)
    received = expected = None
    if running and allows(current_role(session, actor), Permission.DECLARATIONS_EDIT):
        year = ends_on.year  # a declaration in January is the year's
        received = session.scalar(
            select(func.count())
            .select_from(WorkforceDeclaration)
            .where(WorkforceDeclaration.year == year)
        )
        expected = session.scalar(
            select(func.count()).select_from(Member).where(Member.status == MemberStatus.ACTIVE)
        )
    return ClosureState(
        str(value["start"]), str(value["end"]), running, starts_on, ends_on, received, expected
    )


def set_period(session: Session, actor: Actor, start: str, end: str) -> ClosureState:
    """New dates (``MM-DD``) for the closure; the portal follows them at once."""
    require(session, actor, Permission.DECLARATIONS_EDIT)
    errors = []
    for field, value, text in (
        ("start", start, tr("Closure from")),
        ("end", end, tr("Closure until")),
    ):
        try:
            date.fromisoformat(f"2001-{value}")
        except (TypeError, ValueError):
            errors.append(
                FieldError(
                    f"{KEY}.{field}",
                    tr(
                        "{field}: {value} is not a day and a month (e.g. 31/01).",
                        field=text,
                        value=dates.format_day_month(str(value)),
                    ),
                )
            )
    if errors:
        raise ValidationFailed(errors)
    value = {"start": start, "end": end}
    if settings.get(session, KEY) != value:
        settings.store(session, actor, KEY, value)
        session.flush()
    return state(session, actor)
