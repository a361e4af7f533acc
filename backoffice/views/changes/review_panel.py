"""The review of one request, beside the queue: who sent what and when, each field current
vs submitted, the warnings, what approving will do, and the decision buttons."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QVBoxLayout, QWidget

from backoffice.i18n import tr
from backoffice.models import ChangeKind
from backoffice.ops.context import AppContext
from backoffice.services.changes import claims, decisions, review
from backoffice.services.changes.decisions import DecisionOutcome
from backoffice.services.changes.fields import GROUPS
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
from backoffice.views.widgets.actions import Actions, action
from backoffice.views.widgets.dialogs import ask_reason, confirm, note
from backoffice.views.widgets.operations import Feedback, Latest, write

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
        self.latest = Latest(self)
        self._held_by_me: int | None = None
        self.can_review = context.allows(Permission.CHANGES_REVIEW)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        self.header = note(tr("Select a request in the queue."))
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
        self.actions = Actions(self, self.context)
        self.take_over_button, self.duplicate_button, self.reject_button, self.approve_button = (
            self.actions.buttons("take_over", "close_as_duplicate", "reject", "approve")
        )
        row = QHBoxLayout()
        for button in (self.take_over_button, self.duplicate_button):
            row.addWidget(button)
        row.addStretch()
        row.addWidget(self.reject_button)
        row.addWidget(self.approve_button)
        return row

    # -- showing a request ---------------------------------------------------------------------

    def show_request(self, request_id: int | None) -> None:
        """Open a request for review (a reviewer takes it); None clears the panel."""
        self._release_previous(request_id)
        self.request_id = request_id
        asked = self.request_id  # an answer for another request than the one shown is dropped
        if request_id is None:
            self._show_nothing()
            return
        actor = self.context.actor
        if self.can_review:  # taking it writes the claim: the queue knows it from us
            write(
                self,
                lambda session: review.open_for_review(session, actor, request_id),
                tr("Opening the request…"),
                feedback=Feedback.SILENT,
            ).success(lambda detail: self._loaded(asked, detail, claimed=True)).finally_(
                lambda: self._claim_finished(request_id)
            ).run()
        else:
            self.reload()

    def reload(self) -> None:
        """Read the shown request again, without taking it."""
        if self.request_id is None:
            return
        actor, request_id = self.context.actor, self.request_id
        self.latest.read(
            lambda session: review.review_detail(session, actor, request_id),
            lambda detail: self._loaded(request_id, detail, claimed=False),
        )

    def _claim_finished(self, request_id: int) -> None:
        """A claim that came back after the reviewer moved on (or left) is let go of."""
        if self.request_id != request_id:
            self._release(request_id)

    def _release_previous(self, next_id: int | None) -> None:
        previous, self._held_by_me = self._held_by_me, None
        if previous is not None and previous != next_id:
            self._release(previous)

    def _release(self, request_id: int) -> None:
        actor = self.context.actor
        write(
            self,
            lambda session: claims.release(session, actor, request_id),
            tr("Releasing the request…"),
            feedback=Feedback.SILENT,
        ).run()

    def _loaded(self, asked: int, detail: ReviewDetail, *, claimed: bool) -> None:
        if asked != self.request_id:
            return  # the reviewer already moved on
        if claimed and detail.pending and detail.holder is None:
            self._held_by_me = detail.id
        self.detail = detail
        editable = self.can_review and detail.pending and detail.holder is None
        self.model.load(
            detail.fields,
            editable=editable,
            refusal=detail.blocking,
            groups=GROUPS.get(detail.kind, ()),
        )
        self.table.fit_height()
        self.header.setText(header_text(detail))
        self._set_warnings(detail.warnings)
        self.consequences.setText(consequences_text(detail))
        self.consequences.setVisible(True)
        self.errors.clear()
        self._enable_buttons(detail)

    def _enable_buttons(self, detail: ReviewDetail | None) -> None:
        editable = (
            detail is not None and self.can_review and detail.pending and detail.holder is None
        )
        held = detail is not None and detail.pending and detail.holder is not None
        duplicate = detail is not None and detail.duplicate_of is not None
        self.actions.enable("approve", editable and detail.blocking is None)  # type: ignore[union-attr]
        self.actions.enable("reject", editable)
        self.actions.enable("close_as_duplicate", editable and duplicate)
        self.actions.show("close_as_duplicate", duplicate)
        self.actions.enable("take_over", held)
        self.actions.show("take_over", held)

    def _show_nothing(self) -> None:
        self.detail = None
        self.model.load((), editable=False, refusal=None)
        self.header.setText(tr("Select a request in the queue."))
        self._set_warnings(())
        self.consequences.setVisible(False)
        self.errors.clear()
        self._enable_buttons(None)

    def _set_warnings(self, warnings: tuple[str, ...]) -> None:
        self.warnings.setText("<br>".join(f"⚠ {html.escape(w)}" for w in warnings))
        self.warnings.setVisible(bool(warnings))

    # -- deciding ---------------------------------------------------------------------------------

    @action(
        lambda: tr("Approve"),
        shortcut=("Ctrl+Return", "Ctrl+Enter"),
        permission=Permission.CHANGES_REVIEW,
        default=True,
    )
    def approve(self) -> None:
        """Approve the ticked fields and reject the others (asking their reason once)."""
        if self.detail is None or not self.actions["reject"].isEnabled():
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
            not self.actions["reject"].isEnabled()
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

    @action(lambda: tr("Reject…"), shortcut="Ctrl+R", permission=Permission.CHANGES_REVIEW)
    def reject(self) -> None:
        """Reject the whole request with a reason the member reads (nothing internal is
        offered as that reason)."""
        if self.detail is None or not self.actions["reject"].isEnabled():
            return
        reason = ask_reason(
            self,
            tr("Reject the request"),
            tr("Reason for the rejection (the member reads it on the portal):"),
        )
        if reason is None:
            return
        actor, request_id = self.context.actor, self.detail.id
        self._decide(
            lambda session: decisions.reject(session, actor, request_id, reason), tr("Rejecting…")
        )

    @action(
        lambda: tr("Close as duplicate"), shortcut="Ctrl+D", permission=Permission.CHANGES_REVIEW
    )
    def close_as_duplicate(self) -> None:
        detail = self.detail
        if detail is None or not self.actions["close_as_duplicate"].isEnabled():
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

    @action(lambda: tr("Take over"), shortcut="Ctrl+T", permission=Permission.CHANGES_REVIEW)
    def take_over(self) -> None:
        """Take over a request a colleague is reviewing."""
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
        write(
            self,
            lambda session: claims.claim(session, actor, request_id, take_over=True),
            tr("Taking over…"),
        ).success(lambda _holder: self.show_request(request_id)).run()

    def _decide(self, work: Any, label: str) -> None:
        for name in ("approve", "reject", "close_as_duplicate", "take_over"):
            self.actions.enable(name, False)
        self._held_by_me = None  # a decision releases the request
        write(self, work, label).success(self._done).failure(self._refused).conflict(
            self._reload_after_conflict
        ).run()

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
