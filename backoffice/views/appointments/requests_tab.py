"""Demandes: the portal's booking and cancellation requests, oldest first.

Enter handles the selected request: a booking request opens the free slots of the
member's referent (the assistant picks one, which books it); a cancellation request
shows the appointment and whether it came in time. Delete refuses with a reason the
member reads on the portal. Opening a request tells colleagues who handles it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QVBoxLayout, QWidget

from backoffice.i18n import ntr, tr
from backoffice.models import RequestKind
from backoffice.ops.context import AppContext
from backoffice.services.appointments import requests as request_service
from backoffice.services.appointments.requests import RequestClaimed, RequestRow
from backoffice.services.permissions import Permission
from backoffice.views import formatting
from backoffice.views.appointments.common import WARNING, growing_combo
from backoffice.views.appointments.tab import AppointmentTab
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.dialogs import ask_reason, confirm
from backoffice.views.widgets.lists import fit_columns_once
from backoffice.views.widgets.operations import Feedback
from backoffice.views.widgets.rows_model import Column, RowsModel, moment_column
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable

CLAIMED = QColor("#eef0f3")


def kind_label(kind: RequestKind) -> str:
    return tr("Booking") if kind == RequestKind.BOOKING else tr("Cancellation")


def wished(row: RequestRow) -> str:
    if row.kind == RequestKind.CANCELLATION and row.appointment_starts_at is not None:
        return tr("appointment of {when}", when=formatting.moment(row.appointment_starts_at))
    if row.wished_from and row.wished_to:
        return tr(
            "from {first} to {last}",
            first=formatting.day(row.wished_from),
            last=formatting.day(row.wished_to),
        )
    return formatting.day(row.wished_from) or formatting.day(row.wished_to)


def notice(row: RequestRow) -> str:
    if row.hours_notice is None:
        return ""
    text = tr("{hours} h before", hours=row.hours_notice)
    return tr("{notice} — too late", notice=text) if row.late else text


def request_columns() -> list[Column[RequestRow]]:
    return [
        moment_column(tr("Received"), lambda r: r.submitted_at),
        Column(tr("Request"), lambda r: kind_label(r.kind)),
        Column(tr("Member"), lambda r: f"{r.member_code} {r.member_name}"),
        Column(
            tr("Employee"),
            lambda r: (
                r.employee
                + (
                    tr(" (left on {date})", date=formatting.day(r.employee_left_on))
                    if r.employee_left_on
                    else ""
                )
            ),
        ),
        Column(tr("Visit"), lambda r: r.visit_type),
        Column(tr("Wished period / appointment"), wished),
        Column(
            tr("Notice"), notice, lambda r: r.hours_notice if r.hours_notice is not None else -1
        ),
        Column(tr("Comment"), lambda r: r.comment or "", tooltip=lambda r: r.comment or ""),
        Column(tr("Handled by"), lambda r: r.claimed_by or ""),
    ]


def background(row: RequestRow) -> QColor | None:
    if row.late or row.employee_left_on is not None:
        return WARNING
    return CLAIMED if row.claimed_by else None


ACCEPT, REFUSE = "accept", "refuse"


def cancellation_decision(parent: QWidget, row: RequestRow) -> str | None:
    """Show the appointment the member wants to cancel and whether the request came in
    time; ``ACCEPT``, ``REFUSE`` or None (closed)."""
    box = QMessageBox(parent)
    box.setWindowTitle(tr("Cancellation request"))
    box.setIcon(QMessageBox.Icon.Warning if row.late else QMessageBox.Icon.Question)
    text = tr(
        "{member} asks to cancel the appointment of {employee} on {when} with {professional} "
        "({centre}). The request came {notice}.",
        member=row.member_name,
        employee=row.employee,
        when=formatting.moment(row.appointment_starts_at),
        professional=row.appointment_professional,
        centre=row.appointment_centre,
        notice=notice(row) or "",
    )
    if row.comment:
        text += "\n\n" + tr("Comment: {comment}", comment=row.comment)
    box.setText(text)
    accept = box.addButton(
        tr("Accept as an exception") if row.late else tr("Accept: free the slot"),
        QMessageBox.ButtonRole.AcceptRole,
    )
    refuse = box.addButton(tr("Refuse…"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(tr("Close"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(refuse if row.late else accept)
    box.exec()
    clicked = box.clickedButton()
    return ACCEPT if clicked is accept else REFUSE if clicked is refuse else None


class RequestsTab(AppointmentTab):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = SearchBox(tr("Member, employee, comment…"))
        self.kind = growing_combo()
        self.kind.addItem(tr("All requests"), None)
        self.kind.addItem(tr("Booking requests"), RequestKind.BOOKING)
        self.kind.addItem(tr("Cancellation requests"), RequestKind.CANCELLATION)
        bar.addWidget(self.search, 3)
        bar.addWidget(self.kind, 1)
        layout.addLayout(bar)
        self.model: RowsModel[RequestRow] = RowsModel(
            request_columns(), background=background, key=lambda row: row.id
        )
        self.table = DataTable("appointment_requests")
        self.proxy = self.table.set_rows_model(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search.search.connect(self._filter)
        self.kind.currentIndexChanged.connect(lambda _index: self._filter(self.search.text()))
        self.table.activated_row.connect(lambda _row: self.actions.run("handle"))
        layout.addWidget(self.table)
        self.count = QLabel()
        layout.addLayout(
            self.actions.bar("open_selected_member", "refuse", "handle", count=self.count)
        )
        self.actions.list_menu(self.table, "handle", "refuse", None, "open_selected_member")
        fit_columns_once(self.table)

    # -- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        actor = self.context.actor
        self.query(lambda session: request_service.pending_requests(session, actor), self._show)

    def _show(self, rows: list[RequestRow]) -> None:
        self.model.set_rows(rows)
        self._filter(self.search.text())

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        kind = self.kind.currentData()
        for row in range(self.model.rowCount()):
            source = self.proxy.mapFromSource(self.model.index(row, 0))
            if source.isValid():
                hidden = kind is not None and self.model.row_at(row).kind != kind
                self.table.setRowHidden(source.row(), hidden)
        visible = sum(1 for row in range(self.proxy.rowCount()) if not self.table.isRowHidden(row))
        self.count.setText(ntr("{count} request waiting", "{count} requests waiting", visible))

    def selected(self) -> RequestRow | None:
        return self.table.current_of(self.model)

    def selected_member_id(self) -> int | None:
        row = self.selected()
        return row.member_id if row is not None else None

    # -- handling ---------------------------------------------------------------------------

    @action(
        lambda: tr("Handle…"),
        shortcut=("Return", "Enter"),
        permission=Permission.APPOINTMENTS_MANAGE,
        on_list=True,
        default=True,
    )
    def handle(self) -> None:
        """Answer the selected request: a slot for a booking, the decision for a
        cancellation (colleagues see who handles it)."""
        self._handle()

    def _handle(self, *, take_over: bool = False) -> None:
        row = self.selected()
        if row is None:
            return
        actor = self.context.actor
        self.write(
            lambda session: request_service.claim_request(
                session, actor, row.id, take_over=take_over
            ),
            tr("Opening the request…"),
        ).success(self._claimed).failure(self._claim_refused).run()

    def _claim_refused(self, error: BaseException) -> bool:
        if isinstance(error, RequestClaimed):
            if confirm(
                self,
                tr("Request being handled"),
                tr("{message} Handle it yourself?", message=error.message),
                tr("Handle it"),
            ):
                self._handle(take_over=True)
            return False
        return True

    def _claimed(self, row: RequestRow) -> None:
        if row.status != "pending":
            return  # answered meanwhile: the list reloads for the change
        answered = self._book(row) if row.kind == RequestKind.BOOKING else self._cancellation(row)
        if not answered:
            self._release(row)

    def _release(self, row: RequestRow) -> None:
        """Give the request back to the queue (closed without an answer)."""
        actor = self.context.actor
        self.write(
            lambda session: request_service.release_request(session, actor, row.id),
            tr("Releasing the request…"),
            feedback=Feedback.SILENT,
        ).run()

    def _book(self, row: RequestRow) -> bool:
        assert self.choices is not None
        if row.employee_id is None or row.visit_type_code is None:
            return False
        heading = tr(
            "<b>{employee}</b> — {member} ({code})<br>{visit}, wished {period}.<br>{comment}",
            employee=row.employee,
            member=row.member_name,
            code=row.member_code,
            visit=row.visit_type,
            period=wished(row),
            comment=row.comment or "",
        )
        picked = self.book_slot(
            row.employee_id,
            row.visit_type_code,
            heading,
            title=tr("Validate the request"),
            first_day=row.wished_from,
            last_day=row.wished_to,
        )
        if picked is None:
            return False
        (slot, visit), actor = picked, self.context.actor
        self.write(
            lambda session: request_service.accept_booking_request(
                session, actor, row.id, row.version, slot, visit
            ),
            tr("Booking…"),
        ).conflict(self.reload).run()
        return True

    def _cancellation(self, row: RequestRow) -> bool:
        decision = cancellation_decision(self, row)
        if decision == ACCEPT:
            actor = self.context.actor
            self.write(
                lambda session: request_service.accept_cancellation_request(
                    session, actor, row.id, row.version, accept_late=row.late
                ),
                tr("Cancelling the appointment…"),
            ).conflict(self.reload).run()
            return True
        if decision == REFUSE:
            return self._refuse(row)
        return False

    @action(
        lambda: tr("Refuse…"),
        shortcut="Del",
        permission=Permission.APPOINTMENTS_MANAGE,
        on_list=True,
    )
    def refuse(self) -> None:
        """Refuse the selected request with a reason the member reads on the portal."""
        row = self.selected()
        if row is not None:
            self._refuse(row)

    def _refuse(self, row: RequestRow) -> bool:
        def work(session: Any) -> str:
            if row.late:
                return request_service.late_cancellation_reason(session)
            return ""

        self.query(work, lambda initial: self._ask_refusal(row, initial), topic="refusal")
        return True

    def _ask_refusal(self, row: RequestRow, initial: str) -> None:
        if row.employee_left_on is not None and not initial:
            initial = tr(
                "{employee} left the company on {date}.",
                employee=row.employee,
                date=formatting.day(row.employee_left_on),
            )
        reason = ask_reason(
            self,
            tr("Refuse the request"),
            tr("Reason for the refusal (the member reads it on the portal):"),
            initial=initial,
        )
        actor = self.context.actor
        if reason is None:
            self._release(row)
            return
        self.write(
            lambda session: request_service.refuse_request(
                session, actor, row.id, row.version, reason
            ),
            tr("Refusing…"),
        ).conflict(self.reload).run()

    def open(self, options: dict[str, Any]) -> None:
        if "request_id" in options:
            for row in range(self.model.rowCount()):
                if self.model.row_at(row).id == options["request_id"]:
                    index = self.proxy.mapFromSource(self.model.index(row, 0))
                    self.table.selectRow(index.row())
