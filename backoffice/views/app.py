"""Start-up: the Qt application, French, the database, login, then the main window."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTimer, QTranslator
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


def open_database(url: str) -> Database:
    """The database, brought to the current schema when it is the embedded SQLite file."""
    database = Database(url)

    def prepare() -> None:
        if database.backend == "sqlite":
            database.upgrade()
        else:
            database.check_schema()

    call_in_background(prepare)
    return database


def log_in(context: AppContext) -> Actor | None:
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
    actor = log_in(context)
    if actor is None:
        return 0
    context.actor = actor
    from backoffice.views.main_window import MainWindow

    window = MainWindow(context)
    live = LiveRefresh(database, context.bus, window)
    live.start()
    window.show()
    code = app.exec()
    live.stop()
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
        database = open_database(f"sqlite:///{Path(folder) / 'self-check.sqlite3'}")
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
