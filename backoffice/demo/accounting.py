"""The demo's books: the generated years journalised, closed through last month.

The billing history is written in bulk, below the services; so are its entries, by the
database (:class:`BulkJournal`: one ``INSERT … SELECT`` for the entries, numbered as the
closing numbers its drafts, one for their lines) — the same rows, ids and numbers as the
accounting catch-up (:mod:`services.accounting.history`) and the closing give by
replaying the events one by one, then numbering them, which a test checks field by field.
The catch-up remains the judge and the fallback: a database that is not as the demo
leaves it (entries already posted, a credit note, a write-off, a reversal, a direct-debit
file, a payment before its invoice, a label the catch-up would clip…) is journalised by
it, then closed. The books are closed through the end of last month, as a billing clerk
would have done month after month — so that last year's FEC and this year's closed
months can be produced at once.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Date, bindparam, exists, or_, select, text
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.models import (
    CreditNote,
    Instalment,
    Invoice,
    InvoiceKind,
    JournalEntry,
    Member,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    StaffUser,
    WriteOff,
)
from backoffice.services.accounting import chart, closing, history
from backoffice.services.accounting.builders import METHOD_WORDS
from backoffice.services.accounting.chart import RECEIPT_ACCOUNT, SALES_ACCOUNT
from backoffice.services.accounting.drafts import LABEL_LENGTH, PIECE_LENGTH, clip
from backoffice.services.accounting.posting import closed_through
from backoffice.services.actors import actor_of
from backoffice.services.billing.bulk_rows import IdReserver
from backoffice.services.tracking import mark_touched


def keep_books(session: Session, today: date, clerk_id: int) -> int:
    """Post the entries of the generated events and close last month; returns how many
    entries were posted."""
    clerk = session.get(StaffUser, clerk_id)
    assert clerk is not None
    through = today.replace(day=1) - timedelta(days=1)
    if can_post_in_bulk(session):
        journal = BulkJournal(session)  # written by the closing, numbered as it numbers
        closing.close_through(session, actor_of(clerk), through, numbering=journal)
        return journal.count
    posted = history.post_unposted(session).posted
    closing.close_through(session, actor_of(clerk), through)
    return posted


def can_post_in_bulk(session: Session) -> bool:
    """Whether :class:`BulkJournal` makes the entries the catch-up would post: the
    database holds nothing but what the demo generates (never journalised invoices and
    payments, nothing closed). Takes the books' lock, as the catch-up does."""
    return closed_through(session, exclusive=True) is None and _as_generated(session)


