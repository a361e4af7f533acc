"""Errors a service raises, each carrying a sentence for the user (already translated)."""

from __future__ import annotations

from dataclasses import dataclass


class ServiceError(Exception):
    """A refused operation; ``message`` is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDenied(ServiceError):
    pass


class StaffRightsChanged(PermissionDenied):
    """The acting staff member was disabled, or their role changed, since they logged in:
    nothing they asked is done; the GUI returns to the login dialog. ``staff_id`` says
    whose session it was (a later session of someone else must not be ended by it)."""

    def __init__(self, message: str, staff_id: int) -> None:
        super().__init__(message)
        self.staff_id = staff_id


class NotFound(ServiceError):
    pass


class Conflict(ServiceError):
    """Another writer (a colleague, the portal) changed the data since it was read."""


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ValidationFailed(ServiceError):
    """Bad input: one sentence per field, naming the field and the reason."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("\n".join(error.message for error in errors))
        self.errors = errors

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        return cls([FieldError(field, message)])
