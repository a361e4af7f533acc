"""Importing bank files from Facturation: chosen in a file dialog or dropped on the
section, imported in the background (``services/bank/importing``), the counts shown.

- ``choose_and_import(view)``: the file dialog (several files at once), then the import;
  a screen declares it as its action::

      @action(lambda: tr("Import bank statements…"), permission=Permission.PAYMENTS_RECORD)
      def import_statements(self) -> None:
          choose_and_import(self)

- ``accept_dropped_files(widget, view)``: files dropped on ``widget`` are imported.

The files are read on the GUI thread (bytes only, before the work starts); the work
captures the bytes and the actor, never a widget. Each file is imported on its own, in
its own transaction (``write_each``): one line per file says what it brought (entries
new, matched, returned, left) or why it was refused, and a file refused, or that cannot
be read, does not keep the others out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QWidget

from backoffice.i18n import tr
from backoffice.services.bank import importing, matching
from backoffice.services.errors import ServiceError
from backoffice.services.permissions import Permission
from backoffice.views.widgets.dialogs import inform
from backoffice.views.widgets.files import last_folder, read_files
from backoffice.views.widgets.operations import write_each

FOLDER_KIND = "bank"
SHOWN_LINES = 12  # more files than that: their lines in the message's details


def file_filter() -> str:
    return tr("Bank statements (*.xml *.txt *.cfonb *.120 *.dat *.sta);;All files (*)")


def choose_and_import(
    view: QWidget, done: Callable[[list[importing.ImportOutcome]], None] | None = None
) -> None:
    names, _filter = QFileDialog.getOpenFileNames(
        view, tr("Bank statements to import"), str(last_folder(FOLDER_KIND)), file_filter()
    )
    if names:
        import_paths(view, [Path(name) for name in names], done)


def import_paths(
    view: QWidget,
    paths: Sequence[Path],
    done: Callable[[list[importing.ImportOutcome]], None] | None = None,
) -> None:
    """Import each file on its own (its own transaction): a file refused, or that cannot
    be read, is named with its reason and the others are imported."""
    files, unreadable = read_files(paths)
    if not files:
        inform(view, tr("Bank statements"), "\n".join(unreadable))
        return
    actor = view.context.actor  # type: ignore[attr-defined]
    members = matching.MemberIndex()  # codes and names read once for all the files

    def work(session: object, file: tuple[str, bytes]) -> importing.ImportOutcome:
        return importing.import_files(session, actor, [file], members=members)  # type: ignore[arg-type]

    def shown(results: list[importing.ImportOutcome | ServiceError]) -> None:
        lines = [
            importing.file_result(name, result)
            for (name, _data), result in zip(files, results, strict=True)
        ]
        summary = importing.results_summary(results)
        if len(lines) + len(unreadable) <= SHOWN_LINES:
            inform(view, tr("Bank statements"), "\n\n".join([summary, *unreadable, *lines]))
        else:  # many files: what went wrong at once, each file's line in the details
            refused = [
                line
                for line, result in zip(lines, results, strict=True)
                if isinstance(result, ServiceError)
            ]
            inform(
                view,
                tr("Bank statements"),
                "\n\n".join([summary, *unreadable, *refused]),
                details="\n".join([*unreadable, *lines]),
            )
        if done is not None:
            done([result for result in results if isinstance(result, importing.ImportOutcome)])

    write_each(
        view,
        files,
        work,
        tr("Importing the bank statements…"),
        lambda file: tr("Importing {file}…", file=file[0]),
    ).success(shown).run()


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