class BulkJournal:
    """The entries and lines of the generated invoices and payments, written by two
    ``INSERT … SELECT`` statements; as the closing's :class:`~closing.Numbering`, the
    entries dated through the closed month are written with their numbers (instead of
    being written, then all rewritten by the closing's ``UPDATE``)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.count = 0
        books = chart.load(session)
        self.postgresql = session.get_bind().dialect.name == "postgresql"
        parameters: dict[str, object] = {"posted_at": clock.now()}
        for key in ("sales", "bank"):
            journal = books.journal(key)
            parameters[f"{key}_code"], parameters[f"{key}_label"] = journal.code, journal.label
        for key in ("customers", "discount", "vat_pending", "vat_collected", "bank"):
            account = books.account(key)
            parameters[f"{key}_number"] = account.number
            parameters[f"{key}_label"] = account.label
        sales_number, sales_label, receipt_number, receipt_label, words = [], [], [], [], []
        for index, kind in enumerate(InvoiceKind):
            account = books.account(SALES_ACCOUNT[kind])
            parameters[f"kind{index}"] = kind.value
            parameters[f"kind{index}_number"] = account.number
            parameters[f"kind{index}_label"] = account.label
            sales_number.append(f"WHEN :kind{index} THEN :kind{index}_number")
            sales_label.append(f"WHEN :kind{index} THEN :kind{index}_label")
        for index, method in enumerate(PaymentMethod):
            account = books.account(RECEIPT_ACCOUNT[method])
            parameters[f"method{index}"] = method.value
            parameters[f"method{index}_word"] = METHOD_WORDS[method]
            parameters[f"method{index}_number"] = account.number
            parameters[f"method{index}_label"] = account.label
            receipt_number.append(f"WHEN :method{index} THEN :method{index}_number")
            receipt_label.append(f"WHEN :method{index} THEN :method{index}_label")
            words.append(f"WHEN :method{index} THEN :method{index}_word")
        self.parameters = parameters
        self.cases = {
            "sales_number": " ".join(sales_number),
            "sales_label": " ".join(sales_label),
            "receipt_number": " ".join(receipt_number),
            "receipt_label": " ".join(receipt_label),
            "method_word": " ".join(words),
            "year": (
                "CAST(EXTRACT(YEAR FROM day) AS INTEGER)"
                if self.postgresql
                else "CAST(substr(day, 1, 4) AS INTEGER)"
            ),
        }

    def groups(self, session: Session, through: date) -> list[tuple[str, int, int]]:
        statement = text(GROUPS.format(**self.cases)).bindparams(bindparam("through", type_=Date))
        found = session.execute(statement, _used(statement, self.parameters | {"through": through}))
        return [(journal, int(year), int(count)) for journal, year, count in found]

    def number(
        self,
        session: Session,
        offsets: dict[tuple[str, int], int],
        closure_id: int,
        validated_on: date,
        through: date,
    ) -> None:
        self.write(through, validated_on, closure_id, offsets)

    def write(
        self,
        through: date | None = None,
        validated_on: date | None = None,
        closure_id: int | None = None,
        offsets: dict[tuple[str, int], int] | None = None,
    ) -> None:
        """The entries (numbered through ``through`` after ``offsets``, none when None),
        then their lines."""
        session = self.session
        parameters = self.parameters | {
            "first": IdReserver(session, JournalEntry.__table__).take(1)[0],
            "through": through,
            "validated_on": validated_on,
            "closure_id": closure_id,
        }
        offset = ["CASE"]
        for index, ((journal, fiscal_year), value) in enumerate((offsets or {}).items()):
            offset.append(
                f"WHEN journal = :journal{index} AND {self.cases['year']} = :year{index} "
                f"THEN :offset{index}"
            )
            parameters |= {
                f"journal{index}": journal,
                f"year{index}": fiscal_year,
                f"offset{index}": value,
            }
        offset.append("ELSE 0 END")
        if not offsets:  # nothing to number (no event in the closed months, or no closing)
            offset = ["0"]
        typed = "CAST({} AS {})" if self.postgresql else "{}"
        entries = text(
            ENTRIES.format(
                offset=" ".join(offset),
                validated_on=typed.format(":validated_on", "DATE"),
                closure_id=typed.format(":closure_id", "INTEGER"),
                through=typed.format(":through", "DATE"),
                **self.cases,
            )
        ).bindparams(
            bindparam("posted_at", type_=JournalEntry.__table__.c.posted_at.type),
            bindparam("through", type_=Date),
            bindparam("validated_on", type_=Date),
        )
        connection = session.connection()
        self.count = connection.execute(entries, _used(entries, parameters)).rowcount
        lines = text(LINES.format(**self.cases))
        connection.execute(lines, _used(lines, parameters))
        if self.postgresql and self.count:
            connection.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('journal_entries', 'id'), "
                    "(SELECT max(id) FROM journal_entries))"
                )
            )
        mark_touched(session, "journal_entries")


def _used(statement: object, parameters: dict[str, object]) -> dict[str, object]:
    names = statement.compile().params  # type: ignore[attr-defined]
    return {name: parameters[name] for name in names}


def _as_generated(session: Session) -> bool:
    """Whether the events are only what the demo writes, in the shapes the statements
    below reproduce exactly (anything else: the catch-up, which knows every case)."""
    if session.scalar(select(exists().where(JournalEntry.id.is_not(None)))):
        return False
    if session.scalar(select(exists().where(CreditNote.id.is_not(None)))):
        return False
    if session.scalar(select(exists().where(WriteOff.id.is_not(None)))):
        return False
    odd_payments = or_(
        Payment.reversed_on.is_not(None),
        Payment.collection_id.is_not(None),
        Payment.amount_cents <= 0,
    )
    if session.scalar(select(exists().where(odd_payments))):
        return False
    odd_invoices = or_(  # every line the builder writes, none negative, balanced
        Invoice.total_ttc_cents <= 0,
        Invoice.discount_cents < 0,
        Invoice.total_ht_cents < 0,
        Invoice.vat_cents < 0,
        Invoice.total_ttc_cents + Invoice.discount_cents
        != Invoice.total_ht_cents + Invoice.vat_cents,
    )
    if session.scalar(select(exists().where(odd_invoices))):
        return False
    early = (  # a payment replayed before its invoice: the catch-up reads the rows as now
        select(PaymentAllocation.payment_id)
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .join(Instalment, Instalment.id == PaymentAllocation.instalment_id)
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .where(or_(Payment.received_on < Invoice.issued_on, PaymentAllocation.amount_cents <= 0))
    )
    if session.scalar(select(early.exists())):
        return False
    return _plain_texts(session)


def _plain_texts(session: Session) -> bool:
    """Labels the statements can join without clipping: single-spaced words, nothing
    longer than the builders keep (whole labels are cut to their length in SQL)."""
    for value in session.scalars(select(Invoice.number).distinct()):
        if not value or clip(value, PIECE_LENGTH) != value:
            return False
    for column in (Invoice.billing_name, Member.legal_name):
        for value in session.scalars(select(column).distinct()):
            if not value or clip(value, LABEL_LENGTH) != value:
                return False
    for value in session.scalars(select(Payment.reference).distinct()):
        if value and clip(value, LABEL_LENGTH) != value:
            return False
    return True


# The entries, with ids in the catch-up's order (day, then invoices before payments, then
# id), with the builders' journals, pieces and labels; those dated through the closed
# month numbered as the closing numbers its drafts (per journal and fiscal year, after the
# counter's offset, in date order then id), with its day and id.
ENTRIES = """
INSERT INTO journal_entries (id, journal, journal_label, fiscal_year, entry_date, piece_ref,
                             piece_date, label, source, source_id, member_id, posted_at,
                             sequence, validated_on, closure_id)
