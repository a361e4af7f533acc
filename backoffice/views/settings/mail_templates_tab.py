"""Paramètres › Modèles d'e-mails (administrator): the French text of each kind of message
the outbox sends, with the fields it may use listed beside it (a double-click writes one
where the cursor is), a preview as a member will see it (a real member of the database
and an example of every other field), a French sentence as soon as a field does not
exist, and the default text back on demand. Saved with the other settings, in the same
transaction; a text equal to the default is stored as the default (it then follows the
program's future wording)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.i18n import tr, trc
from backoffice.identity import ServiceIdentity
from backoffice.models import MailKind, MailStatus, Member
from backoffice.ops.context import AppContext
from backoffice.services import identity as identity_service
from backoffice.services.errors import ValidationFailed
from backoffice.services.mail import settings as smtp
from backoffice.services.mail import templates
from backoffice.services.mail.labels import kind_label
from backoffice.services.mail.queries import Preview
from backoffice.services.permissions import Actor
from backoffice.views.mail.page import preview_html
from backoffice.views.settings.tab import SaveWork, SettingsTab
from backoffice.views.widgets.dialogs import confirm, error_label
from backoffice.views.widgets.layouts import pane
from backoffice.views.widgets.lists import show_rows
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.table import DataTable

SAMPLE_MEMBER = ("BOULANGERIE EXEMPLE SARL", "200123", "contact@boulangerie-exemple.fr")


@dataclass(frozen=True)
class Stored:
    """What the tab reads: every kind's template, and what the preview needs."""

    templates: dict[MailKind, templates.Template]
    identity: ServiceIdentity
    sender: str
    reply_to: str
    member: tuple[str, str, str]  # name, code, address of the member shown in the preview


@dataclass(frozen=True)
class KindRow:
    kind: MailKind
    state: str


@dataclass(frozen=True)
class FieldRow:
    name: str
    meaning: str


