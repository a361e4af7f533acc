"""Where a command writes, checked before any work: a file in an existing folder one may
write to, never a folder; a folder that exists (or can be made in an existing one)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from backoffice.i18n import tr
from backoffice.services.errors import ServiceError


def check_output_file(path: Path, suffixes: Sequence[str] = ()) -> Path:
    """``path`` as a file to (re)write; refused in one sentence when it cannot be."""
    if suffixes and path.suffix.lower() not in suffixes:
        raise ServiceError(
            tr(
                "The file {path} must end with {suffixes}. Nothing was changed.",
                path=path,
                suffixes=" or ".join(suffixes),
            )
        )
    if path.is_dir():
        raise ServiceError(
            tr("{path} is a folder: give a file name in it. Nothing was changed.", path=path)
        )
    folder = path.parent
    _check_folder(folder)
    if path.exists() and not os.access(path, os.W_OK):
        raise ServiceError(
            tr("The file {path} cannot be replaced (read-only). Nothing was changed.", path=path)
        )
    return path


def check_output_folder(path: Path) -> Path:
    """``path`` as a folder to write files in (made if its parent exists)."""
    if path.exists() and not path.is_dir():
        raise ServiceError(tr("{path} is a file, not a folder. Nothing was changed.", path=path))
    if not path.exists():
        _check_folder(path.parent)
    else:
        _check_folder(path)
    return path


def make_folder(path: Path, written: list[Path]) -> None:
    """Make the folder checked by :func:`check_output_folder` (just before writing); a
    folder made is in ``written`` (see :func:`removed_on_error`)."""
    if not path.is_dir():
        path.mkdir()
        written.append(path)


def _check_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise ServiceError(
            tr("The folder {folder} does not exist. Nothing was changed.", folder=folder)
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ServiceError(
            tr("The folder {folder} is not writable. Nothing was changed.", folder=folder)
        )


@contextlib.contextmanager
def removed_on_error() -> Iterator[list[Path]]:
    """Files (and folders) written inside a transaction, appended to the list before they
    are: when anything fails, the commit included, they are removed, so that no file tells
    of what was not saved."""
    written: list[Path] = []
    try:
        yield written
    except BaseException:
        for path in reversed(written):  # files before the folder made for them
            with contextlib.suppress(OSError):
                path.rmdir() if path.is_dir() else path.unlink(missing_ok=True)
        raise
