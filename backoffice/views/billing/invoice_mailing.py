"""Invoices by e-mail from a screen (one invoice, a selection, a campaign's run): queued in
the outbox with their PDF as each member prefers (or all by e-mail, all by post), with
progress; then what happened in French, and the invoices that leave on paper (by post, or
whose message was kept back) offered for printing in one PDF."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from backoffice.i18n import ntr, tr
from backoffice.services.billing import documents, emailing
from backoffice.services.billing.emailing import InvoiceMailing
from backoffice.services.mail.documents import Delivery
from backoffice.services.progress import Progress
from backoffice.views.widgets.delivery import ask_delivery, delivery_outcome
from backoffice.views.widgets.dialogs import confirm, inform
from backoffice.views.widgets.files import ask_save_path, pdf_filter
from backoffice.views.widgets.operations import Feedback, write
from backoffice.views.widgets.preview import show_pdf

# The invoices to send, read in the worker (a campaign's run) or known already.
InvoiceIds = Callable[[Session], Sequence[int]]


def invoices(count: int) -> str:
    return ntr("{count} invoice", "{count} invoices", count)


def ask_invoice_delivery(parent: QWidget, count: int | None) -> Delivery | None:
    """The choice for several invoices (``count`` when known)."""
    what = invoices(count) if count is not None else tr("The invoices")
    return ask_delivery(
        parent,
        tr("Send the invoices by e-mail"),
        tr(
            "{invoices}: each with its PDF to the member's billing address. Members who "
            "take their documents by post get theirs printed. An invoice already sent is "
            "never sent twice.",
            invoices=what,
        ),
    )


def send_invoices(parent: QWidget, invoice_ids: InvoiceIds, delivery: Delivery) -> None:
    """Queue the invoices in the background (progress, cancellable: nothing is queued
    then), then say what happened and offer to print those that leave on paper."""
    actor = parent.context.actor  # type: ignore[attr-defined]

    def work(session: Session, progress: Progress) -> InvoiceMailing:
        ids = list(invoice_ids(session))
        return emailing.email_invoices(session, actor, ids, delivery, progress)

    write(
        parent,
        work,
        tr("Sending the invoices by e-mail…"),
        feedback=Feedback.CANCELLABLE,
    ).success(lambda outcome: _sent(parent, outcome)).run()


def _sent(parent: QWidget, outcome: InvoiceMailing) -> None:
    said = delivery_outcome(
        invoices,
        len(outcome.queued),
        len(outcome.to_print),
        outcome.problems,
        len(outcome.already),
    )
    title = tr("Invoices by e-mail")
    if not outcome.to_print:
        inform(parent, title, said)
        return
    if confirm(
        parent,
        title,
        said + "\n\n" + tr("Print the invoices that leave by post now?"),
        tr("Print…"),
    ):
        print_invoices(parent, list(outcome.to_print))


def print_invoices(parent: QWidget, invoice_ids: list[int]) -> None:
    """These invoices in one PDF: saved, then shown to print."""
    target = ask_save_path(
        parent,
        tr("Save the invoices to print"),
        tr("invoices-by-post.pdf"),
        pdf_filter(),
        "invoices",
    )
    if target is None:
        return
    actor = parent.context.actor  # type: ignore[attr-defined]

    def work(session: Session, progress: Progress) -> bytes:
        documents.write_invoice_pdfs(
            session, actor, invoice_ids, target, one_file=True, progress=progress
        )
        return target.read_bytes()

    write(
        parent, work, tr("Printing the invoices…"), writes=False, feedback=Feedback.CANCELLABLE
    ).success(lambda pdf: _printed(parent, target, len(invoice_ids), pdf)).run()


def _printed(parent: QWidget, target: Path, count: int, pdf: bytes) -> None:
    show_pdf(
        parent,
        tr("Invoices"),
        pdf,
        name=target.name,
        kind="invoices",
        note=ntr(
            "{count} invoice saved in {path}.",
            "{count} invoices saved in {path}.",
            count,
            path=target,
        ),
    )