class MailTemplatesTab(SettingsTab):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.stored: Stored | None = None
        self.drafts: dict[MailKind, tuple[str, str]] = {}  # what is typed, per kind
        self.kind: MailKind | None = None
        self._filling = False

        self.kinds: RowsModel[KindRow] = RowsModel(
            [
                Column(tr("Message"), lambda row: kind_label(row.kind)),
                Column(tr("State"), lambda row: row.state),
            ],
            key=lambda row: row.kind,
        )
        self.kinds_table = DataTable("mail_templates_kinds")
        show_rows(self.kinds_table, self.kinds)
        self.kinds_table.selectionModel().currentRowChanged.connect(self._kind_chosen)

        self.subject = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setMinimumHeight(150)
        self.problems = error_label()
        self.restore_button = QPushButton(tr("Restore the default text…"))
        self.restore_button.clicked.connect(self.restore_default)
        self.subject.textEdited.connect(self._typed)
        self.body.textChanged.connect(self._typed)
        self._last_editor: QLineEdit | QPlainTextEdit = self.body
        self.subject.installEventFilter(self)
        self.body.installEventFilter(self)
        self.fields = {"subject": self.subject, "text": self.body}

        self.field_rows: RowsModel[FieldRow] = RowsModel(
            [
                Column(tr("Field"), lambda row: "{" + row.name + "}"),
                Column(
                    tr("What it holds"), lambda row: row.meaning, tooltip=lambda row: row.meaning
                ),
            ]
        )
        self.fields_table = DataTable("mail_templates_fields")
        show_rows(self.fields_table, self.field_rows)
        self.fields_table.setToolTip(tr("Double-click a field to write it where the cursor is."))
        self.fields_table.doubleClicked.connect(self._insert_field)

        self.preview = QTextBrowser()
        self.preview.setOpenExternalLinks(False)
        self.preview_note = QLabel()
        self.preview_note.setWordWrap(True)
        self.preview_note.setStyleSheet("color: #667085")
        self._lay_out()

    def _lay_out(self) -> None:
        """The kinds beside the editor; below, the fields beside the preview."""
        editor = QWidget()
        form = QFormLayout(editor)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(tr("Subject"), self.subject)
        form.addRow(trc("mail", "Text"), self.body)
        form.addRow("", self.problems)
        form.addRow("", self.restore_button)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.kinds_table)
        top.addWidget(editor)
        top.setStretchFactor(1, 3)
        top.setSizes([290, 420])
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(pane(tr("Fields this message may use (double-click):"), self.fields_table))
        bottom.addWidget(pane(self.preview_note, self.preview))
        bottom.setStretchFactor(1, 2)
        bottom.setSizes([260, 440])
        both = QSplitter(Qt.Orientation.Vertical)
        both.addWidget(top)
        both.addWidget(bottom)
        both.setMinimumHeight(640)
        both.setSizes([300, 340])
        self.layout_.addWidget(both, 1)

    # -- reading and showing --------------------------------------------------------------

    @classmethod
    def read(cls, session: Session) -> Stored:
        mail = smtp.load(session)
        member = session.execute(
            select(Member.legal_name, Member.member_code, Member.email)
            .order_by(Member.member_code)
            .limit(1)
        ).first()
        sender = f"{mail.sender_name} <{mail.sender_address}>" if mail.sender_address else ""
        return Stored(
            {kind: templates.load(session, kind) for kind in MailKind},
            identity_service.load(session),
            sender,
            mail.reply_to,
            (member[0], member[1], member[2] or "") if member is not None else SAMPLE_MEMBER,
        )

    def show_values(self, values: Stored) -> None:
        self.stored = values
        self.drafts = {kind: (t.subject, t.text) for kind, t in values.templates.items()}
        self.kinds.set_rows([KindRow(kind, self._state(kind)) for kind in MailKind])
        self.select_kind(self.kind or MailKind.INVOICE)

    def select_kind(self, kind: MailKind) -> None:
        """Show ``kind`` (its row selected in the list, wherever sorting put it)."""
        table = self.kinds_table
        for view_row in range(table.model().rowCount()):
            if self.kinds.row_at(table.source_row(view_row)).kind == kind:
                table.selectRow(view_row)
                break
        if self.kind != kind:
            self.show_kind(kind)

    def _state(self, kind: MailKind) -> str:
        if self.stored is None:
            return ""
        if self.drafts.get(kind) != self._saved(kind):
            return tr("changed, not saved yet")
        if self.drafts.get(kind) != templates.DEFAULTS[kind]:
            return tr("edited")
        return tr("default")

    def _saved(self, kind: MailKind) -> tuple[str, str]:
        assert self.stored is not None
        saved = self.stored.templates[kind]
        return saved.subject, saved.text

    def _kind_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        kind = self.kinds.row_at(self.kinds_table.source_row(current.row())).kind
        if kind != self.kind:
            self.show_kind(kind)

    def show_kind(self, kind: MailKind) -> None:
        self.kind = kind
        subject, text = self.drafts[kind]
        self._filling = True
        try:
            self.subject.setText(subject)
            self.body.setPlainText(text)
        finally:
            self._filling = False
        self.field_rows.set_rows(
            [FieldRow(name, meaning) for name, meaning in templates.allowed_fields(kind).items()]
        )
        self._typed()

    # -- editing --------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Remember the last of subject and text that had the cursor: a field goes there."""
        if event.type() == QEvent.Type.FocusIn and watched in (self.subject, self.body):
            self._last_editor = watched  # type: ignore[assignment]
        return super().eventFilter(watched, event)

    def _insert_field(self, index: QModelIndex) -> None:
        if not index.isValid() or not self.body.isEnabled():
            return
        name = self.fields_table.model().index(index.row(), 0).data()
        editor = self._last_editor
        if isinstance(editor, QLineEdit):
            editor.insert(name)
            self._typed()
        else:
            editor.insertPlainText(name)
        editor.setFocus()

    def _typed(self) -> None:
        """Keep what is typed for the kind shown, say what is wrong, and preview it."""
        if self._filling or self.kind is None or self.stored is None:
            return
        kind, subject, text = self.kind, self.subject.text(), self.body.toPlainText()
        self.drafts[kind] = (subject, text)
        self.kinds.replace_rows([KindRow(kind, self._state(kind))])
        problems = templates.template_problems(kind, subject, text)
        self.problems.setText("\n".join(problem.message for problem in problems))
        self.mark({problem.field for problem in problems})
        self.restore_button.setEnabled(
            self.body.isEnabled() and self.drafts[kind] != templates.DEFAULTS[kind]
        )
        self._show_preview(kind, subject, text, bool(problems))

    def _show_preview(self, kind: MailKind, subject: str, text: str, wrong: bool) -> None:
        assert self.stored is not None
        name, code, address = self.stored.member
        who = f"{code} {name}"
        self.preview_note.setText(
            tr("As {member} will see it (the other values are examples):", member=who)
        )
        if wrong:
            self.preview.setHtml(
                "<p style='color:#667085'>"
                + tr("The preview comes back once the text is corrected.")
                + "</p>"
            )
            return
        values = templates.sample_values(kind, self.stored.identity, name, code)
        template = templates.Template(kind, subject, text, edited=True)
        rendered = templates.render(template, values, self.stored.identity)
        shown = Preview(
            id=0,
            status=MailStatus.QUEUED,
            sender=self.stored.sender,
            recipients=address,
            reply_to=self.stored.reply_to,
            subject=rendered.subject,
            html=rendered.html,
            text=rendered.text,
            attachments=(),
            message_id="",
            last_error="",
            server_reply="",
        )
        scroll = self.preview.verticalScrollBar().value()
        self.preview.setHtml(preview_html(shown))
        self.preview.verticalScrollBar().setValue(scroll)

    def restore_default(self) -> None:
        if self.kind is None:
            return
        if not confirm(
            self,
            tr("Restore the default text"),
            tr(
                "Replace the subject and text of « {kind} » by the default ones? What was "
                "written here is lost when the settings are saved.",
                kind=kind_label(self.kind),
            ),
            tr("Restore"),
        ):
            return
        self.drafts[self.kind] = templates.DEFAULTS[self.kind]
        self.show_kind(self.kind)

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        self.restore_button.setEnabled(editable)
        if not editable:
            self.subject.setReadOnly(True)
            self.body.setReadOnly(True)

    # -- saving ---------------------------------------------------------------------------

    def save_work(self) -> SaveWork | None:
        if self.stored is None:
            return None
        changed = {kind: draft for kind, draft in self.drafts.items() if draft != self._saved(kind)}
        if not changed:
            return None
        for kind, (subject, text) in changed.items():
            problems = templates.template_problems(kind, subject, text)
            if problems:
                self.select_kind(kind)
                raise ValidationFailed(problems)

        def save(session: Session, actor: Actor) -> None:
            for kind, (subject, text) in changed.items():
                if (subject, text) == templates.DEFAULTS[kind]:
                    templates.restore_default(session, actor, kind)
                else:
                    templates.save(session, actor, kind, subject, text)

        return save
