"""The window staff live in: sections on the left, the current page on the right."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from backoffice import __version__
from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.permissions import role_label
from backoffice.views.pages import PAGES, PageSpec
from backoffice.views.pages.base import Page
from backoffice.views.widgets.actions import declared_in, with_keys
from backoffice.views.widgets.dialogs import inform


def section_shortcuts(spec: PageSpec, context: AppContext) -> list[str]:
    """The shortcuts of a section's declared actions the role may use, once each."""
    module = spec.load().__module__
    packages = [module] if module.startswith("backoffice.views.pages.") else []
    packages += [] if packages else [module.rpartition(".")[0]]
    packages += list(spec.also)
    for package in packages:  # every view of the section, opened yet or not
        imported = importlib.import_module(package)
        for info in pkgutil.iter_modules(getattr(imported, "__path__", [])):
            importlib.import_module(f"{package}.{info.name}")
    lines = {
        with_keys(declaration.label(), declaration)
        for package in packages
        for declaration in declared_in(package)
        if declaration.shortcuts
        and (declaration.permission is None or context.allows(declaration.permission))
    }
    return sorted(lines, key=str.casefold)


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(tr("Back-office — occupational health service"))
        self.specs: list[PageSpec] = [
            spec for spec in PAGES if spec.permission is None or context.allows(spec.permission)
        ]
        self.pages: dict[str, Page] = {}
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setMinimumWidth(200)
        self.navigation.setMaximumWidth(260)
        self.navigation.setStyleSheet(
            "QListWidget { font-size: 13px; padding: 6px; } QListWidget::item { padding: 8px 6px; }"
        )
        for number, spec in enumerate(self.specs, start=1):
            item = QListWidgetItem(self.style().standardIcon(spec.icon), spec.title())
            item.setToolTip(tr("{title} (Ctrl+{number})", title=spec.title(), number=number))
            self.navigation.addItem(item)
        self.stack = QStackedWidget()
        splitter = QSplitter()
        splitter.addWidget(self.navigation)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.navigation.currentRowChanged.connect(self._show_row)
        self._build_menus()
        self._build_shortcuts()
        self._build_status_bar()
        self.resize(1280, 800)
        self._restore_geometry()
        self.navigation.setCurrentRow(0)

    # -- navigation -----------------------------------------------------------------------

    def page(self, key: str) -> Page | None:
        """The page ``key`` (created on first use), or None when the role cannot see it."""
        if key in self.pages:
            return self.pages[key]
        spec = next((spec for spec in self.specs if spec.key == key), None)
        if spec is None:
            return None
        page: Page = spec.load()(self.context, self)
        page.navigate_to.connect(self.navigate)
        self.pages[key] = page
        self.stack.addWidget(page)
        return page

    def navigate(self, key: str, options: dict[str, Any] | None = None) -> None:
        keys = [spec.key for spec in self.specs]
        if key not in keys:
            self.statusBar().showMessage(tr("This section is not available for your role."), 5000)
            return
        self.navigation.setCurrentRow(keys.index(key))
        page = self.page(key)
        if page is not None and options:
            page.open(options)

    def current_page(self) -> Page | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Page) else None

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        page = self.page(self.specs[row].key)
        if page is not None:
            self.stack.setCurrentWidget(page)
            page.activated()

    # -- chrome ---------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(tr("&File"))
        self._entry(file_menu, tr("&Settings…"), self.open_settings, QKeySequence("Ctrl+,"))
        self._entry(file_menu, tr("Change my &password…"), self.change_password)
        file_menu.addSeparator()
        self._entry(file_menu, tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        help_menu = self.menuBar().addMenu(tr("&Help"))
        self._entry(help_menu, tr("Keyboard &shortcuts"), self.show_shortcuts, QKeySequence("F1"))
        self._entry(help_menu, tr("&About"), self._about)

    def _entry(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], object],
        keys: QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        """A menu entry running ``slot``, with its shortcut."""
        entry = QAction(text, self)
        if keys is not None:
            entry.setShortcut(keys)
        entry.triggered.connect(slot)
        menu.addAction(entry)
        return entry

    def _about(self) -> None:
        inform(
            self,
            tr("About"),
            tr(
                "Back-office of the occupational health service, version {version}.",
                version=__version__,
            ),
        )

    def _build_shortcuts(self) -> None:
        for number in range(1, min(len(self.specs), 9) + 1):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(lambda row=number - 1: self.navigation.setCurrentRow(row))
        QShortcut(QKeySequence.StandardKey.Find, self).activated.connect(self._focus_search)
        QShortcut(QKeySequence("F5"), self).activated.connect(self._refresh)

    def _focus_search(self) -> None:
        page = self.current_page()
        if page is not None:
            page.focus_search()

    def _refresh(self) -> None:
        page = self.current_page()
        if page is not None:
            page.refresh()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        actor = self.context.actor
        for text in (
            self.context.database.description(),
            tr("{name} ({login})", name=actor.full_name, login=actor.login),
            role_label(actor.role),
        ):
            label = QLabel(text)
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)
        self.mail_problem = QLabel()  # the background sender's last problem, if any
        self.mail_problem.setStyleSheet("color: #b42318")
        self.mail_problem.setVisible(False)
        bar.addPermanentWidget(self.mail_problem)

    def show_mail_problem(self, problem: str) -> None:
        """What keeps the outbox from leaving (a server unreachable…), or "" when it goes."""
        self.mail_problem.setText(tr("E-mails: {problem}", problem=problem) if problem else "")
        self.mail_problem.setToolTip(problem)
        self.mail_problem.setVisible(bool(problem))

    def show_shortcuts(self) -> None:
        """F1: the window's shortcuts, then each section's, read from the declarations its
        buttons are built from (so the list cannot disagree with them)."""
        lines = [
            tr("Ctrl+{number}: {title}", number=n, title=spec.title())
            for n, spec in enumerate(self.specs[:9], start=1)
        ]
        lines += [
            tr("Ctrl+F: search in the current list"),
            tr("F5: refresh"),
            tr("Ctrl+,: settings"),
            tr("Enter: open the selected line"),
        ]
        for spec in self.specs:
            declared = section_shortcuts(spec, self.context)
            if declared:
                lines += ["", f"<b>{spec.title()}</b>", *declared]
        box = QMessageBox(self)
        box.setWindowTitle(tr("Keyboard shortcuts"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText("<br>".join(lines))
        box.exec()

    def open_settings(self) -> None:
        from backoffice.views.settings.dialog import SettingsDialog

        SettingsDialog(self.context, self).exec()

    def change_password(self) -> None:
        from backoffice.views.login_dialog import ChangePasswordDialog

        ChangePasswordDialog(self.context, self).exec()

    # -- geometry -------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        settings = QSettings()
        geometry = settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = settings.value("main_window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/state", self.saveState())
        for page in self.pages.values():
            page.closing()
        self.context.wait_for_background_work(5000)
        super().closeEvent(event)
