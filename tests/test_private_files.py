"""Files the program writes: owner-only (0600) whatever the umask or an older file's mode,
and whole or absent after a failure (issue 14.6)."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from backoffice import private_files
from backoffice.private_files import whole_file, write_whole
from backoffice.reports.spreadsheet import Column, TableWriter


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """As in a usual desktop session, where new files are readable by all (0644)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_new_file_is_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "lettre.pdf"
    write_whole(target, b"%PDF-1.7 lettre")
    assert target.read_bytes() == b"%PDF-1.7 lettre"
    assert mode(target) == 0o600
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left


def test_a_file_readable_by_all_becomes_owner_only_when_replaced(tmp_path: Path) -> None:
    target = tmp_path / "prelevements.xml"
    target.write_bytes(b"<ancien/>")
    target.chmod(0o644)
    write_whole(target, b"<nouveau/>")
    assert (target.read_bytes(), mode(target)) == (b"<nouveau/>", 0o600)


def test_a_full_disk_leaves_the_previous_file_whole_and_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "echeancier.xlsx"
    target.write_bytes(b"previous, complete")
    with pytest.raises(OSError) as full, whole_file(target) as handle:
        handle.write(b"half of the new one")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert full.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"previous, complete"
    assert list(tmp_path.iterdir()) == [target]


def test_a_failure_before_the_rename_leaves_no_truncated_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(_source: object, _target: object) -> None:
        raise OSError(errno.EIO, "simulated crash before the rename")

    monkeypatch.setattr(private_files.os, "replace", crash)
    target = tmp_path / "convocations.pdf"
    with pytest.raises(OSError):
        write_whole(target, b"%PDF" + b"x" * 100_000)
    assert list(tmp_path.iterdir()) == []


def test_a_shared_file_may_be_readable_by_all(tmp_path: Path) -> None:
    target = tmp_path / "modele.pdf"
    write_whole(target, b"%PDF", private=False)
    assert mode(target) == 0o644


COLUMNS = [Column("Adhérent", 30), Column("IBAN", 34)]


def test_workbooks_are_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "echeancier.xlsx"
    with TableWriter(target, "Échéancier", COLUMNS) as writer:
        writer.append(["BOULANGERIE MÜLLER", "FR7630006000011234567890189"])
    assert mode(target) == 0o600
    assert load_workbook(target).active["B2"].value == "FR7630006000011234567890189"
    assert list(tmp_path.iterdir()) == [target]


def test_a_workbook_that_fails_half_way_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "echeancier.xlsx"
    with pytest.raises(RuntimeError), TableWriter(target, "Échéancier", COLUMNS) as writer:
        writer.append(["BOULANGERIE MÜLLER", "FR7630006000011234567890189"])
        raise RuntimeError("the database connection was lost")
    assert list(tmp_path.iterdir()) == []
