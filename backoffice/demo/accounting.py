"""The demo's books: the generated years journalised, closed through last month.

The billing history is written in bulk, below the services: its entries are posted
afterwards by the catch-up (:mod:`services.accounting.history`), then the books are closed
through the end of last month, as a billing clerk would have done month after month — so
that last year's FEC and this year's closed months can be produced at once.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from backoffice.models import StaffUser
from backoffice.services.accounting import closing, history
from backoffice.services.actors import actor_of


def keep_books(session: Session, today: date, clerk_id: int) -> int:
    """Post the entries of the generated events and close last month; returns how many
    entries were posted."""
    posted = history.post_unposted(session).posted
    clerk = session.get(StaffUser, clerk_id)
    assert clerk is not None
    closing.close_through(session, actor_of(clerk), today.replace(day=1) - timedelta(days=1))
    return posted
