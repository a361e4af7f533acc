"""Yearly tariffs: prices per follow-up category, fees, rates and the instalment plan.

Since 2025 the law bounds the price per employee between 80 % and 120 % of the year's
national average cost: a price outside is accepted with a warning (the board may have
reasons), never silently. A tariff used by an issued invoice no longer changes: the
invoice must stay explainable by its tariff.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, fields, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.dates import Meaning, format_day, year_problem
from backoffice.i18n import tr
from backoffice.models import FollowUpCategory, Invoice, Tariff, TariffInstalmentDate
from backoffice.money import cents_problem, format_eur, format_rate
from backoffice.services import audit
from backoffice.services import settings as settings_service
from backoffice.services.billing.pricing import Prices
from backoffice.services.errors import Conflict, FieldError, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

LOW_BOUND_PERCENT = 80
HIGH_BOUND_PERCENT = 120
MAX_INSTALMENTS = 12
CEILING_CENTS = 10_000_000  # no price, fee or minimum of a tariff reaches 100 000 €


@dataclass(frozen=True)
class TariffValues:
    """What staff type in the tariff form (amounts in cents, rates in basis points)."""

    year: int
    price_si_cents: int
    price_sia_cents: int
    price_sir_cents: int
    joining_fee_cents: int
    minimum_per_member_cents: int
    no_show_fee_cents: int
    vat_rate_bp: int
    sepa_discount_bp: int
    national_average_cost_cents: int
    minimum_instalment_cents: int
    due_dates: tuple[date, ...]

    def price_of(self, category: FollowUpCategory) -> int:
        return {
            FollowUpCategory.SI: self.price_si_cents,
            FollowUpCategory.SIA: self.price_sia_cents,
            FollowUpCategory.SIR: self.price_sir_cents,
        }[category]


@dataclass(frozen=True)
class TariffInfo:
    id: int
    version: int
    values: TariffValues
    invoice_count: int  # issued invoices using it: more than 0 locks it
    warnings: tuple[str, ...]

    @property
    def locked(self) -> bool:
        return self.invoice_count > 0


AMOUNT_FIELDS = (
    "price_si_cents",
    "price_sia_cents",
    "price_sir_cents",
    "joining_fee_cents",
    "minimum_per_member_cents",
    "no_show_fee_cents",
    "national_average_cost_cents",
    "minimum_instalment_cents",
)


def field_label(name: str) -> str:
    return {
        "year": tr("Year"),
        "price_si_cents": tr("Price per employee in SI"),
        "price_sia_cents": tr("Price per employee in SIA"),
        "price_sir_cents": tr("Price per employee in SIR"),
        "joining_fee_cents": tr("Joining fee per new employee"),
        "minimum_per_member_cents": tr("Minimum per member"),
        "no_show_fee_cents": tr("Missed appointment fee"),
        "vat_rate_bp": tr("VAT rate"),
        "sepa_discount_bp": tr("Direct debit discount"),
        "national_average_cost_cents": tr("National average cost"),
        "minimum_instalment_cents": tr("Minimum instalment"),
        "due_dates": tr("Instalment plan"),
    }[name]


# -- rules ---------------------------------------------------------------------------------


def price_warnings(values: TariffValues) -> list[str]:
    """A sentence per category priced outside 80–120 % of the national average cost."""
    average = values.national_average_cost_cents
    if average <= 0:
        return []
    low = -(-average * LOW_BOUND_PERCENT // 100)  # rounded up: 80 % or more is fine
    high = average * HIGH_BOUND_PERCENT // 100
    warnings = []
    for category in FollowUpCategory:
        price = values.price_of(category)
        if price * 100 < average * LOW_BOUND_PERCENT or price * 100 > average * HIGH_BOUND_PERCENT:
            warnings.append(
                tr(
                    "The {category} price ({price}) is outside 80 %–120 % of the national "
                    "average cost {average}: between {low} and {high}.",
                    category=category.value.upper(),
                    price=format_eur(price),
                    average=format_eur(average),
                    low=format_eur(low),
                    high=format_eur(high),
                )
            )
    return warnings


def problems(values: TariffValues) -> list[FieldError]:
    """What makes the tariff unusable, one French sentence per field."""
    errors = []
    if problem := year_problem(Meaning.BILLED_YEAR, lambda: tr("Year"), values.year):
        errors.append(FieldError("year", problem))
    for name in AMOUNT_FIELDS:
        problem = cents_problem(
            field_label(name), getattr(values, name), ceiling_cents=CEILING_CENTS, allow_zero=True
        )
        if problem:
            errors.append(FieldError(name, problem))
    if values.national_average_cost_cents == 0:
        errors.append(
            FieldError(
                "national_average_cost_cents",
                tr(
                    "{field} is required: the prices are checked against it.",
                    field=field_label("national_average_cost_cents"),
                ),
            )
        )
    for name in ("vat_rate_bp", "sepa_discount_bp"):
        rate = getattr(values, name)
        if isinstance(rate, bool) or not isinstance(rate, int) or not 0 <= rate <= 10000:
            errors.append(
                FieldError(
                    name, tr("{field}: a rate lies between 0 and 100 %.", field=field_label(name))
                )
            )
    errors += plan_problems(values.due_dates)
    return errors


def plan_problems(due_dates: tuple[date, ...] | list[date]) -> list[FieldError]:
    label = field_label("due_dates")
    if not due_dates:
        return [FieldError("due_dates", tr("{field}: at least one due date.", field=label))]
    if len(due_dates) > MAX_INSTALMENTS:
        return [
            FieldError(
                "due_dates",
                tr("{field}: at most {count} due dates.", field=label, count=MAX_INSTALMENTS),
            )
        ]
    for earlier, later in itertools.pairwise(due_dates):
        if later <= earlier:
            return [
                FieldError(
                    "due_dates",
                    tr(
                        "{field}: the due dates must be increasing ({later} comes after "
                        "{earlier}).",
                        field=label,
                        later=format_day(later),
                        earlier=format_day(earlier),
                    ),
                )
            ]
    return []


def prices_of(tariff: Tariff) -> Prices:
    """The part of a tariff that prices an annual contribution."""
    return Prices(
        {
            FollowUpCategory.SI: tariff.price_si_cents,
            FollowUpCategory.SIA: tariff.price_sia_cents,
            FollowUpCategory.SIR: tariff.price_sir_cents,
        },
        tariff.minimum_per_member_cents,
        tariff.vat_rate_bp,
        tariff.sepa_discount_bp,
    )


def values_of(tariff: Tariff) -> TariffValues:
    names = [f.name for f in fields(TariffValues) if f.name != "due_dates"]
    return TariffValues(
        **{name: getattr(tariff, name) for name in names},
        due_dates=tuple(item.due_on for item in tariff.instalment_dates),
    )


def audit_values(values: TariffValues) -> dict[str, object]:
    recorded = asdict(values)
    recorded["due_dates"] = [day.isoformat() for day in values.due_dates]
    return recorded


def describe(values: TariffValues) -> str:
    """One line for the audit trail and the lists."""
    return tr(
        "{year}: SI {si}, SIA {sia}, SIR {sir}, VAT {vat}",
        year=values.year,
        si=format_eur(values.price_si_cents),
        sia=format_eur(values.price_sia_cents),
        sir=format_eur(values.price_sir_cents),
        vat=format_rate(values.vat_rate_bp),
    )


# -- reading -------------------------------------------------------------------------------


def tariff_for_year(session: Session, year: int, *, lock: bool = False) -> Tariff | None:
    """The year's tariff; ``lock`` keeps it from changing until the commit (``FOR NO KEY
    UPDATE``: invoices being issued meanwhile may still point to it)."""
    statement = select(Tariff).where(Tariff.year == year)
    if lock:
        statement = statement.with_for_update(key_share=True)
    return session.scalar(statement)


def _usage(session: Session, tariff_ids: list[int]) -> dict[int, int]:
    if not tariff_ids:
        return {}
    return dict(
        session.execute(
            select(Invoice.tariff_id, func.count())
            .where(Invoice.tariff_id.in_(tariff_ids))
            .group_by(Invoice.tariff_id)
        ).all()
    )


def _info(tariff: Tariff, invoice_count: int) -> TariffInfo:
    values = values_of(tariff)
    return TariffInfo(
        tariff.id, tariff.version, values, invoice_count, tuple(price_warnings(values))
    )


def list_tariffs(session: Session, actor: Actor) -> list[TariffInfo]:
    require(session, actor, Permission.BILLING_VIEW)
    tariffs = list(session.scalars(select(Tariff).order_by(Tariff.year.desc())))
    usage = _usage(session, [tariff.id for tariff in tariffs])
    return [_info(tariff, usage.get(tariff.id, 0)) for tariff in tariffs]


def get_tariff(session: Session, actor: Actor, year: int) -> TariffInfo:
    require(session, actor, Permission.BILLING_VIEW)
    tariff = tariff_for_year(session, year)
    if tariff is None:
        raise NotFound(tr("There is no tariff for {year}.", year=year))
    return _info(tariff, _usage(session, [tariff.id]).get(tariff.id, 0))


def proposal_for(session: Session, actor: Actor, year: int) -> TariffValues:
    """What the form proposes for a new year: the latest earlier tariff's figures, and the
    default plan's dates (``billing.default_instalment_plan``) in that year."""
    require(session, actor, Permission.BILLING_VIEW)
    plan = settings_service.get(session, "billing.default_instalment_plan")
    due_dates = tuple(date.fromisoformat(f"{year}-{day}") for day in plan)
    previous = session.scalar(
        select(Tariff).where(Tariff.year < year).order_by(Tariff.year.desc()).limit(1)
    )
    if previous is None:
        return TariffValues(year, 0, 0, 0, 0, 0, 0, 2000, 150, 0, 10000, due_dates)
    return replace(values_of(previous), year=year, due_dates=due_dates)


