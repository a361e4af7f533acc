"""A SIRET belongs to one member: the check shared by the creation and the edit of a
member's record."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models import Member, MemberStatus


def siret_taken(session: Session, siret: str, member_id: int | None = None) -> str | None:
    """A sentence when another member already has ``siret`` (whatever its status: a member
    that ceased and comes back is recorded as returning, not created again)."""
    statement = select(Member.member_code, Member.legal_name, Member.status).where(
        Member.siret == siret
    )
    if member_id is not None:
        statement = statement.where(Member.id != member_id)
    other = session.execute(statement.limit(1)).first()
    if other is None:
        return None
    code, name, status = other
    if status == MemberStatus.CEASED:
        return tr(
            "SIRET: {siret} is already the SIRET of member {code} ({name}), which ceased: "
            "record its return instead.",
            siret=siret,
            code=code,
            name=name,
        )
    return tr(
        "SIRET: {siret} is already the SIRET of member {code} ({name}).",
        siret=siret,
        code=code,
        name=name,
    )
