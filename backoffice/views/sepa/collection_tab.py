"""Prélèvements: prepare the collection of a date, review it, export the pain.008 file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from backoffice import clock
from backoffice.i18n import ntr, tr, trc
from backoffice.ops.context import AppContext, ChangeNotice
from backoffice.services.permissions import Permission
from backoffice.services.sepa import collections, selection
from backoffice.services.sepa.collections import ExportOutcome
from backoffice.services.sepa.selection import AnomalyKind, CollectionReview, anomaly_label
from backoffice.views import formatting
from backoffice.views.sepa.common import SEPA_TABLES
from backoffice.views.sepa.review_model import ReviewModel, anomaly_text
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.dialogs import confirm, inform, note
from backoffice.views.widgets.files import ask_save_path, write_whole, xml_filter
from backoffice.views.widgets.inputs import DateInput
from backoffice.views.widgets.lists import searchable
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.operations import Feedback
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable


class CollectionTab(LiveTab):
    """``exported`` fires with the outcome once the file is written. The collection date
    is the panel's (shared with the pre-notifications), proposed as the next due date."""

    TABLES = SEPA_TABLES
    exported = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.review: CollectionReview | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("Collection date")))
        self.date = DateInput(clock.today())
        bar.addWidget(self.date)
        self.resend = QCheckBox(tr("Take instalments already in a file (send again)"))
        self.late_notice = QCheckBox(tr("Take instalments not pre-notified in time (override)"))
        self.prepare_button = self.actions.button("prepare")
        bar.addWidget(self.prepare_button)
        bar.addStretch()
        layout.addLayout(bar)
        options = QHBoxLayout()  # a row of their own: the tab fits a laptop's screen
        options.addWidget(self.resend)
        options.addWidget(self.late_notice)
        options.addStretch()
        layout.addLayout(options)
        self.summary = QLabel(tr("Choose the collection date, then Prepare."))
        self.summary.setStyleSheet("font-weight: 600;")
        self.anomalies = note()
        layout.addWidget(self.summary)
        layout.addWidget(self.anomalies)
        self.search = SearchBox(tr("Filter the lines: member, invoice, anomaly…"))
        layout.addWidget(self.search)
        self.model = ReviewModel(self)
        self.model.chosen_changed.connect(self._show_summary)
        self.table = DataTable("sepa_review")
        self.proxy = searchable(self.table, self.model, 2)
        self.search.search.connect(self.proxy.search)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        layout.addWidget(self.table, 1)
        self.detail = note()
        layout.addWidget(self.detail)
        row = QHBoxLayout()
        tick, untick, self.export_button = self.actions.buttons("tick_all", "untick_all", "export")
        for button in (tick, untick, self.export_button):
            row.addWidget(button)
        row.addStretch()
        self.actions.enable("export", False)
        layout.addLayout(row)
        self.actions.list_menu(self.table, "tick_all", "untick_all")

    def load(self) -> None:
        """A review shown is prepared again (what it lists may have changed)."""
        if self.review is not None:
            self.prepare()

    def on_own_change(self, notice: ChangeNotice) -> None:
        """The export prepares the next batch itself."""

    # -- prepare and review ---------------------------------------------------------------

    @action(lambda: tr("Prepare"), shortcut="Ctrl+Return", permission=Permission.SEPA_MANAGE)
    def prepare(self) -> None:
        """Read the instalments the collection of the chosen date would debit."""
        try:
            day = self.date.day()
        except ValueError as error:
            self.summary.setText(str(error))
            return
        actor = self.context.actor
        resend, late = self.resend.isChecked(), self.late_notice.isChecked()
        self.query(
            lambda session: selection.review_collection(
                session, actor, day, resend=resend, late_notice=late
            ),
            self._show_review,
        )

    @action(lambda: tr("Tick all"))
    def tick_all(self) -> None:
        self.model.choose_all(True)

    @action(lambda: tr("Untick all"))
    def untick_all(self) -> None:
        self.model.choose_all(False)

    def _show_review(self, review: CollectionReview) -> None:
        previous, self.review = self.review, review
        same = previous is not None and (
            previous.collection_date,
            previous.resend,
            previous.late_notice,
        ) == (review.collection_date, review.resend, review.late_notice)
        self.model.set_rows(review.lines, keep_choices=same)
        counts = Counter(review.anomaly_counts)
        self.anomalies.setText(
            tr(
                "Anomalies: {list}",
                list=" · ".join(
                    f"{anomaly_label(kind)} {count}" for kind, count in sorted(counts.items())
                ),
            )
            if counts
            else tr("No anomaly.")
        )
        self._show_summary()

    def _show_summary(self) -> None:
        if self.review is None:
            return
        chosen = self.model.chosen()
        total = sum(line.amount_cents for line in chosen)
        members = len({line.member_id for line in chosen})
        left_out = len(self.review.lines) - len(chosen)
        self.summary.setText(
            tr(
                "Collection of {day} ({schema}): {count} debits for {members} members, "
                "{total} · {left_out} left out",
                day=formatting.day(self.review.collection_date),
                schema=self.review.schema,
                count=len(chosen),
                members=members,
                total=formatting.amount(total),
                left_out=left_out,
            )
        )
        self.actions.enable("export", bool(chosen))

    def _show_detail(self) -> None:
        line = self.table.current_of(self.model)
        if line is None:
            self.detail.clear()
            return
        self.detail.setText(anomaly_text(line))

    # -- export ---------------------------------------------------------------------------

    @action(lambda: tr("Export the file…"), shortcut="Ctrl+E", permission=Permission.SEPA_MANAGE)
    def export(self) -> None:
        """Write the pain.008 file of the ticked debits (validated against the schema)."""
        if self.review is None or not self.actions["export"].isEnabled():
            return
        chosen = self.model.chosen()
        target = self._ask_target()
        if target is None or not self._confirm(chosen):
            return
        review = self.review
        actor = self.context.actor
        versions = {line.instalment_id: line.version for line in chosen}
        self.write(
            lambda session, progress: collections.export_collection(
                session,
                actor,
                review.collection_date,
                instalment_versions=versions,
                resend=review.resend,
                late_notice=review.late_notice,
                file_name=target.name,
                progress=progress,
            ),
            tr("Exporting the direct-debit file…"),
            feedback=Feedback.CANCELLABLE,
        ).success(lambda outcome: self._write(target, outcome)).conflict(self.prepare).run()

    def _ask_target(self) -> Path | None:
        assert self.review is not None
        return ask_save_path(
            self,
            tr("Export the direct-debit file"),
            f"prelevements-{self.review.collection_date:%Y%m%d}.xml",
            xml_filter(),
            "sepa-files",
        )

    def _confirm(self, chosen: list[selection.ReviewLine]) -> bool:
        assert self.review is not None
        question = tr(
            "Export {count} debits ({total}) collected on {day}? The instalments will be "
            "marked as sent and the file kept.",
            count=len(chosen),
            total=formatting.amount(sum(line.amount_cents for line in chosen)),
            day=formatting.day(self.review.collection_date),
        )
        overridden = Counter(
            anomaly.kind for line in chosen for anomaly in line.anomalies if anomaly.overridden
        )
        if overridden[AnomalyKind.ALREADY_SENT]:
            question += "\n\n" + ntr(
                "{count} instalment is already in an earlier file: if the bank processed "
                "it, the member is debited twice.",
                "{count} instalments are already in an earlier file: if the bank processed "
                "it, the members are debited twice.",
                overridden[AnomalyKind.ALREADY_SENT],
            )
        late = overridden[AnomalyKind.NOT_PRENOTIFIED] + overridden[AnomalyKind.LATE_NOTICE]
        if late:
            question += "\n\n" + ntr(
                "{count} instalment was not pre-notified in time.",
                "{count} instalments were not pre-notified in time.",
                late,
            )
        return confirm(self, tr("Export the direct-debit file"), question, trc("action", "Export"))

    def _write(self, target: Path, outcome: ExportOutcome) -> None:
        try:
            write_whole(target, outcome.xml)
        except OSError as error:
            inform(
                self,
                tr("File not written"),
                tr(
                    "The collection was recorded but the file could not be written ({error}). "
                    "It is kept: save a copy from the Files tab.",
                    error=error.strerror or str(error),
                ),
            )
        else:
            inform(
                self,
                tr("Direct-debit file exported"),
                tr(
                    "{path}\n{count} debits, {total}, collected on {day}.\nMessage {message_id} "
                    "({schema}), validated against the official schema.",
                    path=target,
                    count=outcome.count,
                    total=formatting.amount(outcome.total_cents),
                    day=formatting.day(outcome.collection_date),
                    message_id=outcome.message_id,
                    schema=outcome.schema,
                ),
            )
        self.exported.emit(outcome)
        self.review = None  # a new batch: every line ticked again
        self.prepare()
