"""Settings: this workstation's connection and language, and the service-wide settings
(the service's identity, billing, direct debits, portal, appointments...), one tab each
(``SETTINGS_TABS``). Saving stores every tab's settings in one transaction: a refusal
shows the tab concerned, its fields in red, and keeps what was typed."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.errors import ValidationFailed
from backoffice.views.settings import SETTINGS_TABS
from backoffice.views.settings.tab import SaveWork, SettingsTab
from backoffice.views.widgets.dialogs import error_label, size_within_screen
from backoffice.views.widgets.operations import read, write


class RefusedInTab(ValidationFailed):
    """A tab's settings refused: which tab, and why."""

    def __init__(self, tab: str, refusal: ValidationFailed) -> None:
        super().__init__(refusal.errors)
        self.tab = tab


class SettingsDialog(QDialog):
    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, tab: str | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(tr("Settings"))
        # the e-mail templates' tab shows a list, a text and its preview side by side
        size_within_screen(self, wanted=(1180, 820), least=(900, 640))
        self.sections = QListWidget()
        self.sections.setMaximumWidth(200)
        self.pages = QStackedWidget()
        self.sections.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.tabs: dict[str, SettingsTab] = {}
        self.editable: set[str] = set()
        for spec in SETTINGS_TABS:
            page = spec.load()(context)
            editable = spec.permission is None or context.allows(spec.permission)
            page.set_editable(editable)
            if editable:
                self.editable.add(spec.key)
            self.tabs[spec.key] = page
            self.sections.addItem(spec.title())
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(page)
            self.pages.addWidget(scroll)
        body = QHBoxLayout()
        body.addWidget(self.sections)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.show_tab(tab or "database")
        self._load()

    def show_tab(self, key: str) -> None:
        self.sections.setCurrentRow(list(self.tabs).index(key))

    def current_tab(self) -> str:
        return list(self.tabs)[self.sections.currentRow()]

    def _load(self) -> None:
        readers = {key: type(tab).read for key, tab in self.tabs.items()}  # no widget

        def work(session: Session) -> dict[str, Any]:
            return {key: read(session) for key, read in readers.items()}

        read(self, work, self._loaded)

    def _loaded(self, values: dict[str, Any]) -> None:
        for key, tab in self.tabs.items():
            tab.shown(values[key])

    # -- saving ---------------------------------------------------------------------------

    def save(self) -> None:
        works: list[tuple[str, SaveWork]] = []
        for key, tab in self.tabs.items():
            if key not in self.editable:
                continue
            try:
                tab.save_locally()
                work = tab.save_work()
            except ValidationFailed as refusal:
                self._refused(RefusedInTab(key, refusal))
                return
            if work is not None:
                works.append((key, work))
        if not works:
            self.accept()
            return
        actor = self.context.actor

        def save_all(session: Session) -> None:
            for key, work in works:
                try:
                    work(session, actor)
                except ValidationFailed as refusal:
                    raise RefusedInTab(key, refusal) from refusal

        write(self, save_all, tr("Saving the settings…")).success(
            lambda _result: self.accept()
        ).failure(self._refused).run()

    def _refused(self, error: BaseException) -> bool:
        if not isinstance(error, RefusedInTab):
            return True
        self.error.setText(error.message)
        for key, tab in self.tabs.items():
            tab.mark({item.field for item in error.errors} if key == error.tab else ())
        self.show_tab(error.tab)
        return False
