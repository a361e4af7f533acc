"""What can be done to an appointment, from the agenda or from a list: move it, cancel
it, record its outcome, print its convocation (or a day's)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtWidgets import QWidget

from backoffice.i18n import ntr, tr
from backoffice.models import AppointmentStatus
from backoffice.ops.context import AppContext
from backoffice.services.appointments import booking, outcomes
from backoffice.services.appointments.booking import SlotChoice
from backoffice.services.appointments.choices import NetworkChoices
from backoffice.services.appointments.convocations import (
    ConvocationDelivery,
    ConvocationSelection,
    deliver_convocations,
)
from backoffice.services.mail.documents import Delivery
from backoffice.services.progress import Progress
from backoffice.views.appointments.common import slot_text
from backoffice.views.appointments.slot_dialog import SlotRequest, pick_choice
from backoffice.views.widgets.delivery import choose_delivery, delivery_outcome
from backoffice.views.widgets.dialogs import ask_reason, inform
from backoffice.views.widgets.files import ask_save_path, pdf_filter, write_whole
from backoffice.views.widgets.operations import Feedback, write
from backoffice.views.widgets.preview import show_pdf


class AppointmentLike(Protocol):
    id: int
    version: int
    starts_at: datetime
    ends_at: datetime
    employee_id: int
    employee: str
    visit_type_code: str
    professional_id: int
    centre_id: int


class AppointmentChanges:
    """The changes to an appointment, run for a screen (``parent``, the initiator of their
    change notices: it reloads once for them); ``reload`` after a conflict."""

    def __init__(
        self,
        context: AppContext,
        parent: QWidget,
        choices: Callable[[], NetworkChoices | None],
        reload: Callable[[], None],
    ) -> None:
        self.context = context
        self.parent = parent
        self.choices = choices
        self.reload = reload

    def _write(self, work: Callable[[Any], Any], label: str) -> None:
        write(self.parent, work, label).conflict(self.reload).run()

    def cancel(self, appointment: AppointmentLike) -> None:
        reason = ask_reason(
            self.parent,
            tr("Cancel the appointment"),
            tr(
                "Cancel the appointment of {employee} on {when}? The slot is freed.\n"
                "Reason (kept in the history):",
                employee=appointment.employee,
                when=slot_text(appointment.starts_at, appointment.ends_at),
            ),
        )
        if reason is None:
            return
        actor = self.context.actor
        self._write(
            lambda session: booking.cancel_appointment(
                session, actor, appointment.id, appointment.version, reason
            ),
            tr("Cancelling…"),
        )

    def move(self, appointment: AppointmentLike) -> None:
        choices = self.choices()
        if choices is None:
            return
        picked = pick_choice(
            self.context,
            self.parent,
            choices,
            SlotRequest(
                appointment.employee_id,
                appointment.visit_type_code,
                tr(
                    "<b>{employee}</b>, now on {when}: choose the new slot.",
                    employee=appointment.employee,
                    when=slot_text(appointment.starts_at, appointment.ends_at),
                ),
                professional_id=appointment.professional_id,
                centre_id=appointment.centre_id,
                excluding=appointment.id,
            ),
            title=tr("Move the appointment"),
            action=tr("Move here"),
        )
        if picked is not None:
            self.move_to(appointment, picked[0])

    def move_to(self, appointment: AppointmentLike, choice: SlotChoice) -> None:
        actor = self.context.actor
        self._write(
            lambda session: booking.move_appointment(
                session, actor, appointment.id, appointment.version, choice
            ),
            tr("Moving…"),
        )

    def outcome(self, appointment_ids: list[int], status: AppointmentStatus) -> None:
        if not appointment_ids:
            return
        actor = self.context.actor
        self._write(
            lambda session: outcomes.record_outcome(session, actor, appointment_ids, status),
            tr("Recording the outcome…"),
        )

    def print(self, selection: ConvocationSelection, name: str) -> None:
        """By e-mail or on paper, as each member prefers (or as chosen; all on paper
        without a mail server); the letters to print saved, then shown."""
        choose_delivery(
            self.parent,
            tr("Convocations"),
            tr(
                "How should the convocations leave? E-mailed ones go to the member's "
                "convocation contact with their letter; the others are printed."
            ),
            lambda delivery: self._deliver(selection, name, delivery),
        )

    def _deliver(self, selection: ConvocationSelection, name: str, delivery: Delivery) -> None:
        """Ask where to save the letters to print, then produce them in the background
        with progress."""
        path = ask_save_path(
            self.parent, tr("Save the convocations to print"), name, pdf_filter(), "convocations"
        )
        if path is None:
            return
        actor = self.context.actor

        def work(session: Any, progress: Progress) -> ConvocationDelivery:
            delivered = deliver_convocations(session, actor, selection, delivery, progress)
            if delivered.pdf:
                write_whole(path, delivered.pdf, private=True)
            return delivered

        write(
            self.parent, work, tr("Sending the convocations…"), feedback=Feedback.CANCELLABLE
        ).success(lambda delivered: self._delivered(path, delivered)).run()

    def _delivered(self, path: Path, delivered: ConvocationDelivery) -> None:
        """What went by e-mail, and the convocations saved, shown to print them."""
        said = delivery_outcome(
            lambda count: ntr("{count} convocation", "{count} convocations", count),
            len(delivered.emailed),
            len(delivered.printed),
            delivered.problems,
        )
        if not delivered.pdf:
            inform(self.parent, tr("Convocations"), said)
            return
        saved = ntr(
            "{count} convocation saved in {path}.",
            "{count} convocations saved in {path}.",
            len(delivered.printed),
            path=path,
        )
        show_pdf(
            self.parent,
            tr("Convocations"),
            delivered.pdf,
            name=path.name,
            kind="convocations",
            private=True,
            note=saved if not delivered.emailed and not delivered.problems else f"{said}\n{saved}",
        )


def convocation_file_name(day: date | None, what: str = "") -> str:
    stamp = day.isoformat() if day else "selection"
    return f"convocations-{stamp}{'-' + what if what else ''}.pdf"
