"""Approved changes applied to the records on their effective date (« pris en compte le
lendemain »): ``backoffice changes apply-due`` every night, or at once when no delay is
configured.

Idempotent: a request is applied once (``applied_at``), its rows locked while it is
(PostgreSQL ``FOR UPDATE``, with ``SKIP LOCKED`` so that two runs share the work instead
of repeating it). A field whose record value changed after the approval (a staff edit) is
left as it is and said so: the later decision wins, nothing is overwritten silently. Each
request applies whole or not at all (a savepoint each); one that fails is reported and
retried by the next run. Company records, the bulk of the work, are written with one
UPDATE per batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import (
    ChangeKind,
    ChangeRequest,
    Employee,
    EmployeeOrigin,
    EmployeeRiskFactor,
    Member,
    Role,
    StaffUser,
)
from backoffice.models.change_requests import encode_value
from backoffice.models.members import member_search_text
from backoffice.services import audit
from backoffice.services.actors import actor_of
from backoffice.services.changes import effects
from backoffice.services.changes import fields as catalogue
from backoffice.services.changes.assessment import same
from backoffice.services.changes.facts import (
    CHUNK,
    DECIDED_APPROVED,
    RequestFacts,
    chunks,
    load_requests,
)
from backoffice.services.changes.records import Records, current_text, load_records
from backoffice.services.errors import ServiceError
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Progress, silent
from backoffice.services.sepa.mandates import create_opt_in_mandate
from backoffice.services.sql_values import among
from backoffice.services.tracking import mark_touched

Doer = Actor | None  # None: no one in particular ("system" in the audit trail)


@dataclass(frozen=True)
class ApplyReport:
    applied: tuple[int, ...]
    notes: tuple[tuple[int, str], ...]  # fields left as they were, and why
    failed: tuple[tuple[int, str], ...]  # requests that could not apply (retried next run)


@dataclass
class _Report:
    applied: list[int] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)

    def merge(self, other: _Report) -> None:
        self.applied += other.applied
        self.notes += other.notes
        self.failed += other.failed


@dataclass
class _Run:
    """What each step of an application works with."""

    session: Session
    actor: Doer
    records: Records
    report: _Report

    def attempt(self) -> _Run:
        """The same, reporting apart (kept only if the attempt succeeds)."""
        return replace(self, report=_Report())

    def audit(self, request: RequestFacts, before: dict, after: dict, extra: str = "") -> None:
        summary = tr(
            "{kind} applied (request {id})", kind=catalogue.kind_label(request.kind), id=request.id
        )
        audit.record(
            self.session,
            self.actor,
            "change.apply",
            "change_request",
            request.id,
            member_id=request.member_id,
            summary=summary + (f" — {extra}" if extra else ""),
            before=before,
            after=after,
        )


def due_request_ids(session: Session) -> list[int]:
    """Approved requests whose effective date has come and which are not applied yet;
    rows another run is applying right now are skipped (PostgreSQL)."""
    return list(
        session.scalars(
            select(ChangeRequest.id)
            .where(
                ChangeRequest.status.in_(DECIDED_APPROVED),
                ChangeRequest.applied_at.is_(None),
                ChangeRequest.effective_on <= clock.today(),
            )
            .order_by(ChangeRequest.id)
            .with_for_update(skip_locked=True)
        )
    )


def apply_due(session: Session, actor: Actor, progress: Progress | None = None) -> ApplyReport:
    """Apply every approved change whose effective date has come (the nightly job, as the
    system account, or a staff member who may)."""
    require(session, actor, Permission.CHANGES_APPLY)
    return apply_requests(session, actor, due_request_ids(session), progress)


def apply_requests(
    session: Session, actor: Doer, request_ids: Collection[int], progress: Progress | None = None
) -> ApplyReport:
    """Apply the approved requests among ``request_ids`` not applied yet. The callers (the
    approval, ``apply_due``) have checked the permission."""
    progress = progress or silent()
    report = _Report()
    ordered = sorted(set(request_ids))
    for number, part in enumerate(chunks(ordered, CHUNK)):
        progress.check()
        requests = load_requests(session, part, lock=True)
        ready = sorted(
            (r for r in requests.values() if r.status in DECIDED_APPROVED and not r.applied_at),
            key=lambda r: (r.effective_on, r.reviewed_at, r.id),
        )
        records = load_records(session, ready, lock_members=True, with_scheduled=False)
        run = _Run(session, actor, records, _Report())
        _apply_company(run, [r for r in ready if r.kind == ChangeKind.COMPANY_RECORD])
        session.expire_all()  # ORM copies of the members just updated are stale
        for request in ready:
            if request.kind != ChangeKind.COMPANY_RECORD:
                _guarded(run, request, _apply_one)
        _mark_applied(session, run.report.applied)
        report.merge(run.report)
        finished = min(len(ordered), (number + 1) * CHUNK)
        progress.step(
            finished,
            len(ordered),
            tr("{done} of {total} changes applied", done=finished, total=len(ordered)),
        )
    return ApplyReport(tuple(report.applied), tuple(report.notes), tuple(report.failed))


def _guarded(
    run: _Run, request: RequestFacts, applier: Callable[[_Run, RequestFacts], None]
) -> None:
    """Apply one request in a savepoint: whole, or not at all (reported)."""
    attempt = run.attempt()
    try:
        with run.session.begin_nested():
            applier(attempt, request)
    except (ServiceError, SQLAlchemyError) as error:
        message = error.message if isinstance(error, ServiceError) else str(error).splitlines()[0]
        run.report.failed.append(
            (
                request.id,
                tr("Request {id} could not be applied: {error}", id=request.id, error=message),
            )
        )
        return
    run.report.merge(attempt.report)


def _mark_applied(session: Session, ids: list[int]) -> None:
    if not ids:
        return
    session.execute(
        update(ChangeRequest)
        .where(among(session, ChangeRequest.id, ids), ChangeRequest.applied_at.is_(None))
        .values(applied_at=clock.now(), version=ChangeRequest.version + 1)
        .execution_options(synchronize_session=False)
    )
    mark_touched(session, "change_requests", set(ids))


def _fresh_values(
    request: RequestFacts, current: Callable[[str], str | None], report: _Report
) -> dict[str, Any]:
    """The approved values to write, typed; a field whose record value changed since the
    approval is left out, and noted."""
    values = {}
    for approved in request.approved_fields:
        spec = catalogue.spec_of(request.kind, approved.name)
        now = current(approved.name)
        if not same(now, approved.value_at_review) and not same(now, approved.submitted):
            report.notes.append(
                (
                    request.id,
                    tr(
                        "Request {id}: {field} was left as it is: it changed after the approval "
                        "(now “{value}”).",
                        id=request.id,
                        field=spec.label,
                        value=now or "",
                    ),
                )
            )
            continue
        values[approved.name] = catalogue.decode(spec, approved.submitted)
    return values


def _gone(request: RequestFacts, report: _Report) -> None:
    """The record is gone: nothing to apply; the request is closed all the same."""
    report.notes.append(
        (
            request.id,
            tr(
                "Request {id}: nothing applied, its member or employee no longer exists.",
                id=request.id,
            ),
        )
    )
    report.applied.append(request.id)


# -- company records: one UPDATE per batch ------------------------------------------------------


def _apply_company(run: _Run, requests: list[RequestFacts]) -> None:
    if not requests:
        return
    attempt = run.attempt()
    try:
        with run.session.begin_nested():
            _company_batch(attempt, requests)
    except SQLAlchemyError:  # one bad row: apply them one by one to find it
        for request in requests:
            _guarded(run, request, lambda each, one: _company_batch(each, [one]))
        return
    run.report.merge(attempt.report)


def _company_batch(run: _Run, requests: list[RequestFacts]) -> None:
    changed: dict[int, dict[str, Any]] = defaultdict(dict)  # member → final values
    for request in requests:
        member = run.records.members.get(request.member_id or 0)
        if member is None:
            _gone(request, run.report)
            continue
        values = _fresh_values(
            request, lambda name, m=member: encode_value(m.get(name)), run.report
        )
        if values:
            before = {name: member.get(name) for name in values}
            member.update(values)  # later requests of the batch see this one applied
            changed[member["id"]].update(values)
            run.audit(request, before, values)
        run.report.applied.append(request.id)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for member_id, values in changed.items():
        member = run.records.members[member_id]
        row = {f"v_{name}": value for name, value in values.items()}
        row["b_id"] = member_id
        row["b_search"] = member_search_text(
            member["member_code"],
            member["legal_name"],
            member["trade_name"],
            member["siret"],
            member["postcode"],
            member["city"],
        )
        groups[tuple(sorted(values))].append(row)
    members, now = Member.__table__, clock.now()
    for names, rows in groups.items():
        run.session.execute(
            update(members)
            .where(members.c.id == bindparam("b_id"))
            .values(
                {
                    **{name: bindparam(f"v_{name}") for name in names},
                    "search_text": bindparam("b_search"),
                    "updated_at": now,
                    "version": members.c.version + 1,
                }
            ),
            rows,
        )
    mark_touched(run.session, "members", set(changed))


# -- the other kinds: one request at a time ----------------------------------------------------


def _apply_situation(run: _Run, request: RequestFacts, member: Member) -> None:
    values = _fresh_values(
        request, lambda name: current_text(run.records, request, name), run.report
    )
    on = values.get("situation_date")
    if "situation" not in values or on is None:
        run.report.applied.append(request.id)
        return
    before = audit.snapshot(member, ["status", "ceased_on", "has_employees"])
    exited, cancelled = effects.record_situation(
        run.session, run.actor, member, values["situation"], on
    )
    run.session.flush()
    after = audit.snapshot(member, ["status", "ceased_on", "has_employees"])
    extra = tr(
        "{employees} employees exited, {appointments} appointments cancelled",
        employees=len(exited),
        appointments=len(cancelled),
    )
    run.audit(request, before, after, extra)
    run.report.applied.append(request.id)


def _mandate_actor(session: Session, actor: Doer, request: RequestFacts) -> Actor:
    """The mandate is created on behalf of whoever approved the opt-in (the nightly job
    applies it for them)."""
    if actor is not None and actor.role != Role.SYSTEM:
        return actor
    reviewer = session.get(StaffUser, request.reviewed_by_id)
    if reviewer is None:
        raise ServiceError(tr("The staff member who approved it no longer exists."))
    return actor_of(reviewer)


def _apply_sepa(run: _Run, request: RequestFacts, member: Member) -> None:
    values = _fresh_values(
        request, lambda name: current_text(run.records, request, name), run.report
    )
    if "iban" in values and "bic" in values:
        mandate = create_opt_in_mandate(
            run.session,
            _mandate_actor(run.session, run.actor, request),
            request.id,
            member.id,
            values["iban"],
            values["bic"],
            signed_on=clock.local(request.submitted_at).date(),
            email=values.get("email") or member.billing_email or member.email,
        )
        run.audit(request, {}, {"rum": mandate.rum, "iban": mandate.iban})
    run.report.applied.append(request.id)


def _categories(records: Records) -> dict[str, Any]:
    return {code: category for code, (_label, category) in records.risks.items()}


def _apply_added(run: _Run, request: RequestFacts, member: Member) -> None:
    values = _fresh_values(request, lambda _name: None, run.report)
    codes = values.pop("risk_factors", [])
    values["follow_up_category"] = catalogue.recorded_category(
        values.get("follow_up_category"), codes, _categories(run.records)
    )
    employee = Employee(member_id=member.id, origin=EmployeeOrigin.PORTAL, **values)
    employee.risk_factors = [EmployeeRiskFactor(risk_code=code) for code in codes]
    run.session.add(employee)
    before = {"has_employees": False} if not member.has_employees else {}
    member.has_employees = True
    run.session.flush()
    run.session.execute(
        update(ChangeRequest)
        .where(ChangeRequest.id == request.id)
        .values(employee_id=employee.id)
        .execution_options(synchronize_session=False)
    )
    after = {**values, "risk_factors": codes, "employee_id": employee.id}
    run.audit(request, before, after | ({"has_employees": True} if before else {}))
    run.report.applied.append(request.id)


def _employee_text(employee: Employee, name: str) -> str | None:
    return encode_value(employee.risk_codes if name == "risk_factors" else getattr(employee, name))


def _apply_exited(run: _Run, request: RequestFacts, employee: Employee) -> None:
    values = _fresh_values(request, lambda name: _employee_text(employee, name), run.report)
    before = audit.snapshot(employee, list(values))
    for name, value in values.items():
        setattr(employee, name, value)
    cancelled = []
    if "exited_on" in values:
        cancelled = effects.cancel_appointments(
            run.session,
            run.actor,
            effects.future_appointments(values["exited_on"], employee_id=employee.id),
            effects.EXIT_REASON,
        )
    run.session.flush()
    extra = tr("{count} appointments cancelled", count=len(cancelled)) if cancelled else ""
    run.audit(request, before, audit.snapshot(employee, list(values)), extra)
    run.report.applied.append(request.id)


def _apply_updated(run: _Run, request: RequestFacts, employee: Employee) -> None:
    values = _fresh_values(request, lambda name: _employee_text(employee, name), run.report)
    names = ["pcs_code", "job_title", "follow_up_category"]
    before = {**audit.snapshot(employee, names), "risk_factors": employee.risk_codes}
    for name in ("pcs_code", "job_title"):
        if name in values:
            setattr(employee, name, values[name])
    if "risk_factors" in values:
        wanted = set(values["risk_factors"])
        employee.risk_factors = [link for link in employee.risk_factors if link.risk_code in wanted]
        present = {link.risk_code for link in employee.risk_factors}
        employee.risk_factors += [EmployeeRiskFactor(risk_code=c) for c in sorted(wanted - present)]
    if "risk_factors" in values or "follow_up_category" in values:
        declared = values.get("follow_up_category") or employee.follow_up_category.value
        employee.follow_up_category = catalogue.recorded_category(
            declared,
            sorted({link.risk_code for link in employee.risk_factors}),
            _categories(run.records),
        )
    run.session.flush()
    after = {**audit.snapshot(employee, names), "risk_factors": employee.risk_codes}
    changed_before, changed_after = audit.changed_fields(before, after)
    run.audit(request, changed_before, changed_after)
    run.report.applied.append(request.id)


def _apply_one(run: _Run, request: RequestFacts) -> None:
    """Apply a request to the member or employee it concerns, if it still exists."""
    on_employee = request.kind in (ChangeKind.EMPLOYEE_EXITED, ChangeKind.EMPLOYEE_UPDATED)
    model, target_id = (
        (Employee, request.employee_id) if on_employee else (Member, request.member_id)
    )
    target = run.session.get(model, target_id) if target_id else None
    if target is None:
        _gone(request, run.report)
        return
    APPLIERS[request.kind](run, request, target)


APPLIERS: dict[ChangeKind, Callable[..., None]] = {
    ChangeKind.SITUATION: _apply_situation,
    ChangeKind.SEPA_OPT_IN: _apply_sepa,
    ChangeKind.EMPLOYEE_ADDED: _apply_added,
    ChangeKind.EMPLOYEE_EXITED: _apply_exited,
    ChangeKind.EMPLOYEE_UPDATED: _apply_updated,
}
