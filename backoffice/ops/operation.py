"""``Operation``: run a service call in the background, Anki's ``CollectionOp`` style::

    Operation(context, self, lambda session: approve(session, context.actor, request_id),
              label=tr("Approving…"), initiator=self).success(self.show_result).run()

(views call it through ``views/widgets/operations.py``: ``write(self, work, label)``.)

The work gets its own session: committed when it returns (``writes=True``), rolled back
otherwise. It must return plain data (dataclasses, tuples), never ORM objects. On the GUI
thread: ``success`` gets the result; errors become French dialogs (or ``failure``); a
conflict with another writer offers to reload (``conflict``); a lost connection offers to
retry, the form keeping what the user typed; long work shows a cancellable progress
dialog after a short delay (``feedback`` says which: none, a busy dialog, steps, steps
that can be cancelled; the work takes ``(session, progress)`` for the last two). What the
work wrote is announced on the change bus with the ``initiator``, the view that asked.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import partial
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget
from sqlalchemy.orm import Session

from backoffice.db import Database
from backoffice.errors import redact
from backoffice.i18n import tr
from backoffice.ops import errors as error_dialogs
from backoffice.ops.context import AppContext, WorkerSignals, job_key
from backoffice.services.errors import PermissionDenied, ServiceError, StaffRightsChanged
from backoffice.services.progress import Cancelled, Progress
from backoffice.services.tracking import touched

log = logging.getLogger(__name__)
T = TypeVar("T")
PROGRESS_DELAY_MS = 400


class Feedback(Enum):
    """What the user sees while the work runs (when it lasts more than a moment)."""

    SILENT = "silent"  # nothing: reads, a claim taken in passing
    BUSY = "busy"  # "please wait", no steps; the work takes (session)
    STEPS = "steps"  # a progress bar; the work takes (session, progress)
    CANCELLABLE = "cancellable"  # the same with a Cancel button

    @property
    def reports_progress(self) -> bool:
        return self in (Feedback.STEPS, Feedback.CANCELLABLE)


@dataclass(frozen=True)
class Each:
    """Items each written in a transaction of its own (``Operation(each=...)``): the work
    takes ``(session, item)``; ``label(item)`` is the progress dialog's text for it."""

    items: Sequence[Any]
    label: Callable[[Any], str]


@dataclass
class _Outcome:
    """What the worker hands back: the result and what was written, or the error."""

    result: Any = None
    changed: dict[str, set[int]] = field(default_factory=dict)
    error: BaseException | None = None
    details: str = ""


@dataclass
class _Task:
    """The work as a worker thread runs it: plain Python, no Qt object."""

    database: Database
    work: Callable[..., Any]
    writes: bool
    progress: Progress
    takes_progress: bool
    each: Each | None = None
    changed: dict[str, set[int]] = field(default_factory=dict)

    def execute(self) -> _Outcome:
        try:
            result, changed = self._call() if self.each is None else self._call_each(self.each)
        except BaseException as error:
            details = redact(traceback.format_exc())  # never a password, even there
            # The traceback's frames hold what the work captured (often a widget): dropped
            # here, so that the last reference stays with the operation on the GUI thread.
            _drop_tracebacks(error)
            # what units committed before the error did is announced all the same
            return _Outcome(error=error, details=details, changed=self.changed)
        return _Outcome(result=result, changed=changed)

    def _call_each(self, each: Each) -> tuple[list[Any], dict[str, set[int]]]:
        """One transaction per item: an item refused (a ``ServiceError``) is rolled back
        alone and its error is its result; a cancel stops before the next item (the
        items not reached get :class:`Cancelled`)."""
        results: list[Any] = []
        for index, item in enumerate(each.items):
            try:
                self.progress.step(index, len(each.items), each.label(item))
            except Cancelled as cancelled:
                results.extend(cancelled for _ in each.items[index:])
                break
            try:
                with self.database.transaction() as session:
                    result = self.work(session, item)
                    session.flush()
                    changed = touched(session)
            except ServiceError as error:
                if isinstance(error, PermissionDenied | Cancelled):
                    raise
                results.append(error)
                continue
            results.append(result)
            for table, ids in changed.items():
                self.changed.setdefault(table, set()).update(ids)
        if not self.progress.cancelled:  # everything committed: a late cancel changes nothing
            self.progress.step(len(each.items), len(each.items), "")
        return results, self.changed

    def _call(self) -> tuple[Any, dict[str, set[int]]]:
        arguments: tuple[Any, ...]
        if self.writes:
            with self.database.transaction() as session:
                arguments = (session, self.progress) if self.takes_progress else (session,)
                result = self.work(*arguments)
                session.flush()
                # A cancel asked during the last progress report, after the work wrote
                # everything, still rolls it back: checked once more before the commit.
                self.progress.check()
                changed = dict(touched(session))
            return result, changed
        with self.database.session() as session:
            arguments = (session, self.progress) if self.takes_progress else (session,)
            try:
                return self.work(*arguments), {}
            finally:
                session.rollback()


