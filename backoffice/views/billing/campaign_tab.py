"""Campagne: the dry run of a year's invoicing (each member's invoice, totals, anomalies),
then the issue in one go — with progress, cancellable until the commit — and the printing
of the invoices of a run, into one PDF or one file each."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QLabel,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import ntr, tr
from backoffice.models import FollowUpCategory
from backoffice.ops.context import AppContext, ChangeNotice
from backoffice.services.billing import campaign, campaign_issue, documents
from backoffice.services.billing.campaign import (
    Anomaly,
    CampaignPreview,
    CampaignRun,
    PlannedInvoice,
)
from backoffice.services.billing.campaign_issue import CampaignOutcome
from backoffice.services.einvoicing import platform
from backoffice.services.einvoicing.platform import DepositOutcome
from backoffice.services.errors import ServiceError
from backoffice.services.mail import documents as mail_documents
from backoffice.services.permissions import Permission
from backoffice.views import formatting, labels
from backoffice.views.billing.einvoicing_tab import deposited
from backoffice.views.billing.invoice_mailing import ask_invoice_delivery, send_invoices
from backoffice.views.billing.widgets import WARNING_STYLE, heading, unbreakable
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.dialogs import confirm, inform
from backoffice.views.widgets.files import ask_folder, ask_save_path, pdf_filter
from backoffice.views.widgets.inputs import year_spin
from backoffice.views.widgets.layouts import STRETCH, hbox, pane
from backoffice.views.widgets.lists import show_rows
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.operations import Feedback
from backoffice.views.widgets.preview import show_pdf
from backoffice.views.widgets.rows_model import (
    Column,
    RowsModel,
    count_column,
    member_columns,
    moment_column,
    money_column,
)
from backoffice.views.widgets.table import DataTable

NOT_BILLED = QColor("#fbe3e3")
INFORMATION = QColor("#fff4d6")


def planned_columns() -> list[Column[PlannedInvoice]]:
    return [
        *member_columns(),
        count_column("SI", lambda r: r.headcounts[FollowUpCategory.SI]),
        count_column("SIA", lambda r: r.headcounts[FollowUpCategory.SIA]),
        count_column("SIR", lambda r: r.headcounts[FollowUpCategory.SIR]),
        money_column(tr("Total excl. VAT"), lambda r: r.amounts.total_ht_cents),
        money_column(tr("Discount"), lambda r: r.amounts.discount_cents),
        money_column(tr("VAT"), lambda r: r.amounts.vat_cents),
        money_column(tr("Total incl. VAT"), lambda r: r.amounts.total_ttc_cents),
        Column(
            tr("Instalments"),
            lambda r: " + ".join(formatting.amount(amount) for _due, amount in r.instalments),
            lambda r: len(r.instalments),
        ),
        Column(tr("Direct debit"), lambda r: formatting.yes_no(r.direct_debit)),
    ]


class CampaignTab(LiveTab):
    TABLES = ("invoices", "billing_campaigns", "workforce_declarations", "tariffs")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.preview_result: CampaignPreview | None = None
        self.year = year_spin()
        self.year.valueChanged.connect(lambda _value: self.reload())
        self.preview_button, self.issue_button = self.actions.buttons("run_preview", "issue")
        bar = hbox(
            tr("Campaign of the year"), self.year, self.preview_button, STRETCH, self.issue_button
        )
        self.summary = QLabel(tr("Choose a year and preview its campaign."))
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.outdated = QLabel(tr("The data may have changed since this preview: preview again."))
        self.outdated.setStyleSheet(WARNING_STYLE)
        self.outdated.setVisible(False)
        self.anomalies: RowsModel[Anomaly] = RowsModel(
            [
                Column(tr("Anomaly"), lambda r: labels.label(r.kind)),
                *member_columns(),
                Column(tr("Consequence"), lambda r: r.message, tooltip=lambda r: r.message),
            ],
            background=lambda r: INFORMATION if r.billed else NOT_BILLED,
        )
        self.anomaly_table = DataTable("billing_campaign_anomalies")
        show_rows(self.anomaly_table, self.anomalies)
        self.planned: RowsModel[PlannedInvoice] = RowsModel(planned_columns())
        self.planned_table = DataTable("billing_campaign_invoices")
        show_rows(self.planned_table, self.planned)
        runs = self._runs_panel()
        top = QSplitter()
        top.addWidget(self._titled(tr("Anomalies"), self.anomaly_table))
        top.addWidget(runs)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self._titled(tr("Invoices to issue"), self.planned_table))
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.outdated)
        layout.addWidget(splitter, 1)

    def _runs_panel(self) -> QWidget:
        self.runs: RowsModel[CampaignRun] = RowsModel(
            [
                moment_column(tr("Issued at"), lambda r: r.issued_at),
                Column(tr("By"), lambda r: r.issued_by),
                count_column(tr("Invoices"), lambda r: r.invoice_count),
                money_column(tr("Total incl. VAT"), lambda r: r.total_ttc_cents),
            ],
            key=lambda row: row.id,
        )
        self.run_table = DataTable("billing_campaign_runs")
        show_rows(self.run_table, self.runs, 0, Qt.SortOrder.DescendingOrder)
        self.run_table.activated_row.connect(lambda _row: self.actions.run("print_run"))
        run_actions = ("print_run", "email_run", "deposit_run")
        self.actions.list_menu(self.run_table, *run_actions)
        return pane(
            heading(tr("Runs of this campaign")),
            self.run_table,
            self.actions.tool_bar(*run_actions),
        )

    @staticmethod
    def _titled(title: str, table: DataTable) -> QWidget:
        return pane(heading(title), table)

    def load(self) -> None:
        """Reload the runs; a preview is a snapshot, marked outdated rather than recomputed
        (a campaign of 50,000 members is not recomputed behind the user's back)."""
        self.load_runs()
        if self.preview_result is not None and self.preview_result.year == self.year.value():
            self.outdated.setVisible(True)
        elif self.preview_result is not None:
            self._clear_preview(tr("Choose a year and preview its campaign."))

    def _clear_preview(self, message: str) -> None:
        self.outdated.setVisible(False)
        self.preview_result = None
        self.planned.set_rows([])
        self.anomalies.set_rows([])
        self.summary.setText(message)

    def load_runs(self) -> None:
        actor, year = self.context.actor, self.year.value()
        self.query(lambda s: campaign.campaign_runs(s, actor, year), self.runs.set_rows)

    def on_own_change(self, notice: ChangeNotice) -> None:
        """Issuing clears the preview and reloads the runs itself (``_issued``)."""

    # -- preview --------------------------------------------------------------------------

    @action(lambda: tr("Preview"), shortcut="Ctrl+Return")
    def run_preview(self) -> None:
        """The campaign's dry run: the invoices it would issue, totals and anomalies."""
        actor, year = self.context.actor, self.year.value()
        self.write(
            lambda session, progress: campaign.preview(session, actor, year, progress),
            tr("Computing the campaign {year}…", year=year),
            writes=False,
            feedback=Feedback.CANCELLABLE,
        ).success(self._show_preview).failure(self._preview_failed).run()

    def _preview_failed(self, error: BaseException) -> bool:
        if isinstance(error, ServiceError):
            self._clear_preview(error.message)
            return False
        return True

    def _show_preview(self, result: CampaignPreview) -> None:
        self.outdated.setVisible(False)
        self.preview_result = result
        self.planned.set_rows(result.invoices)
        self.anomalies.set_rows(result.anomalies)
        totals = result.totals
        not_billed = sum(1 for anomaly in result.anomalies if not anomaly.billed)
        self.summary.setText(
            unbreakable(
                tr(
                    "<b>{invoices}</b> on {issued_on} ({employees}, "
                    "{instalments} instalments due on {dates}). Total excl. VAT <b>{ht}</b>, "
                    "direct debit discount {discount}, VAT {vat}, <b>total incl. VAT {ttc}</b>. "
                    "Already billed: {billed}. Not billed: {not_billed}.",
                    invoices=ntr(
                        "{count} invoice to issue", "{count} invoices to issue", totals.invoices
                    ),
                    issued_on=formatting.day(result.issued_on),
                    employees=ntr("{count} employee", "{count} employees", totals.employees),
                    instalments=totals.instalments,
                    dates=", ".join(formatting.day(day) for day in result.due_dates),
                    ht=formatting.amount(totals.total_ht_cents),
                    discount=formatting.amount(totals.discount_cents),
                    vat=formatting.amount(totals.vat_cents),
                    ttc=formatting.amount(totals.total_ttc_cents),
                    billed=result.already_billed,
                    not_billed=not_billed,
                )
            )
        )

    # -- issue ----------------------------------------------------------------------------

    @action(lambda: tr("Issue the invoices…"), permission=Permission.BILLING_ISSUE)
    def issue(self) -> None:
        """Issue the campaign previewed (numbers taken now, continuous)."""
        result = self.preview_result
        if result is None or result.year != self.year.value():
            inform(self, tr("Campaign"), tr("Preview the campaign first, then issue it."))
            return
        if not result.invoices:
            inform(self, tr("Campaign"), tr("Nobody is left to bill for {year}.", year=result.year))
            return
        if not confirm(
            self,
            tr("Issue the campaign {year}", year=result.year),
            tr(
                "Issue {count} invoices for {year}, total incl. VAT {ttc}? Their numbers are "
                "taken now; an issued invoice can no longer change (only a credit note "
                "cancels it). You can cancel until the end: nothing is saved then.",
                count=result.totals.invoices,
                year=result.year,
                ttc=formatting.amount(result.totals.total_ttc_cents),
            ),
            tr("Issue the invoices"),
        ):
            return
        actor, year = self.context.actor, result.year
        self.write(
            lambda session, progress: (
                campaign_issue.issue(session, actor, year, progress),
                platform.has_outbox(session),
                mail_documents.mail_enabled(session),
            ),
            tr("Issuing the campaign {year}…", year=year),
            feedback=Feedback.CANCELLABLE,
        ).success(lambda result: self._issued(*result)).run()

    def _issued(
        self, outcome: CampaignOutcome, platform_ready: bool = False, mail_ready: bool = False
    ) -> None:
        self._clear_preview("")
        self.load_runs()
        if outcome.invoice_count == 0:
            inform(self, tr("Campaign"), tr("Nobody was left to bill."))
            return
        message = tr(
            "{count} invoices issued ({first} to {last}), total incl. VAT {ttc}.",
            count=outcome.invoice_count,
            first=outcome.first_number,
            last=outcome.last_number,
            ttc=formatting.amount(outcome.total_ttc_cents),
        )
        self.summary.setText(message)
        if outcome.campaign_id is None:
            return
        if platform_ready and confirm(
            self,
            tr("Campaign issued"),
            message + "\n\n" + tr("Produce their Factur-X for the e-invoicing platform now?"),
            tr("Deposit…"),
        ):
            self.deposit_campaign(outcome.campaign_id)
        elif mail_ready and confirm(
            self,
            tr("Campaign issued"),
            message
            + "\n\n"
            + tr(
                "Send the invoices by e-mail now (with their PDF; those of the members who "
                "take their documents by post are printed)?"
            ),
            tr("Send by e-mail…"),
        ):
            self.email_campaign(outcome.campaign_id)
        elif confirm(
            self,
            tr("Campaign issued"),
            message + "\n\n" + tr("Print the invoices now?"),
            tr("Print…"),
        ):
            self.print_campaign(outcome.campaign_id)

    def _chosen_run(self, title: str) -> CampaignRun | None:
        """The run selected in the list, or None after saying (under ``title``) to pick one."""
        run = self.run_table.current_of(self.runs)
        if run is None:
            inform(self, title, tr("Select a run of the campaign first."))
        return run

    # -- e-invoicing ----------------------------------------------------------------------

    @action(lambda: tr("Deposit the Factur-X of this run…"), permission=Permission.BILLING_ISSUE)
    def deposit_run(self) -> None:
        """The Factur-X of the selected run's invoices, written to the platform's outbox."""
        if (run := self._chosen_run(tr("E-invoicing"))) is not None:
            self.deposit_campaign(run.id)

    def deposit_campaign(self, campaign_id: int) -> None:
        actor = self.context.actor

        def work(session: object, progress: object) -> DepositOutcome:
            ids = documents.campaign_invoice_ids(session, actor, campaign_id)
            return platform.deposit(session, actor, ids, progress=progress)

        self.write(work, tr("Producing the Factur-X…"), feedback=Feedback.CANCELLABLE).success(
            lambda outcome: deposited(self, outcome)
        ).run()

    # -- e-mail ---------------------------------------------------------------------------

    @action(
        lambda: tr("Send the invoices by e-mail…"),
        permission=Permission.BILLING_ISSUE,
        tip=lambda: tr(
            "The invoices of the selected run with their PDF, as each member prefers (e-mail "
            "or post); an invoice already sent is never sent twice"
        ),
    )
    def email_run(self) -> None:
        """The invoices of the selected run by e-mail (or on paper, as chosen)."""
        if (run := self._chosen_run(tr("Invoices by e-mail"))) is not None:
            self.email_campaign(run.id, run.invoice_count)

    def email_campaign(self, campaign_id: int, count: int | None = None) -> None:
        delivery = ask_invoice_delivery(self, count)
        if delivery is None:
            return
        actor = self.context.actor
        send_invoices(
            self,
            lambda session: documents.campaign_invoice_ids(session, actor, campaign_id),
            delivery,
        )

    # -- printing -------------------------------------------------------------------------

    @action(lambda: tr("Print the invoices of this run…"))
    def print_run(self) -> None:
        """The PDF invoices of the selected run (one file, or one per invoice)."""
        if (run := self._chosen_run(tr("Printing"))) is not None:
            self.print_campaign(run.id)

    def print_campaign(self, campaign_id: int) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(tr("Print the invoices"))
        box.setText(tr("All the invoices in one PDF file, or one file per invoice?"))
        one = box.addButton(tr("One PDF file"), QMessageBox.ButtonRole.AcceptRole)
        each = box.addButton(tr("One file per invoice"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() not in (one, each):
            return
        one_file = box.clickedButton() is one
        target = (
            ask_save_path(
                self,
                tr("Save the invoices"),
                tr("invoices-{year}.pdf", year=self.year.value()),
                pdf_filter(),
                kind="invoices",
            )
            if one_file
            else ask_folder(self, tr("Folder for the invoices"), "invoices")
        )
        if target is None:
            return
        actor = self.context.actor

        def work(session: object, progress: object) -> tuple[int, bytes | None]:
            ids = documents.campaign_invoice_ids(session, actor, campaign_id)
            written = documents.write_invoice_pdfs(
                session, actor, ids, target, one_file=one_file, progress=progress
            )
            if one_file:  # shown to print it
                return len(ids), target.read_bytes()
            return len(written), None

        self.write(
            work, tr("Printing the invoices…"), writes=False, feedback=Feedback.CANCELLABLE
        ).success(lambda result: self._printed(target, *result)).run()

    def _printed(self, target: Path, count: int, pdf: bytes | None) -> None:
        saved = ntr(
            "{count} invoice saved in {path}.",
            "{count} invoices saved in {path}.",
            count,
            path=target,
        )
        if pdf is None:
            inform(self, tr("Printing"), saved)
        else:
            show_pdf(self, tr("Invoices"), pdf, name=target.name, kind="invoices", note=saved)
