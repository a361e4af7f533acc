"""The themes of the document library (*Mes documents* on the portal): the administrator
creates, renames, orders and retires them. A retired theme disappears from the portal and
from the themes offered for new documents; only a theme without published documents is
retired, and it can be brought back."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import ntr, tr
from backoffice.models import Document, DocumentTheme
from backoffice.services import audit, validation
from backoffice.services.errors import NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.text import fold

NAME_LENGTH = DocumentTheme.__table__.c.name.type.length


@dataclass(frozen=True)
class ThemeRow:
    id: int
    name: str
    position: int  # 1, 2, 3… in the portal's order (0 for a retired theme)
    retired: bool
    documents: int
    published: int


def theme_rows(session: Session, actor: Actor) -> list[ThemeRow]:
    """Every theme, retired ones last, with its documents counted."""
    require(session, actor, Permission.DOCUMENTS_VIEW)
    documents = (
        select(
            Document.theme_id,
            func.count().label("documents"),
            func.sum(case((Document.is_published, 1), else_=0)).label("published"),
        )
        .group_by(Document.theme_id)
        .subquery()
    )
    rows = session.execute(
        select(
            DocumentTheme.id,
            DocumentTheme.name,
            DocumentTheme.position,
            DocumentTheme.retired_at.is_not(None),
            func.coalesce(documents.c.documents, 0),
            func.coalesce(documents.c.published, 0),
        )
        .outerjoin(documents, documents.c.theme_id == DocumentTheme.id)
        .order_by(DocumentTheme.retired_at.is_not(None), DocumentTheme.position, DocumentTheme.id)
    )
    return [
        ThemeRow(theme_id, name, 0 if retired else rank, retired, count, published)
        for rank, (theme_id, name, _position, retired, count, published) in enumerate(rows, 1)
    ]


def _theme(session: Session, theme_id: int) -> DocumentTheme:
    theme = session.get(DocumentTheme, theme_id)
    if theme is None:
        raise NotFound(tr("This theme no longer exists."))
    return theme


def _checked_name(session: Session, name: str, theme_id: int | None = None) -> str:
    name = " ".join(name.split())
    label = tr("Theme name")
    message = validation.check_required(label, name)
    if message is None and len(name) > NAME_LENGTH:
        message = tr("{field}: {count} characters at most.", field=label, count=NAME_LENGTH)
    if message is None:
        others = session.scalars(
            select(DocumentTheme.name).where(DocumentTheme.id != (theme_id or 0))
        )
        if any(fold(other) == fold(name) for other in others):
            message = tr("{field}: a theme is already called « {name} ».", field=label, name=name)
    if message:
        raise ValidationFailed.single("name", message)
    return name


def create_theme(session: Session, actor: Actor, name: str) -> ThemeRow:
    """A new theme, after the others."""
    require(session, actor, Permission.DOCUMENTS_MANAGE)
    name = _checked_name(session, name)
    last = session.scalar(select(func.max(DocumentTheme.position))) or 0
    theme = DocumentTheme(name=name, position=last + 1)
    session.add(theme)
    session.flush()
    audit.record(session, actor, "theme.create", "document_theme", theme.id, after={"name": name})
    return ThemeRow(theme.id, theme.name, theme.position, False, 0, 0)


def rename_theme(session: Session, actor: Actor, theme_id: int, name: str) -> None:
    require(session, actor, Permission.DOCUMENTS_MANAGE)
    theme = _theme(session, theme_id)
    name = _checked_name(session, name, theme_id)
    if name != theme.name:
        audit.record(
            session,
            actor,
            "theme.rename",
            "document_theme",
            theme.id,
            before={"name": theme.name},
            after={"name": name},
        )
        theme.name = name


def move_theme(session: Session, actor: Actor, theme_id: int, offset: int) -> None:
    """Move a theme ``offset`` places (−1: up) among the themes in use; the positions are
    renumbered 1, 2, 3… in the new order."""
    require(session, actor, Permission.DOCUMENTS_MANAGE)
    theme = _theme(session, theme_id)
    themes = list(
        session.scalars(
            select(DocumentTheme)
            .where(DocumentTheme.retired_at.is_(None))
            .order_by(DocumentTheme.position, DocumentTheme.id)
        )
    )
    if theme not in themes:
        raise ValidationFailed.single("theme", tr("A retired theme has no place in the order."))
    index = themes.index(theme)
    themes.insert(max(0, min(len(themes) - 1, index + offset)), themes.pop(index))
    for position, each in enumerate(themes, start=1):
        each.position = position
    audit.record(
        session,
        actor,
        "theme.move",
        "document_theme",
        theme.id,
        summary=theme.name,
        after={"order": [each.name for each in themes]},
    )


def retire_theme(session: Session, actor: Actor, theme_id: int) -> None:
    require(session, actor, Permission.DOCUMENTS_MANAGE)
    theme = _theme(session, theme_id)
    published = session.scalar(
        select(func.count()).where(Document.theme_id == theme.id, Document.is_published)
    )
    if published:
        raise ValidationFailed.single(
            "theme",
            ntr(
                "The theme « {name} » still shows {count} published document on the "
                "portal: withdraw it or move it to another theme first.",
                "The theme « {name} » still shows {count} published documents on the "
                "portal: withdraw them or move them to another theme first.",
                published,
                name=theme.name,
            ),
        )
    if theme.retired_at is None:
        theme.retired_at = clock.now()
        audit.record(session, actor, "theme.retire", "document_theme", theme.id, summary=theme.name)


def restore_theme(session: Session, actor: Actor, theme_id: int) -> None:
    require(session, actor, Permission.DOCUMENTS_MANAGE)
    theme = _theme(session, theme_id)
    if theme.retired_at is not None:
        theme.retired_at = None
        theme.position = (
            session.scalar(
                select(func.max(DocumentTheme.position)).where(DocumentTheme.retired_at.is_(None))
            )
            or 0
        ) + 1
        audit.record(
            session, actor, "theme.restore", "document_theme", theme.id, summary=theme.name
        )
