"""Messages in the outbox, for the sender's tests."""

from __future__ import annotations

from backoffice.db import Database
from backoffice.models import MailKind, Member
from backoffice.services.mail import outbox
from backoffice.services.mail.recipients import Purpose
from backoffice.services.permissions import Actor
from tests import factories


def member(database: Database, **overrides: object) -> int:
    with database.transaction() as session:
        return factories.member(session, **overrides).id


def queue_tests(
    database: Database, actor: Actor, count: int, *, member_id: int | None = None, **kw: object
) -> list[int]:
    """``count`` test messages to the member's main address."""
    ids = []
    with database.transaction() as session:
        who = session.get(Member, member_id) if member_id else factories.member(session)
        for index in range(count):
            queued = outbox.queue(
                session,
                actor,
                MailKind.TEST,
                member=who,
                purpose=Purpose.GENERAL,
                values={"sent_by": f"Test n° {index}"},
                **kw,  # type: ignore[arg-type]
            )
            ids.append(queued.message_id)
    return ids
