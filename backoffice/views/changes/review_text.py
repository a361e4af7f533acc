"""The words of the review panel: its header, the consequences, the outcome of a decision."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from backoffice.i18n import ntr, tr
from backoffice.models import ChangeStatus
from backoffice.services.changes.decisions import DecisionOutcome
from backoffice.services.changes.fields import kind_label
from backoffice.services.changes.review import ReviewDetail
from backoffice.views import formatting
from backoffice.views.widgets.dialogs import note


def outcome_message(outcome: DecisionOutcome) -> str:
    day = formatting.day(outcome.effective_on)
    if outcome.status == ChangeStatus.DUPLICATE:
        return tr("Request {id} closed as a duplicate.", id=outcome.request_id)
    if outcome.status == ChangeStatus.REJECTED:
        return tr(
            "Request {id} rejected; the member reads the reason on the portal.",
            id=outcome.request_id,
        )
    if outcome.applied:
        return tr("Request {id} approved and applied.", id=outcome.request_id)
    if outcome.status == ChangeStatus.PARTIALLY_APPROVED:
        return ntr(
            "Request {id} partly approved ({count} field rejected); effective on {date}.",
            "Request {id} partly approved ({count} fields rejected); effective on {date}.",
            len(outcome.rejected),
            id=outcome.request_id,
            date=day,
        )
    return tr("Request {id} approved; effective on {date}.", id=outcome.request_id, date=day)


def rich_label(style: str) -> QLabel:
    label = note()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setStyleSheet(style)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def header_text(detail: ReviewDetail) -> str:
    who = html.escape(f"{detail.member_code} — {detail.member_name}".rstrip(" —"))
    title = tr("Request {id}", id=detail.id)
    lines = [
        f"<span style='font-size: 15px; font-weight: 600;'>{html.escape(title)} · "
        f"{html.escape(kind_label(detail.kind))}</span>",
        f"<b>{who}</b>",
    ]
    if detail.employee_label:
        lines.append(html.escape(tr("Employee: {name}", name=detail.employee_label)))
    lines.append(
        html.escape(
            tr(
                "Sent on {when} by {who} ({age}).",
                when=formatting.moment(detail.submitted_at),
                who=detail.submitted_by,
                age=age_text(detail.age_days),
            )
        )
    )
    if detail.comment:
        lines.append(f"<i>« {html.escape(detail.comment)} »</i>")
    return "<br>".join(lines)


def consequences_text(detail: ReviewDetail) -> str:
    if detail.decided:
        return html.escape(detail.decided)
    if not detail.consequences:
        return ""
    items = "".join(f"<li>{html.escape(item)}</li>" for item in detail.consequences)
    title = tr("If approved (effective on {date}):", date=formatting.day(detail.effective_on))
    return f"<b>{html.escape(title)}</b><ul style='margin: 2px 0;'>{items}</ul>"


def age_text(days: int) -> str:
    return tr("today") if days == 0 else ntr("{count} day", "{count} days", days)
