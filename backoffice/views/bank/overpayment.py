"""What the forms that record money received share (a payment, a slip of cheques): more
than owed is refused by the service, then kept as the member's credit once staff agree."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from backoffice.i18n import tr
from backoffice.services.errors import ValidationFailed
from backoffice.views.widgets.dialogs import confirm
from backoffice.views.widgets.operation_dialog import OperationDialog


class OverpaymentDialog(OperationDialog):
    """Subclasses pass ``allow_overpayment`` to the service and say in :meth:`overpaid`
    whether a refusal is only about paying more than owed."""

    allow_overpayment = False

    def overpaid(self, error: ValidationFailed) -> bool:
        raise NotImplementedError

    def refused(self, error: BaseException) -> bool:
        if (
            isinstance(error, ValidationFailed)
            and self.overpaid(error)
            and confirm(
                self, tr("More than owed"), error.message, tr("Keep the difference as a credit")
            )
        ):
            self.allow_overpayment = True
            QTimer.singleShot(0, self.submit)  # once this refused operation has finished
            return False
        return super().refused(error)
