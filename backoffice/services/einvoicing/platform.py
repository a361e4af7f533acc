"""The approved platform (*plateforme agréée*): what goes to it and what comes back.

:class:`Platform` is the interface a platform connection implements; :class:`OutboxFolder`
is the one every platform accepts as a channel: a folder (the setting
``einvoicing.outbox``) that their SFTP or API client uploads from, one Factur-X per
document named by the convention ``SIREN_NUMBER.pdf``, and the payment statuses in its
``statuts/`` subfolder as JSON. What the platform says back (the lifecycle statuses CDV
200 to 213 of the French specification) arrives as a status file, CSV or JSON, read by
:func:`record_statuses`.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr, trc
from backoffice.models import CreditNote, Payment, PaymentAllocation
from backoffice.models.einvoicing import (
    COLLECTED,
    DEPOSITED,
    STATUS_CODES,
    TASK_CODES,
    EInvoice,
    EInvoiceEvent,
)
from backoffice.models.invoices import Instalment
from backoffice.reports.einvoicing.cii import amount
from backoffice.services import audit, settings
from backoffice.services.billing import documents as billing_documents
from backoffice.services.einvoicing import facturx
from backoffice.services.errors import Conflict, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Progress, silent
from backoffice.services.tracking import mark_touched

STATUS_LABELS: dict[int, Callable[[], str]] = {
    200: lambda: trc("einvoice", "Deposited"),
    201: lambda: trc("einvoice", "Issued by the platform"),
    202: lambda: trc("einvoice", "Received by the platform"),
    203: lambda: trc("einvoice", "Made available"),
    204: lambda: trc("einvoice", "Taken over"),
    205: lambda: trc("einvoice", "Approved"),
    206: lambda: trc("einvoice", "Partly approved"),
    207: lambda: trc("einvoice", "Disputed"),
    208: lambda: trc("einvoice", "Suspended"),
    209: lambda: trc("einvoice", "Completed"),
    210: lambda: trc("einvoice", "Refused"),
    211: lambda: trc("einvoice", "Payment sent"),
    212: lambda: trc("einvoice", "Collected"),
    213: lambda: trc("einvoice", "Rejected"),
}
SOURCE_OUTBOX = "outbox"
SOURCE_PAYMENTS = "payments"


def status_label(code: int) -> str:
    label = STATUS_LABELS.get(code)
    return f"{code} {label()}" if label else str(code)


class Platform(Protocol):
    """A way to the approved platform."""

    def deposit(self, file_name: str, content: bytes) -> Path | None:
        """Give it one Factur-X; returns where it went (to take it back on failure)."""

    def report(self, file_name: str, content: bytes) -> Path | None:
        """Give it a status file of ours (the payments collected)."""


@dataclass(frozen=True)
class OutboxFolder:
    folder: Path

    def deposit(self, file_name: str, content: bytes) -> Path:
        path = self.folder / file_name
        facturx.write_whole(path, content)
        return path

    def report(self, file_name: str, content: bytes) -> Path:
        folder = self.folder / "statuts"
        folder.mkdir(exist_ok=True)
        path = folder / file_name
        facturx.write_whole(path, content)
        return path


def has_outbox(session: Session) -> bool:
    """Whether the platform's outbox is set (the campaign then offers to deposit)."""
    return bool(str(settings.get(session, "einvoicing.outbox") or "").strip())


def configured_outbox(session: Session) -> OutboxFolder:
    """The outbox of the settings, refused when it is not set or not a folder."""
    text = str(settings.get(session, "einvoicing.outbox") or "").strip()
    if not text:
        raise ValidationFailed.single(
            "outbox",
            tr("No outbox folder for the e-invoicing platform (setting einvoicing.outbox)."),
        )
    folder = Path(text).expanduser()
    if not folder.is_dir():
        raise ValidationFailed.single(
            "outbox",
            tr("The e-invoicing outbox {folder} is not a folder that exists.", folder=folder),
        )
    return OutboxFolder(folder)


