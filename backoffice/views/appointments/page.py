"""Rendez-vous: the medical assistants' section — the portal's requests, the agenda, the
appointments (convocations, outcomes), the employees to convene, the care network.

``open({"tab": "requests"})`` (the dashboard's card) shows the requests; other keys:
``agenda`` (with ``centre_id`` or ``professional_id``, ``day``), ``list``, ``needs``,
``network``. Alt+D, A, R, C, S switch tabs.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from backoffice.i18n import tr
from backoffice.ops.context import AppContext, concerns
from backoffice.ops.operation import run_query
from backoffice.services.appointments.choices import NetworkChoices, network_choices
from backoffice.services.tracking import Touched
from backoffice.views.appointments.agenda_tab import AgendaTab
from backoffice.views.appointments.common import WATCHED
from backoffice.views.appointments.list_tab import AppointmentListTab
from backoffice.views.appointments.needs_tab import NeedsTab
from backoffice.views.appointments.network_tab import NetworkTab
from backoffice.views.appointments.requests_tab import RequestsTab
from backoffice.views.pages.base import Page

NETWORK_TABLES = (
    "visit_centres",
    "centre_opening_hours",
    "health_professionals",
    "consultation_sessions",
    "visit_types",
)


class AppointmentsPage(Page):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.choices: NetworkChoices | None = None
        self.requests = RequestsTab(context)
        self.agenda = AgendaTab(context)
        self.list = AppointmentListTab(context)
        self.needs = NeedsTab(context)
        self.network = NetworkTab(context)
        self.tabs = QTabWidget()
        self.keys: dict[str, QWidget] = {
            "requests": self.requests,
            "agenda": self.agenda,
            "list": self.list,
            "needs": self.needs,
            "network": self.network,
        }
        for widget, title in (
            (self.requests, tr("&Requests")),
            (self.agenda, tr("&Agenda")),
            (self.list, tr("Appointments (&day lists)")),
            (self.needs, tr("To &convene")),
            (self.network, tr("Care network (&S)")),
        ):
            self.tabs.addTab(widget, title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self._stale: set[QWidget] = set(self.keys.values())
        self.tabs.currentChanged.connect(lambda _index: self._show_current())
        for tab in (self.requests, self.agenda, self.list, self.needs):
            tab.open_member.connect(
                lambda member_id: self.navigate_to.emit("members", {"member_id": member_id})
            )
        for tab in (self.requests, self.needs):
            tab.changed.connect(self._others_stale)
        self.network.changed.connect(self._network_changed)
        context.bus.changed.connect(self._on_changed)
        self._loaded = False

    # -- page interface -----------------------------------------------------------------------

    def activated(self) -> None:
        if not self._loaded:
            self._loaded = True
            self._load_choices()
        else:
            self._show_current()

    def refresh(self) -> None:
        self._stale = set(self.keys.values())
        self._load_choices()

    def focus_search(self) -> None:
        current = self.tabs.currentWidget()
        if hasattr(current, "focus_search"):
            current.focus_search()

    def open(self, options: dict[str, Any]) -> None:
        tab = self.keys.get(str(options.get("tab", "")))
        if tab is None and ("centre_id" in options or "professional_id" in options):
            tab = self.agenda
        if tab is not None:
            self.tabs.setCurrentWidget(tab)
            if hasattr(tab, "open"):
                tab.open(options)

    # -- loading ------------------------------------------------------------------------------

    def _load_choices(self) -> None:
        actor = self.context.actor
        run_query(
            self.context,
            self,
            lambda session: network_choices(session, actor),
            self._choices_loaded,
        )

    def _choices_loaded(self, choices: NetworkChoices) -> None:
        self.choices = choices
        for tab in (self.requests, self.agenda, self.list, self.needs, self.network):
            if hasattr(tab, "set_choices"):
                tab.set_choices(choices)
            else:
                tab.choices = choices
        self._stale = set(self.keys.values())
        self._show_current()

    def _show_current(self) -> None:
        current = self.tabs.currentWidget()
        if self.choices is not None and current in self._stale:
            self._stale.discard(current)
            current.load()  # type: ignore[attr-defined]

    def _others_stale(self) -> None:
        self._stale = set(self.keys.values()) - {self.tabs.currentWidget()}

    def _network_changed(self) -> None:
        self._load_choices()

    def _on_changed(self, touched: Touched) -> None:
        if not self._loaded or not concerns(touched, *WATCHED):
            return
        if concerns(touched, *NETWORK_TABLES):
            self._load_choices()
            return
        self._stale = set(self.keys.values())
        if self.isVisible():
            self._show_current()
