"""Reading the files the user picks, and saving what the application produces: one
"save as" for every file.

``files, unreadable = read_files(paths)`` reads each file whole: its name and content, or
a sentence saying why it cannot be read (the others are still read).

``save_as(self, title, "relance.pdf", PDF, produce, kind="reminders")`` asks where (in the
folder used last time for that kind of file), produces the bytes in the background, writes
them whole and owner-only (``private_files.write_whole``: a temporary name in the same
folder, then renamed), then says where. Folders are remembered per ``kind``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.private_files import write_whole
from backoffice.views.widgets import operations
from backoffice.views.widgets.dialogs import inform


def pdf_filter() -> str:
    return tr("PDF documents (*.pdf)")


def excel_filter() -> str:
    return tr("Excel workbooks (*.xlsx)")


def xml_filter() -> str:
    return tr("XML files (*.xml)")


def read_files(paths: Iterable[Path | str]) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Each readable file's name and content, and for each file that cannot be read a
    sentence « NAME cannot be read: reason »."""
    files: list[tuple[str, bytes]] = []
    unreadable: list[str] = []
    for path in map(Path, paths):
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as error:
            unreadable.append(
                tr("{path} cannot be read: {reason}", path=path.name, reason=error.strerror)
            )
    return files, unreadable


def _folder_key(kind: str) -> str:
    return f"files/folder/{kind}"


def last_folder(kind: str) -> Path:
    """Where files of this kind were saved last (the documents folder at first)."""
    default = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(str(QSettings().value(_folder_key(kind), default or str(Path.home()))))


def ask_save_path(
    parent: QWidget | None, title: str, name: str, file_filter: str, kind: str
) -> Path | None:
    """Where to save ``name`` (None when the user cancelled)."""
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, title, str(last_folder(kind) / name), file_filter
    )
    if not chosen:
        return None
    QSettings().setValue(_folder_key(kind), str(Path(chosen).parent))
    return Path(chosen)


def ask_folder(parent: QWidget | None, title: str, kind: str) -> Path | None:
    chosen = QFileDialog.getExistingDirectory(parent, title, str(last_folder(kind)))
    if not chosen:
        return None
    QSettings().setValue(_folder_key(kind), chosen)
    return Path(chosen)


def save_as(
    view: QWidget,
    title: str,
    name: str,
    file_filter: str,
    produce: Callable[[Session], bytes],
    *,
    kind: str,
    private: bool = True,
    done: Callable[[Path, bytes], None] | None = None,
) -> None:
    """Ask where, produce the bytes in the background, write them whole, say where (or
    hand the path and the bytes to ``done``: a PDF is then shown to print)."""
    target = ask_save_path(view, title, name, file_filter, kind)
    if target is None:
        return

    def written(content: bytes) -> None:
        try:
            write_whole(target, content, private=private)
        except OSError as error:
            QMessageBox.warning(
                view,
                title,
                tr("{path} could not be written: {reason}", path=target, reason=error.strerror),
            )
            return
        if done is not None:
            done(target, content)
        else:
            inform(view, title, tr("Saved in {path}.", path=target))

    operations.read(view, produce, written)
