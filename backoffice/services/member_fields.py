"""The fields of a member's record: their French label, their type, and their checks.

Shared by the member page (staff edits) and the review of portal changes, so that a field
is named and checked the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from backoffice import clock
from backoffice.dates import Meaning, day_problem, format_day
from backoffice.i18n import tr
from backoffice.models.members import PORTAL_EDITABLE_MEMBER_FIELDS, DocumentChannel, Member
from backoffice.services import validation
from backoffice.services.limits import max_length, too_long

Check = Callable[[str, object], str | None]


@dataclass(frozen=True)
class MemberField:
    name: str
    label: str
    kind: type = str  # str, date, or an enum (a choice: ``DocumentChannel``)
    required: bool = False
    check: Check | None = None
    meaning: Meaning | None = None  # a day's sensible bounds (the form refuses the others)
    default: object = None  # what a new member gets when the field is not given

    @property
    def portal_editable(self) -> bool:
        return self.name in PORTAL_EDITABLE_MEMBER_FIELDS

    @property
    def max_length(self) -> int | None:
        """The column's length (``members``): the form and the checks refuse longer (a
        choice has none: its values are the choices)."""
        if self.kind is not str:
            return None
        return max_length(Member.__table__.c[self.name])

    @property
    def input_length(self) -> int | None:
        """What an input lets people type: the column's length, unless the value is
        normalised first (a SIRET typed with its spaces is longer than stored)."""
        return None if validation.is_normalised(self.name) else self.max_length

    def clean(self, value: object) -> object:
        """The value as stored: texts trimmed (empty is None), identifiers normalised, a
        choice as its enum (an unknown one left for the check to refuse)."""
        if not isinstance(value, str):
            return value
        if self.kind is DocumentChannel:
            try:
                return DocumentChannel(value.strip())
            except ValueError:
                return value
        return validation.as_stored(self.name, value) or None


def _not_in_future(label: str, value: date) -> str | None:
    """An activity that has started started today at the latest (and after 1800)."""
    if value > clock.today():
        return tr("{field}: {date} is in the future.", field=label, date=format_day(value))
    return day_problem(Meaning.ACTIVITY_STARTED, label, value)


def _within_a_year(label: str, value: date) -> str | None:
    """A member may join ahead (next January), not years ahead (a typing mistake), and
    not before occupational health services existed."""
    if value > clock.today() + timedelta(days=366):
        return tr("{field}: {date} is more than a year ahead.", field=label, date=format_day(value))
    return day_problem(Meaning.MEMBER_JOINED, label, value)


def document_channel_label(channel: DocumentChannel | str) -> str:
    """« par e-mail » / « par courrier »: how the member receives its documents."""
    return {
        DocumentChannel.EMAIL: tr("by e-mail"),
        DocumentChannel.POST: tr("by post"),
    }.get(DocumentChannel(channel), str(channel))


def _document_channel(label: str, value: object) -> str | None:
    if value in {channel.value for channel in DocumentChannel}:
        return None
    return tr(
        "{field}: choose {email} or {post}.",
        field=label,
        email=document_channel_label(DocumentChannel.EMAIL),
        post=document_channel_label(DocumentChannel.POST),
    )


def member_fields() -> dict[str, MemberField]:
    """Every staff-editable field of ``members``, in the order of the form."""
    fields = [
        MemberField("legal_name", tr("Legal name"), required=True),
        MemberField("trade_name", tr("Trade name")),
        MemberField("siret", tr("SIRET"), required=True, check=validation.check_siret),
        MemberField("naf_code", tr("APE code"), check=validation.check_naf),
        MemberField(
            "joined_on",
            tr("Joined on"),
            kind=date,
            required=True,
            check=_within_a_year,
            meaning=Meaning.MEMBER_JOINED,
        ),
        MemberField(
            "activity_started_on",
            tr("Activity started on"),
            kind=date,
            check=_not_in_future,
            meaning=Meaning.ACTIVITY_STARTED,
        ),
        MemberField("address_line1", tr("Address"), required=True),
        MemberField("address_line2", tr("Address (continued)")),
        MemberField("postcode", tr("Postcode"), required=True, check=validation.check_postcode),
        MemberField("city", tr("City"), required=True),
        MemberField("contact_name", tr("Contact")),
        MemberField("phone", tr("Phone"), check=validation.check_phone),
        MemberField("email", tr("Email"), check=validation.check_email),
        MemberField("billing_name", tr("Billing name")),
        MemberField("billing_address_line1", tr("Billing address")),
        MemberField("billing_address_line2", tr("Billing address (continued)")),
        MemberField("billing_postcode", tr("Billing postcode"), check=validation.check_postcode),
        MemberField("billing_city", tr("Billing city")),
        MemberField("billing_email", tr("Billing email"), check=validation.check_email),
        MemberField("convocation_contact_name", tr("Convocation contact")),
        MemberField("convocation_address_line1", tr("Convocation address")),
        MemberField("convocation_address_line2", tr("Convocation address (continued)")),
        MemberField(
            "convocation_postcode", tr("Convocation postcode"), check=validation.check_postcode
        ),
        MemberField("convocation_city", tr("Convocation city")),
        MemberField("convocation_phone", tr("Convocation phone"), check=validation.check_phone),
        MemberField("convocation_email", tr("Convocation email"), check=validation.check_email),
        MemberField(
            "documents_by",
            tr("Documents sent"),
            kind=DocumentChannel,
            required=True,
            check=_document_channel,
            default=DocumentChannel.EMAIL,
        ),
    ]
    return {field.name: field for field in fields}


def cleaned(values: dict[str, object]) -> dict[str, object]:
    """The values as stored (``MemberField.clean``); names that are not fields unchanged."""
    definitions = member_fields()
    return {
        name: definitions[name].clean(value) if name in definitions else value
        for name, value in values.items()
    }


def field_errors(values: dict[str, object]) -> list[tuple[str, str]]:
    """(field, sentence) for every value that fails its checks (its length first)."""
    definitions = member_fields()
    errors = []
    for name, value in values.items():
        field = definitions[name]
        message = validation.check_required(field.label, value) if field.required else None
        if message is None:
            message = too_long(field.label, value, field.max_length)
        if message is None and field.check is not None and value not in (None, ""):
            message = field.check(field.label, value)
        if message:
            errors.append((name, message))
    return errors
