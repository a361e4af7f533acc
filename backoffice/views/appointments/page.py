"""Rendez-vous: the medical assistants' section — the portal's requests, the agenda, the
appointments (convocations, outcomes), the employees to convene, the care network.

``open({"tab": "requests"})`` (the dashboard's card) shows the requests; other keys:
``agenda`` (with ``centre_id`` or ``professional_id``, ``day``), ``list``, ``needs``,
``network``. Alt+D, A, R, C, S switch tabs.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.appointments.choices import NetworkChoices, network_choices
from backoffice.views.appointments.agenda_tab import AgendaTab
from backoffice.views.appointments.list_tab import AppointmentListTab
from backoffice.views.appointments.needs_tab import NeedsTab
from backoffice.views.appointments.network_tab import NETWORK_TABLES, NetworkTab
from backoffice.views.appointments.requests_tab import RequestsTab
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.page import TabbedPage


class AppointmentsPage(TabbedPage):
    """The page reads the care network (centres, professionals, kinds of visit) that every
    tab's filters need, and again when it changes; each tab is a live tab of its own."""

    TABLES = NETWORK_TABLES

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.choices: NetworkChoices | None = None
        self.tabs.setDocumentMode(False)
        add = self.tabs.add
        self.requests = add("requests", RequestsTab(context), tr("&Requests"))
        self.agenda = add("agenda", AgendaTab(context), tr("&Agenda"))
        self.list = add("list", AppointmentListTab(context), tr("Appointments (&day lists)"))
        self.needs = add("needs", NeedsTab(context), tr("To &convene"))
        self.network = add("network", NetworkTab(context), tr("Care network (&S)"))
        for tab in (self.requests, self.agenda, self.list, self.needs):
            tab.open_member.connect(
                lambda member_id: self.navigate_to.emit("members", {"member_id": member_id})
            )

    # -- page interface -----------------------------------------------------------------------

    def refresh(self) -> None:
        """F5: the network, then every tab (the one shown at once)."""
        self.reload()

    def open(self, options: dict[str, Any]) -> None:
        tab = self.tabs.by_key.get(str(options.get("tab", "")))
        if tab is None and ("centre_id" in options or "professional_id" in options):
            tab = self.agenda
        if tab is not None:
            self.tabs.setCurrentWidget(tab)
            if isinstance(tab, LiveTab) and tab.loaded_once:
                tab.reload()
            if hasattr(tab, "open"):
                tab.open(options)

    # -- loading ------------------------------------------------------------------------------

    def load(self) -> None:
        actor = self.context.actor
        self.query(lambda session: network_choices(session, actor), self._choices_loaded)

    def _choices_loaded(self, choices: NetworkChoices) -> None:
        self.choices = choices
        for tab in self.tabs.by_key.values():
            tab.set_choices(choices)  # type: ignore[attr-defined]
            tab.mark_stale()  # type: ignore[attr-defined]
