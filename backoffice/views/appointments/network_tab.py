"""Réseau de soins: the visit centres (opening hours), the professionals (sessions, the
members they are the referent of) and the kinds of visit. Administrators edit them;
everyone who sees the appointments can look."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import ntr, tr
from backoffice.models import ProfessionalKind
from backoffice.ops.context import AppContext
from backoffice.services.appointments import centres, professionals
from backoffice.services.appointments import visit_types as visits
from backoffice.services.appointments.centres import CentreRow
from backoffice.services.appointments.choices import NetworkChoices
from backoffice.services.appointments.network import weekday_name
from backoffice.services.appointments.periods import WeeklyHours
from backoffice.services.appointments.professionals import ProfessionalRow
from backoffice.services.permissions import Permission
from backoffice.views import formatting
from backoffice.views.appointments.common import centre_combo, professional_combo
from backoffice.views.appointments.network_dialogs import (
    CentreDialog,
    ProfessionalDialog,
    VisitTypeDialog,
)
from backoffice.views.widgets.actions import Actions, action
from backoffice.views.widgets.dialogs import confirm
from backoffice.views.widgets.layouts import add_rows
from backoffice.views.widgets.lists import fit_columns_once
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.operation_dialog import FormDialog
from backoffice.views.widgets.page import Tabs
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.table import DataTable

Row = TypeVar("Row")
NETWORK_TABLES = (
    "visit_centres",
    "centre_opening_hours",
    "health_professionals",
    "consultation_sessions",
    "visit_types",
)


def weekly_text(hours: tuple[WeeklyHours, ...]) -> str:
    """``lun. 08:00–12:30, 13:30–18:00 · mar. …``, one group per weekday."""
    days: dict[int, list[str]] = {}
    for item in hours:
        days.setdefault(item.weekday, []).append(f"{item.starts:%H:%M}–{item.ends:%H:%M}")
    return " · ".join(
        f"{weekday_name(day)[:3]}. {', '.join(periods)}" for day, periods in sorted(days.items())
    )


def centre_columns() -> list[Column[CentreRow]]:
    return [
        Column(tr("Code"), lambda r: r.values.code),
        Column(tr("Name"), lambda r: r.values.name),
        Column(tr("City"), lambda r: f"{r.values.postcode} {r.values.city}"),
        Column(tr("Phone"), lambda r: r.values.phone or ""),
        Column(tr("Opening hours"), lambda r: weekly_text(r.values.opening)),
        Column(tr("Members"), lambda r: str(r.members), lambda r: r.members, align_right=True),
        Column(
            tr("Professionals"),
            lambda r: str(r.professionals),
            lambda r: r.professionals,
            align_right=True,
        ),
        Column(tr("Open"), lambda r: formatting.yes_no(r.values.is_active)),
    ]


def professional_columns() -> list[Column[ProfessionalRow]]:
    return [
        Column(tr("Name"), lambda r: r.display_name, lambda r: r.values.last_name),
        Column(
            tr("Profession"),
            lambda r: tr("doctor") if r.values.kind == ProfessionalKind.DOCTOR else tr("nurse"),
        ),
        Column(tr("Centres"), lambda r: r.centres),
        Column(
            tr("Sessions"),
            lambda r: weekly_text(tuple(s.hours for s in r.values.sessions)),
        ),
        Column(
            tr("Referent of"),
            lambda r: ntr("{count} member", "{count} members", r.members),
            lambda r: r.members,
            align_right=True,
        ),
        Column(tr("Secretary"), lambda r: r.values.secretary_name or ""),
        Column(tr("Active"), lambda r: formatting.yes_no(r.values.is_active)),
    ]


def visit_columns() -> list[Column[visits.VisitTypeRow]]:
    return [
        Column(tr("Code"), lambda r: r.code),
        Column(tr("Label"), lambda r: r.label),
        Column(
            tr("Usual length"),
            lambda r: tr("{minutes} min", minutes=r.duration_minutes),
            lambda r: r.duration_minutes,
            align_right=True,
        ),
        Column(tr("Hiring visit"), lambda r: formatting.yes_no(r.is_hiring_visit)),
        Column(tr("Doctor only"), lambda r: formatting.yes_no(r.by_doctor_only)),
    ]


class ListSection(QWidget, Generic[Row]):
    """A list of the network with its New and Open actions (and extra buttons)."""

    def __init__(
        self,
        context: AppContext,
        key: str,
        columns: list[Column[Row]],
        edit: Callable[[Row | None], None],
        extra: tuple[QPushButton, ...] = (),
    ) -> None:
        super().__init__()
        self._edit = edit
        self.actions = Actions(self, context)
        self.editable = self.actions.allowed("new")
        if not self.editable:
            self.actions.retitle("open_selected", tr("Look…"))
        layout = QVBoxLayout(self)
        self.model: RowsModel[Row] = RowsModel(columns)
        self.table = DataTable(key)
        self.table.set_rows_model(self.model)
        self.table.activated_row.connect(lambda row: edit(self.model.row_at(row)))
        layout.addWidget(self.table)
        self.count = QLabel()
        bar = self.actions.bar("new", "open_selected", count=self.count)
        for button in extra:
            bar.addWidget(button)
        layout.addLayout(bar)
        self.actions.list_menu(self.table, "open_selected", "new")
        fit_columns_once(self.table)

    @action(lambda: tr("New…"), permission=Permission.CARE_NETWORK_MANAGE)
    def new(self) -> None:
        self._edit(None)

    @action(lambda: tr("Open…"), shortcut=("Return", "Enter"), on_list=True)
    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self._edit(row)

    def selected(self) -> Row | None:
        return self.table.current_of(self.model)

    def show_rows(self, rows: list[Row]) -> None:
        self.model.set_rows(rows)
        self.count.setText(ntr("{count} line", "{count} lines", len(rows)))


class NetworkTab(LiveTab):
    """The care network; what is saved here reaches the other tabs through their change
    notices (the page reloads the lists of centres and professionals)."""

    TABLES = (*NETWORK_TABLES, "members")  # the members' count per professional

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.choices: NetworkChoices | None = None
        self.editable = self.actions.allowed("reassign")
        layout = QVBoxLayout(self)
        if not self.editable:
            note = QLabel(tr("Only an administrator can change the care network."))
            note.setStyleSheet("color: #667085")
            layout.addWidget(note)
        tabs = Tabs()
        layout.addWidget(tabs)
        self.centres: ListSection[CentreRow] = ListSection(
            context, "network_centres", centre_columns(), self.edit_centre
        )
        self.professionals: ListSection[ProfessionalRow] = ListSection(
            context,
            "network_professionals",
            professional_columns(),
            self.edit_professional,
            (self.actions.button("reassign"),),
        )
        self.visits: ListSection[visits.VisitTypeRow] = ListSection(
            context, "network_visit_types", visit_columns(), self.edit_visit
        )
        tabs.addTab(self.centres, tr("Visit centres"))
        tabs.addTab(self.professionals, tr("Professionals"))
        tabs.addTab(self.visits, tr("Kinds of visit"))

    def set_choices(self, choices: NetworkChoices) -> None:
        self.choices = choices

    def load(self) -> None:
        actor = self.context.actor

        def work(session: Any) -> tuple[list, list, list]:
            return (
                centres.list_centres(session, actor),
                professionals.list_professionals(session, actor),
                visits.list_visit_types(session, actor),
            )

        self.query(work, self._show)

    def _show(self, result: tuple[list, list, list]) -> None:
        self.centres.show_rows(result[0])
        self.professionals.show_rows(result[1])
        self.visits.show_rows(result[2])

    def _saved(self, dialog: QDialog) -> None:
        dialog.exec()  # what it saves reloads the lists (their change notices)

    def edit_centre(self, row: CentreRow | None) -> None:
        self._saved(CentreDialog(self.context, self, row, self.editable))

    def edit_professional(self, row: ProfessionalRow | None) -> None:
        if self.choices is not None:
            active = [c for c in self.choices.centres if c.is_active]
            self._saved(ProfessionalDialog(self.context, self, row, active, self.editable))

    def edit_visit(self, row: visits.VisitTypeRow | None) -> None:
        self._saved(VisitTypeDialog(self.context, self, row, self.editable))

    @action(
        lambda: tr("Give their members another referent…"),
        permission=Permission.CARE_NETWORK_MANAGE,
    )
    def reassign(self) -> None:
        """The members of the selected professional get another referent doctor."""
        row = self.professionals.selected()
        if row is None or self.choices is None:
            return
        dialog = ReassignDialog(self, self.choices, row)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        target, centre = dialog.target.currentData(), dialog.centre.currentData()
        if target is None or not confirm(
            self,
            tr("New referent"),
            tr(
                "Give the members of {name} ({where}) the referent {target}?",
                name=row.display_name,
                where=dialog.centre.currentText(),
                target=dialog.target.currentText(),
            ),
            tr("Give the new referent"),
        ):
            return
        actor = self.context.actor
        self.write(
            lambda session: professionals.reassign_members(session, actor, row.id, target, centre),
            tr("Saving…"),
        ).run()


class ReassignDialog(FormDialog):
    def __init__(self, parent: QWidget, choices: NetworkChoices, row: ProfessionalRow) -> None:
        super().__init__(parent, tr("Give their members another referent"))
        self.add_intro(
            ntr(
                "{name} is the referent of {count} member.",
                "{name} is the referent of {count} members.",
                row.members,
                name=row.display_name,
            )
        )
        self.target: QComboBox = professional_combo(choices)
        self.target.removeItem(self.target.findData(row.id))
        self.centre: QComboBox = centre_combo(choices, everyone=tr("every centre"))
        add_rows(self.form, ((tr("New referent"), self.target), (tr("Members of"), self.centre)))

    def submit(self) -> None:
        self.accept()
