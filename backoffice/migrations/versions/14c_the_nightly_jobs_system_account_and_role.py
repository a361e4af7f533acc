"""the nightly jobs' system account and role

The nightly jobs (``changes apply-due``, ``convocations print`` without ``--as``) act as a
staff account of their own, of role ``system`` (apply the changes due, print the
convocations), which cannot log in: its password hash is not a hash.

Revision ID: 14c
Revises: 15b
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "14c"
down_revision = "15b"
branch_labels = None
depends_on = None

ROLES = ("administrative", "billing", "medical_assistant", "administrator", "read_only")
SYSTEM = "system"
SYSTEM_LOGIN = "system"
NOT_A_HASH = "!"  # no password matches it: the account cannot log in

staff_users = sa.table(
    "staff_users",
    sa.column("login", sa.String),
    sa.column("full_name", sa.String),
    sa.column("role", sa.String),
    sa.column("password_hash", sa.String),
    sa.column("is_active", sa.Boolean),
    sa.column("must_change_password", sa.Boolean),
    sa.column("failed_login_count", sa.Integer),
)


def _role_type(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name="staff_role", native_enum=False, create_constraint=True, length=17)


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch_op:
        batch_op.alter_column(
            "role",
            existing_type=_role_type(ROLES),
            type_=_role_type((*ROLES, SYSTEM)),
            existing_nullable=False,
        )
    op.bulk_insert(
        staff_users,
        [
            {
                "login": SYSTEM_LOGIN,
                "full_name": "Système (tâches de nuit)",
                "role": SYSTEM,
                "password_hash": NOT_A_HASH,
                "is_active": True,
                "must_change_password": False,
                "failed_login_count": 0,
            }
        ],
    )


def downgrade() -> None:
    op.execute(staff_users.delete().where(staff_users.c.role == SYSTEM))
    with op.batch_alter_table("staff_users") as batch_op:
        batch_op.alter_column(
            "role",
            existing_type=_role_type((*ROLES, SYSTEM)),
            type_=_role_type(ROLES),
            existing_nullable=False,
        )
