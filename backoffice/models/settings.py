"""Settings stored in the database, shared by every workstation and by the portal.

One row per key, the value a JSON document. The keys and their defaults are declared in
``backoffice.services.settings``; the ones the portal reads are listed in ``docs/schema.md``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backoffice import clock
from backoffice.models.base import BACKOFFICE, Base, JsonDocument, Versioned, writers


class Setting(Versioned, Base):
    __tablename__ = "settings"
    __table_args__ = (
        writers(BACKOFFICE, "Service-wide settings (lock rule, periods, creditor identity, ...)."),
    )

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JsonDocument)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
