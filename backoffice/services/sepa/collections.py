"""Exporting a collection: the pain.008 file of the instalments due, kept for audit.

The selection is made again under lock (``FOR UPDATE`` on PostgreSQL; SQLite's writer lock
is taken when the unit of work begins), so two workstations exporting the same date cannot
both take an instalment. One transaction per instalment, with an end-to-end id that names
it: ``<invoice number>-<position>-<collection id>``. The file is validated against the
official schema before anything is stored; then the instalments are marked sent, the
mandates remember their use (FRST → RCUR, the 36-month lapse), and the file is kept whole.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import Connection, Integer, any_, bindparam, case, func, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.models import SepaCollection, SepaMandate, SepaState
from backoffice.models.invoices import Instalment
from backoffice.money import format_eur
from backoffice.reports.sepa import pain008
from backoffice.reports.sepa.charset import to_sepa_text
from backoffice.reports.sepa.postal_address import structured
from backoffice.services import audit
from backoffice.services.billing.bulk_rows import collector_paused
from backoffice.services.errors import Conflict, ServiceError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Progress, silent
from backoffice.services.sepa import creditor
from backoffice.services.sepa.mandates import RUM_PREFIX
from backoffice.services.sepa.selection import CollectionReview, ReviewLine, build_review, filled
from backoffice.services.tracking import mark_touched

T = TypeVar("T")
PROGRESS_EVERY = 500
CHUNK = 5000  # ids per statement: well under SQLite's 32,766 bound parameters


def chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


@dataclass(frozen=True)
class ExportOutcome:
    collection_id: int
    message_id: str
    file_name: str
    schema: str
    collection_date: date
    count: int
    total_cents: int
    resent: bool  # holds instalments that were in an earlier file
    late_notice: bool  # the notice rule was overridden
    excluded: int  # lines left out for their anomalies
    xml: bytes


def end_to_end_id(line: ReviewLine, collection_id: int) -> str:
    """Traces the debit back to its instalment (and the file it was first sent in)."""
    return to_sepa_text(f"{line.invoice_number}-{line.position}-{collection_id}", 35)


def direct_debit(line: ReviewLine, collection_id: int) -> pain008.DirectDebit:
    assert line.rum and line.iban and line.mandate_signed_on and line.sequence
    return filled(
        pain008.DirectDebit,
        {
            "end_to_end_id": end_to_end_id(line, collection_id),
            "amount_cents": line.amount_cents,
            "sequence": line.sequence,
            "mandate_reference": line.rum,
            "mandate_signed_on": line.mandate_signed_on,
            "debtor_name": line.debtor_name or line.member_name,
            "debtor_address": line.debtor_address,
            "iban": line.iban,
            "bic": line.bic,
            "remittance": line.remittance,
        },
    )


def prepared_debit(line: ReviewLine, collection_id: int) -> pain008.PreparedDebit:
    """``pain008.prepared(direct_debit(line, collection_id))``, the texts the review put
    in the SEPA set taken from it rather than made again."""
    assert line.rum and line.iban and line.mandate_signed_on and line.sequence
    if line.debtor_name:
        name_in_file = line.name_in_file or ""
    else:
        name_in_file = to_sepa_text(line.member_name, pain008.NAME_LENGTH)
    variant, texts = pain008.debit_texts(
        end_to_end_id(line, collection_id),
        line.amount_cents,
        line.rum,
        line.mandate_signed_on,
        line.bic,
        name_in_file,
        structured(line.debtor_address),
        line.iban,
        line.remittance_in_file,
    )
    return pain008.PreparedDebit(line.sequence, line.amount_cents, variant, texts)


def _check_unchanged(review: CollectionReview, seen: Mapping[int, int] | None) -> None:
    """The lines reviewed and chosen by the user are still there, as they were, and can
    still go (a mandate revoked meanwhile would leave one out)."""
    if seen is None:
        return
    current = {line.instalment_id: line.version for line in review.included}
    if current != dict(seen):
        raise Conflict(
            tr(
                "The batch changed since you reviewed it (a payment, a colleague's export, "
                "a pre-notification...). Prepare the collection again; nothing was exported."
            )
        )


def _refuse_empty(review: CollectionReview) -> None:
    day = format_day(review.collection_date)
    if not review.lines:
        raise ServiceError(tr("No instalment to collect on {day}.", day=day))
    raise ServiceError(
        tr(
            "None of the {count} instalments due by {day} can be collected: see the "
            "anomalies of the review.",
            count=len(review.lines),
            day=day,
        )
    )


def export_collection(
    session: Session,
    actor: Actor,
    collection_date: date,
    *,
    instalment_versions: Mapping[int, int] | None = None,
    resend: bool = False,
    late_notice: bool = False,
    file_name: str | None = None,
    progress: Progress | None = None,
) -> ExportOutcome:
    """Export the collection of ``collection_date``.

    ``instalment_versions`` ({id: version}) are the lines the user reviewed and chose:
    anything changed since is a conflict. Without it (the command line) every line
    without a blocking anomaly goes. ``resend`` takes instalments already in a file;
    ``late_notice`` those not pre-notified in time.
    """
    require(session, actor, Permission.SEPA_MANAGE)
    with collector_paused():  # tens of thousands of rows and elements, no cycles
        return _export(
            session,
            actor,
            collection_date,
            instalment_versions,
            resend=resend,
            late_notice=late_notice,
            file_name=file_name,
            progress=progress or silent(),
        )


def _export(
    session: Session,
    actor: Actor,
    collection_date: date,
    instalment_versions: Mapping[int, int] | None,
    *,
    resend: bool,
    late_notice: bool,
    file_name: str | None,
    progress: Progress,
) -> ExportOutcome:
    the_creditor = creditor.load(session)
    ids = list(instalment_versions) if instalment_versions is not None else None
    review = build_review(
        session,
        collection_date,
        resend=resend,
        late_notice=late_notice,
        instalment_ids=ids,
        lock=True,
    )
    _check_unchanged(review, instalment_versions)
    lines = review.included
    if not lines:
        _refuse_empty(review)
    progress.step(0, len(lines), tr("Writing the file…"))
    collection = _new_collection(session, actor, review, lines, file_name)
    collection_id = collection.id
    debits = [prepared_debit(line, collection_id) for line in lines]
    e2e = [debit.texts[0] for debit in debits]  # the end-to-end id comes first
    mandate_ids = sorted({line.mandate_id for line in lines if line.mandate_id is not None})
    now = clock.now()

    def update_rows(connection: Connection) -> None:
        _mark_sent_rows(connection, lines, e2e, collection_id)
        _remember_use_rows(connection, mandate_ids, collection_date, now)

    def write_file() -> bytes:
        xml = _build_file(the_creditor, review, debits, collection, progress)
        progress.check()
        return xml

    if session.connection().dialect.name == "postgresql" or _SQLITE_IN_ONE_STATEMENT:
        xml = _written_while_the_server_updates(session, collection, write_file, update_rows)
    else:
        xml = write_file()
        update_rows(session.connection())
    collection.xml = xml
    mark_touched(session, "instalments", {line.instalment_id for line in lines})
    mark_touched(session, "sepa_mandates", set(mandate_ids))
    session.flush()
    _audit(session, actor, review, lines, collection)
    return ExportOutcome(
        collection_id=collection.id,
        message_id=collection.message_id,
        file_name=collection.file_name,
        schema=collection.schema,
        collection_date=collection_date,
        count=len(lines),
        total_cents=collection.total_cents,
        resent=collection.resent,
        late_notice=late_notice,
        excluded=review.excluded_count,
        xml=xml,
    )


def _new_collection(
    session: Session,
    actor: Actor,
    review: CollectionReview,
    lines: Sequence[ReviewLine],
    file_name: str | None,
) -> SepaCollection:
    now = clock.now()
    collection = SepaCollection(
        message_id=f"{RUM_PREFIX}-{clock.local(now):%Y%m%d-%H%M%S}-{secrets.token_hex(4)}",
        collection_date=review.collection_date,
        schema=review.schema,
        created_at=now,
        created_by_id=actor.staff_id,
        transaction_count=len(lines),
        total_cents=sum(line.amount_cents for line in lines),
        file_name="",
        xml=b"",
        resent=any(line.sepa_state == SepaState.SENT for line in lines),
    )
    session.add(collection)
    session.flush()
    collection.file_name = (
        file_name or f"prelevements-{review.collection_date:%Y%m%d}-{collection.id:06d}.xml"
    )[:200]
    return collection


def _build_file(
    the_creditor: pain008.Creditor,
    review: CollectionReview,
    debits: Sequence[pain008.PreparedDebit],
    collection: SepaCollection,
    progress: Progress,
) -> bytes:
    def each(index: int) -> None:
        if index % PROGRESS_EVERY == 0:
            progress.step(index, len(debits), tr("Writing the file…"))

    document = pain008.build(
        the_creditor,
        review.collection_date,
        collection.message_id,
        clock.local(collection.created_at).strftime("%Y-%m-%dT%H:%M:%S"),
        debits,
        review.schema,
        on_each=each,
    )
    progress.step(len(debits), len(debits), tr("Validating the file against the official schema…"))
    try:
        pain008.validate(document, review.schema)
    except pain008.SchemaInvalid as error:
        raise ValidationFailed.single(
            "file",
            tr(
                "The file does not validate against the official {schema} schema, so it "
                "was not written: {reasons}",
                schema=error.schema,
                reasons="; ".join(error.reasons),
            ),
        ) from error
    xml = pain008.serialise(document)
    return xml


# PostgreSQL takes the whole batch as three arrays in one statement, four times faster
# than a statement per instalment (which stays the way on SQLite, where it is fast).
_MARK_SENT_POSTGRESQL = text(
    "UPDATE instalments AS i SET sepa_state = 'sent', collection_id = :collection_id,"
    " end_to_end_id = v.e2e, rejection_code = NULL, version = i.version + 1"
    " FROM unnest(CAST(:keys AS integer[]), CAST(:seen AS integer[]),"
    " CAST(:e2e AS varchar[])) AS v(key, seen, e2e)"
    " WHERE i.id = v.key AND i.version = v.seen"
)


# SQLite takes it as one statement over a JSON array (``UPDATE … FROM``: 3.33, the JSON
# functions built in and ``->>``: 3.38): a single step of the library, which lets go of
# Python's lock for all of it, so that a thread can run it while the file is built (an
# ``executemany`` takes the lock back 20,000 times, and would wait for it each time).
_SQLITE_IN_ONE_STATEMENT = sqlite3.sqlite_version_info >= (3, 38, 0)
_MARK_SENT_SQLITE = (
    "UPDATE instalments SET sepa_state = ?, collection_id = ?, end_to_end_id = v.value ->> 2,"
    " rejection_code = NULL, version = instalments.version + 1"
    " FROM json_each(?) AS v"
    " WHERE instalments.id = v.value ->> 0 AND instalments.version = v.value ->> 1"
)


def _written_while_the_server_updates(
    session: Session,
    collection: SepaCollection,
    write_file: Callable[[], bytes],
    update_rows: Callable[[Connection], None],
) -> bytes:
    """PostgreSQL marks the instalments sent and updates the mandates (half a second of
    the server's work for 20,000) while this process builds and validates the file (a
    second of its own) — SQLite too, its statements each a single step of the library
    that leaves Python's lock to the file (a quarter of a second): the statements go
    from a thread on the session's connection, which nothing else uses meanwhile (the
    file needs no database), and the two are
    waited for together. Under a savepoint: a file that fails the schema, an export
    cancelled or a row changed meanwhile leave nothing marked sent, whatever the caller
    does with its unit of work; the statements' error is raised here, the file's first.
    """
    savepoint = session.begin_nested()
    connection = session.connection()
    _ = collection.message_id, collection.created_at  # what the file reads, loaded now
    failures: list[BaseException] = []

    def run() -> None:
        try:
            update_rows(connection)
        except BaseException as error:  # raised again in the export's thread
            failures.append(error)

    worker = threading.Thread(target=run, name="sepa-export-rows", daemon=True)
    worker.start()
    try:
        xml = write_file()
    except BaseException:
        worker.join()
        savepoint.rollback()
        raise
    worker.join()
    if failures:
        savepoint.rollback()
        raise failures[0]
    savepoint.commit()
    return xml


def _mark_sent(
    session: Session,
    lines: Sequence[ReviewLine],
    e2e: Sequence[str],
    collection: SepaCollection,
) -> None:
    """Every instalment marked sent with its end-to-end id, each guarded by the version
    the review read."""
    _mark_sent_rows(session.connection(), lines, e2e, collection.id)
    mark_touched(session, "instalments", {line.instalment_id for line in lines})


def _mark_sent_rows(
    connection: Connection, lines: Sequence[ReviewLine], e2e: Sequence[str], collection_id: int
) -> None:
    if connection.dialect.name == "postgresql":
        result = connection.execute(
            _MARK_SENT_POSTGRESQL,
            {
                "collection_id": collection_id,
                "keys": [line.instalment_id for line in lines],
                "seen": [line.version for line in lines],
                "e2e": e2e,
            },
        )
    elif _SQLITE_IN_ONE_STATEMENT:
        result = connection.exec_driver_sql(
            _MARK_SENT_SQLITE,
            (
                SepaState.SENT.value,
                collection_id,
                json.dumps(
                    [
                        (line.instalment_id, line.version, e2e_id)
                        for line, e2e_id in zip(lines, e2e, strict=True)
                    ]
                ),
            ),
        )
    else:
        # One executemany through the driver, the parameters as plain tuples (SQLAlchemy's
        # executemany processes each parameter set: three times slower here).
        table = Instalment.__table__.name
        sent = SepaState.SENT.value  # once: an enum member's value is a descriptor call
        result = connection.exec_driver_sql(
            f"UPDATE {table} SET sepa_state = ?, collection_id = ?, end_to_end_id = ?,"
            " rejection_code = NULL, version = version + 1 WHERE id = ? AND version = ?",
            [
                (sent, collection_id, e2e_id, line.instalment_id, line.version)
                for line, e2e_id in zip(lines, e2e, strict=True)
            ],
        )
    if result.rowcount != len(lines):
        raise Conflict(
            tr("Some instalments changed while the file was written; nothing was exported.")
        )


def _remember_use_rows(
    connection: Connection, mandate_ids: Sequence[int], collection_date: date, now: datetime
) -> None:
    """First and last collection of each mandate: FRST → RCUR, and the 36-month lapse."""
    table = SepaMandate.__table__
    # PostgreSQL takes the ids as one array; SQLite as lists of bound parameters.
    postgresql = connection.dialect.name == "postgresql"
    for chunk in [mandate_ids] if postgresql else chunks(mandate_ids):
        matching = (
            table.c.id == any_(bindparam("mandate_ids", list(chunk), type_=ARRAY(Integer)))
            if postgresql
            else table.c.id.in_(chunk)
        )
        connection.execute(
            update(table)
            .where(matching)
            .values(
                first_collected_on=func.coalesce(table.c.first_collected_on, collection_date),
                last_collected_on=case(
                    (table.c.last_collected_on > collection_date, table.c.last_collected_on),
                    else_=collection_date,
                ),
                version=table.c.version + 1,
                updated_at=now,
            )
        )


_VALUES = {state: state.value for state in SepaState}  # a look-up, not a descriptor call


def _audit(
    session: Session,
    actor: Actor,
    review: CollectionReview,
    lines: Sequence[ReviewLine],
    collection: SepaCollection,
) -> None:
    audit.record(
        session,
        actor,
        "sepa.collection.export",
        "sepa_collection",
        collection.id,
        summary=tr(
            "Direct-debit file {message_id}: {count} debits, {total}, collected on {day}",
            message_id=collection.message_id,
            count=len(lines),
            total=format_eur(collection.total_cents),
            day=format_day(review.collection_date),
        ),
        before={
            "sepa_states": {str(line.instalment_id): _VALUES[line.sepa_state] for line in lines}
        },
        after={
            "message_id": collection.message_id,
            "collection_date": review.collection_date,
            "schema": collection.schema,
            "file_name": collection.file_name,
            "count": len(lines),
            "total_cents": collection.total_cents,
            "resent": collection.resent,
            "late_notice_override": review.late_notice,
            "instalments": [line.instalment_id for line in lines],
        },
    )
