"""Where the database is, and how to reach it.

Order of precedence for the database URL: ``--database``, then ``BACKOFFICE_DATABASE_URL``,
then the workstation's configuration file (written by the settings dialog), then the
embedded SQLite file in the user's data directory. A PostgreSQL password is never kept in
a URL on disk nor typed on the command line: it lives in the system keyring, under the
service name ``backoffice`` and the user name ``user@host:port/database``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from sqlalchemy.engine import URL, make_url

APP_NAME = "backoffice"
KEYRING_SERVICE = "backoffice"
ENV_DATABASE_URL = "BACKOFFICE_DATABASE_URL"


def data_dir() -> Path:
    override = os.environ.get("BACKOFFICE_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))


def config_dir() -> Path:
    override = os.environ.get("BACKOFFICE_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, False))


def default_sqlite_url() -> str:
    return f"sqlite:///{data_dir() / 'backoffice.sqlite3'}"


@dataclass
class LocalConfig:
    """The workstation's own settings (never a password)."""

    database_url: str | None = None

    @classmethod
    def path(cls) -> Path:
        return config_dir() / "config.json"

    @classmethod
    def load(cls) -> LocalConfig:
        try:
            document = json.loads(cls.path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        return cls(database_url=document.get("database_url"))

    def save(self) -> None:
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        url = strip_password(self.database_url) if self.database_url else None
        path.write_text(json.dumps({"database_url": url}, indent=2), encoding="utf-8")


def resolve_database_url(cli_value: str | None = None) -> str:
    return (
        cli_value
        or os.environ.get(ENV_DATABASE_URL)
        or LocalConfig.load().database_url
        or default_sqlite_url()
    )


def keyring_user(url: URL) -> str:
    return f"{url.username}@{url.host}:{url.port or 5432}/{url.database}"


def strip_password(url_text: str) -> str:
    url = make_url(url_text)
    return url.set(password=None).render_as_string(hide_password=False)


def with_keyring_password(url_text: str) -> URL:
    """The URL, with the password from the keyring for a server database that has none."""
    url = make_url(url_text)
    if url.get_backend_name() == "sqlite" or url.password is not None:
        return url
    import keyring

    try:
        password = keyring.get_password(KEYRING_SERVICE, keyring_user(url))
    except Exception:  # no usable keyring backend: connect without a password
        password = None
    return url.set(password=password) if password else url


class KeyringUnavailable(Exception):
    """No usable system keyring on this workstation: a password cannot be kept."""


def store_password(url_text: str, password: str) -> None:
    """Keep ``password`` in the system keyring; :class:`KeyringUnavailable` when there is
    no usable one (nothing is written anywhere else)."""
    import keyring

    try:
        keyring.set_password(KEYRING_SERVICE, keyring_user(make_url(url_text)), password)
    except Exception:  # each backend has its own errors (no backend, locked, D-Bus…)
        raise KeyringUnavailable from None  # its message could quote the password


def smtp_keyring_user(user: str, host: str, port: int) -> str:
    """The keyring's user name for the SMTP server's password (same service as the
    database's password)."""
    return f"smtp:{user}@{host}:{port}"


def secret(user_name: str) -> str | None:
    """A password kept in the system keyring (None when there is none, or no keyring)."""
    import keyring

    try:
        return keyring.get_password(KEYRING_SERVICE, user_name)
    except Exception:  # no usable keyring backend
        return None


def store_secret(user_name: str, password: str) -> None:
    import keyring

    try:
        keyring.set_password(KEYRING_SERVICE, user_name, password)
    except Exception:  # each backend has its own errors (no backend, locked, D-Bus…)
        raise KeyringUnavailable from None  # its message could quote the password
