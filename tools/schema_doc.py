"""Write ``docs/schema.md``, the database contract with the members' portal, from the models.

    python tools/schema_doc.py          # rewrite docs/schema.md
    python tools/schema_doc.py --check  # exit 1 when docs/schema.md is out of date

A test runs the check, so the document always matches the models (which a test keeps
equal to the migrations).
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import CheckConstraint, Column, Table, UniqueConstraint

import backoffice.models  # noqa: F401 - registers every table
from backoffice.models.base import Base
from backoffice.models.change_requests import SITUATIONS, SUBMITTABLE_FIELDS
from backoffice.models.members import PORTAL_EDITABLE_MEMBER_FIELDS
from backoffice.services.settings import KEYS

TARGET = Path(__file__).resolve().parent.parent / "docs" / "schema.md"

INTRODUCTION = """\
# Database schema — the contract with the members' portal

*Generated from the models by `python tools/schema_doc.py`; do not edit by hand.*

The back-office and the members' portal share one database (PostgreSQL in production,
SQLite for a single workstation and the tests). Alembic migrations
(`backoffice/migrations/`) create and evolve it: run `backoffice db upgrade`.

## Conventions every writer follows

- **Money** is stored in integer cents, in columns ending in `_cents`; never a float.
  Rates are in basis points (`_bp`: `2000` = 20 %, `150` = 1.5 %).
- **Instants** are UTC (`timestamptz` on PostgreSQL); business dates (`_on`) are dates of
  the service's time zone, Europe/Paris.
- **Optimistic locking**: a table with a `version` column is updated with
  `SET version = version + 1 ... WHERE id = :id AND version = :seen`; an update that
  matches no row lost a race and must re-read. The portal follows the same rule.
- **Enumerations** are lower-case strings restricted by a CHECK constraint.
- **Who writes what**: each table says its writer — `portal`, `backoffice` or `both`;
  a column that differs from its table says so. The portal never writes a `backoffice`
  column; staff act on portal data only through the review screens.
- **Passwords** of portal accounts (`portal_accounts.password_hash`) are Argon2id hashes in
  PHC string format, `$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>` (RFC 9106: 64 MiB,
  3 passes, 4 lanes, 16-byte salt, 32-byte hash, both unpadded base64); the string carries
  its parameters, so any Argon2 library verifies it (argon2-cffi:
  `PasswordHasher().verify(hash, password)`; PHP: `password_verify`). `NULL` means no
  access was sent yet: no password opens the account. A temporary password sent by letter
  (12 characters drawn with a CSPRNG from an alphabet without look-alikes) sets
  `must_change_password` and `temporary_password_expires_at` (the end of its last valid day,
  `portal.temporary_password_days` after the letter); past that instant the portal refuses
  it. The portal's first-login form (a new password of 6 characters or more, and a recovery
  email) clears both and sets `recovery_email`. No password is ever stored or logged in
  clear, by either program.
- **Account locking**: the portal records every attempt in `portal_login_attempts`. On a
  failure it increments `failed_attempt_count` **atomically, in the database**:
  `UPDATE portal_accounts SET failed_attempt_count = failed_attempt_count + 1 WHERE id = :id
  RETURNING failed_attempt_count` — never a value it read before (concurrent attempts
  would then count once) and never through an optimistic `version` check (they would fail
  instead of counting); the lock rule below applies to the number returned. Login
  bookkeeping (`failed_attempt_count`, `last_login_at`, the lock) leaves `version`
  unchanged, so that a colleague's open form on the account is not made stale by it; the
  lock is set with `... SET locked_at = :now, lock_reason = ... WHERE id = :id AND
  locked_at IS NULL`, so that one attempt sets it. It locks the account (`locked_at`,
  `lock_reason`) when the last `max_failures` failures *since the counter was reset* all
  fall within `window_minutes` (the `portal.lock_rule` setting below), i.e. when
  `failed_attempt_count >= max_failures` and the `max_failures`-th most recent failed
  attempt is later than now minus the window. A successful login resets the counter to 0;
  so do the back-office's unblock ("Débloquer", which also clears `locked_at` and
  `lock_reason`) and a new access letter: failures from before an unblock never count
  again. A locked account refuses every password, the right one included, and each try is
  still recorded. Only the back-office clears a lock.
