"""The document library the portal shows members (*Mes documents*), by theme."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from backoffice.models.base import BACKOFFICE, Base, Versioned, writers


class DocumentTheme(Base):
    __tablename__ = "document_themes"
    __table_args__ = (
        writers(
            BACKOFFICE,
            "Themes of the document library, in ``position`` order; the portal shows those "
            "not retired.",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    # Retired by the administrator: hidden on the portal, offered no more for new documents
    # (only a theme without published documents is retired).
    retired_at: Mapped[datetime | None]


class Document(Versioned, Base):
    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("size_bytes >= 0", name="size_positive"),
        writers(BACKOFFICE, "Documents of the library; the portal lists the published ones."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("document_themes.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    is_published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None]
    uploaded_at: Mapped[datetime]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    theme: Mapped[DocumentTheme] = relationship()