# -- writing -------------------------------------------------------------------------------


def save_tariff(
    session: Session,
    actor: Actor,
    values: TariffValues,
    *,
    tariff_id: int | None = None,
    expected_version: int | None = None,
) -> TariffInfo:
    """Create a year's tariff, or change one no issued invoice uses yet."""
    require(session, actor, Permission.BILLING_TARIFFS)
    errors = problems(values)
    if errors:
        raise ValidationFailed(errors)
    same_year = tariff_for_year(session, values.year)
    if same_year is not None and same_year.id != tariff_id:
        raise ValidationFailed.single(
            "year", tr("Year: a tariff for {year} already exists.", year=values.year)
        )
    if tariff_id is None:
        tariff = Tariff(year=values.year)
        session.add(tariff)
        before = None
    else:
        tariff = _lockable(session, tariff_id, expected_version)
        before = audit_values(values_of(tariff))
    _apply(tariff, values)
    session.flush()
    audit.record(
        session,
        actor,
        "tariff.create" if before is None else "tariff.update",
        "tariff",
        tariff.id,
        summary=describe(values),
        before=before,
        after=audit_values(values),
    )
    return _info(tariff, 0)


def _lockable(session: Session, tariff_id: int, expected_version: int | None) -> Tariff:
    """The tariff, locked against a campaign starting meanwhile, if it may still change."""
    tariff = session.get(Tariff, tariff_id, with_for_update=True)
    if tariff is None:
        raise NotFound(tr("This tariff no longer exists."))
    if expected_version is not None and tariff.version != expected_version:
        raise Conflict(
            tr("This tariff was changed by someone else since you opened it; reload it.")
        )
    used = _usage(session, [tariff.id]).get(tariff.id, 0)
    if used:
        raise ValidationFailed.single(
            "year",
            tr(
                "The {year} tariff is used by {count} issued invoices: it can no longer "
                "change (a credit note and a new invoice correct an invoice).",
                year=tariff.year,
                count=used,
            ),
        )
    return tariff


def _apply(tariff: Tariff, values: TariffValues) -> None:
    for name in (f.name for f in fields(TariffValues) if f.name != "due_dates"):
        setattr(tariff, name, getattr(values, name))
    existing = {item.position: item for item in tariff.instalment_dates}
    for position, due_on in enumerate(values.due_dates, start=1):
        if position in existing:
            existing[position].due_on = due_on
        else:
            tariff.instalment_dates.append(TariffInstalmentDate(position=position, due_on=due_on))
    for position, item in existing.items():
        if position > len(values.due_dates):
            tariff.instalment_dates.remove(item)
