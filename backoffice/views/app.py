"""Start-up: the Qt application, French, the database, login, then the main window."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QSettings, Qt, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from backoffice import config, passwords
from backoffice.db import Database, DatabaseProblem, SchemaOutdated
from backoffice.i18n import set_language, tr
from backoffice.ops.blocking import call_in_background
from backoffice.ops.context import AppContext
from backoffice.ops.garbage import collect_on_gui_thread
from backoffice.ops.live_refresh import LiveRefresh
from backoffice.services import staff
from backoffice.services.permissions import Actor

if TYPE_CHECKING:
    from backoffice.ops.mail_sender import BackgroundSender
    from backoffice.views.main_window import MainWindow

log = logging.getLogger(__name__)
ORGANISATION = "SPSTI"
APPLICATION = "backoffice"


def application() -> QApplication:
    """The QApplication, in the language chosen in the settings (French by default)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    collect_on_gui_thread(app)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    language = str(QSettings().value("language", "fr"))
    set_language(language)
    QLocale.setDefault(
        QLocale(QLocale.Language.French if language == "fr" else QLocale.Language.English)
    )
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if language == "fr" and translator.load("qtbase_fr", folder):
        app.installTranslator(translator)
    return app


def open_database(url: str, *, create: bool | None = None) -> Database:
    """The database, brought to the current schema when it is a SQLite file. Only the
    embedded one is created on first start (unless ``create``): another address that
    names no file is a mistake, refused rather than created."""
    if create is None:
        create = url == config.default_sqlite_url()
    database = Database(url, create=create)

    def prepare() -> None:
        if database.backend == "sqlite":
            database.upgrade()
        else:
            database.check_schema()

    call_in_background(prepare)
    return database


def log_in(context: AppContext, message: str = "") -> Actor | None:
    """The login dialog (the first administrator's on an empty database), then the forced
    change of a temporary password; ``message`` is shown in it (why it is asked again)."""
    from backoffice.views.login_dialog import (
        ChangePasswordDialog,
        FirstAdministratorDialog,
        LoginDialog,
    )

    has_staff = call_in_background(lambda: _has_staff(context.database))
    if not has_staff:
        first = FirstAdministratorDialog(context)
        return first.actor if first.exec() == QDialog.DialogCode.Accepted else None
    login = LoginDialog(context)
    if message:
        login.error.setText(message)
    if login.exec() != QDialog.DialogCode.Accepted or login.actor is None:
        return None
    context.actor = login.actor
    if login.must_change_password:
        forced = ChangePasswordDialog(context, forced=True)
        if forced.exec() != QDialog.DialogCode.Accepted:
            return None
    return login.actor


def _has_staff(database: Database) -> bool:
    with database.session() as session:
        return staff.has_any_staff(session)


class Workspace(QObject):
    """The logged-in staff member's main window, with the live refresh it listens to and
    the outbox's background sender (both stopped when the window closes).

    When a service refuses because the staff member was disabled or changed role since
    logging in (``context.rights_changed``), the window closes and the login dialog comes
    back with the reason; a new window opens for whoever logs in, or the application ends.
    """

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.context = context
        self.window: MainWindow | None = None
        self._live: LiveRefresh | None = None
        self._sender: BackgroundSender | None = None
        context.rights_changed.connect(self.return_to_login, Qt.ConnectionType.QueuedConnection)

    def start(self) -> bool:
        """Log in, then open the window; False when the login was cancelled."""
        actor = log_in(self.context)
        if actor is None:
            return False
        self.context.actor = actor
        self.open_window()
        return True

    def open_window(self) -> MainWindow:
        from backoffice.views.main_window import MainWindow

        window = MainWindow(self.context)
        self._live = LiveRefresh(self.context.database, self.context.bus, window)
        self._live.start()
        from backoffice.ops.mail_sender import BackgroundSender

        self._sender = BackgroundSender(self.context, self)  # the outbox leaves from here too
        self._sender.status_changed.connect(window.show_mail_problem)
        self._sender.stop_with(window)  # stopped before the window waits for the pool
        self._sender.start()
        window.show()
        self.window = window
        return window

    def close_window(self) -> None:
        window, self.window = self.window, None
        if self._sender is not None:
            self._sender.stop()
            self._sender.deleteLater()  # a run still under way ends without it
            self._sender = None
        if self._live is not None:
            self._live.stop()
            self._live = None
        if window is not None:
            window.close()
            window.deleteLater()

    def return_to_login(self, message: str) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        quits = app.quitOnLastWindowClosed()
        app.setQuitOnLastWindowClosed(False)  # the login dialog comes between two windows
        try:
            self.close_window()
            actor = log_in(self.context, message)
            if actor is None:
                app.quit()
                return
            self.context.actor = actor
            self.open_window()
        finally:
            app.setQuitOnLastWindowClosed(quits)


def run(database_url: str | None) -> int:
    app = application()
    url = config.resolve_database_url(database_url)
    try:
        database = open_database(url)
    except DatabaseProblem as problem:
        hint = (
            ""
            if isinstance(problem, SchemaOutdated)
            else tr("\n\nChange the connection with --database or BACKOFFICE_DATABASE_URL.")
        )
        QMessageBox.critical(None, tr("Database"), problem.message + hint)
        return 2
    context = AppContext(database)
    workspace = Workspace(context)
    if not workspace.start():
        return 0
    code = app.exec()
    workspace.close_window()
    database.dispose()
    return code


def _check_printing(parent: QWidget) -> None:
    """Render and print (to a PDF file) a page made by reportlab, as the preview does."""
    import io

    from PySide6.QtPrintSupport import QPrinter
    from reportlab.pdfgen import canvas

    from backoffice.views.widgets.preview import PdfPreview, print_pdf

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Vérification")
    page.save()
    pdf = buffer.getvalue()
    preview = PdfPreview(parent, "self-check", pdf)
    preview.close()
    with tempfile.TemporaryDirectory() as folder:
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(Path(folder) / "printed.pdf"))
        if print_pdf(pdf, printer) != 1:
            raise RuntimeError("printing the test page failed")


def self_check() -> int:
    """Open and close the main window offscreen on a temporary database: every page of
    the administrator is shown once. Exit code 0 when all went well."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")  # offscreen's size hints
    with tempfile.TemporaryDirectory() as folder:
        os.environ["BACKOFFICE_CONFIG_DIR"] = folder
        app = application()
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        database = open_database(f"sqlite:///{Path(folder) / 'self-check.sqlite3'}", create=True)
        with database.transaction() as session:
            actor = staff.create_first_administrator(
                session, "verification", "Vérification", passwords.temporary_password()
            )
        context = AppContext(database, actor)
        from backoffice.views.main_window import MainWindow

        window = MainWindow(context)
        window.show()
        for row in range(window.navigation.count()):
            window.navigation.setCurrentRow(row)
            app.processEvents()
        _check_printing(window)  # the PDF renderer and Qt's printing are in the build
        QTimer.singleShot(300, window.close)
        app.exec()
        context.wait_for_background_work()
        pages = len(window.pages)
        database.dispose()
    print(tr("Self-check passed: {count} pages opened.", count=pages))
    return 0
