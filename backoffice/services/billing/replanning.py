"""Re-planning what is left to pay on an invoice: more instalments, other dates.

What is paid (or credited) is never touched. An unpaid instalment is kept, marked
``superseded_at``, and replaced; a partly settled one keeps its settled part as its amount
and gives the rest to the new plan. Instalments already announced to the member or sent to
the bank for a direct debit stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import Meaning, day_problem, format_day
from backoffice.i18n import tr
from backoffice.models import Instalment, Invoice, SepaState
from backoffice.money import cents_problem, format_eur
from backoffice.services import audit
from backoffice.services.billing import schedule
from backoffice.services.billing.tariffs import plan_problems
from backoffice.services.errors import Conflict, FieldError, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

IN_THE_BANKS_HANDS = (SepaState.PRENOTIFIED, SepaState.SENT)


@dataclass(frozen=True)
class ReplanOutcome:
    invoice_id: int
    replanned_cents: int
    superseded_ids: tuple[int, ...]
    reduced_ids: tuple[int, ...]  # partly settled: their unpaid part moved to the new plan
    new_instalments: tuple[tuple[date, int], ...]


def replannable(session: Session, invoice_id: int, *, lock: bool = False) -> list[Instalment]:
    """The live instalments with something left to pay that may move."""
    statement = (
        select(Instalment)
        .where(
            Instalment.invoice_id == invoice_id,
            Instalment.superseded_at.is_(None),
            Instalment.amount_cents > Instalment.paid_cents + Instalment.credited_cents,
            Instalment.sepa_state.not_in(IN_THE_BANKS_HANDS),
        )
        .order_by(Instalment.due_on, Instalment.position)
    )
    if lock:
        statement = statement.with_for_update()
    return list(session.scalars(statement))


def unpaid_to_replan(session: Session, actor: Actor, invoice_id: int) -> int:
    require(session, actor, Permission.BILLING_VIEW)
    return sum(item.remaining_cents for item in replannable(session, invoice_id))


def check_plan(
    due_dates: list[date], amounts: list[int] | None, unpaid: int, today: date
) -> list[int]:
    """The new instalments' amounts (the split rule when not given), or a French refusal."""
    errors = plan_problems(due_dates)
    if not errors and (
        problem := day_problem(Meaning.DUE, lambda: tr("New schedule"), due_dates[-1], today)
    ):
        errors = [FieldError("due_dates", problem)]
    if not errors and due_dates[0] < today:
        errors = [
            FieldError(
                "due_dates",
                tr(
                    "New schedule: the first due date ({date}) is already past.",
                    date=format_day(due_dates[0]),
                ),
            )
        ]
    if errors:
        raise ValidationFailed(errors)
    if amounts is not None and (
        problem := next(
            filter(None, (cents_problem(tr("New schedule"), amount) for amount in amounts)), None
        )
    ):
        raise ValidationFailed.single("amounts", problem)
    if amounts is None:
        amounts = schedule.split(unpaid, len(due_dates))
    elif len(amounts) != len(due_dates) or sum(amounts) != unpaid:
        raise ValidationFailed.single(
            "amounts",
            tr(
                "New schedule: the instalments add up to {sum}, not to the {unpaid} left to pay.",
                sum=format_eur(sum(amounts)),
                unpaid=format_eur(unpaid),
            ),
        )
    if min(amounts) <= 0:
        raise ValidationFailed.single(
            "amounts",
            tr(
                "New schedule: {unpaid} cannot make {count} instalments of at least one cent.",
                unpaid=format_eur(unpaid),
                count=len(due_dates),
            ),
        )
    return amounts


def replan(
    session: Session,
    actor: Actor,
    invoice_id: int,
    due_dates: list[date],
    amounts: list[int] | None = None,
    *,
    expected_unpaid_cents: int | None = None,
) -> ReplanOutcome:
    """Spread the unpaid part of an invoice over ``due_dates`` (split by the usual rule
    unless ``amounts`` are given). ``expected_unpaid_cents`` is what the user saw: a
    payment or credit note meanwhile makes it a conflict."""
    require(session, actor, Permission.BILLING_ISSUE)
    invoice = session.get(Invoice, invoice_id, with_for_update=True)
    if invoice is None:
        raise NotFound(tr("This invoice no longer exists."))
    current = replannable(session, invoice_id, lock=True)
    unpaid = sum(item.remaining_cents for item in current)
    if unpaid == 0:
        raise ValidationFailed.single(
            "due_dates", tr("Nothing left to re-plan on invoice {number}.", number=invoice.number)
        )
    if expected_unpaid_cents is not None and expected_unpaid_cents != unpaid:
        raise Conflict(
            tr(
                "A payment or a credit note changed invoice {number} since you opened it "
                "({then} was left to pay, now {now}); reload it.",
                number=invoice.number,
                then=format_eur(expected_unpaid_cents),
                now=format_eur(unpaid),
            )
        )
    parts = check_plan(due_dates, amounts, unpaid, clock.today())
    before = [_snapshot(item) for item in current]
    superseded, reduced = _retire(current)
    position = session.scalar(
        select(func.max(Instalment.position)).where(Instalment.invoice_id == invoice_id)
    )
    new = [
        Instalment(
            invoice_id=invoice_id,
            position=(position or 0) + offset,
            due_on=due_on,
            amount_cents=amount,
        )
        for offset, (due_on, amount) in enumerate(zip(due_dates, parts, strict=True), start=1)
    ]
    session.add_all(new)
    session.flush()
    audit.record(
        session,
        actor,
        "invoice.replan",
        "invoice",
        invoice_id,
        member_id=invoice.member_id,
        summary=tr(
            "Schedule of {number} re-planned: {amount} in {count} instalments",
            number=invoice.number,
            amount=format_eur(unpaid),
            count=len(new),
        ),
        before={"instalments": before},
        after={"instalments": [_snapshot(item) for item in new]},
    )
    return ReplanOutcome(
        invoice_id,
        unpaid,
        tuple(superseded),
        tuple(reduced),
        tuple(zip(due_dates, parts, strict=True)),
    )


def _retire(current: list[Instalment]) -> tuple[list[int], list[int]]:
    now = clock.now()
    superseded, reduced = [], []
    for item in current:
        settled = item.paid_cents + item.credited_cents
        if settled == 0:
            item.superseded_at = now
            superseded.append(item.id)
        else:
            item.amount_cents = settled  # what was paid stays paid; the rest moves
            reduced.append(item.id)
    return superseded, reduced


def _snapshot(item: Instalment) -> dict[str, object]:
    return {
        "position": item.position,
        "due_on": item.due_on.isoformat(),
        "amount_cents": item.amount_cents,
        "paid_cents": item.paid_cents or 0,
        "credited_cents": item.credited_cents or 0,
    }
