"""This workstation's interface language."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.views.settings.tab import SettingsTab


class LanguageTab(SettingsTab):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.language = QComboBox()
        self.language.addItem("Français", "fr")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(
            max(0, self.language.findData(QSettings().value("language", "fr")))
        )
        self.form.addRow(tr("Interface language"), self.language)
        self.form.addRow("", QLabel(tr("The language changes at the next start.")))
        self.layout_.addStretch()

    def save_locally(self) -> None:
        QSettings().setValue("language", self.language.currentData())
