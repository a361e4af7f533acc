"""Files written by the program: whole or not at all, and owner-only when they hold
personal data or a password (no Qt here: the views and the command line share it)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_private(path: Path, content: bytes) -> None:
    """Write ``content`` with mode 0600 (raises OSError when the file cannot be written)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    path.chmod(0o600)  # an existing file keeps its old mode through O_TRUNC


def write_whole(path: Path, content: bytes, *, private: bool = False) -> None:
    """Write ``content`` under a temporary name in the same folder, then rename it: a
    reader never sees half a file, a failure leaves the old one. ``private``: mode 0600."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        os.chmod(temporary, 0o600 if private else 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
