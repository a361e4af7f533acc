"""the service's identity: its bank accounts, the creditor in the identity

The ``service.identity`` setting becomes structured (legal and trade names, head-office
address apart, billing and portal contacts, the SEPA creditor identifier); the creditor's
account, from the former ``sepa.creditor`` setting, becomes the first row of
``service_bank_accounts``.

Revision ID: 13
Revises: 15
Create Date: 2026-12-04
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "13"
down_revision = "15"
branch_labels = None
depends_on = None

SETTINGS = sa.table(
    "settings",
    sa.column("key", sa.String),
    sa.column("value", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
ACCOUNTS = sa.table(
    "service_bank_accounts",
    sa.column("label", sa.String),
    sa.column("iban", sa.String),
    sa.column("bic", sa.String),
    sa.column("for_invoices", sa.Boolean),
    sa.column("for_direct_debits", sa.Boolean),
    sa.column("position", sa.Integer),
)


def upgrade() -> None:
    op.create_table(
        "service_bank_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=False),
        sa.Column("bic", sa.String(length=11), nullable=False),
        sa.Column("bank_name", sa.String(length=120), nullable=True),
        sa.Column("for_invoices", sa.Boolean(), nullable=False),
        sa.Column("for_direct_debits", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_bank_accounts")),
        info={
            "writer": "backoffice",
            "doc": "The service's own bank accounts (IBAN/BIC), and their uses.",
        },
    )
    with op.batch_alter_table("service_bank_accounts", schema=None) as batch_op:
        batch_op.create_index(
            "uq_service_bank_accounts_open_iban",
            ["iban"],
            unique=True,
            sqlite_where=sa.text("retired_at IS NULL"),
            postgresql_where=sa.text("retired_at IS NULL"),
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER service_bank_accounts_notify_change AFTER INSERT OR UPDATE OR "
            "DELETE ON service_bank_accounts FOR EACH STATEMENT "
            "EXECUTE FUNCTION backoffice_notify_change()"
        )
    _merge_identity_settings()


def _setting(key: str) -> Any:
    return (
        op.get_bind()
        .execute(sa.select(SETTINGS.c.value).where(SETTINGS.c.key == key))
        .scalar_one_or_none()
    )


def _merge_identity_settings() -> None:
    """The flat identity and the creditor, where a database had them, as the new shape."""
    old, creditor = _setting("service.identity"), _setting("sepa.creditor")
    if old is None and creditor is None:
        return
    old, creditor = old or {}, creditor or {}
    website = str(old.get("website") or "")
    identity = {
        "legal_name": old.get("name") or creditor.get("name") or "",
        "trade_name": "",
        "legal_form": "",
        "siret": old.get("siret", ""),
        "vat_number": old.get("vat_number", ""),
        "address": {
            "line1": old.get("address_line1") or creditor.get("street") or "",
            "line2": old.get("address_line2", ""),
            "postcode": old.get("postcode") or creditor.get("postcode") or "",
            "city": old.get("city") or creditor.get("town") or "",
            "country_code": creditor.get("country") or "FR",
        },
        "phone": old.get("phone", ""),
        "email": old.get("email", ""),
        "billing_phone": "",
        "billing_email": "",
        "assistance_phone": old.get("assistance_phone", ""),
        "assistance_email": old.get("assistance_email", ""),
        "website": f"https://{website}" if website and "://" not in website else website,
        "portal_url": old.get("portal_url", ""),
        "creditor_id": creditor.get("creditor_id", ""),
    }
    bind = op.get_bind()
    bind.execute(
        sa.delete(SETTINGS).where(SETTINGS.c.key.in_(["service.identity", "sepa.creditor"]))
    )
    bind.execute(
        sa.insert(SETTINGS).values(
            key="service.identity", value=identity, updated_at=sa.func.current_timestamp()
        )
    )
    if creditor.get("iban"):
        bind.execute(
            sa.insert(ACCOUNTS).values(
                label="Compte principal",
                iban=str(creditor["iban"]).replace(" ", "").upper(),
                bic=str(creditor.get("bic") or "").replace(" ", "").upper(),
                for_invoices=True,
                for_direct_debits=True,
                position=0,
            )
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP TRIGGER IF EXISTS service_bank_accounts_notify_change ON service_bank_accounts"
        )
    with op.batch_alter_table("service_bank_accounts", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_service_bank_accounts_open_iban",
            sqlite_where=sa.text("retired_at IS NULL"),
            postgresql_where=sa.text("retired_at IS NULL"),
        )
    op.drop_table("service_bank_accounts")
