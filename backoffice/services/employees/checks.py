"""An employee's values checked and typed as the portal's requests are: the field specs
of ``services.changes.fields`` (labels, lengths, PCS-ESE, civility, category), the dates in
order, the risk factors known, and the follow-up category raised to what they require
(``recorded_category``, the rule the portal applies)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models import ChangeKind, FollowUpCategory, RiskFactor
from backoffice.models.change_requests import encode_value
from backoffice.services import validation
from backoffice.services.changes import fields as catalogue
from backoffice.services.errors import FieldError

# The fields staff give for an employee, in the form's order (the portal's, then the exit).
EMPLOYEE_FIELDS = (*catalogue.specs(ChangeKind.EMPLOYEE_ADDED), "exited_on", "exit_reason")
REQUIRED = ("last_name", "first_name", "hired_on")


def spec(name: str) -> catalogue.FieldSpec:
    kind = ChangeKind.EMPLOYEE_EXITED if name in ("exited_on", "exit_reason") else None
    return catalogue.spec_of(kind or ChangeKind.EMPLOYEE_ADDED, name)


def label(name: str) -> str:
    return spec(name).label


@dataclass(frozen=True)
class RiskCatalogue:
    """The risk factors (*Déterminants de Suivi Individuel*): code → (label, category)."""

    factors: Mapping[str, tuple[str, FollowUpCategory]]

    @classmethod
    def load(cls, session: Session) -> RiskCatalogue:
        rows = session.execute(
            select(RiskFactor.code, RiskFactor.label, RiskFactor.category).order_by(
                RiskFactor.position
            )
        )
        return cls({code: (text, category) for code, text, category in rows})

    @property
    def categories(self) -> dict[str, FollowUpCategory]:
        return {code: category for code, (_label, category) in self.factors.items()}

    def category(self, declared: str | None, codes: list[str]) -> FollowUpCategory:
        """The category to record: the declared one raised to what the factors require."""
        return catalogue.recorded_category(declared, codes, self.categories)


def problems(
    values: Mapping[str, object], risks: RiskCatalogue, *, adding: bool
) -> list[FieldError]:
    """One French sentence per field that is wrong (a new employee needs its names and
    hiring date; an edit checks what it changes)."""
    errors = []
    unknown = set(values) - set(EMPLOYEE_FIELDS)
    errors += [
        FieldError(name, tr("{field} cannot be edited here.", field=name))
        for name in sorted(unknown)
    ]
    for name in EMPLOYEE_FIELDS:
        if name not in values and not (adding and name in REQUIRED):
            continue
        value = values.get(name)
        message = (
            validation.check_required(label(name), value)
            if name in REQUIRED and value in (None, "")
            else None
        )
        if message is None and name not in ("exited_on",) and value not in (None, "", []):
            message = catalogue.problem(spec(name), encode_value(value))
        if message:
            errors.append(FieldError(name, message))
    codes = values.get("risk_factors") or []
    strange = [code for code in codes if code not in risks.factors]  # type: ignore[union-attr]
    if strange:
        errors.append(
            FieldError(
                "risk_factors",
                tr(
                    "{field}: {codes} is not a risk factor of the list.",
                    field=label("risk_factors"),
                    codes=", ".join(strange),
                ),
            )
        )
    return errors + _date_problems(values)


def _date_problems(values: Mapping[str, object]) -> list[FieldError]:
    birth, hired, exited = (values.get(name) for name in ("birth_date", "hired_on", "exited_on"))
    errors = []
    for field, message in (
        (
            "hired_on",
            validation.check_date_order(
                label("birth_date"), _day(birth), label("hired_on"), _day(hired)
            ),
        ),
        (
            "exited_on",
            validation.check_date_order(
                label("hired_on"), _day(hired), label("exited_on"), _day(exited)
            ),
        ),
    ):
        if message:
            errors.append(FieldError(field, message))
    return errors


def _day(value: object) -> date | None:
    return value if isinstance(value, date) else None
