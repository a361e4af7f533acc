"""A member's spreadsheet of employees (xlsx or CSV): chosen, previewed line by line — to
import (green), already recorded (grey), refused with why (red) — then imported in one
transaction. Nothing is written before « Import »."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from sqlalchemy.orm import Session

from backoffice.i18n import ntr, tr
from backoffice.ops.context import AppContext
from backoffice.services.employees import importing
from backoffice.services.employees.importing import ImportLine, ImportPreview, LineStatus
from backoffice.services.errors import Conflict, ValidationFailed
from backoffice.views import formatting, labels
from backoffice.views.widgets.files import read_files
from backoffice.views.widgets.lists import searchable
from backoffice.views.widgets.operation_dialog import OK, OperationDialog
from backoffice.views.widgets.operations import write
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.table import DataTable

COLOURS = {
    LineStatus.NEW: QColor("#e3f4e6"),  # green, as an employee added on the portal
    LineStatus.PRESENT: QColor("#eeeeee"),
    LineStatus.REFUSED: QColor("#fbe3e3"),  # red
}


def _day(line: ImportLine, name: str) -> str:
    value = line.values.get(name)
    return formatting.day(value) if value else ""  # type: ignore[arg-type]


def line_columns() -> list[Column[ImportLine]]:
    return [
        Column(tr("Line"), lambda r: str(r.number), lambda r: r.number, align_right=True),
        Column(tr("Status"), lambda r: labels.label(r.status)),
        Column(tr("Employee"), lambda r: r.name),
        Column(tr("Born on"), lambda r: _day(r, "birth_date")),
        Column(tr("Hired on"), lambda r: _day(r, "hired_on")),
        Column(tr("Left on"), lambda r: _day(r, "exited_on")),
        Column(tr("PCS"), lambda r: str(r.values.get("pcs_code") or "")),
        Column(tr("Job"), lambda r: str(r.values.get("job_title") or "")),
        Column(tr("Follow-up"), lambda r: labels.category(r.category) if r.category else ""),
        Column(
            tr("Why refused"),
            lambda r: " ".join(r.problems),
            tooltip=lambda r: "\n".join(r.problems),
        ),
    ]


class ImportDialog(OperationDialog):
    """``result`` holds the service's ``ImportDone`` once imported."""

    shown_inline = (ValidationFailed, Conflict)  # a changed member: previewed again

    def __init__(
        self, context: AppContext, parent: QWidget | None, member_id: int, member_label: str
    ) -> None:
        super().__init__(context, parent, tr("Import employees — {member}", member=member_label))
        self.resize(1100, 640)
        self.member_id = member_id
        self.preview: ImportPreview | None = None
        self.content = b""
        self.notice = ""
        self.add_intro(
            tr(
                "A spreadsheet the member sent (Excel .xlsx or CSV), one employee a line, with "
                "a header line naming the columns: last name, first name and hiring date at "
                "least; also civility, birth date, PCS code, job, risk factors, follow-up, "
                "exit date."
            )
        )
        chooser = QHBoxLayout()
        self.file = QLineEdit()
        self.file.setReadOnly(True)
        self.file.setPlaceholderText(tr("No file chosen"))
        choose = QPushButton(tr("Choose the file…"))
        choose.clicked.connect(self.choose_file)
        chooser.addWidget(self.file, 1)
        chooser.addWidget(choose)
        self.layout_.addLayout(chooser)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.layout_.addWidget(self.summary)
        self.refused_only = QCheckBox(tr("Only the refused lines"))
        self.refused_only.toggled.connect(lambda _on: self._filter())
        self.layout_.addWidget(self.refused_only)
        self.lines: RowsModel[ImportLine] = RowsModel(
            line_columns(), background=lambda line: COLOURS[line.status]
        )
        self.table = DataTable("employee_import_lines")
        self.proxy = searchable(self.table, self.lines)
        self.layout_.addWidget(self.table, 1)
        self.fields["file"] = self.file
        self.set_action(tr("Import"))
        self.buttons.button(OK).setEnabled(False)

    def choose_file(self, path: str | None = None) -> None:
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self,
                tr("The member's spreadsheet"),
                "",
                tr("Spreadsheets (*.xlsx *.csv *.txt);;All files (*)"),
            )
        if not path:
            return
        files, unreadable = read_files([path])
        if unreadable:
            self.show_errors(unreadable[0])
            return
        self.file.setText(path)
        (name, content), actor, member_id = files[0], self.context.actor, self.member_id
        self.content = content
        write(
            self,
            lambda session: importing.preview_import(session, actor, member_id, name, content),
            tr("Reading the file…"),
            writes=False,
        ).success(self._show_preview).failure(self._unreadable).run()

    def _unreadable(self, error: BaseException) -> bool:
        self.preview = None
        self.lines.set_rows([])
        self.summary.clear()
        self.buttons.button(OK).setEnabled(False)
        return self.refused(error)

    def _show_preview(self, preview: ImportPreview) -> None:
        self.preview = preview
        self.show_errors("")
        self.lines.set_rows(list(preview.lines))
        new = preview.count(LineStatus.NEW)
        notice, self.notice = self.notice, ""
        self.summary.setText(
            (notice + "\n" if notice else "")
            + tr(
                "{summary} (refused lines are not imported). Columns read: {columns}.",
                summary=preview.summary(),
                columns=", ".join(f"« {header} » → {field}" for header, field in preview.columns),
            )
        )
        self.set_action(ntr("Import {count} employee", "Import {count} employees", new))
        self.buttons.button(OK).setEnabled(new > 0)
        self._filter()

    def _filter(self) -> None:
        for row, line in enumerate(self.lines.rows):
            hidden = self.refused_only.isChecked() and line.status != LineStatus.REFUSED
            self.table.setRowHidden(
                self.proxy.mapFromSource(self.lines.index(row, 0)).row(), hidden
            )

    def work(self) -> Callable[[Session], Any] | None:
        if self.preview is None:
            self.show_errors(tr("Choose the member's file first."))
            return None
        actor, member_id = self.context.actor, self.member_id
        name, content = self.preview.file_name, self.content
        expected = self.preview.count(LineStatus.NEW)
        return lambda session: importing.import_employees(
            session, actor, member_id, name, content, expected_new=expected
        )

    def busy_label(self) -> str:
        return tr("Importing the employees…")

    def refused(self, error: BaseException) -> bool:
        shown = super().refused(error)
        if isinstance(error, Conflict) and self.file.text():
            self.notice = error.message  # said above the new preview
            self.choose_file(self.file.text())  # the preview as it is now
        return shown
