"""The audit trail: who did what, when, to what, with the values before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.models.base import BOTH, Base, JsonDocument, writers


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_member_time", "member_id", "occurred_at"),
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        writers(BOTH, "Append-only trail of every change made by staff (and the portal)."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    actor: Mapped[str] = mapped_column(String(80))  # "staff:jdupont", "portal:A00012", "system"
    action: Mapped[str] = mapped_column(String(60))  # "change.approve", "invoice.issue", ...
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    # Not a foreign key: the trail outlives what it describes.
    member_id: Mapped[int | None]
    summary: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
