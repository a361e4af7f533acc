"""Importing bank files from Facturation: chosen in a file dialog or dropped on the
section, imported in the background (``services/bank/importing``), the counts shown.

- ``choose_and_import(view)``: the file dialog (several files at once), then the import;
  a screen declares it as its action::

      @action(lambda: tr("Import bank statements…"), permission=Permission.PAYMENTS_RECORD)
      def import_statements(self) -> None:
          choose_and_import(self)

- ``accept_dropped_files(widget, view)``: files dropped on ``widget`` are imported.

The files are read on the GUI thread (bytes only, before the work starts); the work
captures the bytes and the actor, never a widget. A refused file says why, naming it,
and nothing of the drop is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QWidget

from backoffice.i18n import tr
from backoffice.services.bank import importing
from backoffice.services.permissions import Permission
from backoffice.views.widgets.dialogs import inform
from backoffice.views.widgets.files import last_folder
from backoffice.views.widgets.operations import Feedback, write

FOLDER_KIND = "bank"


def file_filter() -> str:
    return tr("Bank statements (*.xml *.txt *.cfonb *.120 *.dat *.sta);;All files (*)")


def choose_and_import(
    view: QWidget, done: Callable[[importing.ImportOutcome], None] | None = None
) -> None:
    names, _filter = QFileDialog.getOpenFileNames(
        view, tr("Bank statements to import"), str(last_folder(FOLDER_KIND)), file_filter()
    )
    if names:
        import_paths(view, [Path(name) for name in names], done)


def import_paths(
    view: QWidget,
    paths: Sequence[Path],
    done: Callable[[importing.ImportOutcome], None] | None = None,
) -> None:
    files: list[tuple[str, bytes]] = []
    for path in paths:
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as error:
            inform(
                view,
                tr("Bank statements"),
                tr("{path} cannot be read: {reason}", path=path, reason=error.strerror),
            )
            return
    actor = view.context.actor  # type: ignore[attr-defined]

    def work(session: object, progress: object) -> importing.ImportOutcome:
        return importing.import_files(session, actor, files, progress=progress)  # type: ignore[arg-type]

    def shown(outcome: importing.ImportOutcome) -> None:
        inform(view, tr("Bank statements"), outcome.summary())
        if done is not None:
            done(outcome)

    write(view, work, tr("Importing the bank statements…"), feedback=Feedback.CANCELLABLE).success(
        shown
    ).run()


class _Drop(QObject):
    def __init__(self, view: QWidget) -> None:
        super().__init__(view)
        self.view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.DragEnter:
            drag = event
            assert isinstance(drag, QDragEnterEvent)
            if drag.mimeData().hasUrls() and all(
                url.isLocalFile() for url in drag.mimeData().urls()
            ):
                drag.acceptProposedAction()
                return True
        if event.type() == QEvent.Type.Drop:
            drop = event
            assert isinstance(drop, QDropEvent)
            paths = [Path(url.toLocalFile()) for url in drop.mimeData().urls()]
            if paths:
                drop.acceptProposedAction()
                import_paths(self.view, paths)
                return True
        return False


def accept_dropped_files(widget: QWidget, view: QWidget) -> QObject | None:
    """Files dropped on ``widget`` are imported as bank files (for a role that records
    payments); returns the event filter doing it."""
    if not view.context.allows(Permission.PAYMENTS_RECORD):  # type: ignore[attr-defined]
        return None
    widget.setAcceptDrops(True)
    dropping = _Drop(view)
    widget.installEventFilter(dropping)
    return dropping
