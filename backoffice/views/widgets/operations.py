"""The one way a view runs work in the background.

``write(self, work, tr("Approving…")).success(shown).conflict(self.reload).run()``: a
service call that writes, in its own transaction, with a "please wait" dialog over the
view after a short delay (``feedback=Feedback.CANCELLABLE`` for long work whose
``work(session, progress)`` reports its steps), errors as French dialogs, and the change
notice naming the view as its initiator. ``read(self, work, show)``: a read, no dialog.

``self`` is any widget with the application's ``context`` (pages, tabs, dialogs).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from backoffice.ops.context import AppContext
from backoffice.ops.operation import Feedback, Operation, run_query

T = TypeVar("T")

__all__ = ["Feedback", "View", "read", "write"]


class View(Protocol):
    context: AppContext


def write(
    view: QWidget,
    work: Callable[..., T],
    label: str,
    *,
    feedback: Feedback = Feedback.BUSY,
    writes: bool = True,
) -> Operation[T]:
    """The operation (to configure, then ``.run()``) of a write asked by ``view``;
    ``writes=False`` for long reads that show progress (exports, printing)."""
    context: AppContext = view.context  # type: ignore[attr-defined]
    return Operation(
        context, view, work, label=label, writes=writes, feedback=feedback, initiator=view
    )


def read(view: QWidget, work: Callable[[Session], T], show: Callable[[T], None]) -> None:
    """Read in the background and hand the answer to ``show`` on the GUI thread."""
    context: AppContext = view.context  # type: ignore[attr-defined]
    run_query(context, view, work, show)
