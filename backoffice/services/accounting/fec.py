"""The FEC of a fiscal year, for the tax authorities (see :mod:`reports.accounting.fec`).

It holds the validated entries of the year — those of its closed months — in the order of
their validation, then of their number. A year of which no month is closed has no FEC yet.
The file is named after the service's SIREN (the first nine digits of its SIRET) and the
last day of the fiscal year (the calendar year). It is written under a temporary name and
renamed once complete and checked: a refused export leaves no file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum.fr import siren as siren_number

from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.models import JournalEntry, JournalLine, Member
from backoffice.private_files import whole_file
from backoffice.reports.accounting import fec as fec_file
from backoffice.services import identity
from backoffice.services.accounting import chart
from backoffice.services.accounting.posting import closed_through
from backoffice.services.errors import ServiceError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Progress, silent

STREAM_ROWS = 10000


@dataclass(frozen=True)
class FecOutcome:
    path: Path
    fiscal_year: int
    through: date  # the last closed day the file covers
    complete: bool  # the whole fiscal year is closed
    lines: int
    entries: int
    debit_cents: int
    credit_cents: int
    journals: dict[str, tuple[int, int]]  # code -> (entries, debit cents)


def service_siren(session: Session) -> str:
    """The SIREN of the service (its SIRET's first nine digits), or a French refusal."""
    siret = "".join(identity.load(session).siret.split())
    siren = siret[:9]
    if not siren_number.is_valid(siren):
        raise ValidationFailed.single(
            "siret",
            tr(
                "The service's SIRET ({siret}) is not valid: the FEC is named after its "
                "SIREN. Correct it in Settings › Service identity.",
                siret=siret or "-",
            ),
        )
    return siren


def covered_through(session: Session, fiscal_year: int) -> date:
    """The last closed day of ``fiscal_year``, or a refusal when none of it is closed."""
    closed = closed_through(session)
    if closed is None or closed < date(fiscal_year, 1, 1):
        raise ValidationFailed.single(
            "year",
            tr(
                "No period of the fiscal year {year} is closed: close at least one month "
                "(Accounting › Close) before producing its FEC.",
                year=fiscal_year,
            ),
        )
    return min(closed, date(fiscal_year, 12, 31))


def fec_statement(fiscal_year: int):
    line_label = JournalLine.label
    return (
        select(
            JournalEntry.id,
            JournalEntry.journal,
            JournalEntry.journal_label,
            JournalEntry.fiscal_year,
            JournalEntry.sequence,
            JournalEntry.entry_date,
            JournalLine.account,
            JournalLine.account_label,
            Member.member_code,
            Member.legal_name,
            JournalEntry.piece_ref,
            JournalEntry.piece_date,
            JournalEntry.label,
            line_label,
            JournalLine.debit_cents,
            JournalLine.credit_cents,
            JournalEntry.validated_on,
        )
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .outerjoin(Member, Member.id == JournalLine.member_id)
        .where(JournalEntry.fiscal_year == fiscal_year, JournalEntry.sequence.is_not(None))
        .order_by(
            JournalEntry.validated_on,
            JournalEntry.journal,
            JournalEntry.sequence,
            JournalLine.position,
        )
    )


def _lines(session: Session, fiscal_year: int) -> Iterator[Sequence[Any]]:
    """The lines as the driver gives them (plain tuples; SQLite's dates as the ISO text the
    writer reads as such), streamed: a server-side cursor on PostgreSQL."""
    connection = session.connection()
    sql = str(
        fec_statement(fiscal_year).compile(
            dialect=connection.dialect, compile_kwargs={"literal_binds": True}
        )
    )
    raw = connection.connection.driver_connection
    postgresql = connection.dialect.name == "postgresql"
    cursor = raw.cursor("fec_lines") if postgresql else raw.cursor()  # type: ignore[union-attr]
    try:
        if postgresql:
            cursor.itersize = STREAM_ROWS
        cursor.execute(sql)
        while rows := cursor.fetchmany(STREAM_ROWS):
            yield from rows
    finally:
        cursor.close()


def export_fec(
    session: Session,
    actor: Actor,
    fiscal_year: int,
    folder: Path,
    progress: Progress | None = None,
) -> FecOutcome:
    """Write the FEC of ``fiscal_year`` into ``folder``; returns its name and totals."""
    require(session, actor, Permission.ACCOUNTING_VIEW)
    progress = progress or silent()
    if not folder.is_dir():
        raise ValidationFailed.single(
            "folder", tr("The folder {folder} does not exist.", folder=str(folder))
        )
    siren = service_siren(session)
    through = covered_through(session, fiscal_year)
    books = chart.load(session)
    prefix = books.auxiliary_prefix if books.auxiliary_per_member else None
    total = session.scalar(  # the entries (cheaper to count than their lines): progress
        select(func.count())
        .select_from(JournalEntry)
        .where(JournalEntry.fiscal_year == fiscal_year, JournalEntry.sequence.is_not(None))
    )
    path = folder / fec_file.file_name(siren, date(fiscal_year, 12, 31))
    progress.step(0, total or 0, tr("Writing the FEC"))
    try:
        with whole_file(path) as handle:
            totals = fec_file.write_fec(
                handle,
                _lines(session, fiscal_year),
                fiscal_year,
                auxiliary_prefix=prefix,
                on_progress=lambda done: progress.step(
                    done, total or 0, tr("{done} / {total} entries", done=done, total=total)
                ),
            )
    except fec_file.FecProblem as problem:
        raise ServiceError(problem.message) from problem
    except OSError as error:
        raise ServiceError(
            tr("The FEC could not be written to {path}: {error}", path=str(path), error=error)
        ) from error
    return FecOutcome(
        path,
        fiscal_year,
        through,
        through == date(fiscal_year, 12, 31),
        totals.lines,
        totals.entries,
        totals.debit_cents,
        totals.credit_cents,
        totals.journals,
    )


def coverage_note(outcome: FecOutcome) -> str:
    if outcome.complete:
        return tr("The whole fiscal year {year} is closed.", year=outcome.fiscal_year)
    return tr(
        "Only the months closed so far are in it: through {day}.", day=format_day(outcome.through)
    )
