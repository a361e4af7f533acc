"""What every tab of the settings dialog is: it reads what it shows in the background,
shows it, and says what saving it does. The dialog saves every tab in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from PySide6.QtWidgets import QFormLayout, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services import settings
from backoffice.services.permissions import Actor
from backoffice.views.widgets.dialogs import note
from backoffice.views.widgets.layouts import Row, add_rows
from backoffice.views.widgets.operation_dialog import FIELD_ERROR_STYLE

SaveWork = Callable[[Session, Actor], object]


class SettingsTab(QWidget):
    """Subclasses put their inputs in ``form`` (and name them in ``fields``, by the field
    names the services' refusals use), and implement what they need of :meth:`read`,
    :meth:`show_values`, :meth:`save_work` (service-wide settings, saved by the dialog in
    one transaction) and :meth:`save_locally` (this workstation's own). What runs in the
    background captures plain values only, never a widget."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.fields: dict[str, QWidget] = {}
        self.loaded = False
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)

    # -- what subclasses say --------------------------------------------------------------

    @classmethod
    def read(cls, session: Session) -> Any:
        """What the tab shows, read in the background: plain values (a class method: the
        worker holds no widget)."""
        return None

    def show_values(self, values: Any) -> None:
        """Fill the inputs with what :meth:`read` returned."""

    def save_work(self) -> SaveWork | None:
        """The service call saving the tab, or None when it has nothing to save. Raises
        ``ValidationFailed`` for what is already seen to be wrong (a mistyped date)."""
        return None

    def save_locally(self) -> None:
        """Store this workstation's own settings (not in the database)."""

    # -- shared behaviour -----------------------------------------------------------------

    def shown(self, values: Any) -> None:
        self.show_values(values)
        self.loaded = True

    def read_only_note(self) -> str:
        """What a member of staff who may not change the tab reads under it."""
        return tr("Only an administrator can change these values.")

    def add_fields(self, *rows: Row, note: str = "") -> None:
        """The form's rows (see :func:`add_rows`); ``note``: a sentence under them."""
        add_rows(self.form, rows, self.fields)
        if note:
            self.add_note(note)

    def add_note(self, text: str) -> None:
        """A sentence under the inputs of the form."""
        self.form.addRow("", note(text))

    def set_editable(self, editable: bool) -> None:
        if editable:
            return
        for widget in self.fields.values():
            widget.setEnabled(False)
        self.layout_.addWidget(note(self.read_only_note()))

    def mark(self, names: Collection[str]) -> None:
        """Mark in red the inputs of ``names`` (and unmark the others)."""
        for name, widget in self.fields.items():
            widget.setStyleSheet(FIELD_ERROR_STYLE if name in names else "")


class KeysTab(SettingsTab):
    """A tab of plain settings (``services.settings`` keys), stored with ``put_many``."""

    keys: tuple[str, ...] = ()

    @classmethod
    def read(cls, session: Session) -> dict[str, Any]:
        return {key: settings.get(session, key) for key in cls.keys}

    def values(self) -> dict[str, Any]:
        """The settings to store, by key."""
        raise NotImplementedError

    def save_work(self) -> SaveWork | None:
        if not self.loaded:
            return None
        values = self.values()
        return lambda session, actor: settings.put_many(session, actor, values)
