"""The document library shown to members on the portal (*Mes documents*), by theme."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import Document, DocumentTheme
from backoffice.services import audit
from backoffice.services.errors import NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

MAX_SIZE = 20 * 1024 * 1024


@dataclass(frozen=True)
class DocumentRow:
    id: int
    theme_id: int
    theme: str
    title: str
    file_name: str
    media_type: str
    size_bytes: int
    published: bool
    uploaded_at: datetime
    version: int


@dataclass(frozen=True)
class Theme:
    id: int
    name: str


def themes(session: Session, actor: Actor) -> list[Theme]:
    """The themes in use (not retired), in their order."""
    require(session, actor, Permission.DOCUMENTS_VIEW)
    return [
        Theme(t.id, t.name)
        for t in session.scalars(
            select(DocumentTheme)
            .where(DocumentTheme.retired_at.is_(None))
            .order_by(DocumentTheme.position, DocumentTheme.id)
        )
    ]


def list_documents(session: Session, actor: Actor) -> list[DocumentRow]:
    require(session, actor, Permission.DOCUMENTS_VIEW)
    rows = session.execute(
        select(Document, DocumentTheme.name)
        .join(DocumentTheme)
        .order_by(DocumentTheme.position, Document.title)
    )
    return [
        DocumentRow(
            d.id,
            d.theme_id,
            theme,
            d.title,
            d.file_name,
            d.media_type,
            d.size_bytes,
            d.is_published,
            d.uploaded_at,
            d.version,
        )
        for d, theme in rows
    ]


def add_document(
    session: Session,
    actor: Actor,
    theme_id: int,
    title: str,
    file_name: str,
    media_type: str,
    content: bytes,
    *,
    publish: bool = False,
) -> int:
    require(session, actor, Permission.DOCUMENTS_MANAGE)
    if not title.strip():
        raise ValidationFailed.single("title", tr("The title is required."))
    if not content:
        raise ValidationFailed.single("file", tr("The file is empty."))
    if len(content) > MAX_SIZE:
        raise ValidationFailed.single("file", tr("The file is larger than 20 MB."))
    _theme_in_use(session, theme_id)
    now = clock.now()
    document = Document(
        theme_id=theme_id,
        title=title.strip(),
        file_name=file_name,
        media_type=media_type,
        size_bytes=len(content),
        content=content,
        is_published=publish,
        published_at=now if publish else None,
        uploaded_at=now,
        uploaded_by_id=actor.staff_id,
    )
    session.add(document)
    session.flush()
    audit.record(
        session,
        actor,
        "document.add",
        "document",
        document.id,
        after={"title": document.title, "file_name": file_name, "published": publish},
    )
    return document.id


def _theme_in_use(session: Session, theme_id: int) -> DocumentTheme:
    theme = session.get(DocumentTheme, theme_id)
    if theme is None:
        raise NotFound(tr("This theme no longer exists."))
    if theme.retired_at is not None:
        raise ValidationFailed.single(
            "theme", tr("The theme « {name} » is retired: choose another.", name=theme.name)
        )
    return theme


def move_document(session: Session, actor: Actor, document_id: int, theme_id: int) -> None:
    """File a document under another theme."""
    require(session, actor, Permission.DOCUMENTS_MANAGE)
    document = _document(session, document_id)
    theme = _theme_in_use(session, theme_id)
    if document.theme_id != theme.id:
        audit.record(
            session,
            actor,
            "document.move",
            "document",
            document.id,
            summary=document.title,
            before={"theme_id": document.theme_id},
            after={"theme_id": theme.id, "theme": theme.name},
        )
        document.theme_id = theme.id


def set_published(session: Session, actor: Actor, document_id: int, published: bool) -> None:
    require(session, actor, Permission.DOCUMENTS_MANAGE)
    document = _document(session, document_id)
    document.is_published = published
    document.published_at = clock.now() if published else None
    audit.record(
        session,
        actor,
        "document.publish" if published else "document.unpublish",
        "document",
        document.id,
        summary=document.title,
    )


def remove_document(session: Session, actor: Actor, document_id: int) -> None:
    require(session, actor, Permission.DOCUMENTS_MANAGE)
    document = _document(session, document_id)
    audit.record(
        session,
        actor,
        "document.remove",
        "document",
        document.id,
        before={"title": document.title, "file_name": document.file_name},
    )
    session.delete(document)


def document_content(session: Session, actor: Actor, document_id: int) -> tuple[str, bytes]:
    require(session, actor, Permission.DOCUMENTS_VIEW)
    document = _document(session, document_id)
    return document.file_name, document.content


def _document(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound(tr("This document no longer exists."))
    return document