# -- deposit -------------------------------------------------------------------------------


@dataclass
class DepositOutcome:
    deposited: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (number, why)
    held: list[tuple[str, str]] = field(default_factory=list)  # valid, not for the platform
    already: int = 0  # deposited before (and not rejected)


def _event(
    einvoice: EInvoice, code: int, when: datetime, actor: Actor | None, source: str, **extra
) -> EInvoiceEvent:
    return EInvoiceEvent(
        einvoice=einvoice,
        code=code,
        happened_at=when,
        recorded_at=clock.now(),
        recorded_by_id=actor.staff_id if actor and actor.staff_id else None,
        source=source,
        **extra,
    )


def deposit(
    session: Session,
    actor: Actor,
    invoice_ids: list[int],
    credit_note_ids: list[int] = (),
    *,
    platform: Platform | None = None,
    progress: Progress | None = None,
) -> DepositOutcome:
    """The Factur-X of each document not deposited yet (or rejected) given to the
    platform, each recorded as deposited (200). A document refused or held back is
    listed with its reason; if anything fails, the files given are taken back."""
    require(session, actor, Permission.BILLING_ISSUE)
    platform = platform or configured_outbox(session)
    progress = progress or silent()
    existing = {
        row.invoice_id or -row.credit_note_id: row
        for row in session.scalars(
            select(EInvoice).where(
                EInvoice.invoice_id.in_(invoice_ids)
                | EInvoice.credit_note_id.in_(list(credit_note_ids))
            )
        )
    }
    outcome = DepositOutcome()

    def wanted(key: int) -> bool:
        row = existing.get(key)
        if row is not None and row.status_code not in TASK_CODES:
            outcome.already += 1
            return False
        return True

    invoices = [ident for ident in invoice_ids if wanted(ident)]
    notes = [ident for ident in credit_note_ids if wanted(-ident)]
    total = len(invoices) + len(notes)
    given: list[Path] = []
    now = clock.now()
    try:
        for index, (key, made) in enumerate(_made(session, actor, invoices, notes), start=1):
            if isinstance(made, facturx.DocumentRefused):
                outcome.refused.append((made.number, made.reason))
            elif made.held:
                outcome.held.append((made.number, made.held))
            else:
                path = platform.deposit(made.file_name, made.content)
                if path is not None:
                    given.append(path)
                row = existing.get(key)
                if row is None:
                    row = EInvoice(
                        invoice_id=key if key > 0 else None,
                        credit_note_id=-key if key < 0 else None,
                        number=made.number,
                        file_name=made.file_name,
                        deposited_at=now,
                        deposited_by_id=actor.staff_id or None,
                        status_code=DEPOSITED,
                        status_at=now,
                    )
                    session.add(row)
                else:
                    row.file_name, row.deposited_at = made.file_name, now
                    row.status_code, row.status_at, row.reason = DEPOSITED, now, None
                    row.task_open, row.task_closed_at = False, now
                    row.task_closed_by_id = actor.staff_id or None
                session.add(_event(row, DEPOSITED, now, actor, SOURCE_OUTBOX))
                outcome.deposited.append(made.number)
            progress.step(index, total, tr("{done} / {total} Factur-X", done=index, total=total))
        session.flush()
    except BaseException:
        for path in given:
            path.unlink(missing_ok=True)
        raise
    if outcome.deposited:
        mark_touched(session, "einvoices")
        audit.record(
            session,
            actor,
            "einvoice.deposit",
            "einvoice",
            None,
            summary=tr(
                "{count} documents deposited with the e-invoicing platform",
                count=len(outcome.deposited),
            ),
            after={"numbers": outcome.deposited[:50], "count": len(outcome.deposited)},
        )
    return outcome


