"""The one way a view runs work in the background.

``write(self, work, tr("Approving…")).success(shown).conflict(self.reload).run()``: a
service call that writes, in its own transaction, with a "please wait" dialog over the
view after a short delay (``feedback=Feedback.CANCELLABLE`` for long work whose
``work(session, progress)`` reports its steps), errors as French dialogs, and the change
notice naming the view as its initiator. ``write_each(self, items, work, label,
item_label)``: the same work for each item, each in its own transaction (an item refused
does not stop the others). ``read(self, work, show)``: a read, no dialog.

``self`` is any widget with the application's ``context`` (pages, tabs, dialogs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from backoffice.ops.context import AppContext
from backoffice.ops.operation import Each, Feedback, Operation, run_query
from backoffice.services.errors import ServiceError

T = TypeVar("T")
Item = TypeVar("Item")

__all__ = ["Feedback", "Latest", "View", "read", "write", "write_each"]


class View(Protocol):
    context: AppContext


def write(
    view: QWidget,
    work: Callable[..., T],
    label: str,
    *,
    feedback: Feedback = Feedback.BUSY,
    writes: bool = True,
    initiator: QObject | None = None,
) -> Operation[T]:
    """The operation (to configure, then ``.run()``) of a write asked by ``view``;
    ``writes=False`` for long reads that show progress (exports, printing); ``initiator``
    when another view acts through ``view`` (a dialog for the page that opened it)."""
    return _asked_by(
        view, work, label, writes=writes, feedback=feedback, initiator=initiator or view
    )


def write_each(
    view: QWidget,
    items: Sequence[Item],
    work: Callable[[Session, Item], T],
    label: str,
    item_label: Callable[[Item], str],
) -> Operation[list[T | ServiceError]]:
    """The operation of a write made for each item in a transaction of its own (files
    dropped together: one refused, the others kept), with a cancellable progress dialog
    (``item_label(item)`` while it is written). Its result is the list of what ``work``
    returned for each item, or the ``ServiceError`` that refused it (``Cancelled`` for
    the items a cancel left out)."""
    each = Each(tuple(items), item_label)
    return _asked_by(view, work, label, feedback=Feedback.CANCELLABLE, initiator=view, each=each)


def _asked_by(view: QWidget, work: Callable[..., T], label: str, **options: Any) -> Operation[T]:
    """The operation of ``work`` in ``view``'s context, ``view`` its parent."""
    context: AppContext = view.context  # type: ignore[attr-defined]
    return Operation(context, view, work, label=label, **options)


def read(view: QWidget, work: Callable[[Session], T], show: Callable[[T], None]) -> None:
    """Read in the background and hand the answer to ``show`` on the GUI thread."""
    context: AppContext = view.context  # type: ignore[attr-defined]
    run_query(context, view, work, show)


class Latest:
    """The reads of a view whose answers replace each other: only the answer to the last
    question of a topic is shown (a slow search never overwrites a newer one)."""

    def __init__(self, view: QWidget) -> None:
        self.view = view
        self._asked: dict[str, int] = {}

    def read(
        self, work: Callable[[Session], T], show: Callable[[T], None], *, topic: str = ""
    ) -> None:
        asked = self._asked.get(topic, 0) + 1
        self._asked[topic] = asked

        def latest(result: T) -> None:
            if self._asked.get(topic) == asked:
                show(result)

        read(self.view, work, latest)

    def forget(self, topic: str = "") -> None:
        """Answers to the questions asked so far on ``topic`` will be dropped."""
        self._asked[topic] = self._asked.get(topic, 0) + 1