- **Staff logins** (`staff_users`, back-office only) follow the same rule: each attempt is
  first counted by `UPDATE staff_users SET failed_login_count = failed_login_count + 1
  ... RETURNING failed_login_count`, the slow-down applies to that number before the
  password is checked, and a right password resets it.
- **Change requests**: the portal never edits `members` or `employees`: it inserts a
  `change_requests` row (status `pending`) and one `change_request_fields` row per field,
  with the value it displayed (`shown_value`) and the value typed (`submitted_value`), as
  text (dates `YYYY-MM-DD`, lists comma-separated). The fields it may submit are listed
  below. Staff decide per field; approved fields take effect on `effective_on`.
- **Live refresh**: on PostgreSQL, every statement on a watched table sends
  `NOTIFY backoffice_changes, '<table>'` (a trigger does it; writers need do nothing).
"""


def writer_of(item: Column | Table, default: str = "") -> str:
    return str(item.info.get("writer", default))


def constraint_lines(table: Table) -> list[str]:
    lines = []
    for constraint in sorted(table.constraints, key=lambda c: str(c.name)):
        if isinstance(constraint, CheckConstraint):
            lines.append(f"- check `{constraint.name}`: `{constraint.sqltext}`")
        elif isinstance(constraint, UniqueConstraint):
            columns = ", ".join(column.name for column in constraint.columns)
            lines.append(f"- unique ({columns})")
    for index in sorted(table.indexes, key=lambda i: str(i.name)):
        if index.unique:
            where = index.dialect_options["postgresql"].get("where")
            columns = ", ".join(column.name for column in index.columns)
            condition = f" where `{where}`" if where is not None else ""
            lines.append(f"- unique ({columns}){condition}")
    return lines


def column_type(column: Column) -> str:
    try:
        rendered = str(column.type.compile())
    except Exception:  # a dialect-specific type (JSON variant): name it plainly
        rendered = type(column.type).__name__.upper()
    return rendered.replace("VARCHAR", "varchar").replace("INTEGER", "integer")


def note_of(table: Table, column: Column) -> str:
    note = str(column.info.get("note", ""))
    if table.name == "members" and not column.primary_key and column.name != "version":
        portal = (
            "editable on the portal, through a change request"
            if column.name in PORTAL_EDITABLE_MEMBER_FIELDS
            else "greyed on the portal"
        )
        note = f"{note}; {portal}" if note else portal
    return note


def table_section(table: Table) -> str:
    table_writer = writer_of(table)
    out = [
        f"### `{table.name}`",
        "",
        f"{table.info.get('doc', '')} Written by: **{table_writer}**.",
        "",
        "| column | type | null | references | written by | note |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for column in table.columns:
        references = ", ".join(f"`{fk.target_fullname}`" for fk in column.foreign_keys)
        writer = writer_of(column, table_writer)
        shown = writer if writer != table_writer else ""
        key = " (key)" if column.primary_key else ""
        out.append(
            f"| `{column.name}`{key} | {column_type(column)} | {'yes' if column.nullable else ''}"
            f" | {references} | {shown} | {note_of(table, column)} |"
        )
    constraints = constraint_lines(table)
    if constraints:
        out += ["", *constraints]
    return "\n".join(out) + "\n"


def render() -> str:
    parts = [
        INTRODUCTION,
        "## Settings shared with the portal",
        "",
        "Rows of the `settings` table (key → JSON value); absent keys take the default.",
        "",
        "| key | default | meaning |",
        "| --- | --- | --- |",
    ]
    for key in KEYS.values():
        if key.shared_with_portal:
            parts.append(f"| `{key.key}` | `{key.default}` | {key.description} |")
    parts += [
        "",
        "## Fields the portal may submit in a change request",
        "",
        "| kind | fields |",
        "| --- | --- |",
    ]
    for kind, fields in SUBMITTABLE_FIELDS.items():
        parts.append(f"| `{kind.value}` | {', '.join(f'`{name}`' for name in fields)} |")
    parts += [
        "",
        f"`situation` takes one of: {', '.join(f'`{s}`' for s in SITUATIONS)}; "
        "`risk_factors` is a comma-separated list of `risk_factors.code`.",
        "",
        "## Tables",
        "",
    ]
    for table in sorted(Base.metadata.sorted_tables, key=lambda t: t.name):
        parts.append(table_section(table))
    return "\n".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print("docs/schema.md is out of date: run python tools/schema_doc.py")
            return 1
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
