"""The fields a portal request may carry: their French label, their type and their checks.

Values travel as text (``models.change_requests.encode_value``): dates ISO, lists
comma-separated. A member's fields are named and checked as on the member page
(``services.member_fields``); employee, situation and direct-debit fields are described
here. Checks return a French sentence naming the field, or None.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from backoffice.dates import format_day
from backoffice.i18n import language, tr
from backoffice.models import ChangeKind, Employee, Member
from backoffice.models.change_requests import SITUATIONS, SUBMITTABLE_FIELDS
from backoffice.models.employees import FollowUpCategory, highest_category
from backoffice.services import validation
from backoffice.services.member_fields import member_fields

TEXT, DATE, CODES = "text", "date", "codes"
Check = Callable[[str, object], str | None]

_PCS = re.compile(r"^\d{3}[a-z]$", re.IGNORECASE)
CIVILITIES = ("M.", "Mme")

EMPLOYEE_KINDS = (
    ChangeKind.EMPLOYEE_ADDED,
    ChangeKind.EMPLOYEE_EXITED,
    ChangeKind.EMPLOYEE_UPDATED,
)

# Fields without which the rest of the request means nothing: approving any field of the
# request needs them approved too.
CORE_FIELDS: dict[ChangeKind, tuple[str, ...]] = {
    ChangeKind.SITUATION: ("situation", "situation_date"),
    ChangeKind.SEPA_OPT_IN: ("iban", "bic"),
    ChangeKind.EMPLOYEE_ADDED: ("last_name", "first_name", "hired_on"),
    ChangeKind.EMPLOYEE_EXITED: ("exited_on",),
}
# Fields that only make sense together (half an address is no address).
GROUPS: dict[ChangeKind, tuple[tuple[str, ...], ...]] = {
    ChangeKind.COMPANY_RECORD: (
        ("address_line1", "address_line2", "postcode", "city"),
        ("billing_address_line1", "billing_address_line2", "billing_postcode", "billing_city"),
    ),
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: str = TEXT
    required: bool = False  # may not be left empty
    max_length: int | None = None
    check: Check | None = None


def kind_label(kind: ChangeKind) -> str:
    return {
        ChangeKind.COMPANY_RECORD: tr("Company record"),
        ChangeKind.SITUATION: tr("Change of situation"),
        ChangeKind.SEPA_OPT_IN: tr("Direct debit (SEPA)"),
        ChangeKind.EMPLOYEE_ADDED: tr("Employee added"),
        ChangeKind.EMPLOYEE_EXITED: tr("Employee exited"),
        ChangeKind.EMPLOYEE_UPDATED: tr("Employee updated"),
    }[kind]


def situation_label(value: str | None) -> str:
    return {
        "cessation": tr("Cessation of activity"),
        "no_employees": tr("No more employees"),
    }.get(value or "", value or "")


def _length(model: type, name: str) -> int | None:
    return getattr(model.__table__.c[name].type, "length", None)


def _check_pcs(label: str, value: object) -> str | None:
    if value and not _PCS.match(str(value)):
        return tr("{field}: {value} is not a PCS-ESE code (e.g. 621a).", field=label, value=value)
    return None


def _check_civility(label: str, value: object) -> str | None:
    if value and value not in CIVILITIES:
        return tr("{field}: {value} is neither M. nor Mme.", field=label, value=value)
    return None


def _check_category(label: str, value: object) -> str | None:
    if value and value not in {category.value for category in FollowUpCategory}:
        return tr(
            "{field}: {value} is not a follow-up category (SI, SIA, SIR).", field=label, value=value
        )
    return None


def _check_situation(label: str, value: object) -> str | None:
    if value not in SITUATIONS:
        return tr(
            "{field}: {value} is not a change of situation the portal offers.",
            field=label,
            value=value,
        )
    return None


def _check_iban(label: str, value: object) -> str | None:
    return validation.check_sepa_iban(label, str(value) if value else None)


def _check_bic(label: str, value: object) -> str | None:
    return validation.check_bic(label, str(value) if value else None)


def _member_specs() -> dict[str, FieldSpec]:
    specs = {}
    for name, field in member_fields().items():
        specs[name] = FieldSpec(
            name,
            field.label,
            DATE if field.kind is date else TEXT,
            field.required,
            _length(Member, name),
            field.check,
        )
    return specs


def _employee_specs(kind: ChangeKind) -> dict[str, FieldSpec]:
    added = kind == ChangeKind.EMPLOYEE_ADDED
    specs = [
        FieldSpec("civility", tr("Civility"), check=_check_civility),
        FieldSpec(
            "last_name", tr("Last name"), required=added, max_length=_length(Employee, "last_name")
        ),
        FieldSpec(
            "first_name",
            tr("First name"),
            required=added,
            max_length=_length(Employee, "first_name"),
        ),
        FieldSpec("birth_date", tr("Birth date"), DATE),
        FieldSpec("pcs_code", tr("PCS code"), check=_check_pcs),
        FieldSpec("job_title", tr("Job"), max_length=_length(Employee, "job_title")),
        FieldSpec("hired_on", tr("Hiring date"), DATE, required=added),
        FieldSpec("risk_factors", tr("Risk factors"), CODES),
        FieldSpec("follow_up_category", tr("Follow-up category"), check=_check_category),
        FieldSpec("exited_on", tr("Exit date"), DATE, required=True),
        FieldSpec("exit_reason", tr("Exit reason"), max_length=_length(Employee, "exit_reason")),
    ]
    return {spec.name: spec for spec in specs}


def _other_specs(kind: ChangeKind) -> dict[str, FieldSpec]:
    if kind == ChangeKind.SITUATION:
        specs = [
            FieldSpec("situation", tr("Situation"), required=True, check=_check_situation),
            FieldSpec("situation_date", tr("Date of the change"), DATE, required=True),
        ]
    else:
        specs = [
            FieldSpec("iban", tr("IBAN"), required=True, check=_check_iban),
            FieldSpec("bic", tr("BIC"), required=True, check=_check_bic),
            FieldSpec("email", tr("Email for direct debits"), check=validation.check_email),
        ]
    return {spec.name: spec for spec in specs}


def specs(kind: ChangeKind) -> dict[str, FieldSpec]:
    """The fields of ``kind`` the portal may submit, in the portal's order."""
    return _specs(kind, language())


