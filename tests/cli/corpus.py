"""The cases of the command line's bad-input corpus (see ``test_bad_input.py``).

A case's arguments may name ``{out}`` (the output folder, which holds ``deja.txt``, a
folder ``dossier.pdf`` and ``employes.csv``), ``{locked}`` (a member whose portal account
is locked) and ``{free}`` (one whose account is not). ``--database URL`` is added before
the command for one case in two and after it for the other, unless the case gives its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.factories import STAFF_PASSWORD

USAGE, REFUSED, UNUSABLE = 64, 1, 2
NOT_UTF8 = b"caf\xe9".decode("utf-8", "surrogateescape")  # Latin-1 bytes in a UTF-8 terminal


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    code: int
    says: str  # words of the one sentence on stderr
    password: str | None = STAFF_PASSWORD  # BACKOFFICE_PASSWORD (None: not set)
    counts_failure: str | None = None  # the login whose failed logins go up by one
    database: str | None = None  # another database than the corpus's
    database_first: bool = True

    def argv(self, *, url: str, out: Path, locked: str, free: str) -> list[str]:
        args = [arg.format(out=out, locked=locked, free=free) for arg in self.args]
        if self.database == "":
            return args
        database = ["--database", self.database or url]
        return [*database, *args] if self.database_first else [*args, *database]


def _cases(*cases: Case) -> list[Case]:
    return [
        Case(**{**case.__dict__, "database_first": index % 2 == 0})
        for index, case in enumerate(cases)
    ]


REQUIRED = "ces arguments sont obligatoires"
NOT_A_DATE = "n'est pas une date"
OUT_OF_RANGE = "est hors limites"
NOT_A_YEAR = "n'est pas une année"
UNKNOWN = "arguments inconnus"
CHOICE = "choix invalide"
ONE_VALUE = "une valeur est attendue"
NOT_ALLOWED = "ne vous permet pas"
FOLDER = "est un dossier"
NO_FOLDER = "n'existe pas"
SUFFIX = "doit se terminer par"
NOT_TEXT = "n'est pas du texte UTF-8"
WHOLE = "n'est pas un nombre entier"
EXPORT = ("sepa", "export", "--as", "billing")
PRENOTIFY = ("sepa", "prenotify", "--as", "billing")
CONVOCATIONS = ("convocations", "print", "--as", "medical_assistant")
JOURNAL = ("accounting", "journal", "--as", "billing")
IMPORT = ("members", "import-employees")
RESET = ("accounts", "reset", "{locked}", "--as", "administrative")

CASES = _cases(
    # -- the command line itself (exit 64) ----------------------------------------------
    Case("unknown-command", ("facturer",), USAGE, CHOICE),
    Case("group-without-action", ("billing",), USAGE, REQUIRED),
    Case("db-without-action", ("db",), USAGE, REQUIRED),
    Case("export-without-kind", ("export",), USAGE, REQUIRED),
    Case("login-unknown-action", ("login", "oublier"), USAGE, CHOICE),
    Case("preview-without-year", ("billing", "preview"), USAGE, REQUIRED),
    Case("year-not-a-number", ("billing", "preview", "--year", "deux-mille"), USAGE, NOT_A_YEAR),
    Case("year-too-far", ("billing", "preview", "--year", "99999"), USAGE, NOT_A_YEAR),
    Case("year-negative", ("billing", "preview", "--year", "-5"), USAGE, NOT_A_YEAR),
    Case("year-too-early", ("billing", "preview", "--year", "1899"), USAGE, NOT_A_YEAR),
    Case("year-scientific", ("accounting", "vat", "--year", "2e3"), USAGE, NOT_A_YEAR),
    Case("year-empty", ("billing", "preview", "--year", ""), USAGE, NOT_A_YEAR),
    Case("issue-without-as", ("billing", "issue", "--year", "2027"), USAGE, REQUIRED),
    Case("unknown-option", ("billing", "preview", "--year", "2027", "--tout"), USAGE, UNKNOWN),
    Case("extra-argument", ("billing", "preview", "--year", "2027", "en-trop"), USAGE, UNKNOWN),
    Case(
        "option-of-another-command",
        ("sepa", "lapse", "--as", "billing", "--date", "2027-01-04"),
        USAGE,
        UNKNOWN,
    ),
    Case(
        "flag-given-a-value",
        ("billing", "preview", "--year", "2027", "--details=oui"),
        USAGE,
        "ignorée",
    ),
    Case("as-without-login", ("changes", "apply-due", "--as"), USAGE, ONE_VALUE),
    Case("database-without-url", ("db", "current", "--database"), USAGE, ONE_VALUE, database=""),
    Case("login-without-as", ("login", "remember"), USAGE, REQUIRED),
    Case(
        "export-date-impossible",
        (*EXPORT, "--date", "31/02/2027", "--out", "{out}/p.xml"),
        USAGE,
        NOT_A_DATE,
    ),
    Case(
        "export-date-year-9999",
        (*EXPORT, "--date", "9999-12-31", "--out", "{out}/p.xml"),
        USAGE,
        OUT_OF_RANGE,
    ),
    Case("prenotify-date-year-9999", (*PRENOTIFY, "--date", "9999-12-31"), USAGE, OUT_OF_RANGE),
    Case("prenotify-date-year-1", (*PRENOTIFY, "--date", "0001-01-01"), USAGE, OUT_OF_RANGE),
    Case("prenotify-month-13", (*PRENOTIFY, "--date", "2027-13-01"), USAGE, NOT_A_DATE),
    Case("prenotify-date-a-word", (*PRENOTIFY, "--date", "demain"), USAGE, NOT_A_DATE),
    Case("prenotify-date-empty", (*PRENOTIFY, "--date", ""), USAGE, NOT_A_DATE),
    Case("prenotify-date-american", (*PRENOTIFY, "--date", "03/15/2027"), USAGE, NOT_A_DATE),
    Case("prenotify-date-with-time", (*PRENOTIFY, "--date", "2027-03-15T08:00"), USAGE, NOT_A_DATE),
    Case("prenotify-without-date", PRENOTIFY, USAGE, REQUIRED),
    Case(
        "prenotify-unknown-channel",
        (*PRENOTIFY, "--date", "2027-03-15", "--channel", "fax"),
        USAGE,
        CHOICE,
    ),
    Case(
        "export-channel-is-not-an-option",
        (*EXPORT, "--date", "2027-03-15", "--out", "{out}/p.xml", "--channel", "email"),
        USAGE,
        UNKNOWN,
    ),
    Case(
        "convocations-day-32",
        (*CONVOCATIONS, "--date", "32/01/2027", "--out", "{out}/c.pdf"),
        USAGE,
        NOT_A_DATE,
    ),
    Case(
        "convocations-29-february-2027",
        (*CONVOCATIONS, "--date", "2027-02-29", "--out", "{out}/c.pdf"),
        USAGE,
        NOT_A_DATE,
    ),
    Case("convocations-without-date", (*CONVOCATIONS, "--out", "{out}/c.pdf"), USAGE, REQUIRED),
    Case("convocations-without-out", (*CONVOCATIONS, "--date", "02/03/2027"), USAGE, REQUIRED),
    Case(
        "journal-from-impossible",
        (*JOURNAL, "--from", "31/02/2026", "--to", "31/12/2026", "--out", "{out}/j.csv"),
        USAGE,
        NOT_A_DATE,
    ),
    Case(
        "journal-to-year-2200",
        (*JOURNAL, "--from", "01/01/2026", "--to", "2200-01-01", "--out", "{out}/j.csv"),
        USAGE,
        OUT_OF_RANGE,
    ),
    Case(
        "close-through-1899",
        ("accounting", "close", "--as", "billing", "--through", "1899-12-31"),
        USAGE,
        OUT_OF_RANGE,
    ),
    Case(
        "aged-balance-date-a-word",
        ("accounting", "aged-balance", "--date", "hier", "--out", "{out}/a.xlsx"),
        USAGE,
        NOT_A_DATE,
    ),
    Case(
        "fec-year-with-a-letter",
        ("accounting", "fec", "--year", "20x6", "--out", "{out}"),
        USAGE,
        NOT_A_YEAR,
    ),
    Case("demo-zero-members", ("demo", "--members", "0"), USAGE, WHOLE),
    Case("demo-negative-members", ("demo", "--members", "-3"), USAGE, WHOLE),
    Case("demo-ten-million-members", ("demo", "--members", "10000000"), USAGE, WHOLE),
    Case("demo-members-a-word", ("demo", "--members", "beaucoup"), USAGE, WHOLE),
    Case("demo-seed-a-word", ("demo", "--seed", "hasard"), USAGE, WHOLE),
    Case("unblock-without-anything", ("accounts", "unblock"), USAGE, REQUIRED),
    Case(
        "reset-without-letter",
        RESET,
        USAGE,
        REQUIRED,
    ),
    Case("import-without-file", (*IMPORT, "{free}", "--as", "administrative"), USAGE, REQUIRED),
    Case(
        "schedules-without-year-or-member",
        ("export", "schedules", "--out", "{out}/e.xlsx"),
        USAGE,
        "--year, --member",
    ),
    Case(
        "not-utf8-member-code",
        ("accounts", "unblock", NOT_UTF8, "--as", "administrative"),
        USAGE,
        NOT_TEXT,
    ),
    Case(
        "not-utf8-output-path",
        (*CONVOCATIONS, "--date", "02/03/2027", "--out", f"{{out}}/{NOT_UTF8}.pdf"),
        USAGE,
        NOT_TEXT,
    ),
    Case("not-utf8-login", ("sepa", "lapse", "--as", NOT_UTF8), USAGE, NOT_TEXT),
    Case(
        "not-utf8-database",
        ("db", "current", "--database", f"sqlite:///{NOT_UTF8}.db"),
        USAGE,
        NOT_TEXT,
        database="",
    ),
    # -- a database that cannot be used (exit 2) ----------------------------------------
    Case(
        "url-port-not-a-number",
        ("db", "current"),
        UNUSABLE,
        "n'est pas valide",
        database="postgresql://u@localhost:port/db",
    ),
    Case(
        "url-of-another-server",
        ("db", "current"),
        UNUSABLE,
        "SQLite et PostgreSQL",
        database="mysql://localhost/x",
    ),
    Case(
        "url-not-a-url",
        ("billing", "preview", "--year", "2027"),
        UNUSABLE,
        "n'est pas valide",
        database="ceci n'est pas une adresse",
    ),
    Case(
        "url-server-down",
        ("billing", "preview", "--year", "2027"),
        UNUSABLE,
        "Erreur",
        database="postgresql://nobody@127.0.0.1:1/nowhere",
    ),
    # -- refused (exit 1): who acts ------------------------------------------------------
    Case("as-unknown-login", ("sepa", "lapse", "--as", "personne"), REFUSED, "personne"),
    Case(
        "as-wrong-password",
        ("sepa", "lapse", "--as", "billing"),
        REFUSED,
        "mot de passe incorrect",
        password="mauvais",
        counts_failure="billing",
    ),
    Case(
        "as-without-password",
        ("sepa", "lapse", "--as", "billing"),
        REFUSED,
        "Aucun mot de passe pour billing",
        password=None,
        counts_failure="billing",
    ),
    Case(
        "as-empty-password",
        ("billing", "issue", "--year", "2027", "--as", "billing"),
        REFUSED,
        "Aucun mot de passe",
        password="",
        counts_failure="billing",
    ),
    Case(
        "as-the-system-account",
        ("sepa", "lapse", "--as", "system"),
        REFUSED,
        "mot de passe incorrect",
        password="!",
    ),
    Case(
        "as-a-disabled-account",
        ("sepa", "lapse", "--as", "parti"),
        REFUSED,
        "mot de passe incorrect",
    ),
    Case("as-a-locked-account", ("sepa", "lapse", "--as", "bloque"), REFUSED, "bloqué"),
    Case("as-a-temporary-password", ("sepa", "lapse", "--as", "provisoire"), REFUSED, "provisoire"),
    Case(
        "read-only-issues-invoices",
        ("billing", "issue", "--year", "2027", "--as", "read_only"),
        REFUSED,
        NOT_ALLOWED,
    ),
    Case(
        "assistant-lapses-mandates",
        ("sepa", "lapse", "--as", "medical_assistant"),
        REFUSED,
        NOT_ALLOWED,
    ),
    Case(
        "billing-unblocks-accounts",
        ("accounts", "unblock", "{locked}", "--as", "billing"),
        REFUSED,
        NOT_ALLOWED,
    ),
    Case(
        "billing-applies-changes", ("changes", "apply-due", "--as", "billing"), REFUSED, NOT_ALLOWED
    ),
    Case(
        "billing-prints-convocations",
        (
            "convocations",
            "print",
            "--as",
            "billing",
            "--date",
            "02/03/2027",
            "--out",
            "{out}/c.pdf",
        ),
        REFUSED,
        NOT_ALLOWED,
    ),
    Case(
        "administrative-closes-the-books",
        ("accounting", "close", "--as", "administrative", "--through", "31/01/2026"),
        REFUSED,
        NOT_ALLOWED,
    ),
    Case(
        "assistant-imports-employees",
        (*IMPORT, "{free}", "{out}/employes.csv", "--as", "medical_assistant"),
        REFUSED,
        NOT_ALLOWED,
    ),
    Case(
        "remember-without-password",
        ("login", "remember", "--as", "billing"),
        REFUSED,
        "Aucun mot de passe à garder",
        password=None,
    ),
    Case(
        "remember-a-wrong-password",
        ("login", "remember", "--as", "billing"),
        REFUSED,
        "mot de passe incorrect",
        password="mauvais",
        counts_failure="billing",
    ),
    # -- refused (exit 1): what it is about ---------------------------------------------
    Case(
        "unblock-unknown-member",
        ("accounts", "unblock", "999999", "--as", "administrative"),
        REFUSED,
        "999999",
    ),
    Case(
        "unblock-an-account-not-locked",
        ("accounts", "unblock", "{free}", "--as", "administrative"),
        REFUSED,
        "n'est pas bloqué",
    ),
    Case(
        "reset-unknown-member",
        ("accounts", "reset", "999999", "--as", "administrative", "--letter", "{out}/l.pdf"),
        REFUSED,
        "999999",
    ),
    Case(
        "convocations-unknown-centre",
        (*CONVOCATIONS, "--date", "02/03/2027", "--centre", "XYZ", "--out", "{out}/c.pdf"),
        REFUSED,
        "XYZ",
    ),
    Case(
        "export-on-a-saturday",
        (*EXPORT, "--date", "2027-03-13", "--out", "{out}/p.xml"),
        REFUSED,
        "samedi",
    ),
    Case(
        "export-in-the-past",
        (*EXPORT, "--date", "2020-01-02", "--out", "{out}/p.xml"),
        REFUSED,
        "Date de prélèvement",
    ),
    Case(
        "schedules-unknown-member",
        ("export", "schedules", "--member", "nope", "--out", "{out}/e.xlsx"),
        REFUSED,
        "nope",
    ),
    Case(
        "issue-without-a-tariff",
        ("billing", "issue", "--year", "2031", "--as", "billing"),
        REFUSED,
        "2031",
    ),
    Case(
        "close-a-month-not-over",
        ("accounting", "close", "--as", "billing", "--through", "31/12/2099"),
        REFUSED,
        "Refusé",
    ),
    Case(
        "import-unknown-member",
        (*IMPORT, "999999", "{out}/employes.csv", "--as", "administrative"),
        REFUSED,
        "999999",
    ),
    Case(
        "import-missing-file",
        (*IMPORT, "{free}", "{out}/absent.csv", "--as", "administrative"),
        REFUSED,
        "absent.csv",
    ),
    Case(
        "import-a-folder",
        (*IMPORT, "{free}", "{out}/dossier.pdf", "--as", "administrative"),
        REFUSED,
        "dossier.pdf",
    ),
    # -- refused (exit 1): where it would write -----------------------------------------
    Case(
        "letter-is-a-folder",
        (*RESET, "--letter", "{out}/dossier.pdf"),
        REFUSED,
        FOLDER,
    ),
    Case(
        "letter-in-a-missing-folder",
        (*RESET, "--letter", "{out}/absent/l.pdf"),
        REFUSED,
        NO_FOLDER,
    ),
    Case(
        "letter-not-a-pdf",
        ("accounts", "reset", "{locked}", "--as", "administrative", "--letter", "{out}/l.txt"),
        REFUSED,
        SUFFIX,
    ),
    Case(
        "convocations-into-a-folder",
        (*CONVOCATIONS, "--date", "02/03/2027", "--out", "{out}/dossier.pdf"),
        REFUSED,
        FOLDER,
    ),
    Case(
        "convocations-in-a-missing-folder",
        (*CONVOCATIONS, "--date", "02/03/2027", "--out", "{out}/absent/c.pdf"),
        REFUSED,
        NO_FOLDER,
    ),
    Case(
        "convocations-not-a-pdf",
        (*CONVOCATIONS, "--date", "02/03/2027", "--out", "{out}/c.docx"),
        REFUSED,
        SUFFIX,
    ),
    Case(
        "convocations-in-a-file",
        (*CONVOCATIONS, "--date", "02/03/2027", "--out", "{out}/deja.txt/c.pdf"),
        REFUSED,
        NO_FOLDER,
    ),
    Case(
        "export-into-a-folder", (*EXPORT, "--date", "2027-03-15", "--out", "{out}"), REFUSED, SUFFIX
    ),
    Case(
        "export-in-a-missing-folder",
        (*EXPORT, "--date", "2027-03-15", "--out", "{out}/absent/p.xml"),
        REFUSED,
        NO_FOLDER,
    ),
    Case(
        "export-not-xml", (*EXPORT, "--date", "2027-03-15", "--out", "{out}/p.pdf"), REFUSED, SUFFIX
    ),
    Case(
        "prenotify-letters-a-folder",
        (*PRENOTIFY, "--date", "2027-03-15", "--letters", "{out}/dossier.pdf"),
        REFUSED,
        FOLDER,
    ),
    Case(
        "prenotify-letters-missing-folder",
        (*PRENOTIFY, "--date", "2027-03-15", "--letters", "{out}/absent/a.pdf"),
        REFUSED,
        NO_FOLDER,
    ),
    Case(
        "prenotify-emails-a-file",
        (*PRENOTIFY, "--date", "2027-03-15", "--emails", "{out}/deja.txt"),
        REFUSED,
        "pas un dossier",
    ),
    Case(
        "prenotify-emails-two-levels-down",
        (*PRENOTIFY, "--date", "2027-03-15", "--emails", "{out}/absent/mails"),
        REFUSED,
        NO_FOLDER,
    ),
    Case(
        "schedules-not-xlsx",
        ("export", "schedules", "--year", "2027", "--out", "{out}/e.csv"),
        REFUSED,
        SUFFIX,
    ),
    Case(
        "schedules-into-a-folder",
        ("export", "schedules", "--year", "2027", "--out", "{out}"),
        REFUSED,
        SUFFIX,
    ),
    Case(
        "schedules-in-a-missing-folder",
        ("export", "schedules", "--year", "2027", "--out", "{out}/absent/e.xlsx"),
        REFUSED,
        NO_FOLDER,
    ),
    Case(
        "journal-not-a-table",
        (*JOURNAL, "--from", "01/01/2026", "--to", "31/12/2026", "--out", "{out}/j.pdf"),
        REFUSED,
        SUFFIX,
    ),
    Case(
        "journal-in-a-missing-folder",
        (*JOURNAL, "--from", "01/01/2026", "--to", "31/12/2026", "--out", "{out}/absent/j.csv"),
        REFUSED,
        NO_FOLDER,
    ),
    Case(
        "aged-balance-in-a-missing-folder",
        ("accounting", "aged-balance", "--out", "{out}/absent/a.xlsx"),
        REFUSED,
        NO_FOLDER,
    ),
    Case(
        "vat-into-a-folder",
        ("accounting", "vat", "--year", "2026", "--out", "{out}/dossier.pdf"),
        REFUSED,
        SUFFIX,
    ),
    Case(
        "fec-into-a-file",
        ("accounting", "fec", "--year", "2026", "--out", "{out}/deja.txt"),
        REFUSED,
        "pas un dossier",
    ),
    Case(
        "fec-two-levels-down",
        ("accounting", "fec", "--year", "2026", "--out", "{out}/absent/fec"),
        REFUSED,
        NO_FOLDER,
    ),
    Case(
        "aged-balance-unwritable",
        ("accounting", "aged-balance", "--out", "/proc/balance.xlsx"),
        REFUSED,
        "balance.xlsx",
    ),
    Case(
        "demo-on-a-database-with-members", ("demo", "--members", "3", "--quiet"), REFUSED, "--reset"
    ),
)