SELECT :first - 1 + row_number() OVER (ORDER BY day, ord, key), journal, journal_label,
       {year}, day, piece_ref, day, substr(label, 1, 200), source, key, member_id, :posted_at,
       CASE WHEN day <= {through} THEN {offset} + row_number() OVER (
           PARTITION BY journal, {year} ORDER BY day, ord, key) END,
       CASE WHEN day <= {through} THEN {validated_on} END,
       CASE WHEN day <= {through} THEN {closure_id} END
FROM (
    SELECT v.issued_on AS day, 0 AS ord, v.id AS key,
           CAST(:sales_code AS VARCHAR(10)) AS journal,
           CAST(:sales_label AS VARCHAR(100)) AS journal_label,
           v.number AS piece_ref,
           'Facture ' || v.number || ' ' || v.billing_name AS label,
           CAST('invoice' AS VARCHAR(20)) AS source, v.member_id AS member_id
    FROM invoices v
    UNION ALL
    SELECT p.received_on, 2, p.id, CAST(:bank_code AS VARCHAR(10)),
           CAST(:bank_label AS VARCHAR(100)), 'REG-' || CAST(p.id AS VARCHAR(20)),
           'Règlement ' || (CASE p.method {method_word} END)
           || (CASE WHEN p.reference IS NULL OR p.reference = '' THEN ''
                    ELSE ' ' || p.reference END)
           || ' ' || m.legal_name,
           CAST('payment' AS VARCHAR(20)), p.member_id
    FROM payments p JOIN members m ON m.id = p.member_id
) AS events
ORDER BY 1
"""

# How many entries of each journal and year the closing numbers (as its drafts would be).
GROUPS = """
SELECT journal, {year} AS fiscal_year, count(*)
FROM (
    SELECT CAST(:sales_code AS VARCHAR(10)) AS journal, issued_on AS day FROM invoices
    UNION ALL
    SELECT CAST(:bank_code AS VARCHAR(10)), received_on FROM payments
) AS events
WHERE day <= :through
GROUP BY journal, {year}
ORDER BY journal, {year}
"""

# The lines. What a payment moves from pending VAT to collected VAT, per invoice, in the
# order the catch-up replays the payments (day, id): the proportional share rounded half
# up, or all that is left once the invoice is paid, never more than is pending — that is,
# the running total of those shares capped at the invoice's VAT, less the previous one.
LINES = """
WITH allocated AS (
    SELECT a.payment_id, i.invoice_id, CAST(sum(a.amount_cents) AS BIGINT) AS share
    FROM payment_allocations a JOIN instalments i ON i.id = a.instalment_id
    GROUP BY a.payment_id, i.invoice_id
), paid AS (
    SELECT al.payment_id, al.invoice_id, al.share, v.vat_cents AS vat,
           v.total_ttc_cents AS ttc, v.vat_rate_bp AS rate, p.received_on,
           CAST(sum(al.share) OVER (PARTITION BY al.invoice_id ORDER BY p.received_on, p.id
                                    ROWS UNBOUNDED PRECEDING) AS BIGINT) AS paid
    FROM allocated al
    JOIN payments p ON p.id = al.payment_id
    JOIN invoices v ON v.id = al.invoice_id
), shares AS (
    SELECT payment_id, invoice_id, share, vat, rate, received_on,
           CASE WHEN vat <= 0 OR ttc <= 0 THEN 0
                WHEN paid >= ttc THEN share
                ELSE (2 * share * vat + ttc) / (2 * ttc) END AS part
    FROM paid
), running AS (
    SELECT payment_id, invoice_id, share, vat, rate, part,
           CAST(sum(part) OVER (PARTITION BY invoice_id ORDER BY received_on, payment_id
                                ROWS UNBOUNDED PRECEDING) AS BIGINT) AS total
    FROM shares
), settled AS (
    SELECT payment_id, invoice_id, share, rate,
           (CASE WHEN total < vat THEN total ELSE vat END)
           - (CASE WHEN total - part < vat THEN total - part ELSE vat END) AS moved
    FROM running
), moving AS (  -- a payment's settlements that move VAT, in the order of their invoices
    SELECT payment_id, invoice_id, share, rate, moved,
           2 * row_number() OVER (PARTITION BY payment_id ORDER BY invoice_id) + 1 AS position
    FROM settled WHERE moved <> 0
), lines AS (  -- the builders' lines, zero amounts left out (positions close up)
    SELECT CAST('invoice' AS VARCHAR(20)) AS source, v.id AS source_id, 1 AS position,
           CAST('customer' AS VARCHAR(20)) AS kind,
           CAST(:customers_number AS VARCHAR(20)) AS account,
           CAST(:customers_label AS VARCHAR(100)) AS account_label,
           v.member_id AS member_id, v.total_ttc_cents AS debit, 0 AS credit,
           v.id AS invoice_id, CAST(NULL AS INTEGER) AS rate, CAST(NULL AS BIGINT) AS base
    FROM invoices v
    UNION ALL
    SELECT 'invoice', v.id, 2, 'discount', :discount_number, :discount_label, NULL,
           v.discount_cents, 0, NULL, NULL, NULL
    FROM invoices v WHERE v.discount_cents <> 0
    UNION ALL
    SELECT 'invoice', v.id, CASE WHEN v.discount_cents <> 0 THEN 3 ELSE 2 END, 'sales',
           CASE v.kind {sales_number} END, CASE v.kind {sales_label} END, NULL,
           0, v.total_ht_cents, NULL, NULL, NULL
    FROM invoices v WHERE v.total_ht_cents <> 0
    UNION ALL
    SELECT 'invoice', v.id,
           2 + (CASE WHEN v.discount_cents <> 0 THEN 1 ELSE 0 END)
             + (CASE WHEN v.total_ht_cents <> 0 THEN 1 ELSE 0 END),
           'vat_pending', :vat_pending_number, :vat_pending_label, NULL, 0, v.vat_cents,
           v.id, v.vat_rate_bp, v.total_ht_cents - v.discount_cents
    FROM invoices v WHERE v.vat_cents <> 0
    UNION ALL
    SELECT 'payment', p.id, 1,
           CASE WHEN p.method = 'direct_debit' THEN 'bank' ELSE 'receipt' END,
           CASE WHEN p.method = 'direct_debit' THEN :bank_number
                ELSE CASE p.method {receipt_number} END END,
           CASE WHEN p.method = 'direct_debit' THEN :bank_label
                ELSE CASE p.method {receipt_label} END END,
           NULL, p.amount_cents, 0, NULL, NULL, NULL
    FROM payments p
    UNION ALL
    SELECT 'payment', p.id, 2, 'customer', :customers_number, :customers_label,
           p.member_id, 0, p.amount_cents, NULL, NULL, NULL
    FROM payments p
    UNION ALL
    SELECT 'payment', s.payment_id, s.position, 'vat_pending', :vat_pending_number,
           :vat_pending_label, NULL, s.moved, 0, s.invoice_id, s.rate, s.share - s.moved
    FROM moving s
    UNION ALL
    SELECT 'payment', s.payment_id, s.position + 1, 'vat_collected', :vat_collected_number,
           :vat_collected_label, NULL, 0, s.moved, s.invoice_id, s.rate, s.share - s.moved
    FROM moving s
)
INSERT INTO journal_lines (entry_id, position, kind, account, account_label, member_id, label,
                           debit_cents, credit_cents, invoice_id, vat_rate_bp, vat_base_cents)
SELECT e.id, l.position, l.kind, l.account, l.account_label, l.member_id, NULL, l.debit,
       l.credit, l.invoice_id, l.rate, l.base
FROM lines l JOIN journal_entries e ON e.source = l.source AND e.source_id = l.source_id
ORDER BY e.id, l.position
"""
