"""The review of one request, beside the queue: who sent what and when, each field current
vs submitted, the warnings, what approving will do, and the decision buttons."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import tr
from backoffice.models import ChangeKind
from backoffice.ops.context import AppContext
from backoffice.ops.operation import Operation, run_query
from backoffice.services.changes import claims, decisions, review
from backoffice.services.changes.decisions import DecisionOutcome
from backoffice.services.changes.review import ReviewDetail
from backoffice.services.errors import ValidationFailed
from backoffice.services.permissions import Permission
from backoffice.views.changes.fields_model import Choice, ReviewFieldsModel
from backoffice.views.changes.fields_table import FieldsTable
from backoffice.views.changes.review_text import (
    consequences_text,
    header_text,
    outcome_message,
    rich_label,
)
from backoffice.views.widgets.dialogs import ask_reason, confirm

WARNING_STYLE = "background: #fff1d6; border: 1px solid #e0b060; padding: 6px; border-radius: 4px;"
# Approving these has effects beyond the record (exits, cancelled appointments): ask first.
WEIGHTY = (ChangeKind.SITUATION, ChangeKind.EMPLOYEE_EXITED)


class ReviewPanel(QWidget):
    decided = Signal(int, str)  # request id, what happened
    stale = Signal()  # the request changed elsewhere: the queue should reload

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.detail: ReviewDetail | None = None
        self.request_id: int | None = None
        self._sequence = 0
        self._held_by_me: int | None = None
        self.can_review = context.allows(Permission.CHANGES_REVIEW)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        self.header = QLabel(tr("Select a request in the queue."))
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.header)
        self.warnings = rich_label(WARNING_STYLE)
        layout.addWidget(self.warnings)
        self.model = ReviewFieldsModel(self)
        self.table = FieldsTable()
        self.table.setModel(self.model)
        self.table.setObjectName("review_fields")
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(lambda index: self.edit_reason(index.row()))
        edit = QShortcut(QKeySequence("F2"), self.table)
        edit.setContext(Qt.ShortcutContext.WidgetShortcut)
        edit.activated.connect(lambda: self.edit_reason(self.table.currentIndex().row()))
        self.table.horizontalHeader().sectionResized.connect(lambda *_: self.table.fit_height())
        layout.addWidget(self.table)
        self.consequences = rich_label("padding: 4px;")
        layout.addWidget(self.consequences)
        self.errors = rich_label("color: #b00020;")
        layout.addWidget(self.errors)
        layout.addStretch()
        layout.addLayout(self._buttons())
        self._show_nothing()

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.take_over_button = QPushButton(tr("Take over (Ctrl+T)"))
        self.take_over_button.clicked.connect(self.take_over)
        self.duplicate_button = QPushButton(tr("Close as duplicate (Ctrl+D)"))
        self.duplicate_button.clicked.connect(self.close_as_duplicate)
        self.reject_button = QPushButton(tr("Reject… (Ctrl+R)"))
        self.reject_button.clicked.connect(self.reject)
        self.approve_button = QPushButton(tr("Approve (Ctrl+Enter)"))
        self.approve_button.setDefault(True)
        self.approve_button.clicked.connect(self.approve)
        for button in (self.take_over_button, self.duplicate_button):
            row.addWidget(button)
        row.addStretch()
        row.addWidget(self.reject_button)
        row.addWidget(self.approve_button)
        for button in self._decision_buttons():
            button.setVisible(self.can_review)
        return row

    def _decision_buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.take_over_button,
            self.duplicate_button,
            self.reject_button,
            self.approve_button,
        )

    # -- showing a request ---------------------------------------------------------------------

    def show_request(self, request_id: int | None) -> None:
        """Open a request for review (a reviewer takes it); None clears the panel."""
        self._release_previous(request_id)
        self.request_id = request_id
        self._sequence += 1
        if request_id is None:
            self._show_nothing()
            return
        actor, sequence = self.context.actor, self._sequence
        if self.can_review:
            Operation(
                self.context,
                None,
                lambda session: review.open_for_review(session, actor, request_id),
                label=tr("Opening the request…"),
            ).success(lambda detail: self._loaded(sequence, detail, claimed=True)).run()
        else:
            self.reload()

    def reload(self) -> None:
        """Read the shown request again, without taking it."""
        if self.request_id is None:
            return
        actor, request_id, sequence = self.context.actor, self.request_id, self._sequence
        run_query(
            self.context,
            self,
            lambda session: review.review_detail(session, actor, request_id),
            lambda detail: self._loaded(sequence, detail, claimed=False),
        )

    def _release_previous(self, next_id: int | None) -> None:
        previous, self._held_by_me = self._held_by_me, None
        if previous is not None and previous != next_id:
            actor = self.context.actor
            Operation(
                self.context, None, lambda session: claims.release(session, actor, previous)
            ).run()

    def _loaded(self, sequence: int, detail: ReviewDetail, *, claimed: bool) -> None:
        if sequence != self._sequence:
            return  # the reviewer already moved on
        if claimed and detail.pending and detail.holder is None:
            self._held_by_me = detail.id
        self.detail = detail
        editable = self.can_review and detail.pending and detail.holder is None
        self.model.load(detail.fields, editable=editable, refusal=detail.blocking)
        self.table.fit_height()
        self.header.setText(header_text(detail))
        self._set_warnings(detail.warnings)
        self.consequences.setText(consequences_text(detail))
        self.consequences.setVisible(True)
        self.errors.clear()
        self._enable_buttons(detail)

    def _enable_buttons(self, detail: ReviewDetail) -> None:
        editable = self.can_review and detail.pending and detail.holder is None
        self.approve_button.setEnabled(editable and detail.blocking is None)
        self.reject_button.setEnabled(editable)
        self.duplicate_button.setEnabled(editable and detail.duplicate_of is not None)
        self.duplicate_button.setVisible(self.can_review and detail.duplicate_of is not None)
        self.take_over_button.setVisible(self.can_review and detail.holder is not None)
        self.take_over_button.setEnabled(detail.pending and detail.holder is not None)

    def _show_nothing(self) -> None:
        self.detail = None
        self.model.load((), editable=False, refusal=None)
        self.header.setText(tr("Select a request in the queue."))
        self._set_warnings(())
        self.consequences.setVisible(False)
        self.errors.clear()
        for button in self._decision_buttons():
            button.setEnabled(False)
        self.take_over_button.setVisible(False)
        self.duplicate_button.setVisible(False)

    def _set_warnings(self, warnings: tuple[str, ...]) -> None:
        self.warnings.setText("<br>".join(f"⚠ {html.escape(w)}" for w in warnings))
        self.warnings.setVisible(bool(warnings))

    # -- deciding ---------------------------------------------------------------------------------

    def approve(self) -> None:
        """Approve the ticked fields and reject the others (asking their reason once)."""
        if self.detail is None or not self.reject_button.isEnabled():
            return
        if self.detail.blocking:
            self.errors.setText(self.detail.blocking)
            return
        undecided = self.model.undecided()
        if undecided:
            self.errors.setText(
                tr(
                    "Choose for each field in conflict: tick it to replace the current value "
                    "with the submitted one, untick it to keep the current value."
                )
            )
            self.model.mark({self.model.fields[row].name for row in undecided})
            self.table.setCurrentIndex(self.model.index(undecided[0], 0))
            self.table.setFocus()
            return
        if not self._reasons_for_rejected_fields() or not self._confirm_weighty():
            return
        choices, actor, request_id = self.model.field_choices(), self.context.actor, self.detail.id
        self._decide(
            lambda session: decisions.approve(session, actor, request_id, choices),
            tr("Approving…"),
        )

    def _reasons_for_rejected_fields(self) -> bool:
        missing = self.model.rejected_without_reason()
        if not missing:
            return True
        names = ", ".join(self.model.fields[row].label for row in missing)
        reason = ask_reason(
            self,
            tr("Fields not approved"),
            tr("The member reads this reason on the portal for: {fields}", fields=names),
        )
        if reason is None:
            return False
        self.model.set_reason(missing, reason)
        return True

    def _confirm_weighty(self) -> bool:
        detail = self.detail
        if detail is None or detail.kind not in WEIGHTY:
            return True
        return confirm(
            self,
            tr("Approve this change"),
            tr("Approving has these consequences:") + "\n• " + "\n• ".join(detail.consequences),
            tr("Approve"),
        )

    def edit_reason(self, row: int) -> None:
        """Double-click or F2 on a rejected field: the reason the member will read."""
        if (
            not self.reject_button.isEnabled()
            or row < 0
            or self.model.choices[row] != Choice.REJECT
        ):
            return
        field = self.model.fields[row]
        reason = ask_reason(
            self,
            tr("Reason for {field}", field=field.label),
            tr("The member reads this reason on the portal:"),
            initial=self.model.reason_at(row),
        )
        if reason is not None:
            self.model.set_reason([row], reason)
            self.table.fit_height()

    def reject(self) -> None:
        if self.detail is None or not self.reject_button.isEnabled():
            return
        reason = ask_reason(
            self,
            tr("Reject the request"),
            tr("Reason for the rejection (the member reads it on the portal):"),
            initial=self.detail.blocking or "",
        )
        if reason is None:
            return
        actor, request_id = self.context.actor, self.detail.id
        self._decide(
            lambda session: decisions.reject(session, actor, request_id, reason), tr("Rejecting…")
        )

    def close_as_duplicate(self) -> None:
        detail = self.detail
        if detail is None or not self.duplicate_button.isEnabled():
            return
        if not confirm(
            self,
            tr("Close as duplicate"),
            tr(
                "Close request {id} as a duplicate of request {first}? The first one is the "
                "one reviewed.",
                id=detail.id,
                first=detail.duplicate_of,
            ),
            tr("Close as duplicate"),
        ):
            return
        actor, request_id = self.context.actor, detail.id
        self._decide(
            lambda session: decisions.close_as_duplicate(session, actor, request_id),
            tr("Closing…"),
        )

    def take_over(self) -> None:
        detail = self.detail
        if detail is None or detail.holder is None or not self.can_review:
            return
        if not confirm(
            self,
            tr("Take over the request"),
            tr("{name} is reviewing this request. Take it over?", name=detail.holder.name),
            tr("Take over"),
        ):
            return
        actor, request_id = self.context.actor, detail.id
        Operation(
            self.context,
            self,
            lambda session: claims.claim(session, actor, request_id, take_over=True),
            label=tr("Taking over…"),
        ).success(lambda _holder: self.show_request(request_id)).run()

    def _decide(self, work: Any, label: str) -> None:
        for button in self._decision_buttons():
            button.setEnabled(False)
        self._held_by_me = None  # a decision releases the request
        Operation(self.context, self, work, label=label).success(self._done).failure(
            self._refused
        ).conflict(self._reload_after_conflict).run()

    def _done(self, outcome: DecisionOutcome) -> None:
        self.decided.emit(outcome.request_id, outcome_message(outcome))

    def _refused(self, error: BaseException) -> bool:
        if isinstance(error, ValidationFailed):
            self.errors.setText(error.message)
            self.model.mark({item.field for item in error.errors})
            if self.detail is not None:  # the reviewer's ticks and reasons stay as they were
                self._enable_buttons(self.detail)
            return False
        return True  # the standard dialog (a colleague decided, connection lost...)

    def _reload_after_conflict(self) -> None:
        self.reload()
        self.stale.emit()
