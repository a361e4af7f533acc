"""Every file the program writes: whole or not at all, and readable by its owner only.

What the back-office writes names members, employees, debtors' IBANs or a password
(SEPA files, letters and their e-mails, convocations, invoices, workbooks, exports), so
every file is created with mode 0600 under a temporary name in the folder of its target,
flushed to the disk, and renamed over the target only when complete: a full disk, an
error or a crash leaves the previous file (or none), never half a file, and a reader never
sees one being written. No Qt here: the views, the command line and the services share it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

OWNER_ONLY = 0o600
SHARED = 0o644


def temporary_beside(path: Path, suffix: str = "") -> Path:
    """A new, empty, owner-only file in ``path``'s folder, to become ``path`` with
    :func:`put_in_place` (or to be removed)."""
    descriptor, name = tempfile.mkstemp(suffix, f".{path.name}.", path.parent)
    os.close(descriptor)
    os.chmod(name, OWNER_ONLY)  # mkstemp's mode already; said, not assumed
    return Path(name)


def put_in_place(temporary: Path, path: Path) -> None:
    """Make the complete ``temporary`` file ``path``: on the disk, owner-only, renamed."""
    with temporary.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.chmod(temporary, OWNER_ONLY)
    os.replace(temporary, path)


@contextlib.contextmanager
def whole_file(path: Path, *, mode: int = OWNER_ONLY) -> Iterator[BinaryIO]:
    """A binary file that becomes ``path`` (owner-only) when the block ends without
    error; on any error it is removed and ``path`` is left as it was."""
    temporary = temporary_beside(path)
    try:
        with temporary.open("wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_whole(path: Path, content: bytes, *, private: bool = True) -> None:
    """Write ``content`` as ``path``, whole and owner-only (raises OSError, leaving no
    file behind, when it cannot be written). ``private=False`` only for a file that holds
    nothing personal and is meant to be shared (it is then readable by all, 0644)."""
    with whole_file(path, mode=OWNER_ONLY if private else SHARED) as handle:
        handle.write(content)