def _drop_tracebacks(error: BaseException | None) -> None:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        error.__traceback__ = None
        error = error.__cause__ or error.__context__


class _Job(QRunnable):
    """Runs a task in the pool. It lets go of the task before announcing the outcome:
    whatever the task captured is then freed on the GUI thread, with the operation."""

    def __init__(self, task: _Task, signals: WorkerSignals, key: int) -> None:
        super().__init__()
        self._task: _Task | None = task
        self._signals = signals
        self._key = key

    def run(self) -> None:
        task, self._task = self._task, None
        assert task is not None
        outcome = task.execute()
        del task
        self._signals.finished.emit(self._key, outcome)


class Operation(QObject, Generic[T]):
    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None,
        work: Callable[..., T],
        *,
        label: str | None = None,
        writes: bool = True,
        feedback: Feedback = Feedback.BUSY,
        cancellable: bool = False,
        initiator: QObject | None = None,
        each: Each | None = None,
    ) -> None:
        """``parent``: where dialogs (progress, errors) appear; ``initiator``: the view
        that asked, named in the change notice; ``cancellable=True`` is short for
        ``feedback=Feedback.CANCELLABLE``; ``each``: the work is done for each item in a
        transaction of its own, the result is the list of the items' results (or of
        the ``ServiceError`` that refused one)."""
        super().__init__(None)  # owned by the context while it runs, not by the widget
        self.context = context
        self.parent_widget = parent
        self.work = work
        self.label = label or tr("Working…")
        self.writes = writes
        self.feedback = Feedback.CANCELLABLE if cancellable else feedback
        self.initiator = initiator
        self.each = each
        self.key = job_key()
        self.login_number = context.login_number
        # The worker reports progress straight to the context's channel, not to this object.
        self.progress = Progress(partial(context.worker_signals.progressed.emit, self.key))
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[BaseException], bool | None] | None = None
        self._on_conflict: Callable[[], None] | None = None
        self._on_finally: Callable[[], None] | None = None
        self._dialog: QProgressDialog | None = None
        self._timer: QTimer | None = None

    # -- fluent configuration -------------------------------------------------------------

    def success(self, callback: Callable[[T], None]) -> Operation[T]:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], bool | None]) -> Operation[T]:
        """``callback`` handles an error; returning True also shows the default dialog."""
        self._on_failure = callback
        return self

    def conflict(self, reload: Callable[[], None]) -> Operation[T]:
        self._on_conflict = reload
        return self

    def finally_(self, callback: Callable[[], None]) -> Operation[T]:
        self._on_finally = callback
        return self

    @property
    def cancellable(self) -> bool:
        return self.feedback is Feedback.CANCELLABLE

    def run(self) -> Operation[T]:
        self.context.keep(self.key, self)
        if self.parent_widget is not None and self.feedback is not Feedback.SILENT:
            self._timer = QTimer(self)
            self._timer.setSingleShot(True)
            self._timer.timeout.connect(self._show_progress)
            self._timer.start(PROGRESS_DELAY_MS)
        task = _Task(
            self.context.database,
            self.work,
            self.writes,
            self.progress,
            self.feedback.reports_progress,
            self.each,
        )
        self.context.pool.start(_Job(task, self.context.worker_signals, self.key))
        return self

    # -- back on the GUI thread -----------------------------------------------------------

    def _show_progress(self) -> None:
        if self._dialog is not None or not self._widget_alive() or self.parent_widget is None:
            return
        dialog = QProgressDialog(
            self.label, tr("Cancel") if self.cancellable else "", 0, 0, self.parent_widget
        )
        dialog.setWindowTitle(tr("Please wait"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        if self.cancellable:
            dialog.canceled.connect(self.progress.cancel)
        else:
            dialog.setCancelButton(None)
        dialog.show()
        self._dialog = dialog

    def deliver(self, outcome: object) -> None:
        """The worker's outcome, on the GUI thread (called by the context)."""
        assert isinstance(outcome, _Outcome)
        if outcome.error is None:
            self._finished(outcome.result, outcome.changed)
        else:
            self._failed(outcome.error, outcome.details, outcome.changed)

    def report_progress(self, done: int, total: int, message: str) -> None:
        dialog = self._dialog  # setValue() may run the event loop, which may close it
        if dialog is None or not shiboken6.isValid(dialog):
            return
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))
        if message and shiboken6.isValid(dialog):
            dialog.setLabelText(message)

    def _close_progress(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        dialog, self._dialog = self._dialog, None
        # The dialog is a child of the asking widget: if that widget was closed meanwhile,
        # Qt already destroyed the dialog and it must not be touched.
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.reset()
            dialog.deleteLater()

    def _live_initiator(self) -> QObject | None:
        initiator = self.initiator
        return initiator if initiator is not None and shiboken6.isValid(initiator) else None

    def _widget_alive(self) -> bool:
        """False once the widget that asked was closed: its callbacks must not run."""
        return self.parent_widget is None or shiboken6.isValid(self.parent_widget)

    def _callback_alive(self, callback: Callable[..., object]) -> bool:
        """False when the widget that asked, or the Qt object whose method the callback
        is (a model, say), was destroyed meanwhile."""
        owner = getattr(callback, "__self__", None)
        if isinstance(owner, QObject) and not shiboken6.isValid(owner):
            return False
        return self._widget_alive()

    def _finished(self, result: T, changed: dict[str, set[int]]) -> None:
        self._close_progress()
        try:
            self.context.bus.announce(changed, self._live_initiator())
            if self._on_success is not None and self._callback_alive(self._on_success):
                self._on_success(result)
        finally:
            self._done()

    def _failed(
        self, error: BaseException, details: str, changed: dict[str, set[int]] | None = None
    ) -> None:
        self._close_progress()
        try:
            if changed:  # units of work committed before the failure
                self.context.bus.announce(changed, self._live_initiator())
            if isinstance(error, StaffRightsChanged):
                # No dialog over a window that is about to close: the login dialog says it.
                self.context.staff_rights_changed(self.login_number, error.message)
                return
            if isinstance(error, Cancelled) or not self._widget_alive():
                return
            handler = self._on_failure
            if handler is not None and (not self._callback_alive(handler) or not handler(error)):
                return
            outcome = error_dialogs.show(
                self.parent_widget,
                error,
                details,
                can_reload=self._on_conflict is not None,
                url=self.context.database.url,
            )
            if outcome == error_dialogs.Choice.RELOAD and self._on_conflict is not None:
                self._on_conflict()
            elif outcome == error_dialogs.Choice.RETRY:
                self._retry()
        finally:
            self._done()

    def _retry(self) -> None:
        again = Operation(
            self.context,
            self.parent_widget,
            self.work,
            label=self.label,
            writes=self.writes,
            feedback=self.feedback,
            initiator=self._live_initiator(),
            each=self.each,
        )
        again.login_number = self.login_number
        again._on_success, again._on_failure = self._on_success, self._on_failure
        again._on_conflict, again._on_finally = self._on_conflict, self._on_finally
        self._forget()  # the retry owns the callbacks now: this one's ending calls none
        again.run()

    def _done(self) -> None:
        try:
            if self._on_finally is not None:
                self._on_finally()
        finally:
            self.context.release(self.key)
            self._forget()
            self.deleteLater()

    def _forget(self) -> None:
        """Let go of the work and the callbacks: they often capture the widget that asked,
        which is then freed by reference counting rather than by a later collection."""
        self.work = _finished_work
        self._on_success = self._on_failure = None
        self._on_conflict = self._on_finally = None
        self.initiator = None


def _finished_work(*_arguments: object) -> None:
    raise RuntimeError("this operation has already run")


def run_query(
    context: AppContext,
    parent: QWidget | None,
    work: Callable[[Session], T],
    on_result: Callable[[T], None],
) -> Operation[T]:
    """A read in the background (no transaction to commit, no progress dialog; errors
    shown over ``parent``)."""
    operation: Operation[T] = Operation(
        context, parent, work, writes=False, feedback=Feedback.SILENT
    )
    return operation.success(on_result).run()
