"""Staff passwords kept in the system keyring (never in a file): the login dialog's
« Se souvenir de moi » and the command line's ``backoffice login remember`` share them.

One entry per login and database (service ``backoffice-staff``, user
``login@<the database's description>``).
"""

from __future__ import annotations

import contextlib
import logging

log = logging.getLogger(__name__)
KEYRING_SERVICE = "backoffice-staff"


def keyring_user(database_description: str, login: str) -> str:
    return f"{login}@{database_description}"


def remembered_password(database_description: str, login: str) -> str | None:
    """The password kept for ``login``, or None (none kept, or no usable keyring)."""
    import keyring

    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_user(database_description, login))
    except Exception as error:  # no usable keyring backend
        log.info("keyring unavailable: %s", error)
        return None


def remember_password(database_description: str, login: str, password: str | None) -> bool:
    """Keep ``password`` (None: forget it); False when the keyring cannot be used."""
    import keyring
    from keyring.errors import PasswordDeleteError

    user = keyring_user(database_description, login)
    try:
        if password is None:
            with contextlib.suppress(PasswordDeleteError):  # nothing was kept
                keyring.delete_password(KEYRING_SERVICE, user)
        else:
            keyring.set_password(KEYRING_SERVICE, user, password)
    except Exception as error:
        log.info("keyring unavailable: %s", error)
        return False
    return True
