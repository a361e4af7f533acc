"""argparse's own sentences (usage errors, help headings) in the terminal's language.

argparse looks its texts up with ``gettext`` at the moment it uses them; :func:`install`
routes them through :func:`backoffice.i18n.tr`, whose French catalogue ships them.
"""

from __future__ import annotations

import argparse

from backoffice.i18n import ntr, tr


def texts() -> tuple[str, ...]:
    """The argparse texts a user of ``backoffice`` may read (listed here to be extracted
    into the catalogues; a test checks each one is translated)."""
    return (
        tr("usage: "),
        tr("positional arguments"),
        tr("options"),
        tr("show this help message and exit"),
        tr("show program's version number and exit"),
        tr("argument %(argument_name)s: %(message)s"),
        tr("the following arguments are required: %s"),
        tr("unrecognized arguments: %s"),
        tr("invalid choice: %(value)r (choose from %(choices)s)"),
        tr("invalid %(type)s value: %(value)r"),
        tr("expected one argument"),
        tr("expected at most one argument"),
        tr("expected at least one argument"),
        tr("ambiguous option: %(option)s could match %(matches)s"),
        tr("not allowed with argument %s"),
        tr("one of the arguments %s is required"),
        tr("ignored explicit argument %r"),
        tr("unexpected option string: %s"),
        ntr("expected %s argument", "expected %s arguments", 1),
    )


def _plural(singular: str, plural: str, count: int) -> str:
    return ntr(singular, plural, count)  # argparse formats its ``%s`` itself


def install() -> None:
    argparse._ = tr  # type: ignore[attr-defined]
    argparse.ngettext = _plural  # type: ignore[attr-defined]
