"""A request weighed against the record it would change: for each field the current and the
submitted value, whether they differ, whether the record changed since the member
submitted (a conflict that needs an explicit choice), and what is wrong with the value.

The same assessment serves the review screen, the approval (which refuses what it shows as
wrong) and bulk approval (which takes only the simple requests)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.models import ChangeKind, MemberStatus
from backoffice.models.change_requests import FieldDecision
from backoffice.services import validation
from backoffice.services.changes import fields as catalogue
from backoffice.services.changes import timing
from backoffice.services.changes.facts import FieldFacts, RequestFacts, twins
from backoffice.services.changes.records import Records, current_text, load_records, target_key

# Kinds for which the portal recorded the value it showed the member.
SHOWN_KINDS = (ChangeKind.COMPANY_RECORD, ChangeKind.EMPLOYEE_EXITED, ChangeKind.EMPLOYEE_UPDATED)


@dataclass(slots=True)  # built by the thousand in bulk approval: slots, not frozen
class FieldAssessment:
    name: str
    label: str
    shown: str | None  # what the portal showed the member
    current: str | None  # what the record holds now
    submitted: str | None
    expected: str | None  # what the record should hold when the change applies
    changes: bool  # the submitted value differs from the record's
    conflict: str | None  # changed since the request: approving needs a confirmation
    problem: str | None  # the value cannot be approved
    note: str | None  # for information
    decision: FieldDecision
    reason: str | None
    spec: catalogue.FieldSpec
    risk_labels: dict[str, str]

    # Shown on the review screen only: worked out when asked (bulk approval never asks).
    @property
    def current_display(self) -> str:
        return catalogue.display(self.spec, self.current, self.risk_labels)

    @property
    def submitted_display(self) -> str:
        return catalogue.display(self.spec, self.submitted, self.risk_labels)


@dataclass(slots=True)
class Assessment:
    request: RequestFacts
    fields: tuple[FieldAssessment, ...]
    missing: str | None  # the member or employee no longer exists
    duplicate_of: int | None
    out_of_period: bool
    record_changed: bool  # the member's record changed since the member opened the form
    member_ceased: bool
    effective_on: date  # when the change would take effect if approved today

    def field(self, name: str) -> FieldAssessment:
        return next(field for field in self.fields if field.name == name)

    @property
    def refusal(self) -> str | None:
        """Why the request can only be rejected (or closed as a duplicate)."""
        if self.missing:
            return self.missing
        if self.duplicate_of is not None:
            return tr(
                "This request repeats request {id}, still in progress: close it as a duplicate.",
                id=self.duplicate_of,
            )
        return None

    @property
    def blocking(self) -> str | None:
        """Why the request cannot be approved at all: the refusal above, or an invalid
        value in a field it cannot do without (an IBAN, a hiring date...)."""
        if self.refusal:
            return self.refusal
        core = catalogue.CORE_FIELDS.get(self.request.kind, ())
        problem = next((f.problem for f in self.fields if f.problem and f.name in core), None)
        absent = [name for name in core if name not in {f.name for f in self.fields}]
        if problem is None and absent:
            problem = tr(
                "{field} is missing from the request.",
                field=catalogue.spec_of(self.request.kind, absent[0]).label,
            )
        if problem:
            return tr("{problem} This request can only be rejected.", problem=problem)
        return None

    @property
    def simple(self) -> bool:
        """A company-record change without conflict or error: safe to approve in bulk."""
        return (
            self.request.kind == ChangeKind.COMPANY_RECORD
            and self.refusal is None
            and not any(field.problem or field.conflict for field in self.fields)
        )


def assess_many(
    session: Session, requests: Mapping[int, RequestFacts], *, lock_members: bool = False
) -> tuple[dict[int, Assessment], Records]:
    records = load_records(session, list(requests.values()), lock_members=lock_members)
    repeats = twins(session, list(requests.values()))
    period = timing.lock_period(session)
    today, delay = clock.today(), timing.effective_delay(session)
    assessed = {
        request_id: _assess(request, records, repeats.get(request_id), period, today, delay)
        for request_id, request in requests.items()
    }
    return assessed, records


def _assess(
    request: RequestFacts,
    records: Records,
    duplicate_of: int | None,
    period: timing.LockPeriod,
    today: date,
    delay: int,
) -> Assessment:
    member = records.members.get(request.member_id or 0)
    cross = _cross_problems(request, records, today)
    situation_date = _decoded(request, "situation_date")
    return Assessment(
        request=request,
        fields=tuple(_assess_field(request, field, records, cross) for field in request.fields),
        missing=_missing(request, records),
        duplicate_of=duplicate_of,
        out_of_period=timing.out_of_period(request.kind, request.submitted_at, period),
        record_changed=bool(
            member
            and request.member_version_seen is not None
            and member["version"] > request.member_version_seen
        ),
        member_ceased=bool(member and member["status"] == MemberStatus.CEASED),
        effective_on=timing.effective_on(
            request.kind, situation_date if isinstance(situation_date, date) else None, today, delay
        ),
    )


def same(left: str | None, right: str | None) -> bool:
    return (left or "").strip() == (right or "").strip()


def _assess_field(
    request: RequestFacts, field: FieldFacts, records: Records, cross: dict[str, str]
) -> FieldAssessment:
    spec = catalogue.spec_of(request.kind, field.name)
    labels = records.risk_labels
    current = current_text(records, request, field.name)
    key = target_key(request.kind, request.member_id, request.employee_id, field.name)
    scheduled = records.scheduled.get(key) if key else None
    expected = scheduled.value if scheduled else current
    changes = not same(field.submitted, current)
    conflict = None
    if request.kind in SHOWN_KINDS and not same(field.shown, current) and changes:
        conflict = tr(
            "Changed since the request: the member saw “{shown}”, the record now holds "
            "“{current}”.",
            shown=catalogue.display(spec, field.shown, labels),
            current=catalogue.display(spec, current, labels),
        )
    elif scheduled is not None and not same(field.submitted, scheduled.value):
        conflict = tr(
            "Another approved change (request {id}) sets it to “{value}” on {date}.",
            id=scheduled.request_id,
            value=catalogue.display(spec, scheduled.value, labels),
            date=format_day(scheduled.effective_on),
        )
    if not catalogue.is_submittable(request.kind, field.name):
        problem = tr(
            "{field} cannot be changed from the portal: only the service changes it.",
            field=spec.label,
        )
    else:
        problem = catalogue.problem(spec, field.submitted) or cross.get(field.name)
    return FieldAssessment(
        name=field.name,
        label=spec.label,
        shown=field.shown,
        current=current,
        submitted=field.submitted,
        expected=expected,
        changes=changes,
        conflict=conflict,
        problem=problem,
        note=_category_note(request, field, records) if not problem else None,
        decision=field.decision,
        reason=field.reason,
        spec=spec,
        risk_labels=labels,
    )


def _missing(request: RequestFacts, records: Records) -> str | None:
    if request.member_id is None or request.member_id not in records.members:
        return tr(
            "The member {code} no longer exists: the request can only be rejected.",
            code=request.member_code,
        )
    if request.kind in (ChangeKind.EMPLOYEE_EXITED, ChangeKind.EMPLOYEE_UPDATED):
        employee = records.employees.get(request.employee_id or 0)
        if employee is None or employee["member_id"] != request.member_id:
            return tr(
                "The employee {name} no longer exists: the request can only be rejected.",
                name=request.employee_label or "",
            )
    return None


def _decoded(request: RequestFacts, name: str) -> object:
    """A submitted value, typed; None when absent or malformed (its own check reports it)."""
    field = request.field(name)
    if field is None:
        return None
    try:
        return catalogue.decode(catalogue.spec_of(request.kind, name), field.submitted)
    except ValueError:
        return None


def _label(request: RequestFacts, name: str) -> str:
    return catalogue.spec_of(request.kind, name).label


def _cross_problems(request: RequestFacts, records: Records, today: date) -> dict[str, str]:
    """Checks that involve another value: the BIC of the IBAN's bank, dates in order."""
    kind, value = request.kind, lambda name: _decoded(request, name)
    member = records.members.get(request.member_id or 0) or {}
    employee = records.employees.get(request.employee_id or 0) or {}
    found: dict[str, str | None] = {}
    if kind == ChangeKind.SEPA_OPT_IN and value("bic") and value("iban"):
        found["bic"] = validation.check_bic(
            _label(request, "bic"), str(value("bic")), str(value("iban"))
        )
    elif kind == ChangeKind.EMPLOYEE_ADDED:
        found["birth_date"] = _not_future(_label(request, "birth_date"), value("birth_date"), today)
        found["hired_on"] = validation.check_date_order(
            _label(request, "birth_date"),
            value("birth_date"),  # type: ignore[arg-type]
            _label(request, "hired_on"),
            value("hired_on"),  # type: ignore[arg-type]
        )
    elif kind == ChangeKind.EMPLOYEE_EXITED:
        found["exited_on"] = validation.check_date_order(
            catalogue.spec_of(ChangeKind.EMPLOYEE_ADDED, "hired_on").label,
            employee.get("hired_on"),
            _label(request, "exited_on"),
            value("exited_on"),  # type: ignore[arg-type]
        )
    elif kind == ChangeKind.SITUATION:
        found["situation_date"] = validation.check_date_order(
            tr("Joined on"),
            member.get("joined_on"),
            _label(request, "situation_date"),
            value("situation_date"),  # type: ignore[arg-type]
        )
        if value("situation") == "cessation" and member.get("status") == MemberStatus.CEASED:
            found["situation"] = tr(
                "The member already ceased its activity on {date}.",
                date=format_day(member["ceased_on"]),
            )
    elif kind == ChangeKind.COMPANY_RECORD:
        found["activity_started_on"] = _not_future(
            _label(request, "activity_started_on"), value("activity_started_on"), today
        )
    if kind in (ChangeKind.EMPLOYEE_ADDED, ChangeKind.EMPLOYEE_UPDATED):
        unknown = [code for code in value("risk_factors") or [] if code not in records.risks]
        if unknown:
            found["risk_factors"] = tr(
                "{field}: {codes} is not in the list of risk factors.",
                field=_label(request, "risk_factors"),
                codes=", ".join(unknown),
            )
    return {name: message for name, message in found.items() if message}


def _not_future(label: str, value: object, today: date) -> str | None:
    if isinstance(value, date) and value > today:
        return tr("{field}: {date} is in the future.", field=label, date=format_day(value))
    return None


def _category_note(request: RequestFacts, field: FieldFacts, records: Records) -> str | None:
    if field.name != "follow_up_category" or not field.submitted:
        return None
    codes = _decoded(request, "risk_factors")
    if request.field("risk_factors") is None:
        codes = records.employees.get(request.employee_id or 0, {}).get("risk_factors", [])
    categories = {code: category for code, (_label, category) in records.risks.items()}
    recorded = catalogue.recorded_category(field.submitted, list(codes or []), categories)
    if recorded.value == field.submitted:
        return None
    return tr(
        "{declared} declared, but the risk factors require {required}, which will be recorded.",
        declared=field.submitted.upper(),
        required=recorded.value.upper(),
    )
