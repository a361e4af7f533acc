"""The account console on 50,000 portal accounts: opening it (every matching id sorted by
name, and the first page of rows), the locked filter, a search as you type, a sort by last
login, a page further down, and one account's detail — each beside the same SQL run with
the raw driver (sqlite3 / psycopg cursors, no ORM, no dataclasses).

The database (50,000 members with their accounts, 100 firms acting for 20 members each,
300 locked accounts with their failed attempts) is generated once into bench/out.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert

from backoffice import clock, passwords
from backoffice.db import Database
from backoffice.models import (
    AccountingFirm,
    FirmAccess,
    LoginAttempt,
    Member,
    PortalAccount,
    Role,
)
from backoffice.models.members import member_search_text
from backoffice.services.accounts import queries
from backoffice.services.accounts.queries import AccountFilter, AccountQuery
from backoffice.services.permissions import Actor
from bench.common import OUT, Context, Result, fresh_database, median_of, pg_database_exists, pg_url

ACCOUNTS = 50_000
FIRMS = 100
LOCKED = 300
RUNS = 7
ACTOR = Actor(staff_id=0, login="bench", full_name="Bench", role=Role.ADMINISTRATOR)
TRADES = ("GARAGE", "BOULANGERIE", "MENUISERIE", "PHARMACIE", "TRANSPORTS", "CAFÉ", "HÔTEL")
NAMES = ("MÜLLER", "WEBER", "MEYER", "SCHMITT", "ROTH", "KLEIN", "WAGNER", "FISCHER", "BAUER")
TOWNS = (
    ("68100", "Mulhouse"),
    ("68000", "Colmar"),
    ("67000", "Strasbourg"),
    ("88100", "Saint-Dié"),
)


def database_for(backend: str) -> Database:
    label = f"bench_accounts_{ACCOUNTS}"
    if backend == "sqlite":
        path = OUT / f"{label}.sqlite3"
        if path.exists():
            return Database(f"sqlite:///{path}")
    elif pg_database_exists(label):
        return Database(pg_url(label))
    print(f"  generating {ACCOUNTS} portal accounts ({backend})...", flush=True)
    database = fresh_database(backend, label)
    populate(database)
    with database.engine.connect() as connection:  # statistics, as autovacuum would gather
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    return database


def populate(database: Database) -> None:
    rng = random.Random(7)
    now = clock.now()
    password_hash = passwords.hash_password("bench", light=True)
    with database.transaction() as session:
        for chunk in chunks(member_rows(rng), 5000):
            session.execute(insert(Member), chunk)
        session.execute(insert(PortalAccount), list(account_rows(rng, password_hash, now)))
        session.execute(insert(AccountingFirm), [firm_row(n) for n in range(1, FIRMS + 1)])
        session.execute(
            insert(PortalAccount),
            [
                {"login": f"CAB{n:04d}", "kind": "firm", "firm_id": n, "password_hash": None}
                for n in range(1, FIRMS + 1)
            ],
        )
        session.execute(
            insert(FirmAccess),
            [
                {
                    "firm_id": firm,
                    "member_id": rng.randint(1, ACCOUNTS),
                    "consent_on": date(2024, 1, 1) + timedelta(days=rng.randint(0, 600)),
                    "granted_at": now,
                }
                for firm in range(1, FIRMS + 1)
                for _ in range(20)
            ],
        )
        session.execute(
            insert(LoginAttempt),
            [
                {
                    "account_id": account_id,
                    "attempted_at": now - timedelta(minutes=2 * attempt + 5),
                    "succeeded": False,
                    "source_address": "203.0.113.9",
                }
                for account_id in range(1, LOCKED + 1)
                for attempt in range(5)
            ],
        )


def chunks(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def member_rows(rng: random.Random) -> Iterator[dict[str, Any]]:
    for number in range(1, ACCOUNTS + 1):
        code = str(300000 + number)
        name = f"{rng.choice(TRADES)} {rng.choice(NAMES)} {number}"
        postcode, city = rng.choice(TOWNS)
        yield {
            "member_code": code,
            "legal_name": name,
            "siret": "73282932000074",
            "status": "active",
            "joined_on": date(2010, 1, 1) + timedelta(days=number % 5000),
            "address_line1": f"{number % 90 + 1} rue des Vosges",
            "postcode": postcode,
            "city": city,
            "search_text": member_search_text(code, name, None, "73282932000074", postcode, city),
        }


def account_rows(rng: random.Random, password_hash: str, now: Any) -> Iterator[dict[str, Any]]:
    for number in range(1, ACCOUNTS + 1):
        locked = number <= LOCKED
        used = rng.random() < 0.8
        yield {
            "login": str(300000 + number),
            "kind": "member",
            "member_id": number,
            "password_hash": password_hash,
            "must_change_password": not used,
            "recovery_email": f"contact{number}@exemple.fr" if used else None,
            "last_login_at": now - timedelta(hours=rng.randint(1, 5000)) if used else None,
            "failed_attempt_count": 5 if locked else 0,
            "locked_at": now - timedelta(minutes=5) if locked else None,
            "lock_reason": "5 échecs de connexion en moins de 30 minutes" if locked else None,
        }


def firm_row(number: int) -> dict[str, Any]:
    return {
        "code": f"CAB{number:04d}",
        "name": f"Cabinet {NAMES[number % len(NAMES)].title()} Expertise {number}",
        "address_line1": "1 place de la Réunion",
        "postcode": "68100",
        "city": "Mulhouse",
    }


# -- the raw driver's version of the same work ----------------------------------------------

FROM = (
    " FROM portal_accounts pa LEFT JOIN members m ON pa.member_id = m.id"
    " LEFT JOIN accounting_firms f ON pa.firm_id = f.id"
)
ROWS = (
    "SELECT pa.id, pa.version, pa.login, pa.kind, pa.member_id, pa.firm_id, pa.last_login_at,"
    " pa.failed_attempt_count, pa.locked_at, pa.lock_reason, pa.must_change_password,"
    " pa.password_hash, pa.temporary_password_expires_at, pa.recovery_email, pa.is_active,"
    " m.legal_name, m.status, f.name" + FROM + " WHERE pa.id IN ({marks})"
)
ACTING = (
    "SELECT fa.firm_id, fa.member_id, f.code, m.member_code FROM firm_member_access fa"
    " JOIN accounting_firms f ON fa.firm_id = f.id JOIN members m ON fa.member_id = m.id"
    " WHERE fa.revoked_at IS NULL AND (fa.firm_id IN ({marks}) OR fa.member_id IN ({marks}))"
)


def raw_search(database: Database, where: str, order: str, parameters: tuple = ()) -> Callable:
    mark = "%s" if database.is_postgresql else "?"

    def work() -> None:
        connection = database.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(
                f"SELECT pa.id{FROM} WHERE {where} ORDER BY {order}".replace("?", mark),
                parameters,
            )
            ids = [row[0] for row in cursor.fetchall()]
            page = ids[:200] or [0]
            marks = ", ".join([mark] * len(page))
            cursor.execute(ROWS.format(marks=marks), page)
            cursor.fetchall()
            cursor.execute(ACTING.format(marks=marks), page + page)
            cursor.fetchall()
        finally:
            connection.close()

    return work


def ours(database: Database, query: AccountQuery) -> Callable:
    def work() -> None:
        with database.session() as session:
            queries.search_accounts(session, ACTOR, query)

    return work


def run(context: Context) -> None:
    by_name = "lower(coalesce(m.legal_name, f.name)), pa.id"
    word = (
        "(m.search_text LIKE ? OR lower(pa.login) LIKE ? OR lower(pa.recovery_email) LIKE ?"
        " OR lower(f.name) LIKE ?)"
    )
    cases = [
        ("open the console (all, by name)", AccountQuery(), "1 = 1", by_name, ()),
        (
            "locked filter",
            AccountQuery(filter=AccountFilter.LOCKED),
            "pa.locked_at IS NOT NULL",
            by_name,
            (),
        ),
        (
            "search 'garage weber'",
            AccountQuery(text="garage weber"),
            f"{word} AND {word}",
            by_name,
            ("%garage%",) * 4 + ("%weber%",) * 4,
        ),
        (
            "sort by last login, newest first",
            AccountQuery(sort="last_login_at", descending=True),
            "1 = 1",
            "pa.last_login_at DESC NULLS LAST, pa.id DESC",
            (),
        ),
    ]
    for backend in context.backends:
        database = database_for(backend)
        for label, query, where, order, parameters in cases:
            context.add(
                Result(
                    f"accounts: {label}",
                    backend,
                    median_of(RUNS, ours(database, query)),
                    median_of(RUNS, raw_search(database, where, order, parameters)),
                    "raw driver, same SQL",
                    "< 250 ms",
                    f"{ACCOUNTS} accounts",
                )
            )
        context.add(detail_result(database, backend))
        database.dispose()


def detail_result(database: Database, backend: str) -> Result:
    mark = "%s" if database.is_postgresql else "?"

    def mine() -> None:
        with database.session() as session:
            queries.account_detail(session, ACTOR, 1)

    def raw() -> None:
        connection = database.engine.raw_connection()
        try:
            cursor = connection.cursor()
            for statement, parameters in (
                (f"SELECT * FROM portal_accounts WHERE id = {mark}", (1,)),
                (ROWS.format(marks=mark), (1,)),
                (ACTING.format(marks=mark), (1, 1)),
                (
                    "SELECT * FROM portal_login_attempts WHERE account_id = "
                    f"{mark} ORDER BY attempted_at DESC, id DESC LIMIT 200",
                    (1,),
                ),
                (
                    "SELECT fa.*, f.*, m.*, g.full_name, r.full_name FROM firm_member_access fa"
                    " JOIN accounting_firms f ON fa.firm_id = f.id"
                    " JOIN members m ON fa.member_id = m.id"
                    " LEFT JOIN staff_users g ON fa.granted_by_id = g.id"
                    " LEFT JOIN staff_users r ON fa.revoked_by_id = r.id"
                    f" WHERE fa.member_id = {mark}",
                    (1,),
                ),
                (
                    "SELECT a.*, s.full_name FROM audit_events a"
                    " LEFT JOIN staff_users s ON a.staff_id = s.id"
                    " WHERE (a.entity_type = 'portal_account' AND a.entity_id = "
                    f"{mark}) OR (a.entity_type = 'accounting_firm' AND a.member_id = {mark})"
                    " ORDER BY a.occurred_at DESC, a.id DESC LIMIT 200",
                    (1, 1),
                ),
            ):
                cursor.execute(statement, parameters)
                cursor.fetchall()
        finally:
            connection.close()

    return Result(
        "accounts: one locked account's detail",
        backend,
        median_of(RUNS, mine),
        median_of(RUNS, raw),
        "raw driver, same reads",
        "< 100 ms",
    )