@functools.cache
def _specs(kind: ChangeKind, _language: str) -> dict[str, FieldSpec]:
    """Built once per language: labels are translated, checks looked up."""
    if kind == ChangeKind.COMPANY_RECORD:
        known = _member_specs()
    elif kind in EMPLOYEE_KINDS:
        known = _employee_specs(kind)
    else:
        known = _other_specs(kind)
    return {name: known[name] for name in SUBMITTABLE_FIELDS[kind]}


def spec_of(kind: ChangeKind, name: str) -> FieldSpec:
    """A field's description; a field the portal may not submit keeps its raw name."""
    found = specs(kind).get(name)
    if found is not None:
        return found
    member = member_fields().get(name)
    return FieldSpec(name, member.label if member else name)


def is_submittable(kind: ChangeKind, name: str) -> bool:
    return name in SUBMITTABLE_FIELDS[kind]


def decode(spec: FieldSpec, text: str | None) -> object:
    """The typed value of a text value (an identifier without its spaces, see
    ``validation.as_stored``); raises ValueError for a malformed date."""
    if text is None or not text.strip():
        return [] if spec.type == CODES else None
    if spec.type == DATE:
        return date.fromisoformat(text.strip())
    if spec.type == CODES:
        return sorted({code.strip() for code in text.split(",") if code.strip()})
    return validation.as_stored(spec.name, text)  # as the database accepts it (spaces…)


def display(spec: FieldSpec, text: str | None, risk_labels: dict[str, str]) -> str:
    """A value as staff read it: dates 15/05/2018, risk factors by name, categories in
    capitals, situations in words."""
    if text is None or not text.strip():
        return ""
    try:
        value = decode(spec, text)
    except ValueError:
        return text
    if isinstance(value, date):
        return format_day(value)
    if isinstance(value, list):
        return "; ".join(risk_labels.get(code, code) for code in value)
    if spec.name == "follow_up_category":
        return str(value).upper()
    if spec.name == "situation":
        return situation_label(str(value))
    if spec.name == "iban":
        return " ".join(str(value)[start : start + 4] for start in range(0, len(str(value)), 4))
    return str(value)


def problem(spec: FieldSpec, text: str | None) -> str | None:
    """What is wrong with one submitted value on its own (None when it is fine)."""
    try:
        value = decode(spec, text)
    except ValueError:
        return tr("{field}: {value} is not a date.", field=spec.label, value=text)
    if spec.required and value in (None, []):
        return validation.check_required(spec.label, None)
    if value in (None, []):
        return None
    if spec.max_length and len(str(value)) > spec.max_length:
        return tr("{field}: {count} characters at most.", field=spec.label, count=spec.max_length)
    return spec.check(spec.label, value) if spec.check is not None else None


def recorded_category(
    declared: str | None, codes: list[str], categories: dict[str, FollowUpCategory]
) -> FollowUpCategory:
    """The follow-up category to record: the one declared, raised to what the risk factors
    require (the portal computes it the same way; a stale page may declare less)."""
    required = highest_category([categories[code] for code in codes if code in categories])
    if declared in {category.value for category in FollowUpCategory}:
        return highest_category([FollowUpCategory(declared), required])
    return required