@dataclass(frozen=True)
class _Made:
    number: str
    file_name: str
    content: bytes
    held: str  # why it does not go to the platform, or ""


def _made(session: Session, actor: Actor, invoice_ids: list[int], note_ids: list[int]):
    from backoffice.services.einvoicing import facts

    service = billing_documents.identity(session)
    payment = billing_documents.payment_details(session, service)
    anomalies = {}
    for start in range(0, len(invoice_ids), facturx.CHUNK):
        for item in facts.invoice_facts(
            session, service, payment, invoice_ids[start : start + facturx.CHUNK]
        ):
            anomalies[item.invoice_id] = item.anomalies
    for invoice_id, made in zip(
        invoice_ids, facturx.invoice_facturxes(session, invoice_ids), strict=True
    ):
        yield invoice_id, _held(made, anomalies.get(invoice_id, ()))
    for note_id in note_ids:
        try:
            made = facturx.credit_note_facturx(session, actor, note_id)
        except ValidationFailed as refused:
            number = session.get(CreditNote, note_id).number
            yield -note_id, facturx.DocumentRefused(number, str(refused))
            continue
        item = facts.credit_note_facts(session, service, payment, note_id)
        yield -note_id, _held(made, item.anomalies)


def _held(made, anomalies) -> _Made | facturx.DocumentRefused:
    if isinstance(made, facturx.DocumentRefused):
        return made
    held = "; ".join(anomaly.text for anomaly in anomalies if not anomaly.blocking)
    return _Made(made.number, made.file_name, made.content, held)


# -- statuses read back --------------------------------------------------------------------


@dataclass(frozen=True)
class StatusLine:
    line: int
    number: str
    code: int
    happened_at: datetime
    reason: str


@dataclass
class StatusOutcome:
    recorded: int = 0
    already: int = 0  # in a file read before
    tasks: list[str] = field(default_factory=list)  # numbers rejected or refused


_KEYS = {
    "number": ("numero", "numéro", "number", "invoice", "facture", "document"),
    "code": ("statut", "status", "code"),
    "date": ("date", "horodatage", "timestamp", "at"),
    "reason": ("motif", "reason", "commentaire", "comment"),
}


def _pick(row: dict, key: str) -> str:
    lowered = {str(name).strip().lower(): value for name, value in row.items() if name}
    for name in _KEYS[key]:
        if name in lowered and lowered[name] is not None:
            return str(lowered[name]).strip()
    return ""


def _when(text: str) -> datetime:
    try:
        if len(text) == 10:
            return clock.start_of_local_day(date.fromisoformat(text))
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for pattern in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"):
            try:
                parsed = datetime.strptime(text, pattern)  # noqa: DTZ007 (local time below)
                break
            except ValueError:
                continue
        if parsed is None:
            raise
        moment = parsed
    if moment.tzinfo is None:
        return moment.replace(tzinfo=clock.SERVICE_TZ).astimezone(UTC)
    return moment.astimezone(UTC)


