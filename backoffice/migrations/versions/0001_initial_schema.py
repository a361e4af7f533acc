"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

OPEN_INSTALMENT = "superseded_at IS NULL AND amount_cents > paid_cents + credited_cents"

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    on_postgresql = op.get_bind().dialect.name == "postgresql"
    if on_postgresql:
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.create_table(
        "accounting_firms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("contact_name", sa.String(length=120), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("address_line1", sa.String(length=200), nullable=True),
        sa.Column("address_line2", sa.String(length=200), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounting_firms")),
        sa.UniqueConstraint("code", name=op.f("uq_accounting_firms_code")),
    )
    op.create_table(
        "document_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_themes")),
        sa.UniqueConstraint("name", name=op.f("uq_document_themes_name")),
    )
    op.create_table(
        "health_professionals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "doctor",
                "nurse",
                name="professional_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=20), nullable=False),
        sa.Column("first_name", sa.String(length=80), nullable=False),
        sa.Column("last_name", sa.String(length=80), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("secretary_name", sa.String(length=120), nullable=True),
        sa.Column("secretary_phone", sa.String(length=30), nullable=True),
        sa.Column("secretary_email", sa.String(length=254), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_professionals")),
    )
    op.create_table(
        "number_counters",
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "last_number >= 0", name=op.f("ck_number_counters_last_number_positive")
        ),
        sa.PrimaryKeyConstraint("series", name=op.f("pk_number_counters")),
    )
    op.create_table(
        "risk_factors",
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "si", "sia", "sir", name="risk_category", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_risk_factors")),
    )
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=60), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "administrative",
                "billing",
                "medical_assistant",
                "administrator",
                "read_only",
                name="staff_role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("failed_login_count", sa.Integer(), nullable=False),
        sa.Column("last_failed_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.CheckConstraint(
            "failed_login_count >= 0", name=op.f("ck_staff_users_failed_login_count_positive")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("login", name=op.f("uq_staff_users_login")),
    )
    op.create_table(
        "tariffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("price_si_cents", sa.Integer(), nullable=False),
        sa.Column("price_sia_cents", sa.Integer(), nullable=False),
        sa.Column("price_sir_cents", sa.Integer(), nullable=False),
        sa.Column("joining_fee_cents", sa.Integer(), nullable=False),
        sa.Column("minimum_per_member_cents", sa.Integer(), nullable=False),
        sa.Column("no_show_fee_cents", sa.Integer(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.Column("sepa_discount_bp", sa.Integer(), nullable=False),
        sa.Column("national_average_cost_cents", sa.Integer(), nullable=False),
        sa.Column("minimum_instalment_cents", sa.Integer(), nullable=False),
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
        sa.CheckConstraint(
            "price_si_cents >= 0 AND price_sia_cents >= 0 AND price_sir_cents >= 0 AND joining_fee_cents >= 0 AND minimum_per_member_cents >= 0 AND no_show_fee_cents >= 0 AND minimum_instalment_cents >= 0 AND national_average_cost_cents >= 0",
            name=op.f("ck_tariffs_amounts_positive"),
        ),
        sa.CheckConstraint(
            "sepa_discount_bp BETWEEN 0 AND 10000", name=op.f("ck_tariffs_sepa_discount_range")
        ),
        sa.CheckConstraint(
            "vat_rate_bp BETWEEN 0 AND 10000", name=op.f("ck_tariffs_vat_rate_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tariffs")),
        sa.UniqueConstraint("year", name=op.f("uq_tariffs_year")),
    )
    op.create_table(
        "visit_centres",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("address_line1", sa.String(length=200), nullable=False),
        sa.Column("address_line2", sa.String(length=200), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("access_notes", sa.String(length=500), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_centres")),
        sa.UniqueConstraint("code", name=op.f("uq_visit_centres_code")),
    )
    op.create_table(
        "visit_types",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("is_hiring_visit", sa.Boolean(), nullable=False),
        sa.Column("by_doctor_only", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("duration_minutes > 0", name=op.f("ck_visit_types_duration_positive")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_visit_types")),
    )
    op.create_table(
        "agenda_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_agenda_blocks_starts_before_end")),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["visit_centres.id"],
            name=op.f("fk_agenda_blocks_centre_id_visit_centres"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_users.id"],
            name=op.f("fk_agenda_blocks_created_by_id_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["health_professionals.id"],
            name=op.f("fk_agenda_blocks_professional_id_health_professionals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_blocks")),
    )
    with op.batch_alter_table("agenda_blocks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_agenda_blocks_professional_start", ["professional_id", "starts_at"], unique=False
        )

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column(
            "before", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("after", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_users.id"], name=op.f("fk_audit_events_staff_id_staff_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_entity", ["entity_type", "entity_id"], unique=False)
        batch_op.create_index(
            "ix_audit_events_member_time", ["member_id", "occurred_at"], unique=False
        )

    op.create_table(
        "billing_campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("invoice_count", sa.Integer(), nullable=False),
        sa.Column("total_ttc_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issued_by_id"],
            ["staff_users.id"],
            name=op.f("fk_billing_campaigns_issued_by_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_campaigns")),
    )
    with op.batch_alter_table("billing_campaigns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_billing_campaigns_year"), ["year"], unique=False)

    op.create_table(
        "centre_opening_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.Time(), nullable=False),
        sa.Column("closes_at", sa.Time(), nullable=False),
        sa.CheckConstraint(
            "opens_at < closes_at", name=op.f("ck_centre_opening_hours_opens_before_closing")
        ),
        sa.CheckConstraint(
            "weekday BETWEEN 0 AND 6", name=op.f("ck_centre_opening_hours_weekday_range")
        ),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["visit_centres.id"],
            name=op.f("fk_centre_opening_hours_centre_id_visit_centres"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centre_opening_hours")),
    )
    op.create_table(
        "consultation_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "slot_minutes > 0", name=op.f("ck_consultation_sessions_slot_minutes_positive")
        ),
        sa.CheckConstraint(
            "starts_at < ends_at", name=op.f("ck_consultation_sessions_starts_before_end")
        ),
        sa.CheckConstraint(
            "weekday BETWEEN 0 AND 6", name=op.f("ck_consultation_sessions_weekday_range")
        ),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["visit_centres.id"],
            name=op.f("fk_consultation_sessions_centre_id_visit_centres"),
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["health_professionals.id"],
            name=op.f("fk_consultation_sessions_professional_id_health_professionals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_sessions")),
        sa.UniqueConstraint(
            "professional_id",
            "weekday",
            "starts_at",
            name=op.f("uq_consultation_sessions_professional_id_weekday_starts_at"),
        ),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_documents_size_positive")),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["document_themes.id"], name=op.f("fk_documents_theme_id_document_themes")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["staff_users.id"],
            name=op.f("fk_documents_uploaded_by_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_code", sa.String(length=20), nullable=False),
        sa.Column("legal_name", sa.String(length=200), nullable=False),
        sa.Column("trade_name", sa.String(length=200), nullable=True),
        sa.Column("siret", sa.String(length=14), nullable=False),
        sa.Column("naf_code", sa.String(length=6), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active", "ceased", name="member_status", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("activity_started_on", sa.Date(), nullable=True),
        sa.Column("ceased_on", sa.Date(), nullable=True),
        sa.Column("has_employees", sa.Boolean(), nullable=False),
        sa.Column("address_line1", sa.String(length=200), nullable=False),
        sa.Column("address_line2", sa.String(length=200), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("contact_name", sa.String(length=120), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("billing_name", sa.String(length=200), nullable=True),
        sa.Column("billing_address_line1", sa.String(length=200), nullable=True),
        sa.Column("billing_address_line2", sa.String(length=200), nullable=True),
        sa.Column("billing_postcode", sa.String(length=10), nullable=True),
        sa.Column("billing_city", sa.String(length=100), nullable=True),
        sa.Column("billing_email", sa.String(length=254), nullable=True),
        sa.Column("convocation_contact_name", sa.String(length=120), nullable=True),
        sa.Column("convocation_address_line1", sa.String(length=200), nullable=True),
        sa.Column("convocation_address_line2", sa.String(length=200), nullable=True),
        sa.Column("convocation_postcode", sa.String(length=10), nullable=True),
        sa.Column("convocation_city", sa.String(length=100), nullable=True),
        sa.Column("convocation_phone", sa.String(length=30), nullable=True),
        sa.Column("convocation_email", sa.String(length=254), nullable=True),
        sa.Column("visit_centre_id", sa.Integer(), nullable=True),
        sa.Column("referent_professional_id", sa.Integer(), nullable=True),
        sa.Column("search_text", sa.String(length=600), nullable=False),
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
        sa.CheckConstraint(
            "status <> 'ceased' OR ceased_on IS NOT NULL", name=op.f("ck_members_ceased_has_date")
        ),
        sa.CheckConstraint("length(siret) = 14", name=op.f("ck_members_siret_length")),
        sa.ForeignKeyConstraint(
            ["referent_professional_id"],
            ["health_professionals.id"],
            name=op.f("fk_members_referent_professional_id_health_professionals"),
        ),
        sa.ForeignKeyConstraint(
            ["visit_centre_id"],
            ["visit_centres.id"],
            name=op.f("fk_members_visit_centre_id_visit_centres"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("member_code", name=op.f("uq_members_member_code")),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index("ix_members_list", ["legal_name", "id", "search_text"], unique=False)
        batch_op.create_index("ix_members_postcode", ["postcode"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_members_referent_professional_id"),
            ["referent_professional_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_members_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_members_visit_centre_id"), ["visit_centre_id"], unique=False
        )

    op.create_table(
        "sepa_collections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=35), nullable=False),
        sa.Column("collection_date", sa.Date(), nullable=False),
        sa.Column("schema", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("transaction_count", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("xml", sa.LargeBinary(), nullable=False),
        sa.Column("resent", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "transaction_count > 0 AND total_cents > 0", name=op.f("ck_sepa_collections_not_empty")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_users.id"],
            name=op.f("fk_sepa_collections_created_by_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sepa_collections")),
        sa.UniqueConstraint("message_id", name=op.f("uq_sepa_collections_message_id")),
    )
    with op.batch_alter_table("sepa_collections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sepa_collections_collection_date"), ["collection_date"], unique=False
        )

    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column(
            "value", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["staff_users.id"],
            name=op.f("fk_settings_updated_by_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "tariff_instalment_dates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tariff_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tariff_id"],
            ["tariffs.id"],
            name=op.f("fk_tariff_instalment_dates_tariff_id_tariffs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tariff_instalment_dates")),
        sa.UniqueConstraint(
            "tariff_id", "position", name=op.f("uq_tariff_instalment_dates_tariff_id_position")
        ),
    )
    op.create_table(
        "employees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("civility", sa.String(length=5), nullable=True),
        sa.Column("last_name", sa.String(length=80), nullable=False),
        sa.Column("first_name", sa.String(length=80), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("pcs_code", sa.String(length=6), nullable=True),
        sa.Column("job_title", sa.String(length=120), nullable=True),
        sa.Column(
            "follow_up_category",
            sa.Enum(
                "si",
                "sia",
                "sir",
                name="follow_up_category",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("hired_on", sa.Date(), nullable=False),
        sa.Column("exited_on", sa.Date(), nullable=True),
        sa.Column("exit_reason", sa.String(length=200), nullable=True),
        sa.Column(
            "origin",
            sa.Enum(
                "portal",
                "backoffice",
                "import",
                name="employee_origin",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("last_visit_on", sa.Date(), nullable=True),
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
        sa.CheckConstraint(
            "exited_on IS NULL OR exited_on >= hired_on", name=op.f("ck_employees_exit_after_hire")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_employees_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employees")),
    )
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.create_index(
            "ix_employees_member_name", ["member_id", "last_name", "first_name"], unique=False
        )

    op.create_table(
        "firm_member_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("consent_on", sa.Date(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoke_reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["accounting_firms.id"],
            name=op.f("fk_firm_member_access_firm_id_accounting_firms"),
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_id"],
            ["staff_users.id"],
            name=op.f("fk_firm_member_access_granted_by_id_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_firm_member_access_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"],
            ["staff_users.id"],
            name=op.f("fk_firm_member_access_revoked_by_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm_member_access")),
    )
    with op.batch_alter_table("firm_member_access", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_firm_member_access_firm_id"), ["firm_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_firm_member_access_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            "uq_firm_member_access_active",
            ["firm_id", "member_id"],
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )

    op.create_table(
        "portal_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=40), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "member", "firm", name="account_kind", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("firm_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("temporary_password_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recovery_email", sa.String(length=254), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_attempt_count", sa.Integer(), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lock_reason", sa.String(length=200), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
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
        sa.CheckConstraint(
            "(kind = 'member' AND member_id IS NOT NULL AND firm_id IS NULL) OR (kind = 'firm' AND firm_id IS NOT NULL AND member_id IS NULL)",
            name=op.f("ck_portal_accounts_owner_matches_kind"),
        ),
        sa.CheckConstraint(
            "failed_attempt_count >= 0", name=op.f("ck_portal_accounts_failed_attempts_positive")
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["accounting_firms.id"],
            name=op.f("fk_portal_accounts_firm_id_accounting_firms"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_portal_accounts_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_accounts")),
        sa.UniqueConstraint("firm_id", name=op.f("uq_portal_accounts_firm_id")),
        sa.UniqueConstraint("login", name=op.f("uq_portal_accounts_login")),
        sa.UniqueConstraint("member_id", name=op.f("uq_portal_accounts_member_id")),
    )
    with op.batch_alter_table("portal_accounts", schema=None) as batch_op:
        batch_op.create_index("ix_portal_accounts_locked", ["locked_at"], unique=False)

    op.create_table(
        "appointment_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "booking",
                "cancellation",
                name="request_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.Column("visit_type_code", sa.String(length=20), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("wished_from", sa.Date(), nullable=True),
        sa.Column("wished_to", sa.Date(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by_account_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "accepted",
                "refused",
                "withdrawn",
                name="request_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("claimed_by_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.CheckConstraint(
            "kind <> 'cancellation' OR appointment_id IS NOT NULL",
            name=op.f("ck_appointment_requests_cancellation_names_appointment"),
        ),
        *(
            []
            if on_postgresql
            else [
                sa.ForeignKeyConstraint(
                    ["appointment_id"],
                    ["appointments.id"],
                    name=op.f("fk_appointment_requests_appointment_id_appointments"),
                )
            ]
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by_id"],
            ["staff_users.id"],
            name=op.f("fk_appointment_requests_claimed_by_id_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["staff_users.id"],
            name=op.f("fk_appointment_requests_decided_by_id_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_appointment_requests_employee_id_employees"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_appointment_requests_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_account_id"],
            ["portal_accounts.id"],
            name=op.f("fk_appointment_requests_submitted_by_account_id_portal_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["visit_type_code"],
            ["visit_types.code"],
            name=op.f("fk_appointment_requests_visit_type_code_visit_types"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_requests")),
    )
    with op.batch_alter_table("appointment_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_appointment_requests_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            "ix_appointment_requests_status_submitted", ["status", "submitted_at"], unique=False
        )

    op.create_table(
        "change_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "company_record",
                "situation",
                "sepa_opt_in",
                "employee_added",
                "employee_exited",
                "employee_updated",
                name="change_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("member_code", sa.String(length=20), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.Column("employee_label", sa.String(length=200), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by_account_id", sa.Integer(), nullable=True),
        sa.Column("member_version_seen", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "partially_approved",
                "rejected",
                "duplicate",
                "withdrawn",
                name="change_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("claimed_by_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["claimed_by_id"],
            ["staff_users.id"],
            name=op.f("fk_change_requests_claimed_by_id_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["change_requests.id"],
            name=op.f("fk_change_requests_duplicate_of_id_change_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_change_requests_employee_id_employees"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_change_requests_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["staff_users.id"],
            name=op.f("fk_change_requests_reviewed_by_id_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_account_id"],
            ["portal_accounts.id"],
            name=op.f("fk_change_requests_submitted_by_account_id_portal_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_requests")),
    )
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_change_requests_due", ["effective_on", "applied_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_change_requests_employee_id"), ["employee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_change_requests_fingerprint"), ["fingerprint"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_change_requests_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            "ix_change_requests_status_submitted", ["status", "submitted_at"], unique=False
        )

    op.create_table(
        "employee_risk_factors",
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("risk_code", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_employee_risk_factors_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["risk_code"],
            ["risk_factors.code"],
            name=op.f("fk_employee_risk_factors_risk_code_risk_factors"),
        ),
        sa.PrimaryKeyConstraint("employee_id", "risk_code", name=op.f("pk_employee_risk_factors")),
    )
    op.create_table(
        "portal_login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("source_address", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["portal_accounts.id"],
            name=op.f("fk_portal_login_attempts_account_id_portal_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_login_attempts")),
    )
    with op.batch_alter_table("portal_login_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_portal_login_attempts_account_time", ["account_id", "attempted_at"], unique=False
        )

    op.create_table(
        "workforce_declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("headcount_si", sa.Integer(), nullable=False),
        sa.Column("headcount_sia", sa.Integer(), nullable=False),
        sa.Column("headcount_sir", sa.Integer(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "portal",
                "staff",
                name="declaration_source",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("declared_by_account_id", sa.Integer(), nullable=True),
        sa.Column("declared_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.CheckConstraint(
            "headcount_si >= 0 AND headcount_sia >= 0 AND headcount_sir >= 0",
            name=op.f("ck_workforce_declarations_headcounts_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["declared_by_account_id"],
            ["portal_accounts.id"],
            name=op.f("fk_workforce_declarations_declared_by_account_id_portal_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["declared_by_staff_id"],
            ["staff_users.id"],
            name=op.f("fk_workforce_declarations_declared_by_staff_id_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_workforce_declarations_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workforce_declarations")),
        sa.UniqueConstraint(
            "member_id", "year", name=op.f("uq_workforce_declarations_member_id_year")
        ),
    )
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("visit_type_code", sa.String(length=20), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "confirmed",
                "cancelled",
                "attended",
                "absent",
                "excused",
                name="appointment_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("booked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("booked_by_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancellation_reason", sa.String(length=300), nullable=True),
        sa.Column("outcome_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome_recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_appointments_starts_before_end")),
        sa.ForeignKeyConstraint(
            ["booked_by_id"],
            ["staff_users.id"],
            name=op.f("fk_appointments_booked_by_id_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["visit_centres.id"],
            name=op.f("fk_appointments_centre_id_visit_centres"),
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_appointments_employee_id_employees")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_appointments_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["outcome_recorded_by_id"],
            ["staff_users.id"],
            name=op.f("fk_appointments_outcome_recorded_by_id_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["health_professionals.id"],
            name=op.f("fk_appointments_professional_id_health_professionals"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["appointment_requests.id"],
            name=op.f("fk_appointments_request_id_appointment_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["visit_type_code"],
            ["visit_types.code"],
            name=op.f("fk_appointments_visit_type_code_visit_types"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
    )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_appointments_centre_start", ["centre_id", "starts_at"], unique=False
        )
        batch_op.create_index(
            "ix_appointments_employee_start", ["employee_id", "starts_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_appointments_member_id"), ["member_id"], unique=False)
        batch_op.create_index(
            "ix_appointments_professional_start", ["professional_id", "starts_at"], unique=False
        )

    op.create_table(
        "change_request_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("field_name", sa.String(length=60), nullable=False),
        sa.Column("shown_value", sa.Text(), nullable=True),
        sa.Column("submitted_value", sa.Text(), nullable=True),
        sa.Column(
            "decision",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                name="field_decision",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("value_at_review", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["change_requests.id"],
            name=op.f("fk_change_request_fields_request_id_change_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_request_fields")),
        sa.UniqueConstraint(
            "request_id", "field_name", name=op.f("uq_change_request_fields_request_id_field_name")
        ),
    )
    op.create_table(
        "sepa_mandates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("rum", sa.String(length=35), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=False),
        sa.Column("bic", sa.String(length=11), nullable=False),
        sa.Column("debtor_name", sa.String(length=140), nullable=False),
        sa.Column("debtor_street", sa.String(length=70), nullable=True),
        sa.Column("debtor_postcode", sa.String(length=16), nullable=True),
        sa.Column("debtor_town", sa.String(length=35), nullable=True),
        sa.Column("debtor_country", sa.String(length=2), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "revoked",
                "lapsed",
                name="mandate_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("first_collected_on", sa.Date(), nullable=True),
        sa.Column("last_collected_on", sa.Date(), nullable=True),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("change_request_id", sa.Integer(), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["change_request_id"],
            ["change_requests.id"],
            name=op.f("fk_sepa_mandates_change_request_id_change_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_users.id"],
            name=op.f("fk_sepa_mandates_created_by_id_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_sepa_mandates_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sepa_mandates")),
        sa.UniqueConstraint("rum", name=op.f("uq_sepa_mandates_rum")),
    )
    with op.batch_alter_table("sepa_mandates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sepa_mandates_member_id"), ["member_id"], unique=False)
        batch_op.create_index(
            "uq_sepa_mandates_active_member",
            ["member_id"],
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )

    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "annual",
                "regularisation",
                "joining_fee",
                "quarterly",
                "no_show",
                name="invoice_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period_label", sa.String(length=60), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("tariff_id", sa.Integer(), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("total_ht_cents", sa.BigInteger(), nullable=False),
        sa.Column("discount_cents", sa.BigInteger(), nullable=False),
        sa.Column("discount_rate_bp", sa.Integer(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.Column("vat_cents", sa.BigInteger(), nullable=False),
        sa.Column("total_ttc_cents", sa.BigInteger(), nullable=False),
        sa.Column("pays_by_direct_debit", sa.Boolean(), nullable=False),
        sa.Column("billing_name", sa.String(length=200), nullable=False),
        sa.Column("billing_address_line1", sa.String(length=200), nullable=False),
        sa.Column("billing_address_line2", sa.String(length=200), nullable=True),
        sa.Column("billing_postcode", sa.String(length=10), nullable=False),
        sa.Column("billing_city", sa.String(length=100), nullable=False),
        sa.CheckConstraint(
            "total_ht_cents >= 0 AND discount_cents >= 0 AND vat_cents >= 0 AND total_ttc_cents >= 0",
            name=op.f("ck_invoices_amounts_positive"),
        ),
        sa.CheckConstraint(
            "total_ttc_cents = total_ht_cents - discount_cents + vat_cents",
            name=op.f("ck_invoices_totals_add_up"),
        ),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_invoices_appointment_id_appointments"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["billing_campaigns.id"],
            name=op.f("fk_invoices_campaign_id_billing_campaigns"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["staff_users.id"], name=op.f("fk_invoices_issued_by_id_staff_users")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_invoices_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["tariff_id"], ["tariffs.id"], name=op.f("fk_invoices_tariff_id_tariffs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index("ix_invoices_member_issued", ["member_id", "issued_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_invoices_year"), ["year"], unique=False)
        batch_op.create_index(
            "uq_invoices_annual_member_year",
            ["member_id", "year"],
            unique=True,
            sqlite_where=sa.text("kind = 'annual'"),
            postgresql_where=sa.text("kind = 'annual'"),
        )

    op.create_table(
        "sepa_prenotifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("mandate_id", sa.Integer(), nullable=False),
        sa.Column("collection_date", sa.Date(), nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("total_cents > 0", name=op.f("ck_sepa_prenotifications_total_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_users.id"],
            name=op.f("fk_sepa_prenotifications_created_by_id_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["mandate_id"],
            ["sepa_mandates.id"],
            name=op.f("fk_sepa_prenotifications_mandate_id_sepa_mandates"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_sepa_prenotifications_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sepa_prenotifications")),
    )
    with op.batch_alter_table("sepa_prenotifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sepa_prenotifications_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "credit_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("is_full", sa.Boolean(), nullable=False),
        sa.Column("total_ht_cents", sa.BigInteger(), nullable=False),
        sa.Column("vat_cents", sa.BigInteger(), nullable=False),
        sa.Column("total_ttc_cents", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "total_ht_cents >= 0 AND vat_cents >= 0 AND total_ttc_cents > 0",
            name=op.f("ck_credit_notes_amounts_positive"),
        ),
        sa.CheckConstraint(
            "total_ttc_cents = total_ht_cents + vat_cents",
            name=op.f("ck_credit_notes_totals_add_up"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_credit_notes_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"],
            ["staff_users.id"],
            name=op.f("fk_credit_notes_issued_by_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_notes")),
        sa.UniqueConstraint("number", name=op.f("uq_credit_notes_number")),
    )
    with op.batch_alter_table("credit_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_notes_invoice_id"), ["invoice_id"], unique=False
        )

    op.create_table(
        "instalments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("paid_cents", sa.BigInteger(), nullable=False),
        sa.Column("credited_cents", sa.BigInteger(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "sepa_state",
            sa.Enum(
                "none",
                "prenotified",
                "sent",
                "rejected",
                name="sepa_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("prenotification_id", sa.Integer(), nullable=True),
        sa.Column("collection_id", sa.Integer(), nullable=True),
        sa.Column("end_to_end_id", sa.String(length=35), nullable=True),
        sa.Column("rejection_code", sa.String(length=4), nullable=True),
        sa.Column("card_payment_reference", sa.String(length=60), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.CheckConstraint(
            "amount_cents >= 0 AND paid_cents >= 0 AND credited_cents >= 0 AND paid_cents + credited_cents <= amount_cents",
            name=op.f("ck_instalments_amounts_consistent"),
        ),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["sepa_collections.id"],
            name=op.f("fk_instalments_collection_id_sepa_collections"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_instalments_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["prenotification_id"],
            ["sepa_prenotifications.id"],
            name=op.f("fk_instalments_prenotification_id_sepa_prenotifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instalments")),
        sa.UniqueConstraint("end_to_end_id", name=op.f("uq_instalments_end_to_end_id")),
        sa.UniqueConstraint(
            "invoice_id", "position", name=op.f("uq_instalments_invoice_id_position")
        ),
    )
    with op.batch_alter_table("instalments", schema=None) as batch_op:
        batch_op.create_index("ix_instalments_due_on", ["due_on"], unique=False)
        batch_op.create_index(
            "ix_instalments_open_invoice",
            ["invoice_id"],
            unique=False,
            sqlite_where=sa.text(OPEN_INSTALMENT),
            postgresql_where=sa.text(OPEN_INSTALMENT),
        )
        batch_op.create_index(
            "ix_instalments_open_due",
            ["due_on"],
            unique=False,
            sqlite_where=sa.text(OPEN_INSTALMENT),
            postgresql_where=sa.text(OPEN_INSTALMENT),
        )

    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "si", "sia", "sir", name="line_category", native_enum=False, create_constraint=True
            ),
            nullable=True,
        ),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_cents", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "quantity >= 0 AND unit_price_cents >= 0 AND amount_cents >= 0",
            name=op.f("ck_invoice_lines_amounts_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_lines_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
        sa.UniqueConstraint(
            "invoice_id", "position", name=op.f("uq_invoice_lines_invoice_id_position")
        ),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column(
            "method",
            sa.Enum(
                "transfer",
                "cheque",
                "card",
                "direct_debit",
                name="payment_method",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("collection_id", sa.Integer(), nullable=True),
        sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reversed_by_id", sa.Integer(), nullable=True),
        sa.Column("reversal_reason", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["reversed_by_id"],
            ["staff_users.id"],
            name=op.f("fk_payments_reversed_by_id_staff_users"),
        ),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["sepa_collections.id"],
            name=op.f("fk_payments_collection_id_sepa_collections"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_payments_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_payments_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["staff_users.id"],
            name=op.f("fk_payments_recorded_by_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_invoice_id"), ["invoice_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payments_member_id"), ["member_id"], unique=False)

    op.create_table(
        "payment_allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("instalment_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_payment_allocations_amount_positive")),
        sa.ForeignKeyConstraint(
            ["instalment_id"],
            ["instalments.id"],
            name=op.f("fk_payment_allocations_instalment_id_instalments"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_payment_allocations_payment_id_payments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_allocations")),
    )
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_allocations_instalment_id"), ["instalment_id"], unique=False
        )

    op.create_table(
        "payment_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instalment_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("amount_due_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instalment_id"],
            ["instalments.id"],
            name=op.f("fk_payment_reminders_instalment_id_instalments"),
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"],
            ["staff_users.id"],
            name=op.f("fk_payment_reminders_sent_by_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_reminders")),
    )
    with op.batch_alter_table("payment_reminders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_reminders_instalment_id"), ["instalment_id"], unique=False
        )

    seed_reference_data()
    if on_postgresql:
        # appointment_requests was created before appointments: add its foreign key now.
        op.create_foreign_key(
            op.f("fk_appointment_requests_appointment_id_appointments"),
            "appointment_requests",
            "appointments",
            ["appointment_id"],
            ["id"],
        )
        for subject in ("professional", "employee"):
            op.execute(
                f"ALTER TABLE appointments ADD CONSTRAINT ex_appointments_{subject}_overlap "
                f"EXCLUDE USING gist ({subject}_id WITH =, tstzrange(starts_at, ends_at) WITH &&) "
                "WHERE (status <> 'cancelled')"
            )
        create_change_notifications()


RISK_FACTORS = [
    # Suivi individuel renforcé (article R.4624-23 du code du travail)
    ("amiante", "Amiante", "sir"),
    ("plomb", "Plomb (article R.4412-160)", "sir"),
    ("cmr", "Agents cancérogènes, mutagènes ou toxiques pour la reproduction", "sir"),
    ("bio_3_4", "Agents biologiques des groupes 3 et 4", "sir"),
    ("rayonnements_a", "Rayonnements ionisants (catégorie A)", "sir"),
    ("hyperbare", "Risque hyperbare", "sir"),
    ("echafaudages", "Chute de hauteur lors du montage et démontage d'échafaudages", "sir"),
    ("habilitation_electrique", "Habilitation électrique", "sir"),
    ("autorisation_conduite", "Autorisation de conduite (CACES)", "sir"),
    ("manutention_55kg", "Manutention manuelle de charges de plus de 55 kg", "sir"),
    (
        "jeune_travaux_reglementes",
        "Jeune de moins de 18 ans affecté à des travaux réglementés",
        "sir",
    ),
    # Suivi individuel adapté
    ("travail_nuit", "Travail de nuit", "sia"),
    ("moins_18_ans", "Travailleur de moins de 18 ans", "sia"),
    ("femme_enceinte", "Femme enceinte, venant d'accoucher ou allaitante", "sia"),
    ("handicap", "Travailleur handicapé ou titulaire d'une pension d'invalidité", "sia"),
    ("bio_2", "Agents biologiques du groupe 2", "sia"),
    ("champs_electromagnetiques", "Champs électromagnétiques au-delà des valeurs limites", "sia"),
    ("rayonnements_b", "Rayonnements ionisants (catégorie B)", "sia"),
]

VISIT_TYPES = [
    ("vip_embauche", "Visite d'information et de prévention à l'embauche (VIP)", 30, True, False),
    ("examen_sir", "Examen médical d'aptitude à l'embauche (SIR)", 45, True, True),
    ("periodique", "Visite périodique", 30, False, False),
    ("reprise", "Visite de reprise", 30, False, True),
    ("pre_reprise", "Visite de pré-reprise", 30, False, True),
    ("demande", "Visite à la demande", 30, False, False),
]

DOCUMENT_THEMES = [
    "Mode d'emploi du portail adhérent",
    "Statuts et règlement intérieur",
    "Prévention des risques professionnels",
    "Fiches médico-professionnelles",
]


def seed_reference_data() -> None:
    """Reference lists every database needs (a fresh production one included)."""
    risk_factors = sa.table(
        "risk_factors",
        sa.column("code"),
        sa.column("label"),
        sa.column("category"),
        sa.column("position"),
    )
    op.bulk_insert(
        risk_factors,
        [
            {"code": code, "label": label, "category": category, "position": position}
            for position, (code, label, category) in enumerate(RISK_FACTORS)
        ],
    )
    visit_types = sa.table(
        "visit_types",
        sa.column("code"),
        sa.column("label"),
        sa.column("duration_minutes"),
        sa.column("is_hiring_visit"),
        sa.column("by_doctor_only"),
        sa.column("position"),
    )
    op.bulk_insert(
        visit_types,
        [
            {
                "code": code,
                "label": label,
                "duration_minutes": minutes,
                "is_hiring_visit": hiring,
                "by_doctor_only": doctor,
                "position": position,
            }
            for position, (code, label, minutes, hiring, doctor) in enumerate(VISIT_TYPES)
        ],
    )
    themes = sa.table("document_themes", sa.column("name"), sa.column("position"))
    op.bulk_insert(
        themes,
        [{"name": name, "position": position} for position, name in enumerate(DOCUMENT_THEMES)],
    )


# Tables whose changes open views refresh on (see backoffice.ops.live_refresh).
WATCHED_TABLES = (
    "members",
    "employees",
    "change_requests",
    "appointment_requests",
    "appointments",
    "portal_accounts",
    "portal_login_attempts",
    "firm_member_access",
    "invoices",
    "instalments",
    "payments",
    "credit_notes",
    "workforce_declarations",
    "sepa_mandates",
    "documents",
    "settings",
    "agenda_blocks",
)


def create_change_notifications() -> None:
    """Every statement on a watched table notifies ``backoffice_changes`` with the table name
    (PostgreSQL folds repeats within a transaction and delivers at commit)."""
    op.execute(
        """
        CREATE OR REPLACE FUNCTION backoffice_notify_change() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('backoffice_changes', TG_TABLE_NAME);
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    for table in WATCHED_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_notify_change AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION backoffice_notify_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_notify_change ON {table}")
        op.execute("DROP FUNCTION IF EXISTS backoffice_notify_change()")
        op.drop_constraint(
            op.f("fk_appointment_requests_appointment_id_appointments"),
            "appointment_requests",
            type_="foreignkey",
        )
    with op.batch_alter_table("payment_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_reminders_instalment_id"))

    op.drop_table("payment_reminders")
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_allocations_instalment_id"))

    op.drop_table("payment_allocations")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_member_id"))
        batch_op.drop_index(batch_op.f("ix_payments_invoice_id"))

    op.drop_table("payments")
    op.drop_table("invoice_lines")
    with op.batch_alter_table("instalments", schema=None) as batch_op:
        batch_op.drop_index("ix_instalments_open_due")
        batch_op.drop_index("ix_instalments_open_invoice")
        batch_op.drop_index("ix_instalments_due_on")

    op.drop_table("instalments")
    with op.batch_alter_table("credit_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_notes_invoice_id"))

    op.drop_table("credit_notes")
    with op.batch_alter_table("sepa_prenotifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sepa_prenotifications_member_id"))

    op.drop_table("sepa_prenotifications")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_invoices_annual_member_year",
            sqlite_where=sa.text("kind = 'annual'"),
            postgresql_where=sa.text("kind = 'annual'"),
        )
        batch_op.drop_index(batch_op.f("ix_invoices_year"))
        batch_op.drop_index("ix_invoices_member_issued")

    op.drop_table("invoices")
    with op.batch_alter_table("sepa_mandates", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_sepa_mandates_active_member",
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )
        batch_op.drop_index(batch_op.f("ix_sepa_mandates_member_id"))

    op.drop_table("sepa_mandates")
    op.drop_table("change_request_fields")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index("ix_appointments_professional_start")
        batch_op.drop_index(batch_op.f("ix_appointments_member_id"))
        batch_op.drop_index("ix_appointments_employee_start")
        batch_op.drop_index("ix_appointments_centre_start")

    op.drop_table("appointments")
    op.drop_table("workforce_declarations")
    with op.batch_alter_table("portal_login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_login_attempts_account_time")

    op.drop_table("portal_login_attempts")
    op.drop_table("employee_risk_factors")
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_change_requests_status_submitted")
        batch_op.drop_index(batch_op.f("ix_change_requests_member_id"))
        batch_op.drop_index(batch_op.f("ix_change_requests_fingerprint"))
        batch_op.drop_index(batch_op.f("ix_change_requests_employee_id"))
        batch_op.drop_index("ix_change_requests_due")

    op.drop_table("change_requests")
    with op.batch_alter_table("appointment_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_requests_status_submitted")
        batch_op.drop_index(batch_op.f("ix_appointment_requests_member_id"))

    op.drop_table("appointment_requests")
    with op.batch_alter_table("portal_accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_accounts_locked")

    op.drop_table("portal_accounts")
    with op.batch_alter_table("firm_member_access", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_firm_member_access_active",
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_firm_member_access_member_id"))
        batch_op.drop_index(batch_op.f("ix_firm_member_access_firm_id"))

    op.drop_table("firm_member_access")
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.drop_index("ix_employees_member_name")

    op.drop_table("employees")
    op.drop_table("tariff_instalment_dates")
    op.drop_table("settings")
    with op.batch_alter_table("sepa_collections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sepa_collections_collection_date"))

    op.drop_table("sepa_collections")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_visit_centre_id"))
        batch_op.drop_index(batch_op.f("ix_members_status"))
        batch_op.drop_index(batch_op.f("ix_members_referent_professional_id"))
        batch_op.drop_index("ix_members_postcode")
        batch_op.drop_index("ix_members_list")

    op.drop_table("members")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_theme_id"))

    op.drop_table("documents")
    op.drop_table("consultation_sessions")
    op.drop_table("centre_opening_hours")
    with op.batch_alter_table("billing_campaigns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_billing_campaigns_year"))

    op.drop_table("billing_campaigns")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_member_time")
        batch_op.drop_index("ix_audit_events_entity")

    op.drop_table("audit_events")
    with op.batch_alter_table("agenda_blocks", schema=None) as batch_op:
        batch_op.drop_index("ix_agenda_blocks_professional_start")

    op.drop_table("agenda_blocks")
    op.drop_table("visit_types")
    op.drop_table("visit_centres")
    op.drop_table("tariffs")
    op.drop_table("staff_users")
    op.drop_table("risk_factors")
    op.drop_table("number_counters")
    op.drop_table("health_professionals")
    op.drop_table("document_themes")
    op.drop_table("accounting_firms")
