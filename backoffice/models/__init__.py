"""SQLAlchemy models: the database shared with the members' portal.

Importing this package registers every table on ``Base.metadata``.
"""

from backoffice.models.accounting import (
    AccountingBooks,
    AccountingClosure,
    EntrySource,
    JournalEntry,
    JournalExport,
    JournalLine,
    LineKind,
    WriteOff,
)
from backoffice.models.appointments import (
    ACTIVE_APPOINTMENT_STATUSES,
    AgendaBlock,
    Appointment,
    AppointmentRequest,
    AppointmentStatus,
    RequestKind,
    RequestStatus,
    VisitType,
)
from backoffice.models.audit import AuditEvent
from backoffice.models.bank import (
    BankEntry,
    BankEntryKind,
    BankEntryPayment,
    BankFile,
    BankFileFormat,
    BankMatchState,
    BankReturn,
    BankStatement,
)
from backoffice.models.base import Base
from backoffice.models.care_network import (
    CentreOpeningHours,
    ConsultationSession,
    HealthProfessional,
    ProfessionalKind,
    VisitCentre,
)
from backoffice.models.change_requests import (
    ChangeKind,
    ChangeRequest,
    ChangeRequestField,
    ChangeStatus,
    FieldDecision,
)
from backoffice.models.cheques import ChequeRemittance, ChequeRemittanceItem
from backoffice.models.declarations import DeclarationSource, WorkforceDeclaration
from backoffice.models.documents import Document, DocumentTheme
from backoffice.models.einvoicing import EInvoice, EInvoiceEvent
from backoffice.models.employees import (
    Employee,
    EmployeeOrigin,
    EmployeeRiskFactor,
    FollowUpCategory,
    RiskFactor,
)
from backoffice.models.invoices import (
    BillingCampaign,
    CreditNote,
    Instalment,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    NumberCounter,
    SepaState,
)
from backoffice.models.mail import (
    AttachmentSource,
    MailAttachment,
    MailKind,
    MailMessage,
    MailStatus,
    MailTemplate,
)
from backoffice.models.members import (
    PORTAL_EDITABLE_MEMBER_FIELDS,
    DocumentChannel,
    Member,
    MemberStatus,
)
from backoffice.models.payments import Payment, PaymentAllocation, PaymentMethod, PaymentReminder
from backoffice.models.portal_accounts import (
    AccountingFirm,
    AccountKind,
    FirmAccess,
    LoginAttempt,
    PortalAccount,
)
from backoffice.models.sepa import MandateStatus, SepaCollection, SepaMandate, SepaPrenotification
from backoffice.models.service_accounts import ServiceBankAccount
from backoffice.models.settings import Setting
from backoffice.models.staff import Role, StaffUser
from backoffice.models.tariffs import Tariff, TariffInstalmentDate

__all__ = [
    "ACTIVE_APPOINTMENT_STATUSES",
    "PORTAL_EDITABLE_MEMBER_FIELDS",
    "AccountKind",
    "AccountingBooks",
    "AccountingClosure",
    "AccountingFirm",
    "AgendaBlock",
    "Appointment",
    "AppointmentRequest",
    "AppointmentStatus",
    "AttachmentSource",
    "AuditEvent",
    "BankEntry",
    "BankEntryKind",
    "BankEntryPayment",
    "BankFile",
    "BankFileFormat",
    "BankMatchState",
    "BankReturn",
    "BankStatement",
    "Base",
    "BillingCampaign",
    "CentreOpeningHours",
    "ChangeKind",
    "ChangeRequest",
    "ChangeRequestField",
    "ChangeStatus",
    "ChequeRemittance",
    "ChequeRemittanceItem",
    "ConsultationSession",
    "CreditNote",
    "DeclarationSource",
    "Document",
    "DocumentChannel",
    "DocumentTheme",
    "EInvoice",
    "EInvoiceEvent",
    "Employee",
    "EmployeeOrigin",
    "EmployeeRiskFactor",
    "EntrySource",
    "FieldDecision",
    "FirmAccess",
    "FollowUpCategory",
    "HealthProfessional",
    "Instalment",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "JournalEntry",
    "JournalExport",
    "JournalLine",
    "LineKind",
    "LoginAttempt",
    "MailAttachment",
    "MailKind",
    "MailMessage",
    "MailStatus",
    "MailTemplate",
    "MandateStatus",
    "Member",
    "MemberStatus",
    "NumberCounter",
    "Payment",
    "PaymentAllocation",
    "PaymentMethod",
    "PaymentReminder",
    "PortalAccount",
    "ProfessionalKind",
    "RequestKind",
    "RequestStatus",
    "RiskFactor",
    "Role",
    "SepaCollection",
    "SepaMandate",
    "SepaPrenotification",
    "SepaState",
    "ServiceBankAccount",
    "Setting",
    "StaffUser",
    "Tariff",
    "TariffInstalmentDate",
    "VisitCentre",
    "VisitType",
    "WorkforceDeclaration",
    "WriteOff",
]
