"""mail: outbox, attachments, templates, members' documents channel

Revision ID: 17a
Revises: 16a
Create Date: 2026-12-04 11:23:49.215400
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "17a"
down_revision = "16a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_templates",
        sa.Column(
            "kind",
            sa.Enum(
                "prenotification",
                "invoice",
                "reminder",
                "convocation",
                "change_approved",
                "change_rejected",
                "appointment_confirmed",
                "appointment_refused",
                "test",
                name="mail_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["staff_users.id"],
            name=op.f("fk_mail_templates_updated_by_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_mail_templates")),
        info={
            "writer": "backoffice",
            "doc": "E-mail templates edited by the administrator (French).",
        },
    )
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "prenotification",
                "invoice",
                "reminder",
                "convocation",
                "change_approved",
                "change_rejected",
                "appointment_confirmed",
                "appointment_refused",
                "test",
                name="mail_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column(
            "recipients", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("record_type", sa.String(length=40), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "sending",
                "sent",
                "failed",
                "cancelled",
                "uncertain",
                name="mail_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("message_id", sa.String(length=250), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("server_reply", sa.String(length=500), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_mail_messages_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["queued_by_id"],
            ["staff_users.id"],
            name=op.f("fk_mail_messages_queued_by_id_staff_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_mail_messages_message_id")),
        info={
            "writer": "backoffice",
            "doc": "The outbox: e-mails to members, queued, sent or failed.",
        },
    )
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mail_messages_due", ["status", "next_attempt_at", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_mail_messages_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_messages_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_messages_queued_at"), ["queued_at"], unique=False)
        batch_op.create_index("ix_mail_messages_record", ["record_type", "record_id"], unique=False)

    op.create_table(
        "mail_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "stored",
                "record",
                "file",
                name="mail_attachment_source",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column(
            "reference", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["mail_messages.id"],
            name=op.f("fk_mail_attachments_message_id_mail_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_attachments")),
        info={"writer": "backoffice", "doc": "Files joined to an outbox message."},
    )
    with op.batch_alter_table("mail_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mail_attachments_message_id"), ["message_id"], unique=False
        )

    # Added in place (a batch copy of ``members`` would trip the foreign keys of the rows
    # that point at it): SQLite takes the CHECK in the column's definition.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE members ADD COLUMN documents_by VARCHAR(5) DEFAULT 'email' NOT NULL "
            "CONSTRAINT ck_members_document_channel CHECK (documents_by IN ('email', 'post'))"
        )
    else:
        op.add_column(
            "members",
            sa.Column("documents_by", sa.String(5), server_default="email", nullable=False),
        )
        op.create_check_constraint(
            op.f("ck_members_document_channel"), "members", "documents_by IN ('email', 'post')"
        )


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_members_document_channel"), type_="check")
        batch_op.drop_column("documents_by")

    with op.batch_alter_table("mail_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_attachments_message_id"))

    op.drop_table("mail_attachments")
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_messages_record")
        batch_op.drop_index(batch_op.f("ix_mail_messages_queued_at"))
        batch_op.drop_index(batch_op.f("ix_mail_messages_member_id"))
        batch_op.drop_index(batch_op.f("ix_mail_messages_kind"))
        batch_op.drop_index("ix_mail_messages_due")

    op.drop_table("mail_messages")
    op.drop_table("mail_templates")