def parse_status_file(name: str, content: bytes) -> list[StatusLine]:
    """The lines of a status file (CSV with a header, ``;`` or ``,``, or JSON: a list of
    objects, or ``{"statuts": [...]}``); refused whole with the first bad line."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed.single(
            "file", tr("{name}: not a text file in UTF-8.", name=name)
        ) from None
    rows: list[dict]
    first_line = 2
    if text.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationFailed.single(
                "file",
                tr("{name}: not valid JSON (line {line}).", name=name, line=error.lineno),
            ) from None
        if isinstance(data, dict):
            data = data.get("statuts", data.get("statuses"))
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise ValidationFailed.single(
                "file", tr("{name}: a JSON status file is a list of statuses.", name=name)
            )
        rows, first_line = data, 1
    else:
        dialect = ";" if text.split("\n", 1)[0].count(";") else ","
        rows = list(csv.DictReader(io.StringIO(text), delimiter=dialect))
    if not rows:
        raise ValidationFailed.single("file", tr("{name}: no status in the file.", name=name))
    lines = []
    for index, row in enumerate(rows, start=first_line):
        number, code_text = _pick(row, "number"), _pick(row, "code")
        date_text = _pick(row, "date")
        where = tr("{name}, line {line}", name=name, line=index)
        if not number:
            raise ValidationFailed.single("file", tr("{where}: no invoice number.", where=where))
        if not code_text.isdigit() or int(code_text) not in STATUS_CODES:
            raise ValidationFailed.single(
                "file",
                tr(
                    "{where}: « {code} » is not a lifecycle status (200 to 213).",
                    where=where,
                    code=code_text,
                ),
            )
        try:
            happened = _when(date_text)
        except ValueError:
            raise ValidationFailed.single(
                "file",
                tr("{where}: « {date} » is not a date.", where=where, date=date_text),
            ) from None
        lines.append(
            StatusLine(index, number, int(code_text), happened, _pick(row, "reason")[:500])
        )
    return lines


def record_statuses(session: Session, actor: Actor, name: str, content: bytes) -> StatusOutcome:
    """Record a status file of the platform: each status in its document's history (once,
    however often the file is read), the latest as its status; a rejection or a refusal
    opens a task for the billing staff. Refused whole if a line names an unknown
    document or is malformed."""
    require(session, actor, Permission.PAYMENTS_RECORD)
    lines = parse_status_file(name, content)
    numbers = {line.number for line in lines}
    rows = {
        row.number: row
        for row in session.scalars(
            select(EInvoice).where(EInvoice.number.in_(numbers)).with_for_update()
        )
    }
    for line in lines:
        if line.number not in rows:
            raise NotFound(
                tr(
                    "{name}, line {line}: {number} is not a document deposited with the platform.",
                    name=name,
                    line=line.line,
                    number=line.number,
                )
            )
    known = {
        (event.einvoice_id, event.code, event.happened_at)
        for event in session.scalars(
            select(EInvoiceEvent).where(
                EInvoiceEvent.einvoice_id.in_([row.id for row in rows.values()])
            )
        )
    }
    outcome = StatusOutcome()
    for line in sorted(lines, key=lambda item: item.happened_at):
        row = rows[line.number]
        key = (row.id, line.code, line.happened_at)
        if key in known or _same_moment(known, key):
            outcome.already += 1
            continue
        known.add(key)
        session.add(
            _event(row, line.code, line.happened_at, actor, name[:120], reason=line.reason or None)
        )
        outcome.recorded += 1
        if _aware(row.status_at) <= line.happened_at:
            row.status_code, row.status_at = line.code, line.happened_at
            row.reason = line.reason or None
            if line.code in TASK_CODES:
                row.task_open, row.task_closed_at, row.task_closed_by_id = True, None, None
                outcome.tasks.append(row.number)
    session.flush()
    if outcome.recorded:
        mark_touched(session, "einvoices", {row.id for row in rows.values()})
        audit.record(
            session,
            actor,
            "einvoice.statuses",
            "einvoice",
            None,
            summary=tr(
                "Status file {name}: {count} statuses recorded", name=name, count=outcome.recorded
            ),
            after={"file": name, "recorded": outcome.recorded, "tasks": outcome.tasks},
        )
    return outcome


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _same_moment(known: set, key: tuple) -> bool:
    """SQLite gives instants back without their zone: compare them in UTC."""
    ident, code, when = key
    return any(
        (other_id, other_code) == (ident, code) and _aware(other_when) == when
        for other_id, other_code, other_when in known
    )


def close_task(session: Session, actor: Actor, einvoice_id: int, expected_version: int) -> None:
    """A rejection handled (the invoice corrected by a credit note, the member's record
    fixed and the invoice deposited again...)."""
    require(session, actor, Permission.BILLING_ISSUE)
    row = session.get(EInvoice, einvoice_id, with_for_update=True)
    if row is None:
        raise NotFound(tr("This electronic invoice no longer exists."))
    if row.version != expected_version or not row.task_open:
        raise Conflict(tr("Someone else handled this rejection in the meantime."))
    row.task_open, row.task_closed_at, row.task_closed_by_id = False, clock.now(), actor.staff_id
    session.flush()
    audit.record(
        session,
        actor,
        "einvoice.task_close",
        "einvoice",
        row.id,
        summary=tr("Rejection of {number} handled", number=row.number),
    )


# -- payments collected: the « encaissée » status ------------------------------------------


@dataclass(frozen=True)
class CollectionReport:
    count: int
    amount_cents: int
    file: Path | None


def report_collections(
    session: Session, actor: Actor, *, platform: Platform | None = None
) -> CollectionReport:
    """The payments recorded on deposited invoices and not reported yet, as « encaissée »
    statuses (212, with the amount and the day received) in a status file given to the
    platform: VAT on services is due when paid, so the platform must know what was."""
    require(session, actor, Permission.PAYMENTS_RECORD)
    rows = session.execute(
        select(
            EInvoice.id,
            EInvoice.number,
            Payment.id,
            Payment.received_on,
            func.sum(PaymentAllocation.amount_cents),
        )
        .join(Instalment, Instalment.invoice_id == EInvoice.invoice_id)
        .join(PaymentAllocation, PaymentAllocation.instalment_id == Instalment.id)
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(
            Payment.reversed_at.is_(None),
            ~select(EInvoiceEvent.id)
            .where(EInvoiceEvent.einvoice_id == EInvoice.id, EInvoiceEvent.payment_id == Payment.id)
            .exists(),
        )
        .group_by(EInvoice.id, EInvoice.number, Payment.id, Payment.received_on)
        .order_by(Payment.received_on, EInvoice.number)
    ).all()
    if not rows:
        return CollectionReport(0, 0, None)
    platform = platform or configured_outbox(session)
    now = clock.now()
    einvoices = {
        row.id: row
        for row in session.scalars(select(EInvoice).where(EInvoice.id.in_({r[0] for r in rows})))
    }
    statuses = []
    total = 0
    by_invoice: dict[int, int] = defaultdict(int)
    for einvoice_id, number, payment_id, received_on, summed in rows:
        cents = int(summed)
        total += cents
        by_invoice[einvoice_id] += cents
        happened = clock.start_of_local_day(received_on)
        session.add(
            _event(
                einvoices[einvoice_id],
                COLLECTED,
                happened,
                actor,
                SOURCE_PAYMENTS,
                payment_id=payment_id,
                amount_cents=cents,
                received_on=received_on,
                reported_at=now,
            )
        )
        statuses.append(
            {
                "numero": number,
                "statut": COLLECTED,
                "date": received_on.isoformat(),
                "montant": amount(cents),
                "devise": "EUR",
            }
        )
    for einvoice_id in by_invoice:
        row = einvoices[einvoice_id]
        if row.status_code not in TASK_CODES:
            row.status_code, row.status_at, row.reason = COLLECTED, now, None
    service = billing_documents.identity(session)
    name = f"{service.siren}_CDV212_{now.astimezone(UTC):%Y%m%dT%H%M%S}.json"
    content = json.dumps(
        {"emetteur": service.siren, "statuts": statuses}, ensure_ascii=False, indent=1
    ).encode()
    session.flush()
    path = platform.report(name, content)
    try:
        mark_touched(session, "einvoices", set(by_invoice))
        audit.record(
            session,
            actor,
            "einvoice.collections",
            "einvoice",
            None,
            summary=tr("{count} payments reported to the e-invoicing platform", count=len(rows)),
            after={"file": name, "count": len(rows), "amount_cents": total},
        )
    except BaseException:
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    return CollectionReport(len(rows), total, path)
