"""The first access of a new member: find it, and send its letter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.accounts import access
from backoffice.services.members import MemberRow
from backoffice.views.accounts.letter_dialog import with_letter
from backoffice.views.accounts.member_picker import MemberPicker
from backoffice.views.widgets.operation_dialog import OperationDialog


class FirstAccessDialog(OperationDialog):
    def __init__(self, context: AppContext, parent: QWidget | None) -> None:
        super().__init__(context, parent, tr("First access of a new member"))
        self.resize(700, 480)
        self.add_intro(
            tr(
                "Find the new member: its portal account is created (its login is its member "
                "code) with a temporary password, printed in the welcome letter."
            )
        )
        self.picker = MemberPicker(context)
        self.picker.picked.connect(lambda _member: self.submit())
        self.layout_.addWidget(self.picker)
        self.set_action(tr("Create the access and print the letter"))

    def work(self) -> Callable[[Session], Any] | None:
        member: MemberRow | None = self.picker.selected()
        if member is None:
            self.show_errors(tr("Choose the member first."))
            return None
        actor, code = self.context.actor, member.member_code
        return lambda session: with_letter(access.first_access(session, actor, code))
